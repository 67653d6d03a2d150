// Command-line parsing (util.parseArgs, Node built-in). The contract is fixed by issue #4; see
// docs/cli.md. Pure: turns argv into a Command or throws UsageError (exit 2).
import * as path from 'path';
import { parseArgs, type ParseArgsConfig } from 'util';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage:
  concurrency-lab run FILE [options] [-- ARGS...]
  concurrency-lab export IN.jsonl OUT.json
  concurrency-lab report IN.jsonl OUT.html
  concurrency-lab --help | --version

Run a .js, .mjs, .cjs, .ts, .mts or .cts snippet, or a Python script (.py), with its whole
process tree traced.

Options for run:
  --trace OUT            write the trace: OUT.jsonl (native) or OUT.json (Chrome Trace Event
                         Format, for Perfetto and chrome://tracing)
  --timeout SECONDS      stop the whole tree after SECONDS (exit code 124)
  --max-processes N      cap on live processes, main included (default 64)
  --context process|thread
                         default context for getContext() (default process)
  --prefix, --no-prefix  prefix each output line with its process (default: when stdout is a terminal)
  --python PATH          Python 3.8+ interpreter for a .py file (default: python3, then python)
  --on-deadlock report|stop
                         when every process waits for another that cannot go on: print it to
                         stderr and go on (report, default) or also stop the tree (exit code 3)
  --insights             at the end, print what the run did in plain language to stderr: tasks
                         and workers, most at once, who waited how long, parallelism vs CPUs
  -- ARGS...             arguments for the snippet (process.argv.slice(2))

Exit code: the snippet's main process's; 128 + signal number when a signal ended it; 124 on
timeout; 3 when --on-deadlock stop stopped a deadlock; 2 for usage errors and files that cannot
be run.`;

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | {
      kind: 'run';
      file: string;
      args: string[];
      trace?: string;
      timeoutMs?: number;
      maxProcesses?: number;
      context?: 'process' | 'thread';
      prefix?: boolean;
      python?: string;
      onDeadlock?: 'report' | 'stop';
      insights?: boolean;
    }
  | { kind: 'export'; input: string; output: string }
  | { kind: 'report'; input: string; output: string };

const RUN_OPTIONS = {
  trace: { type: 'string' },
  timeout: { type: 'string' },
  'max-processes': { type: 'string' },
  context: { type: 'string' },
  prefix: { type: 'boolean' },
  'no-prefix': { type: 'boolean' },
  python: { type: 'string' },
  'on-deadlock': { type: 'string' },
  insights: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Node's own parse errors, reworded as one line without its error code. */
function parse<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, ''));
  }
}

export function parseCommand(argv: string[]): Command {
  const [sub, ...rest] = argv;
  if (sub === undefined) throw new UsageError('missing command');
  if (sub === '--help' || sub === '-h' || sub === 'help') return { kind: 'help' };
  if (sub === '--version' || sub === '-v' || sub === '-V') return { kind: 'version' };
  switch (sub) {
    case 'run':
      return parseRun(rest);
    case 'export':
    case 'report':
      return parseConvert(sub, rest);
    default:
      throw new UsageError(sub.startsWith('-') ? `unknown option ${sub}` : `unknown command "${sub}"`);
  }
}

function parseRun(argv: string[]): Command {
  const { values, positionals, tokens } = parse({ args: argv, options: RUN_OPTIONS, allowPositionals: true, strict: true, tokens: true });
  if (values.help) return { kind: 'help' };
  // Everything after `--` belongs to the snippet, even if it looks like an option or a file.
  const terminator = (tokens ?? []).find((t) => t.kind === 'option-terminator');
  const before = terminator ? positionals.slice(0, positionals.length - (argv.length - terminator.index - 1)) : positionals;
  const after = terminator ? argv.slice(terminator.index + 1) : [];
  const [file, ...extra] = before;
  if (!file) throw new UsageError('run: missing FILE');
  const cmd: Extract<Command, { kind: 'run' }> = { kind: 'run', file, args: [...extra, ...after] };
  if (values.trace !== undefined) {
    const ext = path.extname(values.trace).toLowerCase();
    if (ext !== '.jsonl' && ext !== '.json') throw new UsageError(`--trace: ${values.trace} must end in .jsonl (native trace) or .json (Chrome trace)`);
    cmd.trace = values.trace;
  }
  if (values.timeout !== undefined) {
    const s = Number(values.timeout);
    if (!values.timeout.trim() || !Number.isFinite(s) || s <= 0) throw new UsageError(`--timeout: expected a positive number of seconds, not "${values.timeout}"`);
    cmd.timeoutMs = Math.ceil(s * 1000);
  }
  if (values['max-processes'] !== undefined) {
    const n = Number(values['max-processes']);
    if (!/^\d+$/.test(values['max-processes']) || n < 1) throw new UsageError(`--max-processes: expected a positive integer, not "${values['max-processes']}"`);
    cmd.maxProcesses = n;
  }
  if (values.context !== undefined) {
    if (values.context !== 'process' && values.context !== 'thread') throw new UsageError(`--context: expected process or thread, not "${values.context}"`);
    cmd.context = values.context;
  }
  if (values.prefix && values['no-prefix']) throw new UsageError('--prefix and --no-prefix contradict each other');
  if (values.python !== undefined) {
    if (!values.python.trim()) throw new UsageError('--python: expected the path of a Python interpreter');
    cmd.python = values.python;
  }
  const onDeadlock = values['on-deadlock'];
  if (onDeadlock !== undefined) {
    if (onDeadlock !== 'report' && onDeadlock !== 'stop') throw new UsageError(`--on-deadlock: expected report or stop, not "${onDeadlock}"`);
    cmd.onDeadlock = onDeadlock;
  }
  if (values.insights) cmd.insights = true;
  if (values.prefix) cmd.prefix = true;
  if (values['no-prefix']) cmd.prefix = false;
  return cmd;
}

function parseConvert(kind: 'export' | 'report', argv: string[]): Command {
  const { values, positionals } = parse({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  if (values.help) return { kind: 'help' };
  const want = kind === 'export' ? 'IN.jsonl OUT.json' : 'IN.jsonl OUT.html';
  if (positionals.length < 2) throw new UsageError(`${kind}: missing ${positionals.length ? 'OUT' : 'IN and OUT'} (usage: concurrency-lab ${kind} ${want})`);
  if (positionals.length > 2) throw new UsageError(`${kind}: too many arguments (usage: concurrency-lab ${kind} ${want})`);
  return { kind, input: positionals[0], output: positionals[1] };
}
