// Python's managers: BaseManager (serve objects under typeids, at an address, with an authkey;
// start a server child, serve from this process, or connect to a server elsewhere) and Manager
// (Python's SyncManager: `await Manager.start()` → dict(), list(), Lock()… proxies). See
// docs/runtime.md, "Managers".
import { threadId } from 'worker_threads';
import { MESSAGES, ProcessError } from '../../errors';
import { exitCodeOf, spawnChild, type ChildHandle } from '../../process/backend';
import { installExitHook, liveChildren, type ChildRecord } from '../../process/children';
import { mainModule, nextChildIdentity, self, type ContextKind } from '../../process/identity';
import { exportNameOf } from '../../process/targets';
import { prepare, summarizeArgs } from '../../transport/serialize';
import { callerLoc } from '../../tracing/callsite';
import { emit, tracing } from '../../tracing/tracer';
import { newObjectId, objectCreated } from '../../tracing/waits';
import { randomAuthKey, toAuthKey } from './auth';
import { connectionFor, type CallTrace, type ManagerRef } from './client';
import { normalizeAddress, localAddress, publicAddress, type ManagerAddress, type NetAddress } from './wire';
import {
  ArrayProxy,
  BarrierProxy,
  BaseProxy,
  ConditionProxy,
  DictProxy,
  EventProxy,
  JoinableQueueProxy,
  ListProxy,
  LockProxy,
  NamespaceProxy,
  QueueProxy,
  SemaphoreProxy,
  ValueProxy,
  makeProxy,
  remoteError,
  type DictKey,
} from './proxies';
import { BUILTIN_TYPEIDS, registeredFactory } from './registry';
import { ManagerServer, type Factory } from './server';
import type { ManagerBoot } from './serverMain';

export interface ManagerOptions {
  /** Where the server listens (start(), getServer()) or is (connect()). Default for a server: a private local socket. */
  address?: ManagerAddress;
  /** The shared secret (string or bytes). Default for a server: 32 random bytes (its proxies carry it to children). */
  authkey?: string | Uint8Array;
  /** Milliseconds a new connection has to authenticate before the server drops it (default 5000). */
  handshakeTimeoutMs?: number;
}

type Callable = (...args: never[]) => unknown;

/** A server running in this process (BaseManager#getServer), as Python's Server. */
export class Server {
  private stopped: Promise<void>;
  private stop!: () => void;

  /** @internal */
  constructor(
    private readonly server: ManagerServer,
    /** Where it listens (the port the OS chose when asked for port 0). */
    readonly address: ManagerAddress,
  ) {
    this.stopped = new Promise((resolve) => (this.stop = resolve));
  }

  /** Resolves when the server is shut down; until then it serves (and keeps this process alive). */
  serveForever(): Promise<void> {
    return this.stopped;
  }

  /** Stops serving: clients' connections close, their calls fail. */
  async shutdown(): Promise<void> {
    await this.server.close();
    this.stop();
  }
}

/** The name of a manager class's server (Python: type(self).__name__), kept explicit: minified builds rename our classes. */
function serverNameOf(ctor: typeof BaseManager): string {
  if (Object.prototype.hasOwnProperty.call(ctor, 'serverName')) return ctor.serverName;
  // A user's subclass (class QueueManager extends BaseManager) — its name is its own.
  return ctor.name && !/^Context/.test(ctor.name) ? ctor.name : ctor.serverName;
}

const TYPEID = /^[A-Za-z_$][\w$]*$/;

export class BaseManager {
  /** Set by getContext(): which backend start() uses. Undefined = the run's default. */
  static contextKind: ContextKind | undefined;
  /** @internal */
  static serverName = 'BaseManager';

  private readonly options: ManagerOptions;
  private readonly registered = new Map<string, Callable | undefined>();
  private state: 'initial' | 'started' | 'serving' | 'connected' | 'shutdown' = 'initial';
  private ref: ManagerRef | undefined;
  private child: { handle: ChildHandle; exited: Promise<void>; name: string } | undefined;
  private inProcess: Server | undefined;

  constructor(options: ManagerOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new ProcessError('a manager takes an options object: { address, authkey }');
    this.options = { ...options };
    if (options.address !== undefined) normalizeAddress(options.address);
    if (options.authkey !== undefined) toAuthKey(options.authkey);
  }

  /** The address this manager serves or is connected to (undefined before start/connect). */
  get address(): ManagerAddress | undefined {
    return this.ref ? publicAddress(this.ref.address) : undefined;
  }

