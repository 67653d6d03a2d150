// One run of a snippet: starts it in its own process group with the preload in NODE_OPTIONS (so
// every Node descendant traces itself), tails the trace directory, streams events to listeners,
// and when the main process exits (or on stop/timeout) ends whatever of the tree is left and
// writes process.exit for the main process and run.end.
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { pathToFileURL } from 'url';
import { BUNDLES } from '../bundlePaths';
import { CONTEXT_ENV, ESM_HOOKS_ENV, MAX_PROCESSES_ENV, OUTPUT_PREFIX_ENV, RUNNER_PID_ENV, RUN_ID_ENV, SHM_DIR, TRACE_DIR_ENV, shmRunPrefix } from '../trace/channel';
import { CLOCK_OFFSET_ENV, makeRunClock } from '../trace/clock';
import type { TraceEvent, TraceHeader } from '../trace/events';
import { makeHeader } from '../trace/jsonl';
import { TraceModel } from '../trace/model';
import { RunInputError, checkSnippet, needsEsmHooks } from './input';
import { defaultNodePath, findExtensionRoot, quoteNodeOption } from './paths';
import { pythonEnv, resolvePython } from './python';
import { HAS_PROC, isLive, killTree, readStat, runProcesses, signal } from './procs';
import type { RawLines } from './rawLines';
import { newRunId, runDirPrefix, sweepLeftovers } from './leftovers';
import { TraceTailer } from './tail';
import { DeadlockWatch } from './deadlock';
import { describeDeadlock, type StuckReport } from '../trace/waitfor';
import type { RunHandle, RunOptions, RunResult, RunSummary } from './types';

export const DEFAULT_MAX_PROCESSES = 64;
/** How long the tree gets to exit after SIGTERM before SIGKILL. */
export const STOP_GRACE_MS = 1000;
/** Fallback poll of the trace directory, for file systems where fs.watch says nothing. */
const POLL_MS = 100;
/** Coalesces bursts of fs.watch notifications into one read. */
const WATCH_DELAY_MS = 5;

/** The run's one clock (src/trace/clock.ts): the runner's own stamps and, through CLOCK_OFFSET_ENV,
 *  every process of every run it starts. Measured once: the offset must not change between runs' processes. */
const clock = makeRunClock({ perfNow: () => performance.now(), timeOrigin: performance.timeOrigin, monotonicNs: () => process.hrtime.bigint() }, undefined);
const now = () => clock.nowMicros();

export class Run implements RunHandle {
  readonly header: TraceHeader;
  private readonly allEvents: TraceEvent[] = [];
  private readonly listeners = new Set<(batch: readonly TraceEvent[]) => void>();
  private readonly dir: string;
  private readonly runId: string;
  private readonly child: ChildProcess;
  /** The main process's start time (ProcStat.starttime): no process of the run started before it. */
  private readonly startTicks: number | undefined;
  private readonly tailer: TraceTailer;
  private readonly watcher: fs.FSWatcher | undefined;
  private readonly poll: NodeJS.Timeout;
  private readonly timeout: NodeJS.Timeout | undefined;
  private readonly maxProcesses: number;
  private readonly removeAbort: (() => void) | undefined;
  private readTimer: NodeJS.Timeout | undefined;
  private reason: RunSummary['reason'] | undefined;
  private stopping: Promise<void> | undefined;
  private finished = false;
  /** Pids seen in process.start events, minus those seen exiting: the live tree as traced. */
  private readonly started = new Map<number, number>();
  private readonly exited = new Set<number>();
  private spawnError: Error | undefined;
  /** The executable started: Node, or the Python interpreter of a .py run. */
  private readonly command: string;
  private readonly deadlocks: DeadlockWatch;
  private readonly onDeadlock: 'report' | 'stop';
  readonly done: Promise<RunResult>;

