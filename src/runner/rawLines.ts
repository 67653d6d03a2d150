// A run's captured trace as the runner keeps it when it writes a native trace file (RunOptions
// keepLines): per event a few columns — its time, its pid, where its line's bytes are in the
// tailer's read buffers (kept, never reused) — and the event object only for the events the runner
// made one of. Message lines (the bulk of a busy run, src/runner/lineScan.ts) stay bytes until
// someone asks for their events, and the trace file is written by copying lines: no object, no
// JSON.parse, no second JSON.stringify per line (bench `trace-capture`, issue #15).
import type { TraceEvent } from '../trace/events';
import { parseEvent } from '../trace/events';

/** Entries the columns start with: untouched memory costs nothing (calloc'd pages are mapped on
 *  first write), while growing copies the columns into fresh memory (page faults cost ~13 µs
 *  each on the 2-core test machine). */
const INITIAL = 1 << 18;

export class RawLines {
  private n = 0;
  private ts = new Float64Array(INITIAL);
  /** Index into bufs, or -1: no line (written as JSON.stringify of its event). */
  private buf = new Int32Array(INITIAL);
  private start = new Int32Array(INITIAL);
  private end = new Int32Array(INITIAL);
  /** Per pid, its first line (in trace order) of those the runner made no event of. */
  private readonly firstOfPid = new Map<number, number>();
  private lastPid = -1;
  private lastFirst = -1;
  /** The events the runner made, by entry (most message lines have none). */
  private readonly objs = new Map<number, TraceEvent>();
  private readonly bufs: Buffer[] = [];
  private lastBuf: Buffer | undefined;
  /** Chunks of entries read from one writer's file: where each starts, and its writer. */
  private readonly chunkAt: number[] = [];
  private readonly chunkWriter: number[] = [];
  /** Entries in trace order, once sort() ran. */
  private order: Uint32Array | undefined;

  /** Events kept. */
  get size(): number {
    return this.n;
  }

  private grow(): void {
    const cap = this.ts.length * 4;
    const more = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.ts = more(this.ts, (c) => new Float64Array(c));
    this.buf = more(this.buf, (c) => new Int32Array(c));
    this.start = more(this.start, (c) => new Int32Array(c));
    this.end = more(this.end, (c) => new Int32Array(c));
  }

  /** The entries added from now on are read from writer `writer`'s file, in its order (-1: not). */
  chunk(writer: number): void {
    const at = this.n;
    if (this.chunkAt.length && this.chunkAt[this.chunkAt.length - 1] === at) {
      this.chunkWriter[this.chunkWriter.length - 1] = writer;
      return;
    }
    this.chunkAt.push(at);
    this.chunkWriter.push(writer);
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
    this.buf[i] = this.bufs.length - 1;
    this.start[i] = start;
    this.end[i] = end;
    if (event) this.objs.set(i, event);
    else if (pid !== this.lastPid) {
      this.lastPid = pid;
      const f = this.firstOfPid.get(pid);
      if (f === undefined || ts < this.ts[f]) this.firstOfPid.set(pid, (this.lastFirst = i));
      else this.lastFirst = f;
    } else if (ts < this.ts[this.lastFirst]) this.firstOfPid.set(pid, (this.lastFirst = i));
    this.n = i + 1;
    this.order = undefined;
  }

  /** An event without a line of its own (the runner's; an expanded compact line). */
  addEvent(event: TraceEvent): void {
    const i = this.n;
    if (i === this.ts.length) this.grow();
    this.ts[i] = event.ts;
    this.buf[i] = -1;
    this.objs.set(i, event);
    this.n = i + 1;
    this.order = undefined;
  }

