// Per-lane indexes so a frame only touches what is visible: task spans and marks sorted by time
// per lane (binary search to the first visible one), messages sorted by their earlier end.
// Pure; unit-tested. Times are absolute µs (as in the events).

import type { OutputEvent, ErrorEvent } from '../../trace/events';
import type { HoldSpan, MessageArrow, TaskSpan, TraceModel, WaitSpan } from '../../trace/model';
import { laneKey, rowOf } from './lanes';
import { ObjectNames } from './waits';
import { lowerBoundIn, prefixCount, prefixMax, type SpanTrack } from './lod';
import { lowerBound } from './replay';

export type Mark = { ts: number; event: OutputEvent | ErrorEvent };

export interface LaneItems {
  /** Started tasks run in this lane, sorted by start. */
  tasks: TaskSpan[];
  /** Longest task in the lane (µs), bounds the binary search for the first visible one. */
  maxTaskDur: number;
  /** Output lines and errors, sorted by ts. */
  marks: Mark[];
  /**
   * The same times as flat arrays, which the per-frame loops read instead of the objects (they
   * visit every visible item; contiguous numbers are several times cheaper than scattered
   * objects): task starts, task ends (NaN while open when the index was built; the span itself
   * has the end once it is known), mark times.
   */
  taskStarts: Float64Array;
  taskEnds: Float64Array;
  markTs: Float64Array;
  /** The tasks as a span track for level-of-detail drawing (starts/ends above, plus endMax). */
  taskTrack: SpanTrack;
  /** Output lines only (errors are drawn on their own, always): times and how many are stderr before each. */
  outputTs: Float64Array;
  stderrBefore: Int32Array;
  errors: ErrorEvent[];
  errorTs: Float64Array;
  /** Message ends (sends and receives) in this lane, sorted, and how many are queue ends before each. */
  messageTs: Float64Array;
  queueBefore: Int32Array;
  /** Blocked calls of this lane's thread, sorted by start, as a span track; the longest (µs). */
  waits: WaitSpan[];
  waitTrack: SpanTrack;
  maxWaitDur: number;
  /** Locks (semaphore units, condition locks) held, sorted by start, as a span track; the longest. */
  holds: HoldSpan[];
  holdTrack: SpanTrack;
  maxHoldDur: number;
}

export interface TraceIndex {
  lanes: Map<string, LaneItems>;
  /** Messages with at least one end known, sorted by their earlier end. */
  messages: MessageArrow[];
  maxMessageDur: number;
  /** People's names for the run's objects ("Queue#1", "Lock#2"). */
  names: ObjectNames;
}

const EMPTY = new Float64Array(0);
const EMPTY_COUNTS = new Int32Array(1);
const EMPTY_TRACK: SpanTrack = { starts: EMPTY, ends: EMPTY, endMax: EMPTY };

const lane = (m: Map<string, LaneItems>, key: string): LaneItems => {
  let l = m.get(key);
  if (!l) {
    l = {
      tasks: [],
      maxTaskDur: 0,
      marks: [],
      taskStarts: EMPTY,
      taskEnds: EMPTY,
      markTs: EMPTY,
      taskTrack: { starts: EMPTY, ends: EMPTY, endMax: EMPTY },
      outputTs: EMPTY,
      stderrBefore: EMPTY_COUNTS,
      errors: [],
      errorTs: EMPTY,
      messageTs: EMPTY,
      queueBefore: EMPTY_COUNTS,
      waits: [],
      waitTrack: EMPTY_TRACK,
      maxWaitDur: 0,
      holds: [],
      holdTrack: EMPTY_TRACK,
      maxHoldDur: 0,
    };
    m.set(key, l);
  }
  return l;
};

export const messageStart = (m: MessageArrow): number => Math.min(m.sendTs ?? Infinity, m.recvTs ?? Infinity);
export const messageEnd = (m: MessageArrow): number => Math.max(m.sendTs ?? -Infinity, m.recvTs ?? -Infinity);

