// Message endpoints between two threads or processes. Between processes: our own framing over a
// unix socket (4-byte length + payload, see codec.ts), with every message sent in one tick
// written in a single syscall. That is what makes small messages cheap: Node's own IPC costs a JSON
// envelope and a syscall per message. Between threads: a MessagePort (structured clone).
import * as fs from 'fs';
import type * as net from 'net';
import { decodePayload, encodeFrame, LENGTH_BYTES } from './codec';
import { flush as flushTrace, tracing } from '../tracing/tracer';
import type { MessagePort, Worker } from 'worker_threads';

export interface Endpoint {
  /** Sends one message (serialized now: a clone error throws here, synchronously). */
  send(msg: object): void;
  onMessage(cb: (msg: Record<string, unknown>) => void): void;
  /** The other side went away (its process or thread ended). */
  onClose(cb: () => void): void;
  /** Resolves once everything sent so far has left this process. */
  drain(): Promise<void>;
  /** Whether this endpoint keeps the event loop alive. */
  ref(): void;
  unref(): void;
  close(): void;
}

const HEADER = LENGTH_BYTES;

/**
 * For a socket whose peer is not one of our own processes (a manager's network clients): the
 * largest payload accepted. A bigger, empty or undecodable frame closes the connection at once
 * and is reported to onBadFrame. Without limits, the peer is trusted (our own processes).
 */
export interface FrameLimits {
  maxFrameBytes: number;
  onBadFrame(reason: string): void;
}

function resolveAll(list: Array<() => void>): void {
  for (const r of list) r();
}

/** Endpoints with sends queued for the end of this tick (see flushAllEndpoints). */
const scheduledEndpoints = new Set<SocketEndpoint>();

/** Writes every endpoint's queued sends now, e.g. before this thread waits for a reply. */
export function flushAllEndpoints(): void {
  for (const e of scheduledEndpoints) e.flush();
}

/** Frames being delivered right now: a recv() called from inside one must not read ahead. */
let delivering = 0;

/** Scratch space for readSync(): one read of a socket never exceeds it. */
let readBuf: Buffer | undefined;
const READ_BUF_BYTES = 64 * 1024;

export class SocketEndpoint implements Endpoint {
  private out: Buffer[] = [];
  private outBytes = 0;
  private scheduled = false;
  /** Writes handed to the socket and not yet flushed out of this process. */
  private inFlight = 0;
  private drainWaiters: Array<() => void> = [];
  /** Callers of sent(): resolved once their messages are in the kernel. */
  private sentWaiters: Array<() => void> = [];
  /** Pieces of an incomplete frame, their total size, and the size the frame needs. */
  private parts: Buffer[] = [];
  private partBytes = 0;
  private need = 0;
  private messageCb: (msg: Record<string, unknown>) => void = () => undefined;
  private closeCbs: Array<() => void> = [];
  private closed = false;
  private readonly written = () => {
    if (--this.inFlight === 0 && this.drainWaiters.length) for (const w of this.drainWaiters.splice(0)) w();
  };
  private readonly flushCb = () => this.flush();

