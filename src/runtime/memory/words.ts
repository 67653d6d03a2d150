// 32-bit words of shared memory that several threads or processes update atomically: what every
// lock, semaphore, event, condition and barrier is made of. Atomics work on the whole buffer
// (a SharedArrayBuffer, or a shared mapping from the native module); only how a caller sleeps
// until a word changes differs by backend (Atomics.waitAsync, a futex on the libuv pool, polling).

import { runtimeTimers } from '../tracing/waits';

export type WaitResult = 'ok' | 'not-equal' | 'timed-out';

/** How a backend sleeps on word `index` of `i32` while it still holds `expected`, for at most `ms`. */
export interface Sleeper {
  wait(i32: Int32Array, index: number, expected: number, ms: number): Promise<WaitResult>;
  /** Wakes up to `count` sleepers; returns how many it woke. */
  notify(i32: Int32Array, index: number, count: number): number;
}

/** The words of one object: index 0 is the first word of its segment. */
export class Words {
  constructor(
    readonly i32: Int32Array,
    private readonly base: number,
    private readonly sleeper: Sleeper,
  ) {}

  /** The words from `k` on, as their own Words (an object made of smaller ones: a barrier's mutex). */
  sub(k: number): Words {
    return new Words(this.i32, this.base + k, this.sleeper);
  }
  load(i: number): number {
    return Atomics.load(this.i32, this.base + i);
  }
  store(i: number, v: number): void {
    Atomics.store(this.i32, this.base + i, v);
  }
  /** Compare-and-swap: returns the old value (the swap happened when it equals `expected`). */
  cas(i: number, expected: number, v: number): number {
    return Atomics.compareExchange(this.i32, this.base + i, expected, v);
  }
  /** Adds `d`, returns the old value. */
  add(i: number, d: number): number {
    return Atomics.add(this.i32, this.base + i, d);
  }
  /** Clears the bits of `mask` in word i, returns the old value. */
  clearBits(i: number, mask: number): number {
    return Atomics.and(this.i32, this.base + i, ~mask);
  }
  /** Sleeps while word i is `expected`, at most `ms` (never blocks the event loop). */
  wait(i: number, expected: number, ms: number): Promise<WaitResult> {
    return this.sleeper.wait(this.i32, this.base + i, expected, ms);
  }
  /** Wakes up to `count` sleepers on word i; returns how many it woke. */
  notify(i: number, count = Infinity): number {
    return this.sleeper.notify(this.i32, this.base + i, count);
  }
}

const noop = (): void => undefined;

/** Atomics.waitAsync (Node 16+; not yet in TypeScript's ES2022 lib). */
interface AtomicsWaitAsync {
  waitAsync(i32: Int32Array, index: number, expected: number, ms: number): { async: boolean; value: Promise<WaitResult> | WaitResult };
}

/** Thread context: Atomics on a SharedArrayBuffer. waitAsync parks the wait off the event loop. */
export const atomicsSleeper: Sleeper = {
  wait(i32, index, expected, ms) {
    const r = (Atomics as unknown as AtomicsWaitAsync).waitAsync(i32, index, expected, ms);
    if (!r.async) return Promise.resolve(r.value as WaitResult);
    // A pending waitAsync does not keep Node alive: a timer does, as a blocked Python call would.
    const keepAlive = setTimeout(noop, Math.min(ms, 2 ** 31 - 1) + 1000);
    runtimeTimers(1);
    return (r.value as Promise<WaitResult>).then((v) => {
      clearTimeout(keepAlive);
      runtimeTimers(-1);
      return v;
    });
  },
  notify(i32, index, count) {
    return Atomics.notify(i32, index, count);
  },
};
