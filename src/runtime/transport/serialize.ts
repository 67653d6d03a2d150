// Values cross process and thread boundaries as V8 structured-clone bytes (v8.serialize), the
// same format Node's 'advanced' IPC uses: Map, Set, Date, BigInt, typed arrays and nested
// objects survive. Queues and Connections are not plain data: they travel as small handle
// descriptors and are revived on the other side (see registerHandleType).
import * as v8 from 'v8';
import { ERROR_CLASSES, MESSAGES, ProcessError } from '../errors';

/** Objects that travel as a descriptor instead of by value (Queue, Connection). */
export const TO_HANDLE = Symbol.for('concurrency-lab.toHandle');
const HANDLE_KEY = '\u0000concurrency-lab-handle';
/** Wraps an encoded value that contains handles, so decode walks only those values. */
const WRAP_KEY = '\u0000concurrency-lab-with-handles';

export interface HandleDescriptor {
  type: string;
  [key: string]: unknown;
}
type Reviver = (d: HandleDescriptor) => unknown;
const revivers = new Map<string, Reviver>();
/** Set once any handle type exists in this thread: until then, walking values is skipped. */
let handlesInUse = false;

export function registerHandleType(type: string, revive: Reviver): void {
  revivers.set(type, revive);
}
export function noteHandleCreated(): void {
  handlesInUse = true;
}

interface HandleLike {
  [TO_HANDLE](): HandleDescriptor;
}
function isHandle(v: object): v is HandleLike {
  return typeof (v as Partial<HandleLike>)[TO_HANDLE] === 'function';
}

/** Returns `v` with every handle object replaced by its descriptor (copies only what changes). */
function replaceHandles(v: unknown, seen: Set<object>): unknown {
  if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v) || seen.has(v)) return v;
  if (isHandle(v)) return { [HANDLE_KEY]: v[TO_HANDLE]() };
  seen.add(v);
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const r = replaceHandles(v[i], seen);
      if (r !== v[i]) (out ??= v.slice())[i] = r;
    }
    return out ?? v;
  }
  if (v instanceof Map) {
    let changed = false;
    const entries = [...v].map(([k, x]) => {
      const r = replaceHandles(x, seen);
      if (r !== x) changed = true;
      return [k, r] as const;
    });
    return changed ? new Map(entries) : v;
  }
  if (v instanceof Set || v instanceof Date || v instanceof RegExp || v instanceof Error) return v;
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    const r = replaceHandles(x, seen);
    if (r !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = r;
  }
  return out ?? v;
}

function reviveHandles(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = reviveHandles(v[i]);
    return v;
  }
  if (v instanceof Map) {
    for (const [k, x] of v) v.set(k, reviveHandles(x));
    return v;
  }
  if (v instanceof Set || v instanceof Date || v instanceof RegExp || v instanceof Error) return v;
  const rec = v as Record<string, unknown>;
  const d = rec[HANDLE_KEY] as HandleDescriptor | undefined;
  if (d && typeof d === 'object') {
    const revive = revivers.get(d.type);
    if (!revive) throw new ProcessError(`cannot revive a ${d.type} handle in this process`);
    return revive(d);
  }
  for (const k of Object.keys(rec)) rec[k] = reviveHandles(rec[k]);
  return v;
}

/** Describes the first value inside `v` that structured clone rejects, e.g. "function greet". */
export function findUncloneable(v: unknown, seen = new Set<object>()): string | undefined {
  if (typeof v === 'function') return `function ${v.name || '(anonymous)'}`;
  if (typeof v === 'symbol') return `symbol ${String(v.description ?? '')}`.trim();
  if (typeof v !== 'object' || v === null || seen.has(v) || ArrayBuffer.isView(v)) return undefined;
  seen.add(v);
  for (const Ctor of [Promise, WeakMap, WeakSet, WeakRef] as const) if (v instanceof Ctor) return Ctor.name;
  if (isHandle(v)) return undefined;
  try {
    v8.serialize(v);
    return undefined;
  } catch {
    // something inside: look deeper
  }
  const children = v instanceof Map ? [...v.keys(), ...v.values()] : v instanceof Set ? [...v] : Object.values(v);
  for (const c of children) {
    const found = findUncloneable(c, seen);
    if (found) return found;
  }
  const ctor = (v as { constructor?: { name?: string } }).constructor?.name;
  return ctor && ctor !== 'Object' ? `${ctor} object` : 'value';
}

