// The owner-side state of one queue or one direction of a pipe: encoded items in FIFO order,
// plus the callers waiting to get, put, poll or join. Local and remote callers go through the
// same methods (remote ones via channels.ts), so blocking, timeouts and EOF behave alike.
import { EOFError, Empty, Full, MESSAGES, ProcessError } from '../errors';
import type { SocketEndpoint } from './frames';

export interface Item {
  /** The value: a private clone made at put (or the copy that arrived in a message). */
  v: unknown;
  /** Message id for tracing (set only when tracing). */
  id?: string;
}

interface Waiter<T> {
  resolve(v: T): void;
  reject(e: Error): void;
  timer?: NodeJS.Timeout;
  owner?: object;
}

interface PutWaiter extends Waiter<void> {
  item: Item;
}

function removeFrom<T>(list: T[], w: T): void {
  const i = list.indexOf(w);
  if (i >= 0) list.splice(i, 1);
}

export class Mailbox {
  private items: Item[] = [];
  private head = 0;
  private getters: Array<Waiter<Item>> = [];
  private putters: PutWaiter[] = [];
  private pollers: Array<Waiter<boolean>> = [];
  private joiners: Array<() => void> = [];
  private unfinished = 0;
  /** For pipes: the sending end is closed, so an empty inbox means EOF. */
  writerClosed = false;
  /** For a pipe end read in another process: every item is pushed there as it arrives. */
  private subscriber: { push(item: Item): void; eof(): void } | undefined;
  /** For a pipe inbox: how many connections hold its writing end (see channels.ts serve()). */
  writers = 0;
  /** For a pipe inbox: the connection its remote writer last sent through (see spin.ts). */
  feeder: SocketEndpoint | undefined;
  /** Who has taken items (a token per remote connection, or 'local'): prefetch only for a sole consumer. */
  readonly consumers = new Set<object | string>();

  constructor(
    readonly maxsize = 0,
    private readonly eofOnClose = false,
  ) {}

  /** Whether get() would answer now: an item, or EOF of a closed pipe. */
  answersNow(): boolean {
    return this.size() > 0 || (this.eofOnClose && this.writerClosed);
  }

  /** Callers waiting in get() (a pipe inbox: its reader's recv()). */
  get waitingGetters(): number {
    return this.getters.length;
  }

  size(): number {
    return this.items.length - this.head;
  }

  private full(): boolean {
    return this.maxsize > 0 && this.size() >= this.maxsize;
  }

  private enqueue(item: Item): void {
    this.unfinished++;
    if (this.subscriber) {
      this.subscriber.push(item);
      return;
    }
    const g = this.getters.shift();
    if (g) {
      if (g.timer) clearTimeout(g.timer);
      g.resolve(item);
      return;
    }
    this.items.push(item);
    if (this.pollers.length) {
      const pollers = this.pollers;
      this.pollers = [];
      for (const p of pollers) {
        if (p.timer) clearTimeout(p.timer);
        p.resolve(true);
      }
    }
  }

