// getContext('process' | 'thread'): the same API on OS processes or on worker_threads (as
// Python's multiprocessing.dummy). Queues and Pipes work across both, so they are shared.
import { MESSAGES, ProcessError } from './errors';
import { self, type ContextKind } from './process/identity';
import { Pool } from './pool/pool';
import { Process } from './process/process';
import { RawArray, SharedArray } from './memory/array';
import { RawValue, Value } from './memory/value';
import { Barrier } from './sync/barrier';
import { Condition } from './sync/condition';
import { Event } from './sync/event';
import { Lock, RLock } from './sync/lock';
import { BoundedSemaphore, Semaphore } from './sync/semaphore';

/** The shared-memory classes, bound to one context: their memory is a SharedArrayBuffer ('thread') or shared with other processes. */
export interface SharedClasses {
  readonly Value: typeof Value;
  readonly RawValue: typeof RawValue;
  readonly SharedArray: typeof SharedArray;
  readonly RawArray: typeof RawArray;
  readonly Lock: typeof Lock;
  readonly RLock: typeof RLock;
  readonly Semaphore: typeof Semaphore;
  readonly BoundedSemaphore: typeof BoundedSemaphore;
  readonly Event: typeof Event;
  readonly Condition: typeof Condition;
  readonly Barrier: typeof Barrier;
}

export interface Context extends SharedClasses {
  readonly kind: ContextKind;
  readonly Process: typeof Process;
  readonly Pool: typeof Pool;
}

/** Subclasses of the shared classes that allocate in `kind`'s memory (SharedHandle reads contextKind). */
function sharedClasses(kind: ContextKind): SharedClasses {
  const bind = <C extends abstract new (...args: never[]) => object>(Base: C): C => {
    const Bound = class extends (Base as unknown as new (...args: unknown[]) => object) {
      static contextKind: ContextKind | undefined = kind;
    };
    Object.defineProperty(Bound, 'name', { value: Base.name });
    return Bound as unknown as C;
  };
  const V = bind(Value);
  const A = bind(SharedArray);
  return {
    Value: V,
    // Functions, not arrows: RawValue(...) and new RawValue(...) both work, as at top level.
    RawValue: function RawValue(typecode: string, initial?: number | bigint) {
      return new V(typecode, initial, { lock: false });
    } as typeof RawValue,
    SharedArray: A,
    RawArray: function RawArray(typecode: string, sizeOrInitial: number | Iterable<number>) {
      return new A(typecode, sizeOrInitial, { lock: false });
    } as typeof RawArray,
    Lock: bind(Lock),
    RLock: bind(RLock),
    Semaphore: bind(Semaphore),
    BoundedSemaphore: bind(BoundedSemaphore),
    Event: bind(Event),
    Condition: bind(Condition),
    Barrier: bind(Barrier),
  };
}

function makeContext(kind: ContextKind): Context {
  class ContextProcess extends Process {
    static override contextKind: ContextKind | undefined = kind;
  }
  class ContextPool extends Pool {
    static override contextKind: ContextKind | undefined = kind;
  }
  Object.defineProperty(ContextProcess, 'name', { value: 'Process' });
  Object.defineProperty(ContextPool, 'name', { value: 'Pool' });
  return { kind, Process: ContextProcess, Pool: ContextPool, ...sharedClasses(kind) };
}

const contexts: Partial<Record<ContextKind, Context>> = {};

export function contextFor(kind: ContextKind): Context {
  return (contexts[kind] ??= makeContext(kind));
}

export function resolveKind(kind: unknown): ContextKind {
  if (kind === undefined || kind === null) return self.defaultContext;
  if (kind !== 'process' && kind !== 'thread') throw new ProcessError(MESSAGES.badContext(kind));
  return kind;
}
