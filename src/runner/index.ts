// The runner's public entry (used by src/run and src/cli): start a snippet, get its events live,
// stop it. Contract: ./types.ts.
import { Run } from './run';
import type { RunHandle, RunOptions } from './types';

export type { RunHandle, RunOptions, RunResult, RunSummary, RunContext } from './types';
export { RunInputError, checkSnippet, SNIPPET_EXTENSIONS } from './input';
export { DEFAULT_MAX_PROCESSES } from './run';
export type { RawLines } from './rawLines';
export { ChangedLineError } from './rawLines';

/**
 * Starts a snippet. Throws RunInputError (one-line message) when it cannot start at all: a
 * missing, unreadable or unsupported file, or an unbuilt runtime. Everything after that —
 * including the snippet failing — is reported through the handle.
 */
export function startRun(options: RunOptions): RunHandle {
  return new Run(options);
}
