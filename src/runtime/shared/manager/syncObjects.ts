// The synchronization objects a manager serves (Lock, RLock, Semaphore, BoundedSemaphore, Event,
// Condition, Barrier): small state machines living in the server, as Python's SyncManager keeps
// threading objects there. The caller's identity is its connection (`owner`: one per client
// thread), which is what owns an RLock or waits at a Barrier. A call that must wait returns a
// Promise; one that can answer at once returns its value.
//
// Unlike Python, a client that goes away (exits, or is killed) does not leave the others hanging:
// its waits are dropped, the locks and semaphore units it holds are released, and a Barrier it
// was waiting at breaks (the others get BrokenBarrierError).
import { BrokenBarrierError, MESSAGES, ProcessError, ValueError } from '../../errors';
import { argCount, defineKind, intArg, optBool, optTimeout, type Kind } from './kinds';

interface Waiter<T> {
  owner: object;
  resolve(v: T): void;
  reject(e: Error): void;
  timer?: NodeJS.Timeout;
}

function removeFrom<T>(list: T[], x: T): boolean {
  const i = list.indexOf(x);
  if (i >= 0) list.splice(i, 1);
  return i >= 0;
}

/** Waits in `list` until woken, or until `timeoutMs`, when it resolves with `onTimeout` (a list entry's own). */
function enqueue<T, W extends Waiter<T>>(list: W[], w: Omit<W, 'resolve' | 'reject'>, timeoutMs: number | undefined, onTimeout: (w: W) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const full = Object.assign(w, { resolve, reject }) as W;
    list.push(full);
    if (timeoutMs !== undefined) full.timer = setTimeout(() => onTimeout(full), timeoutMs);
  });
}

// ---- Lock and RLock ----

interface LockWaiter extends Waiter<boolean> {
  count: number;
}

export class ServerLock {
  private owner: object | undefined;
  private count = 0;
  private readonly waiters: LockWaiter[] = [];
  constructor(readonly reentrant: boolean) {}

  acquire(owner: object, block: boolean, timeoutMs: number | undefined, count = 1): boolean | Promise<boolean> {
    if (this.count === 0) {
      this.owner = owner;
      this.count = count;
      return true;
    }
    if (this.reentrant && this.owner === owner) {
      this.count += count;
      return true;
    }
    if (!block || timeoutMs === 0) return false;
    return enqueue<boolean, LockWaiter>(this.waiters, { owner, count }, timeoutMs, (w) => {
      removeFrom(this.waiters, w);
      w.resolve(false);
    });
  }

  release(owner: object): void {
    // A plain Lock may be released by anyone (as Python's); an RLock only by its owner.
    if (this.reentrant && (this.count === 0 || this.owner !== owner)) throw new ProcessError(MESSAGES.notOwnedRLock);
    if (this.count === 0) throw new ValueError(MESSAGES.releasedTooMany);
    if (--this.count === 0) this.handOff();
  }

  private handOff(): void {
    const w = this.waiters.shift();
    if (!w) {
      this.owner = undefined;
      return;
    }
    if (w.timer) clearTimeout(w.timer);
    this.owner = w.owner;
    this.count = w.count;
    w.resolve(true);
  }

  locked(): boolean {
    return this.count > 0;
  }

  ownedBy(owner: object): boolean {
    return this.count > 0 && this.owner === owner;
  }

  /** For Condition.wait: lets go of the lock entirely; returns the recursion depth to restore. */
  releaseAll(): number {
    const n = this.count;
    this.count = 0;
    this.handOff();
    return n;
  }

  drop(owner: object): void {
    for (const w of this.waiters.filter((x) => x.owner === owner)) {
      if (w.timer) clearTimeout(w.timer);
      removeFrom(this.waiters, w);
    }
    if (this.ownedBy(owner)) {
      this.count = 0;
      this.handOff();
    }
  }
}

function acquireArgs(args: unknown[]): [boolean, number | undefined] {
  argCount(args, 0, 2, 'acquire()');
  return [optBool(args[0], 'block', true), optTimeout(args[1])];
}

const lockMethods = {
  acquire: (l: ServerLock, args: unknown[], owner: object) => l.acquire(owner, ...acquireArgs(args)),
  release: (l: ServerLock, _args: unknown[], owner: object) => l.release(owner),
  locked: (l: ServerLock) => l.locked(),
};
const dropLock = (l: ServerLock, owner: object) => l.drop(owner);
export const LOCK: Kind<ServerLock> = defineKind('lock', lockMethods, dropLock);
export const RLOCK: Kind<ServerLock> = defineKind('rlock', lockMethods, dropLock);

// ---- Semaphore and BoundedSemaphore ----

export class ServerSemaphore {
  private readonly waiters: Array<Waiter<boolean>> = [];
  /** Units each connection took and has not given back (released when it goes away). */
  private readonly held = new Map<object, number>();

