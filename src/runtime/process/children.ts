// The live children of this process or thread (Process objects and pool workers), for
// activeChildren() and for Python's exit rule: a process about to exit waits for its non-daemon
// children and terminates its daemon children. Nothing here outlives its creator.
import type { ChildHandle } from './backend';
import type { Endpoint } from '../transport/frames';
import { ensureChildStart } from '../tracing/captureProcesses';
import { emit, flush, tracing } from '../tracing/tracer';
import { self } from './identity';

export interface ChildRecord {
  name: string;
  pid: number;
  daemon: boolean;
  handle: ChildHandle;
  /** Resolves when the child has exited. */
  exited: Promise<void>;
  /** The object activeChildren() returns for this child (the Process itself, or an info object). */
  view: object;
}

export const liveChildren = new Set<ChildRecord>();

/** Endpoints whose pending writes must leave this process before it exits (queues, pipes). */
const flushables = new Set<Endpoint>();
export function registerFlushable(e: Endpoint): void {
  flushables.add(e);
}
export function unregisterFlushable(e: Endpoint): void {
  flushables.delete(e);
}
export function flushAll(): Promise<void> {
  return Promise.all([...flushables].map((e) => e.drain())).then(() => undefined);
}

/** Kills every live child now (synchronously); their own children follow when they see us go. */
export function killAllChildren(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): void {
  for (const c of liveChildren) c.handle.kill(signal);
}

const exitHooks: Array<() => void | Promise<void>> = [];
/** Runs just before a child flushes and exits (e.g. to give back prefetched queue items). */
export function beforeChildExit(fn: () => void | Promise<void>): void {
  exitHooks.push(fn);
}

/** Python's exit sequence for a child: join non-daemon children, terminate daemon ones, flush. */
export async function finishChildren(): Promise<void> {
  for (const c of liveChildren) if (c.daemon) c.handle.kill('SIGTERM');
  while ([...liveChildren].some((c) => !c.daemon)) {
    await Promise.all([...liveChildren].filter((c) => !c.daemon).map((c) => c.exited));
  }
  await Promise.all(exitHooks.map((fn) => fn()));
  await flushAll();
}

let exitHookInstalled = false;
/**
 * When this process exits, daemon children are terminated as Python does. Non-daemon ones are
 * only still alive if the snippet forced an exit (process.exit, which cannot wait for them):
 * in the main process they are terminated too (the run ends with it); below it, a non-daemon
 * child process goes on as an orphan (bootstrap.ts), still using the queues and pipes it holds
 * (the root hosts them), until it ends or the run does — as os._exit() leaves them in Python.
 */
export function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', (code) => {
    // This process will not live to see these children's 'exit' events, so their ends are written
    // now, as they really happen: SIGTERM from their parent, as in Python (not "exitCode null,
    // signal null", which is all the runner could say about a process nobody saw end).
    for (const c of liveChildren) {
      if (self.isChild && !c.daemon && c.handle.kind === 'process') continue;
      c.handle.kill('SIGTERM');
      ensureChildStart(c.pid, c.name);
      emit({ kind: 'process.exit', pid: c.pid, exitCode: null, signal: 'SIGTERM' });
    }
    // An orphan's parent is not there to record its end: it does so itself.
    if (self.orphaned) emit({ kind: 'process.exit', exitCode: code, signal: null });
    if (tracing) flush();
  });
}

/** Flushes what must not be lost, then ends this child process (or thread) with `code`. */
export async function exitChild(code: number): Promise<never> {
  await finishChildren();
  if (tracing) flush();
  process.exit(code);
}
