// Compact transport lines: a shorthand used only in the per-process files the runtime writes
// while a run is traced (never in a saved trace). A hot event kind — one line per pool task —
// repeats the same fields over and over (`"kind":"task.start","poolId":…,"fn":…,"pid":…`), and
// formatting and writing them costs the traced process as much as the task itself. So a writer
// first defines a template, once per file:
//
//   {"kind":"trace.template","id":3,"event":{"kind":"task.start","poolId":"1:1","fn":"square","pid":7},"fields":["taskId","ts"]}
//
// and then writes each such event as a JSON array: the template id and the values of `fields`:
//
//   [3,41,1795838772913553]
//
// A field that has a string value in the template and a number on the line is that string
// followed by the number: `"msgId":"s0."` and 41 make `"msgId":"s0.41"`.
//
// TransportDecoder (one per file: ids are per writer) turns both back into events.
import { TEMPLATE_KIND } from './channel';
import { parseEvent, type TraceEvent } from './events';

interface Template {
  event: Record<string, unknown>;
  fields: string[];
}

/**
 * A template whose lines the runner keeps as their bytes (src/runner/tail.ts, keepLines): a hot
 * kind nothing in the runner needs one event per line of (a message's send or receive, a task's
 * submit or end), whose values are all non-negative integers. A line of it is written to a trace
 * file as its event's JSON — `pieces[0]`, the digits of value `order[0]`, `pieces[1]`, … — byte
 * for byte what JSON.stringify of the decoded event gives (an integer's JSON is its digits), with
 * no object made. Made from a line of the template that decoded to a valid event: every other
 * line differs only in values that parseEvent checks no further than `checks` does.
 */
export interface CompactShape {
  /** The template's id, and its digits on a line. */
  readonly id: number;
  readonly idLen: number;
  /** How many values follow the id. */
  readonly n: number;
  /** Which value is `ts`. */
  readonly tsAt: number;
  readonly pid: number;
  readonly tid: number;
  /** The event's JSON around its values; pieces.length === n + 1. */
  readonly pieces: readonly string[];
  /** pieces[j] is followed by value order[j]. */
  readonly order: Int32Array;
  /** The event the shape was made from (its kind, pid, tid and the template's fields). */
  readonly event: TraceEvent;
  /** For the runner: its slot among its RawLines' shapes (-1: none yet). */
  slot: number;
}

/** Kinds whose lines may be kept as bytes: the runner acts on none of their values (the deadlock
 *  watch counts a worker's task ends, and learns who uses a channel from one event of the template). */
const BYTES_KINDS = new Set(['message.send', 'message.recv', 'task.submit', 'task.end']);
/** Fields a kept line may vary: numbers whose only check is a range every non-negative safe
 *  integer is in, and (STRING_FIELDS) strings any text is valid for, a number appended to the
 *  template's (a Python message's msgId `s0.` + its sequence number). */
const BYTES_FIELDS = new Set(['ts', 'taskId']);
const STRING_FIELDS = new Set(['msgId']);

function shapeOf(id: number, t: Template, sample: TraceEvent): CompactShape | undefined {
  if (!BYTES_KINDS.has(sample.kind) || typeof t.event.pid !== 'number') return undefined;
  const tsAt = t.fields.indexOf('ts');
  if (tsAt < 0) return undefined;
  const e: Record<string, unknown> = { ...t.event };
  // Each value's place, marked by a string JSON.stringify escapes (so the template's own text,
  // escaped the same way, can hold it only literally: checked below).
  const marks = t.fields.map((f, i) => {
    const mark = `\\u0000cl${i}\\u0000`;
    const base = t.event[f];
    if (typeof base === 'string') {
      if (!STRING_FIELDS.has(f)) return undefined;
      e[f] = `${base}\u0000cl${i}\u0000`;
      return mark;
    }
    if (!BYTES_FIELDS.has(f)) return undefined;
    e[f] = `\u0000cl${i}\u0000`;
    return `"${mark}"`;
  });
  if (marks.some((m) => m === undefined) || new Set(t.fields).size !== t.fields.length) return undefined;
  const json = JSON.stringify(e);
  const at = (marks as string[]).map((m, i) => ({ i, m, p: json.indexOf(m) }));
  if (at.some(({ m, p }) => p < 0 || json.indexOf(m, p + 1) >= 0)) return undefined;
  at.sort((a, b) => a.p - b.p);
  const pieces: string[] = [];
  let from = 0;
  for (const { m, p } of at) {
    pieces.push(json.slice(from, p));
    from = p + m.length;
  }
  pieces.push(json.slice(from));
  const tid = sample.tid;
  return {
    id,
    idLen: String(id).length,
    n: t.fields.length,
    tsAt,
    pid: sample.pid,
    tid: tid ?? 0,
    pieces,
    order: Int32Array.from(at, ({ i }) => i),
    event: sample,
    slot: -1,
  };
}

/** What a decoded line was. */
export type Decoded = { event: TraceEvent; compact: boolean } | 'template' | undefined;

function isTemplate(v: Record<string, unknown>): boolean {
  const { id, event, fields } = v;
  return (
    typeof id === 'number' &&
    typeof event === 'object' &&
    event !== null &&
    !Array.isArray(event) &&
    Array.isArray(fields) &&
    fields.length > 0 &&
    fields.every((f) => typeof f === 'string' && f !== 'kind')
  );
}

export class TransportDecoder {
  private readonly templates = new Map<number, Template>();
  /** Per template id, its CompactShape once learnt (null: its lines are not kept as bytes). */
  private readonly shapes = new Map<number, CompactShape | null>();

  /** The shape of template `id`'s lines, once learn() was told of a valid one (else undefined). */
  shape(id: number): CompactShape | undefined {
    return this.shapes.get(id) ?? undefined;
  }

  /** `event` was decoded from a compact line of template `id`: learns the template's shape. */
  learn(id: number, event: TraceEvent): void {
    if (this.shapes.has(id)) return;
    const t = this.templates.get(id);
    if (t) this.shapes.set(id, shapeOf(id, t, event) ?? null);
  }

  /**
   * One parsed line of a transport file: its event (compact: whether it was an array line), or
   * 'template' for a definition, or undefined when invalid (an unknown template included).
   */
  decode(v: unknown): Decoded {
    if (Array.isArray(v)) {
      const t = this.templates.get(v[0] as number);
      if (!t || v.length !== t.fields.length + 1) return undefined;
      const e: Record<string, unknown> = { ...t.event };
      for (let i = 0; i < t.fields.length; i++) {
        const f = t.fields[i];
        const x = v[i + 1];
        // A string in the template and a number on the line: the string followed by the number
        // (a Python message's msgId `s0.` + its sequence number, so its line is all integers).
        const base = t.event[f];
        e[f] = typeof base === 'string' && typeof x === 'number' ? base + String(x) : x;
      }
      const event = parseEvent(e);
      return event && { event, compact: true };
    }
    if (typeof v === 'object' && v !== null && (v as Record<string, unknown>).kind === TEMPLATE_KIND) {
      const d = v as Record<string, unknown>;
      if (!isTemplate(d)) return undefined;
      this.templates.set(d.id as number, { event: d.event as Record<string, unknown>, fields: d.fields as string[] });
      this.shapes.delete(d.id as number);
      return 'template';
    }
    const event = parseEvent(v);
    return event && { event, compact: false };
  }
}
