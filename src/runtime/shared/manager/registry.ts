// Which objects a manager can make (the typeids): a Manager's built-in ones (dict, list, Lock…),
// and the ones registered on a BaseManager, whose callables return any object: a Map is served as
// a dict, an array as a list, a plain object of data as a Namespace, anything else with methods
// as an "auto" proxy exposing its public methods (Python's AutoProxy).
import { MESSAGES, ProcessError } from '../../errors';
import { ARRAY, DICT, JOINABLE_QUEUE, LIST, NAMESPACE, QUEUE, VALUE, newArray, newDict, newList, newNamespace, newQueue, newValue } from './collections';
import { defineKind, typeName, type Kind, type Served } from './kinds';
import type { Factory } from './server';
import { BARRIER, BOUNDED_SEMAPHORE, CONDITION, EVENT, LOCK, RLOCK, SEMAPHORE, ServerCondition, ServerEvent, ServerLock, newBarrier, newSemaphore } from './syncObjects';

/** A registered object's own public methods are its interface; the server calls them by name. */
export const AUTO: Kind = defineKind('auto', {});

const serve = (kind: Kind<never>, target: unknown): Served => ({ kind, target });

/** The typeids of Python's SyncManager, under the runtime's names (SharedArray for Array). */
export const BUILTIN_TYPEIDS: ReadonlyMap<string, Factory> = new Map<string, Factory>([
  ['dict', (a) => serve(DICT, newDict(a))],
  ['list', (a) => serve(LIST, newList(a))],
  ['Namespace', (a) => serve(NAMESPACE, newNamespace(a))],
  ['Queue', (a) => serve(QUEUE, newQueue(a))],
  ['JoinableQueue', (a) => serve(JOINABLE_QUEUE, newQueue(a))],
  ['Value', (a) => serve(VALUE, newValue(a))],
  ['SharedArray', (a) => serve(ARRAY, newArray(a))],
  ['Lock', () => serve(LOCK, new ServerLock(false))],
  ['RLock', () => serve(RLOCK, new ServerLock(true))],
  ['Semaphore', (a) => serve(SEMAPHORE, newSemaphore(a, false))],
  ['BoundedSemaphore', (a) => serve(BOUNDED_SEMAPHORE, newSemaphore(a, true))],
  ['Event', () => serve(EVENT, new ServerEvent())],
  [
    'Condition',
    (a, server) => {
      // The lock comes as the id of a Lock/RLock this manager serves (default: a new RLock).
      if (a[0] === undefined) return serve(CONDITION, new ServerCondition(new ServerLock(true)));
      const lock = server.lookup(a[0], ['lock', 'rlock']);
      if (!lock) throw new TypeError(MESSAGES.conditionLock);
      return serve(CONDITION, new ServerCondition(lock.target as ServerLock));
    },
  ],
  ['Barrier', (a) => serve(BARRIER, newBarrier(a))],
]);

/** Public methods of an object: functions on it or its prototypes (not Object's), not `_private`, not the constructor. */
export function publicMethods(obj: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = obj; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === 'constructor' || name.startsWith('_')) continue;
      const d = Object.getOwnPropertyDescriptor(o, name);
      if (d && typeof d.value === 'function') names.add(name);
    }
  }
  return [...names].sort();
}

/** How a registered callable's result is served. */
export function classify(typeid: string, obj: unknown): Served {
  if (obj instanceof Map) return { kind: DICT as Kind<never>, target: obj, reuse: true };
  if (Array.isArray(obj)) return { kind: LIST as Kind<never>, target: obj, reuse: true };
  if (typeof obj === 'object' && obj !== null) {
    const exposed = publicMethods(obj);
    if (exposed.length) return { kind: AUTO as Kind<never>, target: obj, exposed, reuse: true };
    return { kind: NAMESPACE as Kind<never>, target: obj, reuse: true };
  }
  throw new ProcessError(MESSAGES.unservable(typeid, typeName(obj)));
}

/** A registered callable as a factory: calls it with the client's arguments, serves what it returns. */
export function registeredFactory(typeid: string, callable: (...args: unknown[]) => unknown): Factory {
  return (args) => {
    const made = callable(...args);
    return made instanceof Promise ? made.then((o) => classify(typeid, o)) : classify(typeid, made);
  };
}

/** "dict", "Lock", or an auto object's class name, for messages. */
export function describeObject(s: Served): string {
  if (s.kind !== AUTO) return s.kind.name;
  const ctor = (s.target as { constructor?: { name?: string } }).constructor?.name;
  return ctor && ctor !== 'Object' ? ctor : 'object';
}
