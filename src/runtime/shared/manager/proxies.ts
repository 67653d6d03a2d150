// Proxies: what a Manager hands out (Python's DictProxy, ListProxy, AcquirerProxy…). A proxy is
// a manager address, a key and an object id; every method is one round trip to the server and
// returns a Promise. Proxies travel to children, grandchildren and pool tasks (as a small
// handle descriptor, see transport/serialize.ts) and keep working there: each process (or
// thread) opens its own authenticated connection to the manager on first use.
import { inspect } from 'util';
import { checkTimeout, ProcessError } from '../../errors';
import { errorFromRecord, noteHandleCreated, prepare, registerHandleType, revive, summarizeArgs, TO_HANDLE, userStack, type ErrorRecord, type HandleDescriptor } from '../../transport/serialize';
import { callerLoc } from '../../tracing/callsite';
import { tracing } from '../../tracing/tracer';
import { connectionFor, type CallTrace, type ManagerConnection, type ManagerRef } from './client';
import { normalizeAddress, publicAddress, type ManagerAddress, type NetAddress } from './wire';
import type { ProxyKind } from './kinds';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Cutoff = Function;

/** An error the server raised, rebuilt here: its class and message, this call's stack (and a user method's own stack from the server). */
export function remoteError(rec: ErrorRecord, manager: string): Error {
  const err = errorFromRecord({ name: rec.name, message: rec.message, code: rec.code });
  err.stack = userStack(err.stack);
  if (rec.stack) {
    const frames = rec.stack.split('\n').filter((l) => /^\s+at /.test(l));
    if (frames.length) err.stack += `\n    --- in the manager ${manager} ---\n${frames.join('\n')}`;
  }
  return err;
}

/** [block, timeout] without the defaults at the end, so plain calls stay small (JSON) messages. */
function blockArgs(block: boolean | undefined, timeout: number | undefined): unknown[] {
  if (timeout !== undefined && timeout !== null) {
    checkTimeout(timeout);
    return [block !== false, timeout];
  }
  return block === false ? [false] : [];
}

export interface BlockOptions {
  block?: boolean;
  /** Milliseconds to wait. */
  timeout?: number;
}

/** What every proxy has: the manager it belongs to and its object there. */
export class BaseProxy {
  /** @internal */ readonly _ref: ManagerRef;
  /** @internal */ readonly _id: number;
  /** @internal */ readonly _kind: ProxyKind;
  /** @internal */ readonly _exposed: string[] | undefined;
  private _conn: ManagerConnection | undefined;

  /** @internal made by a manager, or revived from a handle descriptor */
  constructor(ref: ManagerRef, id: number, kind: ProxyKind, exposed?: string[]) {
    noteHandleCreated();
    this._ref = ref;
    this._id = id;
    this._kind = kind;
    this._exposed = exposed;
  }

  /** @internal how a proxy travels to another process */
  [TO_HANDLE](): HandleDescriptor {
    const d: HandleDescriptor = { type: 'managerProxy', addr: this._ref.address, key: this._ref.key.toString('base64'), o: this._id, k: this._kind };
    if (this._exposed) d.x = this._exposed;
    return d;
  }

  /** @internal one call on the server's object; `cutoff` is the public method (for the trace's call site) */
  protected async _call(method: string, args: unknown[], cutoff: Cutoff, timeoutMs?: number): Promise<any> {  // eslint-disable-line @typescript-eslint/no-explicit-any
    const conn = (this._conn ??= connectionFor(this._ref));
    const where = `an argument of ${this._kind}.${method}()`;
    const prepared = args.map((a) => prepare(a, where));
    let trace: CallTrace | undefined;
    if (tracing) trace = { op: `Manager.${this._kind}.${method}`, summary: `${this._kind}.${method}${summarizeArgs(args)}`, loc: callerLoc(cutoff), timeoutMs };
    const reply = await conn.request({ o: this._id, m: method, a: prepared }, trace);
    if (reply.x) throw remoteError(reply.x, conn.info?.name ?? 'manager');
    return reply.v === undefined ? undefined : revive(reply.v);
  }

  /** The address of the manager that serves this object. */
  get managerAddress(): ManagerAddress {
    return publicAddress(this._ref.address);
  }

