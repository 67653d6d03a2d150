// The wait-for graph of a run, kept up to date event by event: who is blocked in which call,
// and who could end that wait (a lock's holder, the joined child, a queue's producers or
// consumers, a pipe's other end, a pool's workers, the manager, who could set an Event, the
// parties that have not arrived at a Barrier). The one implementation of those rules: the
// runner's deadlock watch feeds it live and asks whether every live thread is stuck
// (src/runner/deadlock.ts); the viewer feeds it the events up to the moment it shows (now, or the
// replay time) and lists who waits for whom (src/webview/layout/waitfor.ts). Pure.
import type { DeadlockWait, HoldEntry, ObjectKind, TraceEvent, WaitBeginEvent } from './events';
import { OBJECT_LABELS } from './model';

interface ThreadState {
  pid: number;
  tid: number;
  name: string;
  /** Open waits by waitId. */
  waits: Map<number, WaitBeginEvent>;
  /** A pool worker (idle between tasks: it only acts when given one) or a manager's server (only answers). */
  role: 'worker' | 'server' | 'other';
  /** Tasks running now (a pool worker's). */
  tasks: number;
}

/** Why a thread could end a wait. */
export type SatisfierRole = 'holder' | 'otherEnd' | 'producer' | 'consumer' | 'child' | 'worker' | 'manager' | 'setter' | 'party';

export interface GraphSatisfier {
  /** Thread key "pid:tid" (tid 0: the main thread). */
  key: string;
  pid: number;
  /** Absent for a process's main thread. */
  tid?: number;
  name: string;
  role: SatisfierRole;
  /** Still running (started and not ended): a dead one can never end the wait. */
  alive: boolean;
}

/** What a wait is, as far as who could end it goes (a wait.begin, or a viewer's span of one). */
export type WaitRef = Pick<WaitBeginEvent, 'pid' | 'tid' | 'op' | 'objKind' | 'objId' | 'targetPid'>;

/** Kinds whose waits end when a holder releases: the holders are who it waits for. */
const HELD: ReadonlySet<ObjectKind> = new Set(['lock', 'rlock', 'semaphore', 'boundedSemaphore', 'condition', 'value', 'array']);

export interface StuckReport {
  cycle: boolean;
  waits: DeadlockWait[];
}

const key = (pid: number, tid: number | undefined) => `${pid}:${tid ?? 0}`;
/** A child's objId ("pid", or "pid.tid" for a thread) as a thread key. */
const processKey = (objId: string) => {
  const [pid, tid] = objId.split('.').map(Number);
  return key(pid, tid);
};
const isQueue = (k: ObjectKind) => k === 'queue' || k === 'joinableQueue';

/** True when one of the ordered [acquired, released] pairs covers `t` (binary search). */
function coveringPair(pairs: ReadonlyArray<Readonly<HoldEntry>>, t: number): boolean {
  let lo = 0;
  let hi = pairs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pairs[mid]![0] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && pairs[lo - 1]![1] > t;
}

function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let set = m.get(k);
  if (!set) m.set(k, (set = new Set()));
  set.add(v);
}

export class WaitForGraph {
  private readonly threads = new Map<string, ThreadState>();
  /** Threads that ended: a join on one of them is about to end, not stuck. */
  private readonly ended = new Set<string>();
  /** Children announced by their parent (object.create, objKind process) that have not started yet. */
  private readonly starting = new Set<string>();
  /** Every thread seen start: its name, start time and (a process's) parent pid. */
  private readonly names = new Map<string, string>();
  private readonly started = new Map<string, number>();
  private readonly parents = new Map<number, number>();
  /** Open holds: objId → holder thread keys (one per open hold). */
  private readonly holders = new Map<string, string[]>();
  /** Holds known only as closed spans (hold.spans records, their pairs in order): objId → [holder, pairs]. */
  private readonly spanHolds = new Map<string, Array<[string, ReadonlyArray<Readonly<HoldEntry>>]>>();
  /** Queues and pipes: who sent on them, who received, who waited to put / to get / in recv. */
  private readonly senders = new Map<string, Set<string>>();
  /** Threads that sent or received on a queue or pipe, which way not known (usedChannel). */
  private readonly channelUsers = new Map<string, Set<string>>();
  private readonly receivers = new Map<string, Set<string>>();
  private readonly putters = new Map<string, Set<string>>();
  private readonly getters = new Map<string, Set<string>>();
  /** Every thread that ever waited on an object (Event, Barrier, pipe…). */
  private readonly waiters = new Map<string, Set<string>>();
  /** Objects announced by object.create: their creator thread and when. */
  private readonly creators = new Map<string, { key: string; pid: number; ts: number }>();
  /** A pool's workers (their thread keys), by poolId; the worker of each started task ("poolId/taskId"). */
  private readonly workers = new Map<string, Set<string>>();
  private readonly taskWorker = new Map<string, string>();
  /** A manager's server threads (who received calls on its channel), by the manager's objId. */
  private readonly managers = new Map<string, Set<string>>();
  private readonly labels = new Map<string, string>();
  private readonly kindCounts = new Map<ObjectKind, number>();
  /** Counts events: the run is silent while it does not move. */
  version = 0;
  /** The latest time fed (µs): the moment the graph describes. */
  now = -Infinity;

