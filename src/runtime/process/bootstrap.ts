// What a child (process or worker thread) does first: read its boot message, become who the
// parent said it is, import the snippet module again and run its target or pool-worker loop.
// A child process whose parent disappears goes on as an orphan, as in Python, but watches the
// run's root (the main process) instead: when that goes, it takes its own children down and
// exits. Nothing outlives the run.
import * as net from 'net';
import { isMainThread, parentPort, threadId, workerData } from 'worker_threads';
import { CONTROL_FD, type BootMessage } from './backend';
import { exitChild, killAllChildren, installExitHook, registerFlushable } from './children';
import { PortEndpoint, SocketEndpoint, type Endpoint } from '../transport/frames';
import { setHeldForThisChild, setRoot, watchRoot, type RootInfo } from '../transport/channels';
import { self } from './identity';
import { decode, userStack } from '../transport/serialize';
import { inheritSharedBuffers } from '../transport/sharedBuffers';
import { findExport, importModule } from './targets';
import { emit, tracing } from '../tracing/tracer';
import { captureOutput } from '../tracing/captureOutput';
import { runPoolWorker } from '../pool/poolWorker';
import { runManagerServer } from '../shared/manager/serverMain';
import { MESSAGES } from '../errors';

function connect(): Promise<{ endpoint: Endpoint; boot: BootMessage }> {
  if (!isMainThread && parentPort) {
    const endpoint = new PortEndpoint(parentPort);
    inheritSharedBuffers((workerData as { sharedBuffers?: unknown }).sharedBuffers);
    return Promise.resolve({ endpoint, boot: workerData as BootMessage });
  }
  const endpoint = new SocketEndpoint(new net.Socket({ fd: CONTROL_FD, readable: true, writable: true }));
  return new Promise((resolve) => {
    endpoint.onMessage((msg) => resolve({ endpoint, boot: msg as unknown as BootMessage }));
  });
}


export async function bootChild(): Promise<void> {
  const { endpoint, boot } = await connect();
  self.isChild = true;
  self.name = boot.name;
  self.identity = boot.identity;
  self.parent = { name: boot.parent.name, pid: boot.parent.pid };
  self.mainModule = boot.module;
  self.defaultContext = boot.context;
  installExitHook();
  // Whatever this child sent its parent last (results, a final message) must leave before it exits.
  registerFlushable(endpoint);
  if (tracing && !isMainThread) {
    emit({ kind: 'thread.start', tid: threadId, name: boot.name, parentTid: boot.parent.tid });
    // Output of this thread carries its tid (the parent passes the bytes on uncaptured).
    if (boot.capture) captureOutput(boot.name);
  }
  setRoot(boot.root as RootInfo | undefined);
  // Pipe writing ends our parent holds for us until we register them (decoding our arguments).
  setHeldForThisChild(boot.held as string[] | undefined);
  const stop = (why: string | undefined) => {
    killAllChildren('SIGTERM');
    if (why) process.stderr.write(`${boot.name} (pid ${process.pid}): ${why}\n`);
    process.exit(1);
  };
  endpoint.onClose(() => {
    // The parent is gone (killed, or exited without us). (A thread's threads are stopped by Node.)
    if (!isMainThread) return;
    // A process goes on as an orphan, as in Python: what it holds (queues and pipes live in the
    // root) still works. It ends when the root does. Pool workers and managers serve only their
    // parent: they end with it.
    // (The run is over then, as the runner would end it: nothing to say.)
    if (boot.role === 'process' && watchRoot(() => stop(undefined))) {
      self.orphaned = true;
      return;
    }
    stop(MESSAGES.parentGone);
  });
  if (boot.role === 'worker') return runPoolWorker(boot, endpoint);
  if (boot.role === 'manager') return runManagerServer(boot, endpoint);
  endpoint.onMessage(() => undefined);
  let code = 0;
  try {
    const ns = await importModule(boot.module);
    const fn = findExport(ns, boot.fn as string, boot.module);
    const args = decode(boot.args as Uint8Array) as unknown[];
    await fn(...args);
  } catch (err) {
    // As CPython: the child prints its traceback under its name and exits with code 1.
    const e = err as Error;
    process.stderr.write(`Process ${boot.name}:\n${e && e.stack ? userStack(e.stack) : String(err)}\n`);
    code = 1;
  }
  await exitChild(code);
}