  constructor(options: RunOptions) {
    const file = path.resolve(options.file);
    const snippet = checkSnippet(file);
    const root = options.extensionRoot ?? findExtensionRoot();
    if (!root) throw new RunInputError(`the Concurrency Lab runtime is not built (${BUNDLES.runtimePreload} is missing): run npm run build`);
    const preload = path.join(root, BUNDLES.runtimePreload);
    if (!fs.existsSync(preload)) throw new RunInputError(`the Concurrency Lab runtime is not built (${preload} is missing): run npm run build`);
    this.maxProcesses = options.maxProcesses ?? DEFAULT_MAX_PROCESSES;
    if (!Number.isInteger(this.maxProcesses) || this.maxProcesses < 1) throw new RunInputError(`maxProcesses must be a positive integer, not ${this.maxProcesses}`);
    // Before anything is made (a temporary folder), so a missing interpreter is just its one line.
    const python = snippet.python ? resolvePython(options.pythonPath) : undefined;
    if (python && !fs.existsSync(path.join(root, BUNDLES.pythonTracer))) throw new RunInputError(`the Concurrency Lab Python tracer is not built (${path.join(root, BUNDLES.pythonTracer)} is missing): run npm run build`);
    const args = options.args ?? [];
    const context = options.context ?? 'process';
    this.header = makeHeader({ ts: now(), file, argv: args, context, cpus: os.cpus().length });
    this.dir = fs.mkdtempSync(runDirPrefix());
    this.runId = newRunId();
    // What runs of a host that was killed left behind (this one's own are removed at its end).
    void sweepLeftovers();
    this.tailer = new TraceTailer(this.dir, options.keepLines, (channelId, pid, tid) => this.deadlocks.usedChannel(channelId, pid, tid));

    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [k, v] of Object.entries(options.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    env[TRACE_DIR_ENV] = this.dir;
    env[CLOCK_OFFSET_ENV] = String(clock.offsetMicros);
    env[MAX_PROCESSES_ENV] = String(this.maxProcesses);
    env[CONTEXT_ENV] = context;
    env[RUN_ID_ENV] = this.runId;
    env[RUNNER_PID_ENV] = String(process.pid);
    if (options.outputPrefix) env[OUTPUT_PREFIX_ENV] = options.outputPrefix;
    else delete env[OUTPUT_PREFIX_ENV];
    let command: string;
    let argv: string[];
    if (python) {
      // The same trace variables; the Python tracer (a sitecustomize) reads them in every process.
      command = python.executable;
      pythonEnv(env, root);
      argv = [file, ...args];
    } else {
      // Without ESM hooks the preload goes in with --require, which leaves Node's choice of loader
      // for the entry alone (the CommonJS one for .js/.cjs, cheapest). With them, --import: that
      // sends every entry through the ES module loader and so through the hooks (.mts, .ts).
      const hooks = needsEsmHooks(snippet);
      if (hooks) env[ESM_HOOKS_ENV] = '1';
      else delete env[ESM_HOOKS_ENV];
      const preloadOption = hooks ? `--import ${quoteNodeOption(pathToFileURL(preload).href)}` : `--require ${quoteNodeOption(preload)}`;
      env.NODE_OPTIONS = [env.NODE_OPTIONS, preloadOption].filter(Boolean).join(' ');
      command = options.nodePath ?? defaultNodePath();
      argv = [...(options.execArgv ?? []), file, ...args];
    }
    this.command = command;

    this.child = spawn(command, argv, {
      cwd: options.cwd ?? path.dirname(file),
      env,
      // Own process group: the whole tree can be signalled at once, and a terminal's Ctrl-C
      // reaches the CLI (which stops the tree in order) rather than every process at once.
      detached: true,
      stdio: [options.stdin === 'inherit' ? 'inherit' : 'ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    // Every process of the run descends from the main one, so none started before it.
    this.startTicks = this.child.pid !== undefined ? readStat(this.child.pid)?.starttime : undefined;
    const onOutput = options.onOutput;
    for (const name of ['stdout', 'stderr'] as const) {
      const stream = this.child[name];
      if (!stream) continue;
      stream.on('data', (chunk: Buffer) => onOutput?.(name, chunk));
      stream.on('error', () => undefined);
    }
    const closed = Promise.all(
      [this.child.stdout, this.child.stderr].map((s) => (s && !s.closed ? new Promise<void>((r) => s.once('close', () => r())) : Promise.resolve())),
    );
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ts: number }>((resolve) => {
      this.child.once('exit', (code, sig) => resolve({ code, signal: sig, ts: now() }));
      this.child.once('error', (err) => {
        this.spawnError = err;
        this.reason ??= 'error';
        resolve({ code: null, signal: null, ts: now() });
      });
    });

    try {
      this.watcher = fs.watch(this.dir, () => this.scheduleRead());
      this.watcher.on('error', () => undefined);
    } catch {
      this.watcher = undefined;
    }
    this.poll = setInterval(() => this.readNow(), POLL_MS);
    this.onDeadlock = options.onDeadlock ?? 'report';
    this.deadlocks = new DeadlockWatch(
      (report) => this.deadlocked(report),
      () => (HAS_PROC ? runProcesses(`${RUN_ID_ENV}=${this.runId}`, this.child.pid, this.startTicks) : undefined),
      options.deadlockGraceMs,
    );
    this.timeout = options.timeoutMs ? setTimeout(() => void this.stopAs('timeout'), options.timeoutMs) : undefined;
    const signalOpt = options.signal;
    if (signalOpt) {
      const onAbort = () => void this.stopAs('stopped');
      if (signalOpt.aborted) queueMicrotask(onAbort);
      else signalOpt.addEventListener('abort', onAbort, { once: true });
      this.removeAbort = () => signalOpt.removeEventListener('abort', onAbort);
    }
    this.done = this.finish(exited, closed);
    // Nobody may be listening to `done` (fire and forget): its failure must not crash the host.
    this.done.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get events(): readonly TraceEvent[] {
    return this.allEvents;
  }

  onEvents(listener: (batch: readonly TraceEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): Promise<void> {
    return this.stopAs('stopped');
  }

  private stopAs(reason: RunSummary['reason']): Promise<void> {
    if (!this.finished) {
      this.reason ??= reason;
      void this.killAll();
    }
    return this.done.then(
      () => undefined,
      () => undefined,
    );
  }

  /** Every live process of the run: by the run id in its environment, the process group, and
   *  the pids the trace reported (covers platforms without /proc). */
  private findLive = (): number[] => {
    const pids = new Set(runProcesses(`${RUN_ID_ENV}=${this.runId}`, this.child.pid, this.startTicks));
    for (const pid of this.started.keys()) if (!this.exited.has(pid) && this.belongsToRun(pid)) pids.add(pid);
    const main = this.child.pid;
    if (main !== undefined && this.child.exitCode === null && this.child.signalCode === null) pids.add(main);
    return [...pids];
  };

  private belongsToRun(pid: number): boolean {
    // With /proc, runProcesses already found every process of the run; a traced pid it did not
    // find has exited (and may have been reused by someone else's process).
    return !HAS_PROC && isLive(pid);
  }

  private killAll(): Promise<void> {
    this.stopping ??= killTree(this.findLive, this.child.pid, STOP_GRACE_MS).then((signalled) => {
      this.signalled = signalled;
    });
    return this.stopping;
  }

  private signalled = new Map<number, NodeJS.Signals>();

  private scheduleRead(): void {
    if (this.readTimer || this.finished) return;
    this.readTimer = setTimeout(() => {
      this.readTimer = undefined;
      this.readNow();
    }, WATCH_DELAY_MS);
  }

  private readNow(): void {
    if (this.finished) return;
    const batch = this.tailer.read();
    const bytesOnly = this.tailer.takeBytesOnly();
    if (bytesOnly) this.deadlocks.touch(bytesOnly);
    if (batch.length) this.publish(batch, false);
    // (After the batch: it holds the task.starts these task.ends end.)
    for (const [e, n] of this.tailer.takeTaskEnds()) this.deadlocks.taskEnds(e, n);
  }

  /** Every live process is stuck: say so in the trace, and stop the run if asked to. */
  private deadlocked(report: StuckReport): void {
    if (this.finished) return;
    this.readNow();
    this.publish([{ kind: 'deadlock', ts: now(), pid: this.child.pid ?? 0, cycle: report.cycle, waits: report.waits, message: describeDeadlock(report) }]);
    if (this.onDeadlock === 'stop') void this.stopAs('deadlock');
  }

  /** `own`: the runner's events, not read from the channel (which the tailer keeps in its lines itself). */
  private publish(batch: TraceEvent[], own = true): void {
    const sorted = byTime(batch);
    this.deadlocks.add(sorted);
    const lines = own ? this.tailer.lines : undefined;
    lines?.chunk(-1);
    for (const e of sorted) {
      this.allEvents.push(e);
      lines?.addEvent(e);
      if (e.kind === 'process.start') this.started.set(e.pid, e.ts);
      else if (e.kind === 'process.exit') this.exited.add(e.pid);
    }
    this.enforceCap();
    for (const l of this.listeners) {
      try {
        l(sorted);
      } catch {
        // a listener's failure is its own
      }
    }
  }

  /** Backstop for the preload's check (which can race when many processes fork at once): kill
   *  the newest processes beyond the cap. */
  private enforceCap(): void {
    const live = [...this.started.keys()].filter((p) => !this.exited.has(p));
    if (live.length <= this.maxProcesses) return;
    const alive = live.filter((p) => isLive(p));
    if (alive.length <= this.maxProcesses) return;
    const newest = alive.sort((a, b) => (this.started.get(a) ?? 0) - (this.started.get(b) ?? 0)).slice(this.maxProcesses);
    for (const pid of newest) signal(pid, 'SIGKILL');
    this.publish([{ kind: 'error', ts: now(), pid: this.child.pid ?? 0, code: 'MAX_PROCESSES', message: `killed ${newest.length} process(es) beyond the cap of ${this.maxProcesses} live processes` }]);
  }

  private async finish(exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ts: number }>, closed: Promise<unknown>): Promise<RunResult> {
    const main = await exited;
    this.reason ??= 'exit';
    clearTimeout(this.timeout);
    this.removeAbort?.();
    // The main process is gone; whatever it left behind is ended (the run owns its whole tree).
    await this.killAll();
    // Every writer is dead now, so the stdio pipes close; a bounded wait in case an escapee holds them.
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000).unref())]);
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    this.readNow();
    this.finished = true;
    this.deadlocks.close();
    clearInterval(this.poll);
    clearTimeout(this.readTimer);
    this.watcher?.close();
    this.tailer.close();
    fs.rm(this.dir, { recursive: true, force: true }, () => undefined);
    removeSharedMemory(this.runId);

    const mainPid = this.child.pid ?? 0;
    const tail: TraceEvent[] = [];
    if (this.spawnError) tail.push({ kind: 'error', ts: main.ts, pid: mainPid, code: 'SPAWN', message: `could not start ${this.command}: ${this.spawnError.message}` });
    if (this.child.pid !== undefined) tail.push({ kind: 'process.exit', ts: main.ts, pid: mainPid, exitCode: main.code, signal: main.signal });
    // Processes whose parent died before them: nobody observed their exit.
    const end = now();
    for (const pid of this.started.keys()) {
      if (pid === mainPid || this.exited.has(pid)) continue;
      tail.push({ kind: 'process.exit', ts: end, pid, exitCode: null, signal: this.signalled.get(pid) ?? null });
    }
    tail.push(...unendedThreads(this.allEvents, end));
    const reason = this.reason;
    tail.push({ kind: 'run.end', ts: end, pid: mainPid, exitCode: main.code, signal: main.signal, reason, malformed: this.tailer.malformed });
    this.publish(tail);
    const lines = this.tailer.lines;
    if (!lines) {
      const events = byTime(this.allEvents.slice());
      const summary = summarize(events, mainPid, main.code, main.signal, reason);
      return { header: this.header, events, summary, malformed: this.tailer.malformed };
    }
    // Message lines are bytes until someone asks for result.events (the CLI's --insights).
    lines.sort();
    const summary = summarizeProcesses(processEventsOfLines(lines), lines.size, mainPid, main.code, main.signal, reason);
    let events: TraceEvent[] | undefined;
    const result = { header: this.header, summary, malformed: this.tailer.malformed, lines } as RunResult;
    Object.defineProperty(result, 'events', { enumerable: true, get: () => (events ??= lines.events()) });
    return result;
  }
}