  constructor(
    private value: number,
    private readonly bound: number | undefined,
  ) {}

  acquire(owner: object, block: boolean, timeoutMs: number | undefined): boolean | Promise<boolean> {
    if (this.value > 0 && this.waiters.length === 0) {
      this.value--;
      this.take(owner);
      return true;
    }
    if (!block || timeoutMs === 0) return false;
    return enqueue<boolean, Waiter<boolean>>(this.waiters, { owner }, timeoutMs, (w) => {
      removeFrom(this.waiters, w);
      w.resolve(false);
    });
  }

  release(owner: object, n: number): void {
    if (n < 1) throw new ValueError('n must be one or more');
    if (this.bound !== undefined && this.value + n > this.bound) throw new ValueError(MESSAGES.boundedReleasedTooMany);
    for (let i = 0; i < n; i++) this.give(owner);
    this.value += n;
    while (this.value > 0 && this.waiters.length) {
      const w = this.waiters.shift() as Waiter<boolean>;
      if (w.timer) clearTimeout(w.timer);
      this.value--;
      this.take(w.owner);
      w.resolve(true);
    }
  }

  getValue(): number {
    return this.value;
  }

  private take(owner: object): void {
    this.held.set(owner, (this.held.get(owner) ?? 0) + 1);
  }

  /** A unit comes back: from the releaser's own if it holds one, else from another holder's (semaphores may be released by anyone). */
  private give(owner: object): void {
    const from = this.held.has(owner) ? owner : this.held.keys().next().value;
    if (from === undefined) return;
    const left = (this.held.get(from) as number) - 1;
    if (left > 0) this.held.set(from, left);
    else this.held.delete(from);
  }

  drop(owner: object): void {
    for (const w of this.waiters.filter((x) => x.owner === owner)) {
      if (w.timer) clearTimeout(w.timer);
      removeFrom(this.waiters, w);
    }
    const n = Math.min(this.held.get(owner) ?? 0, this.bound === undefined ? Infinity : this.bound - this.value);
    if (n > 0) this.release(owner, n);
  }
}

export function newSemaphore(args: unknown[], bounded: boolean): ServerSemaphore {
  argCount(args, 0, 1, bounded ? 'BoundedSemaphore()' : 'Semaphore()');
  const value = args[0] === undefined ? 1 : args[0];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new ProcessError(MESSAGES.semaphoreValue(value));
  return new ServerSemaphore(value, bounded ? value : undefined);
}

const semaphoreMethods = {
  acquire: (s: ServerSemaphore, args: unknown[], owner: object) => s.acquire(owner, ...acquireArgs(args)),
  release: (s: ServerSemaphore, args: unknown[], owner: object) => s.release(owner, args[0] === undefined ? 1 : intArg(args[0], 'n')),
  getValue: (s: ServerSemaphore) => s.getValue(),
};
const dropSemaphore = (s: ServerSemaphore, owner: object) => s.drop(owner);
export const SEMAPHORE: Kind<ServerSemaphore> = defineKind('semaphore', semaphoreMethods, dropSemaphore);
export const BOUNDED_SEMAPHORE: Kind<ServerSemaphore> = defineKind('boundedSemaphore', semaphoreMethods, dropSemaphore);

// ---- Event ----

export class ServerEvent {
  private flag = false;
  private readonly waiters: Array<Waiter<boolean>> = [];

  set(): void {
    this.flag = true;
    for (const w of this.waiters.splice(0)) {
      if (w.timer) clearTimeout(w.timer);
      w.resolve(true);
    }
  }
  clear(): void {
    this.flag = false;
  }
  isSet(): boolean {
    return this.flag;
  }
  wait(owner: object, timeoutMs: number | undefined): boolean | Promise<boolean> {
    if (this.flag) return true;
    if (timeoutMs === 0) return false;
    return enqueue<boolean, Waiter<boolean>>(this.waiters, { owner }, timeoutMs, (w) => {
      removeFrom(this.waiters, w);
      w.resolve(false);
    });
  }
  drop(owner: object): void {
    for (const w of this.waiters.filter((x) => x.owner === owner)) {
      if (w.timer) clearTimeout(w.timer);
      removeFrom(this.waiters, w);
    }
  }
}

export const EVENT: Kind<ServerEvent> = defineKind(
  'event',
  {
    set: (e) => e.set(),
    clear: (e) => e.clear(),
    isSet: (e) => e.isSet(),
    wait: (e, args, owner) => {
      argCount(args, 0, 1, 'Event.wait()');
      return e.wait(owner, optTimeout(args[0]));
    },
  },
  (e, owner) => e.drop(owner),
);

// ---- Condition ----

interface CondWaiter extends Waiter<boolean> {
  /** RLock depth to restore when it wakes. */
  depth: number;
}

export class ServerCondition {
  private readonly waiters: CondWaiter[] = [];
  constructor(readonly lock: ServerLock) {}

