// Replay: the state of the run at a moment. Pure; unit-tested.

import type { ProcessInfo, ThreadInfo } from '../../trace/model';

export type ProcessState =
  | { kind: 'pending' }
  | { kind: 'running' }
  | { kind: 'exited'; code: number | null }
  | { kind: 'killed'; signal: string };

/** State of a process at absolute time `at` (µs epoch), or at the end of what is known when undefined. */
export function processStateAt(p: ProcessInfo, at?: number): ProcessState {
  if (at !== undefined && p.start > at) return { kind: 'pending' };
  if (!p.exited || (at !== undefined && p.end !== undefined && p.end > at)) return { kind: 'running' };
  if (p.signal) return { kind: 'killed', signal: p.signal };
  return { kind: 'exited', code: p.exitCode };
}

export function threadStateAt(t: ThreadInfo, at?: number): ProcessState {
  if (at !== undefined && t.start > at) return { kind: 'pending' };
  if (t.end === undefined || (at !== undefined && t.end > at)) return { kind: 'running' };
  return { kind: 'exited', code: t.exitCode };
}

/** True when the state is an abnormal end (non-zero exit or a signal). */
export function isFailure(s: ProcessState): boolean {
  return s.kind === 'killed' || (s.kind === 'exited' && s.code !== 0 && s.code !== null);
}

/** Index of the last event with ts <= at in a ts-sorted list, or -1. Binary search. */
export function lastIndexAtOrBefore(tsAt: (i: number) => number, count: number, at: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tsAt(mid) <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Index of the first item with key >= value in a sorted list. Binary search. */
export function lowerBound(keyAt: (i: number) => number, count: number, value: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyAt(mid) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Playback: trace time advanced by `wallMs` of real time at `speed`× (1× = real time). */
export function advance(at: number, wallMs: number, speed: number): number {
  return at + wallMs * 1000 * speed;
}

/** Next cursor for a step of `delta` events, clamped to [0, count - 1]. */
export function stepCursor(cursor: number | undefined, delta: number, count: number): number {
  if (count === 0) return 0;
  const from = cursor ?? count - 1;
  return Math.max(0, Math.min(count - 1, from + delta));
}
