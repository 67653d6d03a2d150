// The capture's fast path (bench `trace-capture`, issue #15): decides, from the bytes of one
// trace-channel line and without JSON.parse, that the line is a valid `message.send` or
// `message.recv` event — exactly as JSON.parse + parseEvent (src/trace/events.ts) would judge it —
// and reads the few columns the runner needs of it (ts, pid, tid, channel, channelId). Message
// lines are the bulk of a busy run's trace and nothing in the runner acts on their other fields,
// so such a line is kept as its bytes and written to the trace file as it is.
//
// It only ever says "valid" or "not decided here": anything outside the plain shape the runtime
// writes (whitespace, escapes, non-ASCII bytes, nested values, exponents, long numbers, a
// duplicated known field, `loc`, another kind) is left to JSON.parse + parseEvent, which also
// rejects the malformed ones. test/unit/runner/lineScan.test.ts checks it against them.

const NL = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const bytes = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

// Fields the check depends on: those of the message kinds and those parseEvent checks on every
// event (commonFieldsOk). Any other field is ignored by parseEvent, as long as it is plain data.
const KEYS = ['kind', 'ts', 'pid', 'tid', 'loc', 'args', 'summary', 'error', 'code', 'stack', 'detail', 'parentTid', 'malformed', 'channel', 'channelId', 'msgId'] as const;
const K_KIND = 0;
const K_TS = 1;
const K_PID = 2;
const K_TID = 3;
const K_LOC = 4;
const K_PARENT_TID = 11;
const K_MALFORMED = 12;
const K_CHANNEL = 13;
const K_CHANNEL_ID = 14;
const K_MSG_ID = 15;
const REQUIRED = (1 << K_KIND) | (1 << K_TS) | (1 << K_PID) | (1 << K_CHANNEL) | (1 << K_CHANNEL_ID) | (1 << K_MSG_ID);
/** Key ids by key length, with their bytes. */
const BY_LENGTH: { id: number; b: number[] }[][] = [];
KEYS.forEach((k, id) => (BY_LENGTH[k.length] ??= []).push({ id, b: bytes(k) }));

const KINDS = [bytes('message.send'), bytes('message.recv')];
/** Indexes match CHANNEL_KINDS of src/trace/events.ts. */
const CHANNELS = [bytes('queue'), bytes('pipe'), bytes('manager')];
export const CHANNEL_MANAGER = 2;
const TRUE = bytes('true');
const FALSE = bytes('false');
const NULL = bytes('null');

/** Integer parts up to this are exact doubles and far enough below 2^53 that no fraction takes ts past it. */
const TS_INT_MAX = 9007199254740000;
/** Digits of a fraction read here (more: JSON.parse decides). */
const MAX_FRACTION_DIGITS = 15;
const POW10 = Array.from({ length: MAX_FRACTION_DIGITS + 1 }, (_, k) => 10 ** k);
/** Digits of a pid or tid read here: exact, safe integers. */
const MAX_ID_DIGITS = 15;
/** Digits of any other number's integer part: far from overflowing to Infinity (which parseEvent refuses). */
const MAX_INT_DIGITS = 300;

/** Bytes a string may hold on the fast path: printable ASCII but the quote and the backslash. */
const PLAIN = new Uint8Array(256);
for (let c = 0x20; c <= 0x7e; c++) PLAIN[c] = c === QUOTE || c === BACKSLASH ? 0 : 1;

const T_STRING = 0;
const T_NUMBER = 1;
const T_LITERAL = 2;

/** A template's holes (see LineTemplate): a string's content, channelId's, the ts number. */
const H_STRING = 0;
const H_CHANNEL_ID = 1;
const H_TS = 2;
/** Holes a template may have (more: no template, every line of that shape scanned in full). */
const MAX_HOLES = 8;

/**
 * The shape of the last message line scan() accepted from one writer: its bytes, with holes where
 * the next lines of that writer differ — the ts number and the content of every string but
 * `kind`'s and `channel`'s (msgId, summary, channelId, …). A line equal to it outside the holes,
 * whose holes hold what scan() would take there (a ts number it accepts, plain ASCII without
 * quote or backslash), is what scan() accepts, with the same columns: match() checks just that,
 * comparing bytes instead of parsing keys (most of a busy writer's lines have one shape).
 */
export class LineTemplate {
  bytes = new Uint8Array(0);
  /** The same bytes, read 4 at a time. */
  view = new DataView(this.bytes.buffer);
  len = 0;
  /** Per hole: start, end (offsets in bytes), type. */
  readonly holes = new Int32Array(3 * MAX_HOLES);
  nHoles = -1; // -1: none learnt
  kind = 0;
  pid = 0;
  tid = 0;
  channel = 0;
}

function equalsAt(b: Uint8Array, s: number, e: number, want: readonly number[]): boolean {
  if (e - s !== want.length) return false;
  for (let i = 0; i < want.length; i++) if (b[s + i] !== want[i]) return false;
  return true;
}