/**
 * Threads nobody saw end: a thread's exit is written by its parent thread, and a thread ended
 * with its parent (terminated, or killed, in the thread context) takes its own child threads
 * with it — Node stops nested workers — so their exits were never written. Each ends when its
 * nearest ended ancestor did (exit code unknown), else at the end of the run.
 */
export function unendedThreads(events: readonly TraceEvent[], end: number): TraceEvent[] {
  const starts = new Map<string, { pid: number; tid: number; parentTid?: number }>();
  const exits = new Map<string, number>();
  for (const e of events) {
    if (e.kind === 'thread.start') starts.set(`${e.pid}:${e.tid}`, { pid: e.pid, tid: e.tid, parentTid: e.parentTid });
    else if (e.kind === 'thread.exit') exits.set(`${e.pid}:${e.tid}`, e.ts);
  }
  const out: TraceEvent[] = [];
  for (const [key, t] of starts) {
    if (exits.has(key)) continue;
    let ts = end;
    const seen = new Set<number>([t.tid]);
    for (let up = starts.get(`${t.pid}:${t.parentTid}`); up && !seen.has(up.tid); up = starts.get(`${t.pid}:${up.parentTid}`)) {
      seen.add(up.tid);
      const at = exits.get(`${t.pid}:${up.tid}`);
      if (at !== undefined) {
        ts = at;
        break;
      }
    }
    out.push({ kind: 'thread.exit', ts, pid: t.pid, tid: t.tid, exitCode: null });
  }
  return out;
}

