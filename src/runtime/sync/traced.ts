// Waits and holds of the sync objects, for the trace (docs/trace-format.md). A wait is recorded only
// when a call really blocks (its fast path failed and it may sleep): begun synchronously, so its
// `loc` is the user's call, and ended with how it ended.
import { callerLoc } from '../tracing/callsite';
import { waitBegin, waitEnd } from '../tracing/waits';
import type { SharedHandle } from '../memory/handle';

type Cutoff = Parameters<typeof callerLoc>[0];

/** Records that `op` on `h` blocks; returns the wait's id. Check `tracing` first. `parties`: a Barrier's. */
export function beginWait(h: SharedHandle, op: string, timeoutMs: number | null | undefined, cutoff: Cutoff, parties?: number): number {
  return waitBegin(op, h._objKind, h._id, { timeoutMs: timeoutMs ?? undefined, loc: callerLoc(cutoff), parties });
}

/** Ends a wait that resolved `ok` (false: it timed out); a lock taken starts a hold. */
export function endWait(h: SharedHandle, waitId: number, ok: boolean, holds: boolean): boolean {
  waitEnd(waitId, ok ? 'ok' : 'timeout');
  if (ok && holds) h._holds.begin();
  return ok;
}

/** Ends a wait that threw (a broken barrier). */
export function failWait(waitId: number): void {
  waitEnd(waitId, 'error');
}