/** Serializes a value that may contain handles; throws a clear ProcessError naming what cannot be cloned. */
export function encode(v: unknown, where: string): Buffer {
  const replaced = handlesInUse ? replaceHandles(v, new Set()) : v;
  try {
    return v8.serialize(replaced === v ? v : { [WRAP_KEY]: replaced });
  } catch (err) {
    throw new ProcessError(MESSAGES.uncloneable(where, findUncloneable(v) ?? String((err as Error).message)));
  }
}

/**
 * Where the value being encoded is going when it is inherited by a new child (Process args, Pool
 * initargs): shared memory and locks may travel only then, as Python's "should only be shared
 * between processes through inheritance". undefined while encoding anything else.
 */
let inheritingTo: 'process' | 'thread' | undefined;

export function inheritanceTarget(): 'process' | 'thread' | undefined {
  return inheritingTo;
}

/** What handles said while being encoded for a new child process (see noteInherited). */
let notes: unknown[] | undefined;
const notesOf = new WeakMap<Uint8Array, readonly unknown[]>();

/**
 * A handle being encoded for a new child process leaves a note that goes with the encoded bytes
 * (a pipe's writing end: the parent holds it for the child until the child registers, see
 * backend.ts). Ignored when encoding anything else.
 */
export function noteInherited(note: unknown): void {
  notes?.push(note);
}

/** The notes handles left while `encoded` was made by encodeInherited. */
export function inheritedNotes(encoded: Uint8Array | undefined): readonly unknown[] {
  return (encoded && notesOf.get(encoded)) || [];
}

/** encode() for what a new child inherits: lets shared objects (Value, Lock…) travel. */
export function encodeInherited(v: unknown, where: string, context: 'process' | 'thread'): Buffer {
  const before = inheritingTo;
  const notesBefore = notes;
  inheritingTo = context;
  // A thread dies with the thread that starts it: nothing to hold for it.
  const mine: unknown[] | undefined = (notes = context === 'process' ? [] : undefined);
  try {
    const buf = encode(v, where);
    if (mine?.length) notesOf.set(buf, mine);
    return buf;
  } finally {
    inheritingTo = before;
    notes = notesBefore;
  }
}

export function decode(buf: Uint8Array): unknown {
  const v = v8.deserialize(buf);
  if (typeof v === 'object' && v !== null && WRAP_KEY in v) return reviveHandles((v as Record<string, unknown>)[WRAP_KEY]);
  return v;
}

function isPrimitive(v: unknown): boolean {
  return v === null || (typeof v !== 'object' && typeof v !== 'function' && typeof v !== 'symbol');
}

/**
 * Readies a value to ride inside a message that is serialized later (batched with others):
 * handles become descriptors, and anything structured clone would reject throws now, with a
 * clear ProcessError. Primitives (the common case for small tasks) cost nothing.
 */
export function prepare(v: unknown, where: string): unknown {
  if (isPrimitive(v)) return v;
  if (Array.isArray(v) && v.every(isPrimitive)) return v;
  const replaced = handlesInUse ? replaceHandles(v, new Set()) : v;
  try {
    v8.serialize(replaced);
  } catch (err) {
    throw new ProcessError(MESSAGES.uncloneable(where, findUncloneable(v) ?? String((err as Error).message)));
  }
  return replaced === v ? v : { [WRAP_KEY]: replaced };
}

/** The inverse of prepare(), on the receiving side (the message itself was already deserialized). */
export function revive(v: unknown): unknown {
  if (typeof v === 'object' && v !== null && WRAP_KEY in v) return reviveHandles((v as Record<string, unknown>)[WRAP_KEY]);
  return v;
}

/**
 * For a process that stores values for others without using them (a manager's server): the value
 * prepare() made, with its wrapper taken off (handles inside stay descriptors), and whether it
 * had handles. wrapStored() puts a wrapper back on a stored value sent onwards, so the process
 * that finally receives it revives the handles.
 */
export function unwrapPrepared(v: unknown): [value: unknown, hadHandles: boolean] {
  if (typeof v === 'object' && v !== null && WRAP_KEY in v) return [(v as Record<string, unknown>)[WRAP_KEY], true];
  return [v, false];
}
export function wrapStored(v: unknown): unknown {
  return isPrimitive(v) ? v : { [WRAP_KEY]: v };
}