  /**
   * Trace order: by time, arrival order among equal times (as the runner's byTime, a stable sort).
   * Each read of a file is a run already in order, and a file's runs follow each other in time:
   * runs are first chained (a run goes after the chain it continues), so a merge of a few chains
   * (about one per writer) is left, on the ts column.
   */
  sort(): void {
    const n = this.n;
    const ts = this.ts;
    // Runs: [runStart[r], runStart[r + 1]), each from one writer (runWriter[r]; -1: the runner).
    const runStart = [0];
    const runWriter: number[] = [];
    let chunk = 0;
    const chunkAt = this.chunkAt;
    const writerOf = this.chunkWriter;
    const writerAt = (i: number) => {
      while (chunk + 1 < chunkAt.length && chunkAt[chunk + 1] <= i) chunk++;
      return chunk < chunkAt.length && chunkAt[chunk] <= i ? writerOf[chunk] : -1;
    };
    runWriter.push(writerAt(0));
    for (let i = 1; i < n; i++) {
      if (ts[i] < ts[i - 1] || (chunk + 1 < chunkAt.length && chunkAt[chunk + 1] === i)) {
        runStart.push(i);
        runWriter.push(writerAt(i));
      }
    }
    runStart.push(n);
    // Chains of runs, each chain in order: a run continues its writer's chain when it can, else
    // the chain whose last time is the latest not after its first time, else starts one.
    const chains: number[][] = [];
    const chainEnd: number[] = [];
    const chainOf = new Map<number, number>();
    for (let r = 0; r + 1 < runStart.length; r++) {
      const first = ts[runStart[r]];
      let best = chainOf.get(runWriter[r]) ?? -1;
      if (best < 0 || chainEnd[best] > first) {
        best = -1;
        for (let c = 0; c < chains.length; c++) if (chainEnd[c] <= first && (best < 0 || chainEnd[c] > chainEnd[best])) best = c;
      }
      if (best < 0) {
        best = chains.length;
        chains.push([]);
        chainEnd.push(0);
      }
      chains[best].push(r);
      chainEnd[best] = ts[runStart[r + 1] - 1];
      if (runWriter[r] >= 0) chainOf.set(runWriter[r], best);
    }
    let a = new Uint32Array(n);
    let bounds = [0];
    let k = 0;
    for (const chain of chains) {
      for (const r of chain) for (let i = runStart[r]; i < runStart[r + 1]; i++) a[k++] = i;
      bounds.push(k);
    }
    // Merge chains pairwise; equal times go by arrival (index), as chains interleave arrivals.
    let b = new Uint32Array(n);
    while (bounds.length > 2) {
      const next = [0];
      for (let c = 0; c + 1 < bounds.length; c += 2) {
        const lo = bounds[c];
        const mid = bounds[c + 1];
        const hi = c + 2 < bounds.length ? bounds[c + 2] : mid;
        let i = lo;
        let j = mid;
        let o = lo;
        while (i < mid && j < hi) {
          const x = a[i];
          const y = a[j];
          const tx = ts[x];
          const ty = ts[y];
          if (ty < tx || (ty === tx && y < x)) {
            b[o++] = y;
            j++;
          } else {
            b[o++] = x;
            i++;
          }
        }
        while (i < mid) b[o++] = a[i++];
        while (j < hi) b[o++] = a[j++];
        next.push(hi);
      }
      [a, b] = [b, a];
      bounds = next;
    }
    this.order = a;
  }

  private at(k: number): number {
    if (!this.order) this.sort();
    return (this.order as Uint32Array)[k];
  }

  /** The k-th event in trace order (made from its line if the runner had not). */
  event(k: number): TraceEvent {
    const i = this.at(k);
    return this.objs.get(i) ?? this.make(i);
  }

  /** Every event in trace order. */
  events(): TraceEvent[] {
    const out = new Array<TraceEvent>(this.n);
    for (let k = 0; k < this.n; k++) out[k] = this.event(k);
    return out;
  }

  /**
   * What RunSummary needs of the processes, without making every event: in trace order, every
   * event the runner made and the first line of each pid among the others (made now).
   */
  madeAndFirsts(): TraceEvent[] {
    const idx = [...this.objs.keys(), ...this.firstOfPid.values()];
    const ts = this.ts;
    idx.sort((a, b) => ts[a] - ts[b] || a - b);
    return idx.map((i) => this.objs.get(i) ?? this.make(i));
  }

  private make(i: number): TraceEvent {
    // Only lines that lineScan judged valid events lack one (made each time: not kept).
    return parseEvent(JSON.parse(this.bufs[this.buf[i]].toString('utf8', this.start[i], this.end[i]))) as TraceEvent;
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
    const order = this.order as Uint32Array;
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
      // Buffer#copy makes a view object per call: short ranges go byte by byte (no garbage).
      if (e - s > 4096) at += src.copy(out, at, s, e);
      else for (let p = s; p < e; p++) out[at++] = src[p];
      k = j;
    }
    this.filled = at;
    return k;
  }

  /** Where the last fill() stopped in its output buffer. */
  filled = 0;
}
