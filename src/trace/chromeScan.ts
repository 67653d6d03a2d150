// A Chrome trace exported by Concurrency Lab -> the native trace inside it, as .jsonl text, without
// parsing the whole file: every native event rides in `traceEvents[i].args.event` (and `.end`) and
// the header in `concurrencyLab.header` (src/trace/chrome.ts), so one pass over the bytes that
// follows the JSON structure (strings skipped, nesting tracked, keys read only where they matter)
// finds those values, and they are cut out verbatim. Parsing the whole 36 MB of a 100k-event trace
// (JSON.parse, then fromChromeTrace picking the same values out again) cost the viewer 0.45-0.7 s;
// this scan is ~0.1 s and its output is what the .jsonl path decodes anyway (bench/RESULTS.md).
//
// Works on the UTF-8 bytes: no byte of a multi-byte character is ASCII, so quotes, backslashes and
// brackets are found as bytes. Returns undefined whenever the file is not exactly what it handles
// (not an object, no traceEvents array or header, a duplicate key on its path, an escaped key on
// its path, nesting deeper than CHROME_MAX_DEPTH, unbalanced or cut short): the caller then decodes
// the file the whole way (decodeTraceText 'chrome'), which also words the error. The scan does not
// check the grammar between the values it cuts out (each of them is JSON.parsed as a line later).
// Pure: no Node, no DOM.

import { CHROME_MAX_DEPTH } from './chrome';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const LF = 0x0a;
const CR = 0x0d;

// What a container on the path to the native values is (plain numbers: the loop below is hot).
const OTHER = 0;
const ROOT = 1;
const TRACE_EVENTS = 2;
const CHROME_EVENT = 3;
const ARGS = 4;
const LAB = 5;

// The keys that matter, by the container they are read in; a bit each in `seen`.
const K_NONE = 0;
const K_TRACE_EVENTS = 1;
const K_LAB = 2;
const K_ARGS = 3;
const K_EVENT = 4;
const K_END = 5;
const K_HEADER = 6;

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const KEY_ROLES = [ROOT, ROOT, CHROME_EVENT, ARGS, ARGS, LAB];
const KEY_IDS = [K_TRACE_EVENTS, K_LAB, K_ARGS, K_EVENT, K_END, K_HEADER];
const KEY_NAMES = ['traceEvents', 'concurrencyLab', 'args', 'event', 'end', 'header'].map(ascii);

/** The key between s and e (the quotes excluded) read in a container of `role`; -1: escaped, not handled. */
function keyOf(b: Uint8Array, role: number, s: number, e: number): number {
  for (let k = 0; k < KEY_IDS.length; k++) {
    const name = KEY_NAMES[k]!;
    if (KEY_ROLES[k] !== role || name.length !== e - s) continue;
    let i = 0;
    while (i < name.length && b[s + i] === name[i]) i++;
    if (i === name.length) return KEY_IDS[k]!;
  }
  // A key spelled with escapes might be one of ours: not handled here.
  for (let i = s; i < e; i++) if (b[i] === BACKSLASH) return -1;
  return K_NONE;
}

/** Index of the quote that ends the string whose opening quote is at `i`, or -1 (a plain loop: Buffer's indexOf costs more per call than these short strings). */
function stringEnd(b: Uint8Array, i: number): number {
  const n = b.length;
  for (let j = i + 1; j < n; j++) {
    const c = b[j];
    if (c === QUOTE) return j;
    if (c === BACKSLASH) j++;
  }
  return -1;
}

/**
 * From the opening bracket at `i`, the index of its closing one (nesting and strings followed, no
 * keys read): a container off the path to the values (a native event itself, mostly) is skipped
 * by this tight loop. -1 when unbalanced, cut short or deeper than `room` more levels.
 */
function containerEnd(b: Uint8Array, i: number, room: number): number {
  const n = b.length;
  let depth = 0;
  for (let j = i; j < n; j++) {
    const c = b[j];
    if (c === QUOTE) {
      for (j++; j < n; j++) {
        const d = b[j];
        if (d === QUOTE) break;
        if (d === BACKSLASH) j++;
      }
    } else if (c === OPEN_OBJ || c === OPEN_ARR) {
      if (++depth > room) return -1;
    } else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
      if (--depth === 0) return j;
    }
  }
  return -1;
}

