// What dist/runtime/index.js is: a small file that re-exports the runtime (dist/runtime/core.js,
// built from ./index.ts, the public API). Why: a snippet that `import`s a CommonJS file from
// ESM makes Node scan that file's whole source for its export names, and a process that did
// that for the full bundle takes 10-40 ms longer to exit. Every child process pays this, so the
// scanned file is kept tiny. Keep this list equal to index.ts's exports (a unit test checks).
import type * as Runtime from './index';

declare const __non_webpack_require__: NodeJS.Require;

const core = __non_webpack_require__('./core.js') as typeof Runtime;

export const {
  AsyncResult,
  AttributeError,
  AuthenticationError,
  Barrier,
  BaseManager,
  BoundedSemaphore,
  BrokenBarrierError,
  BrokenPoolError,
  Condition,
  Connection,
  EOFError,
  Empty,
  Event,
  Full,
  IndexError,
  JoinableQueue,
  KeyError,
  Lock,
  Manager,
  OverflowError,
  Pipe,
  Pool,
  Process,
  ProcessError,
  Queue,
  RLock,
  RawArray,
  RawValue,
  Semaphore,
  SharedArray,
  TimeoutError,
  Value,
  ValueError,
  __bootChild,
  activeChildren,
  cpuCount,
  currentProcess,
  defaultChunksize,
  getContext,
  isMainProcess,
  parentProcess,
  withLock,
} = core;
