// AsyncResult: Python's multiprocessing.pool.AsyncResult. The outcome is stored, not held as a
// rejected Promise, so a task error nobody asks for never becomes an unhandled rejection.
import { checkTimeout, MESSAGES, ProcessError, TimeoutError } from '../errors';

export class AsyncResult<R = unknown> {
  private state: 'pending' | 'ok' | 'error' = 'pending';
  private value: R | undefined;
  private error: unknown;
  /** Made on the first wait(): a submit loop makes 100k results, most never waited on twice. */
  private waiters: Array<() => void> | undefined;
  /** get() callers: their Promise's resolve and reject, in pairs (no closure per call). */
  private getters: Array<(v: unknown) => void> | undefined;

  /** @internal called by the pool once the task (or every chunk of a map) is done. */
  constructor(
    private readonly callback?: (value: R) => void,
    private readonly errorCallback?: (error: unknown) => void,
  ) {}

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
    if (this.state === 'ok') return Promise.resolve(this.value as R);
    if (this.state === 'error') return Promise.reject(this.error);
    if (timeoutMs === undefined || timeoutMs === null) {
      // The common case (`Promise.all(results.map((r) => r.get()))` over 100k tasks): just one
      // Promise per call — no async function awaiting wait()'s Promise, no closure.
      return new Promise<R>((resolve, reject) => {
        if (this.getters) this.getters.push(resolve as (v: unknown) => void, reject);
        else this.getters = [resolve as (v: unknown) => void, reject];
      });
    }
    return this.getWithin(timeoutMs);
  }

  private async getWithin(timeoutMs: number): Promise<R> {
    await this.wait(timeoutMs);
    if (this.state === 'ok') return this.value as R;
    if (this.state === 'error') throw this.error;
    throw new TimeoutError(MESSAGES.timeout(timeoutMs));
  }
}
