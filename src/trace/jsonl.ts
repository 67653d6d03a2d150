// Reading and writing the native trace file (`.jsonl`): a header line, then one event per line.
// Malformed lines are counted and skipped, never fatal, so a trace cut short by a crash still opens.

import { parseEvent, parseHeader, TRACE_FORMAT_VERSION, type TraceEvent, type TraceHeader } from './events';

export interface ParsedTrace {
  header: TraceHeader | undefined;
  events: TraceEvent[];
  malformed: number;
}

export function makeHeader(fields: Partial<TraceHeader> = {}): TraceHeader {
  return { kind: 'trace.header', version: TRACE_FORMAT_VERSION, tool: 'concurrency-lab', ts: Date.now() * 1000, ...fields };
}

/** Parses one line; returns the event, the header, or undefined when the line is not valid. */
export function parseLine(line: string): TraceEvent | TraceHeader | undefined {
  const trimmed = line.trim();
  if (!trimmed) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  return parseHeader(v) ?? parseEvent(v);
}

export function parseJsonl(text: string): ParsedTrace {
  const out: ParsedTrace = { header: undefined, events: [], malformed: 0 };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const v = parseLine(line);
    if (!v) out.malformed++;
    else if (v.kind === 'trace.header') out.header ??= v;
    else out.events.push(v);
  }
  return out;
}

export function serializeJsonl(header: TraceHeader, events: Iterable<TraceEvent>): string {
  const lines = [JSON.stringify(header)];
  for (const e of events) lines.push(JSON.stringify(e));
  return lines.join('\n') + '\n';
}

/** Orders events on the shared clock; stable, so events with equal ts keep their arrival order. */
export function sortEvents(events: TraceEvent[]): TraceEvent[] {
  return events
    .map((e, i) => [e, i] as const)
    .sort((a, b) => a[0].ts - b[0].ts || a[1] - b[1])
    .map(([e]) => e);
}
