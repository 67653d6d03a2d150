// Time <-> pixel mapping for the timeline, and the zoom/pan/fit operations on it. Pure functions
// (no DOM) so they are unit-tested directly (test/unit/webview/scale.test.ts).
//
// Times here are µs relative to the trace origin (its first event): absolute epoch µs are ~1.7e15,
// and subtracting them per pixel would waste float precision at deep zoom.

export interface Viewport {
  /** Left edge, µs since the trace origin. */
  t0: number;
  /** Right edge, µs since the trace origin (> t0). */
  t1: number;
}

/** Never zoom in further than this many µs across the whole width. */
export const MIN_SPAN_US = 10;

export function xOf(v: Viewport, width: number, t: number): number {
  return ((t - v.t0) / (v.t1 - v.t0)) * width;
}

export function tOf(v: Viewport, width: number, x: number): number {
  return v.t0 + (x / width) * (v.t1 - v.t0);
}

/** The whole range [start, end] with a small margin either side, so the first and last marks are not on the edge. */
export function fit(start: number, end: number, marginFraction = 0.02): Viewport {
  const span = Math.max(end - start, MIN_SPAN_US * 100);
  const margin = span * marginFraction;
  return { t0: start - margin, t1: start + span + margin };
}

/**
 * Keeps a viewport sensible: never narrower than MIN_SPAN_US, never wider than the trace (plus
 * margin), and not panned entirely off the trace.
 */
export function clampView(v: Viewport, extent: Viewport): Viewport {
  const full = extent.t1 - extent.t0;
  let span = Math.min(Math.max(v.t1 - v.t0, MIN_SPAN_US), full);
  if (!(span > 0)) span = MIN_SPAN_US;
  let t0 = v.t0;
  if (t0 < extent.t0) t0 = extent.t0;
  if (t0 + span > extent.t1) t0 = extent.t1 - span;
  return { t0, t1: t0 + span };
}

/** Zooms by `factor` (> 1 zooms in) keeping the time under pixel `x` where it is. */
export function zoomAt(v: Viewport, width: number, x: number, factor: number, extent: Viewport): Viewport {
  const anchor = tOf(v, width, x);
  const span = (v.t1 - v.t0) / factor;
  const frac = width > 0 ? x / width : 0.5;
  return clampView({ t0: anchor - span * frac, t1: anchor - span * frac + span }, extent);
}

/** Pans by `dx` pixels (positive moves the view to later times). */
export function panBy(v: Viewport, width: number, dx: number, extent: Viewport): Viewport {
  const dt = width > 0 ? (dx / width) * (v.t1 - v.t0) : 0;
  return clampView({ t0: v.t0 + dt, t1: v.t1 + dt }, extent);
}

/** Zoom factor for one wheel event: smooth for trackpads (small deltas), bounded for mouse wheels. */
export function wheelZoomFactor(deltaY: number, deltaMode: number): number {
  const px = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  const clamped = Math.max(-300, Math.min(300, px));
  return Math.exp(-clamped * 0.002);
}
