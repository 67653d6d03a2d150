// Queue and JoinableQueue: Python's multiprocessing.Queue. Items are cloned at put() (later
// changes to the object do not travel), FIFO, exactly once, each producer's items in its order.
// A handle sent to a child (or grandchild) talks to the owner directly (see channels.ts). The
// owner is the run's root (its main process): a queue made in a child is hosted there from the
// start, so it keeps working for every holder after its creator is gone.
import { clientFor, hostAddress, hostedBox, newBoxId, provideTakenCounters, registerBox, remoteRoot, type Client } from '../transport/channels';
import { allocate, openSegment, type SegmentRef } from '../memory/segment';
import { checkTimeout, MESSAGES, ProcessError } from '../errors';
import { Mailbox, type Item } from '../transport/mailbox';
import { cloneValue, findUncloneable, noteHandleCreated, registerHandleType, summarize, TO_HANDLE, type HandleDescriptor } from '../transport/serialize';
import { callerLoc } from '../tracing/callsite';
import { emit, tracing } from '../tracing/tracer';
import { newMsgId } from '../tracing/ids';
import { DeferredWait, traceWait } from '../tracing/waits';
import type { ObjectKind } from '../../trace/events';

export interface QueueOptions {
  /** Most items held at once; 0 (default) = unbounded. */
  maxsize?: number;
}

export interface PutOptions {
  block?: boolean;
  /** Milliseconds to wait for space before rejecting with Full. */
  timeout?: number;
}

export interface GetOptions {
  block?: boolean;
  /** Milliseconds to wait for an item before rejecting with Empty. */
  timeout?: number;
}


function checkOpts(o: { timeout?: number } | undefined): number | undefined {
  const t = o?.timeout;
  if (t === undefined || t === null) return undefined;
  checkTimeout(t);
  return t;
}

export class Queue<T = unknown> {
  readonly maxsize: number;
  /** @internal */ readonly id: string;
  /** @internal */ protected box: Mailbox | undefined;
  /** @internal */ protected client: Client | undefined;
  private ownerAddr: string | undefined;
  private ownerPid: number;
  /** Made in a child and hosted by the root (every holder then announces it, see Client.open). */
  private readonly hosted: boolean;
  private closed = false;

  constructor(options: QueueOptions = {}, handle?: HandleDescriptor) {
    noteHandleCreated();
    if (handle) {
      this.id = handle.id as string;
      this.maxsize = handle.maxsize as number;
      this.ownerAddr = handle.addr as string;
      this.ownerPid = handle.pid as number;
      this.hosted = !!handle.h;
      this.box = hostedBox(this.id, this.maxsize, false, this.hosted);
      if (!this.box) this.connect();
      return;
    }
    const maxsize = options?.maxsize ?? 0;
    if (!Number.isInteger(maxsize) || maxsize < 0) throw new ProcessError(`maxsize must be a non-negative integer, got ${String(maxsize)}`);
    this.maxsize = maxsize;
    this.id = newBoxId('q');
    const root = remoteRoot();
    this.hosted = !!root;
    if (root) {
      // Made in a child: the root hosts it, and this process is one more client.
      this.ownerAddr = root.addr;
      this.ownerPid = root.pid;
      this.connect();
      return;
    }
    this.ownerPid = process.pid;
    this.box = new Mailbox(maxsize);
    registerBox(this.id, this.box);
  }

  private connect(): void {
    this.client = clientFor(this.ownerAddr as string, this.ownerPid, 'queue');
    if (this.hosted) this.client.open(this.id, this.maxsize, false);
  }

  /** @internal how this queue travels to another process */
  [TO_HANDLE](): HandleDescriptor {
    this.ownerAddr ??= hostAddress();
    const d: HandleDescriptor = { type: this instanceof JoinableQueue ? 'joinableQueue' : 'queue', id: this.id, addr: this.ownerAddr, pid: this.ownerPid, maxsize: this.maxsize };
    if (this.hosted) d.h = 1;
    return d;
  }

