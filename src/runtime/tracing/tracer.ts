// Emits trace events from inside a snippet process (or worker thread) to the run's trace
// directory (contract: src/trace/channel.ts). Off — and free — unless the runner set the env var.
import * as fs from 'fs';
import * as path from 'path';
import { threadId } from 'worker_threads';
import { TEMPLATE_KIND, TRACE_DIR_ENV, traceFileName } from '../../trace/channel';
import { runClock } from './clock';
import type { TraceEvent } from '../../trace/events';

const traceDir = process.env[TRACE_DIR_ENV];

/** True when this process is part of a traced run. Check it before building an event object. */
export const tracing: boolean = !!traceDir;

let fd: number | undefined;
let flushScheduled = false;

// Events are encoded straight into one byte buffer and written with one writeSync per tick (or
// per FLUSH_AT bytes). Hot paths (a task's submit/start/end) write compact lines (a template id
// and a few numbers, src/trace/compact.ts) from pre-encoded bytes and digits: no strings and no
// garbage per task — the submitting process holds 100k live tasks, and per-event garbage made its
// young-generation GC copy them over and over (bench `tracing`, bench/RESULTS.md).
const OUT_BYTES = 128 * 1024;
let out = Buffer.allocUnsafe(OUT_BYTES);
/** Bytes in `out`; the ones past `committed` belong to an event still being written. */
let used = 0;
let committed = 0;
/** Pending bytes that trigger a write even within one tick: bounds memory on busy ticks. */
const FLUSH_AT = 64 * 1024;

/** Distributes Omit over the union so each event kind keeps its own fields. */
export type EventInput = TraceEvent extends infer E ? (E extends TraceEvent ? Omit<E, 'ts' | 'pid'> & { ts?: number; pid?: number } : never) : never;

/** Now in µs on the run's one clock (src/trace/clock.ts), the same instant stamps the same in every process. */
export function now(): number {
  return runClock.nowMicros();
}

function open(): number {
  if (fd === undefined) fd = fs.openSync(path.join(traceDir as string, traceFileName(process.pid, threadId)), 'a');
  return fd;
}

/**
 * Writes pending events now. Called at the end of the current tick, and synchronously before
 * the process exits, so nothing emitted is lost on a normal exit; a SIGKILL loses at most the
 * events of the tick it interrupted.
 */
export function flush(): void {
  flushScheduled = false;
  if (beforeFlush.length > 0 && !inBeforeFlush) {
    // Records batched until now (a lock's holds) go first; an inner flush they cause skips this.
    inBeforeFlush = true;
    try {
      for (const cb of beforeFlush) cb();
    } finally {
      inBeforeFlush = false;
    }
  }
  if (committed === 0) return;
  writeOut(committed);
  // (Only an event abandoned half-way by a throw can leave bytes past `committed`: drop them.)
  used = committed = 0;
  // A huge event (megabytes of output) grew the buffer: do not keep that much for good.
  if (out.length > 8 * OUT_BYTES) out = Buffer.allocUnsafe(OUT_BYTES);
}

/** Events this process could not write (a full disk, a file size limit), not yet reported in the trace. */
let lostEvents = 0;
let lostSaid = false;

/**
 * Writes out[0, end): tracing must never break the snippet, so a failed write only counts what it
 * lost. A folder gone means the run is over (the runner removed it): nothing to say. Anything else
 * (ENOSPC, EFBIG, EDQUOT, EIO) is said once on stderr, which the runner shows as this process's
 * output, and the count goes into the trace as an `error` event when a write succeeds again.
 */