  /** Feeds one event (in time order); cheap for the kinds that do not matter (the hot ones: task and message lines). */
  add(e: TraceEvent): void {
    // Any event is activity: the watch wants the graph stuck AND the run silent for its grace.
    this.version++;
    if (e.ts > this.now) this.now = e.ts;
    switch (e.kind) {
      case 'process.start':
        this.parents.set(e.pid, e.ppid);
        this.start(e.pid, 0, e.name, e.ts);
        break;
      case 'thread.start':
        this.start(e.pid, e.tid, e.name, e.ts);
        break;
      case 'process.exit':
        for (const [k, t] of this.threads) if (t.pid === e.pid) this.gone(k);
        this.ended.add(key(e.pid, 0));
        this.starting.delete(key(e.pid, 0));
        break;
      case 'thread.exit':
        this.gone(key(e.pid, e.tid));
        break;
      case 'task.start': {
        const k = key(e.pid, e.tid);
        const t = this.threads.get(k);
        if (t) t.tasks++;
        addTo(this.workers, e.poolId, k);
        this.taskWorker.set(`${e.poolId}/${e.taskId}`, k);
        break;
      }
      case 'task.end': {
        const t = this.threads.get(key(e.pid, e.tid));
        if (t && t.tasks > 0) t.tasks--;
        break;
      }
      case 'message.send':
        if (e.channel !== 'manager') addTo(this.senders, e.channelId, key(e.pid, e.tid));
        break;
      case 'message.recv':
        addTo(e.channel === 'manager' ? this.managers : this.receivers, e.channelId, key(e.pid, e.tid));
        break;
      case 'object.create':
        if (e.objKind === 'process') {
          const k = processKey(e.objId);
          if (!this.threads.has(k) && !this.ended.has(k)) this.starting.add(k);
        } else {
          this.label(e.objKind, e.objId);
          if (!this.creators.has(e.objId)) this.creators.set(e.objId, { key: key(e.pid, e.tid), pid: e.pid, ts: e.ts });
        }
        break;
      case 'wait.begin': {
        this.label(e.objKind, e.objId);
        const k = key(e.pid, e.tid);
        addTo(this.waiters, e.objId, k);
        // Who waits to get from a queue will consume; who waits to put will produce.
        if (isQueue(e.objKind)) addTo(e.op.endsWith('.get') ? this.getters : this.putters, e.objId, k);
        this.threads.get(k)?.waits.set(e.waitId, e);
        break;
      }
      case 'wait.end':
        this.threads.get(key(e.pid, e.tid))?.waits.delete(e.waitId);
        break;
      case 'hold.begin': {
        const list = this.holders.get(e.objId);
        if (list) list.push(key(e.pid, e.tid));
        else this.holders.set(e.objId, [key(e.pid, e.tid)]);
        break;
      }
      case 'hold.end': {
        const list = this.holders.get(e.objId);
        const i = list ? list.lastIndexOf(key(e.pid, e.tid)) : -1;
        if (list && i >= 0) list.splice(i, 1);
        break;
      }
      case 'hold.spans': {
        // Closed holds: they matter to a viewer looking at a moment inside one. The record is
        // kept by reference (no copy of its pairs) until its last pair is over.
        const last = e.spans[e.spans.length - 1];
        if (!last || last[1] <= this.now) break;
        let list = this.spanHolds.get(e.objId);
        if (!list) this.spanHolds.set(e.objId, (list = []));
        else if (list.length > 16) this.spanHolds.set(e.objId, (list = list.filter(([, p]) => p[p.length - 1]![1] > this.now)));
        list.push([key(e.pid, e.tid), e.spans]);
        break;
      }
      default:
        // Output, errors, pool states, submits: nothing the graph needs.
        break;
    }
  }

