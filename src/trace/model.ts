// Pure functions over trace events: from a stream of events to the things a person looks at —
// the process tree, task spans and message arrows. Incremental (`add`) so a live run and a loaded
// file share one code path. Imports only the schema.

import type { DeadlockEvent, ErrorEvent, OutputEvent, RunEndEvent, TraceEvent, ChannelKind, ObjectKind, SourceLocation, WaitOutcome } from './events';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  name: string;
  /** µs; first event seen for this pid when process.start is missing. */
  start: number;
  end?: number;
  exitCode: number | null;
  signal: string | null;
  /** True once a process.exit was seen. */
  exited: boolean;
  threads: ThreadInfo[];
}

export interface ThreadInfo {
  pid: number;
  tid: number;
  name: string;
  start: number;
  end?: number;
  exitCode: number | null;
}

export interface TaskSpan {
  poolId: string;
  taskId: number;
  fn: string;
  args?: string;
  submitPid?: number;
  submitTs?: number;
  /** Worker that ran it. */
  pid?: number;
  tid?: number;
  start?: number;
  end?: number;
  ok?: boolean;
  error?: string;
}

export interface MessageArrow {
  channel: ChannelKind;
  channelId: string;
  msgId: string;
  summary?: string;
  fromPid?: number;
  fromTid?: number;
  sendTs?: number;
  toPid?: number;
  toTid?: number;
  recvTs?: number;
}

/** A synchronization object or shared value (object.create), numbered per kind in creation order. */
export interface ObjectInfo {
  objKind: ObjectKind;
  objId: string;
  /** "Lock#1", "Barrier#2": kind and ordinal, for people. */
  label: string;
  pid: number;
  tid?: number;
  ts: number;
  loc?: SourceLocation;
  detail?: string;
}

/** Time a thread spent blocked in one call (wait.begin → wait.end). */
export interface WaitSpan {
  pid: number;
  tid?: number;
  waitId: number;
  op: string;
  objKind: ObjectKind;
  objId: string;
  start: number;
  end?: number;
  /** Undefined while it still waits. */
  outcome?: WaitOutcome;
  timeoutMs?: number;
  targetPid?: number;
  /** Barrier.wait: the barrier's party count. */
  parties?: number;
  loc?: SourceLocation;
}

/** Time a thread held a lock or a semaphore unit (hold.begin → hold.end). */
export interface HoldSpan {
  pid: number;
  tid?: number;
  objKind: ObjectKind;
  objId: string;
  start: number;
  end?: number;
  /**
   * A run of this many holds (≥ 2) from `start` (the first acquire) to `end` (the last release),
   * nobody else holding the object in between (a hold.spans `[a, b, n]` entry); absent for one
   * hold. The object may have been free between two holds of a run, and others may have waited.
   */
  count?: number;
  /** True when the holder ended without releasing. */
  interrupted?: boolean;
  loc?: SourceLocation;
}

export interface TraceSummary {
  processes: number;
  tasks: number;
  messages: number;
  /** µs from first to last event. */
  duration: number;
  exitCode: number | null;
  signal: string | null;
  reason?: RunEndEvent['reason'];
}

export class TraceModel {
  readonly processes = new Map<number, ProcessInfo>();
  readonly tasks: TaskSpan[] = [];
  readonly messages: MessageArrow[] = [];
  readonly outputs: OutputEvent[] = [];
  readonly errors: ErrorEvent[] = [];
  /** Deadlocks the runner detected (normally at most one). */
  readonly deadlocks: DeadlockEvent[] = [];
  readonly objects = new Map<string, ObjectInfo>();
  readonly waits: WaitSpan[] = [];
  readonly holds: HoldSpan[] = [];
  runEnd?: RunEndEvent;
  firstTs = Infinity;
  lastTs = -Infinity;
  eventCount = 0;
  // Two-level maps (pool -> task id, channel -> message id) rather than concatenated string keys:
  // a 1M-event trace would otherwise allocate a key string per task and message event.
  private readonly taskIndex = new Map<string, Map<number, TaskSpan>>();
  private readonly messageIndex = new Map<string, Map<string, MessageArrow>>();
  /** Open waits by "pid:tid:waitId"; open holds by "pid:tid:objId" (a stack: holds nest). */
  private readonly openWaits = new Map<string, WaitSpan>();
  private readonly openHolds = new Map<string, HoldSpan[]>();
  private readonly kindCounts = new Map<ObjectKind, number>();

