// The runner's live deadlock watch: feeds every event into the run's wait-for graph
// (src/trace/waitfor.ts) and, when every live process has been stuck — blocked in waits nothing
// alive can end — and silent for a grace period, reports it once. Before reporting it makes sure
// no process of the run is missing from the trace (one still starting, or not Node at all).
import type { TraceEvent } from '../trace/events';
import { WaitForGraph, type StuckReport } from '../trace/waitfor';

/** How long the run must stay stuck before it is a deadlock (the "short grace period"). */
export const DEADLOCK_GRACE_MS = 500;
/** How often the graph is looked at while some wait is open. */
const TICK_MS = 100;

export class DeadlockWatch {
  private readonly graph = new WaitForGraph();
  private since: number | undefined;
  private sinceVersion = -1;
  private reported = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly onDeadlock: (report: StuckReport) => void,
    /** Pids of the run's live processes as the OS sees them (undefined: cannot tell). */
    private readonly livePids: () => number[] | undefined,
    private readonly graceMs = DEADLOCK_GRACE_MS,
  ) {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  add(batch: readonly TraceEvent[]): void {
    if (this.reported) return;
    for (const e of batch) this.graph.add(e);
  }

  /** Message lines the runner kept as bytes (src/runner/tail.ts): counted as activity, not fed. */
  touch(n: number): void {
    if (!this.reported) this.graph.touch(n);
  }

  /** n more task.ends of `e`'s worker thread, kept as bytes (src/runner/tail.ts). */
  taskEnds(e: TraceEvent, n: number): void {
    if (!this.reported) this.graph.taskEnds(e.pid, e.tid, n);
  }

  /** A thread sent or received on a queue or pipe (one of those byte-kept message lines). */
  usedChannel(channelId: string, pid: number, tid: number): void {
    if (!this.reported) this.graph.usedChannel(channelId, pid, tid);
  }

  private tick(): void {
    if (this.reported) return;
    const report = this.graph.stuck(this.graceMs);
    if (!report || this.graph.version !== this.sinceVersion) {
      this.since = report ? Date.now() : undefined;
      this.sinceVersion = this.graph.version;
      return;
    }
    if (this.since === undefined || Date.now() - this.since < this.graceMs) return;
    const traced = this.graph.livePids();
    const live = this.livePids();
    if (live?.some((pid) => !traced.has(pid))) {
      // A process the trace does not know (yet): it may be what the others wait for.
      this.since = Date.now();
      return;
    }
    this.reported = true;
    clearInterval(this.timer);
    this.onDeadlock(report);
  }

  close(): void {
    clearInterval(this.timer);
  }
}