/** `now`: the end used for spans still open (the last event seen). */
export function buildIndex(model: TraceModel, now: number): TraceIndex {
  const lanes = new Map<string, LaneItems>();
  // Lanes found by their numbers: a key string per task and message end cost more than the rest
  // of the loops (the index is built before a trace's first frame).
  const byPid = new Map<number, LaneItems>();
  const byThread = new Map<number, Map<number, LaneItems>>();
  const laneOf = (pid: number, tid: number | undefined): LaneItems => {
    if (!tid) {
      let l = byPid.get(pid);
      if (!l) byPid.set(pid, (l = lane(lanes, laneKey(pid))));
      return l;
    }
    let threads = byThread.get(pid);
    if (!threads) byThread.set(pid, (threads = new Map()));
    let l = threads.get(tid);
    if (!l) threads.set(tid, (l = lane(lanes, laneKey(pid, tid))));
    return l;
  };
  for (const t of model.tasks) {
    if (t.pid === undefined || t.start === undefined) continue;
    const l = laneOf(t.pid, t.tid);
    l.tasks.push(t);
    const dur = (t.end ?? now) - t.start;
    if (dur > l.maxTaskDur) l.maxTaskDur = dur;
  }
  const outputs = new Map<LaneItems, OutputEvent[]>();
  for (const e of model.outputs) {
    const l = laneOf(e.pid, e.tid);
    l.marks.push({ ts: e.ts, event: e });
    let list = outputs.get(l);
    if (!list) outputs.set(l, (list = []));
    list.push(e);
  }
  for (const e of model.errors) {
    const l = laneOf(e.pid, e.tid);
    l.marks.push({ ts: e.ts, event: e });
    l.errors.push(e);
  }
  // Message ends per lane: [time, 1 for a queue end], gathered flat and sorted per lane below.
  const ends = new Map<LaneItems, number[]>();
  const end = (pid: number | undefined, tid: number | undefined, ts: number | undefined, queue: boolean) => {
    if (pid === undefined || ts === undefined) return;
    const l = laneOf(pid, tid);
    let list = ends.get(l);
    if (!list) ends.set(l, (list = []));
    list.push(ts, queue ? 1 : 0);
  };
  for (const m of model.messages) {
    end(m.fromPid, m.fromTid, m.sendTs, m.channel === 'queue');
    end(m.toPid, m.toTid, m.recvTs, m.channel === 'queue');
  }
  for (const w of model.waits) {
    const l = laneOf(w.pid, w.tid);
    l.waits.push(w);
    const dur = (w.end ?? now) - w.start;
    if (dur > l.maxWaitDur) l.maxWaitDur = dur;
  }
  for (const hd of model.holds) {
    const l = laneOf(hd.pid, hd.tid);
    l.holds.push(hd);
    const dur = (hd.end ?? now) - hd.start;
    if (dur > l.maxHoldDur) l.maxHoldDur = dur;
  }
  for (const l of lanes.values()) {
    // Each list's times read once, in a loop of its own (one object shape each: cheap even before
    // the code is optimised, which a trace's first index is built before), and sorted only when
    // they are not in order already (events mostly come in time order).
    const tasks = l.tasks;
    let starts = taskStartsOf(tasks);
    if (!inOrder(starts)) {
      tasks.sort((x, y) => x.start! - y.start!);
      starts = taskStartsOf(tasks);
    }
    const taskEnds = new Float64Array(tasks.length);
    for (let i = 0; i < tasks.length; i++) taskEnds[i] = tasks[i]!.end ?? NaN;
    l.taskStarts = starts;
    l.taskEnds = taskEnds;
    l.taskTrack = { starts, ends: taskEnds, endMax: prefixMax(taskEnds) };
    let markTs = markTsOf(l.marks);
    if (!inOrder(markTs)) {
      l.marks.sort((x, y) => x.ts - y.ts);
      markTs = markTsOf(l.marks);
    }
    l.markTs = markTs;
    if (l.waits.length) {
      sortIfNeeded(l.waits, (w) => w.start);
      l.waitTrack = spanTrack(l.waits);
    }
    if (l.holds.length) {
      // hold.spans records arrive per flush, so holds of several objects interleave: sort.
      sortIfNeeded(l.holds, (hd) => hd.start);
      l.holdTrack = spanTrack(l.holds);
    }
    const outs = outputs.get(l) ?? [];
    let outputTs = eventTsOf(outs);
    if (!inOrder(outputTs)) {
      outs.sort((x, y) => x.ts - y.ts);
      outputTs = eventTsOf(outs);
    }
    l.outputTs = outputTs;
    const stderrBefore = new Int32Array(outs.length + 1);
    for (let i = 0; i < outs.length; i++) stderrBefore[i + 1] = stderrBefore[i]! + (outs[i]!.stream === 'stderr' ? 1 : 0);
    l.stderrBefore = stderrBefore;
    sortIfNeeded(l.errors, (e) => e.ts);
    l.errorTs = Float64Array.from(l.errors, (e) => e.ts);
    const flat = ends.get(l) ?? [];
    const n = flat.length / 2;
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = flat[2 * i - 2]! <= flat[2 * i]!;
    if (sorted) {
      // Mostly so (messages come in time order): no index array to sort.
      const ts = new Float64Array(n);
      const queued = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) {
        ts[i] = flat[2 * i]!;
        queued[i + 1] = queued[i]! + flat[2 * i + 1]!;
      }
      l.messageTs = ts;
      l.queueBefore = queued;
    } else {
      const order = Array.from({ length: n }, (_, i) => i);
      order.sort((a, b) => flat[2 * a]! - flat[2 * b]!);
      l.messageTs = Float64Array.from(order, (i) => flat[2 * i]!);
      l.queueBefore = prefixCount(order.length, (i) => flat[2 * order[i]! + 1] === 1);
    }
  }
  const messages = model.messages.filter((m) => m.sendTs !== undefined || m.recvTs !== undefined);
  let sortedMessages = true;
  for (let i = 1, prev = messages.length ? messageStart(messages[0]!) : 0; i < messages.length && sortedMessages; i++) {
    const m = messages[i]!;
    const start = Math.min(m.sendTs ?? Infinity, m.recvTs ?? Infinity);
    sortedMessages = prev <= start;
    prev = start;
  }
  if (!sortedMessages) sortIfNeeded(messages, messageStart);
  let maxMessageDur = 0;
  for (const m of messages) {
    // Unreceived messages are drawn up to `now` (time spent waiting), so they count to `now`.
    const d = m.sendTs !== undefined ? Math.abs((m.recvTs ?? now) - m.sendTs) : 0;
    if (d > maxMessageDur) maxMessageDur = d;
  }
  return { lanes, messages, maxMessageDur, names: new ObjectNames(model) };
}