  constructor(events: Iterable<TraceEvent> = []) {
    for (const e of events) this.add(e);
  }

  add(e: TraceEvent): void {
    this.eventCount++;
    if (e.ts < this.firstTs) this.firstTs = e.ts;
    if (e.ts > this.lastTs) this.lastTs = e.ts;
    if (e.kind !== 'run.end') this.touchProcess(e.pid, e.ts);
    switch (e.kind) {
      case 'process.start': {
        const p = this.touchProcess(e.pid, e.ts);
        p.ppid = e.ppid;
        p.name = e.name;
        p.start = Math.min(p.start, e.ts);
        break;
      }
      case 'process.exit': {
        const p = this.touchProcess(e.pid, e.ts);
        p.exited = true;
        p.exitCode = e.exitCode;
        p.signal = e.signal;
        p.end = e.ts;
        this.interruptOpen(e.pid, undefined, e.ts);
        break;
      }
      case 'thread.start': {
        const p = this.touchProcess(e.pid, e.ts);
        const t = p.threads.find((x) => x.tid === e.tid);
        if (t) t.name = e.name;
        else p.threads.push({ pid: e.pid, tid: e.tid, name: e.name, start: e.ts, exitCode: null });
        break;
      }
      case 'thread.exit': {
        const p = this.touchProcess(e.pid, e.ts);
        let t = p.threads.find((x) => x.tid === e.tid);
        if (!t) {
          t = { pid: e.pid, tid: e.tid, name: `Thread-${e.tid}`, start: e.ts, exitCode: null };
          p.threads.push(t);
        }
        t.end = e.ts;
        t.exitCode = e.exitCode;
        this.interruptOpen(e.pid, e.tid, e.ts);
        break;
      }
      case 'task.submit': {
        const t = this.task(e.poolId, e.taskId, e.fn);
        t.submitPid = e.pid;
        t.submitTs = e.ts;
        if (e.args !== undefined) t.args = e.args;
        break;
      }
      case 'task.start': {
        const t = this.task(e.poolId, e.taskId, e.fn);
        t.pid = e.pid;
        t.tid = e.tid;
        t.start = e.ts;
        if (e.args !== undefined) t.args = e.args;
        break;
      }
      case 'task.end': {
        const t = this.task(e.poolId, e.taskId, '?');
        t.end = e.ts;
        t.ok = e.ok;
        t.error = e.error;
        if (t.pid === undefined) t.pid = e.pid;
        break;
      }
      case 'message.send':
      case 'message.recv': {
        let byId = this.messageIndex.get(e.channelId);
        if (!byId) {
          byId = new Map();
          this.messageIndex.set(e.channelId, byId);
        }
        let m = byId.get(e.msgId);
        if (!m) {
          m = { channel: e.channel, channelId: e.channelId, msgId: e.msgId };
          byId.set(e.msgId, m);
          this.messages.push(m);
        }
        if (e.summary !== undefined) m.summary = e.summary;
        if (e.kind === 'message.send') {
          m.fromPid = e.pid;
          m.fromTid = e.tid;
          m.sendTs = e.ts;
        } else {
          m.toPid = e.pid;
          m.toTid = e.tid;
          m.recvTs = e.ts;
        }
        break;
      }
      case 'output':
        this.outputs.push(e);
        break;
      case 'error':
        this.errors.push(e);
        break;
      case 'run.end':
        this.runEnd = e;
        break;
      case 'deadlock':
        this.deadlocks.push(e);
        break;
      case 'object.create': {
        if (this.objects.has(e.objId)) break;
        const n = (this.kindCounts.get(e.objKind) ?? 0) + 1;
        this.kindCounts.set(e.objKind, n);
        this.objects.set(e.objId, { objKind: e.objKind, objId: e.objId, label: `${OBJECT_LABELS[e.objKind]}#${n}`, pid: e.pid, tid: e.tid, ts: e.ts, loc: e.loc, detail: e.detail });
        break;
      }
      case 'wait.begin': {
        const w: WaitSpan = { pid: e.pid, tid: e.tid, waitId: e.waitId, op: e.op, objKind: e.objKind, objId: e.objId, start: e.ts, timeoutMs: e.timeoutMs, targetPid: e.targetPid, parties: e.parties, loc: e.loc };
        this.waits.push(w);
        this.openWaits.set(`${e.pid}:${e.tid ?? 0}:${e.waitId}`, w);
        break;
      }
      case 'wait.end': {
        const k = `${e.pid}:${e.tid ?? 0}:${e.waitId}`;
        const w = this.openWaits.get(k);
        if (!w) break; // an end without its begin (a trace cut at the front): nothing to draw
        this.openWaits.delete(k);
        w.end = e.ts;
        w.outcome = e.outcome;
        break;
      }
      case 'hold.begin': {
        const k = `${e.pid}:${e.tid ?? 0}:${e.objId}`;
        const h: HoldSpan = { pid: e.pid, tid: e.tid, objKind: e.objKind, objId: e.objId, start: e.ts, loc: e.loc };
        this.holds.push(h);
        const stack = this.openHolds.get(k);
        if (stack) stack.push(h);
        else this.openHolds.set(k, [h]);
        break;
      }
      case 'hold.end': {
        const k = `${e.pid}:${e.tid ?? 0}:${e.objId}`;
        const stack = this.openHolds.get(k);
        const h = stack?.pop();
        if (!h) break;
        if (!stack?.length) this.openHolds.delete(k);
        h.end = e.ts;
        break;
      }
      case 'hold.spans':
        for (const p of e.spans) {
          const h: HoldSpan = { pid: e.pid, tid: e.tid, objKind: e.objKind, objId: e.objId, start: p[0], end: p[1], loc: e.loc };
          if (p.length === 3 && p[2] > 1) h.count = p[2];
          this.holds.push(h);
        }
        break;
      case 'pool.create':
      case 'pool.close':
      case 'pool.terminate':
      case 'pool.join':
        break;
      default: {
        const never: never = e;
        return never;
      }
    }
  }