  /** Events that were not fed one by one (the runner keeps message lines as bytes): activity all the same. */
  touch(n: number): void {
    this.version += n;
  }

  /** n task.ends of this thread not fed one by one (the runner keeps their lines as bytes). */
  taskEnds(pid: number, tid: number | undefined, n: number): void {
    const t = this.threads.get(key(pid, tid));
    if (t) t.tasks = Math.max(0, t.tasks - n);
  }

  /**
   * A message.send/recv on a queue or pipe (not a manager's) by this thread, without its event
   * (the runner keeps such lines as bytes): a use whose direction is not known, so the thread
   * counts as a producer and as a consumer.
   */
  usedChannel(channelId: string, pid: number, tid: number): void {
    addTo(this.channelUsers, channelId, key(pid, tid));
  }

  private start(pid: number, tid: number, name: string, ts: number): void {
    const k = key(pid, tid);
    this.starting.delete(k);
    this.names.set(k, name);
    this.started.set(k, ts);
    // (Python names a pool's processes after their start method: ForkPoolWorker-1, SpawnPoolWorker-1, ForkServerPoolWorker-1.)
    const role = /^(?:Fork|Spawn|ForkServer)?Pool(?:Worker|Thread)-/.test(name) ? 'worker' : /Manager-\d+$/.test(name) ? 'server' : 'other';
    this.threads.set(k, { pid, tid, name, waits: new Map(), role, tasks: 0 });
  }

  private gone(k: string): void {
    this.threads.delete(k);
    this.starting.delete(k);
    this.ended.add(k);
    // Holds of a thread that ended are released with it (the model does the same).
    for (const list of this.holders.values()) for (let i = list.length - 1; i >= 0; i--) if (list[i] === k) list.splice(i, 1);
  }

  private label(kind: ObjectKind, id: string): string {
    let l = this.labels.get(id);
    if (l === undefined) {
      const n = (this.kindCounts.get(kind) ?? 0) + 1;
      this.kindCounts.set(kind, n);
      this.labels.set(id, (l = kind === 'process' ? `Process ${id}` : `${OBJECT_LABELS[kind]}#${n}`));
    }
    return l;
  }

  /** How many live threads are waiting at a Barrier now (the parties that arrived, in its current round). */
  arrivedAt(objId: string): number {
    let n = 0;
    for (const k of this.threads.keys()) if (this.waitingOn(k, objId)) n++;
    return n;
  }

  /** Pids of the live traced processes. */
  livePids(): Set<number> {
    return new Set([...this.threads.values()].map((t) => t.pid));
  }

  /** The open wait `waitId` of a thread, if it is blocked in it now. */
  openWait(pid: number, tid: number | undefined, waitId: number): WaitBeginEvent | undefined {
    return this.threads.get(key(pid, tid))?.waits.get(waitId);
  }

  /** True while the thread is blocked in a wait on `objId`. */
  private waitingOn(k: string, objId: string): boolean {
    const t = this.threads.get(k);
    if (t) for (const w of t.waits.values()) if (w.objId === objId) return true;
    return false;
  }

  /**
   * Threads that have (or may have) the object: its creator, every thread that waited on it,
   * and, while they run, the threads started after it was made in the creator's process and the
   * processes started after it below the creator's (a child gets it as an argument).
   */
  private referenceHolders(objId: string): string[] {
    const out = new Set<string>();
    const c = this.creators.get(objId);
    if (c) out.add(c.key);
    for (const k of this.waiters.get(objId) ?? []) out.add(k);
    if (c) {
      for (const [k, t] of this.threads) {
        if ((this.started.get(k) ?? -Infinity) < c.ts) continue;
        let pid: number | undefined = t.pid;
        for (let hops = 0; pid !== undefined && hops < 64 && pid !== c.pid; hops++) pid = this.parents.get(pid);
        if (pid === c.pid) out.add(k);
      }
    }
    return [...out];
  }

