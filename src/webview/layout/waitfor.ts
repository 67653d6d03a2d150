// The wait-for view: at a moment (now, or the replay time), every thread blocked in a call, the
// object it waits on, and the processes that could end the wait — the lock's holder, the other end
// of a pipe, the producers known to have put to a queue (or its consumers, for a put on a full
// queue), the child being joined, the pool's workers, the manager process. Each of those says
// whether it is still running and whether it is itself blocked, so a chain (or a cycle) reads off
// the list. Pure (no DOM); unit-tested in test/unit/webview/waitfor.test.ts.

import type { ObjectKind } from '../../trace/events';
import type { HoldSpan, ProcessInfo, TraceModel, WaitSpan } from '../../trace/model';
import { laneKey } from './lanes';
import { covers, waitsAt, type ObjectNames } from './waits';

/** Why a process could end a wait. */
export type SatisfierRole = 'holder' | 'otherEnd' | 'producer' | 'consumer' | 'child' | 'worker' | 'manager';

export interface Satisfier {
  pid: number;
  tid?: number;
  name: string;
  role: SatisfierRole;
  /** False when it had ended by then: it can never do it (a dead end). */
  alive: boolean;
  /** The wait it is blocked in itself at that moment, if any. */
  blockedIn?: WaitSpan;
}

export interface WaitForEntry {
  wait: WaitSpan;
  /** The waiting thread's name ("MainProcess", "Thread-1"). */
  name: string;
  /** "Queue#1.get". */
  label: string;
  /** "Queue#1". */
  object: string;
  satisfiers: Satisfier[];
}

/**
 * Who used which channel and pool, with the first time each process did (so a replay only counts
 * what had happened by then). Built once per trace version: a wait-for view over a 100k-event trace
 * must not rescan every message per blocked thread per frame.
 */
export class ObjectUsers {
  /** channelId → pid → first send / first receive (µs). */
  readonly senders = new Map<string, Map<number, number>>();
  readonly receivers = new Map<string, Map<number, number>>();
  /** poolId → worker pid → first task start. */
  readonly workers = new Map<string, Map<number, number>>();

  constructor(model: TraceModel) {
    const first = (m: Map<string, Map<number, number>>, key: string, pid: number | undefined, ts: number | undefined) => {
      if (pid === undefined || ts === undefined) return;
      let byPid = m.get(key);
      if (!byPid) m.set(key, (byPid = new Map()));
      const prev = byPid.get(pid);
      if (prev === undefined || ts < prev) byPid.set(pid, ts);
    };
    for (const msg of model.messages) {
      first(this.senders, msg.channelId, msg.fromPid, msg.sendTs);
      first(this.receivers, msg.channelId, msg.toPid, msg.recvTs);
    }
    for (const t of model.tasks) first(this.workers, t.poolId, t.pid, t.start);
  }
}

const alive = (p: ProcessInfo | undefined, t: number): boolean => p !== undefined && p.start <= t && (!p.exited || (p.end !== undefined && p.end > t));

/**
 * Every wait open at `at` (undefined: now) with what could end it, in the order of `order` (lane
 * keys, e.g. the tree's rows; waits of lanes not in it come last).
 */
