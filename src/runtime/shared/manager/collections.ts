// The data a manager holds for its clients, as Python's SyncManager does: dict, list, Namespace,
// Queue/JoinableQueue, Value and Array, with Python's errors (KeyError, IndexError…). Values are
// kept exactly as they arrived (handles inside them stay descriptors: the server never revives
// them, the client that reads them back does).
import { isDeepStrictEqual } from 'util';
import { AttributeError, IndexError, KeyError, MESSAGES, OverflowError, ProcessError, ValueError } from '../../errors';
import { Mailbox, type Item } from '../../transport/mailbox';
import { argCount, defineKind, intArg, optBool, optTimeout, repr, typeName, type Kind } from './kinds';

// ---- dict ----

type Key = string | number | bigint | boolean | null | undefined;

/** Python's dict keys must be hashable; here: primitives (an object key could never match another message's copy). */
function key(k: unknown): Key {
  switch (typeof k) {
    case 'string':
    case 'bigint':
    case 'boolean':
    case 'undefined':
      return k;
    case 'number':
      return Object.is(k, -0) ? 0 : k;
  }
  if (k === null) return null;
  throw new TypeError(MESSAGES.unhashable(typeName(k)));
}

/** Entries of what update()/dict() accept: a plain object, a Map, or [key, value] pairs. */
function entriesOf(v: unknown): Array<[Key, unknown]> {
  if (v instanceof Map) return [...v].map(([k, x]) => [key(k), x]);
  if (Array.isArray(v)) {
    return v.map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new ValueError(`dictionary update sequence element #${i} is not a [key, value] pair`);
      return [key(pair[0]), pair[1]];
    });
  }
  if (typeof v === 'object' && v !== null) return Object.entries(v);
  throw new TypeError(`cannot update a dict from ${typeName(v)}: give an object, a Map or [key, value] pairs`);
}

export function newDict(args: unknown[]): Map<Key, unknown> {
  argCount(args, 0, 1, 'dict()');
  return args[0] === undefined ? new Map() : new Map(entriesOf(args[0]));
}

function getItem(d: Map<Key, unknown>, args: unknown[]): unknown {
  argCount(args, 1, 2, 'dict.get()');
  const k = key(args[0]);
  if (d.has(k)) return d.get(k);
  if (args.length === 2) return args[1];
  throw new KeyError(repr(k));
}

export const DICT: Kind<Map<Key, unknown>> = defineKind('dict', {
  get: getItem,
  set: (d, args) => {
    argCount(args, 2, 2, 'dict.set()');
    d.set(key(args[0]), args[1]);
  },
  has: (d, args) => d.has(key(args[0])),
  delete: (d, args) => {
    const k = key(args[0]);
    if (!d.delete(k)) throw new KeyError(repr(k));
  },
  pop: (d, args) => {
    const v = getItem(d, args);
    d.delete(key(args[0]));
    return v;
  },
  setdefault: (d, args) => {
    argCount(args, 1, 2, 'dict.setdefault()');
    const k = key(args[0]);
    if (!d.has(k)) d.set(k, args.length === 2 ? args[1] : null);
    return d.get(k);
  },
  keys: (d) => [...d.keys()],
  values: (d) => [...d.values()],
  items: (d) => [...d],
  length: (d) => d.size,
  update: (d, args) => {
    argCount(args, 1, 1, 'dict.update()');
    for (const [k, v] of entriesOf(args[0])) d.set(k, v);
  },
  clear: (d) => d.clear(),
  copy: (d) => new Map(d),
  toObject: (d) => Object.fromEntries([...d].map(([k, v]) => [String(k), v])),
});

// ---- list ----

function normIndex(list: unknown[], i: unknown, message: string): number {
  const n = intArg(i, 'list index');
  const j = n < 0 ? n + list.length : n;
  if (j < 0 || j >= list.length) throw new IndexError(message);
  return j;
}

function arrayFrom(v: unknown, what: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (v instanceof Set) return [...v];
  throw new TypeError(`${what} needs an array, got ${typeName(v)}`);
}

export function newList(args: unknown[]): unknown[] {
  argCount(args, 0, 1, 'list()');
  return args[0] === undefined ? [] : [...arrayFrom(args[0], 'list()')];
}

function indexOf(list: unknown[], x: unknown): number {
  return list.findIndex((y) => y === x || isDeepStrictEqual(y, x));
}

