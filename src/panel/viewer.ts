// What the rest of the extension may ask of the trace viewer. src/run pushes live runs into it;
// the panel implements it. Kept as an interface so src/run does not depend on panel internals.
import type { RunHandle } from '../runner/types';

export interface RunActions {
  /** Start the same snippet again ("Run again" in the panel). */
  rerun?: () => void;
}

export interface TraceViewer {
  /** Opens (or reveals) the panel. */
  show(): Promise<void>;
  /** Streams a live run into the panel; Stop in the panel calls handle.stop(). */
  attachRun(handle: RunHandle, actions?: RunActions): void;
  /** Resolves when pending work that must outlive a reload (saving the last run) is done. */
  flush(): Promise<void>;
  /** pids the panel's process list currently shows (for tests and other extensions). */
  shownPids(): number[];
}