/** A private copy of `v`, as the receiving side of a message would get (Queue/Pipe items stored in the owner). */
export function cloneValue(v: unknown, where: string): unknown {
  if (isPrimitive(v)) return v;
  try {
    return structuredClone(v);
  } catch (err) {
    // A shared object (Value, Lock…) inside says why it cannot go: Python's inheritance advice.
    if (handlesInUse) replaceHandles(v, new Set());
    throw new ProcessError(MESSAGES.uncloneable(where, findUncloneable(v) ?? String((err as Error).message)));
  }
}

/** A plain description of an error, so its class name, message and stack survive the trip. */
export interface ErrorRecord {
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
}

/** Our own frames (the runtime bundle, Node internals below it) say nothing to the user: drop them. */
export function userStack(stack: string | undefined): string | undefined {
  if (!stack) return stack;
  const lines = stack.split('\n');
  const kept = lines.filter((l, i) => i === 0 || !/^\s+at /.test(l) || !(l.includes(__filename) || /\(node:|at node:/.test(l)));
  return kept.join('\n');
}

export function errorToRecord(err: unknown): ErrorRecord {
  if (err instanceof Error || (typeof err === 'object' && err !== null && 'message' in err)) {
    const e = err as Error & { code?: unknown };
    const rec: ErrorRecord = { name: String(e.name ?? 'Error'), message: String(e.message), stack: typeof e.stack === 'string' ? userStack(e.stack) : undefined };
    if (e.code !== undefined && (typeof e.code === 'string' || typeof e.code === 'number')) rec.code = e.code;
    return rec;
  }
  return { name: 'Error', message: `non-error value thrown: ${summarize(err)}` };
}

/** Short human text of a value for trace events, e.g. "'spam'", "[1, 2, 3]", "Map(2)". */
export function summarize(v: unknown, max = 60): string {
  let s: string;
  try {
    s = describe(v, 2);
  } catch {
    s = typeof v;
  }
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

function describe(v: unknown, depth: number): string {
  switch (typeof v) {
    case 'string':
      return `'${v.length > 40 ? v.slice(0, 39) + '…' : v}'`;
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(v);
    case 'bigint':
      return `${v}n`;
    case 'function':
      return `function ${v.name}`;
    case 'symbol':
      return v.toString();
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) return depth > 0 && v.length <= 6 ? `[${v.map((x) => describe(x, depth - 1)).join(', ')}]` : `Array(${v.length})`;
  if (v instanceof Map) return `Map(${v.size})`;
  if (v instanceof Set) return depth > 0 && v.size <= 6 ? `{${[...v].map((x) => describe(x, depth - 1)).join(', ')}}` : `Set(${v.size})`;
  if (v instanceof Date) return v.toISOString();
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as Uint8Array).length ?? v.byteLength})`;
  const o = v as Record<string, unknown>;
  if (isHandle(o)) return o[TO_HANDLE]().type;
  const d = o[HANDLE_KEY] as HandleDescriptor | undefined;
  if (d && typeof d === 'object') return String(d.type);
  const keys = Object.keys(o);
  return depth > 0 && keys.length <= 4 ? `{${keys.map((k) => `${k}: ${describe(o[k], depth - 1)}`).join(', ')}}` : `{${keys.length} keys}`;
}

/** "(1, 'a')" — the argument list of a task, for trace events. */
export function summarizeArgs(args: readonly unknown[], max = 60): string {
  if (args.length > 6) return `(${args.length} args)`;
  let s: string;
  try {
    s = `(${args.map((a) => describe(a, 1)).join(', ')})`;
  } catch {
    s = `(${args.length} args)`;
  }
  return s.length > max ? s.slice(0, max - 2) + '…)' : s;
}

/** Rebuilds an error that crossed a boundary: same class when known, same name, message and the child's stack. */
export function errorFromRecord(rec: ErrorRecord): Error {
  // Own names only: a name such as "constructor" must not pick something off Object.prototype.
  const Ctor = (Object.prototype.hasOwnProperty.call(ERROR_CLASSES, rec.name) ? ERROR_CLASSES[rec.name] : undefined) ?? Error;
  const err = new Ctor(rec.message);
  if (err.name !== rec.name) Object.defineProperty(err, 'name', { value: rec.name, writable: true, configurable: true, enumerable: false });
  if (rec.stack) err.stack = rec.stack;
  if (rec.code !== undefined) (err as Error & { code?: unknown }).code = rec.code;
  return err;
}
