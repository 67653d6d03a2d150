// A run's captured trace as the runner keeps it when it writes a native trace file (RunOptions
// keepLines): per event a few columns — its time, and where its line is in the trace-channel file
// it was read from — and the event object only for the events the runner made one of. The lines'
// bytes are not kept in memory: the channel's files are append-only (every writer opens its own
// with O_APPEND), so a line read once is still there, and the tailer hands its open files over
// (they stay readable after the run's folder is removed). Message lines (the bulk of a busy run,
// src/runner/lineScan.ts) stay bytes until someone asks for their events, and the trace file is
// written by copying the lines from the files (read again through a window per file, from the
// page cache): no object, no JSON.parse, no second JSON.stringify per line, and no fresh memory
// for the run's megabytes of lines, whose first-touch page faults cost the run more than reading
// them again (bench `trace-capture`, issue #15).
import * as fs from 'fs';
import type { CompactShape } from '../trace/compact';
import type { TraceEvent } from '../trace/events';
import { parseEvent } from '../trace/events';

/** Entries the columns start with: untouched memory costs nothing (calloc'd pages are mapped on
 *  first write), while growing copies the columns into fresh memory (page faults cost ~13 µs
 *  each on the 2-core test machine). */
const INITIAL = 1 << 18;
/** Bytes read at once from a file when its lines are copied or made again. */
const WINDOW = 512 << 10;
const NL = 0x0a;
const COMMA = 0x2c;
const CLOSE_BRACKET = 0x5d;

/** A trace-channel file whose lines are kept: its descriptor, and what was last read of it. */
interface Source {
  fd: number;
  win: Buffer | undefined;
  /** win, read 4 bytes at a time. */
  view: DataView<ArrayBufferLike> | undefined;
  /** File offsets of win[0] and of the end of what is in win. */
  winStart: number;
  winEnd: number;
}

/** Closes a RawLines' files when nobody closed it (it was dropped). */
const dropped = new FinalizationRegistry<number[]>((fds) => {
  for (const fd of fds) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
  }
});

/** A kept line is not what was read any more: its file was cut or rewritten behind the runner. */
export class ChangedLineError extends Error {}

const changed = (off: number) => new ChangedLineError(`a trace-channel file was changed after it was read (the line at byte ${off} is not as read)`);