export function waitFor(model: TraceModel, names: ObjectNames, users: ObjectUsers, at: number | undefined, order: readonly string[] = [], waiting: ReadonlyMap<string, WaitSpan> = waitsAt(model, at)): WaitForEntry[] {
  const t = at ?? model.lastTs;
  const rank = new Map(order.map((k, i) => [k, i]));
  const keys = [...waiting.keys()].sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || waiting.get(a)!.start - waiting.get(b)!.start);
  const out: WaitForEntry[] = [];
  // Now: only the holds still open (a locked counter's trace has hundreds of thousands of closed ones).
  const holds = at === undefined ? model.openHoldSpans() : model.holds;
  for (const key of keys) {
    const w = waiting.get(key)!;
    const p = model.processes.get(w.pid);
    const thread = w.tid ? p?.threads.find((x) => x.tid === w.tid) : undefined;
    const found = new Map<string, Satisfier>();
    const add = (pid: number | undefined, tid: number | undefined, role: SatisfierRole) => {
      if (pid === undefined || (pid === w.pid && (tid ?? 0) === (w.tid ?? 0))) return;
      const k = laneKey(pid, tid);
      if (found.has(k)) return;
      const q = model.processes.get(pid);
      const th = tid ? q?.threads.find((x) => x.tid === tid) : undefined;
      const isAlive = th ? th.start <= t && (th.end === undefined || th.end > t) : alive(q, t);
      found.set(k, { pid, ...(tid ? { tid } : {}), name: th?.name ?? q?.name ?? `pid ${pid}`, role, alive: isAlive, ...(waiting.get(k) ? { blockedIn: waiting.get(k) } : {}) });
    };
    for (const s of candidates(model, users, w, t, holds)) add(s.pid, s.tid, s.role);
    out.push({ wait: w, name: thread?.name ?? p?.name ?? `pid ${w.pid}`, label: names.waitLabel(w), object: names.label(w.objKind, w.objId), satisfiers: [...found.values()] });
  }
  return out;
}

const LOCKS: ReadonlySet<ObjectKind> = new Set(['lock', 'rlock', 'semaphore', 'boundedSemaphore', 'condition', 'value', 'array']);

function* candidates(model: TraceModel, users: ObjectUsers, w: WaitSpan, t: number, holds: readonly HoldSpan[]): Generator<{ pid: number; tid?: number; role: SatisfierRole }> {
  const before = (m: Map<number, number> | undefined) => [...(m ?? new Map<number, number>()).entries()].filter(([, ts]) => ts <= t).map(([pid]) => pid);
  if (LOCKS.has(w.objKind)) {
    for (const h of holds) if (h.objId === w.objId && covers(h, t)) yield { pid: h.pid, tid: h.tid, role: 'holder' };
    return;
  }
  switch (w.objKind) {
    case 'queue':
    case 'joinableQueue':
      // A get waits for a put; a put on a full queue (and a join) for a consumer.
      if (w.op.endsWith('.get')) for (const pid of before(users.senders.get(w.objId))) yield { pid, role: 'producer' };
      else for (const pid of before(users.receivers.get(w.objId))) yield { pid, role: 'consumer' };
      return;
    case 'pipe':
      for (const pid of new Set([...before(users.senders.get(w.objId)), ...before(users.receivers.get(w.objId))])) yield { pid, role: 'otherEnd' };
      return;
    case 'process': {
      const [pid, tid] = w.objId.split('.').map(Number);
      yield { pid: w.targetPid ?? pid!, ...(tid ? { tid } : {}), role: 'child' };
      return;
    }
    case 'pool':
      for (const pid of before(users.workers.get(w.objId))) yield { pid, role: 'worker' };
      return;
    case 'asyncResult': {
      const slash = w.objId.lastIndexOf('/');
      const poolId = w.objId.slice(0, slash);
      const taskId = Number(w.objId.slice(slash + 1));
      const task = model.tasks.find((x) => x.poolId === poolId && x.taskId === taskId);
      // The worker running it; before it started, any of the pool's workers.
      if (task?.pid !== undefined && task.start !== undefined && task.start <= t) yield { pid: task.pid, tid: task.tid, role: 'worker' };
      else for (const pid of before(users.workers.get(poolId))) yield { pid, role: 'worker' };
      return;
    }
    case 'manager':
      // The manager process: whoever received the calls on its channel.
      for (const pid of before(users.receivers.get(w.objId))) if (pid !== w.pid) yield { pid, role: 'manager' };
      return;
    default:
      // Event, barrier: anyone may set it or arrive; the trace does not say who will.
      for (const h of holds) if (h.objId === w.objId && covers(h, t)) yield { pid: h.pid, tid: h.tid, role: 'holder' };
  }
}