  wait(owner: object, timeoutMs: number | undefined): Promise<boolean> {
    if (!this.lock.ownedBy(owner)) throw new ProcessError(MESSAGES.conditionNotHeld);
    const depth = this.lock.releaseAll();
    return enqueue<boolean, CondWaiter>(this.waiters, { owner, depth }, timeoutMs, (w) => {
      removeFrom(this.waiters, w);
      this.wake(w, false);
    });
  }

  /** A woken (or timed-out) waiter gets the lock back, as deep as it held it, before it returns. */
  private wake(w: CondWaiter, notified: boolean): void {
    if (w.timer) clearTimeout(w.timer);
    const got = this.lock.acquire(w.owner, true, undefined, w.depth);
    if (got === true) w.resolve(notified);
    else (got as Promise<boolean>).then(() => w.resolve(notified));
  }

  notify(owner: object, n: number): void {
    if (!this.lock.ownedBy(owner)) throw new ProcessError(MESSAGES.conditionNotHeld);
    for (const w of this.waiters.splice(0, Math.max(0, n))) this.wake(w, true);
  }

  drop(owner: object): void {
    for (const w of this.waiters.filter((x) => x.owner === owner)) {
      if (w.timer) clearTimeout(w.timer);
      removeFrom(this.waiters, w);
    }
    this.lock.drop(owner);
  }
}

export const CONDITION: Kind<ServerCondition> = defineKind(
  'condition',
  {
    acquire: (c, args, owner) => c.lock.acquire(owner, ...acquireArgs(args)),
    release: (c, _args, owner) => c.lock.release(owner),
    wait: (c, args, owner) => {
      argCount(args, 0, 1, 'Condition.wait()');
      return c.wait(owner, optTimeout(args[0]));
    },
    notify: (c, args, owner) => c.notify(owner, args[0] === undefined ? 1 : intArg(args[0], 'n')),
    notifyAll: (c, _args, owner) => c.notify(owner, Number.MAX_SAFE_INTEGER),
  },
  (c, owner) => c.drop(owner),
);

// ---- Barrier ----

interface BarrierWaiter extends Waiter<number> {
  index: number;
}

export class ServerBarrier {
  private readonly waiters: BarrierWaiter[] = [];
  private broken = false;

  constructor(
    readonly parties: number,
    private readonly timeoutMs: number | undefined,
  ) {}

  /** Python's arrival index: 0 for the first to arrive, parties - 1 for the last (who releases everyone). */
  wait(owner: object, timeoutMs: number | undefined): number | Promise<number> {
    if (this.broken) throw new BrokenBarrierError(MESSAGES.barrierBroken);
    const index = this.waiters.length;
    if (index + 1 === this.parties) {
      for (const w of this.waiters.splice(0)) {
        if (w.timer) clearTimeout(w.timer);
        w.resolve(w.index);
      }
      return index;
    }
    // A wait that times out breaks the barrier for everyone, as in Python.
    return enqueue<number, BarrierWaiter>(this.waiters, { owner, index }, timeoutMs ?? this.timeoutMs, () => this.abort());
  }

  /** Breaks the barrier: every waiter (and every later wait, until reset) gets BrokenBarrierError. */
  abort(): void {
    this.broken = true;
    this.failWaiters();
  }

  reset(): void {
    this.failWaiters();
    this.broken = false;
  }

  private failWaiters(): void {
    for (const w of this.waiters.splice(0)) {
      if (w.timer) clearTimeout(w.timer);
      w.reject(new BrokenBarrierError(MESSAGES.barrierBroken));
    }
  }

  get nWaiting(): number {
    return this.waiters.length;
  }

  get isBroken(): boolean {
    return this.broken;
  }

  /** A party that was waiting went away: the others would wait for it forever. */
  drop(owner: object): void {
    if (this.waiters.some((w) => w.owner === owner)) this.abort();
  }
}

export function newBarrier(args: unknown[]): ServerBarrier {
  argCount(args, 1, 2, 'Barrier()');
  const parties = args[0];
  if (typeof parties !== 'number' || !Number.isSafeInteger(parties) || parties < 1) throw new ProcessError(MESSAGES.barrierParties(parties));
  const opts = args[1] as { action?: unknown; timeout?: unknown } | undefined;
  if (opts !== undefined && (typeof opts !== 'object' || opts === null)) throw new TypeError('Barrier options must be an object');
  return new ServerBarrier(parties, optTimeout(opts?.timeout));
}

export const BARRIER: Kind<ServerBarrier> = defineKind(
  'barrier',
  {
    wait: (b, args, owner) => {
      argCount(args, 0, 1, 'Barrier.wait()');
      return b.wait(owner, optTimeout(args[0]));
    },
    reset: (b) => b.reset(),
    abort: (b) => b.abort(),
    parties: (b) => b.parties,
    nWaiting: (b) => b.nWaiting,
    broken: (b) => b.isBroken,
  },
  (b, owner) => b.drop(owner),
);
