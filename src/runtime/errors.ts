// Every error the runtime raises, and every message it uses, defined once (as piscina does), so
// wording stays consistent and tests can match on it. Names mirror Python's multiprocessing.

/** Base of the errors below; `name` is set per subclass so it survives being sent between processes. */
export class ProcessError extends Error {}

/** `AsyncResult.get(timeoutMs)` / `wait` ran out of time (Python's multiprocessing.TimeoutError). */
export class TimeoutError extends ProcessError {}
/** `Queue.put` on a full queue, without blocking or after its timeout (Python's queue.Full). */
export class Full extends ProcessError {}
/** `Queue.get` on an empty queue, without blocking or after its timeout (Python's queue.Empty). */
export class Empty extends ProcessError {}
/** `Connection.recv()` when the other end is closed and nothing is left to read. */
export class EOFError extends ProcessError {}
/** A pool worker died while running a task, or the pool cannot start workers. */
export class BrokenPoolError extends ProcessError {}

// Names are set on the prototypes, as literals: minified builds rename classes, and a name set
// on the prototype is in place before the stack header is captured.
for (const [name, Ctor] of Object.entries({ ProcessError, TimeoutError, Full, Empty, EOFError, BrokenPoolError })) {
  Object.defineProperty(Ctor.prototype, 'name', { value: name, writable: true, configurable: true, enumerable: false });
}

/** Errors by name, to rebuild the right class for an error that crossed a process boundary. */
export const ERROR_CLASSES: Record<string, new (message: string) => Error> = {
  ProcessError,
  TimeoutError,
  Full,
  Empty,
  EOFError,
  BrokenPoolError,
  Error,
  TypeError,
  RangeError,
  ReferenceError,
  SyntaxError,
  EvalError,
  URIError,
};

const exportAdvice = (name: string) => `export function ${name} so child processes can import it`;

export const MESSAGES = {
  startTwice: 'cannot start a process twice',
  notStarted: 'can only join a started process',
  notAFunction: (what: string, got: string) => `${what} must be a function exported from the snippet module, got ${got}`,
  anonymous: (what: string) =>
    `${what} is an anonymous function: child processes find targets by their export name; export function runTask(...) {...} and pass runTask`,
  bound: (name: string) => `${name} is a bound function: child processes cannot import it; ${exportAdvice(name.replace(/^(bound )+/, '') || 'runTask')} and pass the arguments in args`,
  notExported: (name: string, file: string) =>
    `${name} is not exported from ${file}: ${/\.c[jt]s$/.test(file) ? `add ${name} to module.exports so child processes can import it` : exportAdvice(name)}`,
  notExportedArrow: (name: string, file: string) =>
    `${name} is an arrow function that ${file} does not export: declare it at top level as export function ${name}(...) {...} (or export const ${name} = (...) => ...) so child processes can import it`,
  notExportedInChild: (name: string, file: string) => `${name} is not an exported function of ${file} in the child process: ${exportAdvice(name)}`,
  noMainModule: 'cannot tell which module to import in child processes (the main script is unknown); run the snippet as `node file.mjs`',
  uncloneable: (where: string, type: string) =>
    `${where} cannot be sent to another process: ${type} is not a structured-clone value (send plain data: objects, arrays, Map, Set, Date, BigInt, typed arrays)`,
  poolNotRunning: 'Pool not running',
  poolStillRunning: 'Pool is still running: call close() or terminate() before join()',
  poolTerminated: (task: string) => `the pool was terminated before ${task} finished`,
  poolSize: (n: unknown) => `Number of processes must be at least 1, got ${String(n)}`,
  maxTasks: (n: unknown) => `maxTasksPerChild must be a positive integer, got ${String(n)}`,
  chunksize: (n: unknown) => `chunksize must be a positive integer, got ${String(n)}`,
  workerDied: (worker: string, how: string, task: string) => `${worker} died (${how}) while running ${task}; the pool replaced it`,
  workerStartFailed: (msg: string) => `pool workers cannot start: ${msg}`,
  initializerFailed: (fn: string, msg: string) => `pool initializer ${fn} failed: ${msg}`,
  resultNotReady: 'result is not ready',
  timeout: (ms: number) => `timed out after ${ms} ms`,
  queueFull: 'queue is full',
  queueEmpty: 'queue is empty',
  queueClosed: 'Queue is closed',
  taskDoneTooMany: 'taskDone() called too many times',
  eof: 'the other end of the pipe is closed and nothing is left to read',
  connClosed: 'handle is closed',
  notReadable: 'connection is write-only (the second end of Pipe(false) only sends)',
  notWritable: 'connection is read-only (the first end of Pipe(false) only receives)',
  ownerGone: (what: string, pid: number) => `the process that created this ${what} (pid ${pid}) has exited; it can no longer be used`,
  badContext: (k: unknown) => `unknown context ${JSON.stringify(k)}: use 'process' or 'thread'`,
  badTimeout: (t: unknown) => `timeout must be a non-negative number of milliseconds, got ${String(t)}`,
  parentGone: 'the parent process exited; stopping this child and its descendants',
} as const;

/** Validates a timeout argument (milliseconds, ≥ 0), as every blocking call does before it waits. */
export function checkTimeout(ms: unknown): asserts ms is number {
  if (typeof ms !== 'number' || !(ms >= 0)) throw new ProcessError(MESSAGES.badTimeout(ms));
}
