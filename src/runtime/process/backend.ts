// The one seam between the two contexts: start a child that runs our bootstrap, as an OS process
// (child_process.fork) or as a worker thread. Everything above this file is context-agnostic.
import type { ChildProcess } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import type * as net from 'net';
import { isMainThread, type Worker } from 'worker_threads';
import { PROCESS_NAME_ENV, RUN_ID_ENV } from '../../trace/channel';
import { PortEndpoint, SocketEndpoint, type Endpoint } from '../transport/frames';
import { sharedBuffersToInherit } from '../transport/sharedBuffers';
import { placeSpawnHolds, rootInfo, type InheritedWriter } from '../transport/channels';
import { inheritedNotes } from '../transport/serialize';
import { sweepOwnRunAtExit } from '../memory/stores';
import type { ContextKind } from './identity';
import { tracing } from '../tracing/tracer';
import { capturingOutput, writeUncaptured } from '../tracing/captureOutput';
import { objectCreated } from '../tracing/waits';

/** How long an exited child's control socket may stay open before its exit is reported anyway. */
const EXIT_GRACE_MS = 200;

/** The file descriptor of a child process's control socket (a socketpair made by spawn). */
export const CONTROL_FD = 3;

/** The child entry script, next to this bundle (dist/runtime/child.js). */
export const CHILD_SCRIPT = path.join(__dirname, 'child.js');

export interface ChildHandle {
  readonly kind: ContextKind;
  readonly pid: number;
  /** worker_threads threadId for the thread context. */
  readonly tid: number | undefined;
  readonly endpoint: Endpoint;
  onExit(cb: (exitCode: number | null, signal: string | null) => void): void;
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
  ref(): void;
  unref(): void;
}

/** The message that tells a fresh child what to run. */
export interface BootMessage {
  t: 'boot';
  role: 'process' | 'worker' | 'manager';
  context: ContextKind;
  module: string;
  name: string;
  identity: number[];
  parent: { name: string; pid: number; tid: number };
  [key: string]: unknown;
}

class ProcessChild implements ChildHandle {
  readonly kind = 'process' as const;
  readonly pid: number;
  readonly tid = undefined;
  readonly endpoint: SocketEndpoint;
  private exitCbs: Array<(code: number | null, signal: string | null) => void> = [];
  private exited = false;

  constructor(private readonly child: ChildProcess) {
    this.pid = child.pid as number;
    this.endpoint = new SocketEndpoint(child.stdio[CONTROL_FD] as net.Socket);
    const done = (code: number | null, signal: NodeJS.Signals | null) => {
      if (this.exited) return;
      this.exited = true;
      for (const cb of this.exitCbs) cb(code, signal);
    };
    let socketClosed = false;
    this.endpoint.onClose(() => (socketClosed = true));
    child.on('exit', (code, signal) => {
      // What the child wrote just before exiting (a pool worker's last results) may still be
      // unread in its socket: report the exit after the socket's end. A grandchild that
      // inherited the socket could hold it open, hence the time limit.
      if (socketClosed) return done(code, signal);
      const timer = setTimeout(() => done(code, signal), EXIT_GRACE_MS);
      this.endpoint.onClose(() => {
        clearTimeout(timer);
        done(code, signal);
      });
    });
    child.on('error', () => {
      if (child.exitCode === null && child.signalCode === null && !child.pid) done(null, null);
    });
  }
  onExit(cb: (exitCode: number | null, signal: string | null) => void): void {
    this.exitCbs.push(cb);
  }
  kill(signal: 'SIGTERM' | 'SIGKILL'): void {
    if (!this.exited) this.child.kill(signal);
  }
  ref(): void {
    this.child.ref();
    this.endpoint.ref();
  }
  unref(): void {
    this.child.unref();
    this.endpoint.unref();
  }
}

class ThreadChild implements ChildHandle {
  readonly kind = 'thread' as const;
  readonly pid = process.pid;
  readonly tid: number;
  readonly endpoint: PortEndpoint;
  private requested: string | null = null;
  private exitCbs: Array<(code: number | null, signal: string | null) => void> = [];

  constructor(private readonly worker: Worker) {
    this.tid = worker.threadId;
    this.endpoint = new PortEndpoint(worker);
    worker.on('error', () => undefined); // reported through 'exit' (code 1), as a dying process would be
    worker.on('exit', (code) => {
      for (const cb of this.exitCbs) cb(this.requested ? null : code, this.requested);
    });
  }
  onExit(cb: (exitCode: number | null, signal: string | null) => void): void {
    this.exitCbs.push(cb);
  }
  kill(signal: 'SIGTERM' | 'SIGKILL'): void {
    // A thread cannot be signalled; report it as the signal the caller asked for, like a process.
    this.requested ??= signal;
    void this.worker.terminate();
  }
  ref(): void {
    this.worker.ref();
  }
  unref(): void {
    this.worker.unref();
  }
}