  private touchProcess(pid: number, ts: number): ProcessInfo {
    let p = this.processes.get(pid);
    if (!p) {
      p = { pid, ppid: 0, name: `pid ${pid}`, start: ts, exitCode: null, signal: null, exited: false, threads: [] };
      this.processes.set(pid, p);
    }
    return p;
  }

  private task(poolId: string, taskId: number, fn: string): TaskSpan {
    let byId = this.taskIndex.get(poolId);
    if (!byId) {
      byId = new Map();
      this.taskIndex.set(poolId, byId);
    }
    let t = byId.get(taskId);
    if (!t) {
      t = { poolId, taskId, fn };
      byId.set(taskId, t);
      this.tasks.push(t);
    } else if (t.fn === '?' && fn !== '?') {
      t.fn = fn;
    }
    return t;
  }

  /** Waits and holds still open in a process (or one of its threads) that ended: they end with it. */
  private interruptOpen(pid: number, tid: number | undefined, ts: number): void {
    const prefix = tid === undefined ? `${pid}:` : `${pid}:${tid}:`;
    for (const [k, w] of this.openWaits) {
      if (!k.startsWith(prefix)) continue;
      w.end = ts;
      w.outcome = 'interrupted';
      this.openWaits.delete(k);
    }
    for (const [k, stack] of this.openHolds) {
      if (!k.startsWith(prefix)) continue;
      for (const h of stack) {
        h.end = ts;
        h.interrupted = true;
      }
      this.openHolds.delete(k);
    }
  }

