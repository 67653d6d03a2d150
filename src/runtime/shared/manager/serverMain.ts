// What a manager's server child (process or worker thread: SyncManager-1…) does after its boot:
// serve, tell its owner where, and stop when the owner says shutdown. When its owner disappears
// (even killed with SIGKILL), the child's control socket ends and bootstrap.ts takes it down:
// a manager never outlives its owner.
import type { BootMessage } from '../../process/backend';
import { exitChild } from '../../process/children';
import { findExport, importModule } from '../../process/targets';
import type { Endpoint } from '../../transport/frames';
import { localAddress, type NetAddress } from './wire';
import { BUILTIN_TYPEIDS, registeredFactory } from './registry';
import { ManagerServer, type Factory } from './server';

/** What the owner puts in a manager child's boot message (besides the usual identity). */
export interface ManagerBoot {
  key: string;
  address?: NetAddress;
  traceId: string;
  /** Serve a Manager's built-in typeids (dict, Lock…). */
  builtins: boolean;
  /** Registered typeids → the export name of their callable (the child imports the snippet for them). */
  registry: Record<string, string>;
  handshakeTimeoutMs?: number;
}

export async function runManagerServer(boot: BootMessage, endpoint: Endpoint): Promise<void> {
  const m = boot as BootMessage & ManagerBoot;
  let server: ManagerServer;
  try {
    const typeids = new Map<string, Factory>(m.builtins ? BUILTIN_TYPEIDS : []);
    const registered = Object.entries(m.registry);
    if (registered.length) {
      // As Python's spawn: the server imports the snippet to find the registered callables.
      const ns = await importModule(m.module);
      for (const [typeid, fn] of registered) typeids.set(typeid, registeredFactory(typeid, findExport(ns, fn, m.module)));
    }
    server = new ManagerServer({ key: Buffer.from(m.key, 'base64'), info: { id: m.traceId, name: m.name, pid: process.pid }, typeids, handshakeTimeoutMs: m.handshakeTimeoutMs });
    const address = await server.listen(m.address ?? localAddress());
    endpoint.onMessage((msg) => {
      if (msg.t === 'shutdown') void server.close().then(() => exitChild(0));
    });
    endpoint.send({ t: 'ready', address });
  } catch (err) {
    endpoint.send({ t: 'failed', message: (err as Error).message ?? String(err) });
    await exitChild(1);
  }
}
