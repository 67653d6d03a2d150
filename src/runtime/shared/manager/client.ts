// A client's connection to one manager: authenticated once, then shared by every proxy of that
// manager in this thread (requests are numbered, so one connection serves them all; Python opens
// one per proxy and thread). It keeps the process alive only while a call is waiting for its
// reply, as a blocked Python call would. When tracing, each call and its reply are messages on
// channel 'manager', and a call the server reports as waiting is a wait (wait.begin/end).
import * as net from 'net';
import { MESSAGES, ProcessError } from '../../errors';
import { registerFlushable, unregisterFlushable } from '../../process/children';
import { SocketEndpoint } from '../../transport/frames';
import { spinUntil } from '../../transport/spin';
import type { ErrorRecord } from '../../transport/serialize';
import { newMsgId } from '../../tracing/ids';
import { emit } from '../../tracing/tracer';
import { waitBegin, waitEnd } from '../../tracing/waits';
import type { SourceLocation } from '../../../trace/events';
import { offerHandshake } from './auth';
import { addressKey, CLIENT_HANDSHAKE_TIMEOUT_MS, describeAddress, MAX_FRAME_BYTES, validInfo, type NetAddress, type ServerInfo } from './wire';

/** What a proxy knows of its manager: where it is, the key, and its name/pid/trace id once known. */
export interface ManagerRef {
  address: NetAddress;
  key: Buffer;
}

export interface Reply {
  r: number;
  v?: unknown;
  x?: ErrorRecord;
  b?: 1;
  id?: string;
}

/** What the trace needs of one call (only made when tracing). */
export interface CallTrace {
  op: string;
  summary: string;
  loc: SourceLocation | undefined;
  timeoutMs?: number;
}

interface Pending {
  resolve(r: Reply): void;
  reject(e: Error): void;
  done: boolean;
  trace?: CallTrace;
  waitId?: number;
}

export class ManagerConnection {
  private endpoint: SocketEndpoint | undefined;
  /** Requests made before the connection was authenticated (sent, and traced, once it is). */
  private queued: Array<{ msg: Record<string, unknown>; trace?: CallTrace }> = [];
  private readonly pending = new Map<number, Pending>();
  private nextRid = 1;
  private failure: Error | undefined;
  private holds = 0;
  private socket: net.Socket | undefined;
  private connecting: Promise<ServerInfo> | undefined;
  info: ServerInfo | undefined;

  constructor(private readonly ref: ManagerRef) {}

  /** Connects and authenticates (once); resolves with what the server says about itself. */
  connect(): Promise<ServerInfo> {
    if (this.connecting) return this.connecting;
    const where = describeAddress(this.ref.address);
    const socket = (this.socket = net.connect(this.ref.address));
    socket.setNoDelay(true);
    this.hold();
    this.connecting = offerHandshake(socket, this.ref.key, where, CLIENT_HANDSHAKE_TIMEOUT_MS).then(
      (raw) => {
        this.release();
        const info = validInfo(raw);
        if (!info) throw this.fail(new ProcessError(MESSAGES.notAManager(where)));
        if (this.failure) throw this.failure;
        this.info = info;
        const endpoint = (this.endpoint = new SocketEndpoint(socket, { maxFrameBytes: MAX_FRAME_BYTES, onBadFrame: () => undefined }));
        endpoint.onMessage((msg) => this.receive(msg as unknown as Reply));
        endpoint.onClose(() => this.fail(new ProcessError(MESSAGES.managerGone(info.name, info.pid))));
        // Whatever this process sent last must leave before it exits.
        registerFlushable(endpoint);
        if (this.holds === 0) endpoint.unref();
        for (const { msg, trace } of this.queued.splice(0)) {
          if (trace) this.traceSend(msg.id as string, trace);
          endpoint.send(msg);
        }
        return info;
      },
      (err: Error) => {
        this.release();
        throw this.fail(err);
      },
    );
    // Callers see the failure through their calls; nobody has to await this one.
    this.connecting.catch(() => undefined);
    return this.connecting;
  }

