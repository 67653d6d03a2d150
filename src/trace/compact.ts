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
      return 'template';
    }
    const event = parseEvent(v);
    return event && { event, compact: false };
  }
}
