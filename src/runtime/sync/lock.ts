// Lock and RLock over one shared word each (Python's multiprocessing.Lock / RLock): the word is
// 0 when free, else the holder's token (owner.ts). Taking a free lock is one compare-and-swap,
// releasing it one store; a waiters count next to it lets release() skip the wake-up call
// when nobody sleeps. A waiter sleeps on the word (never blocking the event loop) and wakes
// every POLL_MS to check the holder still exists: a lock whose holder was killed is freed, so
// the others go on (as a manager's lock is) instead of hanging forever as Python's would.
import { checkTimeout, MESSAGES, ProcessError, ValueError } from '../errors';
import { adopt, registerShared, SharedHandle } from '../memory/handle';
import type { Words } from '../memory/words';
import type { ObjectKind } from '../../trace/events';
import { ME, now, ownerAlive, POLL_MS } from './owner';
import { tracing } from '../tracing/tracer';
import { beginWait, endWait } from './traced';

/** acquire()'s options, as Python's acquire(block=True, timeout=None); timeout in ms. */
export interface AcquireOptions {
  block?: boolean;
  timeout?: number | null;
}

const OWNER = 0;
const WAITERS = 1;
const COUNT = 2;
/** Bytes of the lock words takeWord/freeWord use: owner, waiters, recursion count (RLock). */
export const LOCK_BYTES = 12;
/**
 * A Lock's fourth word, written only when tracing: the token of the thread that released it
 * last (0 after a dead holder was evicted). A holder that takes the lock again and finds its own
 * token there knows nobody else held it meanwhile: the trace makes the two holds one run
 * (HoldSpans.extend), without a clock read. Waiters do not stop a run: their waits, which
 * overlap it, are what shows the contention (in the 4 × 50,000 counter three processes sleep
 * while one runs, so a rule "no waiter" merged 12 of 177,000 entries and saved nothing).
 */
const LAST = 3;
const TRACED_LOCK_BYTES = 16;

/** The deadline of an acquire: Infinity without a timeout; undefined when it must not block. */
export function deadlineOf(opts: AcquireOptions | undefined): number | undefined {
  if (opts === undefined || opts === null) return Infinity;
  if (typeof opts !== 'object') throw new ProcessError(`acquire() takes options { block, timeout }, got ${typeof opts}`);
  if (opts.block === false) return undefined;
  if (opts.timeout === undefined || opts.timeout === null) return Infinity;
  checkTimeout(opts.timeout);
  return now() + opts.timeout;
}

/**
 * The waiters word counts the threads inside takeWord (low bits) and carries WAKING: a release
 * has woken a sleeper that has not run yet. While one is set, a release wakes nobody else — the
 * woken one will look at the lock (and go back to sleep if a barging holder took it), so a
 * holder taking and releasing in a loop makes one futex wake per waiter's round trip, not one
 * per release (every release woke one before: ~1 µs in the holder and a wasted round trip in
 * the waiter each time; docs/shared-state.md).
 */
const WAKING = 1 << 30;
const COUNT_MASK = WAKING - 1;

/**
 * Takes the lock word `w[OWNER]` for `me`, sleeping while another holds it, until `deadline`.
 * A holder whose process is gone is evicted (the word is reset), so waiters never hang on it.
 */
export async function takeWord(w: Words, me: number, deadline: number, last = -1): Promise<boolean> {
  w.add(WAITERS, 1);
  try {
    for (;;) {
      const cur = w.load(OWNER);
      if (cur === 0) {
        if (w.cas(OWNER, 0, me) === 0) return true;
        continue;
      }
      const left = deadline - now();
      if (left <= 0) return false;
      const r = await w.wait(OWNER, cur, Math.min(left, POLL_MS));
      // Running again: a wake meant for a sleeper has been used up (by this one or another; at
      // worst a later release wakes one more than needed). Cleared before the owner word is read
      // again, so a release that saw WAKING set is seen free here.
      w.clearBits(WAITERS, WAKING);
      if (r === 'timed-out' && w.load(OWNER) === cur && !ownerAlive(cur)) {
        // The holder was killed while holding it: free the lock for the waiters.
        if (w.cas(OWNER, cur, 0) === cur) {
          w.store(COUNT, 0);
          // Its last holder was not the one that released it last (a Lock's LAST word).
          if (last >= 0) w.store(last, 0);
          w.notify(OWNER);
        }
      }
    }
  } finally {
    w.add(WAITERS, -1);
  }
}

/** Frees the lock word and wakes one sleeper, if any sleeps and no wake is on its way already. */
export function freeWord(w: Words): void {
  w.store(OWNER, 0);
  for (;;) {
    const v = w.load(WAITERS);
    if ((v & COUNT_MASK) === 0 || (v & WAKING) !== 0) return;
    if (w.cas(WAITERS, v, v | WAKING) !== v) continue; // a waiter came or went: look again
    // Nobody was asleep (they are between a look and a sleep, and will see the word changed):
    // no wake is on its way, so the next release must wake.
    if (w.notify(OWNER, 1) === 0) w.clearBits(WAITERS, WAKING);
    return;
  }
}

