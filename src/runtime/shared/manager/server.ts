// A manager's server: accepts connections on a unix socket or TCP address, authenticates each one
// (auth.ts), then answers its calls on the objects it serves. Whatever a client sends is checked
// before it is used, and nothing a client sends can stop the server: a malformed message closes
// that client's connection, an error in a call becomes that call's error reply.
import * as fs from 'fs';
import * as net from 'net';
import { AttributeError, MESSAGES, ProcessError } from '../../errors';
import { SocketEndpoint } from '../../transport/frames';
import { spinUntil } from '../../transport/spin';
import { errorToRecord, prepare, revive, summarize, summarizeArgs, unwrapPrepared, wrapStored } from '../../transport/serialize';
import { newMsgId } from '../../tracing/ids';
import { emit, tracing } from '../../tracing/tracer';
import { acceptHandshake } from './auth';
import { AUTO, describeObject } from './registry';
import { HANDSHAKE_TIMEOUT_MS, MAX_FRAME_BYTES, MAX_PENDING_HANDSHAKES, validRequest, type CallRequest, type CreateRequest, type NetAddress, type ServerInfo } from './wire';
import type { Served } from './kinds';

/** Makes the object behind a typeid (a Manager's dict, a registered callable's result). */
export type Factory = (args: unknown[], server: ManagerServer) => Served | Promise<Served>;

export interface ServerConfig {
  key: Buffer;
  info: Omit<ServerInfo, 'typeids'>;
  typeids: ReadonlyMap<string, Factory>;
  handshakeTimeoutMs?: number;
}

type Reply = Record<string, unknown> & { r: number };

export class ManagerServer {
  private readonly objects = new Map<number, Served>();
  /** Registered callables often return the same object each time: it keeps one id. */
  private readonly idsByTarget = new Map<unknown, number>();
  private nextId = 1;
  private readonly listener: net.Server;
  private readonly connections = new Set<net.Socket>();
  private handshaking = 0;
  /** Once a client stored a value holding handles (a proxy in a dict…), replies are wrapped for reviving. */
  private handlesSeen = false;
  private closed = false;
  private unixPath: string | undefined;
  /** Requests handled so far, and whether awaitNext() is reading ahead (see there). */
  private handled = 0;
  private spinning = false;

  constructor(private readonly config: ServerConfig) {
    this.listener = net.createServer((socket) => this.accept(socket));
    this.listener.on('error', (err) => process.stderr.write(`concurrency-lab: manager ${config.info.name}: ${err.message}\n`));
  }

