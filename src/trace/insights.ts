// Run insights (issue #11): what a run did, in numbers and in a few plain sentences — tasks on
// workers, how many ran at once, which tasks waited for a free worker, each lane's time computing
// / waiting / idle, the longest waits and the achieved parallelism beside the CPU count. Pure
// (a TraceModel in, data and text out) so the CLI's `--insights`, the panel and the HTML report
// can share it.
import type { TaskSpan, TraceModel, WaitSpan } from './model';
import { ObjectNames } from './names';
import type { SourceLocation } from './events';

/** One process (tid absent) or thread's time, in µs. */
export interface LaneTime {
  pid: number;
  tid?: number;
  name: string;
  lifetime: number;
  /**
   * Starting up: from its start event to its first traced action of its own (output, a message,
   * a wait, a hold, a task, an object it made) — loading the snippet module, which takes a child
   * from a few hundred ms to seconds on a loaded machine. 0 for a lane that did nothing traced.
   */
  starting: number;
  /** Running a pool task; for a lane that runs no tasks: after starting up, not blocked in a traced call. */
  computing: number;
  /** Blocked in a traced call (wait.begin → wait.end). */
  waiting: number;
  /** A pool worker between tasks, not blocked in a traced call. */
  idle: number;
  /** The op it waited in longest in total ("Queue.get"), when it waited. */
  mostWaitedOp?: string;
}

export interface LongWait {
  pid: number;
  tid?: number;
  name: string;
  op: string;
  /** "Queue#1", "Process 1234"… */
  label: string;
  duration: number;
  loc?: SourceLocation;
}

export interface RunInsights {
  /** µs from the first to the last event. */
  duration: number;
  processes: number;
  tasks: number;
  /** Lanes that ran at least one task. */
  workers: number;
  /** Most tasks running at the same moment. */
  maxConcurrency: number;
  /** Tasks submitted while every worker was busy with an earlier one (they waited for a free worker). */
  queuedTaskIds: number[];
  /** Longest time one of them waited from its submit to its start, µs. */
  longestQueue: number;
  lanes: LaneTime[];
  longestWaits: LongWait[];
  /** Busy (computing) time of all lanes ÷ the run's duration. */
  parallelism: number;
  /** CPUs of the machine that ran it (the trace header's `cpus`), when known. */
  cpus?: number;
}

/** Length of the union of intervals [a, b], clipped to [lo, hi]. */
function unionLength(spans: Array<[number, number]>, lo: number, hi: number): number {
  const s = spans.map(([a, b]): [number, number] => [Math.max(a, lo), Math.min(b, hi)]).filter(([a, b]) => b > a);
  s.sort((x, y) => x[0] - y[0]);
  let total = 0;
  let curA = -Infinity;
  let curB = -Infinity;
  for (const [a, b] of s) {
    if (a > curB) {
      if (curB > curA) total += curB - curA;
      curA = a;
      curB = b;
    } else if (b > curB) curB = b;
  }
  if (curB > curA) total += curB - curA;
  return total;
}

/** Most intervals open at once; an end sorts before a start at the same instant. */
export function maxConcurrent(spans: ReadonlyArray<{ start?: number; end?: number }>, until: number): number {
  // Starts and ends sorted apart (typed arrays, no pair per edge), then merged.
  const starts: number[] = [];
  const ends: number[] = [];
  for (const t of spans) {
    if (t.start === undefined) continue;
    starts.push(t.start);
    ends.push(t.end ?? until);
  }
  const a = Float64Array.from(starts).sort();
  const b = Float64Array.from(ends).sort();
  let now = 0;
  let max = 0;
  for (let i = 0, j = 0; i < a.length; ) {
    if (b[j]! <= a[i]!) {
      now--;
      j++;
    } else {
      i++;
      if (++now > max) max = now;
    }
  }
  return max;
}

/**
 * Tasks submitted while every worker of their pool was taken by an earlier task still unfinished:
 * they waited for a free worker (however long the workers themselves took to start). One sweep
 * per pool in submit order with a heap of the earlier tasks' ends: O(n log n), so a pool of
 * 100,000 tasks costs milliseconds, not a pairwise comparison of every two tasks.
 */
