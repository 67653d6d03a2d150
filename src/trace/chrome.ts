// Native trace <-> Chrome Trace Event Format (opens in Perfetto, chrome://tracing, DevTools).
// Pure: no Node, no DOM. Rules followed (see docs/trace-format.md and the format spec):
// - one named process per pid, its name showing pid and ppid (the format has no ppid field),
//   ordered as the process tree with process_sort_index; threads named with thread_name;
// - tasks are X spans on the worker's thread; tasks that overlap on one thread (async work) get
//   a lane of their own (a separate tid), since Perfetto moves overlapping non-nested X events
//   of one track to an overflow track;
// - messages are short X slices at send and recv joined by a flow `s` -> `f` pair with a fresh
//   integer id, the same cat and name, written after their slice, `bp: "e"` on the `f`;
// - waits (blocked time) and holds (a lock held) are X slices on a track of their own next to
//   the thread's ("· waits", "· holds"): they need not nest with tasks or with each other;
// - output, process exits, errors and the rest are instants.
// Every native event rides along in the `args.event` (and `args.end`) of exactly one Chrome
// event, and the header in a top-level key, so fromChromeTrace gets the native trace back.

import { parseEvent, parseHeader, type HoldEvent, type MessageEvent, type TaskEndEvent, type TaskStartEvent, type TraceEvent, type TraceHeader, type WaitBeginEvent, type WaitEndEvent } from './events';
import { TraceModel } from './model';

export interface ChromeEvent {
  name: string;
  ph: 'X' | 'i' | 's' | 'f' | 'M';
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  cat?: string;
  s?: 't' | 'p' | 'g';
  id?: number;
  bp?: 'e';
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: ChromeEvent[];
  displayTimeUnit: 'ms';
  /** Shown by trace viewers as metadata. */
  otherData: Record<string, string>;
  /** The native header, for fromChromeTrace. */
  concurrencyLab: { header: TraceHeader };
}

/** Duration of the slice drawn at a message's send and receive, µs: long enough for a flow to bind to. */
const MESSAGE_SLICE_US = 1;
/** Synthetic tids for extra task lanes start here, well above real thread ids. */
const LANE_TID_BASE = 1_000_000;

