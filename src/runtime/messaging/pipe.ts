// Pipe(duplex) → [Connection, Connection], as Python's multiprocessing.Pipe. Each direction is
// a Mailbox owned by the run's root (the creating thread when that is the main process's main
// thread; else the root hosts it from the start, so the pipe outlives its creator): end k reads
// inbox k and writes the other end's inbox. Closing an end, or every other process holding the
// writing end going away, gives the reader EOFError once drained.
import { clientFor, hostAddress, hostedBox, localBox, newBoxId, registerBox, remoteRoot, type Client, type InheritedWriter } from '../transport/channels';
import { checkTimeout, EOFError, MESSAGES, ProcessError } from '../errors';
import { Mailbox, type Item } from '../transport/mailbox';
import { newMsgId } from '../tracing/ids';
import { cloneValue, findUncloneable, noteHandleCreated, noteInherited, registerHandleType, summarize, TO_HANDLE, type HandleDescriptor } from '../transport/serialize';
import { callerLoc } from '../tracing/callsite';
import { emit, tracing } from '../tracing/tracer';
import { blockBudget, blockUntil, provideReadWait, spinClock, spinUntil, spinWaited, waitBegins, waitEnds } from '../transport/spin';
import { loadNative } from '../memory/stores';
import { traceWait } from '../tracing/waits';

export class Connection<T = unknown> {
  /** @internal */ readonly pipeId: string;
  readonly readable: boolean;
  readonly writable: boolean;
  private readonly inbox: string;
  private readonly outbox: string;
  private ownerAddr: string | undefined;
  private readonly ownerPid: number;
  private client: Client | undefined;
  /** Made in a child and hosted by the root (see queue.ts). */
  private readonly hosted: boolean;
  private closed = false;

  /** @internal use Pipe() */
  constructor(d: HandleDescriptor) {
    noteHandleCreated();
    this.pipeId = d.pipe as string;
    this.readable = d.readable as boolean;
    this.writable = d.writable as boolean;
    this.inbox = d.inbox as string;
    this.outbox = d.outbox as string;
    this.ownerAddr = d.addr as string | undefined;
    this.ownerPid = d.pid as number;
    this.hosted = !!d.h;
    // In the root, the boxes of a pipe made in a child are local (made now if need be).
    if (this.readable) hostedBox(this.inbox, 0, true, this.hosted);
    if (this.writable) hostedBox(this.outbox, 0, true, this.hosted);
    if (!localBox(this.inbox) && !(this.writable && localBox(this.outbox)) && this.ownerAddr) {
      const client = (this.client = clientFor(this.ownerAddr, this.ownerPid, 'pipe'));
      if (this.hosted) {
        if (this.readable) client.open(this.inbox, 0, true);
        if (this.writable) client.open(this.outbox, 0, true);
      }
      // Held here from now on: the reader's EOF waits for this process (as an inherited fd would).
      if (this.writable) client.holdWriter(this.outbox);
    }
  }

  /** @internal */
  [TO_HANDLE](): HandleDescriptor {
    if (this.closed) throw new ProcessError(MESSAGES.connClosed);
    // Inherited by a new child process: our parent-side hold covers it until it registers.
    if (this.writable && this.client) noteInherited({ client: this.client, box: this.outbox } satisfies InheritedWriter);
    this.ownerAddr ??= hostAddress();
    const d: HandleDescriptor = { type: 'connection', pipe: this.pipeId, readable: this.readable, writable: this.writable, inbox: this.inbox, outbox: this.outbox, addr: this.ownerAddr, pid: this.ownerPid };
    if (this.hosted) d.h = 1;
    return d;
  }

  private check(): void {
    if (this.closed) throw new ProcessError(MESSAGES.connClosed);
  }

