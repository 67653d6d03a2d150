// What blocks and what is held, for the trace (docs/trace-format.md: object.create, wait.begin/end,
// hold.begin/end). One small API for every primitive that can block — queues, pipes, joins, locks,
// events, barriers, manager calls — so they all record waits the same way. Callers check
// `tracing` first and call waitBegin() only once a call really blocks: a call that returns at once
// records nothing, which keeps hot paths free.
import { threadId } from 'worker_threads';
import type { ObjectKind, SourceLocation, WaitOutcome } from '../../trace/events';
import { defineTemplate, emit, writeStampLine } from './tracer';

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
}

/** A call has blocked: returns the wait's id for waitEnd(). */
export function waitBegin(op: string, objKind: ObjectKind, objId: string, info: WaitInfo = {}): number {
  const waitId = ++waitCounter;
  emit({ kind: 'wait.begin', waitId, op, objKind, objId, timeoutMs: info.timeoutMs, targetPid: info.targetPid, loc: info.loc });
  return waitId;
}

/** The blocked call returned (ok), gave up (timeout) or threw (error). */
export function waitEnd(waitId: number, outcome: Exclude<WaitOutcome, 'interrupted'>): void {
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
    if (this.waitId === undefined) this.waitId = waitBegin(this.op, this.objKind, this.objId, this.info);
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