  /** The server's pid once started (undefined for a manager served elsewhere). */
  get pid(): number | undefined {
    return this.child?.handle.pid;
  }

  /**
   * Serves `typeid`: a client's `manager[typeid](...args)` (or `create(typeid, ...args)`) calls
   * `callable(...args)` in the server and returns a proxy of its result — a Map is served as a
   * dict, an array as a list, a plain object as a Namespace, any other object by its public
   * methods. On a client, register(typeid) without a callable only names a method (connect()
   * names every typeid the server has anyway).
   */
  register(typeid: string, callable?: Callable): this {
    if (typeof typeid !== 'string' || !TYPEID.test(typeid) || (typeid in this && !this.registered.has(typeid))) throw new ProcessError(MESSAGES.badTypeid(typeid));
    if (callable !== undefined && typeof callable !== 'function') throw new ProcessError(MESSAGES.notAFunction(`the callable registered as '${typeid}'`, typeof callable));
    if (this.state !== 'initial' && this.state !== 'connected') throw new ProcessError(MESSAGES.managerStartTwice);
    this.registered.set(typeid, callable);
    this.defineTypeidMethod(typeid);
    return this;
  }

  private defineTypeidMethod(typeid: string): void {
    if (Object.prototype.hasOwnProperty.call(this, typeid) || typeid in BaseManager.prototype || (typeid in this && !this.registered.has(typeid))) return;
    const method = (...args: unknown[]) => this.createWith(typeid, args, method);
    Object.defineProperty(this, typeid, { value: method, enumerable: false, configurable: true });
  }

  /** The typeids a server in this process makes (getServer), with their factories. */
  private factories(): Map<string, Factory> {
    const out = new Map<string, Factory>(this.servesBuiltins() ? BUILTIN_TYPEIDS : []);
    for (const [typeid, callable] of this.registered) if (callable) out.set(typeid, registeredFactory(typeid, callable as (...a: unknown[]) => unknown));
    return out;
  }

  /** @internal Manager (SyncManager) serves dict, list, Lock…; a BaseManager only what is registered. */
  protected servesBuiltins(): boolean {
    return false;
  }

  /**
   * Starts the server in a child process (in the thread context: a worker thread), named like
   * Python's (`SyncManager-1`). Registered callables must be exported functions of the snippet:
   * the child imports it to find them, as Python's spawn does. The server ends when shutdown()
   * is called or when this process ends.
   */
  async start(): Promise<this> {
    if (this.state !== 'initial') throw new ProcessError(MESSAGES.managerStartTwice);
    this.state = 'started';
    const ctor = this.constructor as typeof BaseManager;
    const context = ctor.contextKind ?? self.defaultContext;
    const { identity, name } = nextChildIdentity(serverNameOf(ctor));
    const key = this.options.authkey !== undefined ? toAuthKey(this.options.authkey) : randomAuthKey();
    const registry: Record<string, string> = {};
    for (const [typeid, callable] of this.registered) if (callable) registry[typeid] = exportNameOf(callable, `the callable registered as '${typeid}'`);
    const traceId = newObjectId();
    if (tracing) objectCreated('manager', traceId, callerLoc(this.start), name);
    const boot: ManagerBoot = { key: key.toString('base64'), traceId, builtins: this.servesBuiltins(), registry, handshakeTimeoutMs: this.options.handshakeTimeoutMs };
    if (this.options.address !== undefined) boot.address = normalizeAddress(this.options.address);
    const handle = spawnChild({
      t: 'boot',
      role: 'manager',
      context,
      module: mainModule() ?? '',
      name,
      identity,
      parent: { name: self.name, pid: process.pid, tid: threadId },
      ...boot,
    });
    let resolveExit!: () => void;
    const exited = new Promise<void>((resolve) => (resolveExit = resolve));
    // A manager never keeps its owner alive and ends with it (Python shuts it down at exit).
    const record: ChildRecord = { name, pid: handle.pid, daemon: true, handle, exited, view: { name, pid: handle.pid, daemon: true } };
    liveChildren.add(record);
    installExitHook();
    this.child = { handle, exited, name };
    const ready = new Promise<NetAddress>((resolve, reject) => {
      handle.endpoint.onMessage((msg) => {
        if (msg.t === 'ready') resolve(msg.address as NetAddress);
        else if (msg.t === 'failed') reject(new ProcessError(MESSAGES.managerStartFailed(name, String(msg.message))));
      });
      handle.onExit((code, signal) => {
        liveChildren.delete(record);
        if (handle.tid !== undefined && tracing) emit({ kind: 'thread.exit', tid: handle.tid, exitCode: exitCodeOf(code, signal) });
        resolveExit();
        reject(new ProcessError(MESSAGES.managerStartFailed(name, `it exited with code ${exitCodeOf(code, signal)}`)));
      });
    });
    try {
      this.ref = { address: await ready, key };
    } finally {
      handle.unref();
    }
    return this;
  }