  private dequeue(): Item {
    const item = this.items[this.head];
    this.items[this.head++] = undefined as unknown as Item;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    } else if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
    // Space freed: the first blocked put goes in.
    const p = this.putters.shift();
    if (p) {
      if (p.timer) clearTimeout(p.timer);
      this.items.push(p.item);
      this.unfinished++;
      p.resolve();
    }
    return item;
  }

  /** Returns true when stored at once; otherwise a Promise that settles when stored (or Full). */
  put(item: Item, block: boolean, timeoutMs: number | undefined, owner?: object): true | Promise<void> {
    if (!this.full()) {
      this.enqueue(item);
      return true;
    }
    if (!block) return Promise.reject(new Full(MESSAGES.queueFull));
    return new Promise<void>((resolve, reject) => {
      const w: PutWaiter = { item, resolve, reject, owner };
      this.putters.push(w);
      if (timeoutMs !== undefined)
        w.timer = setTimeout(() => {
          removeFrom(this.putters, w);
          reject(new Full(MESSAGES.queueFull));
        }, timeoutMs);
    });
  }

  /** Takes the oldest item; Empty when non-blocking or timed out; EOFError for a closed pipe. */
  get(block: boolean, timeoutMs: number | undefined, owner?: object): Item | Promise<Item> {
    if (this.size() > 0) return this.dequeue();
    if (this.eofOnClose && this.writerClosed) return Promise.reject(new EOFError(MESSAGES.eof));
    if (!block) return Promise.reject(new Empty(MESSAGES.queueEmpty));
    return new Promise<Item>((resolve, reject) => {
      const w: Waiter<Item> = { resolve, reject, owner };
      this.getters.push(w);
      if (timeoutMs !== undefined)
        w.timer = setTimeout(() => {
          removeFrom(this.getters, w);
          reject(new Empty(MESSAGES.queueEmpty));
        }, timeoutMs);
    });
  }

  /** Up to `max` items at once (at least one, waiting like get()). */
  getMany(max: number, block: boolean, timeoutMs: number | undefined, owner?: object): Item[] | Promise<Item[]> {
    const n = Math.min(max, this.size());
    if (n <= 0) {
      const r = this.get(block, timeoutMs, owner);
      return r instanceof Promise ? r.then((i) => [i]) : [r];
    }
    const out: Item[] = [];
    for (let i = 0; i < n; i++) out.push(this.dequeue());
    return out;
  }

  /** Items a consumer prefetched but did not use go back to the front, in order. */
  unget(items: Item[]): void {
    for (let i = items.length - 1; i >= 0; i--) {
      if (this.head > 0) this.items[--this.head] = items[i];
      else this.items.unshift(items[i]);
    }
    // (They were counted in `unfinished` when first put.) Anyone already waiting gets them first.
    while (this.getters.length && this.size() > 0) {
      const w = this.getters.shift() as Waiter<Item>;
      if (w.timer) clearTimeout(w.timer);
      w.resolve(this.dequeue());
    }
  }

  /** Streams this box to one remote reader (a pipe end): what is queued now, then each new item. */
  subscribe(sub: { push(item: Item): void; eof(): void }): void {
    this.subscriber = sub;
    while (this.size() > 0) sub.push(this.dequeue());
    if (this.eofOnClose && this.writerClosed) sub.eof();
  }

  /** A remote reader takes every item as it is put (and serializes it then: no clone needed here). */
  get streaming(): boolean {
    return this.subscriber !== undefined;
  }

  unsubscribe(): void {
    this.subscriber = undefined;
  }

  /** Whether an item (or EOF) is available within `timeoutMs`, without taking it. */
  poll(timeoutMs: number | undefined, owner?: object): boolean | Promise<boolean> {
    if (this.size() > 0 || (this.eofOnClose && this.writerClosed)) return true;
    if (timeoutMs === 0) return false;
    return new Promise<boolean>((resolve, reject) => {
      const w: Waiter<boolean> = { resolve, reject, owner };
      this.pollers.push(w);
      if (timeoutMs !== undefined)
        w.timer = setTimeout(() => {
          removeFrom(this.pollers, w);
          resolve(false);
        }, timeoutMs);
    });
  }

  /** The sending end of a pipe closed: readers waiting on an empty inbox get EOFError. */
  closeWriter(): void {
    if (this.writerClosed) return;
    this.writerClosed = true;
    if (this.subscriber && this.eofOnClose) this.subscriber.eof();
    if (!this.eofOnClose || this.size() > 0) return;
    for (const g of this.getters.splice(0)) {
      if (g.timer) clearTimeout(g.timer);
      g.reject(new EOFError(MESSAGES.eof));
    }
    for (const p of this.pollers.splice(0)) {
      if (p.timer) clearTimeout(p.timer);
      p.resolve(true);
    }
  }

  taskDone(): void {
    if (this.unfinished <= 0) throw new ProcessError(MESSAGES.taskDoneTooMany);
    if (--this.unfinished === 0) for (const j of this.joiners.splice(0)) j();
  }

  /** Whether join() would wait now (items put and not yet marked done). */
  joinWouldWait(): boolean {
    return this.unfinished > 0;
  }

  join(): Promise<void> {
    if (this.unfinished === 0) return Promise.resolve();
    return new Promise<void>((r) => this.joiners.push(r));
  }

  /** A remote caller went away: forget what it was waiting for (its items stay queued). */
  dropOwner(owner: object): void {
    for (const list of [this.getters, this.pollers, this.putters] as Array<Array<Waiter<unknown>>>) {
      for (const w of list.filter((x) => x.owner === owner)) {
        if (w.timer) clearTimeout(w.timer);
        removeFrom(list, w);
      }
    }
  }
}
