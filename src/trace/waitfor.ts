// The wait-for graph of a run, kept up to date event by event: who is blocked in which call,
// and who could end that wait (a lock's holder, the joined child, the other users of a pipe or
// queue, a pool's workers). The runner's deadlock watch asks it, while the run is live, whether
// every live thread is stuck (src/runner/deadlock.ts); it is pure so a viewer can ask it too.
import type { DeadlockWait, ObjectKind, TraceEvent, WaitBeginEvent } from './events';
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

/** Kinds whose waits end when a holder releases: the holders are who it waits for. */
const HELD: ReadonlySet<ObjectKind> = new Set(['lock', 'rlock', 'semaphore', 'boundedSemaphore', 'condition']);

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

export class WaitForGraph {
  private readonly threads = new Map<string, ThreadState>();
  /** Threads that ended: a join on one of them is about to end, not stuck. */
  private readonly ended = new Set<string>();
  /** Children announced by their parent (object.create, objKind process) that have not started yet. */
  private readonly starting = new Set<string>();
  private readonly names = new Map<string, string>();
  /** Open holds: objId → holder thread keys (one per open hold). */
  private readonly holders = new Map<string, string[]>();
  /** Threads that used a queue or pipe (sent or received on it), by channelId. */
  private readonly users = new Map<string, Set<string>>();
  /** A pool's workers (their thread keys), by poolId. */
  private readonly workers = new Map<string, Set<string>>();
  private readonly labels = new Map<string, string>();
  private readonly kindCounts = new Map<ObjectKind, number>();
  /** Counts events: the run is silent while it does not move. */
  version = 0;

  /** Feeds one event; cheap for the kinds that do not matter (the hot ones: task and message lines). */
  add(e: TraceEvent): void {
    // Any event is activity: the watch wants the graph stuck AND the run silent for its grace.
    this.version++;
    switch (e.kind) {
      case 'process.start':
        this.started(e.pid, 0, e.name);
        break;
      case 'thread.start':
        this.started(e.pid, e.tid, e.name);
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
        const t = this.threads.get(key(e.pid, e.tid));
        if (t) t.tasks++;
        let set = this.workers.get(e.poolId);
        if (!set) this.workers.set(e.poolId, (set = new Set()));
        set.add(key(e.pid, e.tid));
        break;
      }
      case 'task.end': {
        const t = this.threads.get(key(e.pid, e.tid));
        if (t && t.tasks > 0) t.tasks--;
        break;
      }
      case 'message.send':
      case 'message.recv':
        if (e.channel !== 'manager') this.use(e.channelId, key(e.pid, e.tid));
        break;
      case 'object.create':
        if (e.objKind === 'process') {
          const k = processKey(e.objId);
          if (!this.threads.has(k) && !this.ended.has(k)) this.starting.add(k);
        } else this.label(e.objKind, e.objId);
        break;
      case 'wait.begin': {
        this.label(e.objKind, e.objId);
        // Who waits on a queue or pipe uses it: it may be the one to put to it or send on it.
        if (e.objKind === 'queue' || e.objKind === 'joinableQueue' || e.objKind === 'pipe') this.use(e.objId, key(e.pid, e.tid));
        this.threads.get(key(e.pid, e.tid))?.waits.set(e.waitId, e);
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
      default:
        // Output, errors, pool states, submits: nothing the graph needs.
        break;
    }
  }

  /** Events that were not fed one by one (the runner keeps message lines as bytes): activity all the same. */
  touch(n: number): void {
    this.version += n;
  }

  /** A message.send/recv on a queue or pipe (not a manager's) by this thread, without its event. */
  usedChannel(channelId: string, pid: number, tid: number): void {
    this.use(channelId, key(pid, tid));
  }

  private use(channelId: string, k: string): void {
    let set = this.users.get(channelId);
    if (!set) {
      this.users.set(channelId, (set = new Set()));
      // Its creator ("q<pid>[.<tid>]:<n>", "p…") holds it too.
      const m = /^[qp](\d+)(?:\.(\d+))?:/.exec(channelId);
      if (m) set.add(key(Number(m[1]), m[2] === undefined ? 0 : Number(m[2])));
    }
    set.add(k);
  }

  private started(pid: number, tid: number, name: string): void {
    const k = key(pid, tid);
    this.starting.delete(k);
    this.names.set(k, name);
    const role = /^Pool(Worker|Thread)-/.test(name) ? 'worker' : /Manager-\d+$/.test(name) ? 'server' : 'other';
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

  /** Pids of the live traced processes. */
  livePids(): Set<number> {
    return new Set([...this.threads.values()].map((t) => t.pid));
  }

  /** Open waits now, per live thread (for a wait-for view). */
  openWaits(): WaitBeginEvent[] {
    const out: WaitBeginEvent[] = [];
    for (const t of this.threads.values()) out.push(...t.waits.values());
    return out;
  }

  /** Threads that could end wait `w` of thread `self` (live ones, self excluded). */
  satisfiers(w: WaitBeginEvent, self: string): string[] {
    let found: Iterable<string> = [];
    if (HELD.has(w.objKind)) found = this.holders.get(w.objId) ?? [];
    else if (w.objKind === 'process') found = [processKey(w.objId)]; else if (w.objKind === 'pool' || w.objKind === 'asyncResult') found = this.workers.get(w.objId.split('/')[0]) ?? [];
    else if (w.objKind === 'queue' || w.objKind === 'joinableQueue' || w.objKind === 'pipe') found = this.users.get(w.objId) ?? [];
    return [...new Set(found)].filter((k) => k !== self && this.threads.has(k));
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
    for (const [k, ws] of blocked) edges.set(k, [...new Set(ws.flatMap((w) => this.satisfiers(w, k)))].filter((s) => blocked.has(s)));
    const cycle = findCycle(edges);
    const order = cycle ?? [...blocked.keys()];
    const waits = order.map((k) => {
      const t = this.threads.get(k) as ThreadState;
      const ws = blocked.get(k) as WaitBeginEvent[];
      // The wait that points along the cycle, else the oldest.
      const next = cycle ? cycle[(cycle.indexOf(k) + 1) % cycle.length] : undefined;
      const w = ws.find((x) => next !== undefined && this.satisfiers(x, k).includes(next)) ?? ws[0];
      const d: DeadlockWait = {
        pid: t.pid,
        name: t.name,
        op: w.op,
        objKind: w.objKind,
        objId: w.objId,
        label: w.objKind === 'process' ? (this.names.get(processKey(w.objId)) ?? `Process ${w.objId}`) : this.label(w.objKind, w.objId),
        waitsFor: this.satisfiers(w, k).map((s) => {
          const o = this.threads.get(s) as ThreadState;
          return o.tid ? { pid: o.pid, tid: o.tid, name: o.name } : { pid: o.pid, name: o.name };
        }),
      };
      if (t.tid) d.tid = t.tid;
      if (w.loc) d.loc = w.loc;
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
    if (w.waitsFor.length) return `${who} on ${w.label}, which only ${names(w)} could end${where(w)}`;
    return `${who} on ${w.label}, which no live process can end${where(w)}`;
  };
  return `${r.cycle ? 'deadlock' : 'deadlock (dead end)'}: ${r.waits.map(one).join('; ')}`;
}
