// Tails the run's trace directory: every traced process (and thread) appends JSON lines to its
// own file `<pid>-<tid>.jsonl` (src/trace/channel.ts). Reads whatever is new in each file, keeps
// a partial last line for the next read, decodes every line (compact ones included, see
// src/trace/compact.ts) and validates it with parseEvent; malformed or foreign lines are counted
// and skipped. Works on bytes, in one read buffer used again and again: lines are found in it, a
// compact line of plain integers is decoded without a string or JSON.parse. On request (keepLines)
// every valid event is kept in RawLines — where its line is in its file, which RawLines then owns,
// so the native trace file is written by copying the lines from there — and a message line that src/runner/lineScan.ts judges valid from its bytes is
// kept only so: no string, no JSON.parse, no object (read() does not return it; onMessage is told
// who used which channel). The capture costs the run's CPU while the producers run: bench
// `trace-capture`.
import { isUtf8 } from 'buffer';
import * as fs from 'fs';
import * as path from 'path';
import { parseTraceFileName } from '../trace/channel';
import { TransportDecoder, type CompactShape } from '../trace/compact';
import type { TraceEvent } from '../trace/events';
import { CHANNEL_MANAGER, LineScanner, LineTemplate } from './lineScan';
import { RawLines } from './rawLines';

/** A message line kept as bytes: its sender or receiver used the channel (the deadlock watch's business). */
export type MessageListener = (channelId: string, pid: number, tid: number) => void;

interface Tailed {
  fd: number;
  offset: number;
  rest: Buffer | undefined;
  /** Compact lines refer to templates defined earlier in the same file (src/trace/compact.ts). */
  decoder: TransportDecoder;
  /** The last channel use reported for a bytes-only message line of this file (most repeat it). */
  usedChannel: string;
  usedPid: number;
  usedTid: number;
  /** This file's number (RawLines sorts each writer's lines as one sequence). */
  writer: number;
  /** Its number among RawLines' sources (keepLines), else -1. */
  source: number;
  /** The shape of its last message line judged from bytes (most of a writer's lines share it). */
  template: LineTemplate;
}

/** One read: large, so a busy writer's output is taken in few syscalls, and small enough that
 *  the one buffer reads go into stays in the cache (fresh memory costs a page fault per 4 KB). */
const READ_SIZE = 1 << 20;
const NL = 0x0a;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const MINUS = 0x2d;
const ZERO = 0x30;
/** Digits a compact value may have to be read here (else JSON.parse): a time stamp in µs has
 *  16; one above Number.MAX_SAFE_INTEGER goes to JSON.parse too (a double's sum of digits
 *  rounds, never below 2^53, so such a value is always caught). */
const MAX_DIGITS = 16;

export class TraceTailer {
  malformed = 0;
  /** Each valid event's line as read (without its \n), when constructed with keepLines. */
  readonly lines: RawLines | undefined;
  private readonly files = new Map<string, Tailed>();
  /** Where reads go (a partial last line first): used again by every read. */
  private arena: Buffer | undefined;
  /** Scratch for a compact line's values. */
  private readonly values: number[] = [];
  private readonly scanner = new LineScanner();
  /** Message lines kept as bytes only, since takeBytesOnly() was last called. */
  private bytesOnly = 0;
  /** Compact task.end lines kept as bytes only, per template, since takeTaskEnds(). */
  private readonly taskEnds = new Map<CompactShape, number>();

  constructor(
    private readonly dir: string,
    keepLines = false,
    private readonly onMessage?: MessageListener,
  ) {
    this.lines = keepLines ? new RawLines() : undefined;
  }

  /** How many events were kept as bytes only (not returned by read()) since the last call. */
  takeBytesOnly(): number {
    const n = this.bytesOnly;
    this.bytesOnly = 0;
    return n;
  }

