// Counts the processes of a run that are alive right now, from its event stream (for the status
// bar). Pure: no vscode, so it is unit-tested.
import type { TraceEvent } from '../trace/events';

export class LiveProcessCounter {
  private readonly alive = new Set<number>();
  private readonly exited = new Set<number>();

  /** Folds in a batch of events; returns the live count afterwards. */
  add(batch: readonly TraceEvent[]): number {
    for (const e of batch) {
      if (e.kind === 'process.start' && !this.exited.has(e.pid)) this.alive.add(e.pid);
      else if (e.kind === 'process.exit') {
        // An exit can be observed (by the parent) before the child's own start event is read.
        this.alive.delete(e.pid);
        this.exited.add(e.pid);
      } else if (e.kind === 'run.end') this.alive.clear();
    }
    return this.alive.size;
  }

  get count(): number {
    return this.alive.size;
  }
}