  /** Serves from this process (Python's get_server()): resolves once listening. Callables may be any functions here. */
  async getServer(): Promise<Server> {
    if (this.state !== 'initial') throw new ProcessError(MESSAGES.managerStartTwice);
    this.state = 'serving';
    const key = this.options.authkey !== undefined ? toAuthKey(this.options.authkey) : randomAuthKey();
    const name = `${serverNameOf(this.constructor as typeof BaseManager)} (pid ${process.pid})`;
    const traceId = newObjectId();
    if (tracing) objectCreated('manager', traceId, callerLoc(this.getServer), name);
    const server = new ManagerServer({ key, info: { id: traceId, name, pid: process.pid }, typeids: this.factories(), handshakeTimeoutMs: this.options.handshakeTimeoutMs });
    const address = await server.listen(this.options.address !== undefined ? normalizeAddress(this.options.address) : localAddress());
    this.ref = { address, key };
    this.inProcess = new Server(server, publicAddress(address));
    return this.inProcess;
  }

  /** Connects to a manager served elsewhere (another process, another machine); fails with AuthenticationError on a wrong authkey. */
  async connect(): Promise<this> {
    if (this.state !== 'initial') throw new ProcessError(MESSAGES.managerStartTwice);
    if (this.options.address === undefined) throw new ProcessError(MESSAGES.badAddress(undefined));
    const ref: ManagerRef = { address: normalizeAddress(this.options.address), key: toAuthKey(this.options.authkey) };
    const info = await connectionFor(ref).connect();
    this.ref = ref;
    this.state = 'connected';
    for (const typeid of info.typeids) this.defineTypeidMethod(typeid);
    return this;
  }

  /** Makes an object of `typeid` in the server and returns its proxy (what `manager[typeid](...)` does). */
  create<P extends BaseProxy = BaseProxy>(typeid: string, ...args: unknown[]): Promise<P> {
    return this.createWith(typeid, args, this.create) as Promise<P>;
  }

  /** @internal */
  protected async createWith(typeid: string, args: unknown[], cutoff: Callable): Promise<BaseProxy> {
    const ref = this.ref;
    if (!ref || this.state === 'shutdown') throw new ProcessError(this.state === 'shutdown' ? MESSAGES.managerGone(this.child?.name ?? 'manager', this.pid ?? process.pid) : MESSAGES.managerNotStarted);
    const conn = connectionFor(ref);
    const prepared = args.map((a) => prepare(a, `an argument of ${typeid}()`));
    let trace: CallTrace | undefined;
    if (tracing) trace = { op: `Manager.${typeid}`, summary: `${typeid}${summarizeArgs(args)}`, loc: callerLoc(cutoff) };
    const reply = await conn.request({ t: 'new', k: typeid, a: prepared }, trace);
    if (reply.x) throw remoteError(reply.x, conn.info?.name ?? 'manager');
    const made = reply.v as { o: number; k: string; x?: string[] };
    return makeProxy(ref, made.o, made.k, made.x);
  }

  /** Stops the server this manager started (start() or getServer()); every proxy of it stops working. */
  async shutdown(): Promise<void> {
    if (this.state === 'shutdown') return;
    if (this.state === 'connected') throw new ProcessError(MESSAGES.managerNotOwner);
    if (this.state === 'initial') throw new ProcessError(MESSAGES.managerNotStarted);
    const wasServing = this.state === 'serving';
    this.state = 'shutdown';
    if (wasServing) return this.inProcess?.shutdown();
    const child = this.child;
    if (!child) return;
    try {
      child.handle.endpoint.send({ t: 'shutdown' });
    } catch {
      // its control channel is already gone: it is exiting
    }
    const timer = setTimeout(() => child.handle.kill('SIGKILL'), 2000);
    await child.exited;
    clearTimeout(timer);
  }

