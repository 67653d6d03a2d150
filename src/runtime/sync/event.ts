// Python's multiprocessing.Event over two shared words: the flag and a waiters count.
import { checkTimeout } from '../errors';
import { adopt, registerShared, SharedHandle } from '../memory/handle';
import type { Words } from '../memory/words';
import { now, POLL_MS } from './owner';
import type { ObjectKind } from '../../trace/events';
import { tracing } from '../tracing/tracer';
import { beginWait, endWait } from './traced';

const FLAG = 0;
const WAITERS = 1;

export class Event extends SharedHandle {
  static readonly objKind: ObjectKind = 'event';
  protected readonly pythonName: string = 'Event';
  protected readonly _k: string = 'Event';
  /** @internal */ readonly _w: Words;

  constructor() {
    super(8);
    this._w = this._segment.words;
  }

  isSet(): boolean {
    return this._w.load(FLAG) === 1;
  }

  /** Sets the flag and wakes every waiter. */
  set(): void {
    this._w.store(FLAG, 1);
    if (this._w.load(WAITERS) > 0) this._w.notify(FLAG);
  }

  clear(): void {
    this._w.store(FLAG, 0);
  }

  /** Resolves true once the flag is set, or false after `timeoutMs` (no timeout: waits as long as it takes). */
  wait(timeoutMs?: number | null): Promise<boolean> {
    if (this.isSet()) return Promise.resolve(true);
    if (timeoutMs !== undefined && timeoutMs !== null) checkTimeout(timeoutMs);
    const deadline = timeoutMs === undefined || timeoutMs === null ? Infinity : now() + timeoutMs;
    if (!tracing) return this.sleep(deadline);
    const id = beginWait(this, 'Event.wait', timeoutMs, this.wait);
    return this.sleep(deadline).then((ok) => endWait(this, id, ok, false));
  }

  private async sleep(deadline: number): Promise<boolean> {
    const w = this._w;
    w.add(WAITERS, 1);
    try {
      for (;;) {
        if (w.load(FLAG) === 1) return true;
        const left = deadline - now();
        if (left <= 0) return false;
        await w.wait(FLAG, 0, Math.min(left, POLL_MS));
      }
    } finally {
      w.add(WAITERS, -1);
    }
  }

  override toString(): string {
    return `<Event(${this.isSet() ? 'set' : 'unset'})>`;
  }
}

registerShared('Event', (d, seg) => adopt(seg, d.id, () => new Event()));