function writeOut(end: number): void {
  let done = 0;
  try {
    const file = open();
    if (lostEvents > 0) writeLostNotice(file);
    // A short write (the disk filled mid-way) is continued until the error shows.
    while (done < end) done += fs.writeSync(file, out, done, end - done);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'ENOENT') return;
    // Every line whose newline was not written: a line cut by a short write included (the runner
    // counts its first half malformed).
    lostEvents += countLines(done, end);
    if (!lostSaid) {
      lostSaid = true;
      try {
        fs.writeSync(2, `concurrency-lab: process ${process.pid} could not write its trace (${code}) in ${traceDir}: its events are lost until the write succeeds again${code === 'ENOSPC' ? '; free some space' : ''}\n`);
      } catch {
        // stderr closed: nothing more can be said.
      }
    }
  }
}

function countLines(from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (out[i] === 0x0a) n++;
  return n;
}

/**
 * After a gap: the template definitions again (the lost bytes may have held some, and the lines
 * that follow need them; a definition may be repeated), then the `error` event that reports
 * lostEvents — in their own writes, before the events that follow the gap.
 */
function writeLostNotice(file: number): void {
  const event = {
    kind: 'error',
    ts: stampMicros(),
    pid: process.pid,
    ...(threadId !== 0 ? { tid: threadId } : {}),
    code: 'TRACE_LOST',
    message: `${lostEvents} trace events of process ${process.pid} were lost: the trace could not be written (a full disk or a file size limit)`,
  };
  // A newline first ends a line a short write cut (a blank line is nothing to the runner), so the
  // definitions that follow are not glued to it.
  for (const line of [NEWLINE_BYTES, ...templateLines, Buffer.from(JSON.stringify(event) + '\n')]) {
    let n = 0;
    while (n < line.length) n += fs.writeSync(file, line, n, line.length - n);
  }
  lostEvents = 0;
  lostSaid = false;
}

const beforeFlush: Array<() => void> = [];
let inBeforeFlush = false;

/** Runs `cb` at the start of every flush, to write what it batched (holds: tracing/waits.ts). */
export function onBeforeFlush(cb: () => void): void {
  beforeFlush.push(cb);
}

/** Makes sure a flush comes at the end of this tick, for data batched outside the buffer. */
export function scheduleFlush(): void {
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(flush).unref();
}

/** Now in whole µs, as compact lines stamp it (one clock read, no allocation). */
export function stampMicros(): number {
  return clockMicros();
}

function room(n: number): void {
  if (used + n <= out.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, used + n));
  out.copy(bigger, 0, 0, used);
  out = bigger;
}

function committedEvent(): void {
  committed = used;
  if (used >= FLUSH_AT) flush();
  else if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush).unref();
  }
}

/** Records one event (free when not tracing). Pass a fresh object: it is completed in place. */
export function emit(event: EventInput): void {
  if (!tracing) return;
  // Callers pass a fresh object literal: complete it in place (no copy).
  const e = event as EventInput & { ts: number; pid: number; tid?: number };
  if (e.ts === undefined) e.ts = now();
  if (e.pid === undefined) e.pid = process.pid;
  if (threadId !== 0 && e.tid === undefined) e.tid = threadId;
  writeLine(JSON.stringify(e));
}

function writeLine(json: string): void {
  used = committed;
  putText(json);
  out[used++] = NEWLINE;
  committedEvent();
}

const NEWLINE = 0x0a;
const NEWLINE_BYTES = Buffer.from('\n');

// ---- hot paths: compact lines (src/trace/compact.ts) ----

let templateCount = 0;
/** Every definition written, to write again after lost bytes (writeLostNotice). */
const templateLines: Buffer[] = [];
/** Every template's event carries this writer's pid (and tid), as every event must. */
const ownIds: Record<string, number> = threadId !== 0 ? { pid: process.pid, tid: threadId } : { pid: process.pid };

/**
 * Defines a compact-line template in this thread's file and returns the bytes that start its
 * lines (`[id,`). `event` holds what all such events share (kind included); each line then gives
 * `fields` in order, and writeTaskLine() appends `ts`.
 */