export interface ChromeNative {
  /** [start, end) of the header's JSON in the bytes. */
  header: readonly [number, number];
  /** [start, end) pairs of each native event's JSON, in the file's order (a record's event before its end). */
  events: Int32Array;
  /** Number of pairs in `events`. */
  count: number;
}

/** Finds the native header and events in a Chrome trace's bytes; undefined when not sure (see above). */
export function scanChromeNative(b: Uint8Array, maxDepth = CHROME_MAX_DEPTH): ChromeNative | undefined {
  const scan = new ChromeNativeScan(b, maxDepth);
  return scan.advance(b.length) === 'done' ? scan.result() : undefined;
}

/**
 * The scan of scanChromeNative, resumable: `advance(limit)` scans on to about byte `limit` (a value
 * skipped whole may take it past) and says whether the file is done, needs more, or is not what
 * the scan handles. Events complete so far (`count`, `events`) are final: the panel sends them
 * while it scans the rest (src/panel/traceFiles.ts, viewerParts). The state lives in fields
 * between calls and in locals inside the loop (the loop is hot).
 */
export class ChromeNativeScan {
  private readonly role: Uint8Array;
  private readonly isObject: Uint8Array;
  /** Bit per Key already seen in the container at each depth (duplicates are not handled). */
  private readonly seen: Uint8Array;
  /** [start, end) pairs of the native values found so far; grows (a new array) as needed. */
  events = new Int32Array(1 << 16);
  count = 0;
  private header: [number, number] | undefined;
  private i = 0;
  private depth = 0;
  private expectKey = false;
  /** The key whose value comes next (in the container at `depth`). */
  private key = K_NONE;
  /** A value being cut out: it starts after the colon, ends at the , or } of the container at capDepth. */
  private capKey = K_NONE;
  private capStart = -1;
  private capDepth = -1;
  /** The args object's event and end, emitted in that order when it closes. */
  private argEvent = -1;
  private argEventEnd = -1;
  private argEnd = -1;
  private argEndEnd = -1;
  private ended = false;
  private state: 'more' | 'done' | 'fail' = 'more';

  constructor(
    private readonly b: Uint8Array,
    private readonly maxDepth = CHROME_MAX_DEPTH,
  ) {
    this.role = new Uint8Array(maxDepth + 2);
    this.isObject = new Uint8Array(maxDepth + 2);
    this.seen = new Uint8Array(maxDepth + 2);
  }

  /** What advance found: header and events; undefined unless it said 'done'. */
  result(): ChromeNative | undefined {
    return this.state === 'done' && this.header ? { header: this.header, events: this.events, count: this.count } : undefined;
  }

  /** [start, end) of the header's JSON once found. */
  headerRange(): readonly [number, number] | undefined {
    return this.header;
  }

  advance(limit: number): 'more' | 'done' | 'fail' {
    if (this.state !== 'more') return this.state;
    this.state = this.run(Math.min(limit, this.b.length));
    return this.state;
  }

  private push(s: number, e: number): void {
    if (this.count * 2 + 2 > this.events.length) {
      const grown = new Int32Array(this.events.length * 2);
      grown.set(this.events);
      this.events = grown;
    }
    this.events[this.count * 2] = s;
    this.events[this.count * 2 + 1] = e;
    this.count++;
  }

