// A kind of object a manager serves (dict, list, Lock, a registered user object…): the methods a
// client may call on it, by name — nothing else is reachable — and what to do when a client's
// connection goes away (forget its waits, give back what it held). Methods check their
// arguments: they come from another process, possibly another machine.
import { checkTimeout } from '../../errors';

/** `owner` identifies the calling connection (one per client thread): who holds a lock, who waits. */
export type Method<T> = (target: T, args: unknown[], owner: object) => unknown;

export interface Kind<T = unknown> {
  /** The proxy type the client builds for it (see proxies.ts). */
  readonly name: ProxyKind;
  readonly methods: ReadonlyMap<string, Method<T>>;
  /** The connection `owner` closed: drop its waits and release what it holds. */
  drop?(target: T, owner: object): void;
}

export type ProxyKind =
  | 'dict'
  | 'list'
  | 'namespace'
  | 'queue'
  | 'joinableQueue'
  | 'value'
  | 'array'
  | 'lock'
  | 'rlock'
  | 'semaphore'
  | 'boundedSemaphore'
  | 'event'
  | 'condition'
  | 'barrier'
  | 'auto';

export function defineKind<T>(name: ProxyKind, methods: Record<string, Method<T>>, drop?: (target: T, owner: object) => void): Kind<T> {
  return { name, methods: new Map(Object.entries(methods)), drop };
}

/** An object being served: its kind, the object itself and, for 'auto', its public methods. */
export interface Served {
  readonly kind: Kind<never>;
  readonly target: unknown;
  readonly exposed?: string[];
  /** A registered callable's result: the same object returned twice is served under one id. */
  readonly reuse?: boolean;
}

// ---- argument checks (Python's wording where Python has one) ----

/** Python's name for the type of a value, for messages such as "unhashable type: 'list'". */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (Array.isArray(v)) return 'list';
  switch (typeof v) {
    case 'string':
      return 'str';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'boolean':
      return 'bool';
    case 'object':
      return v instanceof Map ? 'Map' : v instanceof Set ? 'set' : 'dict';
    default:
      return typeof v;
  }
}

/** Python's repr of a key or value in an error message: 'a', 3, None. */
export function repr(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 60 ? v.slice(0, 59) + '…' : v}'`;
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'bigint') return String(v);
  if (typeof v === 'object') return typeName(v);
  return String(v);
}

export function optBool(v: unknown, what: string, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw new TypeError(`${what} must be a boolean, got ${typeName(v)}`);
  return v;
}

/** A timeout in ms, or undefined for none. */
export function optTimeout(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  checkTimeout(v);
  return v;
}

export function intArg(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new TypeError(`${what} must be an integer, got ${typeName(v)}`);
  return v;
}

export function argCount(args: unknown[], min: number, max: number, what: string): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new TypeError(`${what} takes ${want} argument${max === 1 ? '' : 's'} (${args.length} given)`);
  }
}
