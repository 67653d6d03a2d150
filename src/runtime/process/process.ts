// Process: Python's multiprocessing.Process with spawn semantics. The child imports the snippet
// module again and calls the target by its export name with cloned args.
import { threadId } from 'worker_threads';
import { emit, tracing } from '../tracing/tracer';
import { exitCodeOf, spawnChild, type ChildHandle } from './backend';
import { installExitHook, liveChildren, type ChildRecord } from './children';
import { checkTimeout, MESSAGES, ProcessError } from '../errors';
import { mainModule, nextChildIdentity, self, type ContextKind } from './identity';
import { encodeInherited } from '../transport/serialize';
import { exportNameOf } from './targets';
import { callerLoc } from '../tracing/callsite';
import { traceWait } from '../tracing/waits';

export interface ProcessOptions {
  /** An exported top-level function of the snippet module. */
  target: (...args: never[]) => unknown;
  args?: readonly unknown[];
  name?: string;
  /** Daemon children are terminated when their parent exits; non-daemon ones are waited for. */
  daemon?: boolean;
}

export class Process {
  /** Set by getContext(): which backend this class starts. Undefined = the run's default. */
  static contextKind: ContextKind | undefined;

  readonly target: (...args: never[]) => unknown;
  readonly args: readonly unknown[];
  name: string;
  daemon: boolean;
  /** The child's pid once started (in the thread context, this process's pid). */
  pid: number | null = null;
  /** worker_threads threadId in the thread context, else null. */
  threadId: number | null = null;
  /** null while running; the exit code, or minus the signal number (-15 after terminate()). */
  exitCode: number | null = null;

  private readonly identity: number[];
  private readonly context: ContextKind;
  private handle: ChildHandle | undefined;
  private exited: Promise<void> | undefined;

  constructor(options: ProcessOptions) {
    if (typeof options !== 'object' || options === null) throw new ProcessError('new Process({ target, args }) needs an options object');
    this.target = options.target;
    this.args = options.args ?? [];
    if (!Array.isArray(this.args)) throw new ProcessError(`args must be an array, got ${typeof this.args}`);
    this.context = (new.target as typeof Process).contextKind ?? self.defaultContext;
    const id = nextChildIdentity(this.context === 'thread' ? 'Thread' : 'Process');
    this.identity = id.identity;
    this.name = options.name ?? id.name;
    this.daemon = !!options.daemon;
  }

  start(): void {
    if (this.handle) throw new ProcessError(MESSAGES.startTwice);
    const fn = exportNameOf(this.target, 'target');
    const args = encodeInherited(this.args, `an argument of ${fn}`, this.context);
    const module = mainModule() as string;
    const handle = spawnChild({
      t: 'boot',
      role: 'process',
      context: this.context,
      module,
      name: this.name,
      identity: this.identity,
      parent: { name: self.name, pid: process.pid, tid: threadId },
      fn,
      args,
      daemon: this.daemon,
    }, args);
    this.handle = handle;
    this.pid = handle.pid;
    this.threadId = handle.tid ?? null;
    let resolveExit!: () => void;
    this.exited = new Promise<void>((resolve) => (resolveExit = resolve));
    const record: ChildRecord = { name: this.name, pid: handle.pid, daemon: this.daemon, handle, exited: this.exited, view: this };
    handle.onExit((code, signal) => {
      this.exitCode = exitCodeOf(code, signal);
      liveChildren.delete(record);
      if (handle.tid !== undefined && tracing) emit({ kind: 'thread.exit', tid: handle.tid, exitCode: this.exitCode });
      resolveExit();
    });
    liveChildren.add(record);
    installExitHook();
    // A daemon child must not keep its parent alive (Python terminates it at the parent's exit).
    if (this.daemon) handle.unref();
  }

  /** Resolves when the process has exited, or after `timeoutMs` (it does not throw on timeout, as Python). */
  join(timeoutMs?: number): Promise<void> {
    if (!this.exited) throw new ProcessError(MESSAGES.notStarted);
    const timed = timeoutMs !== undefined && timeoutMs !== null;
    if (timed) checkTimeout(timeoutMs);
    if (!tracing || this.exitCode !== null) return this.joined(timeoutMs);
    // Blocks until the child exits: the child is its object ("pid", or "pid.tid" for a thread).
    const objId = this.threadId === null ? String(this.pid) : `${this.pid}.${this.threadId}`;
    const info = { loc: callerLoc(this.join), timeoutMs: timed ? timeoutMs : undefined, targetPid: this.pid ?? undefined };
    return traceWait(this.joined(timeoutMs), 'Process.join', 'process', objId, info, () => (this.exitCode === null ? 'timeout' : 'ok'));
  }

  private joined(timeoutMs: number | undefined): Promise<void> {
    const exited = this.exited as Promise<void>;
    if (timeoutMs === undefined || timeoutMs === null) return exited;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void this.exited?.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  isAlive(): boolean {
    return !!this.handle && this.exitCode === null;
  }

  /** SIGTERM (Python's terminate()); the child's own children follow it. */
  terminate(): void {
    this.handle?.kill('SIGTERM');
  }

  /** SIGKILL. */
  kill(): void {
    this.handle?.kill('SIGKILL');
  }

  toString(): string {
    const state = !this.handle ? 'initial' : this.exitCode === null ? 'started' : `stopped exitcode=${this.exitCode}`;
    return `<Process name='${this.name}' pid=${this.pid ?? 'None'} ${state}${this.daemon ? ' daemon' : ''}>`;
  }
}

