// Semaphore and BoundedSemaphore over shared words: the counter, a waiters count (release()
// wakes only when someone sleeps) and, for the bounded kind, the initial value.
import { MESSAGES, ValueError } from '../errors';
import { adopt, registerShared, SharedHandle } from '../memory/handle';
import type { Words } from '../memory/words';
import { deadlineOf, type AcquireOptions } from './lock';
import { now, POLL_MS } from './owner';
import type { ObjectKind } from '../../trace/events';
import { tracing } from '../tracing/tracer';
import { beginWait, endWait } from './traced';

const VALUE = 0;
const WAITERS = 1;
const INITIAL = 2;

/** Python's multiprocessing.Semaphore(value = 1). */
export class Semaphore extends SharedHandle {
  static readonly objKind: ObjectKind = 'semaphore';
  protected readonly pythonName: string = 'Semaphore';
  protected readonly _k: string = 'Semaphore';
  /** @internal */ readonly _w: Words;

  constructor(value = 1) {
    super(12);
    this._w = this._segment.words;
    if (this._created) {
      if (!Number.isInteger(value) || value < 0) throw new ValueError(MESSAGES.semaphoreValue(value));
      this._w.store(VALUE, value);
      this._w.store(INITIAL, value);
    }
  }

  private tryTake(): boolean {
    const w = this._w;
    for (;;) {
      const v = w.load(VALUE);
      if (v <= 0) return false;
      if (w.cas(VALUE, v, v - 1) === v) return true;
    }
  }

  /** Takes one unit: true once taken; false without blocking (`block: false`) or after `timeout` ms. */
  acquire(options?: AcquireOptions): Promise<boolean> {
    if (this.tryTake()) {
      if (tracing) this._holds.begin();
      return Promise.resolve(true);
    }
    const deadline = deadlineOf(options);
    if (deadline === undefined) return Promise.resolve(false);
    if (!tracing) return this.sleep(deadline);
    const id = beginWait(this, `${this.pythonName}.acquire`, options?.timeout, this.acquire);
    return this.sleep(deadline).then((ok) => endWait(this, id, ok, true));
  }

  private async sleep(deadline: number): Promise<boolean> {
    const w = this._w;
    w.add(WAITERS, 1);
    try {
      for (;;) {
        if (this.tryTake()) return true;
        const left = deadline - now();
        if (left <= 0) return false;
        await w.wait(VALUE, 0, Math.min(left, POLL_MS));
      }
    } finally {
      w.add(WAITERS, -1);
    }
  }

  /** Gives back `n` units (synchronous) and wakes as many sleepers. */
  release(n = 1): void {
    if (!Number.isInteger(n) || n < 1) throw new ValueError('n must be one or more');
    const full = tracing && this._holds.end();
    this.add(n);
    if (this._w.load(WAITERS) > 0) this._w.notify(VALUE, n);
    if (full) this._holds.write();
  }

  /** @internal */
  protected add(n: number): void {
    this._w.add(VALUE, n);
  }

  /** The current count (Python's get_value()). */
  getValue(): number {
    return this._w.load(VALUE);
  }

  override toString(): string {
    return `<${this.pythonName}(value=${this.getValue()})>`;
  }
}

/** A Semaphore that refuses to go above its initial value: over-release is a ValueError. */
export class BoundedSemaphore extends Semaphore {
  static override readonly objKind: ObjectKind = 'boundedSemaphore';
  protected override readonly pythonName: string = 'BoundedSemaphore';
  protected override readonly _k: string = 'BoundedSemaphore';

  protected override add(n: number): void {
    const w = this._w;
    const max = w.load(INITIAL);
    for (;;) {
      const v = w.load(VALUE);
      if (v + n > max) throw new ValueError(MESSAGES.boundedReleasedTooMany);
      if (w.cas(VALUE, v, v + n) === v) return;
    }
  }
}

registerShared('Semaphore', (d, seg) => adopt(seg, d.id, () => new Semaphore()));
registerShared('BoundedSemaphore', (d, seg) => adopt(seg, d.id, () => new BoundedSemaphore()));