  /** Waits still open (live view, or a run cut short). */
  openWaitSpans(): WaitSpan[] {
    return [...this.openWaits.values()];
  }

  /** Holds still open: who holds which object now. */
  openHoldSpans(): HoldSpan[] {
    const out: HoldSpan[] = [];
    for (const stack of this.openHolds.values()) if (stack.length) out.push(stack[0]);
    return out;
  }

  /** "Lock#1" for an object announced by object.create, else a short form of its id. */
  objectLabel(objKind: ObjectKind, objId: string): string {
    return this.objects.get(objId)?.label ?? `${OBJECT_LABELS[objKind]} ${objId}`;
  }

  /** The main process: the one whose parent is not part of the run. */
  roots(): ProcessInfo[] {
    return [...this.processes.values()].filter((p) => !this.processes.has(p.ppid)).sort((a, b) => a.start - b.start);
  }

  children(pid: number): ProcessInfo[] {
    return [...this.processes.values()].filter((p) => p.ppid === pid && p.pid !== pid).sort((a, b) => a.start - b.start || a.pid - b.pid);
  }

  /** Processes in tree order (depth-first, children by start time), with their depth. */
  tree(): { process: ProcessInfo; depth: number }[] {
    const out: { process: ProcessInfo; depth: number }[] = [];
    const byParent = new Map<number, ProcessInfo[]>();
    for (const p of this.processes.values()) {
      const list = byParent.get(p.ppid) ?? [];
      list.push(p);
      byParent.set(p.ppid, list);
    }
    for (const list of byParent.values()) list.sort((a, b) => a.start - b.start || a.pid - b.pid);
    const seen = new Set<number>();
    const walk = (p: ProcessInfo, depth: number) => {
      if (seen.has(p.pid)) return;
      seen.add(p.pid);
      out.push({ process: p, depth });
      for (const c of byParent.get(p.pid) ?? []) walk(c, depth + 1);
    };
    for (const r of this.roots()) walk(r, 0);
    // Cycles (pid reuse) would leave processes unvisited; list them flat rather than lose them.
    for (const p of this.processes.values()) if (!seen.has(p.pid)) walk(p, 0);
    return out;
  }

  summary(): TraceSummary {
    const root = this.roots()[0];
    const duration = this.eventCount ? this.lastTs - this.firstTs : 0;
    return {
      processes: this.processes.size,
      tasks: this.tasks.length,
      messages: this.messages.length,
      duration,
      exitCode: this.runEnd ? this.runEnd.exitCode : (root?.exitCode ?? null),
      signal: this.runEnd ? this.runEnd.signal : (root?.signal ?? null),
      reason: this.runEnd?.reason,
    };
  }
}

/** Python's class names, for labels such as "Lock#1". */
export const OBJECT_LABELS: Readonly<Record<ObjectKind, string>> = {
  lock: 'Lock',
  rlock: 'RLock',
  semaphore: 'Semaphore',
  boundedSemaphore: 'BoundedSemaphore',
  event: 'Event',
  condition: 'Condition',
  barrier: 'Barrier',
  value: 'Value',
  array: 'Array',
  manager: 'Manager',
  queue: 'Queue',
  joinableQueue: 'JoinableQueue',
  pipe: 'Pipe',
  process: 'Process',
  pool: 'Pool',
  asyncResult: 'AsyncResult',
};

/** "exited 0", "killed by SIGTERM", "running". */
export function describeProcessState(p: Pick<ProcessInfo, 'exited' | 'exitCode' | 'signal'>): string {
  if (!p.exited) return 'running';
  if (p.signal) return `killed by ${p.signal}`;
  return `exited ${p.exitCode ?? '?'}`;
}
