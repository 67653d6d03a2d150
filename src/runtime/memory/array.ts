// Python's multiprocessing.Array (named SharedArray here: `Array` would shadow JavaScript's own)
// and RawArray: a fixed-length C-typed array in shared memory. `arr[i]` reads and writes
// synchronously, negative indexes count from the end (as Python's), an index out of range is an
// IndexError naming the index and the length. Indexing goes through a Proxy; for bulk work,
// slice() copies out at once.
import { IndexError, ProcessError } from '../errors';
import type { Lock } from '../sync/lock';
import { TO_HANDLE } from '../transport/serialize';
import type { ObjectKind } from '../../trace/events';
import { adopt, registerShared, reviveShared, SharedHandle, type SharedDescriptor } from './handle';
import { fromStored, toStored, type ElementArray, type Typecode } from './typecodes';
import { lockOption, typecodeOf, type ValueOptions } from './value';

const INDEX = /^-?(0|[1-9]\d*)$/;

let revivedParts: { lock: Lock | undefined; length: number } | undefined;

function sizeOf(sizeOrInitial: unknown): { length: number; items: ArrayLike<unknown> | undefined } {
  if (typeof sizeOrInitial === 'number') {
    if (!Number.isSafeInteger(sizeOrInitial) || sizeOrInitial < 0) throw new ProcessError(`size must be a non-negative integer, got ${sizeOrInitial}`);
    return { length: sizeOrInitial, items: undefined };
  }
  if (sizeOrInitial && typeof sizeOrInitial === 'object' && typeof (sizeOrInitial as Iterable<unknown>)[Symbol.iterator] === 'function') {
    const items = Array.from(sizeOrInitial as Iterable<unknown>);
    return { length: items.length, items };
  }
  throw new ProcessError(`SharedArray(typecode, sizeOrInitial): give a length or an iterable of numbers, got ${typeof sizeOrInitial}`);
}

// The Proxy (HANDLER) serves numeric keys: this tells TypeScript that arr[i] is an element.
export interface SharedArray<T extends number | bigint = number> {
  [index: number]: T;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class SharedArray<T extends number | bigint = number> extends SharedHandle {
  static readonly objKind: ObjectKind = 'array';
  protected readonly pythonName: string = 'SynchronizedArray';
  protected readonly _k: string = 'SharedArray';
  readonly typecode: string;
  readonly length: number;
  private readonly view: ElementArray;
  private readonly tc: Typecode;
  private readonly lock: Lock | undefined;

  constructor(typecode: string, sizeOrInitial: number | Iterable<T | number>, options: ValueOptions = {}) {
    const tc = typecodeOf(typecode);
    const parts = revivedParts;
    revivedParts = undefined;
    const { length, items } = parts ? { length: parts.length, items: undefined } : sizeOf(sizeOrInitial);
    super(length * tc.bytes);
    this.tc = tc;
    this.typecode = tc.code;
    this.length = length;
    this.view = new tc.Ctor(this._segment.buffer, this._segment.byteOffset, length);
    if (parts) this.lock = parts.lock;
    else {
      this.lock = lockOption(this, options.lock);
      if (items) for (let i = 0; i < length; i++) this.view[i] = toStored(tc, items[i]) as never;
    }
    return new Proxy(this, HANDLER as ProxyHandler<SharedArray<T>>);
  }

  /** @internal element access (the Proxy's). */
  _get(i: number): T {
    return fromStored(this.view[this.index(i)]) as T;
  }
  /** @internal */
  _set(i: number, v: unknown): void {
    this.view[this.index(i)] = toStored(this.tc, v) as never;
  }
  private index(i: number): number {
    const j = i < 0 ? i + this.length : i;
    if (j < 0 || j >= this.length) throw new IndexError(`index ${i} out of range for a SharedArray of length ${this.length}`);
    return j;
  }

  /** A plain-array copy of elements `start` to `end` (negative counts from the end, as Array#slice). */
  slice(start?: number, end?: number): T[] {
    return Array.from(this.view.slice(start, end) as ArrayLike<number | bigint>, (v) => fromStored(v) as T);
  }

  /** A plain-array copy of every element. */
  toArray(): T[] {
    return this.slice();
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.length; i++) yield fromStored(this.view[i]) as T;
  }

  /** The lock that guards it (Python's get_lock()); a RawArray has none. */
  getLock(): Lock {
    if (!this.lock) throw new ProcessError(`this SharedArray has no lock (a RawArray, or made with lock: false)`);
    return this.lock;
  }

  /** @internal */
  protected override _extra(): Record<string, unknown> {
    return { tc: this.typecode, n: this.length, lock: this.lock ? this.lock[TO_HANDLE]() : null };
  }

  override toString(): string {
    return `<SynchronizedArray wrapper for ${this.tc.cName}[${this.length}]>`;
  }
}

const HANDLER: ProxyHandler<SharedArray<never>> = {
  get(target, prop, receiver) {
    if (typeof prop === 'string' && INDEX.test(prop)) return target._get(Number(prop));
    const v = Reflect.get(target, prop, target);
    return typeof v === 'function' && prop !== 'constructor' ? v.bind(target) : v === target ? receiver : v;
  },
  set(target, prop, value) {
    if (typeof prop === 'string' && INDEX.test(prop)) {
      target._set(Number(prop), value);
      return true;
    }
    if (prop === 'length' || prop === 'typecode') throw new TypeError(`cannot assign to ${prop} of a SharedArray`);
    return Reflect.set(target, prop, value, target);
  },
  has(target, prop) {
    if (typeof prop === 'string' && INDEX.test(prop)) {
      const i = Number(prop);
      return i >= 0 && i < target.length;
    }
    return Reflect.has(target, prop);
  },
};

/** Python's RawArray: a SharedArray without a lock (call it with or without `new`). */
export const RawArray = function RawArray<T extends number | bigint = number>(typecode: string, sizeOrInitial: number | Iterable<T | number>): SharedArray<T> {
  return new SharedArray<T>(typecode, sizeOrInitial, { lock: false });
} as unknown as {
  new <T extends number | bigint = number>(typecode: string, sizeOrInitial: number | Iterable<T | number>): SharedArray<T>;
  <T extends number | bigint = number>(typecode: string, sizeOrInitial: number | Iterable<T | number>): SharedArray<T>;
};

registerShared('SharedArray', (d: SharedDescriptor, seg) => {
  const lock = d.lock ? (reviveShared(d.lock) as Lock) : undefined;
  revivedParts = { lock, length: d.n as number };
  try {
    return adopt(seg, d.id, () => new SharedArray(d.tc as string, 0));
  } finally {
    revivedParts = undefined;
  }
});