export const LIST: Kind<unknown[]> = defineKind('list', {
  append: (l, args) => {
    argCount(args, 1, 1, 'list.append()');
    l.push(args[0]);
  },
  extend: (l, args) => {
    argCount(args, 1, 1, 'list.extend()');
    for (const x of arrayFrom(args[0], 'list.extend()')) l.push(x);
  },
  insert: (l, args) => {
    argCount(args, 2, 2, 'list.insert()');
    const n = intArg(args[0], 'list index');
    // Python clamps an insert position to the list.
    const j = Math.max(0, Math.min(l.length, n < 0 ? n + l.length : n));
    l.splice(j, 0, args[1]);
  },
  get: (l, args) => l[normIndex(l, args[0], 'list index out of range')],
  set: (l, args) => {
    argCount(args, 2, 2, 'list.set()');
    l[normIndex(l, args[0], 'list assignment index out of range')] = args[1];
  },
  pop: (l, args) => {
    argCount(args, 0, 1, 'list.pop()');
    if (l.length === 0) throw new IndexError('pop from empty list');
    const j = args[0] === undefined ? l.length - 1 : normIndex(l, args[0], 'pop index out of range');
    return l.splice(j, 1)[0];
  },
  remove: (l, args) => {
    const j = indexOf(l, args[0]);
    if (j < 0) throw new ValueError('list.remove(x): x not in list');
    l.splice(j, 1);
  },
  index: (l, args) => {
    const j = indexOf(l, args[0]);
    if (j < 0) throw new ValueError(`${repr(args[0])} is not in list`);
    return j;
  },
  count: (l, args) => l.filter((y) => y === args[0] || isDeepStrictEqual(y, args[0])).length,
  length: (l) => l.length,
  toArray: (l) => l,
  clear: (l) => {
    l.length = 0;
  },
  reverse: (l) => {
    l.reverse();
  },
});

// ---- Namespace (attributes in an object without a prototype: no name reaches Object.prototype) ----

type Attrs = Record<string, unknown>;

function attrName(v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) throw new TypeError(`attribute name must be a non-empty string, got ${typeName(v)}`);
  return v;
}

export function newNamespace(args: unknown[]): Attrs {
  argCount(args, 0, 1, 'Namespace()');
  const ns = Object.create(null) as Attrs;
  const init = args[0];
  if (init !== undefined) {
    if (typeof init !== 'object' || init === null || Array.isArray(init)) throw new TypeError(`Namespace() takes an object of attributes, got ${typeName(init)}`);
    for (const [k, v] of Object.entries(init)) setAttr(ns, k, v);
  }
  return ns;
}

function setAttr(ns: Attrs, name: string, v: unknown): void {
  Object.defineProperty(ns, name, { value: v, writable: true, enumerable: true, configurable: true });
}

export const NAMESPACE: Kind<Attrs> = defineKind('namespace', {
  get: (ns, args) => {
    const name = attrName(args[0]);
    if (!Object.prototype.hasOwnProperty.call(ns, name)) throw new AttributeError(`'Namespace' object has no attribute ${repr(name)}`);
    return ns[name];
  },
  set: (ns, args) => {
    argCount(args, 2, 2, 'Namespace.set()');
    setAttr(ns, attrName(args[0]), args[1]);
  },
  has: (ns, args) => Object.prototype.hasOwnProperty.call(ns, attrName(args[0])),
  delete: (ns, args) => {
    const name = attrName(args[0]);
    if (!Object.prototype.hasOwnProperty.call(ns, name)) throw new AttributeError(`'Namespace' object has no attribute ${repr(name)}`);
    delete ns[name];
  },
  toObject: (ns) => ({ ...ns }),
});

// ---- Queue / JoinableQueue (the same Mailbox the runtime's own queues use) ----

export function newQueue(args: unknown[]): Mailbox {
  argCount(args, 0, 1, 'Queue()');
  const opts = args[0] as { maxsize?: unknown } | undefined;
  const maxsize = opts?.maxsize ?? 0;
  if (typeof maxsize !== 'number' || !Number.isInteger(maxsize) || maxsize < 0) throw new ValueError(`maxsize must be a non-negative integer, got ${String(maxsize)}`);
  return new Mailbox(maxsize);
}