  toString(): string {
    return `<${this.constructor.name === 'BaseProxy' ? 'Proxy' : proxyClassName(this._kind)} object, typeid '${this._kind}', id ${this._id}>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

export type DictKey = string | number | bigint | boolean | null;

/** A managed dict (Python's DictProxy). `get` of a missing key rejects with KeyError unless a default is given. */
export class DictProxy<V = unknown> extends BaseProxy {
  get(key: DictKey, ...dflt: [V?]): Promise<V> {
    return this._call('get', [key, ...dflt], this.get);
  }
  set(key: DictKey, value: V): Promise<void> {
    return this._call('set', [key, value], this.set);
  }
  has(key: DictKey): Promise<boolean> {
    return this._call('has', [key], this.has);
  }
  /** Removes `key`; KeyError when it is missing (Python's `del d[key]`). */
  delete(key: DictKey): Promise<void> {
    return this._call('delete', [key], this.delete);
  }
  pop(key: DictKey, ...dflt: [V?]): Promise<V> {
    return this._call('pop', [key, ...dflt], this.pop);
  }
  setdefault(key: DictKey, ...dflt: [V?]): Promise<V> {
    return this._call('setdefault', [key, ...dflt], this.setdefault);
  }
  keys(): Promise<DictKey[]> {
    return this._call('keys', [], this.keys);
  }
  values(): Promise<V[]> {
    return this._call('values', [], this.values);
  }
  items(): Promise<Array<[DictKey, V]>> {
    return this._call('items', [], this.items);
  }
  length(): Promise<number> {
    return this._call('length', [], this.length);
  }
  update(entries: Record<string, V> | Map<DictKey, V> | Array<[DictKey, V]>): Promise<void> {
    return this._call('update', [entries], this.update);
  }
  clear(): Promise<void> {
    return this._call('clear', [], this.clear);
  }
  /** A copy of the whole dict, as a Map (keys keep their types). */
  copy(): Promise<Map<DictKey, V>> {
    return this._call('copy', [], this.copy);
  }
  /** A copy of the whole dict as a plain object (keys become strings). */
  toObject(): Promise<Record<string, V>> {
    return this._call('toObject', [], this.toObject);
  }
}

/** A managed list (Python's ListProxy). Indexes may be negative, as in Python; out of range → IndexError. */
export class ListProxy<T = unknown> extends BaseProxy {
  append(x: T): Promise<void> {
    return this._call('append', [x], this.append);
  }
  extend(xs: T[]): Promise<void> {
    return this._call('extend', [xs], this.extend);
  }
  insert(i: number, x: T): Promise<void> {
    return this._call('insert', [i, x], this.insert);
  }
  get(i: number): Promise<T> {
    return this._call('get', [i], this.get);
  }
  set(i: number, x: T): Promise<void> {
    return this._call('set', [i, x], this.set);
  }
  /** Removes and returns item `i` (default: the last). */
  pop(...i: [number?]): Promise<T> {
    return this._call('pop', i, this.pop);
  }
  /** Removes the first item equal to `x`; ValueError when there is none. */
  remove(x: T): Promise<void> {
    return this._call('remove', [x], this.remove);
  }
  index(x: T): Promise<number> {
    return this._call('index', [x], this.index);
  }
  count(x: T): Promise<number> {
    return this._call('count', [x], this.count);
  }
  length(): Promise<number> {
    return this._call('length', [], this.length);
  }
  toArray(): Promise<T[]> {
    return this._call('toArray', [], this.toArray);
  }
  clear(): Promise<void> {
    return this._call('clear', [], this.clear);
  }
  reverse(): Promise<void> {
    return this._call('reverse', [], this.reverse);
  }
}

/** A managed Namespace: named attributes. `get` of a missing name → AttributeError. */
export class NamespaceProxy extends BaseProxy {
  get<T = unknown>(name: string): Promise<T> {
    return this._call('get', [name], this.get);
  }
  set(name: string, value: unknown): Promise<void> {
    return this._call('set', [name, value], this.set);
  }
  has(name: string): Promise<boolean> {
    return this._call('has', [name], this.has);
  }
  delete(name: string): Promise<void> {
    return this._call('delete', [name], this.delete);
  }
  toObject(): Promise<Record<string, unknown>> {
    return this._call('toObject', [], this.toObject);
  }
}

/** A managed Queue (a queue.Queue living in the manager, as Python's). */
export class QueueProxy<T = unknown> extends BaseProxy {
  put(item: T, options: BlockOptions = {}): Promise<void> {
    return this._call('put', [item, ...blockArgs(options?.block, options?.timeout)], this.put, options?.timeout);
  }
  get(options: BlockOptions = {}): Promise<T> {
    return this._call('get', blockArgs(options?.block, options?.timeout), this.get, options?.timeout);
  }
  putNowait(item: T): Promise<void> {
    return this._call('put', [item, false], this.putNowait);
  }
  getNowait(): Promise<T> {
    return this._call('get', [false], this.getNowait);
  }
  qsize(): Promise<number> {
    return this._call('qsize', [], this.qsize);
  }
  empty(): Promise<boolean> {
    return this._call('empty', [], this.empty);
  }
  full(): Promise<boolean> {
    return this._call('full', [], this.full);
  }
}

export class JoinableQueueProxy<T = unknown> extends QueueProxy<T> {
  taskDone(): Promise<void> {
    return this._call('taskDone', [], this.taskDone);
  }
  join(): Promise<void> {
    return this._call('join', [], this.join);
  }
}

/** A managed Value: `get()` / `set(v)` (Python's ValueProxy; it stores what it is given, as Python's). */
export class ValueProxy<T = number> extends BaseProxy {
  get(): Promise<T> {
    return this._call('get', [], this.get);
  }
  set(value: T): Promise<void> {
    return this._call('set', [value], this.set);
  }
}

/** A managed array of one typecode (Python's ArrayProxy over array.array). */
export class ArrayProxy extends BaseProxy {
  get(i: number): Promise<number> {
    return this._call('get', [i], this.get);
  }
  set(i: number, value: number | bigint): Promise<void> {
    return this._call('set', [i, value], this.set);
  }
  length(): Promise<number> {
    return this._call('length', [], this.length);
  }
  toArray(): Promise<number[]> {
    return this._call('toArray', [], this.toArray);
  }
}

/** A managed Lock or RLock. Use it with withLock(lock, fn), as Python's `with lock:`. */
export class LockProxy extends BaseProxy {
  acquire(options: BlockOptions = {}): Promise<boolean> {
    return this._call('acquire', blockArgs(options?.block, options?.timeout), this.acquire, options?.timeout);
  }
  /** A round trip, as every proxy call: await it (errors such as releasing an RLock you do not hold reject). */
  release(): Promise<void> {
    return this._call('release', [], this.release);
  }
  locked(): Promise<boolean> {
    return this._call('locked', [], this.locked);
  }
}

/** A managed Semaphore or BoundedSemaphore. */
export class SemaphoreProxy extends BaseProxy {
  acquire(options: BlockOptions = {}): Promise<boolean> {
    return this._call('acquire', blockArgs(options?.block, options?.timeout), this.acquire, options?.timeout);
  }
  release(n?: number): Promise<void> {
    return this._call('release', n === undefined ? [] : [n], this.release);
  }
  getValue(): Promise<number> {
    return this._call('getValue', [], this.getValue);
  }
}

export class EventProxy extends BaseProxy {
  set(): Promise<void> {
    return this._call('set', [], this.set);
  }
  clear(): Promise<void> {
    return this._call('clear', [], this.clear);
  }
  isSet(): Promise<boolean> {
    return this._call('isSet', [], this.isSet);
  }
  /** True once the flag is set; false after `timeout` ms. */
  wait(timeout?: number): Promise<boolean> {
    if (timeout !== undefined) checkTimeout(timeout);
    return this._call('wait', timeout === undefined ? [] : [timeout], this.wait, timeout);
  }
}

export class ConditionProxy extends BaseProxy {
  acquire(options: BlockOptions = {}): Promise<boolean> {
    return this._call('acquire', blockArgs(options?.block, options?.timeout), this.acquire, options?.timeout);
  }
  release(): Promise<void> {
    return this._call('release', [], this.release);
  }
  /** Releases the lock, waits for notify() (true) or `timeout` ms (false), then holds the lock again. */
  wait(timeout?: number): Promise<boolean> {
    if (timeout !== undefined) checkTimeout(timeout);
    return this._call('wait', timeout === undefined ? [] : [timeout], this.wait, timeout);
  }
  /** Waits until `predicate()` (which may be async: it usually reads managed state) is truthy, or the timeout; returns its last value. */
  async waitFor<R>(predicate: () => R | Promise<R>, timeout?: number): Promise<R> {
    if (timeout !== undefined) checkTimeout(timeout);
    const end = timeout === undefined ? undefined : performance.now() + timeout;
    let result = await predicate();
    while (!result) {
      const left = end === undefined ? undefined : end - performance.now();
      if (left !== undefined && left <= 0) break;
      await this._call('wait', left === undefined ? [] : [left], this.waitFor, left);
      result = await predicate();
    }
    return result;
  }
  notify(n = 1): Promise<void> {
    return this._call('notify', n === 1 ? [] : [n], this.notify);
  }
  notifyAll(): Promise<void> {
    return this._call('notifyAll', [], this.notifyAll);
  }
}

export class BarrierProxy extends BaseProxy {
  /** Resolves with this party's arrival index (0 … parties − 1) once all parties wait; BrokenBarrierError if broken. */
  wait(timeout?: number): Promise<number> {
    if (timeout !== undefined) checkTimeout(timeout);
    return this._call('wait', timeout === undefined ? [] : [timeout], this.wait, timeout);
  }
  reset(): Promise<void> {
    return this._call('reset', [], this.reset);
  }
  abort(): Promise<void> {
    return this._call('abort', [], this.abort);
  }
  parties(): Promise<number> {
    return this._call('parties', [], this.parties);
  }
  nWaiting(): Promise<number> {
    return this._call('nWaiting', [], this.nWaiting);
  }
  broken(): Promise<boolean> {
    return this._call('broken', [], this.broken);
  }
}

/** A registered object served by its public methods (Python's AutoProxy): each is a method here, returning a Promise. */
export class AutoProxy extends BaseProxy {
  [method: string]: unknown;

  /** @internal */
  constructor(ref: ManagerRef, id: number, kind: ProxyKind, exposed?: string[]) {
    super(ref, id, kind, exposed);
    for (const name of exposed ?? []) {
      if (name in this) continue; // never shadow a proxy's own members
      const method = (...args: unknown[]): Promise<unknown> => this._call(name, args, method);
      Object.defineProperty(this, name, { value: method, enumerable: false });
    }
  }
}

const CLASSES: Record<ProxyKind, new (ref: ManagerRef, id: number, kind: ProxyKind, exposed?: string[]) => BaseProxy> = {
  dict: DictProxy,
  list: ListProxy,
  namespace: NamespaceProxy,
  queue: QueueProxy,
  joinableQueue: JoinableQueueProxy,
  value: ValueProxy,
  array: ArrayProxy,
  lock: LockProxy,
  rlock: LockProxy,
  semaphore: SemaphoreProxy,
  boundedSemaphore: SemaphoreProxy,
  event: EventProxy,
  condition: ConditionProxy,
  barrier: BarrierProxy,
  auto: AutoProxy,
};

/** Class names for toString (minified builds rename the classes themselves). */
function proxyClassName(kind: ProxyKind): string {
  const names: Record<ProxyKind, string> = {
    dict: 'DictProxy',
    list: 'ListProxy',
    namespace: 'NamespaceProxy',
    queue: 'QueueProxy',
    joinableQueue: 'JoinableQueueProxy',
    value: 'ValueProxy',
    array: 'ArrayProxy',
    lock: 'LockProxy',
    rlock: 'RLockProxy',
    semaphore: 'SemaphoreProxy',
    boundedSemaphore: 'BoundedSemaphoreProxy',
    event: 'EventProxy',
    condition: 'ConditionProxy',
    barrier: 'BarrierProxy',
    auto: 'AutoProxy',
  };
  return names[kind];
}

export function makeProxy(ref: ManagerRef, id: number, kind: string, exposed?: string[]): BaseProxy {
  const Ctor = Object.prototype.hasOwnProperty.call(CLASSES, kind) ? CLASSES[kind as ProxyKind] : undefined;
  if (!Ctor) throw new ProcessError(`unknown proxy kind ${JSON.stringify(kind)}`);
  return new Ctor(ref, id, kind as ProxyKind, exposed);
}

registerHandleType('managerProxy', (d) => {
  const ok = typeof d.key === 'string' && typeof d.o === 'number' && typeof d.k === 'string' && (d.x === undefined || Array.isArray(d.x));
  if (!ok) throw new ProcessError('malformed manager proxy descriptor');
  const a = d.addr as NetAddress;
  const ref: ManagerRef = { address: typeof a === 'object' && a !== null && 'path' in a ? { path: String(a.path) } : normalizeAddress(a), key: Buffer.from(d.key as string, 'base64') };
  return makeProxy(ref, d.o as number, d.k as string, d.x as string[] | undefined);
});
