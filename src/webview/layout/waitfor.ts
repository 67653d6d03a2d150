// The wait-for view: at a moment (now, or the replay time), every thread blocked in a call, the
// object it waits on, and the processes that could end the wait — with whether each is still
// running and whether it is itself blocked, so a chain (or a cycle) reads off the list. Who could
// end a wait is decided by the one wait-for graph of src/trace/waitfor.ts (the runner's deadlock
// watch uses the same), fed here with the trace's events up to the moment shown. Pure (no DOM);
// unit-tested in test/unit/webview/waitfor.test.ts.

import type { TraceEvent } from '../../trace/events';
import type { TraceModel, WaitSpan } from '../../trace/model';
import { WaitForGraph, type SatisfierRole } from '../../trace/waitfor';
import { laneKey } from './lanes';
import { lastIndexAtOrBefore } from './replay';
import { waitsAt, type ObjectNames } from './waits';

export type { SatisfierRole };

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
  /** A Barrier's wait (when the trace has its party count): its parties, and how many wait at it at that moment (this one included). */
  barrier?: { arrived: number; parties: number };
}

/**
 * The wait-for graph at a moment of a trace: fed with the events (in time order) up to it, and
 * kept between calls — moving forward (a live run, playing a replay) feeds only the new events;
 * moving back, or a trace whose order changed, starts over.
 */
export class WaitForCursor {
  private graph = new WaitForGraph();
  private events: readonly TraceEvent[] | undefined;
  private fed = 0;

  /** The graph after every event with ts ≤ `at` (all of them when undefined) of `events` (time-ordered). */
  at(events: readonly TraceEvent[], at: number | undefined): WaitForGraph {
    const upTo = at === undefined ? events.length : lastIndexAtOrBefore((i) => events[i]!.ts, events.length, at) + 1;
    if (events !== this.events || upTo < this.fed) {
      this.graph = new WaitForGraph();
      this.events = events;
      this.fed = 0;
    }
    for (; this.fed < upTo; this.fed++) this.graph.add(events[this.fed]!);
    return this.graph;
  }
}

/**
 * Every wait open at `at` (undefined: now) with what could end it, in the order of `order` (lane
 * keys, e.g. the tree's rows; waits of lanes not in it come last). `graph` is the wait-for graph at
 * that moment (WaitForCursor).
 */
export function waitFor(model: TraceModel, names: ObjectNames, graph: WaitForGraph, at: number | undefined, order: readonly string[] = [], waiting: ReadonlyMap<string, WaitSpan> = waitsAt(model, at)): WaitForEntry[] {
  const rank = new Map(order.map((k, i) => [k, i]));
  const keys = [...waiting.keys()].sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || waiting.get(a)!.start - waiting.get(b)!.start);
  // Parties waiting at each Barrier at that moment (one open wait per thread).
  const atBarrier = new Map<string, number>();
  for (const w of waiting.values()) if (w.objKind === 'barrier') atBarrier.set(w.objId, (atBarrier.get(w.objId) ?? 0) + 1);
  const out: WaitForEntry[] = [];
  for (const key of keys) {
    const w = waiting.get(key)!;
    const p = model.processes.get(w.pid);
    const thread = w.tid ? p?.threads.find((x) => x.tid === w.tid) : undefined;
    const satisfiers = graph.satisfiers(w).map((s): Satisfier => {
      const blockedIn = waiting.get(laneKey(s.pid, s.tid));
      return { pid: s.pid, ...(s.tid ? { tid: s.tid } : {}), name: s.name, role: s.role, alive: s.alive, ...(s.alive && blockedIn ? { blockedIn } : {}) };
    });
    const entry: WaitForEntry = { wait: w, name: thread?.name ?? p?.name ?? `pid ${w.pid}`, label: names.waitLabel(w), object: names.label(w.objKind, w.objId), satisfiers };
    if (w.objKind === 'barrier' && w.parties !== undefined) entry.barrier = { arrived: atBarrier.get(w.objId) ?? 1, parties: w.parties };
    out.push(entry);
  }
  return out;
}