const firstLine = (text: string, max = 60) => {
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** Thread id on the Chrome side: the main thread is the process's own pid (the Linux convention). */
const chromeTid = (pid: number, tid: number | undefined) => (tid ? tid : pid);

export function toChromeTrace(header: TraceHeader, events: readonly TraceEvent[]): ChromeTrace {
  const model = new TraceModel(events);
  const out: ChromeEvent[] = [];
  const meta: ChromeEvent[] = [];
  const lastTs = Number.isFinite(model.lastTs) ? model.lastTs : header.ts;

  // Processes, in tree order, with their threads.
  const threadNames = new Map<string, string>();
  model.tree().forEach(({ process: p, depth }, index) => {
    const indent = depth ? `${'  '.repeat(depth - 1)}└ ` : '';
    meta.push({ name: 'process_name', ph: 'M', pid: p.pid, args: { name: `${indent}${p.name} (pid ${p.pid}, ppid ${p.ppid})` } });
    meta.push({ name: 'process_sort_index', ph: 'M', pid: p.pid, args: { sort_index: index } });
    threadNames.set(`${p.pid}:${p.pid}`, 'main thread');
    for (const t of p.threads) threadNames.set(`${p.pid}:${chromeTid(p.pid, t.tid)}`, `${t.name} (tid ${t.tid})`);
  });
  const useThread = (pid: number, tid: number) => {
    const k = `${pid}:${tid}`;
    if (!threadNames.has(k)) threadNames.set(k, tid === pid ? 'main thread' : `thread ${tid}`);
  };

  // Tasks: pair start with end; lanes for overlap.
  const ends = new Map<string, TaskEndEvent>();
  for (const e of events) if (e.kind === 'task.end') ends.set(`${e.poolId}\u0000${e.taskId}`, e);
  const usedEnds = new Set<TaskEndEvent>();
  const laneEnds = new Map<string, number[]>(); // per pid:tid, end time of each lane's last task
  let nextLaneTid = LANE_TID_BASE;
  const laneTids = new Map<string, number>();
  const laneTid = (pid: number, tid: number, lane: number) => {
    if (lane === 0) return tid;
    const k = `${pid}:${tid}:${lane}`;
    let t = laneTids.get(k);
    if (t === undefined) {
      t = nextLaneTid++;
      laneTids.set(k, t);
      threadNames.set(`${pid}:${t}`, `${threadNames.get(`${pid}:${tid}`) ?? `thread ${tid}`} · tasks ${lane + 1}`);
    }
    return t;
  };
  const taskSpan = (start: TaskStartEvent): ChromeEvent => {
    const end = ends.get(`${start.poolId}\u0000${start.taskId}`);
    if (end) usedEnds.add(end);
    const tid = chromeTid(start.pid, start.tid);
    useThread(start.pid, tid);
    const stop = end ? end.ts : (model.processes.get(start.pid)?.end ?? lastTs);
    const k = `${start.pid}:${tid}`;
    const lanes = laneEnds.get(k) ?? [];
    laneEnds.set(k, lanes);
    let lane = lanes.findIndex((t) => t <= start.ts);
    if (lane < 0) lane = lanes.length;
    lanes[lane] = stop;
    return {
      name: `${start.fn}${start.args ?? ''}`,
      cat: 'task',
      ph: 'X',
      ts: start.ts,
      dur: Math.max(0, stop - start.ts),
      pid: start.pid,
      tid: laneTid(start.pid, tid, lane),
      args: { pool: start.poolId, task: start.taskId, ok: end?.ok ?? null, error: end?.error, event: start, end },
    };
  };

  // Messages: flow ids for pairs with both ends.
  const flowIds = new Map<string, number>();
  let nextFlow = 1;
  const sent = new Set<string>();
  for (const e of events) if (e.kind === 'message.send') sent.add(`${e.channelId}\u0000${e.msgId}`);
  for (const e of events) {
    if (e.kind !== 'message.recv') continue;
    const k = `${e.channelId}\u0000${e.msgId}`;
    if (sent.has(k) && !flowIds.has(k)) flowIds.set(k, nextFlow++);
  }
  const message = (e: MessageEvent): ChromeEvent[] => {
    const tid = chromeTid(e.pid, e.tid);
    useThread(e.pid, tid);
    const send = e.kind === 'message.send';
    const slice: ChromeEvent = {
      name: `${send ? 'send' : 'recv'} ${e.summary ?? e.msgId}`,
      cat: 'message',
      ph: 'X',
      ts: e.ts,
      dur: MESSAGE_SLICE_US,
      pid: e.pid,
      tid,
      args: { channel: `${e.channel} ${e.channelId}`, msgId: e.msgId, event: e },
    };
    const id = flowIds.get(`${e.channelId}\u0000${e.msgId}`);
    if (id === undefined) return [slice];
    const flow: ChromeEvent = { name: `${e.channel} ${e.channelId}`, cat: 'message', ph: send ? 's' : 'f', id, ts: e.ts, pid: e.pid, tid };
    if (!send) flow.bp = 'e';
    return [slice, flow];
  };

  const instant = (e: TraceEvent, name: string, cat: string, scope: 't' | 'p' | 'g' = 't', extra: Record<string, unknown> = {}): ChromeEvent => {
    const tid = chromeTid(e.pid, e.tid);
    if (scope !== 'g') useThread(e.pid, tid);
    return { name, cat, ph: 'i', s: scope, ts: e.ts, pid: e.pid, tid, args: { ...extra, event: e } };
  };

  // Waits and holds: one X slice per begin/end pair, on a synthetic track beside the thread's.
  const waitBegins = new Map<string, WaitBeginEvent>();
  const holdBegins = new Map<string, HoldEvent[]>();
  const sideTids = new Map<string, number>();
  const sideTid = (pid: number, tid: number, side: string) => {
    const k = `${pid}:${tid}:${side}`;
    let t = sideTids.get(k);
    if (t === undefined) {
      t = nextLaneTid++;
      sideTids.set(k, t);
      threadNames.set(`${pid}:${t}`, `${threadNames.get(`${pid}:${tid}`) ?? `thread ${tid}`} · ${side}`);
    }
    return t;
  };
  const pairSlice = (begin: WaitBeginEvent | HoldEvent, end: WaitEndEvent | HoldEvent | undefined, name: string, cat: string, side: string, extra: Record<string, unknown>): ChromeEvent => {
    const tid = chromeTid(begin.pid, begin.tid);
    useThread(begin.pid, tid);
    const stop = end ? end.ts : (model.processes.get(begin.pid)?.end ?? lastTs);
    return { name, cat, ph: 'X', ts: begin.ts, dur: Math.max(0, stop - begin.ts), pid: begin.pid, tid: sideTid(begin.pid, tid, side), args: { ...extra, event: begin, end } };
  };

  for (const e of events) {
    switch (e.kind) {
      case 'process.start':
        out.push(instant(e, `start ${e.name}`, 'process', 'p', { ppid: e.ppid }));
        break;
      case 'process.exit':
        out.push(instant(e, e.signal ? `killed by ${e.signal}` : `exit ${e.exitCode ?? '?'}`, 'process', 'p'));
        break;
      case 'thread.start':
        out.push(instant(e, `start ${e.name}`, 'thread'));
        break;
      case 'thread.exit':
        out.push(instant(e, `thread exit ${e.exitCode ?? '?'}`, 'thread'));
        break;
      case 'pool.create':
        out.push(instant(e, `Pool(${e.processes}) ${e.poolId}`, 'pool'));
        break;
      case 'pool.close':
      case 'pool.terminate':
      case 'pool.join':
        out.push(instant(e, `${e.kind} ${e.poolId}`, 'pool'));
        break;
      case 'task.submit':
        out.push(instant(e, `submit ${e.fn}${e.args ?? ''}`, 'task', 't', { pool: e.poolId, task: e.taskId }));
        break;
      case 'task.start':
        out.push(taskSpan(e));
        break;
      case 'task.end':
        break; // carried by its span, or below when it has none
      case 'message.send':
      case 'message.recv':
        out.push(...message(e));
        break;
      case 'output':
        out.push(instant(e, `${e.stream}: ${firstLine(e.text)}`, 'output'));
        break;
      case 'error':
        out.push(instant(e, `error: ${firstLine(e.message)}`, 'error', 'p', { message: e.message, code: e.code }));
        break;
      case 'deadlock':
        out.push(instant(e, e.message, 'deadlock', 'g', { cycle: e.cycle, waits: e.waits }));
        break;
      case 'run.end':
        out.push(instant(e, `run ended (${e.reason})`, 'run', 'g', { exitCode: e.exitCode, signal: e.signal }));
        break;
      case 'object.create':
        out.push(instant(e, `new ${model.objectLabel(e.objKind, e.objId)}`, 'object', 't', { objId: e.objId }));
        break;
      case 'wait.begin':
        waitBegins.set(`${e.pid}:${e.tid ?? 0}:${e.waitId}`, e);
        break;
      case 'wait.end': {
        const k = `${e.pid}:${e.tid ?? 0}:${e.waitId}`;
        const begin = waitBegins.get(k);
        waitBegins.delete(k);
        if (begin) out.push(pairSlice(begin, e, `${begin.op} ${model.objectLabel(begin.objKind, begin.objId)}`, 'wait', 'waits', { outcome: e.outcome }));
        else out.push(instant(e, `wait ${e.waitId} ended (${e.outcome})`, 'wait'));
        break;
      }
      case 'hold.begin': {
        const k = `${e.pid}:${e.tid ?? 0}:${e.objId}`;
        const stack = holdBegins.get(k) ?? [];
        stack.push(e);
        holdBegins.set(k, stack);
        break;
      }
      case 'hold.end': {
        const begin = holdBegins.get(`${e.pid}:${e.tid ?? 0}:${e.objId}`)?.pop();
        if (begin) out.push(pairSlice(begin, e, `holds ${model.objectLabel(begin.objKind, begin.objId)}`, 'hold', 'holds', {}));
        else out.push(instant(e, `released ${model.objectLabel(e.objKind, e.objId)}`, 'hold'));
        break;
      }
      case 'hold.spans': {
        // One X slice per entry (a run of n holds: one slice named "× n", args.holds = n); the
        // native record rides on the first (fromChromeTrace reads it back once).
        const tid = chromeTid(e.pid, e.tid);
        useThread(e.pid, tid);
        const name = `holds ${model.objectLabel(e.objKind, e.objId)}`;
        e.spans.forEach((p, i) => {
          const n = p.length === 3 ? p[2] : 1;
          const args: Record<string, unknown> = i === 0 ? { event: e } : {};
          if (n > 1) args.holds = n;
          out.push({ name: n > 1 ? `${name} × ${n}` : name, cat: 'hold', ph: 'X', ts: p[0], dur: p[1] - p[0], pid: e.pid, tid: sideTid(e.pid, tid, 'holds'), args });
        });
        break;
      }
      default: {
        const never: never = e;
        return never;
      }
    }
  }
  // Waits and holds still open at the end of the trace run to their process's end.
  for (const b of waitBegins.values()) out.push(pairSlice(b, undefined, `${b.op} ${model.objectLabel(b.objKind, b.objId)}`, 'wait', 'waits', { outcome: null }));
  for (const stack of holdBegins.values()) for (const b of stack) out.push(pairSlice(b, undefined, `holds ${model.objectLabel(b.objKind, b.objId)}`, 'hold', 'holds', {}));
  for (const e of ends.values()) if (!usedEnds.has(e)) out.push(instant(e, `task ${e.taskId} ${e.ok ? 'done' : 'failed'}`, 'task'));
  for (const e of events) if (e.kind === 'task.end' && !ends.has(`${e.poolId}\u0000${e.taskId}`)) out.push(instant(e, 'task end', 'task'));

  for (const [k, name] of threadNames) {
    const [pid, tid] = k.split(':').map(Number);
    meta.push({ name: 'thread_name', ph: 'M', pid, tid, args: { name } });
    meta.push({ name: 'thread_sort_index', ph: 'M', pid, tid, args: { sort_index: tid === pid ? -1 : tid } });
  }

  return {
    traceEvents: [...meta, ...out],
    displayTimeUnit: 'ms',
    otherData: { tool: 'concurrency-lab', version: String(header.version), file: header.file ?? '', context: header.context ?? 'process' },
    concurrencyLab: { header },
  };
}

/** Thrown for JSON that is not a Chrome trace exported by Concurrency Lab. */
export class ChromeTraceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChromeTraceError';
  }
}

