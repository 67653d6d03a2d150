// What blocks and what is held, for the trace (docs/trace-format.md: object.create, wait.begin/end,
// hold.begin/end). One small API for every primitive that can block — queues, pipes, joins, locks,
// events, barriers, manager calls — so they all record waits the same way. Callers check
// `tracing` first and call waitBegin() only once a call really blocks: a call that returns at once
// records nothing, which keeps hot paths free.
import { threadId } from 'worker_threads';
import type { ObjectKind, SourceLocation, WaitBeginEvent, WaitOutcome } from '../../trace/events';
import { defineTemplate, emit, flush, now, onBeforeFlush, scheduleFlush, stampMicros, writeHoldSpans, writeStampLine } from './tracer';

let objectCounter = 0;
let waitCounter = 0;

/** An id for a new object, unique across the run: "pid.tid.n" of its creator. */
export function newObjectId(): string {
  return `${process.pid}.${threadId}.${++objectCounter}`;
}

/** Announces a new sync object or shared value (its label in the viewer: Lock#1…). */
export function objectCreated(objKind: ObjectKind, objId: string, loc: SourceLocation | undefined, detail?: string): void {
  emit(detail === undefined ? { kind: 'object.create', objKind, objId, loc } : { kind: 'object.create', objKind, objId, loc, detail });
}

export interface WaitInfo {
  timeoutMs?: number;
  targetPid?: number;
  loc?: SourceLocation;
  /** Barrier.wait: the barrier's party count. */
  parties?: number;
}

/**
 * Resources a blocked thread may wake itself by: its own timers and I/O (not the runtime's
 * sockets, pipes, children and threads). The runner's deadlock watch must not call a process
 * stuck that is only waiting for its own `setTimeout` (src/runner/deadlock.ts).
 */
const RUNTIME_RESOURCES = new Set(['PipeWrap', 'PipeConnectWrap', 'ConnectWrap', 'ProcessWrap', 'TTYWrap', 'MessagePort', 'Worker', 'Immediate', 'WriteWrap', 'ShutdownWrap', 'SignalWrap']);

/** Active timers of this thread that are the runtime's (a parked wait's keep-alive, memory/words.ts). */
let runtimeTimerCount = 0;
/** A timer of the runtime's was set (+1) or cleared (-1): not one of the user's for ownPending(). */
export function runtimeTimers(delta: 1 | -1): void {
  runtimeTimerCount += delta;
}

function ownPending(): number {
  let n = 0;
  for (const r of process.getActiveResourcesInfo()) if (!RUNTIME_RESOURCES.has(r)) n++;
  // A sync object's wait in the thread context parks with a keep-alive timer of the runtime's
  // (memory/words.ts): not a timer of the user's, or no thread-context deadlock on a Lock, an
  // Event or a Barrier would ever be reported.
  return Math.max(0, n - runtimeTimerCount);
}

type PendingBegin = WaitBeginEvent & { ownTimer: boolean };

/** wait.begin events of this tick, written at its end (see waitBegin). */
let begins: PendingBegin[] = [];

/**
 * Writes this tick's wait.begin events, each with `pending`: the timers and I/O its thread had
 * then — sampled at the end of the tick, so a timer started beside the blocked call
 * (`Promise.all([q.get(), sleep(100)])`) counts. A wait's own timeout timer does not.
 */
function writeBegins(): void {
  if (!begins.length) return;
  const list = begins;
  begins = [];
  // What this thread holds while it blocks, said now: the deadlock watch needs the live holder
  // of a lock (holds are otherwise batched until released: HoldSpans).
  announceOpenHolds();
  const pending = ownPending();
  for (const b of list) {
    const own = pending - (b.ownTimer ? 1 : 0);
    const { ownTimer: _, ...event } = b;
    emit(own > 0 ? { ...event, pending: own } : event);
  }
  // Written now: the tracer's own flush is an unref'd immediate, which a thread that just
  // blocked (its loop asleep in poll) would not run until something else wakes it.
  flush();
}

/**
 * A call has blocked: returns the wait's id for waitEnd(). `ownTimer`: the call armed a timer for
 * its timeout in this thread (a local queue, a join with a timeout), not to be counted as pending.
 */
export function waitBegin(op: string, objKind: ObjectKind, objId: string, info: WaitInfo = {}, ownTimer = info.timeoutMs !== undefined): number {
  const waitId = ++waitCounter;
  if (!begins.length) setImmediate(writeBegins);
  begins.push({ kind: 'wait.begin', ts: now(), pid: process.pid, waitId, op, objKind, objId, timeoutMs: info.timeoutMs, targetPid: info.targetPid, parties: info.parties, loc: info.loc, ownTimer });
  return waitId;
}

/** The blocked call returned (ok), gave up (timeout) or threw (error). */
export function waitEnd(waitId: number, outcome: Exclude<WaitOutcome, 'interrupted'>): void {
  writeBegins();
  emit({ kind: 'wait.end', waitId, outcome });
}

