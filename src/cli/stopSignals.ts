// Ctrl-C, SIGTERM and SIGHUP, caught from the CLI's first line (main.ts imports this module
// first). Until a JavaScript listener exists Node leaves a signal at its default action, which
// ends the process at once: a `run` signalled while the CLI was still loading (a loaded machine
// takes a second) ended with no trace at all. Caught early, the signal waits in the event loop
// until `run` has started the tree, which it then stops in order and writes the trace.
// Every other command releases them: a caught signal is raised again, with its default action.

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
export const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

let caught: StopSignal | undefined;
let installed = false;
const listeners = new Set<(signal: StopSignal) => void>();

function onSignal(signal: NodeJS.Signals): void {
  caught ??= signal as StopSignal;
  for (const l of listeners) l(signal as StopSignal);
}

/** Starts catching (idempotent). */
export function catchStopSignals(): void {
  if (installed) return;
  installed = true;
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
}

/** The first stop signal caught so far. */
export function caughtStopSignal(): StopSignal | undefined {
  return caught;
}

/** Calls `listener` for every stop signal from now on, and at once for one already caught. */
export function onStopSignal(listener: (signal: StopSignal) => void): () => void {
  catchStopSignals();
  listeners.add(listener);
  if (caught) listener(caught);
  return () => listeners.delete(listener);
}

/** Back to the default actions; a signal caught and not handled ends the process as it would have. */
export function releaseStopSignals(opts: { handled: boolean }): void {
  if (!installed) return;
  installed = false;
  for (const s of STOP_SIGNALS) process.off(s, onSignal);
  listeners.clear();
  const pending = caught;
  caught = undefined;
  if (pending && !opts.handled) process.kill(process.pid, pending);
}

catchStopSignals();