function queuedTasks(tasks: readonly TaskSpan[]): TaskSpan[] {
  const byPool = new Map<string, TaskSpan[]>();
  for (const t of tasks) (byPool.get(t.poolId) ?? byPool.set(t.poolId, []).get(t.poolId)!).push(t);
  const out: TaskSpan[] = [];
  for (const list of byPool.values()) {
    const size = new Set(list.map((t) => `${t.pid}:${t.tid ?? 0}`)).size;
    const submitted = list.filter((t) => t.submitTs !== undefined).sort((a, b) => a.submitTs! - b.submitTs! || a.taskId - b.taskId);
    // Ends of the earlier tasks still unfinished (a task that never ended stays: Infinity).
    const ends = new MinHeap();
    for (const t of submitted) {
      while (ends.size > 0 && ends.peek() <= t.submitTs!) ends.pop();
      if (ends.size >= size) out.push(t);
      ends.push(t.end ?? Infinity);
    }
  }
  return out;
}

class MinHeap {
  private readonly a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): number {
    return this.a[0]!;
  }
  push(v: number): void {
    const a = this.a;
    let i = a.push(v) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= v) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = v;
  }
  pop(): void {
    const a = this.a;
    const last = a.pop()!;
    if (a.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const c = l + 1 < a.length && a[l + 1]! < a[l]! ? l + 1 : l;
      if (a[c]! >= last) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
  }
}

/** How many of the longest waits the insights keep. */
const LONGEST_WAITS = 3;

const laneKey = (pid: number, tid?: number) => `${pid}:${tid ?? 0}`;

/** Each lane's first traced action of its own (not its start or exit, which a parent may write). */
function firstActions(model: TraceModel): Map<string, number> {
  const first = new Map<string, number>();
  const see = (pid: number | undefined, tid: number | undefined, ts: number | undefined) => {
    if (pid === undefined || ts === undefined) return;
    const k = laneKey(pid, tid);
    const cur = first.get(k);
    if (cur === undefined || ts < cur) first.set(k, ts);
  };
  for (const o of model.outputs) see(o.pid, o.tid, o.ts);
  for (const m of model.messages) {
    see(m.fromPid, m.fromTid, m.sendTs);
    see(m.toPid, m.toTid, m.recvTs);
  }
  for (const w of model.waits) see(w.pid, w.tid, w.start);
  for (const h of model.holds) see(h.pid, h.tid, h.start);
  for (const t of model.tasks) {
    see(t.pid, t.tid, t.start);
    see(t.submitPid, undefined, t.submitTs);
  }
  for (const o of model.objects.values()) see(o.pid, o.tid, o.ts);
  return first;
}

