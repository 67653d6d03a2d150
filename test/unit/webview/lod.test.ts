// Level of detail (src/webview/layout/lod.ts): however dense a lane, a frame visits about one thing
// per pixel column, every span is either drawn or inside a merged run that covers its pixels, and
// zoomed in far enough every span and point is drawn on its own.
import * as assert from 'assert';
import { prefixCount, prefixMax, walkPoints, walkSpans, xAt, type SpanTrack, type XScale } from '../../../src/webview/layout/lod';

function seeded(seed: number): () => number {
  let s = seed;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
}

/** n spans on one lane over [0, 1e7] µs: back to back with gaps, some long, some overlapping, one open. */
function track(n: number, seed = 3): SpanTrack {
  const rnd = seeded(seed);
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  let t = 0;
  for (let i = 0; i < n; i++) {
    starts[i] = t;
    const long = rnd() < 0.01;
    ends[i] = t + (long ? rnd() * 2e5 : 1 + rnd() * (1e7 / n));
    t += (rnd() < 0.05 ? 0.5 : 1.2) * (1e7 / n) * rnd();
  }
  ends[n - 1] = NaN;
  return { starts, ends, endMax: prefixMax(ends) };
}

interface Drawn {
  spans: Map<number, [number, number]>;
  runs: { x0: number; x1: number; first: number; last: number }[];
}

function walk(tr: SpanTrack, s: XScale, openEnd: number, left = -Infinity): Drawn {
  const d: Drawn = { spans: new Map(), runs: [] };
  walkSpans(tr, 0, tr.starts.length, s, openEnd, left, {
    span: (i, x0, x1) => d.spans.set(i, [x0, x1]),
    run: (x0, x1, first, last) => d.runs.push({ x0, x1, first, last }),
  });
  return d;
}

describe('webview layout: level of detail', () => {
  const tr = track(50_000);
  const openEnd = 1.05e7;

  it('zoomed out: about one run per pixel column, and every span inside what was drawn', () => {
    const width = 1400;
    const s: XScale = { base: 0, k: width / 1.1e7 };
    const d = walk(tr, s, openEnd);
    assert.ok(d.runs.length + d.spans.size <= width + 2, `${d.runs.length} runs + ${d.spans.size} spans for ${width} px`);
    // Every span index is drawn exactly once: on its own or inside exactly one run.
    const covered = new Int32Array(tr.starts.length);
    for (const [i] of d.spans) covered[i]!++;
    for (const r of d.runs) for (let i = r.first; i <= r.last; i++) covered[i]!++;
    assert.ok(covered.every((c) => c === 1), 'a span was skipped or drawn twice');
    // A run covers the pixels of each of its spans (within rounding).
    for (const r of d.runs) {
      for (let i = r.first; i <= r.last; i++) {
        const e = Number.isNaN(tr.ends[i]!) ? openEnd : Math.min(tr.ends[i]!, openEnd);
        assert.ok(xAt(s, tr.starts[i]!) >= r.x0 - 1e-6 && xAt(s, e) <= r.x1 + 1e-6, `span ${i} sticks out of its run`);
      }
    }
    // And a run only covers pixels some span covers: its start is its first span's start, and
    // its end is the end of a span that starts inside it (or started before and still runs).
    for (const r of d.runs) assert.strictEqual(r.x0, xAt(s, tr.starts[r.first]!));
  });

  it('zoomed in on any window: every span in it is drawn on its own', () => {
    const rnd = seeded(11);
    for (let round = 0; round < 20; round++) {
      const t0 = rnd() * 1e7;
      const span = 2000; // µs across 1400 px: spans of ~200 µs are ~140 px wide
      const s: XScale = { base: t0, k: 1400 / span };
      const d = walk(tr, s, openEnd, t0);
      for (let i = 0; i < tr.starts.length; i++) {
        const e = Number.isNaN(tr.ends[i]!) ? openEnd : tr.ends[i]!;
        if (e < t0 || tr.starts[i]! > t0 + span) continue;
        if (xAt(s, e) - xAt(s, tr.starts[i]!) < 4) continue; // narrower than the LOD threshold even here
        assert.ok(d.spans.has(i), `span ${i} in [${t0}, ${t0 + span}] was merged`);
      }
    }
  });

  it('cuts every span at openEnd (replay) and keeps the selection on its own', () => {
    const s: XScale = { base: 0, k: 1400 / 1.1e7 };
    const cut = 5e6;
    const d: Drawn = { spans: new Map(), runs: [] };
    // The renderer walks only spans that started before the cut.
    const n = tr.starts.findIndex((x) => x > cut);
    walkSpans(
      tr,
      0,
      n,
      s,
      cut,
      -Infinity,
      { span: (i, x0, x1) => d.spans.set(i, [x0, x1]), run: (x0, x1, first, last) => d.runs.push({ x0, x1, first, last }) },
      777,
    );
    assert.ok(d.spans.has(777));
    for (const r of d.runs) assert.ok(r.x1 <= xAt(s, cut) + 1e-6);
    for (const [, [, x1]] of d.spans) assert.ok(x1 <= xAt(s, cut) + 1e-6);
  });

  it('walks points one pixel column at a time, every point in exactly one column', () => {
    const rnd = seeded(5);
    const ts = Float64Array.from({ length: 100_000 }, () => rnd() * 1e7).sort();
    const s: XScale = { base: 0, k: 1400 / 1e7 };
    const cols: [number, number, number][] = [];
    walkPoints(ts, 0, ts.length, s, (x, a, b) => cols.push([x, a, b]));
    assert.ok(cols.length <= 1401);
    let next = 0;
    for (const [x, a, b] of cols) {
      assert.strictEqual(a, next);
      for (let i = a; i <= b; i++) assert.strictEqual(Math.round(xAt(s, ts[i]!)), x);
      next = b + 1;
    }
    assert.strictEqual(next, ts.length);
    // Zoomed in, each point gets a column of its own.
    const few: [number, number, number][] = [];
    walkPoints(ts, 0, 50, { base: ts[0]!, k: 1000 }, (x, a, b) => few.push([x, a, b]));
    assert.ok(few.every(([, a, b]) => a === b));
  });

  it('counts flags before each index', () => {
    assert.deepStrictEqual(Array.from(prefixCount(5, (i) => i % 2 === 0)), [0, 1, 1, 2, 2, 3]);
    assert.deepStrictEqual(Array.from(prefixMax(Float64Array.from([1, 5, 3, NaN, 2]))), [1, 5, 5, Infinity, Infinity]);
  });
});