/** The native trace back from a Chrome trace that toChromeTrace wrote. */
/** Deepest JSON nesting accepted in a Chrome trace file (it needs about six): checked before parsing. */
export const CHROME_MAX_DEPTH = 32;

export function fromChromeTrace(json: unknown): { header: TraceHeader; events: TraceEvent[]; malformed: number } {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as ChromeTrace).traceEvents)) {
    throw new ChromeTraceError('not a Chrome trace (expected an object with a traceEvents array)');
  }
  const trace = json as ChromeTrace;
  const header = parseHeader(trace.concurrencyLab?.header);
  if (!header) throw new ChromeTraceError('this Chrome trace was not exported by Concurrency Lab (it has no concurrencyLab.header), so it cannot be opened as one');
  const events: TraceEvent[] = [];
  let malformed = 0;
  const take = (v: unknown) => {
    if (v === undefined) return;
    const e = parseEvent(v);
    if (e) events.push(e);
    else malformed++;
  };
  for (const c of trace.traceEvents) {
    const args = typeof c === 'object' && c !== null ? (c as ChromeEvent).args : undefined;
    if (!args || typeof args !== 'object') continue;
    take(args.event);
    take(args.end);
  }
  // Stable sort on the shared clock: the order of the native trace.
  const order = new Map(events.map((e, i) => [e, i]));
  events.sort((a, b) => a.ts - b.ts || (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return { header, events, malformed };
}