export function computeInsights(model: TraceModel, cpus?: number): RunInsights {
  const s = model.summary();
  // Loops, not Math.min(...xs): spreading more than ~120k values overflows the stack (a 1M-event trace queues 180k tasks).
  let first = Infinity;
  for (const p of model.processes.values()) first = Math.min(first, p.start);
  const last = first + s.duration;
  const tasks = model.tasks.filter((t) => t.start !== undefined);
  const waitsByLane = new Map<string, WaitSpan[]>();
  for (const w of model.waits) {
    const k = laneKey(w.pid, w.tid);
    (waitsByLane.get(k) ?? waitsByLane.set(k, []).get(k)!).push(w);
  }
  const tasksByLane = new Map<string, TaskSpan[]>();
  for (const t of tasks) {
    const k = laneKey(t.pid!, t.tid);
    (tasksByLane.get(k) ?? tasksByLane.set(k, []).get(k)!).push(t);
  }

  const acts = firstActions(model);
  const lanes: LaneTime[] = [];
  const addLane = (pid: number, tid: number | undefined, name: string, start: number, end: number | undefined) => {
    const hi = end ?? last;
    const lifetime = Math.max(0, hi - start);
    // Start-up is its own share, so a child that loads slowly on a busy machine is not "computing".
    const acted = Math.min(Math.max(acts.get(laneKey(pid, tid)) ?? start, start), hi);
    const starting = acted - start;
    const waits = waitsByLane.get(laneKey(pid, tid)) ?? [];
    const waitSpans = waits.map((w): [number, number] => [w.start, w.end ?? hi]);
    const waiting = unionLength(waitSpans, acted, hi);
    const own = tasksByLane.get(laneKey(pid, tid));
    let computing: number;
    let idle = 0;
    if (own) {
      // A worker: computing while a task runs (minus what the task spent blocked), idle between tasks.
      const busy = unionLength([...own.map((t): [number, number] => [t.start!, t.end ?? hi]), ...waitSpans], acted, hi);
      computing = busy - waiting;
      idle = lifetime - starting - busy;
    } else computing = lifetime - starting - waiting;
    const byOp = new Map<string, number>();
    for (const w of waits) byOp.set(w.op, (byOp.get(w.op) ?? 0) + ((w.end ?? hi) - w.start));
    const mostWaitedOp = [...byOp].sort((a, b) => b[1] - a[1])[0]?.[0];
    const lane: LaneTime = { pid, name, lifetime, starting, computing: Math.max(0, computing), waiting, idle: Math.max(0, idle) };
    if (tid !== undefined) lane.tid = tid;
    if (mostWaitedOp !== undefined) lane.mostWaitedOp = mostWaitedOp;
    lanes.push(lane);
  };
  for (const p of model.processes.values()) {
    addLane(p.pid, undefined, p.name, p.start, p.end);
    for (const t of p.threads) addLane(t.pid, t.tid, t.name, t.start, t.end ?? p.end);
  }

  const nameOf = (pid: number, tid?: number) => {
    const p = model.processes.get(pid);
    return (tid ? p?.threads.find((t) => t.tid === tid)?.name : p?.name) ?? `pid ${pid}`;
  };
  // The few longest waits in one pass (no sort of every wait: a trace may hold 20,000).
  const top: Array<{ w: WaitSpan; duration: number }> = [];
  for (const w of model.waits) {
    const duration = (w.end ?? last) - w.start;
    if (top.length === LONGEST_WAITS && duration <= top[top.length - 1]!.duration) continue;
    let i = top.length;
    while (i > 0 && top[i - 1]!.duration < duration) i--;
    top.splice(i, 0, { w, duration });
    if (top.length > LONGEST_WAITS) top.pop();
  }
  // The numbering the panel uses (Pool#1, Queue#2…).
  const names = new ObjectNames(model);
  const longestWaits: LongWait[] = top.map(({ w, duration }) => {
    const label = names.label(w.objKind, w.objId);
    const lw: LongWait = { pid: w.pid, name: nameOf(w.pid, w.tid), op: w.op, label, duration };
    if (w.tid !== undefined) lw.tid = w.tid;
    if (w.loc) lw.loc = w.loc;
    return lw;
  });

  const queued = queuedTasks(tasks);
  let longestQueue = 0;
  for (const t of queued) longestQueue = Math.max(longestQueue, t.start! - t.submitTs!);
  const busy = lanes.reduce((sum, l) => sum + l.computing, 0);
  const out: RunInsights = {
    duration: s.duration,
    processes: model.processes.size,
    tasks: tasks.length,
    workers: tasksByLane.size,
    maxConcurrency: maxConcurrent(tasks, last),
    queuedTaskIds: queued.map((t) => t.taskId).sort((a, b) => a - b),
    longestQueue,
    lanes,
    longestWaits,
    parallelism: s.duration > 0 ? busy / s.duration : 0,
  };
  if (cpus !== undefined && cpus > 0) out.cpus = cpus;
  return out;
}

export type InsightsLanguage = 'en' | 'zh-cn';

const STRINGS = {
  en: {
    tasks: '{0} tasks on {1} workers; at most {2} ran at once.',
    queued: 'Tasks {0} waited up to {1} for a free worker.',
    noQueued: 'No task waited for a free worker.',
    lane: '{0}: {1}.',
    laneSeparator: ', ',
    starting: 'starting {0}',
    computing: 'computing {0}',
    waiting: 'waiting {0}',
    waitingIn: 'waiting {0} (mostly in {1})',
    idle: 'idle {0}',
    parallelism: 'Parallelism: {0} busy on average over {1} ({2} CPUs).',
    parallelismNoCpus: 'Parallelism: {0} busy on average over {1}.',
    longest: 'Longest wait: {0} in {1} on {2}, {3}{4}.',
    longest2: 'Second longest: {0} in {1} on {2}, {3}{4}.',
    longest3: 'Third longest: {0} in {1} on {2}, {3}{4}.',
    wall: 'The run took {0} with {1} processes.',
  },
  'zh-cn': {
    tasks: '{0} 个任务在 {1} 个工作者上运行;最多 {2} 个同时运行。',
    queued: '任务 {0} 等待空闲工作者最长 {1}。',
    noQueued: '没有任务等待空闲工作者。',
    lane: '{0}:{1}。',
    laneSeparator: ',',
    starting: '启动 {0}',
    computing: '计算 {0}',
    waiting: '等待 {0}',
    waitingIn: '等待 {0}(主要在 {1})',
    idle: '空闲 {0}',
    parallelism: '并行度:{1} 内平均 {0} 个在忙(共 {2} 个 CPU)。',
    parallelismNoCpus: '并行度:{1} 内平均 {0} 个在忙。',
    longest: '最长的等待:{0} 在 {2} 上的 {1},{3}{4}。',
    longest2: '第二长的等待:{0} 在 {2} 上的 {1},{3}{4}。',
    longest3: '第三长的等待:{0} 在 {2} 上的 {1},{3}{4}。',
    wall: '运行耗时 {0},共 {1} 个进程。',
  },
} as const;