function spanTrack(spans: readonly { start: number; end?: number }[]): SpanTrack {
  const starts = Float64Array.from(spans, (x) => x.start);
  const ends = Float64Array.from(spans, (x) => x.end ?? NaN);
  return { starts, ends, endMax: prefixMax(ends) };
}

/** Index range [from, to) of a track's spans (at most `maxDur` long) that may intersect [t0, t1]. */
export function visibleSpans(track: SpanTrack, maxDur: number, t0: number, t1: number): [number, number] {
  const n = track.starts.length;
  const from = lowerBoundIn(track.starts, 0, n, t0 - maxDur);
  const to = lowerBoundIn(track.starts, from, n, t1 + 1e-9);
  return [from, to];
}

const taskStartsOf = (tasks: readonly TaskSpan[]): Float64Array => {
  const out = new Float64Array(tasks.length);
  for (let i = 0; i < tasks.length; i++) out[i] = tasks[i]!.start!;
  return out;
};
const markTsOf = (marks: readonly Mark[]): Float64Array => {
  const out = new Float64Array(marks.length);
  for (let i = 0; i < marks.length; i++) out[i] = marks[i]!.ts;
  return out;
};
const eventTsOf = (events: readonly OutputEvent[]): Float64Array => {
  const out = new Float64Array(events.length);
  for (let i = 0; i < events.length; i++) out[i] = events[i]!.ts;
  return out;
};
const inOrder = (a: Float64Array): boolean => {
  for (let i = 1; i < a.length; i++) if (a[i - 1]! > a[i]!) return false;
  return true;
};

/** Events mostly arrive in time order; checking first avoids an O(n log n) sort per rebuild. */
function sortIfNeeded<T>(a: T[], key: (x: T) => number): void {
  for (let i = 1; i < a.length; i++) {
    if (key(a[i - 1]!) > key(a[i]!)) {
      a.sort((x, y) => key(x) - key(y));
      return;
    }
  }
}

/** Index range [from, to) of tasks that may intersect [t0, t1]. */
export function visibleTasks(l: LaneItems, t0: number, t1: number): [number, number] {
  const from = lowerBound((i) => l.taskStarts[i]!, l.tasks.length, t0 - l.maxTaskDur);
  const to = lowerBound((i) => l.taskStarts[i]!, l.tasks.length, t1 + 1e-9);
  return [from, to];
}

export function visibleMarks(l: LaneItems, t0: number, t1: number): [number, number] {
  const from = lowerBound((i) => l.markTs[i]!, l.marks.length, t0);
  const to = lowerBound((i) => l.markTs[i]!, l.marks.length, t1 + 1e-9);
  return [from, to];
}

export function visibleMessages(idx: TraceIndex, t0: number, t1: number): [number, number] {
  const from = lowerBound((i) => messageStart(idx.messages[i]!), idx.messages.length, t0 - idx.maxMessageDur);
  const to = lowerBound((i) => messageStart(idx.messages[i]!), idx.messages.length, t1 + 1e-9);
  return [from, to];
}

/**
 * The index's messages as flat numbers for the per-frame loop: send/receive times (NaN when not
 * known) and sender/receiver rows (-1 when the lane has no row). Resolving rows per message per
 * frame (string keys, map lookups) was most of a zoomed-out frame at 200k messages, and rows only
 * change when the tree does, so this is built once per index and row layout.
 */
export interface MessageRows {
  send: Float64Array;
  recv: Float64Array;
  fromRow: Int32Array;
  toRow: Int32Array;
}

export function messageRows(messages: readonly MessageArrow[], lanes: ReadonlyMap<string, number>): MessageRows {
  const n = messages.length;
  const r: MessageRows = { send: new Float64Array(n), recv: new Float64Array(n), fromRow: new Int32Array(n), toRow: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    const m = messages[i]!;
    r.send[i] = m.sendTs ?? NaN;
    r.recv[i] = m.recvTs ?? NaN;
    r.fromRow[i] = rowOf(lanes, m.fromPid, m.fromTid) ?? -1;
    r.toRow[i] = rowOf(lanes, m.toPid, m.toTid) ?? -1;
  }
  return r;
}

/** Distance from point (px, py) to the segment (x0, y0)-(x1, y1), for picking arrows. */
export function distanceToSegment(px: number, py: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / len2));
  return Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy));
}