  /**
   * The compact task.end lines kept as bytes only since the last call, per template: its event
   * (the first line of it, which read() returned) and how many more (the deadlock watch counts a
   * worker's running tasks).
   */
  takeTaskEnds(): Array<[TraceEvent, number]> {
    if (!this.taskEnds.size) return [];
    const out = [...this.taskEnds].map(([shape, n]): [TraceEvent, number] => [shape.event, n]);
    this.taskEnds.clear();
    return out;
  }

  /** Everything new since the last call, in file order per file. */
  read(): TraceEvent[] {
    const out: TraceEvent[] = [];
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return out;
    }
    for (const name of names) {
      let f = this.files.get(name);
      if (!f) {
        if (!parseTraceFileName(name)) continue;
        try {
          f = { fd: fs.openSync(path.join(this.dir, name), 'r'), offset: 0, rest: undefined, decoder: new TransportDecoder(), usedChannel: '', usedPid: -1, usedTid: -1, writer: this.files.size, source: -1, template: new LineTemplate() };
        } catch {
          continue;
        }
        if (this.lines) f.source = this.lines.addSource(f.fd);
        this.files.set(name, f);
      }
      this.readFile(f, out);
    }
    return out;
  }

  private readFile(f: Tailed, out: TraceEvent[]): void {
    for (;;) {
      // The partial line left by the last read goes first, then the new bytes after it.
      const restLen = f.rest ? f.rest.length : 0;
      let arena = this.arena;
      if (!arena || arena.length < restLen + READ_SIZE) arena = this.arena = Buffer.allocUnsafe(restLen + READ_SIZE);
      if (f.rest) f.rest.copy(arena, 0);
      const room = READ_SIZE;
      const n = fs.readSync(f.fd, arena, restLen, room, f.offset);
      if (n <= 0) return;
      // The file offset of arena[0].
      const base = f.offset - restLen;
      f.offset += n;
      const len = restLen + n;
      const end = arena.lastIndexOf(NL, len - 1) + 1;
      const complete = end > 0;
      f.rest = complete ? (end < len ? Buffer.from(arena.subarray(end, len)) : undefined) : Buffer.from(arena.subarray(0, len));
      if (complete) this.parseLines(f, arena, base, end, out);
      if (n < room) return;
    }
  }

  /** The complete lines of buf[0, end), each ending in \n, one by one: only a broken line is lost.
   *  buf[0] is at file offset `base`. */
  private parseLines(f: Tailed, buf: Buffer, base: number, end: number, out: TraceEvent[]): void {
    const lines = this.lines;
    const scanner = this.scanner;
    const source = f.source;
    lines?.chunk(f.writer);
    let s = 0;
    while (s < end) {
      if (lines && buf[s] === OPEN_BRACE) {
        let e = scanner.match(f.template, buf, s);
        if (e < 0) {
          e = scanner.scan(buf, s);
          if (e >= 0) scanner.learn(f.template, buf, s, e);
        }
        if (e >= 0) {
          // A valid message event, judged from its bytes: kept as them.
          lines.addLine(scanner.ts, scanner.pid, source, base + s, e - s, undefined);
          this.bytesOnly++;
          if (scanner.channel !== CHANNEL_MANAGER) this.usedBytes(f, buf, scanner.channelIdStart, scanner.channelIdEnd, scanner.pid, scanner.tid);
          s = e + 1;
          continue;
        }
      }
      const e = buf.indexOf(NL, s);
      const ints = buf[s] === OPEN_BRACKET && this.readIntegers(buf, s, e);
      if (lines && ints) {
        // A compact line of a template whose lines are kept as bytes (CompactShape): no object.
        const values = this.values;
        const shape = f.decoder.shape(values[0]);
        if (shape !== undefined && values.length === shape.n + 1 && nonNegative(values)) {
          lines.addCompact(values[shape.tsAt + 1], shape, source, base + s, e - s);
          this.bytesOnly++;
          if (shape.event.kind === 'task.end') this.taskEnds.set(shape, (this.taskEnds.get(shape) ?? 0) + 1);
          s = e + 1;
          continue;
        }
      }
      const line = this.parseLine(f.decoder, buf, s, e, ints);
      if (line !== undefined) {
        out.push(line.event);
        if (lines) {
          // The first valid line of a template: whether its next ones can be kept as bytes.
          if (ints) f.decoder.learn(this.values[0], line.event);
          // Saved traces never need the templates: a compact line is written as its event's JSON,
          // and so is a line that is not valid UTF-8 (JSON.parse read it with replacement characters).
          if (line.compact || !isUtf8(buf.subarray(s, e))) lines.addEvent(line.event);
          else lines.addLine(line.event.ts, line.event.pid, source, base + s, e - s, line.event);
        }
      }
      s = e + 1;
    }
  }

  /** Tells onMessage about a bytes-only message line's channel use, unless it just did for this file. */
  private usedBytes(f: Tailed, buf: Buffer, s: number, e: number, pid: number, tid: number): void {
    if (!this.onMessage) return;
    const last = f.usedChannel;
    if (pid === f.usedPid && tid === f.usedTid && e - s === last.length) {
      let same = true;
      for (let i = 0; i < last.length; i++) {
        if (buf[s + i] !== last.charCodeAt(i)) {
          same = false;
          break;
        }
      }
      if (same) return;
    }
    f.usedChannel = buf.toString('latin1', s, e);
    f.usedPid = pid;
    f.usedTid = tid;
    this.onMessage(f.usedChannel, pid, tid);
  }

  /** `ints`: readIntegers() read the line into this.values. */
  private parseLine(decoder: TransportDecoder, buf: Buffer, s: number, e: number, ints: boolean): { event: TraceEvent; compact: boolean } | undefined {
    if (s === e) return undefined; // a blank line is nothing, not a malformed one
    let v: unknown;
    if (ints) v = this.values;
    else {
      const text = buf.toString('utf8', s, e);
      try {
        v = JSON.parse(text);
      } catch {
        if (text.trim()) this.malformed++;
        return undefined;
      }
    }
    const d = decoder.decode(v);
    if (d === 'template') return undefined;
    if (!d) this.malformed++;
    return d;
  }

  /**
   * A compact line `[3,41,1795838772913553]` of plain integers (no spaces, fractions or
   * exponents, at most MAX_DIGITS digits and MAX_SAFE_INTEGER each: exact as doubles) into this.values; false for
   * anything else, which then goes through JSON.parse.
   */
  private readIntegers(buf: Buffer, s: number, e: number): boolean {
    const values = this.values;
    values.length = 0;
    let i = s + 1;
    if (buf[e - 1] !== CLOSE_BRACKET || i >= e - 1) return false;
    for (;;) {
      let neg = false;
      if (buf[i] === MINUS) {
        neg = true;
        i++;
      }
      const first = i;
      let n = 0;
      let c = buf[i];
      while (c >= ZERO && c <= ZERO + 9) {
        n = n * 10 + (c - ZERO);
        c = buf[++i];
      }
      const digits = i - first;
      // JSON: at least one digit, no leading zero.
      if (digits === 0 || digits > MAX_DIGITS || (digits > 1 && buf[first] === ZERO) || n > Number.MAX_SAFE_INTEGER) return false;
      values.push(neg ? -n : n);
      if (i === e - 1) return true;
      if (c !== COMMA) return false;
      i++;
    }
  }

  /** A partial last line left at the end is malformed (its writer died mid-line). The files kept
   *  lines are read from stay open: RawLines owns them (RawLines.close()). */
  close(): void {
    for (const f of this.files.values()) {
      if (f.rest && f.rest.length) this.malformed++;
      if (f.source >= 0) continue;
      try {
        fs.closeSync(f.fd);
      } catch {
        // already closed
      }
    }
    this.files.clear();
  }
}

/** Whether every value is >= 0 (and none is -0, whose JSON is 0: its digits would not be). */
function nonNegative(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++) {
    const v = values[i];
    if (v < 0 || (v === 0 && 1 / v < 0)) return false;
  }
  return true;
}