  private run(limit: number): 'more' | 'done' | 'fail' {
    const { b, role, isObject, seen, maxDepth } = this;
    let { i, depth, expectKey, key, capKey, capStart, capDepth, argEvent, argEventEnd, argEnd, argEndEnd, ended } = this;
    /** Ends the value being cut out at `at` (its container's , or }). */
    const endCapture = (at: number) => {
      if (capKey === K_EVENT) {
        argEvent = capStart;
        argEventEnd = at;
      } else if (capKey === K_END) {
        argEnd = capStart;
        argEndEnd = at;
      } else if (capKey === K_HEADER) this.header = [capStart, at];
      capKey = K_NONE;
      capDepth = -1;
    };

    for (; i < limit; i++) {
      const c = b[i]!;
      if (c === QUOTE) {
        const j = stringEnd(b, i);
        if (j < 0) return 'fail';
        if (expectKey && depth > 0 && isObject[depth]) {
          const r = role[depth]!;
          key = K_NONE;
          if (r !== OTHER) {
            const k = keyOf(b, r, i + 1, j);
            if (k === -1) return 'fail';
            if (k !== K_NONE) {
              if (seen[depth]! & (1 << k)) return 'fail';
              seen[depth]! |= 1 << k;
            }
            key = k;
          }
          expectKey = false;
        }
        i = j;
        continue;
      }
      if (c === COLON) {
        if (depth > 0 && isObject[depth] && (key === K_EVENT || key === K_END || key === K_HEADER) && capDepth < 0) {
          capKey = key;
          capStart = i + 1;
          capDepth = depth;
        }
        continue;
      }
      if (c === COMMA) {
        if (depth === capDepth) endCapture(i);
        if (depth > 0 && isObject[depth]) {
          expectKey = true;
          key = K_NONE;
        }
        continue;
      }
      if (c === OPEN_OBJ || c === OPEN_ARR) {
        if (ended) return 'fail';
        const parent = depth === 0 ? OTHER : role[depth]!;
        const obj = c === OPEN_OBJ;
        let r = OTHER;
        if (depth === 0) {
          if (!obj) return 'fail';
          r = ROOT;
        } else if (parent === ROOT && key === K_TRACE_EVENTS && !obj) r = TRACE_EVENTS;
        else if (parent === ROOT && key === K_LAB && obj) r = LAB;
        else if (parent === TRACE_EVENTS && obj) r = CHROME_EVENT;
        else if (parent === CHROME_EVENT && key === K_ARGS && obj) r = ARGS;
        if (r === OTHER) {
          // Nothing on the path inside it: skip to its end (brackets of both kinds counted as one
          // nesting, as JSON.parse would reject a mismatch; the values cut out are parsed later).
          const j = containerEnd(b, i, maxDepth - depth);
          if (j < 0) return 'fail';
          i = j;
          expectKey = false;
          key = K_NONE;
          continue;
        }
        if (++depth > maxDepth) return 'fail';
        role[depth] = r;
        isObject[depth] = obj ? 1 : 0;
        seen[depth] = 0;
        expectKey = obj;
        key = K_NONE;
        if (r === ARGS) argEvent = argEnd = -1;
        continue;
      }
      if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        if (depth === 0 || (c === CLOSE_OBJ) !== (isObject[depth] === 1)) return 'fail';
        if (depth === capDepth) endCapture(i);
        if (role[depth] === ARGS) {
          if (argEvent >= 0) this.push(argEvent, argEventEnd);
          if (argEnd >= 0) this.push(argEnd, argEndEnd);
        } else if (role[depth] === ROOT) {
          if (!(seen[depth]! & (1 << K_TRACE_EVENTS))) return 'fail';
          ended = true;
        }
        depth--;
        expectKey = false;
        key = K_NONE;
        continue;
      }
    }
    if (i < b.length) {
      Object.assign(this, { i, depth, expectKey, key, capKey, capStart, capDepth, argEvent, argEventEnd, argEnd, argEndEnd, ended });
      return 'more';
    }
    if (depth !== 0 || !ended || !this.header) return 'fail';
    return 'done';
  }
}

/** True when byte `c` breaks a line (inside a value cut out: whitespace, since strings cannot hold it raw). */
export const isLineBreak = (c: number): boolean => c === LF || c === CR;

/**
 * The .jsonl bytes of the native trace the scan found: the header line, then one line per event.
 * A value spread over several lines (a pretty-printed file) is put on one (its line breaks are
 * whitespace between tokens).
 */
export function chromeNativeJsonl(b: Uint8Array, found: ChromeNative): Uint8Array {
  return nativeLines(b, found.events, 0, found.count, found.header);
}

/**
 * .jsonl bytes of the values the scan found: the header's line when given, then events [from, to)
 * of `events` ([start, end) pairs), one line each (line breaks inside a value made spaces).
 */
export function nativeLines(b: Uint8Array, events: Int32Array, from: number, to: number, header?: readonly [number, number]): Uint8Array {
  let size = header ? header[1] - header[0] + 1 : 0;
  for (let k = from; k < to; k++) size += events[k * 2 + 1]! - events[k * 2]! + 1;
  const out = new Uint8Array(size);
  let at = 0;
  const copy = (s: number, e: number) => {
    const value = b.subarray(s, e);
    out.set(value, at);
    if (value.indexOf(LF) >= 0 || value.indexOf(CR) >= 0) for (let i = at; i < at + e - s; i++) if (isLineBreak(out[i]!)) out[i] = 0x20;
    at += e - s;
    out[at++] = LF;
  };
  if (header) copy(header[0], header[1]);
  for (let k = from; k < to; k++) copy(events[k * 2]!, events[k * 2 + 1]!);
  return out;
}
