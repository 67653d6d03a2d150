// Where queues and pipes live. The thread that creates one owns its Mailbox and, once a handle
// is sent to another thread or process, serves it on a unix socket (Linux abstract namespace: no
// file to clean up). Other holders connect straight to the owner, so a Queue made in the main
// process works the same in a grandchild, with no broker process. One connection per owner
// carries every channel's traffic; puts to an unbounded queue are fire-and-forget (ordered by
// the connection), everything else is request/reply.
import * as crypto from 'crypto';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { threadId } from 'worker_threads';
import { registerFlushable } from './children';
import { EOFError, Empty, Full, MESSAGES, ProcessError } from './errors';
import { SocketEndpoint } from './frames';
import type { Item, Mailbox } from './mailbox';

// ---- owner side ----

const boxes = new Map<string, Mailbox>();
let server: net.Server | undefined;
let address: string | undefined;
let boxCounter = 0;

export function newBoxId(prefix: string): string {
  return `${prefix}${process.pid}${threadId ? `.${threadId}` : ''}:${++boxCounter}`;
}

export function registerBox(id: string, box: Mailbox): void {
  boxes.set(id, box);
}

export function localBox(id: string): Mailbox | undefined {
  return boxes.get(id);
}

/** This thread's channel address, listening from now on (listen on a path binds synchronously). */
export function hostAddress(): string {
  if (address) return address;
  const name = `concurrency-lab-${process.pid}-${threadId}-${crypto.randomBytes(6).toString('hex')}`;
  address = process.platform === 'linux' ? `\0${name}` : path.join(os.tmpdir(), `${name}.sock`);
  server = net.createServer((socket) => serve(socket));
  server.on('error', (err) => process.stderr.write(`concurrency-lab: channel server: ${err.message}\n`));
  server.listen(address);
  server.unref();
  return address;
}

type Op = Record<string, unknown> & { t: string; b: string; r?: number };

function errCode(e: unknown): string {
  return e instanceof Full ? 'Full' : e instanceof Empty ? 'Empty' : e instanceof EOFError ? 'EOF' : 'Error';
}

function serve(socket: net.Socket): void {
  socket.unref();
  const conn = new SocketEndpoint(socket);
  const token = {};
  /** Pipe inboxes this connection wrote to: when it goes away, those writers are closed. */
  const wrotePipes = new Set<Mailbox>();
  const reply = (r: number | undefined, p: Promise<unknown> | unknown, map: (v: unknown) => object = (v) => ({ v })) => {
    if (r === undefined) {
      if (p instanceof Promise) p.catch(() => undefined);
      return;
    }
    Promise.resolve(p).then(
      (v) => conn.send({ t: 'r', r, ok: true, ...map(v) }),
      (e: Error) => conn.send({ t: 'r', r, ok: false, e: errCode(e), m: e.message }),
    );
  };
  conn.onMessage((raw) => {
    const op = raw as Op;
    const box = boxes.get(op.b);
    if (!box) return reply(op.r, Promise.reject(new ProcessError(`unknown channel ${op.b}`)));
    switch (op.t) {
      case 'put': {
        if (op.p) wrotePipes.add(box);
        const res = box.put({ b: op.v as Uint8Array, id: op.id as string | undefined }, op.k !== false, op.o as number | undefined, token);
        return reply(op.r, res === true ? undefined : res, () => ({}));
      }
      case 'get': {
        const res = box.get(op.k !== false, op.o as number | undefined, token);
        return reply(op.r, res, (v) => ({ v: (v as Item).b, id: (v as Item).id }));
      }
      case 'poll':
        return reply(op.r, box.poll(op.o as number | undefined, token));
      case 'size':
        return reply(op.r, box.size());
      case 'done':
        return reply(op.r, Promise.resolve().then(() => box.taskDone()), () => ({}));
      case 'join':
        return reply(op.r, box.join(), () => ({}));
      case 'close':
        box.closeWriter();
        return;
    }
  });
  conn.onClose(() => {
    for (const box of boxes.values()) box.dropOwner(token);
    for (const box of wrotePipes) box.closeWriter();
  });
}

// ---- client side ----

interface Pending {
  resolve(v: Record<string, unknown>): void;
  reject(e: Error): void;
}

class Client {
  readonly endpoint: SocketEndpoint;
  private pending = new Map<number, Pending>();
  private nextRid = 1;
  private gone = false;

  constructor(
    addr: string,
    private readonly ownerPid: number,
    private readonly what: string,
  ) {
    this.endpoint = new SocketEndpoint(net.connect(addr));
    this.endpoint.unref();
    registerFlushable(this.endpoint);
    this.endpoint.onMessage((msg) => {
      const p = this.pending.get(msg.r as number);
      if (!p) return;
      this.pending.delete(msg.r as number);
      if (this.pending.size === 0) this.endpoint.unref();
      if (msg.ok) p.resolve(msg);
      else p.reject(rebuild(msg.e as string, msg.m as string));
    });
    this.endpoint.onClose(() => {
      this.gone = true;
      for (const p of this.pending.values()) p.reject(new ProcessError(MESSAGES.ownerGone(this.what, this.ownerPid)));
      this.pending.clear();
    });
  }

  post(op: Record<string, unknown>): void {
    if (this.gone) throw new ProcessError(MESSAGES.ownerGone(this.what, this.ownerPid));
    this.endpoint.send(op);
  }

  request(op: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.gone) return Promise.reject(new ProcessError(MESSAGES.ownerGone(this.what, this.ownerPid)));
    const r = this.nextRid++;
    // A caller waiting on another process keeps this one alive, as a blocked Python call would.
    if (this.pending.size === 0) this.endpoint.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(r, { resolve, reject });
      this.endpoint.send({ ...op, r });
    });
  }
}

function rebuild(code: string, message: string): Error {
  switch (code) {
    case 'Full':
      return new Full(message);
    case 'Empty':
      return new Empty(message);
    case 'EOF':
      return new EOFError(message);
    default:
      return new ProcessError(message);
  }
}

const clients = new Map<string, Client>();

export function clientFor(addr: string, ownerPid: number, what: string): Client {
  let c = clients.get(addr);
  if (!c) clients.set(addr, (c = new Client(addr, ownerPid, what)));
  return c;
}

export type { Client };
