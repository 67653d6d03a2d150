// AsyncResult: Python's multiprocessing.pool.AsyncResult. The outcome is stored, not held as a
// rejected Promise, so a task error nobody asks for never becomes an unhandled rejection.
import { checkTimeout, MESSAGES, ProcessError, TimeoutError } from '../errors';
import { callerLoc } from '../tracing/callsite';
import { tracing } from '../tracing/tracer';
import { traceWait, waitBegin, waitEnd } from '../tracing/waits';

type Cutoff = (...args: never[]) => unknown;

// This thread's blocked get()s, traced as ONE wait from the first until none is left:
// `await Promise.all(results.map((r) => r.get()))` over 100k results is one wait of the thread
// (it waits for all of them), not 100k records that would cost as much as the tasks' own tracing.
let blockedGets = 0;
let groupWait = 0;
let groupFailed = false;

function getsEnded(n: number, ok: boolean): void {
  if (!ok) groupFailed = true;
  blockedGets -= n;
  if (blockedGets === 0) waitEnd(groupWait, groupFailed ? 'error' : 'ok');
}

export class AsyncResult<R = unknown> {
  private state: 'pending' | 'ok' | 'error' = 'pending';
  private value: R | undefined;
  private error: unknown;
  /** Made on the first wait(): a submit loop makes 100k results, most never waited on twice. */
  private waiters: Array<() => void> | undefined;
  /** get() callers: their Promise's resolve and reject, in pairs (no closure per call). */
  private getters: Array<(v: unknown) => void> | undefined;
  /** Tracing only: the pool and its (first) task, which name this result in waits. */
  private poolId: string | undefined = undefined;
  private taskId = -1;

  /** @internal called by the pool once the task (or every chunk of a map) is done. */
  constructor(
    private readonly callback?: (value: R) => void,
    private readonly errorCallback?: (error: unknown) => void,
  ) {}

  /** @internal tracing: whose result this is (the pool, and the task or a map's first chunk). */
  source(poolId: string, taskId: number): void {
    this.poolId = poolId;
    this.taskId = taskId;
  }

  /** "poolId/taskId": the objId of waits on this result. */
  private traceId(): string {
    return `${this.poolId ?? '?'}/${this.taskId}`;
  }

  /** @internal */
  settle(ok: boolean, v: unknown): void {
    if (this.state !== 'pending') return;
    if (ok) {
      this.state = 'ok';
      this.value = v as R;
    } else {
      this.state = 'error';
      this.error = v;
    }
    const waiters = this.waiters;
    this.waiters = undefined;
    if (waiters) for (const w of waiters) w();
    const getters = this.getters;
    this.getters = undefined;
    // Traced, every pending getter was counted as blocked (getAs).
    if (tracing && getters) getsEnded(getters.length >> 1, ok);
    if (getters) for (let i = ok ? 0 : 1; i < getters.length; i += 2) getters[i](v);
    // Callbacks run after the result is set, like Python's result handler; their errors must
    // not vanish, so they surface as uncaught (Python prints them and breaks the pool).
    if (ok && this.callback) this.callback(v as R);
    if (!ok && this.errorCallback) this.errorCallback(v);
  }

  ready(): boolean {
    return this.state !== 'pending';
  }

  /** Whether the task finished without an error; throws while not ready, as Python. */
  successful(): boolean {
    if (this.state === 'pending') throw new ProcessError(MESSAGES.resultNotReady);
    return this.state === 'ok';
  }

  /** Resolves once ready, or after `timeoutMs` (never rejects, as Python's wait). */
  wait(timeoutMs?: number): Promise<void> {
    if (this.state !== 'pending') return Promise.resolve();
    if (timeoutMs !== undefined && timeoutMs !== null) checkTimeout(timeoutMs);
    const w = this.waitRaw(timeoutMs);
    if (!tracing) return w;
    return traceWait(w, 'AsyncResult.wait', 'asyncResult', this.traceId(), { loc: callerLoc(this.wait), timeoutMs: timeoutMs ?? undefined }, () => (this.state === 'pending' ? 'timeout' : 'ok'));
  }

  private waitRaw(timeoutMs: number | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
      (this.waiters ??= []).push(done);
      if (timeoutMs !== undefined && timeoutMs !== null)
        timer = setTimeout(() => {
          this.waiters = this.waiters?.filter((w) => w !== done);
          resolve();
        }, timeoutMs);
    });
  }

  /** The result; rejects with the task's own error, or TimeoutError after `timeoutMs`. */
  get(timeoutMs?: number): Promise<R> {
    return this.getAs('AsyncResult.get', this.get, timeoutMs);
  }

  /** @internal get() on behalf of `op` (Pool.apply, Pool.map…), whose caller is the `loc`. */
  getAs(op: string, cutoff: Cutoff, timeoutMs?: number): Promise<R> {
    if (this.state === 'ok') return Promise.resolve(this.value as R);
    if (this.state === 'error') return Promise.reject(this.error);
    if (timeoutMs === undefined || timeoutMs === null) {
      // The common case (`Promise.all(results.map((r) => r.get()))` over 100k tasks): just one
      // Promise per call — no async function awaiting wait()'s Promise, no closure.
      if (tracing && blockedGets++ === 0) {
        groupFailed = false;
        groupWait = waitBegin(op, 'asyncResult', this.traceId(), { loc: callerLoc(cutoff) });
      }
      return new Promise<R>((resolve, reject) => {
        if (this.getters) this.getters.push(resolve as (v: unknown) => void, reject);
        else this.getters = [resolve as (v: unknown) => void, reject];
      });
    }
    try {
      checkTimeout(timeoutMs);
    } catch (err) {
      return Promise.reject(err);
    }
    const w = this.waitRaw(timeoutMs);
    const outcome = (): 'timeout' | 'ok' | 'error' => (this.state === 'pending' ? 'timeout' : this.state === 'ok' ? 'ok' : 'error');
    return this.getWithin(tracing ? traceWait(w, op, 'asyncResult', this.traceId(), { loc: callerLoc(cutoff), timeoutMs }, outcome) : w, timeoutMs);
  }

  private async getWithin(waited: Promise<void>, timeoutMs: number): Promise<R> {
    await waited;
    if (this.state === 'ok') return this.value as R;
    if (this.state === 'error') throw this.error;
    throw new TimeoutError(MESSAGES.timeout(timeoutMs));
  }
}