/**
 * Hold records of one object, written as compact lines (a lock taken and released 50,000 times
 * in a loop writes 100,000 of them): two templates per object and thread, made on first use.
 */
export class HoldRecorder {
  private begin: Buffer | undefined;
  private end: Buffer | undefined;
  constructor(
    private readonly objKind: ObjectKind,
    private readonly objId: string,
  ) {}

  held(): void {
    this.begin ??= defineTemplate({ kind: 'hold.begin', objKind: this.objKind, objId: this.objId }, []);
    writeStampLine(this.begin);
  }

  released(): void {
    this.end ??= defineTemplate({ kind: 'hold.end', objKind: this.objKind, objId: this.objId }, []);
    writeStampLine(this.end);
  }
}

/** Errors that mean "gave up after its timeout" (Queue's Empty/Full, AsyncResult's TimeoutError). */
const TIMEOUT_ERRORS = new Set(['Empty', 'Full', 'TimeoutError']);

function outcomeOfError(err: unknown): 'timeout' | 'error' {
  return TIMEOUT_ERRORS.has((err as Error | undefined)?.name ?? '') ? 'timeout' : 'error';
}

/**
 * A call that has blocked on `pending`: a wait from now until `pending` settles. A rejection
 * ends it as `timeout` (Empty/Full/TimeoutError) or `error`; a resolution as `ok`, or as what
 * `resolved()` says (for calls that resolve on timeout, e.g. `Process.join(ms)`).
 */
export function traceWait<T>(pending: Promise<T>, op: string, objKind: ObjectKind, objId: string, info: WaitInfo, resolved?: () => Exclude<WaitOutcome, 'interrupted'>): Promise<T> {
  const waitId = waitBegin(op, objKind, objId, info);
  return pending.then(
    (v) => {
      waitEnd(waitId, resolved ? resolved() : 'ok');
      return v;
    },
    (err: unknown) => {
      waitEnd(waitId, outcomeOfError(err));
      throw err;
    },
  );
}

/**
 * A wait that begins only if it turns out the call blocked — a request to another process that
 * the other side answers at once records nothing; when it parks the request it says so (a
 * "blocked" notice, see transport/channels.ts) and begin() is called then.
 */
export class DeferredWait {
  private waitId: number | undefined;
  constructor(
    private readonly op: string,
    private readonly objKind: ObjectKind,
    private readonly objId: string,
    private readonly info: WaitInfo,
  ) {}

  begin(): void {
    // (A timeout's timer runs in the owner, not here.)
    if (this.waitId === undefined) this.waitId = waitBegin(this.op, this.objKind, this.objId, this.info, false);
  }

  /** `pending` with the wait (if it began) ended as `pending` settles. */
  track<T>(pending: Promise<T>): Promise<T> {
    return pending.then(
      (v) => {
        if (this.waitId !== undefined) waitEnd(this.waitId, 'ok');
        return v;
      },
      (err: unknown) => {
        if (this.waitId !== undefined) waitEnd(this.waitId, outcomeOfError(err));
        throw err;
      },
    );
  }
}

/**
 * The clock of hold stamps: the run's clock in whole µs (stampMicros), or the same reading taken
 * by the shared-memory module in one call (useHoldClock), which is cheaper: two stamps sit inside
 * every traced critical section.
 */
let holdClock: () => number = stampMicros;

/** Stamps holds with `monotonicMicros() + offset`: CLOCK_MONOTONIC in whole µs, as stampMicros. */
export function useHoldClock(monotonicMicros: () => number, offsetMicros: number): void {
  holdClock = () => monotonicMicros() + offsetMicros;
}

/**
 * Holds of one object by this thread, batched: each acquire/release stores a timestamp in a
 * typed array (no garbage, no line), and every trace flush writes one `hold.spans` record per
 * object with the holds since the last. Per-hold lines made a locked 4 × 50k counter run at 0.28×
 * of its untraced speed; batching brought it to 0.6× (docs/shared-state.md). release() must stamp
 * the end BEFORE it frees the lock, or the next holder's begin can precede it in the trace; a
 * full batch is written AFTER it frees it (end() says so), not inside the critical section.
 *
 * A lock taken again by the same thread on its fast path with nobody else having held it since
 * its release (the lock's memory says so: lock.ts) extends the last hold into a run —
 * `[first acquired, last released, n]` — with no clock read at that acquire: a thread taking a
 * lock in a loop writes one entry, not one per hold (docs/trace-format.md). A run ends at the
 * first trace flush while the lock is not held (a turn of the event loop), when another thread
 * takes the lock, or when this one has to wait for it.
 */
export class HoldSpans {
  /** Entries of three: begin, end, number of holds (1, or a run's count). */
  private times: Float64Array = new Float64Array(96);
  private spare: Float64Array | undefined;
  private n = 0;
  /** Open hold's begin, NaN when none (a run's open hold: the end of the run's previous hold). */
  private open = NaN;
  private queued = false;
  /** The last entry ends with this thread's latest release and may be extended (no flush since). */
  private runOpen = false;
  /** The open hold continues the last entry (taken by extend(), not stamped). */
  private openRun = false;

