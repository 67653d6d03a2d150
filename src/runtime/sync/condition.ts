// Python's multiprocessing.Condition over shared words, with a Lock or RLock of its own (an RLock
// by default, as Python's). wait() counts itself as a waiter, releases the lock completely and
// sleeps on a sequence word; notify(n) grants up to n permits and bumps the sequence, and each
// waiter that wakes takes a permit (one that finds none sleeps again): so notify(1) wakes one.
import { checkTimeout, MESSAGES, ProcessError } from '../errors';
import { adopt, inContextOf, registerShared, reviveShared, SharedHandle, type SharedDescriptor } from '../memory/handle';
import { TO_HANDLE } from '../transport/serialize';
import type { Words } from '../memory/words';
import { Lock, RLock, type AcquireOptions } from './lock';
import { now, POLL_MS } from './owner';
import type { ObjectKind } from '../../trace/events';
import { tracing } from '../tracing/tracer';
import { beginWait, endWait } from './traced';

const SEQ = 0;
const WAITERS = 1;
const PERMITS = 2;

export class Condition extends SharedHandle {
  static readonly objKind: ObjectKind = 'condition';
  protected readonly pythonName: string = 'Condition';
  protected readonly _k: string = 'Condition';
  /** @internal */ readonly _w: Words;
  /** @internal */ readonly _lock: Lock;

  constructor(lock?: Lock | RLock | null) {
    super(12);
    this._w = this._segment.words;
    if (lock !== undefined && lock !== null && !(lock instanceof Lock)) throw new ProcessError('Condition(lock): lock must be a Lock or an RLock');
    this._lock = lock ?? pendingLock ?? inContextOf(this, () => new RLock());
  }

  /** @internal */
  protected override _extra(): Record<string, unknown> {
    return { lock: this._lock[TO_HANDLE]() };
  }

  acquire(options?: AcquireOptions): Promise<boolean> {
    return this._lock.acquire(options);
  }
  release(): void {
    this._lock.release();
  }

  /**
   * Releases the lock, sleeps until notified or `timeoutMs` passes, takes the lock back.
   * Resolves false on timeout. Must be called holding the lock.
   */
  async wait(timeoutMs?: number | null): Promise<boolean> {
    if (!this._lock._isMine()) throw new ProcessError(MESSAGES.conditionNotHeld);
    if (timeoutMs !== undefined && timeoutMs !== null) checkTimeout(timeoutMs);
    const deadline = timeoutMs === undefined || timeoutMs === null ? Infinity : now() + timeoutMs;
    const w = this._w;
    const waitId = tracing ? beginWait(this, 'Condition.wait', timeoutMs, this.wait) : 0;
    w.add(WAITERS, 1);
    let seq = w.load(SEQ);
    const saved = this._lock._releaseSave();
    let woken = false;
    try {
      for (;;) {
        const p = w.load(PERMITS);
        if (p > 0 && w.cas(PERMITS, p, p - 1) === p) {
          woken = true;
          break;
        }
        const left = deadline - now();
        if (left <= 0) break;
        await w.wait(SEQ, seq, Math.min(left, POLL_MS));
        seq = w.load(SEQ);
      }
    } finally {
      w.add(WAITERS, -1);
      await this._lock._acquireRestore(saved);
    }
    return tracing ? endWait(this, waitId, woken, false) : woken;
  }

  /** Waits until `predicate()` (which may be async) is truthy, or `timeoutMs` passes; returns its last result. */
  async waitFor<T>(predicate: () => T | Promise<T>, timeoutMs?: number | null): Promise<T> {
    const deadline = timeoutMs === undefined || timeoutMs === null ? Infinity : now() + timeoutMs;
    let result = await predicate();
    while (!result) {
      const left = deadline - now();
      if (left <= 0) break;
      await this.wait(deadline === Infinity ? undefined : left);
      result = await predicate();
    }
    return result;
  }

  /** Wakes up to `n` waiters (they take the lock back after the caller releases it). Must hold the lock. */
  notify(n = 1): void {
    if (!this._lock._isMine()) throw new ProcessError(MESSAGES.conditionNotHeld);
    const w = this._w;
    const grant = Math.min(n, w.load(WAITERS) - w.load(PERMITS));
    if (grant <= 0) return;
    w.add(PERMITS, grant);
    w.add(SEQ, 1);
    w.notify(SEQ, grant);
  }

  notifyAll(): void {
    this.notify(Infinity);
  }

  override toString(): string {
    return `<Condition(${String(this._lock)}, ${this._w.load(WAITERS)})>`;
  }
}

/** The lock a revived Condition adopts (its descriptor carries it). */
let pendingLock: Lock | undefined;

registerShared('Condition', (d: SharedDescriptor, seg) => {
  pendingLock = reviveShared(d.lock) as Lock;
  try {
    return adopt(seg, d.id, () => new Condition());
  } finally {
    pendingLock = undefined;
  }
});
