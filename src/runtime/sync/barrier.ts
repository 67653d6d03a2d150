// Python's multiprocessing.Barrier over shared words. A small lock (the first words) guards the
// arrival count; the last party to arrive runs the action and opens the generation. How each
// generation ended (passed, or broken: abort, reset, timeout, a failed action, a dead party) is
// kept in a ring of 16 words, so a waiter that wakes late still learns how its own one ended.
// Waiters wake every POLL_MS and check the parties they wait with still exist: a party killed
// while waiting breaks the barrier, and the others get BrokenBarrierError instead of hanging.
import { BrokenBarrierError, checkTimeout, MESSAGES, ProcessError } from '../errors';
import { adopt, registerShared, SharedHandle, type SharedDescriptor } from '../memory/handle';
import type { Words } from '../memory/words';
import { exportNameOf, findExport, importModule } from '../process/targets';
import { mainModule } from '../process/identity';
import { freeWord, LOCK_BYTES, takeWord } from './lock';
import { ME, now, ownerAlive, POLL_MS } from './owner';
import type { ObjectKind } from '../../trace/events';
import { tracing } from '../tracing/tracer';
import { beginWait, endWait, failWait } from './traced';

const MUTEX = 0; // LOCK_BYTES / 4 words
const COUNT = 3;
const GEN = 4;
const BROKEN = 5;
const WAKE = 6;
const PARTIES = 7;
const HISTORY = 8;
const RING = 16;
const SLOTS = HISTORY + RING;

export interface BarrierOptions {
  /** Run by the last party to arrive, before the others are released (an exported function). */
  action?: (() => unknown) | null;
  /** Default timeout of wait(), in ms. */
  timeout?: number | null;
}

export class Barrier extends SharedHandle {
  static readonly objKind: ObjectKind = 'barrier';
  protected readonly pythonName: string = 'Barrier';
  protected readonly _k: string = 'Barrier';
  /** @internal */ readonly _w: Words;
  private readonly mutex: Words;
  private action: (() => unknown) | undefined;
  private actionName: string | undefined;
  private readonly defaultTimeout: number | undefined;

  constructor(parties: number, options: BarrierOptions = {}) {
    if (revivedExtra === undefined && (!Number.isInteger(parties) || parties < 1)) throw new ProcessError(MESSAGES.barrierParties(parties));
    super((SLOTS + Math.max(1, parties || 1)) * 4);
    if (LOCK_BYTES !== 12) throw new Error('barrier layout expects a 3-word lock');
    this._w = this._segment.words;
    this.mutex = this._w.sub(MUTEX);
    const extra = revivedExtra;
    if (extra) {
      this.actionName = extra.action;
      this.defaultTimeout = extra.timeout;
    } else {
      if (options.action !== undefined && options.action !== null && typeof options.action !== 'function') throw new ProcessError('Barrier action must be a function');
      this.action = options.action ?? undefined;
      if (options.timeout !== undefined && options.timeout !== null) checkTimeout(options.timeout);
      this.defaultTimeout = options.timeout ?? undefined;
      this._w.store(PARTIES, parties);
      for (let i = 0; i < RING; i++) this._w.store(HISTORY + i, -1);
    }
  }

  /** @internal */
  protected override _extra(): Record<string, unknown> {
    // A child runs the action by its export name, as a Process target.
    if (this.action && !this.actionName) this.actionName = exportNameOf(this.action, 'Barrier action');
    return { action: this.actionName, timeout: this.defaultTimeout };
  }

  get parties(): number {
    return this._w.load(PARTIES);
  }
  get nWaiting(): number {
    return this._w.load(BROKEN) ? 0 : this._w.load(COUNT);
  }
  get broken(): boolean {
    return this._w.load(BROKEN) === 1;
  }

  private async lock(): Promise<void> {
    if (this.mutex.cas(0, 0, ME) !== 0) await takeWord(this.mutex, ME, Infinity);
  }
  private unlock(): void {
    freeWord(this.mutex);
  }

  /** Records how generation `gen` ended and wakes everyone. Called holding the mutex. */
  private finish(gen: number, broken: boolean): void {
    const w = this._w;
    w.store(HISTORY + (gen % RING), (gen << 1) | (broken ? 1 : 0));
    w.add(WAKE, 1);
    w.notify(WAKE);
  }
  private breakLocked(): void {
    if (this._w.load(BROKEN)) return;
    this._w.store(BROKEN, 1);
    this.finish(this._w.load(GEN), true);
  }

