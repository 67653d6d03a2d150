// Names and moments for waits and holds: "Queue#1.get" for a blocked call, which thread waits in
// what at a given time, and who held or waited for an object at a moment (the details pane).
// Pure (no DOM); unit-tested in test/unit/webview/waits.test.ts.

import type { HoldSpan, TraceModel, WaitSpan } from '../../trace/model';
import { laneKey } from './lanes';

/** People's names for a run's objects: src/trace/names.ts (the insights use them too). */
export { ObjectNames } from '../../trace/names';

/** True when the span covers time `t` (open spans reach `now`; a span ending at t is over). */
export function covers(s: { start: number; end?: number }, t: number): boolean {
  return s.start <= t && t < (s.end ?? Infinity);
}

/**
 * The wait each lane (laneKey) is blocked in at time `at` (undefined: now, the open waits). When
 * one thread has several (it should not), the latest begun wins.
 */
export function waitsAt(model: TraceModel, at: number | undefined): Map<string, WaitSpan> {
  const out = new Map<string, WaitSpan>();
  const list = at === undefined ? model.openWaitSpans() : model.waits;
  for (const w of list) {
    if (at !== undefined && !covers(w, at)) continue;
    const k = laneKey(w.pid, w.tid);
    const prev = out.get(k);
    if (!prev || prev.start <= w.start) out.set(k, w);
  }
  return out;
}

/** Who held and who waited for one object at time `t`, each thread once (its outermost hold). */
export function occupantsAt(model: TraceModel, objId: string, t: number): { holders: HoldSpan[]; waiters: WaitSpan[] } {
  const holders: HoldSpan[] = [];
  const seen = new Set<string>();
  for (const h of model.holds) {
    if (h.objId !== objId || !covers(h, t)) continue;
    const k = laneKey(h.pid, h.tid);
    if (seen.has(k)) continue;
    seen.add(k);
    holders.push(h);
  }
  const waiters = model.waits.filter((w) => w.objId === objId && covers(w, t));
  return { holders, waiters };
}
