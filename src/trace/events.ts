// The trace event schema: one tagged union shared by the runtime (which writes events), the
// runner (which collects them), the panel/webview (which draw them) and the exporters.
// This module imports nothing, so every layer can depend on it. The format is documented in
// docs/trace-format.md; bump TRACE_FORMAT_VERSION on any incompatible change.

export const TRACE_FORMAT_VERSION = 1;

/** Where in the user's source an event came from (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
}

/** Fields every event line carries. `ts` is microseconds since the Unix epoch (may be fractional). */
export interface EventBase {
  kind: string;
  ts: number;
  pid: number;
  /** Thread id (worker_threads threadId) for events from the thread context; 0 or absent = main thread. */
  tid?: number;
  loc?: SourceLocation;
}

/** First line of a native `.jsonl` trace file. */
export interface TraceHeader {
  kind: 'trace.header';
  version: number;
  tool: 'concurrency-lab';
  /** Wall-clock start of the run, µs since the Unix epoch. */
  ts: number;
  file?: string;
  argv?: string[];
  context?: 'process' | 'thread';
  /** CPUs of the machine that ran it (the insights' parallelism is read beside it). */
  cpus?: number;
}

export interface ProcessStartEvent extends EventBase {
  kind: 'process.start';
  ppid: number;
  name: string;
}

export interface ProcessExitEvent extends EventBase {
  kind: 'process.exit';
  exitCode: number | null;
  /** Signal name such as "SIGTERM", or null. */
  signal: string | null;
}

export interface ThreadStartEvent extends EventBase {
  kind: 'thread.start';
  tid: number;
  name: string;
  /** Thread that created this one (0 = the process's main thread). */
  parentTid?: number;
}

export interface ThreadExitEvent extends EventBase {
  kind: 'thread.exit';
  tid: number;
  exitCode: number | null;
}

export interface PoolCreateEvent extends EventBase {
  kind: 'pool.create';
  poolId: string;
  processes: number;
}

export interface PoolStateEvent extends EventBase {
  kind: 'pool.close' | 'pool.terminate' | 'pool.join';
  poolId: string;
}

export interface TaskSubmitEvent extends EventBase {
  kind: 'task.submit';
  poolId: string;
  taskId: number;
  fn: string;
  /** Short human summary of the arguments, e.g. "(0)" or "(3 items)". */
  args?: string;
}

export interface TaskStartEvent extends EventBase {
  kind: 'task.start';
  poolId: string;
  taskId: number;
  fn: string;
  args?: string;
}

export interface TaskEndEvent extends EventBase {
  kind: 'task.end';
  poolId: string;
  taskId: number;
  ok: boolean;
  error?: string;
}

/** What carried a message: a Queue, a Pipe, or a manager call and its reply (caller ↔ manager process). */
export type ChannelKind = 'queue' | 'pipe' | 'manager';
export const CHANNEL_KINDS: readonly ChannelKind[] = ['queue', 'pipe', 'manager'];

export interface MessageEvent extends EventBase {
  kind: 'message.send' | 'message.recv';
  channel: ChannelKind;
  channelId: string;
  msgId: string;
  /** Short human summary of the value, e.g. "'spam'" or "Array(3)". */
  summary?: string;
}

export interface OutputEvent extends EventBase {
  kind: 'output';
  stream: 'stdout' | 'stderr';
  text: string;
}

/** Something went wrong that the user should see (a refused start, an error in a child, a runner warning). */
export interface ErrorEvent extends EventBase {
  kind: 'error';
  message: string;
  /** Stable machine-readable code, e.g. "MAX_PROCESSES". */
  code?: string;
  stack?: string;
}

/**
 * Kinds of objects a process can wait on or hold. Sync objects and shared state are announced by
 * object.create; queues and pipes are named by their channelId, processes by their pid.
 */
export type ObjectKind =
  | 'lock'
  | 'rlock'
  | 'semaphore'
  | 'boundedSemaphore'
  | 'event'
  | 'condition'
  | 'barrier'
  | 'value'
  | 'array'
  | 'manager'
  | 'queue'
  | 'joinableQueue'
  | 'pipe'
  | 'process'
  | 'pool'
  | 'asyncResult';

export const OBJECT_KINDS: readonly ObjectKind[] = [
  'lock',
  'rlock',
  'semaphore',
  'boundedSemaphore',
  'event',
  'condition',
  'barrier',
  'value',
  'array',
  'manager',
  'queue',
  'joinableQueue',
  'pipe',
  'process',
  'pool',
  'asyncResult',
];
const OBJECT_KIND_SET: ReadonlySet<string> = new Set(OBJECT_KINDS);