/** Removes the run's shared-memory files (each process removes its own at exit; a killed one cannot). */
function removeSharedMemory(runId: string): void {
  const prefix = shmRunPrefix(runId);
  let names: string[];
  try {
    names = fs.readdirSync(SHM_DIR);
  } catch {
    return; // no /dev/shm: nothing of ours there
  }
  for (const n of names) if (n.startsWith(prefix)) fs.rm(path.join(SHM_DIR, n), { force: true }, () => undefined);
}

/**
 * Orders events on the shared clock, in place. Array.prototype.sort is stable (so equal ts keep
 * their arrival order) and fast on what it gets here: runs that are already sorted per process.
 */
export function byTime(events: TraceEvent[]): TraceEvent[] {
  return events.sort((a, b) => a.ts - b.ts);
}

export function summarize(events: TraceEvent[], mainPid: number, exitCode: number | null, sig: string | null, reason: RunSummary['reason']): RunSummary {
  // Only the processes matter here: a model of just their events (plus the first event of any pid
  // without a process.start), not of every task and message of a 400,000-event run.
  const seen = new Set<number>();
  const processEvents: TraceEvent[] = [];
  for (const e of events) {
    if (e.kind === 'process.start' || e.kind === 'process.exit') processEvents.push(e);
    else if (e.kind !== 'run.end' && !seen.has(e.pid)) processEvents.push(e);
    seen.add(e.pid);
  }
  return summarizeProcesses(processEvents, events.length, mainPid, exitCode, sig, reason);
}

