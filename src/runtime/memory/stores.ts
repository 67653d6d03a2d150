// The process context's shared memory: blocks other processes can map too. The native module
// (native/shm.c, built per platform into dist/runtime/native/) maps files in /dev/shm and sleeps
// on futexes. Without it (another OS or CPU) process-context shared objects fail with a clear
// error; the thread context and managers still work (docs/shared-state.md, "Limits").
import * as fs from 'fs';
import * as path from 'path';
import { isMainThread } from 'worker_threads';
import { RUN_ID_ENV, SHM_DIR, SHM_ENV, shmRunPrefix } from '../../trace/channel';
import { ProcessError } from '../errors';
import type { Backend, Block } from './segment';
import { blockOf } from './segment';
import type { Sleeper, WaitResult } from './words';
import { tracing } from '../tracing/tracer';
import { runClock } from '../tracing/clock';
import { useHoldClock } from '../tracing/waits';

export interface Store {
  readonly backend: Backend;
  /** A new zeroed block of `size` bytes named `name`. */
  create(name: string, size: number): Block;
  /** A block another thread or process created. */
  open(name: string, size: number): Block;
}

interface Native {
  create(name: string, size: number): ArrayBuffer;
  open(name: string): ArrayBuffer;
  unlink(name: string): boolean;
  wait(buf: ArrayBuffer, index: number, expected: number, ms: number): Promise<0 | 1 | 2>;
  wake(buf: ArrayBuffer, index: number, count: number): number;
  /** CLOCK_MONOTONIC in whole µs. */
  nowUs(): number;
  /** ppoll + read of a non-blocking fd (transport/spin.ts); missing in a module built before it. */
  readWait?(fd: number, buf: Buffer, us: number): number;
}

declare const __non_webpack_require__: NodeJS.Require | undefined;

let native: Native | null | undefined;

/** The native module for this platform, or null when it is not there (or cannot load). */
export function loadNative(): Native | null {
  if (native !== undefined) return native;
  const load = typeof __non_webpack_require__ === 'function' ? __non_webpack_require__ : require;
  const file = path.join(__dirname, 'native', `${process.platform}-${process.arch}`, 'shm.node');
  try {
    native = load(file) as Native;
  } catch {
    native = null;
  }
  // Hold stamps (two per traced critical section) in one native call instead of hrtime.bigint.
  if (native && tracing && typeof native.nowUs === 'function') useHoldClock(native.nowUs, runClock.offsetMicros);
  return native;
}

const RESULTS: readonly WaitResult[] = ['ok', 'not-equal', 'timed-out'];
const INT_MAX = 0x7fffffff;

function futexSleeper(n: Native): Sleeper {
  return {
    wait: (i32, index, expected, ms) => n.wait(i32.buffer as ArrayBuffer, index, expected, Math.ceil(ms)).then((r) => RESULTS[r]),
    notify: (i32, index, count) => n.wake(i32.buffer as ArrayBuffer, index, count === Infinity ? INT_MAX : Math.max(1, count)),
  };
}

let runPrefix: string | undefined;
let ownPrefix = false;

/** This run's file prefix. Outside the runner the main process makes one, and its children inherit it. */
function prefix(): string {
  if (runPrefix) return runPrefix;
  let runId = process.env[RUN_ID_ENV];
  if (!runId) {
    runId = `pid${process.pid}`;
    // Children are spawned with process.env: they inherit the prefix (the main thread's env only).
    if (isMainThread) process.env[RUN_ID_ENV] = runId;
  }
  // Started without the runner, the main process names the run (backend.ts passes the name to
  // every child it starts, before any of them makes a block) and sweeps it at exit.
  ownPrefix = runId === `pid${process.pid}`;
  runPrefix = shmRunPrefix(runId);
  return runPrefix;
}

/** Files this process made: removed when it exits (what a child has mapped stays valid). */
const created = new Set<string>();
let exitHooked = false;
function noteCreated(file: string, unlink: (f: string) => void): void {
  created.add(file);
  hookExit(unlink);
}

/**
 * At exit: remove what this thread made, and (in a run started without the runner) the main
 * process sweeps what killed children or terminated threads left. Hooked by whoever creates a
 * block or maps one: a main thread that only maps its worker threads' blocks must sweep too.
 */
function hookExit(unlink: (f: string) => void): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const f of created) {
      try {
        unlink(f);
      } catch {
        // already gone
      }
    }
    if (ownPrefix && isMainThread) sweepRun(runPrefix as string);
  });
}

let ownRunSwept = false;
/**
 * The main process of a run started without the runner (which sweeps its runs itself): at exit,
 * remove every file of the run, whether or not this process ever touched shared memory — a
 * child that made a block (a queue consumer's counter) and was killed, or a thread stopped with
 * its parent, cannot remove its own, and a main process that only starts children used to leave
 * them in /dev/shm for good.
 */
export function sweepOwnRunAtExit(): void {
  if (ownRunSwept || !isMainThread) return;
  ownRunSwept = true;
  const filePrefix = shmRunPrefix(`pid${process.pid}`);
  process.on('exit', () => sweepRun(filePrefix));
}

/** Removes every shared-memory file whose name starts with `filePrefix` (a run's). */
export function sweepRun(filePrefix: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(SHM_DIR);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(filePrefix)) continue;
    try {
      fs.unlinkSync(path.join(SHM_DIR, n));
    } catch {
      // raced with its owner
    }
  }
}

let nativeCached: Store | undefined;
function nativeStore(n: Native): Store {
  if (nativeCached) return nativeCached;
  const sleeper = futexSleeper(n);
  return (nativeCached = {
    backend: 'shm',
    create(name, size) {
      const file = prefix() + name;
      const ab = n.create(file, size);
      noteCreated(file, (f) => n.unlink(f));
      return blockOf(ab, sleeper);
    },
    open(name) {
      try {
        const block = blockOf(n.open(prefix() + name), sleeper);
        hookExit((f) => n.unlink(f));
        return block;
      } catch (err) {
        throw new ProcessError(`cannot map a shared object's memory (${(err as Error).message}): the process that made it has exited`);
      }
    },
  });
}

let chosen: Store | undefined;

/** The store for new process-context objects, or the one a child's descriptor names. */
export function processStore(backend?: Backend): Store {
  if (backend === 'shm') {
    const n = loadNative();
    if (!n) throw new ProcessError(MISSING(`the native module for ${process.platform}-${process.arch} is missing`));
    return nativeStore(n);
  }
  if (chosen) return chosen;
  const want = process.env[SHM_ENV];
  const n = want === 'file' ? null : loadNative();
  if (!n) throw new ProcessError(MISSING(want === 'file' ? `${SHM_ENV}=file asks for a file fallback, which this version does not have` : `the native module for ${process.platform}-${process.arch} is missing`));
  chosen = nativeStore(n);
  return chosen;
}

const MISSING = (why: string) =>
  `shared memory between processes is not available here (${why}): use getContext('thread') for Value/Lock…, or a Manager (await Manager.start(), then manager.Value(…), manager.Lock())`;