function keyId(b: Uint8Array, s: number, e: number): number {
  const list = BY_LENGTH[e - s];
  if (list === undefined) return -1;
  for (const k of list) if (equalsAt(b, s, e, k.b)) return k.id;
  return -1;
}

export class LineScanner {
  /** Of the last line scan() accepted: */
  kind = 0; // 0 message.send, 1 message.recv
  ts = 0;
  pid = 0;
  tid = 0;
  channel = 0; // index into CHANNELS
  channelIdStart = 0;
  channelIdEnd = 0;

  /** match()'s view of the buffer it last read lines from. */
  private viewOf: Uint8Array | undefined;
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  // Holes of the line being scanned (LineTemplate), in order; -1 when there were too many.
  private readonly holes = new Int32Array(3 * MAX_HOLES);
  private nHoles = 0;

  // The value just read.
  private type = 0;
  private vStart = 0;
  private vEnd = 0;
  /** Number: integer part's value and digits, fraction's value and digits, sign. */
  private intValue = 0;
  private intDigits = 0;
  private fracValue = 0;
  private fracDigits = 0;
  private negative = false;

  /**
   * The line starting at b[s]. Returns the index of its \n when it is a valid message event
   * (fields above set), else -1: not decided here. The caller guarantees a \n at or after s in b
   * (the end of the line): every loop here stops at it.
   */
  scan(b: Uint8Array, s: number): number {
    if (b[s] !== OPEN_BRACE) return -1;
    let i = s + 1;
    let seen = 0;
    this.tid = 0;
    this.nHoles = 0;
    for (;;) {
      // "key": plain ASCII up to its closing quote (anything else: -1)
      if (b[i] !== QUOTE) return -1;
      const ks = ++i;
      let c = b[i];
      while (PLAIN[c] === 1) c = b[++i];
      if (c !== QUOTE) return -1;
      const ke = i++;
      if (b[i++] !== COLON) return -1;
      // value
      c = b[i];
      const vs = i;
      if (c === QUOTE) {
        this.type = T_STRING;
        this.vStart = ++i;
        c = b[i];
        while (PLAIN[c] === 1) c = b[++i];
        if (c !== QUOTE) return -1;
        this.vEnd = i++;
      } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
        i = this.number(b, i);
        if (i < 0) return -1;
      } else {
        const lit = c === 0x74 ? TRUE : c === 0x66 ? FALSE : c === 0x6e ? NULL : undefined;
        if (!lit) return -1; // an object, an array or no JSON: JSON.parse decides
        for (let k = 1; k < lit.length; k++) if (b[i + k] !== lit[k]) return -1;
        this.type = T_LITERAL;
        i += lit.length;
      }
      const id = keyId(b, ks, ke);
      if (id >= 0) {
        if (seen & (1 << id)) return -1; // JSON.parse keeps the last one: decided there
        seen |= 1 << id;
        if (!this.fieldOk(b, id)) return -1;
      }
      if (id === K_TS) this.hole(vs, i, H_TS);
      else if (this.type === T_STRING && id !== K_KIND && id !== K_CHANNEL) this.hole(this.vStart, this.vEnd, id === K_CHANNEL_ID ? H_CHANNEL_ID : H_STRING);
      c = b[i];
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c !== CLOSE_BRACE || b[i + 1] !== NL) return -1;
      return (seen & REQUIRED) === REQUIRED ? i + 1 : -1;
    }
  }

  private hole(start: number, end: number, type: number): void {
    const k = this.nHoles;
    if (k < 0) return;
    if (k === MAX_HOLES) {
      this.nHoles = -1;
      return;
    }
    this.holes[3 * k] = start;
    this.holes[3 * k + 1] = end;
    this.holes[3 * k + 2] = type;
    this.nHoles = k + 1;
  }

  /** Makes t the shape of the line b[s, e) that scan() just accepted (e: its \n). */
  learn(t: LineTemplate, b: Uint8Array, s: number, e: number): void {
    const len = e - s;
    if (this.nHoles < 0) {
      t.nHoles = -1;
      return;
    }
    if (t.bytes.length < len) {
      t.bytes = new Uint8Array(Math.max(len, 2 * t.bytes.length));
      t.view = new DataView(t.bytes.buffer);
    }
    t.bytes.set(b.subarray(s, e));
    t.len = len;
    for (let k = 0; k < 3 * this.nHoles; k += 3) {
      t.holes[k] = this.holes[k] - s;
      t.holes[k + 1] = this.holes[k + 1] - s;
      t.holes[k + 2] = this.holes[k + 2];
    }
    t.nHoles = this.nHoles;
    t.kind = this.kind;
    t.pid = this.pid;
    t.tid = this.tid;
    t.channel = this.channel;
  }

  /**
   * The line starting at b[s] if it has template t's shape: as scan() (the index of its \n, the
   * columns set; the caller guarantees a \n at or after s), or -1: not decided here (scan() it).
   */
  match(t: LineTemplate, b: Uint8Array, s: number): number {
    const n = t.nHoles;
    if (n < 0) return -1;
    if (b !== this.viewOf) {
      this.viewOf = b;
      this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
    const bv = this.view;
    const blen = b.length;
    const tb = t.bytes;
    const tv = t.view;
    const holes = t.holes;
    let p = s;
    let q = 0;
    for (let k = 0; k < 3 * n; k += 3) {
      // The bytes before the hole (they end with its opening quote, or the ts key's colon), 4 at
      // a time; a line of this shape has its \n after them, so they are all in b.
      const hs = holes[k];
      if (p + hs - q > blen) return -1;
      for (; q + 4 <= hs; q += 4, p += 4) if (bv.getUint32(p) !== tv.getUint32(q)) return -1;
      for (; q < hs; q++, p++) if (b[p] !== tb[q]) return -1;
      const type = holes[k + 2];
      if (type === H_TS) {
        p = this.number(b, p);
        if (p < 0 || !this.fieldOk(b, K_TS)) return -1;
      } else {
        // Plain ASCII up to the closing quote, which the bytes after the hole start with.
        const vs = p;
        let c = b[p];
        while (PLAIN[c] === 1) c = b[++p];
        if (type === H_CHANNEL_ID) {
          this.channelIdStart = vs;
          this.channelIdEnd = p;
        }
      }
      q = holes[k + 1];
    }
    const len = t.len;
    if (p + len - q >= blen) return -1;
    for (; q + 4 <= len; q += 4, p += 4) if (bv.getUint32(p) !== tv.getUint32(q)) return -1;
    for (; q < len; q++, p++) if (b[p] !== tb[q]) return -1;
    if (b[p] !== NL) return -1;
    this.kind = t.kind;
    this.pid = t.pid;
    this.tid = t.tid;
    this.channel = t.channel;
    return p;
  }

  /** JSON's number grammar without an exponent, with bounded digits. */
  private number(b: Uint8Array, i: number): number {
    this.type = T_NUMBER;
    this.negative = b[i] === MINUS;
    if (this.negative) i++;
    const first = i;
    let n = 0;
    let c = b[i];
    while (c >= ZERO && c <= NINE) {
      n = n * 10 + (c - ZERO);
      c = b[++i];
    }
    const digits = i - first;
    if (digits === 0 || digits > MAX_INT_DIGITS || (digits > 1 && b[first] === ZERO)) return -1;
    this.intValue = n;
    this.intDigits = digits;
    this.fracValue = 0;
    this.fracDigits = 0;
    if (c === DOT) {
      const f0 = ++i;
      let f = 0;
      c = b[i];
      while (c >= ZERO && c <= NINE) {
        f = f * 10 + (c - ZERO);
        c = b[++i];
      }
      const fd = i - f0;
      if (fd === 0 || fd > MAX_FRACTION_DIGITS) return -1;
      this.fracValue = f;
      this.fracDigits = fd;
    }
    if (c === 0x65 || c === 0x45) return -1; // an exponent
    return i;
  }

  /** The value just read, as field `id` must be for a valid message event. */
  private fieldOk(b: Uint8Array, id: number): boolean {
    const t = this.type;
    switch (id) {
      case K_KIND:
        if (t !== T_STRING) return false;
        if (equalsAt(b, this.vStart, this.vEnd, KINDS[0])) this.kind = 0;
        else if (equalsAt(b, this.vStart, this.vEnd, KINDS[1])) this.kind = 1;
        else return false;
        return true;
      case K_TS:
        // [0, 2^53] as parseEvent's isTime; the value is the sort key (within an ulp of JSON.parse's).
        if (t !== T_NUMBER || this.negative || this.intDigits > 16 || this.intValue > TS_INT_MAX) return false;
        this.ts = this.fracDigits ? this.intValue + this.fracValue / POW10[this.fracDigits] : this.intValue;
        return true;
      case K_PID:
      case K_TID:
        // A non-negative safe integer, written as one.
        if (t !== T_NUMBER || this.negative || this.fracDigits || this.intDigits > MAX_ID_DIGITS) return false;
        if (id === K_PID) this.pid = this.intValue;
        else this.tid = this.intValue;
        return true;
      case K_LOC:
        return false; // an object: JSON.parse + parseEvent check it
      case K_PARENT_TID:
      case K_MALFORMED:
        return t === T_NUMBER;
      case K_CHANNEL:
        if (t !== T_STRING) return false;
        for (let k = 0; k < CHANNELS.length; k++) {
          if (equalsAt(b, this.vStart, this.vEnd, CHANNELS[k])) {
            this.channel = k;
            return true;
          }
        }
        return false;
      case K_CHANNEL_ID:
        if (t !== T_STRING) return false;
        this.channelIdStart = this.vStart;
        this.channelIdEnd = this.vEnd;
        return true;
      default:
        // msgId, args, summary, error, code, stack, detail: strings.
        return t === T_STRING;
    }
  }
}
