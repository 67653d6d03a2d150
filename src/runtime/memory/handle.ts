// What every shared object (Value, SharedArray, Lock, Event…) has in common: its segment of
// shared memory, an id for the trace, and how it travels. Python lets these objects reach other
// processes only by inheritance — Process args, Pool initargs, and on to grandchildren — and so
// do we: sent any other way (a pool task's args, a queue, a manager) it fails at once with
// Python's advice. A child maps the same memory again, so both sides see one object.
import { ProcessError } from '../errors';
import { inheritanceTarget, noteHandleCreated, registerHandleType, TO_HANDLE, type HandleDescriptor } from '../transport/serialize';
import { threadId } from 'worker_threads';
import type { ObjectKind } from '../../trace/events';
import { callerLoc } from '../tracing/callsite';
import { tracing } from '../tracing/tracer';
import { holdSpans, objectCreated, type HoldSpans } from '../tracing/waits';
import { self, type ContextKind } from '../process/identity';
import { allocate, openSegment, type Segment, type SegmentRef } from './segment';

/** The descriptor a shared object travels as. */
export interface SharedDescriptor extends HandleDescriptor {
  type: 'shared';
  /** Which class revives it (the registry below). */
  k: string;
  seg: SegmentRef;
  id: string;
}

type Reviver = (d: SharedDescriptor, segment: Segment) => unknown;
const revivers = new Map<string, Reviver>();

/** How a class is rebuilt in a child from its descriptor. */
export function registerShared(k: string, revive: Reviver): void {
  revivers.set(k, revive);
}

/** Rebuilds a shared object from its descriptor (also for descriptors nested in another's). */
export function reviveShared(d: unknown): unknown {
  const sd = d as SharedDescriptor;
  const revive = revivers.get(sd.k);
  if (!revive) throw new ProcessError(`cannot revive a shared ${String(sd.k)} in this process`);
  return revive(sd, openSegment(sd.seg));
}
registerHandleType('shared', reviveShared);

export function inheritanceOnly(what: string): string {
  return `${what} objects should only be shared between processes through inheritance: pass it to a Process in args, or to a Pool in initargs (the initializer can keep it in a module variable), not in a pool task's arguments, a queue, a pipe or a manager`;
}

const THREAD_ONLY =
  'cannot be passed to a process: it was made in the thread context (its memory is a SharedArrayBuffer of this process); make it with the process context (the default, or getContext("process"))';

/** Set while a child rebuilds an object from its descriptor: the constructor then maps this memory. */
let reviving: { seg: Segment; id: string } | undefined;

/** Runs `make` (a `new X(...)` of a SharedHandle class) so that it adopts `seg` instead of allocating. */
export function adopt<T>(seg: Segment, id: string, make: () => T): T {
  reviving = { seg, id };
  try {
    return make();
  } finally {
    reviving = undefined;
  }
}

let objectCounter = 0;
let forcedContext: ContextKind | undefined;

/** Makes a helper object (a Value's lock, a Condition's RLock) in the same context as its owner. */
export function inContextOf<T>(owner: SharedHandle, make: () => T): T {
  const before = forcedContext;
  forcedContext = owner._segment.ref.b === 'sab' ? 'thread' : 'process';
  try {
    return make();
  } finally {
    forcedContext = before;
  }
}

/** Classes bound to one context by getContext() set this; otherwise the run's default applies. */
export interface ContextBound {
  contextKind?: ContextKind;
  /** The object's kind in the trace (object.create, waits, holds). */
  objKind: ObjectKind;
}

export abstract class SharedHandle {
  /** Python's name for messages ("Lock objects should only be shared…"). */
  protected abstract readonly pythonName: string;
  /** @internal the registry key (registerShared). */
  protected abstract readonly _k: string;
  /** @internal */ readonly _segment: Segment;
  /** @internal the object's id in the trace (object.create), unique in the run. */ readonly _id: string;
  /** @internal whether this thread made it (false: inherited from a parent). */ readonly _created: boolean;

  constructor(bytes: number) {
    const r = reviving;
    reviving = undefined; // an object made inside this constructor (a Value's lock) allocates its own
    if (r) {
      this._segment = r.seg;
      this._id = r.id;
      this._created = false;
    } else {
      const ctx = forcedContext ?? (new.target as unknown as ContextBound).contextKind ?? self.defaultContext;
      this._segment = allocate(ctx, bytes);
      this._id = `${process.pid}.${threadId}.s${++objectCounter}`;
      this._created = true;
      if (tracing) objectCreated((new.target as unknown as ContextBound).objKind, this._id, callerLoc(new.target));
    }
    noteHandleCreated();
  }

  private holdRecorder: HoldSpans | undefined;
  /** @internal this thread's holds of it, for the trace (check `tracing` first). */
  get _holds(): HoldSpans {
    return (this.holdRecorder ??= holdSpans((this.constructor as unknown as ContextBound).objKind, this._id));
  }
  /** @internal the trace kind. */
  get _objKind(): ObjectKind {
    return (this.constructor as unknown as ContextBound).objKind;
  }

  /** @internal what else a child needs to rebuild it. */
  protected _extra(): Record<string, unknown> {
    return {};
  }

  /** @internal */
  [TO_HANDLE](): SharedDescriptor {
    const to = inheritanceTarget();
    if (!to) throw new ProcessError(inheritanceOnly(this.pythonName));
    if (to === 'process' && this._segment.ref.b === 'sab') throw new ProcessError(`${this.pythonName} ${THREAD_ONLY}`);
    return { type: 'shared', k: this._k, seg: this._segment.ref, id: this._id, ...this._extra() };
  }
}