  put(item: T, options: PutOptions = {}): Promise<void> {
    if (this.closed) throw new ProcessError(MESSAGES.queueClosed);
    const timeout = checkOpts(options);
    const block = options?.block !== false;
    const id = tracing ? newMsgId() : undefined;
    let res: Promise<void> | undefined;
    if (this.box) {
      const r = this.box.put({ v: cloneValue(item, 'a queue item'), id }, block, timeout);
      res = r === true ? undefined : tracing && block ? traceWait(r, 'Queue.put', this.objKind(), this.id, { loc: callerLoc(this.put), timeoutMs: timeout }) : r;
    } else {
      const client = this.client as Client;
      // Serialized right here (a clone error throws now). Unbounded: never blocks, so it need
      // not wait for the owner; the one connection per owner keeps each producer's order. For a
      // queue made in a child (which must outlive its creator), it resolves once the item is in
      // the kernel on its way to the root: a kill after that loses nothing (puts in one tick
      // share one write). A queue of the main process keeps the faster contract: an item put
      // in the very tick its producer is killed may be lost, as with Python's feeder thread.
      const op: Record<string, unknown> = { t: 'put', b: this.id, v: item };
      if (id !== undefined) op.id = id;
      if (!block) op.k = false;
      if (timeout !== undefined) op.o = timeout;
      try {
        if (this.maxsize === 0) {
          client.post(op);
          if (this.hosted) res = client.sent();
        }
        else res = client.request(op, tracing && block ? this.deferredWait('Queue.put', this.put, timeout) : undefined).then(() => undefined);
      } catch (err) {
        if (err instanceof ProcessError) throw err;
        throw new ProcessError(MESSAGES.uncloneable('a queue item', findUncloneable(item) ?? String((err as Error).message)));
      }
    }
    if (tracing) emit({ kind: 'message.send', channel: 'queue', channelId: this.id, msgId: id as string, summary: summarize(item), loc: callerLoc(this.put) });
    return res ?? Promise.resolve();
  }

  async get(options: GetOptions = {}): Promise<T> {
    const timeout = checkOpts(options);
    const block = options?.block !== false;
    let item: Item;
    if (this.box) {
      this.box.consumers.add('local');
      const r = this.box.get(block, timeout);
      item = await (tracing && block && r instanceof Promise ? traceWait(r, 'Queue.get', this.objKind(), this.id, { loc: callerLoc(this.get), timeoutMs: timeout }) : r);
    } else item = await (this.client as Client).getItem(this.id, block, timeout, tracing && block ? () => this.deferredWait('Queue.get', this.get, timeout) : undefined);
    const value = item.v as T;
    if (tracing && item.id) emit({ kind: 'message.recv', channel: 'queue', channelId: this.id, msgId: item.id, summary: summarize(value) });
    return value;
  }

  /** @internal the kind in the trace */
  protected objKind(): ObjectKind {
    return 'queue';
  }

  /** @internal a wait of a request to the owner, begun if the owner parks it (`cutoff`: the API method, for `loc`) */
  protected deferredWait(op: string, cutoff: (...a: never[]) => unknown, timeoutMs?: number): DeferredWait {
    return new DeferredWait(op, this.objKind(), this.id, { loc: callerLoc(cutoff), timeoutMs });
  }

  putNowait(item: T): Promise<void> {
    return this.put(item, { block: false });
  }

  getNowait(): Promise<T> {
    return this.get({ block: false });
  }

  /** Approximate number of items (the owner's count when asked). */
  async qsize(): Promise<number> {
    if (this.box) return this.box.size();
    const client = this.client as Client;
    return ((await client.request({ t: 'size', b: this.id })).v as number) + client.prefetchedCount(this.id);
  }

  async empty(): Promise<boolean> {
    return (await this.qsize()) === 0;
  }

  async full(): Promise<boolean> {
    return this.maxsize > 0 && (await this.qsize()) >= this.maxsize;
  }

  /** This process will put no more items (put() then throws). */
  close(): void {
    this.closed = true;
  }
}

export class JoinableQueue<T = unknown> extends Queue<T> {
  /** Marks one item fetched with get() as processed. */
  taskDone(): Promise<void> {
    if (this.box) {
      try {
        this.box.taskDone();
      } catch (err) {
        return Promise.reject(err);
      }
      return Promise.resolve();
    }
    return (this.client as Client).request({ t: 'done', b: this.id }).then(() => undefined);
  }

  /** Resolves when every item put so far has been marked done. */
  join(): Promise<void> {
    if (this.box) {
      const wait = tracing && this.box.joinWouldWait();
      const r = this.box.join();
      return wait ? traceWait(r, 'JoinableQueue.join', 'joinableQueue', this.id, { loc: callerLoc(this.join) }) : r;
    }
    return (this.client as Client).request({ t: 'join', b: this.id }, tracing ? this.deferredWait('JoinableQueue.join', this.join) : undefined).then(() => undefined);
  }

  /** @internal */
  protected override objKind(): ObjectKind {
    return 'joinableQueue';
  }
}

// A remote consumer counts the items it takes in a word of shared memory its queue's owner maps
// too (see TakenCounter in channels.ts): a consumer killed while holding prefetched items gets
// them put back. Without shared memory (no native module here) there is no prefetch instead.
provideTakenCounters({
  create() {
    try {
      const seg = allocate('process', 8);
      return { ref: seg.ref, bump: () => void seg.words.add(0, 1) };
    } catch {
      return undefined;
    }
  },
  open(ref) {
    try {
      const seg = openSegment(ref as SegmentRef);
      return { read: () => seg.words.load(0) };
    } catch {
      return undefined;
    }
  },
});

registerHandleType('queue', (d) => new Queue({}, d));
registerHandleType('joinableQueue', (d) => new JoinableQueue({}, d));