  constructor(
    private readonly objKind: ObjectKind,
    private readonly objId: string,
  ) {}

  /** The open hold was written as a hold.begin (its thread blocked while holding it). */
  private announced = false;

  begin(): void {
    this.runOpen = this.openRun = false;
    this.open = holdClock();
    this.queue();
  }

  /** Whether the next hold may continue the last one's run (then ask the lock whether anyone else came: extend()). */
  get mergeable(): boolean {
    return this.runOpen;
  }

  /**
   * The hold just taken continues the run of the last (check `mergeable` first, and that nobody
   * else has held the lock since this thread's release or is waiting for it). No clock read.
   */
  extend(): void {
    this.openRun = true;
    this.open = this.times[this.n - 2]!;
    scheduleFlush();
  }

  /** Ends the open hold; true when the batch is full: call write() once the lock is free. */
  end(): boolean {
    const b = this.open;
    if (b !== b) return false; // not held by this thread (a semaphore released elsewhere)
    this.open = NaN;
    if (this.announced) {
      // Its begin is in the trace already: close it with a line (rare: only holds a thread blocked in).
      this.announced = this.runOpen = this.openRun = false;
      emit({ kind: 'hold.end', objKind: this.objKind, objId: this.objId });
      return false;
    }
    if (this.openRun) {
      this.openRun = false;
      const t = this.times;
      t[this.n - 2] = holdClock();
      t[this.n - 1]!++;
      return false;
    }
    if (this.n + 3 > this.times.length) {
      const bigger = new Float64Array(this.times.length * 2);
      bigger.set(this.times);
      this.times = bigger;
    }
    const t = this.times;
    t[this.n] = b;
    t[this.n + 1] = holdClock();
    t[this.n + 2] = 1;
    this.n += 3;
    this.runOpen = true;
    return this.n >= 12288;
  }

  private queue(): void {
    if (!this.queued) {
      this.queued = true;
      pendingHolds.push(this);
    }
    scheduleFlush();
  }

  /**
   * Writes the holds batched so far (and, at exit, an open hold as hold.begin). A run whose hold
   * is open stays in the batch (it has no end yet); otherwise the run ends here.
   */
  write(atExit = false): void {
    const keep = this.openRun && !atExit ? 3 : 0;
    const n = this.n - keep;
    if (n > 0) {
      // Emptied first: a write that fills the buffer flushes, and the flush hook drains (writes) again.
      const times = this.times;
      const next = this.spare !== undefined && this.spare.length === times.length ? this.spare : new Float64Array(times.length);
      this.spare = undefined;
      for (let i = 0; i < keep; i++) next[i] = times[n + i]!;
      this.times = next;
      this.n = keep;
      writeHoldSpans(this.objKind, this.objId, times, n);
      this.spare = times;
    }
    if (!this.openRun || atExit) this.runOpen = false;
    if (atExit && this.open === this.open && !this.announced) emit({ kind: 'hold.begin', ts: this.open, objKind: this.objKind, objId: this.objId });
  }

  /**
   * @internal Writes the open hold (if any, and not yet written) as hold.begin, after the holds
   * before it. An open hold that continues a run begins, for the trace, where the run's previous
   * hold ended (its own acquire was not stamped).
   */
  announce(): void {
    if (this.open !== this.open || this.announced) return;
    this.openRun = false;
    this.write();
    this.announced = true;
    emit({ kind: 'hold.begin', ts: this.open, objKind: this.objKind, objId: this.objId });
  }

  /** @internal called by the flush hook: keeps its place in the queue while a hold is open. */
  drain(atExit: boolean): boolean {
    this.write(atExit);
    this.queued = !atExit && this.open === this.open;
    return this.queued;
  }
}

let pendingHolds: HoldSpans[] = [];
let exiting = false;
let hooked = false;

/**
 * Writes every hold this thread has open now as hold.begin. Called when the thread blocks, so the
 * cost stays off the hot path: pendingHolds keeps every object with an open hold (see drain).
 */
function announceOpenHolds(): void {
  for (const h of pendingHolds) h.announce();
}

/** Installs the flush hook on first use (a run without locks never pays for it). */
export function holdSpans(objKind: ObjectKind, objId: string): HoldSpans {
  if (!hooked) {
    hooked = true;
    // After the tracer's own exit flush: write what is still open as hold.begin (the viewer ends it at the exit).
    process.once('exit', () => {
      exiting = true;
      flush();
    });
    onBeforeFlush(() => {
      if (pendingHolds.length === 0) return;
      const list = pendingHolds;
      pendingHolds = [];
      for (const h of list) if (h.drain(exiting)) pendingHolds.push(h);
    });
  }
  return new HoldSpans(objKind, objId);
}
