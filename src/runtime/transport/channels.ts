// Where queues and pipes live. Every queue and pipe of a run lives in its root — the main thread
// of the main process — which, once a handle is sent to another thread or process, serves it on
// a unix socket (Linux abstract namespace: no file to clean up). A queue or pipe made in a child
// is hosted by the root too (the child is one more client, see Client.open): it outlives its
// creator, as a Python queue (an OS pipe) outlives the process that made it, and keeps working
// for every holder until the run ends. Other holders connect straight to the root, with no broker
// process. One connection per process (or thread) carries every channel's traffic; puts to an
// unbounded queue are fire-and-forget (ordered by the connection), everything else is
// request/reply.
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { threadId } from 'worker_threads';
import { beforeChildExit, registerFlushable } from '../process/children';
import { EOFError, Empty, Full, MESSAGES, ProcessError } from '../errors';
import { SocketEndpoint } from './frames';
import { Mailbox, type Item } from './mailbox';
import { self } from '../process/identity';
import { blockBudget, blockUntil, spinClock, spinUntil, spinWaited, waitBegins, waitEnds } from './spin';
import type { DeferredWait } from '../tracing/waits';

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

/** Where the run's root serves its channels, and its pid. */
export interface RootInfo {
  addr: string;
  pid: number;
}
let inheritedRoot: RootInfo | undefined;

/** A child learns the root from its boot message (see bootstrap.ts). */
export function setRoot(r: RootInfo | undefined): void {
  inheritedRoot = r;
}

/** The root for a child about to start: this thread if it is the root (listening from now on). */
export function rootInfo(): RootInfo | undefined {
  if (!self.isChild) return { addr: hostAddress(), pid: process.pid };
  return inheritedRoot;
}

/** The root that hosts what this child makes, or undefined in the root itself. */
export function remoteRoot(): RootInfo | undefined {
  return self.isChild ? inheritedRoot : undefined;
}

/**
 * In the root: the box a handle names, made now if the creator's `open` has not arrived yet
 * (a handle can overtake it on another connection). Elsewhere: the local box, if any.
 */
export function hostedBox(id: string, maxsize: number, eofOnClose: boolean, hosted: boolean): Mailbox | undefined {
  let box = boxes.get(id);
  if (!box && hosted && !self.isChild) boxes.set(id, (box = new Mailbox(maxsize, eofOnClose)));
  return box;
}

/**
 * An orphan (its parent died and left it running, as Python leaves one) watches the root
 * instead: when the root goes, the run is over, and `gone` ends this process and its subtree.
 * Returns false when there is no root to watch.
 */
export function watchRoot(gone: () => void): boolean {
  const root = inheritedRoot;
  if (!root) return false;
  const s = net.connect(root.addr);
  s.unref();
  let fired = false;
  const fire = () => {
    if (fired) return;
    fired = true;
    gone();
  };
  s.on('error', fire);
  s.on('close', fire);
  s.on('end', fire);
  return true;
}

/** This thread's channel address, listening from now on (listen on a path binds synchronously). */
export function hostAddress(): string {
  if (address) return address;
  const name = `concurrency-lab-${process.pid}-${threadId}-${Math.random().toString(36).slice(2, 10)}`;
  address = process.platform === 'linux' ? `\0${name}` : path.join(os.tmpdir(), `${name}.sock`);
  server = net.createServer((socket) => serve(socket));
  server.on('error', (err) => process.stderr.write(`concurrency-lab: channel server: ${err.message}\n`));
  server.listen(address);
  server.unref();
  if (process.platform !== 'linux') {
    // A path socket is a file: remove it when this process ends.
    const file = address;
    process.on('exit', () => {
      try {
        fs.unlinkSync(file);
      } catch {
        // already gone
      }
    });
  }
  return address;
}

type Op = Record<string, unknown> & { t: string; b: string; r?: number };

// ---- holds placed at spawn (the root's side) ----
// A child process registers as a holder of a pipe's writing end once it has decoded its
// arguments, tens of milliseconds after its parent's start() (longer under load). A parent that
// died in between would leave the reader EOF while the child still means to write. So the parent
// places a hold on the child's behalf before the child's boot message leaves (backend.ts), and the
// hold ends when the child registers itself (its first `writer`, flagged with its pid), when the
// parent reports the child's exit, or — the parent gone too — when the root sees the child's pid
// dead.