/** summarize's process events from a run's lines, making no event of a message line but the
 *  first of each pid (summarize keeps no other of those). */
function processEventsOfLines(lines: RawLines): TraceEvent[] {
  const seen = new Set<number>();
  const processEvents: TraceEvent[] = [];
  for (const e of lines.madeAndFirsts()) {
    if (e.kind === 'process.start' || e.kind === 'process.exit') processEvents.push(e);
    else if (e.kind !== 'run.end' && !seen.has(e.pid)) processEvents.push(e);
    seen.add(e.pid);
  }
  return processEvents;
}

function summarizeProcesses(processEvents: TraceEvent[], count: number, mainPid: number, exitCode: number | null, sig: string | null, reason: RunSummary['reason']): RunSummary {
  const model = new TraceModel(processEvents);
  const processes = model.tree().map(({ process: p }) => ({ pid: p.pid, ppid: p.ppid, name: p.name, exitCode: p.exitCode, signal: p.signal }));
  // A snippet that never got to load the preload (e.g. a syntax error before it) still has a main process.
  if (mainPid && !model.processes.has(mainPid)) processes.unshift({ pid: mainPid, ppid: process.pid, name: 'MainProcess', exitCode, signal: sig });
  return { exitCode, signal: sig, reason, processes, traceEvents: count };
}