  /**
   * Threads that could end wait `w` (itself excluded), each with why and whether it still runs:
   * the one set of rules the deadlock watch and the wait-for view share.
   */
  satisfiers(w: WaitRef): GraphSatisfier[] {
    const self = key(w.pid, w.tid);
    const found: Array<[string, SatisfierRole]> = [];
    const add = (keys: Iterable<string> | undefined, role: SatisfierRole) => {
      for (const k of keys ?? []) found.push([k, role]);
    };
    const creator = (channelId: string) => {
      // A queue's or pipe's creator ("q<pid>[.<tid>]:<n>", "p…") has it too.
      const m = /^[qp](\d+)(?:\.(\d+))?:/.exec(channelId);
      return m ? [key(Number(m[1]), m[2] === undefined ? 0 : Number(m[2]))] : [];
    };
    if (HELD.has(w.objKind)) {
      add(this.holders.get(w.objId), 'holder');
      for (const [k, pairs] of this.spanHolds.get(w.objId) ?? []) if (coveringPair(pairs, this.now)) found.push([k, 'holder']);
    } else if (w.objKind === 'process') {
      found.push([w.targetPid !== undefined && !w.objId.includes('.') ? key(w.targetPid, 0) : processKey(w.objId), 'child']);
    } else if (w.objKind === 'pool') add(this.workers.get(w.objId), 'worker');
    else if (w.objKind === 'asyncResult') {
      // The worker running it; before it started, any of the pool's workers.
      const worker = this.taskWorker.get(w.objId);
      add(worker !== undefined ? [worker] : this.workers.get(w.objId.slice(0, w.objId.lastIndexOf('/'))), 'worker');
    } else if (isQueue(w.objKind)) {
      // A get waits for a put; a put on a full queue (and a join) for a consumer.
      if (w.op.endsWith('.get')) {
        add(this.senders.get(w.objId), 'producer');
        add(this.putters.get(w.objId), 'producer');
        add(this.channelUsers.get(w.objId), 'producer');
        add(creator(w.objId), 'producer');
      } else {
        add(this.receivers.get(w.objId), 'consumer');
        add(this.getters.get(w.objId), 'consumer');
        add(this.channelUsers.get(w.objId), 'consumer');
      }
    } else if (w.objKind === 'pipe') {
      add(this.senders.get(w.objId), 'otherEnd');
      add(this.receivers.get(w.objId), 'otherEnd');
      add(this.channelUsers.get(w.objId), 'otherEnd');
      add(this.waiters.get(w.objId), 'otherEnd');
      add(creator(w.objId), 'otherEnd');
    } else if (w.objKind === 'manager') {
      for (const k of this.managers.get(w.objId) ?? []) if (!k.startsWith(`${w.pid}:`)) found.push([k, 'manager']);
    } else if (w.objKind === 'event') {
      // Whoever has the Event and is not waiting on it could set it.
      for (const k of this.referenceHolders(w.objId)) if (!this.waitingOn(k, w.objId)) found.push([k, 'setter']);
    } else if (w.objKind === 'barrier') {
      // The parties that have not arrived: whoever has the Barrier and is not waiting at it. Its
      // creator only when nobody else could (a parent usually hands a Barrier to its parties).
      const creator = this.creators.get(w.objId)?.key;
      const missing = this.referenceHolders(w.objId).filter((k) => !this.waitingOn(k, w.objId) && k !== self);
      const others = missing.filter((k) => k !== creator && (this.threads.has(k) || this.waiters.get(w.objId)?.has(k)));
      for (const k of others.length ? others : missing) found.push([k, 'party']);
    } else add(this.holders.get(w.objId), 'holder');
    const out: GraphSatisfier[] = [];
    const seen = new Set<string>([self]);
    for (const [k, role] of found) {
      if (seen.has(k)) continue;
      seen.add(k);
      const [pid, tid] = k.split(':').map(Number) as [number, number];
      const alive = this.threads.has(k);
      // Ended threads are kept where they tell of a dead end; ones merely assumed to have an Event or a Barrier are not.
      if (!alive && (role === 'setter' || role === 'party') && !this.waiters.get(w.objId)?.has(k) && this.creators.get(w.objId)?.key !== k) continue;
      const sat: GraphSatisfier = { key: k, pid, name: this.names.get(k) ?? `pid ${pid}`, role, alive };
      if (tid) sat.tid = tid;
      out.push(sat);
    }
    return out;
  }

  /** Keys of the live threads that could end wait `w`. */
  private liveSatisfiers(w: WaitBeginEvent): string[] {
    return this.satisfiers(w)
      .filter((s) => s.alive)
      .map((s) => s.key);
  }

  /** A wait that cannot end by itself: no pending timer or I/O of its thread, no short timeout. */
  private stuckWait(w: WaitBeginEvent, graceMs: number): boolean {
    if (w.pending) return false;
    if (w.timeoutMs !== undefined && w.timeoutMs <= graceMs) return false;
    // A join on a child that is not traced yet (still starting) or just ended is about to change.
    if (w.objKind === 'process' && !this.threads.has(processKey(w.objId))) return false;
    // A pool's wait (join, a result) ends by itself while a pool worker is not blocked: an idle
    // worker of a closed pool is exiting, a busy one computing. (Any pool's worker: the trace
    // ties a worker to its pool only once it ran a task.)
    if (w.objKind === 'pool' || w.objKind === 'asyncResult') {
      for (const t of this.threads.values()) if (t.role === 'worker' && t.waits.size === 0) return false;
    }
    return true;
  }