  /** Sends one request (its `r` is set here) and resolves with the reply. */
  request(msg: Record<string, unknown>, trace?: CallTrace): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const r = this.nextRid++;
    msg.r = r;
    let pending!: Pending;
    const p = new Promise<Reply>((resolve, reject) => (pending = { resolve, reject, done: false }));
    if (trace) {
      pending.trace = trace;
      msg.id = newMsgId();
    }
    this.pending.set(r, pending);
    this.hold();
    const endpoint = this.endpoint;
    if (!endpoint) {
      this.queued.push({ msg, trace });
      void this.connect();
      return p;
    }
    if (trace) this.traceSend(msg.id as string, trace);
    endpoint.send(msg);
    // The reply is often microseconds away: read it now rather than sleep until the OS wakes us.
    spinUntil(endpoint, () => pending.done);
    return p;
  }

  private receive(reply: Reply): void {
    if (typeof reply !== 'object' || reply === null) return;
    const pending = this.pending.get(reply.r);
    if (!pending) return;
    if (reply.b === 1) {
      if (pending.trace && pending.waitId === undefined) pending.waitId = waitBegin(pending.trace.op, 'manager', this.traceId(), { loc: pending.trace.loc, timeoutMs: pending.trace.timeoutMs });
      return;
    }
    this.pending.delete(reply.r);
    this.release();
    pending.done = true;
    if (pending.trace) this.traceReply(pending, reply);
    pending.resolve(reply);
  }

  private traceSend(msgId: string, trace: CallTrace): void {
    emit({ kind: 'message.send', channel: 'manager', channelId: this.traceId(), msgId, summary: trace.summary, loc: trace.loc });
  }

  private traceReply(pending: Pending, reply: Reply): void {
    if (typeof reply.id === 'string') emit({ kind: 'message.recv', channel: 'manager', channelId: this.traceId(), msgId: reply.id });
    if (pending.waitId === undefined) return;
    const timedOut = reply.x ? ['Empty', 'Full', 'TimeoutError'].includes(reply.x.name) : reply.v === false && pending.trace?.timeoutMs !== undefined;
    waitEnd(pending.waitId, timedOut ? 'timeout' : reply.x ? 'error' : 'ok');
  }

  /** The manager's id in the trace (calls are only sent, and traced, once connected). */
  private traceId(): string {
    return (this.info as ServerInfo).id;
  }

  /** The connection is unusable from now on: every waiting and later call fails with `err`. */
  private fail(err: Error): Error {
    if (this.failure) return this.failure;
    this.failure = err;
    const key = addressKey(this.ref.address);
    if (connections.get(key) === this) connections.delete(key);
    for (const [, p] of this.pending) {
      if (p.waitId !== undefined) waitEnd(p.waitId, 'error');
      p.reject(err);
    }
    this.pending.clear();
    this.queued = [];
    if (this.endpoint) unregisterFlushable(this.endpoint);
    this.socket?.destroy();
    return err;
  }

  /** Closes this connection (the manager keeps running). */
  close(): void {
    this.fail(new ProcessError(MESSAGES.connClosed));
  }

  private hold(): void {
    if (this.holds++ === 0) {
      this.endpoint?.ref();
      if (!this.endpoint) this.socket?.ref();
    }
  }

  private release(): void {
    if (--this.holds === 0) {
      if (this.endpoint) this.endpoint.unref();
      else this.socket?.unref();
    }
  }
}

/** This thread's connections, one per manager. */
const connections = new Map<string, ManagerConnection>();

export function connectionFor(ref: ManagerRef): ManagerConnection {
  const key = addressKey(ref.address);
  let c = connections.get(key);
  if (!c) connections.set(key, (c = new ManagerConnection(ref)));
  return c;
}
