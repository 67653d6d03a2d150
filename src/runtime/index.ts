// The `concurrency-lab` library that snippets import: Python's multiprocessing for Node.
// Every call that would block in Python returns a Promise. Documented in docs/runtime.md.
import { liveChildren } from './process/children';
import { contextFor, resolveKind } from './context';
import { TimeoutError, Full, Empty, EOFError, BrokenPoolError, ProcessError } from './errors';
import { bootChild } from './process/bootstrap';
import { currentProcess, isMainProcess, parentProcess, type ContextKind, type ProcessInfo } from './process/identity';
import { Pipe, Connection } from './messaging/pipe';
import { cpuCount, Pool, defaultChunksize } from './pool/pool';
import { Process } from './process/process';
import { JoinableQueue, Queue } from './messaging/queue';
import { AsyncResult } from './pool/asyncResult';
import { withLock } from './sync/withLock';

export { isMainProcess, currentProcess, parentProcess, cpuCount, Process, Pool, AsyncResult, Queue, JoinableQueue, Pipe, Connection, defaultChunksize };
export { TimeoutError, Full, Empty, EOFError, BrokenPoolError, ProcessError } from './errors';
export type { ProcessInfo, ContextKind };
export type { ProcessOptions } from './process/process';
export type { PoolOptions, ApplyOptions } from './pool/pool';
export type { QueueOptions, PutOptions, GetOptions } from './messaging/queue';
// Managers (Python's SyncManager and BaseManager) and the proxies they hand out.
export { Manager, BaseManager } from './shared/manager/manager';
export { KeyError, AttributeError, OverflowError, AuthenticationError, ValueError, IndexError, BrokenBarrierError } from './errors';
export type { ManagerOptions, Server } from './shared/manager/manager';
export type { ManagerAddress } from './shared/manager/wire';
export type {
  BaseProxy,
  DictProxy,
  ListProxy,
  NamespaceProxy,
  QueueProxy,
  JoinableQueueProxy,
  ValueProxy,
  ArrayProxy,
  LockProxy,
  SemaphoreProxy,
  EventProxy,
  ConditionProxy,
  BarrierProxy,
  AutoProxy,
  BlockOptions,
  DictKey,
} from './shared/manager/proxies';

// Shared memory (Python's Value/Array, sharedctypes) and the synchronization primitives.
export { Value, RawValue } from './memory/value';
export { SharedArray, RawArray } from './memory/array';
export { Lock, RLock } from './sync/lock';
export { Semaphore, BoundedSemaphore } from './sync/semaphore';
export { Event } from './sync/event';
export { Condition } from './sync/condition';
export { Barrier } from './sync/barrier';
export { withLock } from './sync/withLock';
export type { ValueOptions } from './memory/value';
export type { AcquireOptions } from './sync/lock';
export type { BarrierOptions } from './sync/barrier';
export type { Acquirable, HasLock } from './sync/withLock';

/** Live children of this process (or thread): Process objects, and pool workers as { name, pid }. */
export function activeChildren(): Array<Process | { name: string; pid: number; daemon: boolean }> {
  return [...liveChildren].map((c) => c.view as Process);
}

/** The multiprocessing API bound to one context: 'process' (default) or 'thread' (worker_threads). */
export function getContext(kind?: ContextKind) {
  const ctx = contextFor(resolveKind(kind));
  return {
    kind: ctx.kind,
    Process: ctx.Process,
    Pool: ctx.Pool,
    Queue,
    JoinableQueue,
    Pipe,
    AsyncResult,
    isMainProcess,
    currentProcess,
    parentProcess,
    activeChildren,
    cpuCount,
    getContext,
    Value: ctx.Value,
    RawValue: ctx.RawValue,
    SharedArray: ctx.SharedArray,
    RawArray: ctx.RawArray,
    Lock: ctx.Lock,
    RLock: ctx.RLock,
    Semaphore: ctx.Semaphore,
    BoundedSemaphore: ctx.BoundedSemaphore,
    Event: ctx.Event,
    Condition: ctx.Condition,
    Barrier: ctx.Barrier,
    withLock,
    TimeoutError,
    Full,
    Empty,
    EOFError,
    BrokenPoolError,
    ProcessError,
  };
}

/** @internal entry point of child processes and worker threads (dist/runtime/child.js). */
export function __bootChild(): Promise<void> {
  return bootChild();
}