  /**
   * When every live thread is blocked in waits that cannot end by themselves (or is a pool
   * worker without a task, or a manager's server), and at least one is blocked: the stuck waits,
   * a cycle among them when there is one. Otherwise undefined.
   */
  stuck(graceMs: number): StuckReport | undefined {
    // A child still starting may be the one to end the waits.
    if (this.starting.size) return undefined;
    const blocked = new Map<string, WaitBeginEvent[]>();
    for (const [k, t] of this.threads) {
      if (t.waits.size) {
        const ws = [...t.waits.values()];
        // A thread blocked in several calls at once wakes when any of them ends.
        if (!ws.every((w) => this.stuckWait(w, graceMs))) return undefined;
        blocked.set(k, ws);
      } else if (!(t.role === 'server' || (t.role === 'worker' && t.tasks === 0))) return undefined;
    }
    if (!blocked.size) return undefined;
    const edges = new Map<string, string[]>();
    for (const [k, ws] of blocked) edges.set(k, [...new Set(ws.flatMap((w) => this.liveSatisfiers(w)))].filter((s) => blocked.has(s)));
    const cycle = findCycle(edges);
    const order = cycle ?? [...blocked.keys()];
    const waits = order.map((k) => {
      const t = this.threads.get(k) as ThreadState;
      const ws = blocked.get(k) as WaitBeginEvent[];
      // The wait that points along the cycle, else the oldest.
      const next = cycle ? cycle[(cycle.indexOf(k) + 1) % cycle.length] : undefined;
      const w = ws.find((x) => next !== undefined && this.liveSatisfiers(x).includes(next)) ?? ws[0];
      const d: DeadlockWait = {
        pid: t.pid,
        name: t.name,
        op: w.op,
        objKind: w.objKind,
        objId: w.objId,
        label: w.objKind === 'process' ? (this.names.get(processKey(w.objId)) ?? `Process ${w.objId}`) : this.label(w.objKind, w.objId),
        waitsFor: this.liveSatisfiers(w).map((s) => {
          const o = this.threads.get(s) as ThreadState;
          return o.tid ? { pid: o.pid, tid: o.tid, name: o.name } : { pid: o.pid, name: o.name };
        }),
      };
      if (t.tid) d.tid = t.tid;
      if (w.loc) d.loc = w.loc;
      if (w.objKind === 'barrier' && w.parties !== undefined) {
        d.parties = w.parties;
        d.arrived = this.arrivedAt(w.objId);
      }
      return d;
    });
    return { cycle: cycle !== undefined, waits };
  }
}

/** A cycle in a small directed graph (thread → threads it waits for), or undefined. */
function findCycle(edges: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 1);
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      if (state.get(m) === 1) return stack.slice(stack.indexOf(m));
      if (!state.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of edges.keys()) {
    if (state.has(n)) continue;
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

/** One English sentence per wait, as the CLI prints a deadlock. */
export function describeDeadlock(r: StuckReport): string {
  const where = (w: DeadlockWait) => (w.loc ? ` (${w.loc.file.split(/[\\/]/).pop()}:${w.loc.line})` : '');
  const names = (w: DeadlockWait) => w.waitsFor.map((f) => f.name).join(', ');
  const one = (w: DeadlockWait): string => {
    const who = `${w.name} waits in ${w.op}`;
    if (w.objKind === 'process') return `${w.name} waits for ${w.label} to exit${where(w)}`;
    if (HELD.has(w.objKind)) return `${w.name} waits for ${w.label}${w.waitsFor.length ? ` held by ${names(w)}` : ''}${where(w)}`;
    if (w.parties !== undefined && w.arrived !== undefined) {
      const at = `${w.name} waits at ${w.label} (${w.arrived} of ${w.parties} arrived)`;
      return `${at}, which ${w.waitsFor.length ? `only ${names(w)} could end` : 'no live process can end'}${where(w)}`;
    }
    if (w.waitsFor.length) return `${who} on ${w.label}, which only ${names(w)} could end${where(w)}`;
    return `${who} on ${w.label}, which no live process can end${where(w)}`;
  };
  return `${r.cycle ? 'deadlock' : 'deadlock (dead end)'}: ${r.waits.map(one).join('; ')}`;
}