  /** Starts listening; resolves with the address actually bound (port 0 → the port the OS chose). */
  listen(address: NetAddress): Promise<NetAddress> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(new ProcessError(MESSAGES.cannotListen(address, err.message)));
      this.listener.once('error', onError);
      const done = () => {
        this.listener.removeListener('error', onError);
        if ('path' in address) {
          if (!address.path.startsWith('\0')) this.unixPath = address.path;
          return resolve(address);
        }
        const bound = this.listener.address() as net.AddressInfo;
        resolve({ host: address.host, port: bound.port });
      };
      if ('path' in address) this.listener.listen(address.path, done);
      else this.listener.listen(address.port, address.host, done);
    });
  }

  /** Lets the process exit while the server waits for connections (a manager child lives by its owner). */
  unref(): void {
    this.listener.unref();
  }

  ref(): void {
    this.listener.ref();
  }

  /** Stops serving: no new connections, and every client's connection is closed. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const s of this.connections) s.destroy();
    if (this.unixPath) {
      try {
        fs.unlinkSync(this.unixPath);
      } catch {
        // already gone
      }
    }
    return new Promise((resolve) => this.listener.close(() => resolve()));
  }

  get objectCount(): number {
    return this.objects.size;
  }

  /** The served object `id` (e.g. the lock a Condition is made with), if it is of one of `kinds`. */
  lookup(id: unknown, kinds: string[]): Served | undefined {
    const s = typeof id === 'number' ? this.objects.get(id) : undefined;
    return s && kinds.includes(s.kind.name) ? s : undefined;
  }

  private accept(socket: net.Socket): void {
    if (this.closed || this.handshaking >= MAX_PENDING_HANDSHAKES) {
      socket.destroy();
      return;
    }
    this.handshaking++;
    this.connections.add(socket);
    socket.once('close', () => this.connections.delete(socket));
    socket.setNoDelay(true);
    const info = (): ServerInfo => ({ ...this.config.info, typeids: [...this.config.typeids.keys()] });
    acceptHandshake(socket, this.config.key, info, this.config.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS, (outcome) => {
      this.handshaking--;
      if (outcome === 'ok' && !this.closed) this.serve(socket);
      else if (outcome === 'ok') socket.destroy();
    });
  }

  private serve(socket: net.Socket): void {
    // The caller's identity for locks and waits: one token per connection (one per client thread).
    const owner = {};
    const conn = new SocketEndpoint(socket, { maxFrameBytes: MAX_FRAME_BYTES, onBadFrame: () => undefined });
    conn.onMessage((msg) => this.handle(conn, owner, msg));
    conn.onClose(() => {
      socket.destroy();
      for (const s of this.objects.values()) {
        try {
          s.kind.drop?.(s.target as never, owner);
        } catch (err) {
          process.stderr.write(`concurrency-lab: manager ${this.config.info.name}: ${(err as Error).message}\n`);
        }
      }
    });
  }

  private handle(conn: SocketEndpoint, owner: object, raw: unknown): void {
    this.handled++;
    const req = validRequest(raw);
    if (!req) {
      // Not our protocol: this client cannot be trusted to read replies either.
      conn.socket.destroy();
      return;
    }
    for (let i = 0; i < req.a.length; i++) {
      const [v, had] = unwrapPrepared(req.a[i]);
      if (had) {
        req.a[i] = v;
        this.handlesSeen = true;
      }
    }
    if (tracing && req.id) emit({ kind: 'message.recv', channel: 'manager', channelId: this.config.info.id, msgId: req.id, summary: this.describeRequest(req) });
    let result: unknown;
    try {
      result = 't' in req ? this.create(req as CreateRequest) : this.call(req as CallRequest, owner);
    } catch (err) {
      this.replyError(conn, req, err);
      return;
    }
    if (!(result instanceof Promise)) {
      this.replyValue(conn, req, result);
      this.awaitNext(conn);
      return;
    }
    let settled = false;
    result.then(
      (v) => {
        settled = true;
        this.replyValue(conn, req, v);
      },
      (err) => {
        settled = true;
        this.replyError(conn, req, err);
      },
    );
    // The call waits (a get on an empty queue, a held lock…): tell the caller, for its trace. A
    // built-in object returns a Promise only when it waits; a user's method may return one that
    // settles at once, so for those give it a turn of the event loop first.
    const notify = () => {
      if (!settled) conn.send({ r: req.r, b: 1 });
    };
    if ('t' in req || this.objects.get((req as CallRequest).o)?.kind === AUTO) setImmediate(notify);
    else queueMicrotask(() => queueMicrotask(notify));
  }

  /**
   * A client that got its reply usually sends its next call within microseconds (a loop of
   * d.set/d.get): read it now instead of sleeping until the OS wakes this process, which costs
   * more than the call itself (as Pipe.recv does, transport/spin.ts). A bounded chain, so one
   * busy client never holds the event loop from the others.
   */
  private awaitNext(conn: SocketEndpoint): void {
    if (this.spinning) return;
    this.spinning = true;
    try {
      for (let chain = 0; chain < 32; chain++) {
        const before = this.handled;
        spinUntil(conn, () => this.handled !== before);
        if (this.handled === before) break;
      }
    } finally {
      this.spinning = false;
    }
  }

  private call(req: CallRequest, owner: object): unknown {
    const served = this.objects.get(req.o);
    if (!served) throw new ProcessError(MESSAGES.noSuchManagedObject(req.o));
    if (served.kind === AUTO) {
      if (!served.exposed?.includes(req.m)) throw new AttributeError(MESSAGES.notExposed(describeObject(served), req.m));
      const target = served.target as Record<string, (...a: unknown[]) => unknown>;
      return target[req.m](...req.a.map((a) => revive(wrapStored(a))));
    }
    const method = served.kind.methods.get(req.m);
    if (!method) throw new AttributeError(MESSAGES.notExposed(describeObject(served), req.m));
    return method(served.target as never, req.a, owner);
  }

  private create(req: CreateRequest): unknown {
    const factory = this.config.typeids.get(req.k);
    if (!factory) throw new ProcessError(MESSAGES.unknownTypeid(req.k));
    const made = factory(req.a.map((a) => a), this);
    return made instanceof Promise ? made.then((s) => this.register(s)) : this.register(made);
  }

  private register(served: Served): { o: number; k: string; x?: string[] } {
    let id = served.reuse ? this.idsByTarget.get(served.target) : undefined;
    if (id === undefined) {
      id = this.nextId++;
      this.objects.set(id, served);
      if (served.reuse) this.idsByTarget.set(served.target, id);
    }
    const s = this.objects.get(id) as Served;
    return s.exposed ? { o: id, k: s.kind.name, x: s.exposed } : { o: id, k: s.kind.name };
  }

  private replyValue(conn: SocketEndpoint, req: CallRequest | CreateRequest, v: unknown): void {
    const isAuto = !('t' in req) && this.objects.get((req as CallRequest).o)?.kind === AUTO;
    let out: unknown = v;
    if (isAuto && v !== undefined) {
      try {
        out = prepare(v, 'a result');
      } catch (err) {
        return this.replyError(conn, req, err);
      }
    } else if (this.handlesSeen && v !== undefined) out = wrapStored(v);
    const msg: Reply = out === undefined ? { r: req.r } : { r: req.r, v: out };
    if (tracing && req.id) this.traceReply(msg, v === undefined ? 'done' : 't' in req ? `${(v as { k: string }).k} #${(v as { o: number }).o}` : summarize(v));
    try {
      conn.send(msg);
    } catch (err) {
      this.replyError(conn, req, err);
    }
  }

  private replyError(conn: SocketEndpoint, req: CallRequest | CreateRequest, err: unknown): void {
    const rec = errorToRecord(err);
    // Only a user's own method has a stack worth showing; ours would name the server's internals.
    const isAuto = !('t' in req) && this.objects.get((req as CallRequest).o)?.kind === AUTO;
    if (!isAuto) delete rec.stack;
    const msg: Reply = { r: req.r, x: rec };
    if (tracing && req.id) this.traceReply(msg, `${rec.name}: ${rec.message}`);
    conn.send(msg);
  }

  private traceReply(msg: Reply, summary: string): void {
    const id = newMsgId();
    msg.id = id;
    emit({ kind: 'message.send', channel: 'manager', channelId: this.config.info.id, msgId: id, summary });
  }

  private describeRequest(req: CallRequest | CreateRequest): string {
    if ('t' in req) return `${(req as CreateRequest).k}${summarizeArgs(req.a)}`;
    const served = this.objects.get((req as CallRequest).o);
    return `${served ? served.kind.name : '?'}.${(req as CallRequest).m}${summarizeArgs(req.a)}`;
  }
}