/** A synchronization object or shared value was made (where: `loc`). Numbered per kind by the viewer. */
export interface ObjectCreateEvent extends EventBase {
  kind: 'object.create';
  objKind: ObjectKind;
  /** Unique across the run (e.g. "pid.tid.n"). */
  objId: string;
  /** What the user called it, when known (a Manager's registered name, a Barrier's parties…). */
  detail?: string;
}

/** How a blocking call ended. `interrupted`: the process or thread ended while it waited. */
export type WaitOutcome = 'ok' | 'timeout' | 'error' | 'interrupted';
export const WAIT_OUTCOMES: readonly WaitOutcome[] = ['ok', 'timeout', 'error', 'interrupted'];

/**
 * A call that actually blocked (one that returns at once records nothing): `op` such as
 * "Queue.get" or "Lock.acquire", on object `objKind`/`objId`. Paired with wait.end by
 * pid + tid + waitId.
 */
export interface WaitBeginEvent extends EventBase {
  kind: 'wait.begin';
  waitId: number;
  op: string;
  objKind: ObjectKind;
  objId: string;
  /** The call's own timeout, when it has one (ms). */
  timeoutMs?: number;
  /** A wait on one known process (Process.join): its pid. */
  targetPid?: number;
  /** Barrier.wait: how many parties the barrier waits for (its `parties`). */
  parties?: number;
  /**
   * Timers and I/O of its own the thread still had pending when it blocked (absent: none), so
   * it may wake itself: the runner's deadlock watch does not count it as stuck.
   */
  pending?: number;
}

export interface WaitEndEvent extends EventBase {
  kind: 'wait.end';
  waitId: number;
  outcome: WaitOutcome;
}

/**
 * A lock (or a semaphore's unit, a condition's lock) was acquired (hold.begin) or released
 * (hold.end) by this pid + tid. Holds of one object by one thread nest (an RLock's recursion
 * is one hold); hold.end closes the innermost open hold of that object.
 */
export interface HoldEvent extends EventBase {
  kind: 'hold.begin' | 'hold.end';
  objKind: ObjectKind;
  objId: string;
}

/**
 * One entry of a hold.spans record: `[acquired, released]` (one hold), or `[first acquired, last
 * released, n]` — a run of n holds by this thread in that time, with nobody else holding the
 * object in between (it may have been free between two of them; others may have waited).
 */
export type HoldEntry = [number, number] | [number, number, number];

/**
 * Holds of one object by this pid + tid, batched: what a lock taken and released 50,000 times in
 * a loop writes (one record per object and trace flush, instead of two lines per hold). `spans`
 * are HoldEntry items in µs, in order; `ts` is the first acquisition. Same meaning as
 * hold.begin/hold.end pairs; a hold still open when the process ends is written as a hold.begin.
 */
export interface HoldSpansEvent extends EventBase {
  kind: 'hold.spans';
  objKind: ObjectKind;
  objId: string;
  spans: HoldEntry[];
}

/** How many holds an entry of hold.spans stands for (1, or a run's count). */
export function holdCount(entry: HoldEntry): number {
  return entry.length === 3 ? entry[2] : 1;
}

/** One stuck wait of a deadlock: who waits, in what call, and for whom. */
export interface DeadlockWait {
  pid: number;
  tid?: number;
  /** The waiting process's (or thread's) name, e.g. "Process-1". */
  name: string;
  op: string;
  objKind: ObjectKind;
  objId: string;
  /** The object's label in the viewer ("Queue#1", "Lock#2"). */
  label: string;
  loc?: SourceLocation;
  /** A Barrier's wait: its party count, and how many parties were waiting at it (this one included). */
  parties?: number;
  arrived?: number;
  /** Who could end the wait, as far as the trace tells (all stuck too), e.g. a lock's holder. */
  waitsFor: Array<{ pid: number; tid?: number; name: string }>;
}

/**
 * Written by the runner when every live process of the run has been blocked for longer than a
 * grace period and none of them can wake the others: `cycle` when the waits form a cycle (one
 * is listed per thread, the cycle's first), else a dead end (nobody alive can satisfy them).
 */
export interface DeadlockEvent extends EventBase {
  kind: 'deadlock';
  cycle: boolean;
  waits: DeadlockWait[];
  /** The same in one English sentence per wait (the CLI prints it). */
  message: string;
}

