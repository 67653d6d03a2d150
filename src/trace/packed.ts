// The packed form of a list of events: how the HTML report embeds its trace and how the panel sends
// events to its webview. One JSON text per list, several times smaller than the events' own JSON
// and cheaper to read back (the reader's cost was mostly bytes: the report's HTML parser, the
// extension host -> webview channel, JSON.parse):
//
//   { "v": 1,
//     "strings": ["task.start", "20000:1", "crunch", "(0)", …],   every distinct string, once
//     "shapes":  [["task.start", "ts:d", "pid:n", "poolId:s", "taskId:n", "fn:s", "args:s"], …],
//     "data":    [0, 1.25, 20001, 1, 0, 2, 3,  0, 3.5, 20002, …] }
//
// A shape is an event kind and its fields in their order, each with how its value is written:
//   n  a number          d  a number, as the difference from the previous event's `ts` (times
//   s  a string's index     of neighbouring events are close, so these are short), exact: it is
//   j  a JSON text's index  checked on writing and the field falls back to `n` when it would not
//   t f z  true, false, null (no value in `data`)                     round-trip
// `data` holds, per event, its shape's index and then its values. Objects (source locations) are
// kept as their JSON text among the strings, so events that share a location share one text.
//
// Reading back rebuilds each event's object, fields in their order, and passes it through
// parseEvent: the packed form is a transport, the schema's one parser still decides what is an
// event. Hostile input (a report's text, a message) never throws: what does not decode is counted.
import { parseEvent, type TraceEvent } from './events';

export const PACKED_VERSION = 1;

export interface PackedEvents {
  v: typeof PACKED_VERSION;
  strings: string[];
  shapes: string[][];
  data: number[];
}

type FieldCode = 'n' | 'd' | 's' | 'j' | 't' | 'f' | 'z';

/** Packs events (any order; their order is kept). */
export function packEvents(events: Iterable<TraceEvent>): PackedEvents {
  const strings: string[] = [];
  const stringIds = new Map<string, number>();
  const shapes: string[][] = [];
  const shapeIds = new Map<string, number>();
  const data: number[] = [];
  const intern = (s: string): number => {
    let id = stringIds.get(s);
    if (id === undefined) {
      id = strings.length;
      strings.push(s);
      stringIds.set(s, id);
    }
    return id;
  };
  let prevTs = 0;
  // Reused per event: the shape's signature and the values, so packing allocates little.
  const values: number[] = [];
  for (const e of events) {
    const rec = e as unknown as Record<string, unknown>;
    let sig = e.kind;
    values.length = 0;
    for (const key in rec) {
      if (key === 'kind' || !Object.prototype.hasOwnProperty.call(rec, key)) continue;
      const v = rec[key];
      if (v === undefined) continue;
      let code: FieldCode;
      if (typeof v === 'number') {
        if (key === 'ts' && prevTs + (v - prevTs) === v) {
          code = 'd';
          values.push(v - prevTs);
        } else if (Number.isFinite(v)) {
          code = 'n';
          values.push(v);
        } else {
          // JSON has no NaN or Infinity: as JSON text it becomes null, as it would in a .jsonl.
          code = 'z';
        }
      } else if (typeof v === 'string') {
        code = 's';
        values.push(intern(v));
      } else if (v === true) code = 't';
      else if (v === false) code = 'f';
      else if (v === null) code = 'z';
      else {
        code = 'j';
        values.push(intern(JSON.stringify(v)));
      }
      sig += `\u0000${key}:${code}`;
    }
    let shape = shapeIds.get(sig);
    if (shape === undefined) {
      shape = shapes.length;
      shapes.push(sig.split('\u0000'));
      shapeIds.set(sig, shape);
    }
    data.push(shape);
    for (const v of values) data.push(v);
    prevTs = e.ts;
  }
  return { v: PACKED_VERSION, strings, shapes, data };
}

interface Field {
  key: string;
  code: FieldCode;
}