  private async runAction(): Promise<void> {
    if (!this.action && this.actionName) {
      const file = mainModule();
      if (!file) throw new ProcessError(MESSAGES.noMainModule);
      this.action = findExport(await importModule(file), this.actionName, file) as () => unknown;
    }
    if (this.action) await this.action();
  }

  /**
   * Waits until `parties` processes or threads have called wait(); resolves to this caller's
   * arrival index (0 … parties - 1). A timeout (this call's, else the barrier's) breaks the
   * barrier; a broken barrier rejects every waiter with BrokenBarrierError.
   */
  wait(timeoutMs?: number | null): Promise<number> {
    const t = timeoutMs ?? this.defaultTimeout;
    if (t !== undefined) checkTimeout(t);
    if (!tracing) return this.arrive(t);
    // Traced as one wait from arrival to release (the last party's is short: it releases the rest).
    // With its party count: the viewer and the deadlock text say "2 of 3 arrived".
    const id = beginWait(this, 'Barrier.wait', t, this.wait, this.parties);
    return this.arrive(t).then(
      (index) => {
        endWait(this, id, true, false);
        return index;
      },
      (err) => {
        failWait(id);
        throw err;
      },
    );
  }

  private async arrive(t: number | undefined): Promise<number> {
    const deadline = t === undefined ? Infinity : now() + t;
    const w = this._w;
    await this.lock();
    let gen: number;
    let index: number;
    try {
      if (w.load(BROKEN)) throw new BrokenBarrierError(MESSAGES.barrierBroken);
      // A party that died waiting breaks the barrier now, not at the others' next poll: the last
      // arrival must never trip it with a dead party counted in.
      if (!this.partiesAlive()) {
        this.breakLocked();
        throw new BrokenBarrierError(MESSAGES.barrierBroken);
      }
      gen = w.load(GEN);
      index = w.load(COUNT);
      w.store(SLOTS + index, ME);
      if (index + 1 === this.parties) {
        try {
          await this.runAction();
        } catch (err) {
          this.breakLocked();
          throw err;
        }
        w.store(COUNT, 0);
        w.store(GEN, gen + 1);
        this.finish(gen, false);
        return index;
      }
      w.store(COUNT, index + 1);
    } finally {
      this.unlock();
    }
    for (;;) {
      const seq = w.load(WAKE);
      const h = w.load(HISTORY + (gen % RING));
      if (h >>> 1 === gen) {
        if (h & 1) throw new BrokenBarrierError(MESSAGES.barrierBroken);
        return index;
      }
      const left = deadline - now();
      if (left <= 0 || !this.partiesAlive()) {
        await this.breakGen(gen);
        continue;
      }
      await w.wait(WAKE, seq, Math.min(left, POLL_MS));
    }
  }

  /** Whether every party waiting in this generation still exists. */
  private partiesAlive(): boolean {
    const n = this._w.load(COUNT);
    for (let i = 0; i < n; i++) if (!ownerAlive(this._w.load(SLOTS + i))) return false;
    return true;
  }

  private async breakGen(gen: number): Promise<void> {
    await this.lock();
    try {
      if (this._w.load(GEN) === gen) this.breakLocked();
    } finally {
      this.unlock();
    }
  }

  /** Breaks the barrier: current and future waiters get BrokenBarrierError until reset(). */
  async abort(): Promise<void> {
    await this.lock();
    try {
      this.breakLocked();
    } finally {
      this.unlock();
    }
  }

  /** Back to the empty state; parties waiting now get BrokenBarrierError. */
  async reset(): Promise<void> {
    await this.lock();
    try {
      const w = this._w;
      const gen = w.load(GEN);
      if (w.load(COUNT) > 0 && !w.load(BROKEN)) this.finish(gen, true);
      w.store(COUNT, 0);
      w.store(BROKEN, 0);
      w.store(GEN, gen + 1);
      w.add(WAKE, 1);
      w.notify(WAKE);
    } finally {
      this.unlock();
    }
  }

  override toString(): string {
    return `<Barrier(parties=${this.parties}, waiting=${this.nWaiting}${this.broken ? ', broken' : ''})>`;
  }
}

/** A revived Barrier's action name and timeout (its descriptor carries them). */
let revivedExtra: { action?: string; timeout?: number } | undefined;

registerShared('Barrier', (d: SharedDescriptor, seg) => {
  revivedExtra = { action: d.action as string | undefined, timeout: d.timeout as number | undefined };
  try {
    return adopt(seg, d.id, () => new Barrier(0));
  } finally {
    revivedExtra = undefined;
  }
});