  /** Sends a structured-clone value to the other end (never blocks). */
  send(obj: T): void {
    this.check();
    if (!this.writable) throw new ProcessError(MESSAGES.notWritable);
    const id = tracing ? newMsgId() : undefined;
    const box = localBox(this.outbox);
    if (box) {
      try {
        box.put({ v: box.streaming ? obj : cloneValue(obj, 'a pipe message'), id }, true, undefined);
      } catch (err) {
        if (err instanceof ProcessError) throw err;
        throw new ProcessError(MESSAGES.uncloneable('a pipe message', findUncloneable(obj) ?? String((err as Error).message)));
      }
    } else {
      try {
        (this.client as Client).post(id === undefined ? { t: 'put', b: this.outbox, v: obj, p: 1 } : { t: 'put', b: this.outbox, v: obj, id, p: 1 });
      } catch (err) {
        if (err instanceof ProcessError) throw err;
        throw new ProcessError(MESSAGES.uncloneable('a pipe message', findUncloneable(obj) ?? String((err as Error).message)));
      }
    }
    if (tracing) emit({ kind: 'message.send', channel: 'pipe', channelId: this.pipeId, msgId: id as string, summary: summarize(obj), loc: callerLoc(this.send) });
  }

  /** The next message; rejects with EOFError when the other end is closed and nothing is left. */
  async recv(): Promise<T> {
    this.check();
    if (!this.readable) throw new ProcessError(MESSAGES.notReadable);
    const box = localBox(this.inbox);
    let item: Item | undefined;
    if (box) {
      const began = box.answersNow() ? 0 : spinClock();
      if (began !== 0) spinUntil(box.feeder, () => box.answersNow());
      const r = box.get(true, undefined);
      if (r instanceof Promise) {
        waitBegins();
        // How long the reply took tells the spin whether it should have waited for it (spin.ts).
        r.then(() => (spinWaited(began), waitEnds()), waitEnds);
        // Once this tick's code and microtasks have run: sleep in the feeder's read if nothing else is pending.
        if (blockBudget() > 0) process.nextTick(() => blockUntil(box.feeder, () => box.waitingGetters === 0));
      }
      item = await (tracing && r instanceof Promise ? this.traced(r) : r);
    } else {
      const r = (this.client as Client).recv(this.inbox);
      item = await (tracing && r instanceof Promise ? this.traced(r) : r);
      if (!item) throw new EOFError(MESSAGES.eof);
    }
    const value = item.v as T;
    if (tracing && item.id) emit({ kind: 'message.recv', channel: 'pipe', channelId: this.pipeId, msgId: item.id, summary: summarize(value) });
    return value;
  }

  /** recv() blocked on an empty pipe: a wait until it returns. */
  private traced<R>(pending: Promise<R>): Promise<R> {
    return traceWait(pending, 'Connection.recv', 'pipe', this.pipeId, { loc: callerLoc(this.recv) });
  }

  /** Whether recv() would not block, waiting up to `timeoutMs` (default 0: answer now). */
  async poll(timeoutMs = 0): Promise<boolean> {
    this.check();
    if (!this.readable) throw new ProcessError(MESSAGES.notReadable);
    if (timeoutMs !== null) checkTimeout(timeoutMs);
    const box = localBox(this.inbox);
    if (box) return box.poll(timeoutMs ?? undefined);
    return (this.client as Client).poll(this.inbox, timeoutMs ?? 0);
  }

  /** Closes this end: the other end's recv() gets EOFError once it has read what was sent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.writable) return;
    const box = localBox(this.outbox);
    if (box) box.closeWriter();
    else this.client?.post({ t: 'close', b: this.outbox });
  }
}

registerHandleType('connection', (d) => new Connection(d));

// recv()'s blocking wait reads its socket with the native module's ppoll + read (transport/spin.ts).
provideReadWait(() => loadNative()?.readWait);

/** Two connected ends. With duplex = false the first only receives and the second only sends. */
export function Pipe<T = unknown>(duplex = true): [Connection<T>, Connection<T>] {
  const pipe = newBoxId('p');
  const box0 = `${pipe}/0`;
  const box1 = `${pipe}/1`;
  const root = remoteRoot();
  if (!root) {
    registerBox(box0, new Mailbox(0, true));
    if (duplex) registerBox(box1, new Mailbox(0, true));
  }
  // Made in a child: the root hosts both directions, and this process holds two client ends.
  const base = root ? { type: 'connection', pipe, pid: root.pid, addr: root.addr, h: 1 } : { type: 'connection', pipe, pid: process.pid };
  return [
    new Connection<T>({ ...base, readable: true, writable: duplex, inbox: box0, outbox: box1 }),
    new Connection<T>({ ...base, readable: duplex, writable: true, inbox: box1, outbox: box0 }),
  ];
}