export function defineTemplate(event: Record<string, unknown>, fields: string[]): Buffer {
  const id = ++templateCount;
  const json = JSON.stringify({ kind: TEMPLATE_KIND, id, event: { ...event, ...ownIds }, fields: [...fields, 'ts'] });
  templateLines.push(Buffer.from(json + '\n'));
  writeLine(json);
  return Buffer.from(`[${id},`);
}

/** A non-negative safe integer as decimal digits, without making a string (room made by the caller). */
function writeInt(n: number): void {
  if (n < 1e9) {
    putDigits(n | 0, 0);
    return;
  }
  // Above int32 (a µs timestamp): two int32 halves, so every division stays a fast integer one.
  const high = Math.floor(n / 1e9);
  putDigits(high, 0);
  putDigits((n - high * 1e9) | 0, 9);
}

/** "00" … "99": two digits per division (as itoa implementations do). */
const DIGIT_PAIRS = Buffer.from(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''));

/** n (0 ≤ n < 1e9, an integer) in decimal, left-padded with zeros to `width` digits. */
function putDigits(n: number, width: number): void {
  const digits = n < 1e4 ? (n < 10 ? 1 : n < 100 ? 2 : n < 1e3 ? 3 : 4) : n < 1e6 ? (n < 1e5 ? 5 : 6) : n < 1e7 ? 7 : n < 1e8 ? 8 : 9;
  for (let i = digits; i < width; i++) out[used++] = 0x30;
  let p = (used += digits);
  while (n >= 100) {
    const q = (n / 100) | 0;
    const r = (n - q * 100) << 1;
    out[--p] = DIGIT_PAIRS[r + 1];
    out[--p] = DIGIT_PAIRS[r];
    n = q;
  }
  if (n >= 10) {
    out[--p] = DIGIT_PAIRS[(n << 1) + 1];
    out[--p] = DIGIT_PAIRS[n << 1];
  } else out[--p] = 0x30 + n;
}

/** Any text (already JSON where it must be), UTF-8 encoded. */
function putText(s: string): void {
  room(s.length * 3);
  used += out.write(s, used, 'utf8');
}

/** `,` and the digits above the last nine of the timestamp: they change every 1000 s. */
let tsHigh = -1;
let tsHead = Buffer.alloc(0);

/** The timestamp writeTs() wrote last (a typed array: a plain variable would box it per event). */
export const lastTs = new Float64Array(1);

/** Now in whole µs (an integer has no fraction to format). */
function clockMicros(): number {
  // The offset is a whole number of µs, so rounding the sum rounds only the monotonic part.
  return Math.round(runClock.nowMicros());
}

/** `,ts]\n`, the end of every compact line. */
function writeTs(ts: number): void {
  lastTs[0] = ts;
  const high = Math.floor(ts / 1e9);
  if (high !== tsHigh) {
    tsHigh = high;
    tsHead = Buffer.from(`,${high}`);
  }
  const head = tsHead;
  for (let i = 0; i < head.length; i++) out[used++] = head[i];
  putDigits((ts - high * 1e9) | 0, 9);
  out[used++] = 0x5d; // ]
  out[used++] = NEWLINE;
}

/** `prefix taskId`: the start of a task line; an abandoned half line is dropped, never glued on. */
function startTaskLine(prefix: Buffer): void {
  used = committed;
  room(prefix.length + 96);
  for (let i = 0; i < prefix.length; i++) out[used++] = prefix[i];
}

/**
 * A whole task line in one call — `prefix taskId[,"(arg)"],ts]` — for the loops that write one
 * per task (a submit loop, a worker running a batch): one room check, no call per field, and no
 * garbage beyond the clock read: in a process holding 100k pending tasks, garbage per event makes
 * V8 shrink its heap limits and collect more (bench/RESULTS.md). `arg` < 0: no args field (its
 * template has none); `ts` < 0: now. Check `tracing` first: this writes unconditionally.
 */