/** Written by the runner once the run is over. */
export interface RunEndEvent extends EventBase {
  kind: 'run.end';
  exitCode: number | null;
  signal: string | null;
  /** `deadlock`: stopped because a deadlock was detected (`--on-deadlock stop`). */
  reason: 'exit' | 'timeout' | 'stopped' | 'error' | 'deadlock';
  /** Lines on the trace channel that were not valid events (counted, skipped). */
  malformed?: number;
}

export type TraceEvent =
  | ProcessStartEvent
  | ProcessExitEvent
  | ThreadStartEvent
  | ThreadExitEvent
  | PoolCreateEvent
  | PoolStateEvent
  | TaskSubmitEvent
  | TaskStartEvent
  | TaskEndEvent
  | MessageEvent
  | OutputEvent
  | ErrorEvent
  | ObjectCreateEvent
  | WaitBeginEvent
  | WaitEndEvent
  | HoldEvent
  | HoldSpansEvent
  | DeadlockEvent
  | RunEndEvent;

export type TraceEventKind = TraceEvent['kind'];

export const EVENT_KINDS: readonly TraceEventKind[] = [
  'process.start',
  'process.exit',
  'thread.start',
  'thread.exit',
  'pool.create',
  'pool.close',
  'pool.terminate',
  'pool.join',
  'task.submit',
  'task.start',
  'task.end',
  'message.send',
  'message.recv',
  'output',
  'error',
  'object.create',
  'wait.begin',
  'wait.end',
  'hold.begin',
  'hold.end',
  'hold.spans',
  'deadlock',
  'run.end',
];

const KIND_SET: ReadonlySet<string> = new Set(EVENT_KINDS);

/** Compile-time exhaustiveness helper: `default: return assertNever(x)`. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled value: ${JSON.stringify(value)}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** Times, pids and tids: whole or fractional µs since the epoch / ids, never negative or beyond 2^53. */
const isTime = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= Number.MAX_SAFE_INTEGER;
const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isOptStr = (v: unknown) => v === undefined || typeof v === 'string';
const isOptNum = (v: unknown) => v === undefined || isNum(v);
/** A count of things (a Barrier's parties): a whole number from 1 to 2^31 - 1. */
const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 0x7fffffff;
/** Deepest nesting any event field may have: `loc` is one level; anything deeper is hostile or garbage. */
export const MAX_FIELD_DEPTH = 8;

function tooDeep(v: unknown, depth: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (depth >= MAX_FIELD_DEPTH) return true;
  for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k) && tooDeep((v as Record<string, unknown>)[k], depth + 1)) return true;
  return false;
}

/** `loc` as the schema has it (a file path and 1-based line and column), or absent. */
function isOptLoc(v: unknown): boolean {
  if (v === undefined) return true;
  if (!isObject(v) || typeof v.file !== 'string' || !isNum(v.line)) return false;
  return v.column === undefined || isNum(v.column);
}

/**
 * The fields any event may carry, checked once for every kind: a trace is untrusted input (a file
 * opened from anywhere), and the viewer, the exporters and the report rely on these types. Unknown
 * fields are allowed (and ignored) as long as they are plain data of bounded depth, so writing the
 * event again (export, report) cannot overflow the stack.
 */
function commonFieldsOk(v: Record<string, unknown>): boolean {
  if (!isTime(v.ts) || !isId(v.pid)) return false;
  if (v.tid !== undefined && !isId(v.tid)) return false;
  if (!isOptLoc(v.loc)) return false;
  if (!isOptStr(v.args) || !isOptStr(v.summary) || !isOptStr(v.error) || !isOptStr(v.code) || !isOptStr(v.stack) || !isOptStr(v.detail)) return false;
  if (!isOptNum(v.parentTid) || !isOptNum(v.malformed)) return false;
  for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k) && tooDeep(v[k], 1)) return false;
  return true;
}
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNumOrNull = (v: unknown) => v === null || isNum(v);
const isStrOrNull = (v: unknown) => v === null || isStr(v);
const isObjKind = (v: unknown): v is ObjectKind => isStr(v) && OBJECT_KIND_SET.has(v);
/** [begin, end] pairs of trace times, each end at or after its begin, or [begin, end, n] runs of n holds (n a whole number ≥ 1). */
const isSpans = (v: unknown): v is HoldEntry[] =>
  Array.isArray(v) && v.every((p) => Array.isArray(p) && (p.length === 2 || (p.length === 3 && isCount(p[2]))) && isTime(p[0]) && isTime(p[1]) && p[1] >= p[0]);

