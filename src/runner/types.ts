// The runner's public contract, used by the extension (src/run, src/panel) and the CLI.
// No vscode here: cancellation is an AbortSignal so the runner is tested in plain mocha.

import type { TraceEvent, TraceHeader } from '../trace/events';
import type { RawLines } from './rawLines';

export type RunContext = 'process' | 'thread';

export interface RunOptions {
  /** Absolute path of the snippet: .js, .mjs, .cjs, .ts, .mts, .cts or .py. */
  file: string;
  /** Arguments after the file (process.argv.slice(2) in the snippet). */
  args?: string[];
  cwd?: string;
  /** Whole-run timeout; 0 or undefined = none. The tree is stopped and the run ends with reason 'timeout'. */
  timeoutMs?: number;
  /** Cap on live processes, main included (default 64). */
  maxProcesses?: number;
  /** Default context for getContext() in the snippet (default 'process'). */
  context?: RunContext;
  /** Node executable (default process.execPath, or `node` on PATH when running inside Electron). */
  nodePath?: string;
  execArgv?: string[];
  /** Python interpreter for a .py file (the concurrencyLab.pythonPath setting, the Python
   *  extension's selection, or the CLI's --python); default python3, then python, on PATH. */
  pythonPath?: string;
  env?: Record<string, string | undefined>;
  /** Aborting stops the whole tree (SIGTERM, then SIGKILL after a grace period). */
  signal?: AbortSignal;
  /** Where the snippet's own output goes as it is written (default: nowhere; it is still traced). */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  /** Prefix each line of output with the process that wrote it, e.g. `[Process-1 1234] ` (in
   *  colour with 'color'); done inside each process, so attribution is exact. Default: none. */
  outputPrefix?: 'plain' | 'color';
  /** The snippet's stdin: 'inherit' passes the runner's own (for a pipe or file; a terminal cannot
   *  be shared, as the run has a process group of its own). Default 'ignore'. */
  stdin?: 'ignore' | 'inherit';
  /** Folder holding dist/runtime (default: found from the runner's own location). */
  extensionRoot?: string;
  /** Keep each channel event's line as read (RunResult.lines), so a native trace is written by
   *  copying them (the CLI's `run --trace x.jsonl`). Message lines whose bytes alone show a valid
   *  event (src/runner/lineScan.ts) are then not made events while the run is live: `events` and
   *  onEvents' batches leave them out (the deadlock watch is told their channel uses), and
   *  RunResult.events makes them on first access. The lines stay in the run's trace-channel files,
   *  which RunResult.lines then holds open (close() them when done); default off. */
  keepLines?: boolean;
  /** When every live process is stuck waiting on the others (a `deadlock` event is written
   *  either way): 'report' lets the run go on, 'stop' stops the tree (reason 'deadlock'). */
  onDeadlock?: 'report' | 'stop';
  /** How long the run must stay stuck before it counts as a deadlock (default 500 ms). */
  deadlockGraceMs?: number;
}

/** What concurrencyLab.runFile resolves with (issue #2's contract). */
export interface RunSummary {
  exitCode: number | null;
  signal: string | null;
  reason: 'exit' | 'timeout' | 'stopped' | 'error' | 'deadlock';
  processes: { pid: number; ppid: number; name: string; exitCode: number | null; signal: string | null }[];
  traceEvents: number;
}

export interface RunResult {
  header: TraceHeader;
  /** Every event of the run, merged on the shared clock, run.end last (with keepLines, made
   *  from `lines` on first access: the CLI writes a trace without it). */
  events: TraceEvent[];
  summary: RunSummary;
  /** Lines on the trace channel that were not valid events. */
  malformed: number;
  /** With keepLines: every event in trace order, each with its line as read from the channel (the
   *  runner's own events, such as run.end, and expanded compact lines have none). Holds the
   *  channel's files open (the lines are read from them again): close() it when done with it
   *  and with `events` (a dropped one closes them when collected). */
  lines?: RawLines;
}

export interface RunHandle {
  readonly header: TraceHeader;
  /** The main process's pid once started. */
  readonly pid: number | undefined;
  /** Events so far (grows while the run is live). */
  readonly events: readonly TraceEvent[];
  /** Called with each new batch of events, in order, as they arrive. Returns an unsubscribe function. */
  onEvents(listener: (batch: readonly TraceEvent[]) => void): () => void;
  /** Stops the whole process tree; resolves when no process of the run is alive. */
  stop(): Promise<void>;
  readonly done: Promise<RunResult>;
}
