// Level of detail for dense lanes (the way Perfetto stays at frame rate on millions of events): a
// frame draws at most a few things per pixel column, however many events fall into it. Spans wide
// enough to tell apart are drawn one by one; runs of narrower ones are merged into one bar that
// covers exactly the pixels some span covers; point events (output lines, message ends) become one
// tick per pixel column. Each step jumps over everything that lands in the pixels already drawn
// with a binary search, so a frame costs O(pixels × log n), not O(events). Zooming in separates
// the runs again until every span and tick is drawn on its own: nothing is lost, only merged.
// Pure (no DOM); unit-tested in test/unit/webview/lod.test.ts.

/** A lane's spans of one kind (tasks today; waits later), sorted by start. */
export interface SpanTrack {
  starts: Float64Array;
  /** NaN while the span is open (its end is the frame's `openEnd`). */
  ends: Float64Array;
  /** endMax[i] = the latest end among spans 0..i (Infinity once one of them is open). */
  endMax: Float64Array;
}

/** The horizontal mapping of a frame: x = (t - base) * k, in CSS pixels. */
export interface XScale {
  base: number;
  k: number;
}

export const xAt = (s: XScale, t: number): number => (t - s.base) * s.k;
export const tAt = (s: XScale, x: number): number => s.base + x / s.k;

/** Spans narrower than this many pixels are merged into runs. */
export const LOD_MIN_SPAN_PX = 4;

export interface SpanVisitor {
  /** Span i drawn on its own, from x0 to x1. */
  span(i: number, x0: number, x1: number): void;
  /** Spans first..last (inclusive) merged into one bar from x0 to x1. */
  run(x0: number, x1: number, first: number, last: number): void;
}

/** First index in [lo, hi) whose value is >= v (a sorted array). */
export function lowerBoundIn(a: Float64Array, lo: number, hi: number, v: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function prefixMax(ends: Float64Array): Float64Array {
  const out = new Float64Array(ends.length);
  let m = -Infinity;
  for (let i = 0; i < ends.length; i++) {
    const e = ends[i]!;
    m = Number.isNaN(e) ? Infinity : Math.max(m, e);
    out[i] = m;
  }
  return out;
}

/**
 * Walks spans from..to-1 of a track (the caller's visible range) at scale `s`. `openEnd` is where
 * open spans end in this frame, and every span is cut there (replay: nothing after the cursor).
 * Span `keep` (the selection; -1 for none) is always drawn on its own, never merged.
 */
export function walkSpans(track: SpanTrack, from: number, to: number, s: XScale, openEnd: number, left: number, v: SpanVisitor, keep = -1, minPx = LOD_MIN_SPAN_PX): void {
  const { starts, ends, endMax } = track;
  let i = from;
  while (i < to) {
    const e0 = ends[i]!;
    const end = Number.isNaN(e0) || e0 > openEnd ? openEnd : e0;
    if (end < left) {
      i++;
      continue;
    }
    const x0 = xAt(s, starts[i]!);
    const x1 = xAt(s, end);
    if (x1 - x0 >= minPx || i === keep) {
      v.span(i, x0, x1);
      i++;
      continue;
    }
    // A run: every span that starts before the pixel after the run's end joins it; the latest end
    // among them (endMax: spans before them that are still going also cover these pixels) is the
    // run's new end. Each round moves the end by at least a pixel, or stops.
    let rx1 = Math.max(x1, x0);
    let j = i + 1;
    for (;;) {
      let k = lowerBoundIn(starts, j, to, tAt(s, Math.floor(rx1) + 1));
      if (keep >= j && keep < k) k = keep;
      // A few spans joining: a wide one among them stops the run (it is drawn on its own next).
      // Many joining means this is dense territory, where merging is the point.
      if (k - j <= 8) {
        for (let m = j; m < k; m++) {
          const em = ends[m]!;
          if (xAt(s, Number.isNaN(em) || em > openEnd ? openEnd : em) - xAt(s, starts[m]!) >= minPx) {
            k = m;
            break;
          }
        }
      }
      if (k === j) break;
      const m = endMax[k - 1]!;
      rx1 = Math.max(rx1, xAt(s, m > openEnd ? openEnd : m));
      j = k;
    }
    v.run(x0, rx1, i, j - 1);
    i = j;
  }
}

/**
 * Walks sorted points from..to-1 one pixel column at a time: `column(x, first, last)` for each
 * column that holds points first..last (x is the rounded column).
 */
export function walkPoints(ts: Float64Array, from: number, to: number, s: XScale, column: (x: number, first: number, last: number) => void): void {
  let i = from;
  while (i < to) {
    const x = Math.round(xAt(s, ts[i]!));
    // Points round into column x up to x + 0.5.
    const k = Math.max(i + 1, lowerBoundIn(ts, i + 1, to, tAt(s, x + 0.5)));
    column(x, i, k - 1);
    i = k;
  }
}

/** countBefore[i] = how many of flags[0..i-1] are set: "any in a range" in O(1). */
export function prefixCount(n: number, flag: (i: number) => boolean): Int32Array {
  const out = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) out[i + 1] = out[i]! + (flag(i) ? 1 : 0);
  return out;
}