  constructor(
    readonly socket: net.Socket,
    private readonly limits?: FrameLimits,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => this.handleClose());
    socket.on('close', () => this.handleClose());
    socket.on('end', () => this.handleClose());
  }

  send(msg: object): void {
    const frame = encodeFrame(msg);
    this.out.push(frame);
    this.outBytes += frame.length;
    if (!this.scheduled) {
      this.scheduled = true;
      scheduledEndpoints.add(this);
      process.nextTick(this.flushCb);
    }
  }

  /** Writes everything queued this tick in one go. */
  flush(): void {
    this.scheduled = false;
    scheduledEndpoints.delete(this);
    if (!this.out.length || this.closed) {
      this.out = [];
      this.outBytes = 0;
      return;
    }
    const data = this.out.length === 1 ? this.out[0] : Buffer.concat(this.out, this.outBytes);
    this.out = [];
    this.outBytes = 0;
    // Causality for the trace: whatever this process emitted before sending is on disk before
    // another process can react to the message (even if we are killed right after).
    if (tracing) flushTrace();
    this.inFlight++;
    const sent = this.sentWaiters.length ? this.sentWaiters.splice(0) : undefined;
    this.socket.write(data, sent ? () => (this.written(), resolveAll(sent)) : this.written);
    // Written at once (the usual case): the bytes are the kernel's, and outlive this process.
    if (sent && this.socket.writableLength === 0 && !this.socket.connecting) resolveAll(sent.splice(0));
  }

  /**
   * Resolves once everything sent so far is in the kernel: the peer will read it even if this
   * process is killed right after. Messages sent in one tick share one write.
   */
  sent(): Promise<void> {
    if (this.closed || (!this.scheduled && this.inFlight === 0)) return Promise.resolve();
    if (!this.scheduled) return this.drain();
    return new Promise((resolve) => this.sentWaiters.push(resolve));
  }

  drain(): Promise<void> {
    if (this.scheduled) this.flush();
    if (this.inFlight === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * Whether readSync() may read the socket behind the stream's back: connected, a file
   * descriptor, and nothing the stream has read but not yet delivered (order must hold).
   */
  canReadSync(): boolean {
    const s = this.socket as net.Socket & { _handle?: { fd?: number } };
    const fd = s._handle?.fd;
    return delivering === 0 && !this.closed && !s.connecting && typeof fd === 'number' && fd >= 0 && s.readableLength === 0 && !s.isPaused();
  }

  /**
   * One non-blocking read straight from the socket; whole frames are delivered as usual.
   * Returns false when the socket cannot be read this way any more (EOF or an error: the
   * stream will see it too), true otherwise (data or nothing yet).
   */
  readSync(): boolean {
    const fd = (this.socket as net.Socket & { _handle?: { fd?: number } })._handle?.fd;
    if (typeof fd !== 'number' || fd < 0 || this.closed) return false;
    readBuf ??= Buffer.allocUnsafe(READ_BUF_BYTES);
    let n: number;
    // EAGAIN is the common case while spinning: skip building a stack trace for it.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      n = fs.readSync(fd, readBuf, 0, READ_BUF_BYTES, null);
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EAGAIN';
    } finally {
      Error.stackTraceLimit = limit;
    }
    if (n === 0) return false;
    // receive() may keep a tail of the chunk for the next frame: give it its own copy.
    this.receive(Buffer.from(readBuf.subarray(0, n)));
    return true;
  }

  /**
   * Like readSync(), but when nothing is there, sleeps in the read (native ppoll) up to `us`
   * microseconds first (see blockUntil in spin.ts). 'closed': EOF or an error, which the stream
   * will see too.
   */
  readWait(read: (fd: number, buf: Buffer, us: number) => number, us: number): 'data' | 'timeout' | 'closed' {
    const fd = (this.socket as net.Socket & { _handle?: { fd?: number } })._handle?.fd;
    if (typeof fd !== 'number' || fd < 0 || this.closed) return 'closed';
    readBuf ??= Buffer.allocUnsafe(READ_BUF_BYTES);
    const n = read(fd, readBuf, us);
    if (n === -1) return 'timeout';
    if (n <= 0) return 'closed';
    this.receive(Buffer.from(readBuf.subarray(0, n)));
    return 'data';
  }

  private receive(chunk: Buffer): void {
    // A frame larger than one read arrives in pieces: collect them and join once it is whole
    // (joining on every piece would copy a large frame over and over).
    let buf = chunk;
    if (this.parts.length) {
      this.parts.push(chunk);
      this.partBytes += chunk.length;
      if (this.partBytes < this.need) return;
      buf = Buffer.concat(this.parts, this.partBytes);
      this.parts = [];
      this.partBytes = 0;
    }
    if (this.limits && this.closed) return;
    let off = 0;
    while (buf.length - off >= HEADER) {
      const len = buf.readUInt32BE(off);
      if (this.limits && !this.withinLimits(len)) return;
      if (buf.length - off - HEADER < len) break;
      const msg = this.limits ? this.decodeUntrusted(buf, off + HEADER, len) : (decodePayload(buf, off + HEADER, off + HEADER + len) as Record<string, unknown>);
      if (msg === undefined) return;
      off += HEADER + len;
      delivering++;
      try {
        this.messageCb(msg);
      } finally {
        delivering--;
      }
    }
    if (off < buf.length) {
      const rest = buf.subarray(off);
      this.parts = [rest];
      this.partBytes = rest.length;
      this.need = rest.length >= HEADER ? HEADER + rest.readUInt32BE(0) : HEADER;
    }
  }

  /** An untrusted peer's announced frame length: too big (or empty) ends the connection now. */
  private withinLimits(len: number): boolean {
    const limits = this.limits as FrameLimits;
    if (len > 0 && len <= limits.maxFrameBytes) return true;
    this.rejectPeer(len === 0 ? 'an empty frame' : `a frame of ${len} bytes (the limit is ${limits.maxFrameBytes})`);
    return false;
  }

  /** An untrusted peer's payload, or undefined (and the connection ended) when it cannot be decoded. */
  private decodeUntrusted(buf: Buffer, start: number, len: number): Record<string, unknown> | undefined {
    try {
      return decodePayload(buf, start, start + len) as Record<string, unknown>;
    } catch {
      this.rejectPeer('a frame that does not decode');
      return undefined;
    }
  }

  private rejectPeer(reason: string): void {
    this.parts = [];
    this.partBytes = 0;
    this.handleClose();
    this.socket.destroy();
    this.limits?.onBadFrame(reason);
  }

  private handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.drainWaiters.splice(0)) w();
    resolveAll(this.sentWaiters.splice(0));
    for (const cb of this.closeCbs) cb();
  }

  onMessage(cb: (msg: Record<string, unknown>) => void): void {
    this.messageCb = cb;
  }
  onClose(cb: () => void): void {
    if (this.closed) queueMicrotask(cb);
    else this.closeCbs.push(cb);
  }
  ref(): void {
    this.socket.ref();
  }
  unref(): void {
    this.socket.unref();
  }
  close(): void {
    this.flush();
    this.socket.end();
  }
}

/** A MessagePort, a Worker (parent side) or parentPort (worker side) as an Endpoint. */
export class PortEndpoint implements Endpoint {
  private closeCbs: Array<() => void> = [];
  private closed = false;
  constructor(private readonly port: MessagePort | Worker) {
    port.on('close', () => this.handleClose());
    port.on('exit', () => this.handleClose());
  }
  send(msg: object): void {
    if (tracing) flushTrace(); // as in SocketEndpoint.flush()
    // postMessage clones (the same V8 serializer) and throws DataCloneError synchronously.
    this.port.postMessage(msg);
  }
  onMessage(cb: (msg: Record<string, unknown>) => void): void {
    this.port.on('message', (msg: Record<string, unknown>) => cb(msg));
  }
  onClose(cb: () => void): void {
    if (this.closed) queueMicrotask(cb);
    else this.closeCbs.push(cb);
  }
  private handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cb of this.closeCbs) cb();
  }
  drain(): Promise<void> {
    return Promise.resolve();
  }
  ref(): void {
    this.port.ref();
  }
  unref(): void {
    this.port.unref();
  }
  close(): void {
    if ('close' in this.port) this.port.close();
  }
}