const queueMethods = {
  put: (q: Mailbox, args: unknown[], owner: object) => {
    argCount(args, 1, 3, 'Queue.put()');
    const r = q.put({ v: args[0] }, optBool(args[1], 'block', true), optTimeout(args[2]), owner);
    return r === true ? undefined : r;
  },
  get: (q: Mailbox, args: unknown[], owner: object) => {
    const r = q.get(optBool(args[0], 'block', true), optTimeout(args[1]), owner);
    return r instanceof Promise ? r.then((i: Item) => i.v) : r.v;
  },
  qsize: (q: Mailbox) => q.size(),
  empty: (q: Mailbox) => q.size() === 0,
  full: (q: Mailbox) => q.maxsize > 0 && q.size() >= q.maxsize,
};
const dropQueue = (q: Mailbox, owner: object) => q.dropOwner(owner);

export const QUEUE: Kind<Mailbox> = defineKind('queue', queueMethods, dropQueue);
export const JOINABLE_QUEUE: Kind<Mailbox> = defineKind(
  'joinableQueue',
  {
    ...queueMethods,
    taskDone: (q: Mailbox) => q.taskDone(),
    join: (q: Mailbox) => q.join(),
  },
  dropQueue,
);

// ---- Value and Array (Python's managers.Value stores what it is given; Array is array.array) ----

const TYPECODES = 'bBhHiIlLqQfd';

export function typecode(v: unknown): string {
  if (typeof v !== 'string' || v.length !== 1 || !TYPECODES.includes(v)) throw new ProcessError(MESSAGES.badTypecode(v));
  return v;
}

export interface ValueBox {
  typecode: string;
  value: unknown;
}

export function newValue(args: unknown[]): ValueBox {
  argCount(args, 1, 2, 'Value()');
  return { typecode: typecode(args[0]), value: args.length > 1 ? args[1] : 0 };
}

export const VALUE: Kind<ValueBox> = defineKind('value', {
  get: (b) => b.value,
  set: (b, args) => {
    argCount(args, 1, 1, 'Value.set()');
    b.value = args[0];
  },
});

const INT_RANGES: Record<string, [bigint, bigint, string]> = {
  b: [-128n, 127n, 'signed char'],
  B: [0n, 255n, 'unsigned byte integer'],
  h: [-32768n, 32767n, 'signed short integer'],
  H: [0n, 65535n, 'unsigned short integer'],
  i: [-(2n ** 31n), 2n ** 31n - 1n, 'signed integer'],
  I: [0n, 2n ** 32n - 1n, 'unsigned int'],
  l: [-(2n ** 63n), 2n ** 63n - 1n, 'signed long integer'],
  L: [0n, 2n ** 64n - 1n, 'unsigned long integer'],
  q: [-(2n ** 63n), 2n ** 63n - 1n, 'signed long long integer'],
  Q: [0n, 2n ** 64n - 1n, 'unsigned long long integer'],
};

/** An item as Python's array.array(typecode) would store it, or its TypeError/OverflowError. */
function arrayItem(tc: string, v: unknown): unknown {
  const range = INT_RANGES[tc];
  if (range) {
    if (!(typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)))) throw new TypeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
    const n = BigInt(v);
    if (n < range[0]) throw new OverflowError(`${range[2]} is less than minimum (${range[0]})`);
    if (n > range[1]) throw new OverflowError(`${range[2]} is greater than maximum (${range[1]})`);
    return v;
  }
  if (typeof v !== 'number' && typeof v !== 'bigint') throw new TypeError(`must be real number, not ${typeName(v)}`);
  return tc === 'f' ? Math.fround(Number(v)) : Number(v);
}

export interface ArrayBox {
  typecode: string;
  items: unknown[];
}

export function newArray(args: unknown[]): ArrayBox {
  argCount(args, 2, 2, 'SharedArray()');
  const tc = typecode(args[0]);
  const init = args[1];
  if (typeof init === 'number') {
    if (!Number.isSafeInteger(init) || init < 0) throw new ValueError(`array size must be a non-negative integer, got ${init}`);
    return { typecode: tc, items: new Array(init).fill(0) };
  }
  return { typecode: tc, items: arrayFrom(init, 'SharedArray()').map((v) => arrayItem(tc, v)) };
}

export const ARRAY: Kind<ArrayBox> = defineKind('array', {
  get: (a, args) => {
    argCount(args, 1, 1, 'SharedArray.get()');
    return a.items[normIndex(a.items, args[0], 'array index out of range')];
  },
  set: (a, args) => {
    argCount(args, 2, 2, 'SharedArray.set()');
    a.items[normIndex(a.items, args[0], 'array assignment index out of range')] = arrayItem(a.typecode, args[1]);
  },
  length: (a) => a.items.length,
  toArray: (a) => a.items,
});
