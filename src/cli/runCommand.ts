// `concurrency-lab run`: runs a snippet through the runner, passes its output through as it is
// written, forwards Ctrl-C / SIGTERM as a stop of the whole tree, writes the trace, and returns
// the exit code (main's; 128 + signal; 124 on timeout).
import * as os from 'os';
import * as path from 'path';
import { isatty } from 'tty';
import { startRun } from '../runner';
import type { Command } from './args';
import { onStopSignal, releaseStopSignals } from './stopSignals';
import { checkWritable, isChrome, writeTrace } from './traceFiles';
import type { TraceEvent, TraceHeader } from '../trace/events';
import { TraceModel } from '../trace/model';
import { computeInsights, describeInsights } from '../trace/insights';

export const TIMEOUT_EXIT = 124;
/** `--on-deadlock stop` stopped the run (docs/cli.md). */
export const DEADLOCK_EXIT = 3;
/** The run's stdout was closed by its reader (`… | head`): 128 + SIGPIPE, as a shell reports it. */
export const OUTPUT_CLOSED_EXIT = 141;

/** `--insights`: the run in plain language, one line each, in the user's language (zh-cn or en). */
function printInsights(header: TraceHeader, events: readonly TraceEvent[], warn: (line: string) => void): void {
  const env = process.env;
  const lang = /^zh/i.test(env.LC_ALL || env.LC_MESSAGES || env.LANG || '') ? 'zh-cn' : 'en';
  for (const line of describeInsights(computeInsights(new TraceModel(events), header.cpus ?? os.cpus().length), lang)) warn(line);
}

export function signalExitCode(signal: string | null): number {
  const n = signal ? (os.constants.signals as Record<string, number>)[signal] : undefined;
  return 128 + (n ?? 0);
}

export async function runCommand(cmd: Extract<Command, { kind: 'run' }>, io: { isTTY: boolean; warn: (line: string) => void }): Promise<number> {
  if (cmd.trace) checkWritable(cmd.trace);
  const prefix = cmd.prefix ?? io.isTTY;
  // A reader that closes our stdout early (`| head`) ends the run as SIGPIPE ends a shell
  // pipeline: the tree is stopped and the trace written, rather than an EPIPE crash that leaves
  // the run's processes and shared memory behind.
  let outputClosed = false;
  const onStdoutError = () => {
    if (outputClosed) return;
    outputClosed = true;
    void handle.stop();
  };
  process.stdout.on('error', onStdoutError);
  const handle = startRun({
    file: path.resolve(cmd.file),
    args: cmd.args,
    cwd: process.cwd(),
    timeoutMs: cmd.timeoutMs,
    maxProcesses: cmd.maxProcesses,
    context: cmd.context,
    pythonPath: cmd.python,
    onDeadlock: cmd.onDeadlock,
    outputPrefix: prefix ? (io.isTTY ? 'color' : 'plain') : undefined,
    // Piped or redirected input reaches the snippet; a terminal cannot (the run is a background
    // process group, which the terminal would stop on its first read).
    stdin: isatty(0) ? 'ignore' : 'inherit',
    // A native trace is written from the channel's own lines (see writeTrace); message lines are
    // not made events at all unless --insights asks for result.events.
    keepLines: cmd.trace !== undefined && !isChrome(cmd.trace),
    // Straight through, as bytes: binary output passes unharmed. Writes to pipes, files and
    // terminals are synchronous in Node on Linux, so a fast snippet cannot pile up memory here.
    onOutput: (stream, chunk) => {
      if (stream === 'stderr') process.stderr.write(chunk);
      else if (!outputClosed) process.stdout.write(chunk);
    },
  });
  let stoppedBy: NodeJS.Signals | undefined;
  // Caught since the CLI's first line (stopSignals.ts): one that came while it loaded is seen here.
  const offSignals = onStopSignal((sig) => {
    stoppedBy ??= sig;
    void handle.stop();
  });
  // Said as soon as it is seen, while the run may still go on.
  handle.onEvents((batch) => {
    for (const e of batch) if (e.kind === 'deadlock') io.warn(e.message);
  });
  let result: Awaited<typeof handle.done> | undefined;
  try {
    result = await handle.done;
    if (cmd.trace) writeTrace(cmd.trace, result.header, result.lines ?? result.events);
    if (result.malformed) io.warn(`${result.malformed} malformed line(s) on the trace channel were skipped`);
    const s = result.summary;
    if (outputClosed) {
      io.warn('stdout was closed before the run ended: stopped the whole process tree');
      return OUTPUT_CLOSED_EXIT;
    }
    if (cmd.insights) printInsights(result.header, result.events, io.warn);
    if (s.reason === 'timeout') {
      io.warn(`timed out after ${(cmd.timeoutMs ?? 0) / 1000} s: stopped the whole process tree`);
      return TIMEOUT_EXIT;
    }
    if (stoppedBy) return signalExitCode(stoppedBy);
    if (s.reason === 'deadlock') return DEADLOCK_EXIT;
    if (s.reason === 'error') return 1;
    if (s.signal) return signalExitCode(s.signal);
    return s.exitCode ?? 1;
  } finally {
    // The trace-channel files its lines are copied from (and events made from, for --insights).
    result?.lines?.close();
    offSignals();
    releaseStopSignals({ handled: true });
    process.stdout.off('error', onStdoutError);
  }
}