export type InsightsKey = keyof (typeof STRINGS)['en'];
/** @internal for the tests: both languages have every sentence. */
export const INSIGHTS_STRINGS: Readonly<Record<InsightsLanguage, Readonly<Record<InsightsKey, string>>>> = STRINGS;

const fmt = (template: string, ...args: Array<string | number>) => template.replace(/\{(\d)\}/g, (_m, i: string) => String(args[Number(i)]));

/** µs as people read it: "850 ms", "1.2 s". */
export function formatDuration(us: number): string {
  const ms = us / 1000;
  if (ms < 1) return `${Math.round(us)} µs`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "3–5" for a run of consecutive ids, "1, 4" otherwise. */
function idRanges(ids: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
    out.push(j > i ? `${ids[i]}–${ids[j]}` : String(ids[i]));
    i = j + 1;
  }
  return out.join(', ');
}

/** A lane's shares of its lifetime: "starting 0.8 s", "computing 40 ms", "waiting 2.2 s (mostly in Queue.get)", "idle 1.0 s". */
export function laneParts(l: LaneTime, lang: InsightsLanguage = 'en'): string[] {
  const t = STRINGS[lang];
  const d = formatDuration;
  const parts: string[] = [];
  if (l.starting > 0) parts.push(fmt(t.starting, d(l.starting)));
  parts.push(fmt(t.computing, d(l.computing)));
  parts.push(l.mostWaitedOp ? fmt(t.waitingIn, d(l.waiting), l.mostWaitedOp) : fmt(t.waiting, d(l.waiting)));
  // Idle is said only of pool workers (time between tasks); other lanes are computing or waiting.
  if (l.idle > 0) parts.push(fmt(t.idle, d(l.idle)));
  return parts;
}

/** One line of the insights, with what it is about (the panel links a lane's line to its process). */
export interface InsightLine {
  kind: 'wall' | 'tasks' | 'queued' | 'lane' | 'longest' | 'parallelism';
  text: string;
  /** A lane's line: its process (and thread); a long wait's: the waiting one. */
  pid?: number;
  tid?: number;
  /** A long wait's call site. */
  loc?: SourceLocation;
  /** A long wait's place among the longest: 1, 2 or 3. */
  rank?: number;
}

/** The insights as a few lines of plain language, each with what it is about. */
export function insightLines(ins: RunInsights, lang: InsightsLanguage = 'en'): InsightLine[] {
  const t = STRINGS[lang];
  const d = formatDuration;
  const lines: InsightLine[] = [{ kind: 'wall', text: fmt(t.wall, d(ins.duration), ins.processes) }];
  if (ins.tasks) {
    lines.push({ kind: 'tasks', text: fmt(t.tasks, ins.tasks, ins.workers, ins.maxConcurrency) });
    lines.push({ kind: 'queued', text: ins.queuedTaskIds.length ? fmt(t.queued, idRanges(ins.queuedTaskIds), d(ins.longestQueue)) : t.noQueued });
  }
  for (const l of ins.lanes) {
    const line: InsightLine = { kind: 'lane', text: fmt(t.lane, l.name, laneParts(l, lang).join(t.laneSeparator)), pid: l.pid };
    if (l.tid !== undefined) line.tid = l.tid;
    lines.push(line);
  }
  // The longest waits with their sources, longest first (computeInsights keeps 3).
  const ranked = [t.longest, t.longest2, t.longest3];
  ins.longestWaits.slice(0, ranked.length).forEach((w, i) => {
    const where = w.loc ? ` (${w.loc.file.split(/[\\/]/).pop()}:${w.loc.line})` : '';
    const line: InsightLine = { kind: 'longest', text: fmt(ranked[i]!, w.name, w.op, w.label, d(w.duration), where), pid: w.pid, rank: i + 1 };
    if (w.tid !== undefined) line.tid = w.tid;
    if (w.loc) line.loc = w.loc;
    lines.push(line);
  });
  const par = ins.parallelism.toFixed(1);
  lines.push({ kind: 'parallelism', text: ins.cpus ? fmt(t.parallelism, par, d(ins.duration), ins.cpus) : fmt(t.parallelismNoCpus, par, d(ins.duration)) });
  return lines;
}

/** The insights as a few lines of plain language (the CLI's `--insights`). */
export function describeInsights(ins: RunInsights, lang: InsightsLanguage = 'en'): string[] {
  return insightLines(ins, lang).map((l) => l.text);
}