interface Shape {
  kind: string;
  fields: Field[];
  /** Values this shape takes from `data` after its index. */
  width: number;
}

const CODES: ReadonlySet<string> = new Set(['n', 'd', 's', 'j', 't', 'f', 'z']);

function readShape(v: unknown): Shape | undefined {
  if (!Array.isArray(v) || v.length === 0 || typeof v[0] !== 'string') return undefined;
  const fields: Field[] = [];
  let width = 0;
  for (let i = 1; i < v.length; i++) {
    const f = v[i];
    if (typeof f !== 'string') return undefined;
    const colon = f.lastIndexOf(':');
    const key = f.slice(0, colon);
    const code = f.slice(colon + 1);
    if (colon <= 0 || !CODES.has(code) || key === 'kind') return undefined;
    fields.push({ key, code: code as FieldCode });
    if (code === 'n' || code === 'd' || code === 's' || code === 'j') width++;
  }
  return { kind: v[0], fields, width };
}

export interface UnpackedEvents {
  events: TraceEvent[];
  /** Records that did not decode or were not valid events. */
  malformed: number;
}

/** Is this value meant to be a packed list (to tell it from other forms, before unpacking)? */
export function isPacked(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as { v?: unknown }).v === PACKED_VERSION && Array.isArray((v as { data?: unknown }).data);
}

/**
 * Unpacks what packEvents wrote. Undefined when `v` is not a packed list at all; otherwise every
 * event that decodes and passes parseEvent, and a count of the records that did not. A record
 * that cannot be delimited (an unknown shape index) ends the reading: the rest cannot be told apart.
 */
export function unpackEvents(v: unknown): UnpackedEvents | undefined {
  if (!isPacked(v)) return undefined;
  const p = v as Partial<PackedEvents>;
  if (!Array.isArray(p.strings) || !Array.isArray(p.shapes)) return undefined;
  const strings = p.strings;
  const data = p.data!;
  const shapes = p.shapes.map(readShape);
  // JSON texts are decoded once each: events sharing a location share its object.
  const json = new Map<number, unknown>();
  const str = (i: unknown): string | undefined => {
    if (typeof i !== 'number') return undefined;
    const s = strings[i];
    return typeof s === 'string' ? s : undefined;
  };
  const events: TraceEvent[] = [];
  let malformed = 0;
  let prevTs = 0;
  let i = 0;
  while (i < data.length) {
    const id = data[i];
    const shape = typeof id === 'number' ? shapes[id] : undefined;
    if (!shape || i + 1 + shape.width > data.length) {
      malformed++;
      break;
    }
    i++;
    const o: Record<string, unknown> = { kind: shape.kind };
    let ok = true;
    for (const { key, code } of shape.fields) {
      let value: unknown;
      switch (code) {
        case 'n':
          value = data[i++];
          if (typeof value !== 'number') ok = false;
          break;
        case 'd': {
          const d = data[i++];
          if (typeof d !== 'number') ok = false;
          else value = prevTs + d;
          break;
        }
        case 's':
          value = str(data[i++]);
          if (value === undefined) ok = false;
          break;
        case 'j': {
          const k = data[i++];
          const text = str(k);
          if (text === undefined) ok = false;
          else if (json.has(k as number)) value = json.get(k as number);
          else {
            try {
              value = JSON.parse(text);
            } catch {
              ok = false;
            }
            json.set(k as number, value);
          }
          break;
        }
        case 't':
          value = true;
          break;
        case 'f':
          value = false;
          break;
        case 'z':
          value = null;
          break;
      }
      // A key named __proto__ must stay a plain field (as JSON.parse would make it), never the prototype.
      if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
      else o[key] = value;
    }
    const e = ok ? parseEvent(o) : undefined;
    if (e) {
      events.push(e);
      prevTs = e.ts;
    } else {
      malformed++;
      if (typeof o.ts === 'number' && Number.isFinite(o.ts)) prevTs = o.ts;
    }
  }
  return { events, malformed };
}