/** Tells one of a worker's piped stdio streams not to reference the worker's port (Node's `kIncrementsPortRef`), if this Node has it. */
function noPortRef(stream: object): void {
  const sym = Object.getOwnPropertySymbols(stream).find((s) => s.description === 'kIncrementsPortRef');
  if (sym) (stream as Record<symbol, unknown>)[sym] = false;
}

/**
 * Starts a child running CHILD_SCRIPT and hands it `boot`. Throws (e.g. the run's process cap) as
 * fork does. `inherited`: the child's encoded arguments (encodeInherited), whose pipe writing ends
 * this process holds for a child process until it registers them itself.
 */
export function spawnChild(boot: BootMessage, inherited?: Uint8Array): ChildHandle {
  // Every process of a run names its shared-memory files after the run. Started without the
  // runner, the run is named after its main process, here, before the first child: a child may
  // make a block its parent maps (a queue consumer's counter, channels.ts), so both must agree.
  if (isMainThread && process.env[RUN_ID_ENV] === undefined) {
    process.env[RUN_ID_ENV] = `pid${process.pid}`;
    // Its files are then this process's to sweep at exit (the runner sweeps its own runs').
    sweepOwnRunAtExit();
  }
  // Where the queues and pipes this child makes will live (channels.ts): the run's root.
  const root = rootInfo();
  if (root) boot = { ...boot, root };
  if (boot.context === 'thread') {
    const { Worker } = require('worker_threads') as typeof import('worker_threads');
    // Thread-context shared objects name their SharedArrayBuffers; the new thread inherits them all.
    const shared = sharedBuffersToInherit();
    // When this thread's output is traced, the new thread captures its own (with its tid and
    // prefix) and its bytes are passed on here uncaptured; otherwise Node pipes them as usual.
    const own = capturingOutput();
    const data: BootMessage = shared ? { ...boot, sharedBuffers: shared } : { ...boot };
    if (own) data.capture = true;
    const worker = new Worker(CHILD_SCRIPT, { workerData: data, stdout: own, stderr: own });
    if (own) {
      // Node keeps the worker's port referenced while its piped stdout/stderr are read, whatever
      // worker.unref() says: an unref'd thread (a daemon, an idle pool's or a manager's) kept the
      // run alive forever. The worker's own handle decides, as when Node pipes them itself.
      for (const s of [worker.stdout, worker.stderr]) noPortRef(s);
      worker.stdout.on('data', (b: Buffer) => writeUncaptured('stdout', b));
      worker.stderr.on('data', (b: Buffer) => writeUncaptured('stderr', b));
    }
    return announced(new ThreadChild(worker), boot);
  }
  // Like fork() (same node, same execArgv: loaders, --import), but without Node's IPC channel:
  // our socketpair on fd 3 carries everything, and a child without IPC starts faster.
  // Loaded on first use: a child that starts no children of its own never pays for it.
  const { spawn } = require('child_process') as typeof import('child_process');
  const cp = spawn(process.execPath, [...process.execArgv, CHILD_SCRIPT], {
    stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
    env: { ...process.env, [PROCESS_NAME_ENV]: boot.name },
  });
  const child = new ProcessChild(cp);
  // The reader of a pipe this child will write must not see EOF if we die before the child has
  // registered (channels.ts, SpawnHold): the hold leaves first, then the boot message.
  const holds = cp.pid ? placeSpawnHolds(cp.pid, inheritedNotes(inherited) as InheritedWriter[]) : undefined;
  if (holds) {
    const held = { ...boot, held: holds.held };
    child.onExit(() => holds.release());
    void holds.sent.then(() => child.endpoint.send(held));
  } else child.endpoint.send(boot);
  return announced(child, boot);
}

/**
 * Tells the trace a child is starting (object.create, objKind `process`): until its own start
 * event arrives — which takes long on a loaded machine — the runner's deadlock watch knows that
 * someone is coming who may end the others' waits.
 */
function announced<H extends ChildHandle>(h: H, boot: BootMessage): H {
  if (tracing && h.pid) objectCreated('process', h.tid === undefined ? String(h.pid) : `${h.pid}.${h.tid}`, undefined, boot.name);
  return h;
}

/** Python's exitcode: the exit code, or minus the signal number when a signal ended it. */
export function exitCodeOf(code: number | null, signal: string | null): number | null {
  if (signal) return -((os.constants.signals as Record<string, number>)[signal] ?? 1);
  return code;
}
