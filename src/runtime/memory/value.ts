// Python's multiprocessing.Value and RawValue: one C-typed number in shared memory. `.value`
// reads and writes synchronously (a plain load or store of the mapped memory); `v.value += 1`
// is a read then a write, not atomic — hold getLock() around it, as in Python.
import { AttributeError, MESSAGES, ProcessError } from '../errors';
import { Lock, RLock } from '../sync/lock';
import { TO_HANDLE } from '../transport/serialize';
import type { ObjectKind } from '../../trace/events';
import { adopt, inContextOf, registerShared, reviveShared, SharedHandle, type SharedDescriptor } from './handle';
import { fromStored, lookupTypecode, toStored, type ElementArray, type Typecode } from './typecodes';

export interface ValueOptions {
  /** true (default): a new RLock guards it; false: no lock (RawValue); or the Lock/RLock to use. */
  lock?: boolean | Lock | RLock;
}

/** Bytes before the data, so 8-byte values stay aligned. */
const HEADER = 0;

export function typecodeOf(code: unknown): Typecode {
  const tc = lookupTypecode(code);
  if (!tc) throw new ProcessError(MESSAGES.badTypecode(code));
  return tc;
}

export function lockOption(owner: SharedHandle, lock: ValueOptions['lock']): Lock | undefined {
  if (lock === undefined || lock === true) return inContextOf(owner, () => new RLock());
  if (lock === false || lock === null) return undefined;
  if (lock instanceof Lock) return lock;
  throw new AttributeError(`lock must be true, false, a Lock or an RLock, got ${typeof lock}`);
}

/** What a revived Value adopts: its lock (or none). */
let revivedParts: { lock: Lock | undefined } | undefined;

export class Value<T extends number | bigint = number> extends SharedHandle {
  static readonly objKind: ObjectKind = 'value';
  protected readonly pythonName: string = 'Synchronized';
  protected readonly _k: string = 'Value';
  readonly typecode: string;
  private readonly view: ElementArray;
  private readonly tc: Typecode;
  private readonly lock: Lock | undefined;

  constructor(typecode: string, initial: T | number = 0, options: ValueOptions = {}) {
    const tc = typecodeOf(typecode);
    super(HEADER + tc.bytes);
    this.tc = tc;
    this.typecode = tc.code;
    this.view = new tc.Ctor(this._segment.buffer, this._segment.byteOffset + HEADER, 1);
    const parts = revivedParts;
    revivedParts = undefined;
    if (parts) this.lock = parts.lock;
    else {
      this.lock = lockOption(this, options.lock);
      if (initial !== 0) this.view[0] = toStored(tc, initial) as never;
    }
  }

  get value(): T {
    return fromStored(this.view[0]) as T;
  }
  set value(v: T | number) {
    this.view[0] = toStored(this.tc, v) as never;
  }

  /** The lock that guards it (Python's get_lock()); a Value made with `lock: false` has none. */
  getLock(): Lock {
    if (!this.lock) throw new AttributeError(`'${this.tc.cName}' object has no attribute 'getLock' (a RawValue, or a Value made with lock: false, has no lock)`);
    return this.lock;
  }

  /** @internal */
  protected override _extra(): Record<string, unknown> {
    return { tc: this.typecode, lock: this.lock ? this.lock[TO_HANDLE]() : null };
  }

  override toString(): string {
    return `<Synchronized wrapper for ${this.tc.cName}(${String(this.value)})>`;
  }
}

/** Python's RawValue: a Value without a lock (call it with or without `new`). */
export const RawValue = function RawValue<T extends number | bigint = number>(typecode: string, initial: T | number = 0): Value<T> {
  return new Value<T>(typecode, initial, { lock: false });
} as unknown as {
  new <T extends number | bigint = number>(typecode: string, initial?: T | number): Value<T>;
  <T extends number | bigint = number>(typecode: string, initial?: T | number): Value<T>;
};

registerShared('Value', (d: SharedDescriptor, seg) => {
  revivedParts = { lock: d.lock ? (reviveShared(d.lock) as Lock) : undefined };
  try {
    return adopt(seg, d.id, () => new Value(d.tc as string));
  } finally {
    revivedParts = undefined;
  }
});
