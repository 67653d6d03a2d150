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
/** A Barrier was reset, aborted, timed out, or a party died: every waiter gets this (Python's threading.BrokenBarrierError). */
export class BrokenBarrierError extends ProcessError {}
/** A value outside what the call accepts, e.g. a BoundedSemaphore released more often than acquired (Python's ValueError). */
export class ValueError extends ProcessError {}
/** An index outside a SharedArray (Python's IndexError). */
export class IndexError extends ProcessError {}
/** A key a managed dict does not have (Python's KeyError; the message is the key, as Python's). */
export class KeyError extends ProcessError {}
/** A name a managed Namespace does not have, or a method a manager's object does not expose (Python's AttributeError). */
export class AttributeError extends ProcessError {}
/** A number out of the range of a managed array's typecode (Python's array module raises OverflowError). */
export class OverflowError extends ProcessError {}
/** A manager connection whose challenge–response failed: the two sides do not share the authkey. */
export class AuthenticationError extends ProcessError {}

// Names are set on the prototypes, as literals: minified builds rename classes, and a name set
// on the prototype is in place before the stack header is captured.
const MANAGER_ERRORS = { KeyError, AttributeError, OverflowError, AuthenticationError };
for (const [name, Ctor] of Object.entries({ ProcessError, TimeoutError, Full, Empty, EOFError, BrokenPoolError, BrokenBarrierError, ValueError, IndexError, ...MANAGER_ERRORS })) {
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
  BrokenBarrierError,
  ValueError,
  IndexError,
  ...MANAGER_ERRORS,
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
  releasedTooMany: 'semaphore or lock released too many times',
  boundedReleasedTooMany: 'Semaphore released too many times',
  notOwnedRLock: 'cannot release un-acquired lock: an RLock is released by the process and thread that acquired it',
  conditionNotHeld: 'must acquire() condition before using wait() or notify()',
  barrierBroken: 'the barrier is broken (reset, aborted, timed out, or a party died)',
  barrierParties: (n: unknown) => `parties must be a positive integer, got ${String(n)}`,
  semaphoreValue: (n: unknown) => `semaphore initial value must be >= 0, got ${String(n)}`,
  badTypecode: (t: unknown) => `bad typecode ${JSON.stringify(t)} (must be b, B, h, H, i, I, l, L, q, Q, f or d)`,
  // Managers (src/runtime/shared/manager)
  managerGone: (name: string, pid: number) => `the manager ${name} (pid ${pid}) has shut down or exited: its proxies can no longer be used`,
  managerNotStarted: 'this manager is neither started nor connected: call await manager.start() or await manager.connect() first',
  managerStartTwice: 'this manager has already been started or connected',
  managerNotOwner: 'shutdown() stops a manager this process started; a manager you connect()ed to keeps running for its other clients',
  managerStartFailed: (name: string, why: string) => `the manager ${name} could not start: ${why}`,
  badAddress: (a: unknown) => `a manager address is { host, port } (port 0-65535; host defaults to '127.0.0.1') or a unix socket path, got ${summarizeForMessage(a)}`,
  badAuthkey: (k: unknown) => `authkey must be a non-empty string or Uint8Array, got ${typeof k === 'string' ? 'an empty string' : k === null ? 'null' : typeof k}`,
  cannotListen: (a: { host: string; port: number } | { path: string }, why: string) => `a manager cannot listen on ${'path' in a ? a.path.replace('\0', '@') : `${a.host}:${a.port}`}: ${why}`,
  managerUnreachable: (where: string, why: string) => `cannot connect to the manager at ${where}: ${why}`,
  notAManager: (where: string) => `${where} did not answer as a concurrency-lab manager (wrong address or protocol)`,
  authRejected: (where: string) => `the manager at ${where} refused this client: its authkey differs (digest sent was rejected)`,
  authServerWrong: (where: string) => `the manager at ${where} does not know the authkey: its answer to our challenge was wrong (digest received was wrong)`,
  authClosed: (where: string) => `the manager at ${where} closed the connection during authentication (is the authkey the same on both sides?)`,
  handshakeTimeout: (where: string, ms: number) => `the manager at ${where} did not complete authentication within ${ms} ms`,
  unknownTypeid: (t: string) => `this manager serves no typeid '${t}'`,
  badTypeid: (t: unknown) => `a typeid must be a name such as 'get_queue' (letters, digits, _; not a method of the manager), got ${summarizeForMessage(t)}`,
  unservable: (typeid: string, got: string) => `${typeid}() returned ${got}: a manager serves objects (a Map, an array, an object of data or with methods)`,
  notExposed: (what: string, m: string) => `'${what}' proxy has no method '${m}'`,
  noSuchManagedObject: (id: number) => `the manager has no object ${id} (it was made by another manager, or this one restarted)`,
  unhashable: (t: string) => `unhashable type: '${t}' (a managed dict's keys are strings, numbers, bigints, booleans or null)`,
  conditionLock: 'Condition(lock): lock must be a Lock or an RLock of the same manager',
  managedBarrierAction: 'a managed Barrier cannot run an action (the function would have to run in the manager process): call it yourself in the process whose wait() returned 0',
  otherManager: (what: string) => `${what} belongs to another manager`,
} as const;

function summarizeForMessage(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || typeof v !== 'object') return String(v);
  try {
    return JSON.stringify(v).slice(0, 80);
  } catch {
    return 'an object';
  }
}

/** Validates a timeout argument (milliseconds, ≥ 0), as every blocking call does before it waits. */
export function checkTimeout(ms: unknown): asserts ms is number {
  if (typeof ms !== 'number' || !(ms >= 0)) throw new ProcessError(MESSAGES.badTimeout(ms));
}
