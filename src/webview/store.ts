// The viewer's data: every event received so far, the TraceModel built from them incrementally,
// and the derived per-lane index (rebuilt lazily, at most as often as it is cheap to).

import type { TraceEvent, TraceHeader } from '../trace/events';
import { TraceModel } from '../trace/model';
import { buildIndex, type TraceIndex } from './layout/spatial';

export class TraceStore {
  header: TraceHeader | undefined;
  model = new TraceModel();
  /** Events in arrival order; `sorted()` gives them on the shared clock. */
  private events: TraceEvent[] = [];
  private sortedCache: TraceEvent[] | undefined;
  private inOrder = true;
  private index: TraceIndex | undefined;
  private indexAt = 0;
  private indexCostMs = 0;
  /** Bumped on every change; views compare it to know when to refresh. */
  version = 0;

  reset(header: TraceHeader | undefined): void {
    this.header = header;
    this.model = new TraceModel();
    this.events = [];
    this.sortedCache = undefined;
    this.inOrder = true;
    this.index = undefined;
    this.version++;
  }

  add(events: readonly TraceEvent[]): void {
    if (events.length === 0) return;
    const last = this.events.length ? this.events[this.events.length - 1]!.ts : -Infinity;
    let prev = last;
    for (const e of events) {
      if (e.ts < prev) this.inOrder = false;
      prev = e.ts;
      this.events.push(e);
      this.model.add(e);
    }
    this.sortedCache = undefined;
    this.version++;
  }

  get count(): number {
    return this.events.length;
  }

  /** µs epoch of the first event: timeline times are relative to it. */
  get origin(): number {
    return Number.isFinite(this.model.firstTs) ? this.model.firstTs : 0;
  }

  /** µs from the first to the last event. */
  get duration(): number {
    return this.model.eventCount ? this.model.lastTs - this.model.firstTs : 0;
  }

  /** Events ordered by ts (stable), for replay. */
  sorted(): readonly TraceEvent[] {
    if (this.inOrder) return this.events;
    if (!this.sortedCache) {
      // Array.prototype.sort is stable: events with equal ts keep their arrival order.
      this.sortedCache = this.events.slice().sort((a, b) => a.ts - b.ts);
    }
    return this.sortedCache;
  }

  /**
   * The per-lane index. While events stream in, rebuilding every frame would cost O(n) per frame;
   * instead the index is refreshed only when the time since the last build is several times what
   * the build cost, so a live run spends at most ~20% of its time indexing.
   */
  getIndex(now: number, force = false): TraceIndex {
    const stale = !this.index || this.indexVersion !== this.version;
    if (stale && (force || !this.index || now - this.indexAt >= this.indexCostMs * 4)) {
      const t = performance.now();
      this.index = buildIndex(this.model, this.model.lastTs);
      this.indexCostMs = performance.now() - t;
      this.indexAt = now;
      this.indexVersion = this.version;
    }
    return this.index!;
  }

  /** True while the index lags behind the data (another frame should be scheduled). */
  indexStale(): boolean {
    return this.indexVersion !== this.version;
  }

  private indexVersion = -1;
}