export class RawLines {
  private n = 0;
  private ts = new Float64Array(INITIAL);
  /** Index into sources, or -1: no line (written as JSON.stringify of its event). */
  private src = new Int32Array(INITIAL);
  /** Where the line starts in its file, and its bytes (without the \n that ends it there). */
  private off = new Float64Array(INITIAL);
  private len = new Int32Array(INITIAL);
  /** 0, or 1 + the slot in `shapes` of a compact line's template (written expanded, see CompactShape). */
  private tpl = new Int32Array(INITIAL);
  private readonly shapes: CompactShape[] = [];
  /** Per slot: its shape's pieces as UTF-8 bytes, and their total length. */
  private readonly pieces: Buffer[][] = [];
  private readonly fixed: number[] = [];
  /** Scratch: where each value of the compact line being expanded starts and ends. */
  private valAt = new Int32Array(16);
  /** Per pid, its first line (in trace order) of those the runner made no event of. */
  private readonly firstOfPid = new Map<number, number>();
  private lastPid = -1;
  private lastFirst = -1;
  /** The events the runner made, by entry (most message lines have none). */
  private readonly objs = new Map<number, TraceEvent>();
  private readonly sources: Source[] = [];
  /** The descriptors, for the finalizer (the same array it holds). */
  private readonly fds: number[] = [];
  private closed = false;
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
    this.src = more(this.src, (c) => new Int32Array(c));
    this.off = more(this.off, (c) => new Float64Array(c));
    this.len = more(this.len, (c) => new Int32Array(c));
    this.tpl = more(this.tpl, (c) => new Int32Array(c));
  }

  /** A trace-channel file (open for reading) whose lines will be added: owned from now on (close()). */
  addSource(fd: number): number {
    if (!this.fds.length) dropped.register(this, this.fds, this);
    this.sources.push({ fd, win: undefined, view: undefined, winStart: 0, winEnd: 0 });
    this.fds.push(fd);
    return this.sources.length - 1;
  }

  /** Closes the files: no line can be copied or made after this. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    dropped.unregister(this);
    for (const fd of this.fds) {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
    }
    for (const s of this.sources) {
      s.win = undefined;
      s.view = undefined;
    }
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

  /** An event read as the `len` bytes at `offset` of source `source`'s file, followed there by a
   *  \n; `event` when the runner made it, else made on demand. */
  addLine(ts: number, pid: number, source: number, offset: number, len: number, event: TraceEvent | undefined): void {
    const i = this.n;
    if (i === this.ts.length) this.grow();
    this.ts[i] = ts;
    this.src[i] = source;
    this.off[i] = offset;
    this.len[i] = len;
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

  /** A compact line of `shape`'s template, `len` bytes at `offset` of source `source`'s file,
   *  kept as its bytes and written as its event's JSON (its values are checked by the caller). */
  addCompact(ts: number, shape: CompactShape, source: number, offset: number, len: number): void {
    let slot = shape.slot;
    if (slot < 0 || this.shapes[slot] !== shape) {
      slot = shape.slot = this.shapes.length;
      this.shapes.push(shape);
      const pieces = shape.pieces.map((p) => Buffer.from(p));
      this.pieces.push(pieces);
      this.fixed.push(pieces.reduce((sum, b) => sum + b.length, 0));
      if (shape.n * 2 > this.valAt.length) this.valAt = new Int32Array(shape.n * 2);
    }
    const i = this.n;
    this.addLine(ts, shape.pid, source, offset, len, undefined);
    this.tpl[i] = slot + 1;
  }

  /** An event without a line of its own (the runner's; an expanded compact line). */
  addEvent(event: TraceEvent): void {
    const i = this.n;
    if (i === this.ts.length) this.grow();
    this.ts[i] = event.ts;
    this.src[i] = -1;
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
    // Each pass over the entries is a function of its own: V8 optimizes a hot loop on the spot
    // (OSR), and code after it in the same function would start without type feedback and send
    // it back to the interpreter — this runs once per run, cold, on 100,000s of entries.
    const { runStart, runWriter } = findRuns(ts, n, this.chunkAt, this.chunkWriter);
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
      for (const r of chain) k = fillRange(a, k, runStart[r], runStart[r + 1]);
      bounds.push(k);
    }
    // Merge chains pairwise; equal times go by arrival (index), as chains interleave arrivals.
    let b = new Uint32Array(n);
    while (bounds.length > 2) {
      const next = [0];
      for (let c = 0; c + 1 < bounds.length; c += 2) {
        const mid = bounds[c + 1];
        const hi = c + 2 < bounds.length ? bounds[c + 2] : mid;
        merge(ts, a, b, bounds[c], mid, hi);
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
    return parseEvent(JSON.parse(this.text(i))) as TraceEvent;
  }

  /** Entry i's line as the trace file has it (a compact one expanded). */
  private text(i: number): string {
    const t = this.tpl[i];
    if (t) {
      const out = Buffer.allocUnsafe(this.expandedLength(i));
      return out.toString('utf8', 0, this.expand(i, out, 0));
    }
    const b = this.view(i);
    return b.toString('utf8', this.at0, this.at0 + this.len[i]);
  }

  /** Bytes of compact entry i's expanded line (no \n). */
  private expandedLength(i: number): number {
    const slot = this.tpl[i] - 1;
    const sh = this.shapes[slot];
    // The line is `[id,v0,…,vn-1]`: its values' digits, and the shape's pieces around them.
    return this.fixed[slot] + this.len[i] - 2 - sh.idLen - sh.n;
  }

  /** Writes compact entry i's line expanded into out at `at` (room: expandedLength); returns where it ends. */
  private expand(i: number, out: Uint8Array, at: number): number {
    const slot = this.tpl[i] - 1;
    const sh = this.shapes[slot];
    const win = this.view(i);
    const s = this.at0;
    const e = s + this.len[i];
    const valAt = this.valAt;
    // Values: after `[`, the id and its comma; each ends at a comma or the closing bracket.
    let p = s + 2 + sh.idLen;
    for (let v = 0; v < sh.n; v++) {
      valAt[2 * v] = p;
      while (p < e && win[p] !== COMMA && win[p] !== CLOSE_BRACKET) p++;
      valAt[2 * v + 1] = p;
      p++;
    }
    const pieces = this.pieces[slot];
    const order = sh.order;
    for (let j = 0; ; j++) {
      const piece = pieces[j];
      for (let q = 0; q < piece.length; q++) out[at++] = piece[q];
      if (j === sh.n) break;
      const v = order[j];
      for (let q = valAt[2 * v], end = valAt[2 * v + 1]; q < end; q++) out[at++] = win[q];
    }
    return at;
  }

  /** Where view()'s line starts in the buffer it returned. */
  private at0 = 0;

  /**
   * A buffer holding entry i's line and its \n, from at0: its file's window, read again from the
   * line on when the line is not in it. Throws ChangedLineError when the file no longer has the
   * line's \n where it had it (the files are append-only: only someone else's hand does that).
   */
  private view(i: number): Buffer {
    const s = this.sources[this.src[i]];
    const off = this.off[i];
    const len = this.len[i];
    if (s.win === undefined || off < s.winStart || off + len + 1 > s.winEnd) this.load(s, off, len);
    const win = s.win as Buffer;
    const at = (off - s.winStart) | 0;
    if (win[at + len] !== NL) throw changed(off);
    this.at0 = at;
    return win;
  }

  /** Reads source s's window again, from file offset `off`, where a line of `len` bytes and its \n are. */
  private load(s: Source, off: number, len: number): void {
    if (this.closed) throw new Error('RawLines: the files were closed');
    const size = Math.max(WINDOW, len + 1);
    let win = s.win;
    if (!win || win.length < size) {
      win = s.win = Buffer.allocUnsafe(size);
      s.view = new DataView(win.buffer, win.byteOffset, win.length);
    }
    let got = 0;
    while (got < win.length) {
      const n = fs.readSync(s.fd, win, got, win.length - got, off + got);
      if (n <= 0) break;
      got += n;
    }
    s.winStart = off;
    s.winEnd = off + got;
    if (got < len + 1) throw new ChangedLineError(`a trace-channel file was cut after it was read (a line at byte ${off} is gone)`);
  }

  /** The k-th event's line as read, or undefined when it has none (tests, diagnostics). */
  line(k: number): string | undefined {
    const i = this.at(k);
    if (this.src[i] < 0) return undefined;
    return this.text(i);
  }

  /** Bytes of the k-th event's line (no \n), or -1 when it has none. */
  length(k: number): number {
    const i = this.at(k);
    return this.src[i] < 0 ? -1 : this.tpl[i] ? this.expandedLength(i) : this.len[i];
  }

  /** Copies the k-th event's line into out at `at` (room: see length()); returns the bytes copied. */
  copyTo(k: number, out: Buffer, at: number): number {
    const i = this.at(k);
    if (this.tpl[i]) return this.expand(i, out, at) - at;
    const b = this.view(i);
    return b.copy(out, at, this.at0, this.at0 + this.len[i]);
  }

  /**
   * Copies the lines of the events from the k-th on, in trace order and each with its \n, into
   * out from `at` while they fit, up to the first event without a line. Lines that follow each
   * other in the same file (one writer's run between the others') are copied as one range.
   * Returns the next event to write; `filled` is where the copied bytes end in out. Returns k
   * itself when the k-th event has no line or its line does not fit.
   */
  fill(k: number, out: Buffer, at: number): number {
    if (!this.order) this.sort();
    const order = this.order as Uint32Array;
    const { src, off, len, sources, tpl } = this;
    const n = this.n;
    const cap = out.length;
    if (out !== this.outOf) {
      this.outOf = out;
      this.outView = new DataView(out.buffer, out.byteOffset, out.length);
    }
    const ov = this.outView;
    while (k < n) {
      const i = order[k];
      const b = src[i];
      if (b < 0) break;
      let l = len[i];
      if (tpl[i]) {
        // A compact line: written expanded, alone.
        if (at + this.expandedLength(i) + 1 > cap) break;
        at = this.expand(i, out, at);
        out[at++] = NL;
        k++;
        continue;
      }
      if (at + l + 1 > cap) break;
      const so = sources[b];
      let o = off[i];
      if (so.win === undefined || o < so.winStart || o + l + 1 > so.winEnd) this.load(so, o, l);
      const win = so.win as Buffer;
      const winLen = (so.winEnd - so.winStart) | 0;
      const s = (o - so.winStart) | 0;
      // Through the \n that ends each line; the next lines too while they follow it in the window.
      let e = s + l + 1;
      if (win[e - 1] !== NL) throw changed(o);
      o += l + 1;
      let j = k + 1;
      while (j < n) {
        const i2 = order[j];
        l = len[i2];
        const e2 = e + l + 1;
        if (src[i2] !== b || off[i2] !== o || tpl[i2] || e2 > winLen || at + e2 - s > cap) break;
        if (win[e2 - 1] !== NL) throw changed(o);
        e = e2;
        o += l + 1;
        j++;
      }
      // Buffer#copy makes a view object per call: short ranges go 4 bytes at a time (no garbage).
      if (e - s > 4096) at += win.copy(out, at, s, e);
      else {
        const wv = so.view as DataView<ArrayBufferLike>;
        let p = s;
        for (; p + 4 <= e; p += 4, at += 4) ov.setUint32(at, wv.getUint32(p));
        for (; p < e; p++) out[at++] = win[p];
      }
      k = j;
    }
    this.filled = at;
    return k;
  }

  /** fill()'s view of the buffer it last filled. */
  private outOf: Buffer | undefined;
  private outView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

  /** Where the last fill() stopped in its output buffer. */
  filled = 0;
}

/** Where the runs of entries start (each in time order, from one writer: runWriter; -1 the runner's), n last. */
function findRuns(ts: Float64Array, n: number, chunkAt: readonly number[], writerOf: readonly number[]): { runStart: number[]; runWriter: number[] } {
  const runStart = [0];
  const runWriter: number[] = [];
  let chunk = 0;
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
  return { runStart, runWriter };
}

/** a[k..] = from, from + 1, … to - 1; returns where it ended. */
function fillRange(a: Uint32Array, k: number, from: number, to: number): number {
  for (let i = from; i < to; i++) a[k++] = i;
  return k;
}

/** Merges a[lo, mid) and a[mid, hi) (entries, each in trace order) into b[lo, hi). */
function merge(ts: Float64Array, a: Uint32Array, b: Uint32Array, lo: number, mid: number, hi: number): void {
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
}