export function writeTaskLine(prefix: Buffer, taskId: number, arg: number, ts: number): void {
  startTaskLine(prefix);
  writeInt(taskId);
  if (arg >= 0) {
    out[used++] = 0x2c; // ,
    out[used++] = 0x22; // "
    out[used++] = 0x28; // (
    writeInt(arg);
    out[used++] = 0x29; // )
    out[used++] = 0x22; // "
  }
  // Two calls, not one with a conditional argument: that kept `ts` boxed (a heap number per line).
  if (ts >= 0) writeTs(ts);
  else writeTs(clockMicros());
  committedEvent();
}

/**
 * A line of a template whose only field is `ts` (defineTemplate(event, [])): `[id,ts]`, at now.
 * For marks written in tight loops (a lock's hold.begin/hold.end). Check `tracing` first.
 */
export function writeStampLine(prefix: Buffer): void {
  used = committed;
  room(prefix.length + 32);
  // `[id` without the prefix's comma: writeTs() starts with one.
  for (let i = 0; i < prefix.length - 1; i++) out[used++] = prefix[i];
  writeTs(clockMicros());
  committedEvent();
}

/** The digits above the last nine of the stamps putStamp() wrote last: they change every 1000 s. */
let stampHigh = -1;
let stampHead = Buffer.alloc(0);

/** A whole-µs stamp (≥ 1e9): the cached high digits, then the last nine (half of writeInt's divisions). */
function putStamp(t: number): void {
  if (t < 1e9) {
    writeInt(t);
    return;
  }
  const high = Math.floor(t / 1e9);
  if (high !== stampHigh) {
    stampHigh = high;
    stampHead = Buffer.from(String(high));
  }
  const head = stampHead;
  for (let i = 0; i < head.length; i++) out[used++] = head[i];
  putDigits((t - high * 1e9) | 0, 9);
}

/**
 * A `hold.spans` event — `spans` the n/3 entries of `times` (begin, end, number of holds: a run
 * of more than one is written `[begin, end, count]`), whole µs — written digit by digit.
 * JSON.stringify of a batch (up to 4,096 pairs of 16-digit numbers, and the arrays made for it)
 * was 29% of a traced uncontended acquire+release loop (bench `shared`): ~0.25 µs per hold.
 * Check `tracing` first: this writes unconditionally.
 */
export function writeHoldSpans(objKind: string, objId: string, times: Float64Array, n: number): void {
  used = committed;
  putText(`{"kind":"hold.spans","objKind":${JSON.stringify(objKind)},"objId":${JSON.stringify(objId)},"pid":${process.pid}${threadId !== 0 ? `,"tid":${threadId}` : ''},"ts":`);
  // An entry is at most 48 bytes: `[`, two ≤ 16-digit numbers, a count, commas, `]`.
  room(n * 16 + 64);
  writeInt(times[0]);
  for (const c of ',"spans":[') out[used++] = c.charCodeAt(0);
  for (let i = 0; i < n; i += 3) {
    if (i !== 0) out[used++] = 0x2c; // ,
    out[used++] = 0x5b; // [
    putStamp(times[i]);
    out[used++] = 0x2c;
    putStamp(times[i + 1]);
    const count = times[i + 2];
    if (count > 1) {
      out[used++] = 0x2c;
      writeInt(count);
    }
    out[used++] = 0x5d; // ]
  }
  out[used++] = 0x5d;
  out[used++] = 0x7d; // }
  out[used++] = NEWLINE;
  committedEvent();
}

/** writeTaskLine() with any args summary, given as JSON text (the rare, non-integer case), at now. */
export function writeTaskLineJson(prefix: Buffer, taskId: number, argJson: string): void {
  startTaskLine(prefix);
  writeInt(taskId);
  out[used++] = 0x2c; // ,
  putText(argJson);
  room(32);
  writeTs(clockMicros());
  committedEvent();
}

if (tracing) process.on('exit', flush);