/** Python's multiprocessing.Lock: not recursive; any process or thread may release it. */
export class Lock extends SharedHandle {
  static readonly objKind: ObjectKind = 'lock';
  protected readonly pythonName: string = 'Lock';
  protected readonly _k: string = 'Lock';
  /** @internal */ readonly _w: Words;

  constructor() {
    super(TRACED_LOCK_BYTES);
    this._w = this._segment.words;
  }

  /** @internal tracing: a hold taken on the fast path begins, or continues this thread's run. */
  protected _traceTaken(w: Words): void {
    const h = this._holds;
    if (h.mergeable && w.load(LAST) === ME) h.extend();
    else h.begin();
  }

  /** @internal tracing: ends this thread's hold (stamped before the word is freed); true when the batch is full. */
  protected _traceRelease(w: Words): boolean {
    const full = this._holds.end();
    w.store(LAST, ME);
    return full;
  }

  /** Takes the lock: true once held; false without blocking (`block: false`) or after `timeout` ms. */
  acquire(options?: AcquireOptions): Promise<boolean> {
    const w = this._w;
    if (w.cas(OWNER, 0, ME) === 0) {
      if (tracing) this._traceTaken(w);
      return Promise.resolve(true);
    }
    const deadline = deadlineOf(options);
    if (deadline === undefined) return Promise.resolve(false);
    if (!tracing) return takeWord(w, ME, deadline, LAST);
    const id = beginWait(this, `${this.pythonName}.acquire`, options?.timeout, this.acquire);
    return takeWord(w, ME, deadline, LAST).then((ok) => endWait(this, id, ok, true));
  }

  /** Frees the lock (synchronous, as in Python); releasing an unlocked lock is a ValueError. */
  release(): void {
    if (this._w.load(OWNER) === 0) throw new ValueError(MESSAGES.releasedTooMany);
    // The hold ends before the word is freed: the next holder's begin can never precede it.
    // A full batch of holds is written after (not inside the critical section).
    const full = tracing && this._traceRelease(this._w);
    freeWord(this._w);
    if (full) this._holds.write();
  }

  /** Whether some process or thread holds it. */
  locked(): boolean {
    return this._w.load(OWNER) !== 0;
  }

  /** @internal for Condition: held by this thread. */
  _isMine(): boolean {
    return this._w.load(OWNER) === ME;
  }
  /** @internal for Condition.wait: release completely, return what to restore. */
  _releaseSave(): number {
    const full = tracing && this._traceRelease(this._w);
    freeWord(this._w);
    if (full) this._holds.write();
    return 1;
  }
  /** @internal */
  async _acquireRestore(_saved: number): Promise<void> {
    if (this._w.cas(OWNER, 0, ME) !== 0) await takeWord(this._w, ME, Infinity, LAST);
    if (tracing) this._holds.begin();
  }

  override toString(): string {
    return `<${this.pythonName}(owner=${this.locked() ? 'held' : 'None'})>`;
  }
}

/** Python's multiprocessing.RLock: the holder may take it again; it is free after as many releases. */
export class RLock extends Lock {
  static override readonly objKind: ObjectKind = 'rlock';
  protected override readonly pythonName: string = 'RLock';
  protected override readonly _k: string = 'RLock';

  override acquire(options?: AcquireOptions): Promise<boolean> {
    const w = this._w;
    const cur = w.cas(OWNER, 0, ME);
    if (cur === 0) {
      w.store(COUNT, 1);
      if (tracing) this._traceTaken(w);
      return Promise.resolve(true);
    }
    if (cur === ME) {
      w.store(COUNT, w.load(COUNT) + 1);
      return Promise.resolve(true);
    }
    const deadline = deadlineOf(options);
    if (deadline === undefined) return Promise.resolve(false);
    const id = tracing ? beginWait(this, 'RLock.acquire', options?.timeout, this.acquire) : 0;
    return takeWord(w, ME, deadline, LAST).then((ok) => {
      if (ok) w.store(COUNT, 1);
      return tracing ? endWait(this, id, ok, true) : ok;
    });
  }

  /** Releases one level; only the process and thread that hold it may (else ProcessError, as Python's AssertionError). */
  override release(): void {
    const w = this._w;
    if (w.load(OWNER) !== ME) throw new ProcessError(MESSAGES.notOwnedRLock);
    const n = w.load(COUNT) - 1;
    w.store(COUNT, n);
    if (n !== 0) return;
    const full = tracing && this._traceRelease(w);
    freeWord(w);
    if (full) this._holds.write();
  }

  /** @internal */
  override _releaseSave(): number {
    const n = this._w.load(COUNT);
    this._w.store(COUNT, 0);
    const full = tracing && this._traceRelease(this._w);
    freeWord(this._w);
    if (full) this._holds.write();
    return n;
  }
  /** @internal */
  override async _acquireRestore(saved: number): Promise<void> {
    if (this._w.cas(OWNER, 0, ME) !== 0) await takeWord(this._w, ME, Infinity, LAST);
    this._w.store(COUNT, saved);
    if (tracing) this._holds.begin();
  }
}

registerShared('Lock', (d, seg) => adopt(seg, d.id, () => new Lock()));
registerShared('RLock', (d, seg) => adopt(seg, d.id, () => new RLock()));
