// Rows of the process tree and lanes of the timeline are the same list, so they line up: one row
// per process in tree order, its threads right under it. Pure; unit-tested.

import type { ProcessInfo, ThreadInfo } from '../../trace/model';

export interface Row {
  kind: 'process' | 'thread';
  pid: number;
  /** Thread id for thread rows. */
  tid?: number;
  depth: number;
  process: ProcessInfo;
  thread?: ThreadInfo;
}

/** Lane key for an event: its thread's lane when it has one, else its process's lane. */
export function laneKey(pid: number, tid?: number): string {
  return tid ? `${pid}:${tid}` : `${pid}`;
}

export function rowKey(r: Row): string {
  return r.kind === 'thread' ? laneKey(r.pid, r.tid) : laneKey(r.pid);
}

/**
 * Rows for the tree in order. With `at` (replay), processes and threads that have not started yet
 * are left out: the tree grows as the learner steps through the run.
 */
export function buildRows(tree: readonly { process: ProcessInfo; depth: number }[], at?: number): Row[] {
  const rows: Row[] = [];
  for (const { process: p, depth } of tree) {
    if (at !== undefined && p.start > at) continue;
    rows.push({ kind: 'process', pid: p.pid, depth, process: p });
    for (const t of [...p.threads].sort((a, b) => a.start - b.start || a.tid - b.tid)) {
      if (at !== undefined && t.start > at) continue;
      rows.push({ kind: 'thread', pid: p.pid, tid: t.tid, depth: depth + 1, process: p, thread: t });
    }
  }
  return rows;
}

/** Row index per lane key; events of a thread without its own row fall back to the process row. */
export function laneIndex(rows: readonly Row[]): Map<string, number> {
  const m = new Map<string, number>();
  rows.forEach((r, i) => m.set(rowKey(r), i));
  return m;
}

export function rowOf(lanes: ReadonlyMap<string, number>, pid: number | undefined, tid?: number): number | undefined {
  if (pid === undefined) return undefined;
  return (tid ? lanes.get(laneKey(pid, tid)) : undefined) ?? lanes.get(laneKey(pid));
}

/** First and last row index intersecting the visible band [scrollTop, scrollTop + height). */
export function visibleRows(count: number, rowHeight: number, scrollTop: number, height: number): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight));
  const last = Math.min(count - 1, Math.floor((scrollTop + height - 1) / rowHeight));
  return [first, last];
}
