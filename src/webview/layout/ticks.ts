// Time axis ticks and human time formatting. Pure; unit-tested (test/unit/webview/ticks.test.ts).

import type { Viewport } from './scale';

export interface Tick {
  /** µs since the trace origin. */
  t: number;
  label: string;
}

const STEPS = [1, 2, 5];

/** The smallest "nice" step (1, 2 or 5 × 10^k µs) that keeps ticks at least `minPx` apart. */
export function tickStep(spanUs: number, widthPx: number, minPx = 80): number {
  if (!(spanUs > 0) || !(widthPx > 0)) return 1;
  const raw = (spanUs * minPx) / widthPx;
  let pow = Math.pow(10, Math.floor(Math.log10(raw)));
  for (;;) {
    for (const s of STEPS) if (s * pow >= raw) return s * pow;
    pow *= 10;
  }
}

export function ticks(v: Viewport, widthPx: number, minPx = 80): Tick[] {
  const step = tickStep(v.t1 - v.t0, widthPx, minPx);
  const out: Tick[] = [];
  const first = Math.ceil(v.t0 / step) * step;
  for (let t = first; t <= v.t1 && out.length < 1000; t += step) {
    // Accumulating float steps drifts; recompute from the index so 0.3 s is not 0.30000000004 s.
    const exact = Math.round(t / step) * step;
    out.push({ t: exact, label: formatTick(exact, step) });
  }
  return out;
}

/**
 * Unit chosen by the tick step, so every label on the axis uses the same unit and needs at most
 * one decimal: steps of 0.1 s and up in seconds, of 0.1 ms and up in milliseconds.
 */
export function formatTick(us: number, stepUs: number): string {
  if (us === 0) return '0';
  if (stepUs >= 100_000) return `${trim(us / 1_000_000, stepUs / 1_000_000)} s`;
  if (stepUs >= 100) return `${trim(us / 1000, stepUs / 1000)} ms`;
  return `${trim(us, stepUs)} µs`;
}

function trim(value: number, step: number): string {
  const decimals = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step)));
  return value.toFixed(decimals);
}

/** A duration for people: "12 µs", "4.5 ms", "1.02 s", "2 min 5 s". */
export function formatDuration(us: number): string {
  if (!Number.isFinite(us)) return '–';
  const a = Math.abs(us);
  const sign = us < 0 ? '-' : '';
  if (a < 1000) return `${sign}${Math.round(a)} µs`;
  if (a < 1_000_000) return `${sign}${sig(a / 1000)} ms`;
  if (a < 60_000_000) return `${sign}${sig(a / 1_000_000)} s`;
  const totalS = Math.round(a / 1_000_000);
  return `${sign}${Math.floor(totalS / 60)} min ${totalS % 60} s`;
}

/** Three significant digits at most, without trailing zeros: 1.5, 12.3, 450. */
function sig(n: number): string {
  const d = n >= 100 ? 0 : n >= 10 ? 1 : 2;
  return String(Number(n.toFixed(d)));
}

/** An offset from the trace start: "+0 ms", "+1.02 s". */
export function formatOffset(us: number): string {
  return `+${formatDuration(us)}`;
}