/** A writing end held for a child process until it registers: key `${pid} ${box id}`. */
interface SpawnHold {
  box: Mailbox;
  pid: number;
  /** The connection (parent) that placed it. */
  placer: object;
}
const spawnHolds = new Map<string, SpawnHold>();
/** Registrations that overtook their hold (another connection, read first): the hold is void. */
const registeredFirst = new Set<string>();
/** Holds whose parent is gone: ended when their child's pid is. */
const orphanHolds = new Set<string>();
let orphanWatch: NodeJS.Timeout | undefined;
/** How often the root looks whether the child of an orphaned hold still exists. */
const ORPHAN_HOLD_POLL_MS = 20;

function endHold(key: string): boolean {
  const h = spawnHolds.get(key);
  if (!h) return false;
  spawnHolds.delete(key);
  orphanHolds.delete(key);
  if (--h.box.writers <= 0) h.box.closeWriter();
  return true;
}

/** Whether a process exists and is not a zombie (a dead orphan may wait to be reaped). */
function pidAlive(pid: number): boolean {
  if (process.platform === 'linux') {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
      const state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state !== 'Z' && state !== 'X';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function watchOrphanHolds(): void {
  if (orphanWatch || !orphanHolds.size) return;
  orphanWatch = setInterval(() => {
    for (const key of orphanHolds) {
      const h = spawnHolds.get(key);
      if (!h || !pidAlive(h.pid)) endHold(key);
    }
    if (!orphanHolds.size) {
      clearInterval(orphanWatch);
      orphanWatch = undefined;
    }
  }, ORPHAN_HOLD_POLL_MS);
  orphanWatch.unref();
}

/**
 * A word of shared memory a remote consumer bumps for every queue item it hands to its caller,
 * before the caller sees it. The owner maps it too, so when the consumer dies (even by SIGKILL)
 * it knows exactly which of the items it lent were never taken and puts them back: prefetching
 * loses nothing but the one item the consumer was in the middle of receiving. Shared memory is
 * the memory room's business: the messaging room provides the counters (provideTakenCounters).
 */
export interface TakenCounter {
  /** How the owner finds the word (sent with the consumer's first request). */
  readonly ref: unknown;
  bump(): void;
}
export interface TakenCounters {
  /** A new counter for this thread's consumption of one queue, or undefined when shared memory is unavailable. */
  create(): TakenCounter | undefined;
  /** The owner's view of a consumer's counter, or undefined when it cannot be mapped. */
  open(ref: unknown): { read(): number } | undefined;
}
let takenCounters: TakenCounters | undefined;
export function provideTakenCounters(c: TakenCounters): void {
  takenCounters = c;
}

/** What one remote consumer holds of one queue: items lent and not yet known to be taken. */
interface Loan {
  taken: { read(): number };
  items: Item[];
  /** The counter's value when items[0] was lent (counts wrap at 2^32). */
  base: number;
}

/** Forgets the lent items the consumer has taken since the last look. */
function prune(loan: Loan): void {
  const c = loan.taken.read();
  const k = (c - loan.base) >>> 0;
  loan.items.splice(0, Math.min(k, loan.items.length));
  loan.base = c;
}

/** Most items a sole consumer of a queue takes per request (the rest wait in its process). */
const PREFETCH = 256;

function errCode(e: unknown): string {
  return e instanceof Full ? 'Full' : e instanceof Empty ? 'Empty' : e instanceof EOFError ? 'EOF' : 'Error';
}

type Wire = [unknown, string | undefined];
// Envelopes never carry `undefined` fields: a message of plain data then travels as JSON (codec.ts).
const toWire = (i: Item): Wire => (i.id === undefined ? [i.v] : [i.v, i.id]) as Wire;

function serve(socket: net.Socket): void {
  socket.unref();
  const conn = new SocketEndpoint(socket);
  const token = {};
  /** Pipe inboxes this connection holds the writing end of: when the last holder goes away, the reader gets EOF. */
  const wrotePipes = new Set<Mailbox>();
  const holdWriter = (box: Mailbox) => {
    if (wrotePipes.has(box)) return;
    wrotePipes.add(box);
    box.writers++;
  };
  const subscribed = new Set<Mailbox>();
  const loans = new Map<Mailbox, Loan>();
  const reply = (r: number | undefined, p: Promise<unknown> | unknown, map: (v: unknown) => object = (v) => ({ v })) => {
    if (r === undefined) {
      if (p instanceof Promise) p.catch(() => undefined);
      return;
    }
    if (!(p instanceof Promise)) {
      conn.send({ t: 'r', r, ok: true, ...map(p) });
      return;
    }
    p.then(
      (v) => conn.send({ t: 'r', r, ok: true, ...map(v) }),
      (e: Error) => conn.send({ t: 'r', r, ok: false, e: errCode(e), m: e.message }),
    );
  };
  /** A traced caller (`w`) is told when its request is parked, so its trace shows the wait. */
  const parked = (op: Op, res: unknown): void => {
    if (op.w && op.r !== undefined && res instanceof Promise) conn.send({ t: 'b', r: op.r });
  };
  conn.onMessage((raw) => {
    const op = raw as Op;
    // Everything this connection sent before has been handled (one connection is FIFO).
    if (op.t === 'sync') return reply(op.r, undefined, () => ({}));
    // A queue or pipe made in a child, hosted here: every holder says so before its first use.
    if (op.t === 'open') return void hostedBox(op.b, (op.m as number | undefined) ?? 0, !!op.e, true);
    const box = boxes.get(op.b);
    if (!box) return reply(op.r, Promise.reject(new ProcessError(`unknown channel ${op.b}`)));
    switch (op.t) {
      case 'put': {
        if (op.p) {
          holdWriter(box);
          box.feeder = conn;
        }
        const res = box.put({ v: op.v, id: op.id as string | undefined }, op.k !== false, op.o as number | undefined, token);
        if (op.k !== false) parked(op, res);
        return reply(op.r, res === true ? undefined : res, () => ({}));
      }
      case 'get': {
        box.consumers.add(token);
        let loan = loans.get(box);
        if (!loan && op.c !== undefined) {
          const taken = takenCounters?.open(op.c);
          if (taken) loans.set(box, (loan = { taken, items: [], base: taken.read() }));
        }
        if (loan) prune(loan);
        // Prefetch only for a sole consumer whose takings are counted: what it holds ahead can
        // then always be put back.
        const max = box.consumers.size === 1 && loan ? ((op.n as number | undefined) ?? 1) : 1;
        const res = box.getMany(max, op.k !== false, op.o as number | undefined, token);
        if (op.k !== false) parked(op, res);
        if (loan) {
          const lent = (list: Item[]) => void (loan as Loan).items.push(...list);
          if (res instanceof Promise) res.then(lent, () => undefined);
          else lent(res);
        }
        return reply(op.r, res, (v) => ({ list: (v as Item[]).map(toWire) }));
      }
      case 'unget': {
        // A consumer exiting normally gives back what it did not use. When its takings are
        // counted, the owner's own record says exactly which items those are.
        const loan = loans.get(box);
        if (!loan) return box.unget((op.list as Wire[]).map(([v, id]) => ({ v, id })));
        prune(loan);
        box.unget(loan.items.splice(0));
        return;
      }
      case 'sub':
        subscribed.add(box);
        return box.subscribe({
          push: (item) => conn.send(item.id === undefined ? { t: 'push', b: op.b, v: item.v } : { t: 'push', b: op.b, v: item.v, id: item.id }),
          eof: () => conn.send({ t: 'eof', b: op.b }),
        });
      case 'poll':
        return reply(op.r, box.poll(op.o as number | undefined, token));
      case 'size':
        return reply(op.r, box.size());
      case 'done':
        return reply(op.r, Promise.resolve().then(() => box.taskDone()), () => ({}));
      case 'join': {
        const res = box.join();
        if (box.joinWouldWait()) parked(op, res);
        return reply(op.r, res, () => ({}));
      }
      case 'close':
        box.closeWriter();
        return;
      case 'writer': {
        // This process holds the writing end of a pipe (it may not have written yet).
        holdWriter(box);
        // A child registering: the hold its parent placed for it ends (or, not read yet, is void).
        if (op.s !== undefined && !endHold(`${op.s as number} ${op.b}`)) registeredFirst.add(`${op.s as number} ${op.b}`);
        return;
      }
      case 'spawnhold': {
        const key = `${op.s as number} ${op.b}`;
        if (registeredFirst.delete(key) || spawnHolds.has(key)) return;
        spawnHolds.set(key, { box, pid: op.s as number, placer: token });
        box.writers++;
        return;
      }
      case 'unhold':
        // The parent saw the child exit (it had not registered, or this is a no-op).
        endHold(`${op.s as number} ${op.b}`);
        return;
    }
  });
  conn.onClose(() => {
    for (const box of boxes.values()) {
      box.dropOwner(token);
      box.consumers.delete(token);
    }
    // A consumer that died (or closed) mid-stream: the items it was lent and never took go back
    // to the front of their queue, in order.
    for (const [box, loan] of loans) {
      prune(loan);
      if (loan.items.length) box.unget(loan.items.splice(0));
    }
    for (const box of subscribed) box.unsubscribe();
    // A parent gone before its children registered: their holds now end with them.
    for (const [key, h] of spawnHolds) if (h.placer === token) orphanHolds.add(key);
    watchOrphanHolds();
    // Python's EOF: the reader sees it once every process holding the writing end has gone (or
    // one closed it explicitly). A writer in the root itself is not counted.
    for (const box of wrotePipes) if (--box.writers <= 0) box.closeWriter();
  });
}

// ---- client side ----

interface Pending {
  resolve(v: Record<string, unknown>): void;
  reject(e: Error): void;
  /** Traced requests: begins the caller's wait when the owner says it parked the request. */
  wait?: DeferredWait;
}

/** Items pushed to this process for one pipe end it reads (see Mailbox.subscribe). */
class RemoteInbox {
  items: Item[] = [];
  eof = false;
  waiters: Array<{ resolve(i: Item | undefined): void }> = [];

  push(item: Item): void {
    const w = this.waiters.shift();
    if (w) w.resolve(item);
    else this.items.push(item);
  }
  end(): void {
    this.eof = true;
    for (const w of this.waiters.splice(0)) w.resolve(undefined);
  }
}

class Client {
  readonly endpoint: SocketEndpoint;
  private pending = new Map<number, Pending>();
  private nextRid = 1;
  private gone = false;
  private holds = 0;
  /** Fire-and-forget messages were sent since the last request (see settle()). */
  private unsynced = false;
  /** Items a sole consumer prefetched from each queue. */
  private readonly prefetched = new Map<string, Item[]>();
  /** Per queue: the shared word counting the items handed to callers (null: none available). */
  private readonly taken = new Map<string, TakenCounter | null>();
  private readonly inboxes = new Map<string, RemoteInbox>();
  /** Channels hosted by the root that this process announced (see open()). */
  private readonly opened = new Set<string>();

  constructor(
    addr: string,
    private readonly ownerPid: number,
    private readonly what: string,
  ) {
    this.endpoint = new SocketEndpoint(net.connect(addr));
    this.endpoint.unref();
    registerFlushable(this.endpoint);
    beforeChildExit(() => this.settle());
    this.endpoint.onMessage((msg) => {
      if (msg.t === 'b') return this.pending.get(msg.r as number)?.wait?.begin();
      if (msg.t === 'push') return this.inboxes.get(msg.b as string)?.push({ v: msg.v, id: msg.id as string | undefined });
      if (msg.t === 'eof') return this.inboxes.get(msg.b as string)?.end();
      const p = this.pending.get(msg.r as number);
      if (!p) return;
      this.pending.delete(msg.r as number);
      this.release();
      if (msg.ok) p.resolve(msg);
      else p.reject(rebuild(msg.e as string, msg.m as string));
    });
    this.endpoint.onClose(() => {
      this.gone = true;
      const err = new ProcessError(MESSAGES.ownerGone(this.what, this.ownerPid));
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      for (const inbox of this.inboxes.values()) inbox.end();
    });
  }

  /**
   * Before this process first uses a queue or pipe made in a child (hosted by the root): make
   * sure the root has it. Sent once per channel, ahead of every other message about it on this
   * connection; the root makes the box if the creator's own `open` has not arrived.
   */
  open(box: string, maxsize: number, eofOnClose: boolean): void {
    if (this.gone || this.opened.has(box)) return;
    this.opened.add(box);
    this.endpoint.send(eofOnClose ? { t: 'open', b: box, m: maxsize, e: 1 } : { t: 'open', b: box, m: maxsize });
  }

  /** This process holds the writing end of a pipe: its reader's EOF waits for this process too. */
  holdWriter(box: string): void {
    if (this.gone) return;
    // The first registration of an end our parent holds for us (see placeSpawnHolds) ends that hold.
    if (heldForThisChild.delete(box)) this.endpoint.send({ t: 'writer', b: box, s: process.pid });
    else this.endpoint.send({ t: 'writer', b: box });
  }

  /** Holds the writing end `box` for child `pid` until it registers or exits (see placeSpawnHolds). */
  holdFor(pid: number, box: string): boolean {
    if (this.gone) return false;
    this.endpoint.send({ t: 'spawnhold', b: box, s: pid });
    return true;
  }

  /** Child `pid` has exited: the holds placed for it end (if it never registered). */
  unholdFor(pid: number, box: string): void {
    if (!this.gone) this.endpoint.send({ t: 'unhold', b: box, s: pid });
  }

  /** A caller waiting on another process keeps this one alive, as a blocked Python call would. */
  private hold(): void {
    waitBegins();
    if (this.holds++ === 0) this.endpoint.ref();
  }
  private release(): void {
    waitEnds();
    if (--this.holds === 0) this.endpoint.unref();
  }

  post(op: Record<string, unknown>): void {
    if (this.gone) throw new ProcessError(MESSAGES.ownerGone(this.what, this.ownerPid));
    this.endpoint.send(op);
    this.unsynced = true;
  }

  /** Resolves once everything posted so far is in the kernel (it reaches the owner even if this process is killed now). */
  sent(): Promise<void> {
    return this.endpoint.sent();
  }

  /**
   * Before this child exits: give back what it took ahead, then wait until the owner has
   * handled everything it was sent. Otherwise a parent could see this child exit, put a
   * sentinel, and have it queued ahead of this child's last items (still unread in a socket).
   */
  async settle(): Promise<void> {
    this.giveBack();
    if (!this.unsynced || this.gone) return;
    try {
      await this.request({ t: 'sync' });
    } catch {
      // the owner is gone: nothing left to wait for
    }
  }

  /** With `wait` (tracing): the owner tells when it parks the request, and the wait begins then. */
  request(op: Record<string, unknown>, wait?: DeferredWait): Promise<Record<string, unknown>> {
    if (this.gone) return Promise.reject(new ProcessError(MESSAGES.ownerGone(this.what, this.ownerPid)));
    const r = this.nextRid++;
    this.hold();
    if (wait) op.w = 1;
    const p = new Promise<Record<string, unknown>>((resolve, reject) => {
      this.pending.set(r, wait ? { resolve, reject, wait } : { resolve, reject });
      op.r = r;
      this.endpoint.send(op);
    });
    return wait ? wait.track(p) : p;
  }

  /** One queue item: from what was prefetched, else from the owner (with up to PREFETCH more). */
  async getItem(box: string, block: boolean, timeout: number | undefined, wait?: () => DeferredWait): Promise<Item> {
    let taken = this.taken.get(box);
    const buf = this.prefetched.get(box);
    if (buf && buf.length) {
      taken?.bump();
      return buf.shift() as Item;
    }
    const op: Record<string, unknown> = { t: 'get', b: box, n: PREFETCH };
    if (taken === undefined) {
      // First get from this queue: the owner maps our counter (and only then lends ahead).
      this.taken.set(box, (taken = takenCounters?.create() ?? null));
      if (taken) op.c = taken.ref;
    }
    if (!block) op.k = false;
    if (timeout !== undefined) op.o = timeout;
    const res = await this.request(op, wait?.());
    const list = res.list as Wire[];
    if (list.length > 1) {
      const rest = list.slice(1).map(([v, id]) => ({ v, id }));
      const now = this.prefetched.get(box);
      if (now) now.push(...rest);
      else this.prefetched.set(box, rest);
    }
    // Counted before the caller sees it: a kill after this loses only this one item.
    taken?.bump();
    return { v: list[0][0], id: list[0][1] };
  }

  prefetchedCount(box: string): number {
    return this.prefetched.get(box)?.length ?? 0;
  }

  /** The next message pushed for a pipe end; undefined at EOF. */
  recv(box: string): Item | undefined | Promise<Item | undefined> {
    const inbox = this.inbox(box);
    const began = inbox.items.length || inbox.eof ? 0 : spinClock();
    if (began !== 0) spinUntil(this.endpoint, () => inbox.items.length > 0 || inbox.eof);
    if (inbox.items.length) return inbox.items.shift() as Item;
    if (inbox.eof) return undefined;
    this.hold();
    let done = false;
    const p = new Promise<Item | undefined>((resolve) =>
      inbox.waiters.push({
        resolve: (i) => {
          done = true;
          // How long the reply took tells the spin whether it should have waited for it (spin.ts).
          if (i) spinWaited(began);
          this.release();
          resolve(i);
        },
      }),
    );
    // Once this tick's code and microtasks have run: sleep in the socket's read if nothing else is pending.
    if (blockBudget() > 0) process.nextTick(() => blockUntil(this.endpoint, () => done));
    return p;
  }

  /** Whether a pipe end has a message (or EOF) within `timeoutMs`. */
  async poll(box: string, timeoutMs: number): Promise<boolean> {
    const inbox = this.inbox(box);
    if (inbox.items.length || inbox.eof) return true;
    if (timeoutMs === 0) return false;
    this.hold();
    try {
      return await new Promise<boolean>((resolve) => {
        const w = {
          resolve: (i: Item | undefined) => {
            clearTimeout(timer);
            // Peek only: the message stays first in line for recv().
            if (i) inbox.items.unshift(i);
            resolve(true);
          },
        };
        const timer = setTimeout(() => {
          inbox.waiters.splice(inbox.waiters.indexOf(w), 1);
          resolve(false);
        }, timeoutMs);
        inbox.waiters.push(w);
      });
    } finally {
      this.release();
    }
  }

  private inbox(box: string): RemoteInbox {
    let inbox = this.inboxes.get(box);
    if (!inbox) {
      this.inboxes.set(box, (inbox = new RemoteInbox()));
      if (this.gone) inbox.end();
      else this.endpoint.send({ t: 'sub', b: box });
    }
    return inbox;
  }

  /** Before this child exits, items it took ahead but never used go back to their owner. */
  private giveBack(): void {
    if (this.gone) return;
    for (const [box, items] of [...this.prefetched, ...[...this.inboxes].map(([b, i]) => [b, i.items] as const)]) {
      if (items.length) {
        this.endpoint.send({ t: 'unget', b: box, list: items.map(toWire) });
        this.unsynced = true;
      }
    }
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

/** A pipe's writing end inherited by a child process about to start (Connection's handle notes it). */
export interface InheritedWriter {
  client: Client;
  box: string;
}

/** Writing ends this child's parent holds for it until it registers (its boot message's `held`). */
const heldForThisChild = new Set<string>();
export function setHeldForThisChild(list: readonly string[] | undefined): void {
  for (const b of list ?? []) heldForThisChild.add(b);
}

/**
 * Before the boot message of child process `pid` leaves: the root holds every pipe writing end
 * the child inherits on its behalf (the root's side: SpawnHold). `sent` resolves once the holds
 * are in the kernel, on their way to the root; the boot message must wait for it, so no child
 * can run — and register, and write — without its hold having left first. `release()` is for
 * the child's exit. Undefined when there is nothing to hold.
 */
export function placeSpawnHolds(pid: number, writers: readonly InheritedWriter[]): { held: string[]; sent: Promise<void>; release(): void } | undefined {
  const placed = writers.filter((w, i) => writers.findIndex((x) => x.client === w.client && x.box === w.box) === i && w.client.holdFor(pid, w.box));
  if (!placed.length) return undefined;
  const clients = [...new Set(placed.map((w) => w.client))];
  return {
    held: placed.map((w) => w.box),
    sent: Promise.all(clients.map((c) => c.sent())).then(() => undefined),
    release: () => {
      for (const w of placed) w.client.unholdFor(pid, w.box);
    },
  };
}

export function clientFor(addr: string, ownerPid: number, what: string): Client {
  let c = clients.get(addr);
  if (!c) clients.set(addr, (c = new Client(addr, ownerPid, what)));
  return c;
}

export type { Client };