const isPidRef = (v: unknown): boolean => isObject(v) && isNum(v.pid) && (v.tid === undefined || isNum(v.tid)) && isStr(v.name);

function isDeadlockWait(v: unknown): boolean {
  return isPidRef(v) && isObject(v) && isStr(v.op) && isObjKind(v.objKind) && isStr(v.objId) && isStr(v.label) && Array.isArray(v.waitsFor) && v.waitsFor.every(isPidRef) && (v.parties === undefined || isCount(v.parties)) && (v.arrived === undefined || isCount(v.arrived));
}

/**
 * Validates one decoded JSON value as a trace event. Every boundary (trace channel, files opened
 * by the user, messages into the webview) goes through this, so the rest of the code can trust
 * the types. Returns undefined for anything malformed or of an unknown kind.
 */
export function parseEvent(v: unknown): TraceEvent | undefined {
  if (!isObject(v) || !isStr(v.kind) || !KIND_SET.has(v.kind) || !commonFieldsOk(v)) return undefined;
  const e = v as unknown as TraceEvent;
  switch (e.kind) {
    case 'process.start':
      return isNum(e.ppid) && isStr(e.name) ? e : undefined;
    case 'process.exit':
      return isNumOrNull(e.exitCode) && isStrOrNull(e.signal) ? e : undefined;
    case 'thread.start':
      return isNum(e.tid) && isStr(e.name) ? e : undefined;
    case 'thread.exit':
      return isNum(e.tid) && isNumOrNull(e.exitCode) ? e : undefined;
    case 'pool.create':
      return isStr(e.poolId) && isNum(e.processes) ? e : undefined;
    case 'pool.close':
    case 'pool.terminate':
    case 'pool.join':
      return isStr(e.poolId) ? e : undefined;
    case 'task.submit':
    case 'task.start':
      return isStr(e.poolId) && isNum(e.taskId) && isStr(e.fn) ? e : undefined;
    case 'task.end':
      return isStr(e.poolId) && isNum(e.taskId) && typeof e.ok === 'boolean' ? e : undefined;
    case 'message.send':
    case 'message.recv':
      return CHANNEL_KINDS.includes(e.channel) && isStr(e.channelId) && isStr(e.msgId) ? e : undefined;
    case 'output':
      return (e.stream === 'stdout' || e.stream === 'stderr') && isStr(e.text) ? e : undefined;
    case 'error':
      return isStr(e.message) ? e : undefined;
    case 'object.create':
      return isObjKind(e.objKind) && isStr(e.objId) && (e.detail === undefined || isStr(e.detail)) ? e : undefined;
    case 'wait.begin':
      return isNum(e.waitId) && isStr(e.op) && isObjKind(e.objKind) && isStr(e.objId) && (e.timeoutMs === undefined || isNum(e.timeoutMs)) && (e.targetPid === undefined || isNum(e.targetPid)) && (e.pending === undefined || isNum(e.pending)) && (e.parties === undefined || isCount(e.parties)) ? e : undefined;
    case 'deadlock':
      return typeof e.cycle === 'boolean' && isStr(e.message) && Array.isArray(e.waits) && e.waits.every(isDeadlockWait) ? e : undefined;
    case 'wait.end':
      return isNum(e.waitId) && WAIT_OUTCOMES.includes(e.outcome) ? e : undefined;
    case 'hold.begin':
    case 'hold.end':
      return isObjKind(e.objKind) && isStr(e.objId) ? e : undefined;
    case 'hold.spans':
      return isObjKind(e.objKind) && isStr(e.objId) && isSpans(e.spans) ? e : undefined;
    case 'run.end':
      return isNumOrNull(e.exitCode) && isStrOrNull(e.signal) && isStr(e.reason) ? e : undefined;
    default:
      return assertNever(e);
  }
}

/** More CPUs than any machine has: a header claiming so is not believed. */
const MAX_CPUS = 65536;

export function parseHeader(v: unknown): TraceHeader | undefined {
  if (!isObject(v) || v.kind !== 'trace.header' || !isNum(v.version) || !isNum(v.ts)) return undefined;
  if (v.cpus === undefined || (Number.isInteger(v.cpus) && (v.cpus as number) >= 1 && (v.cpus as number) <= MAX_CPUS)) return v as unknown as TraceHeader;
  // A file's header is untrusted: a cpus that is not a count of CPUs is dropped, not shown.
  const { cpus: _cpus, ...rest } = v;
  return rest as unknown as TraceHeader;
}

/** Microseconds since the Unix epoch, on one clock shared by every process of a run. */
export type Micros = number;
