// Each captured event's line as bytes, where it was read (the tailer's read buffers are kept,
// never reused, while lines are kept), so a native trace is written by copying bytes: no string
// per line, no second JSON.stringify, no join (bench `trace-capture`).
import type { TraceEvent } from '../trace/events';

/** Where an event's line is kept: a symbol-keyed slot on the event itself (JSON.stringify and
 *  structured clone skip it). A Map from 400,000 events cost more than parsing their lines. */
const AT = Symbol('concurrency-lab.rawLine');
type Kept = TraceEvent & { [AT]?: number };

export class RawLines {
  private count = 0;
  private readonly bufs: Buffer[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  /** `e` was read as buf[start, end) (without its \n). */
  add(e: TraceEvent, buf: Buffer, start: number, end: number): void {
    (e as Kept)[AT] = this.bufs.length;
    this.count++;
    this.bufs.push(buf);
    this.starts.push(start);
    this.ends.push(end);
  }

  get size(): number {
    return this.count;
  }

  has(e: TraceEvent): boolean {
    return (e as Kept)[AT] !== undefined;
  }

  /** The line as text (tests, diagnostics). */
  get(e: TraceEvent): string | undefined {
    const i = (e as Kept)[AT];
    return i === undefined ? undefined : this.bufs[i].toString('utf8', this.starts[i], this.ends[i]);
  }

  /** Bytes of e's line (no \n), or -1 when it has none. */
  length(e: TraceEvent): number {
    const i = (e as Kept)[AT];
    return i === undefined ? -1 : this.ends[i] - this.starts[i];
  }

  /** Copies e's line into out at `at` (out must have room: see length()); returns the bytes copied. */
  copyTo(e: TraceEvent, out: Buffer, at: number): number {
    const i = (e as Kept)[AT] as number;
    return this.bufs[i].copy(out, at, this.starts[i], this.ends[i]);
  }
}
