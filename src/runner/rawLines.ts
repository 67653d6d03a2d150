// A run's captured trace as the runner keeps it when it writes a native trace file (RunOptions
// keepLines): per event a few columns — its time, its pid, where its line's bytes are in the
// tailer's read buffers (kept, never reused) — and the event object only for the events the runner
// made one of. Message lines (the bulk of a busy run, src/runner/lineScan.ts) stay bytes until
// someone asks for their events, and the trace file is written by copying lines: no object, no
// JSON.parse, no second JSON.stringify per line (bench `trace-capture`, issue #15).
import type { TraceEvent } from '../trace/events';
import { parseEvent } from '../trace/events';

const INITIAL = 1 << 12;

export class RawLines {
  private n = 0;
  private ts = new Float64Array(INITIAL);
  private pids = new Float64Array(INITIAL);
  /** Index into bufs, or -1: no line (written as JSON.stringify of its event). */
  private buf = new Int32Array(INITIAL);
  private start = new Int32Array(INITIAL);
  private end = new Int32Array(INITIAL);
  private readonly objs: (TraceEvent | undefined)[] = [];
  private readonly bufs: Buffer[] = [];
  private lastBuf: Buffer | undefined;
  /** Entries in trace order, once sort() ran. */
  private order: number[] | undefined;

  /** Events kept. */
  get size(): number {
    return this.n;
  }

  private grow(): void {
    const cap = this.ts.length * 2;
    const more = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.ts = more(this.ts, (c) => new Float64Array(c));
    this.pids = more(this.pids, (c) => new Float64Array(c));
    this.buf = more(this.buf, (c) => new Int32Array(c));
    this.start = more(this.start, (c) => new Int32Array(c));
    this.end = more(this.end, (c) => new Int32Array(c));
  }

  /** An event read as buf[start, end) (without its \n); `event` when the runner made it, else made on demand. */
  addLine(ts: number, pid: number, buf: Buffer, start: number, end: number, event: TraceEvent | undefined): void {
    if (buf !== this.lastBuf) {
      this.bufs.push(buf);
      this.lastBuf = buf;
    }
    const i = this.n;
    if (i === this.ts.length) this.grow();
    this.ts[i] = ts;
    this.pids[i] = pid;
    this.buf[i] = this.bufs.length - 1;
    this.start[i] = start;
    this.end[i] = end;
    this.objs.push(event);
    this.n = i + 1;
    this.order = undefined;
  }

  /** An event without a line of its own (the runner's; an expanded compact line). */
  addEvent(event: TraceEvent): void {
    const i = this.n;
    if (i === this.ts.length) this.grow();
    this.ts[i] = event.ts;
    this.pids[i] = event.pid;
    this.buf[i] = -1;
    this.objs.push(event);
    this.n = i + 1;
    this.order = undefined;
  }

  /** Trace order: by time, arrival order among equal times (as the runner's byTime). */
  sort(): void {
    const ts = this.ts;
    const order = new Array<number>(this.n);
    for (let i = 0; i < this.n; i++) order[i] = i;
    this.order = order.sort((a, b) => ts[a] - ts[b]);
  }

  private at(k: number): number {
    if (!this.order) this.sort();
    return (this.order as number[])[k];
  }

  /** The k-th event in trace order (made from its line if the runner had not). */
  event(k: number): TraceEvent {
    const i = this.at(k);
    let e = this.objs[i];
    if (e === undefined) {
      // Only lines that lineScan judged valid events lack one.
      e = parseEvent(JSON.parse(this.bufs[this.buf[i]].toString('utf8', this.start[i], this.end[i]))) as TraceEvent;
      this.objs[i] = e;
    }
    return e;
  }

  /** Every event in trace order. */
  events(): TraceEvent[] {
    const out = new Array<TraceEvent>(this.n);
    for (let k = 0; k < this.n; k++) out[k] = this.event(k);
    return out;
  }

  /** The k-th event's pid without making it. */
  pid(k: number): number {
    return this.pids[this.at(k)];
  }

  /** Whether the runner made the k-th event (else it is a message line, kept as bytes). */
  made(k: number): TraceEvent | undefined {
    return this.objs[this.at(k)];
  }

  /** The k-th event's line as read, or undefined when it has none (tests, diagnostics). */
  line(k: number): string | undefined {
    const i = this.at(k);
    const b = this.buf[i];
    return b < 0 ? undefined : this.bufs[b].toString('utf8', this.start[i], this.end[i]);
  }

  /** Bytes of the k-th event's line (no \n), or -1 when it has none. */
  length(k: number): number {
    const i = this.at(k);
    return this.buf[i] < 0 ? -1 : this.end[i] - this.start[i];
  }

  /** Copies the k-th event's line into out at `at` (room: see length()); returns the bytes copied. */
  copyTo(k: number, out: Buffer, at: number): number {
    const i = this.at(k);
    return this.bufs[this.buf[i]].copy(out, at, this.start[i], this.end[i]);
  }

  /**
   * Copies the lines of the events from the k-th on, in trace order and each with its \n, into
   * out from `at` while they fit, up to the first event without a line. Lines that follow each
   * other in the same read buffer (one writer's run between the others') are copied as one
   * range. Returns the next event to write; `filled` is where the copied bytes end in out. Returns
   * k itself when the k-th event has no line or its line does not fit.
   */
  fill(k: number, out: Buffer, at: number): number {
    if (!this.order) this.sort();
    const order = this.order as number[];
    const { buf, start, end, bufs } = this;
    const cap = out.length;
    while (k < this.n) {
      const i = order[k];
      const b = buf[i];
      if (b < 0) break;
      const s = start[i];
      // Through the \n that ends each line in the read buffer.
      let e = end[i] + 1;
      if (at + e - s > cap) break;
      let j = k + 1;
      while (j < this.n) {
        const i2 = order[j];
        if (buf[i2] !== b || start[i2] !== e || at + end[i2] + 1 - s > cap) break;
        e = end[i2] + 1;
        j++;
      }
      const src = bufs[b];
      if (e - s > 256) at += src.copy(out, at, s, e);
      else for (let p = s; p < e; p++) out[at++] = src[p];
      k = j;
    }
    this.filled = at;
    return k;
  }

  /** Where the last fill() stopped in its output buffer. */
  filled = 0;
}