  /** Waits for the server child to exit (Python's manager.join(timeout)); never rejects. */
  join(timeoutMs?: number): Promise<void> {
    const exited = this.child?.exited ?? Promise.resolve();
    if (timeoutMs === undefined) return exited;
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      void exited.then(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

/**
 * Python's SyncManager (what multiprocessing.Manager() starts): a server child holding shared
 * dicts, lists, queues, values and synchronization objects, reached through proxies.
 */
export class Manager extends BaseManager {
  /** @internal */
  static override serverName = 'SyncManager';

  /** Starts a manager's server child and resolves once it serves (Python's `multiprocessing.Manager()`). */
  static start<M extends Manager>(this: new (options?: ManagerOptions) => M, options?: ManagerOptions): Promise<M> {
    return new this(options).start();
  }

  protected override servesBuiltins(): boolean {
    return true;
  }

  dict<V = unknown>(init?: Record<string, V> | Map<DictKey, V> | Array<[DictKey, V]>): Promise<DictProxy<V>> {
    return this.createWith('dict', init === undefined ? [] : [init], this.dict) as Promise<DictProxy<V>>;
  }
  list<T = unknown>(init?: T[]): Promise<ListProxy<T>> {
    return this.createWith('list', init === undefined ? [] : [init], this.list) as Promise<ListProxy<T>>;
  }
  Namespace(init?: Record<string, unknown>): Promise<NamespaceProxy> {
    return this.createWith('Namespace', init === undefined ? [] : [init], this.Namespace) as Promise<NamespaceProxy>;
  }
  Queue<T = unknown>(options?: { maxsize?: number }): Promise<QueueProxy<T>> {
    return this.createWith('Queue', options === undefined ? [] : [options], this.Queue) as Promise<QueueProxy<T>>;
  }
  JoinableQueue<T = unknown>(options?: { maxsize?: number }): Promise<JoinableQueueProxy<T>> {
    return this.createWith('JoinableQueue', options === undefined ? [] : [options], this.JoinableQueue) as Promise<JoinableQueueProxy<T>>;
  }
  Value<T = number>(typecode: string, value?: T): Promise<ValueProxy<T>> {
    return this.createWith('Value', value === undefined ? [typecode] : [typecode, value], this.Value) as Promise<ValueProxy<T>>;
  }
  SharedArray(typecode: string, sizeOrInitial: number | Array<number | bigint>): Promise<ArrayProxy> {
    return this.createWith('SharedArray', [typecode, sizeOrInitial], this.SharedArray) as Promise<ArrayProxy>;
  }
  Lock(): Promise<LockProxy> {
    return this.createWith('Lock', [], this.Lock) as Promise<LockProxy>;
  }
  RLock(): Promise<LockProxy> {
    return this.createWith('RLock', [], this.RLock) as Promise<LockProxy>;
  }
  Semaphore(value?: number): Promise<SemaphoreProxy> {
    return this.createWith('Semaphore', value === undefined ? [] : [value], this.Semaphore) as Promise<SemaphoreProxy>;
  }
  BoundedSemaphore(value?: number): Promise<SemaphoreProxy> {
    return this.createWith('BoundedSemaphore', value === undefined ? [] : [value], this.BoundedSemaphore) as Promise<SemaphoreProxy>;
  }
  Event(): Promise<EventProxy> {
    return this.createWith('Event', [], this.Event) as Promise<EventProxy>;
  }
  /** A Condition over `lock` (a Lock or RLock proxy of this manager; default: a new RLock). */
  Condition(lock?: LockProxy): Promise<ConditionProxy> {
    if (lock === undefined) return this.createWith('Condition', [], this.Condition) as Promise<ConditionProxy>;
    if (!(lock instanceof LockProxy)) return Promise.reject(new ProcessError(MESSAGES.conditionLock));
    if (this.address !== undefined && JSON.stringify(lock.managerAddress) !== JSON.stringify(this.address)) return Promise.reject(new ProcessError(MESSAGES.conditionLock));
    return this.createWith('Condition', [lock._id], this.Condition) as Promise<ConditionProxy>;
  }
  Barrier(parties: number, options: { timeout?: number; action?: unknown } = {}): Promise<BarrierProxy> {
    if (options?.action !== undefined) return Promise.reject(new ProcessError(MESSAGES.managedBarrierAction));
    const opts = options?.timeout === undefined ? [] : [{ timeout: options.timeout }];
    return this.createWith('Barrier', [parties, ...opts], this.Barrier) as Promise<BarrierProxy>;
  }
}
