// Reading and writing trace files for the panel's Open and Export. Node only (no vscode), so the
// errors users see are plain one-line messages and the code is testable without VS Code.

import { promises as fs } from 'fs';
import * as path from 'path';
import { CHROME_MAX_DEPTH, fromChromeTrace, toChromeTrace } from '../trace/chrome';
import type { TraceEvent, TraceHeader } from '../trace/events';
import { jsonDeeperThan, jsonErrorReason, makeHeader, nothingUsable, parseJsonl, serializeJsonl, sortEvents } from '../trace/jsonl';

export interface TraceFile {
  header: TraceHeader | undefined;
  events: TraceEvent[];
  malformed: number;
}

export type TraceFileFormat = 'jsonl' | 'chrome';

/** .jsonl is native, .json is the Chrome Trace Event Format (conventions.md, "Formats by extension"). */
export function formatOf(file: string): TraceFileFormat | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jsonl') return 'jsonl';
  if (ext === '.json') return 'chrome';
  return undefined;
}

export class TraceFileError extends Error {}

export async function readTraceFile(file: string): Promise<TraceFile> {
  const format = formatOf(file);
  if (!format) throw new TraceFileError(`${path.basename(file)}: not a trace file (expected .jsonl or .json)`);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TraceFileError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read'}`);
  }
  if (format === 'jsonl') {
    const parsed = parseJsonl(text);
    const empty = nothingUsable(parsed);
    if (empty) throw new TraceFileError(`${path.basename(file)}: ${empty}`);
    return { header: parsed.header, events: sortEvents(parsed.events), malformed: parsed.malformed };
  }
  // A Chrome trace nests five levels; megabytes of "[[[[" would keep JSON.parse busy for seconds.
  if (jsonDeeperThan(text, CHROME_MAX_DEPTH)) throw new TraceFileError(`${path.basename(file)}: not a Chrome trace (JSON nested deeper than ${CHROME_MAX_DEPTH} levels)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TraceFileError(`${path.basename(file)}: ${jsonErrorReason(e)}`);
  }
  try {
    const t = fromChromeTrace(json);
    if (t.events.length === 0) throw new TraceFileError(`${path.basename(file)}: no trace events found (${t.malformed} skipped as not valid events)`);
    return { header: t.header, events: sortEvents(t.events), malformed: t.malformed };
  } catch (e) {
    if (e instanceof TraceFileError) throw e;
    throw new TraceFileError(`${path.basename(file)}: ${(e as Error).message}`);
  }
}

export function serializeTrace(format: TraceFileFormat, header: TraceHeader | undefined, events: readonly TraceEvent[]): string {
  const h = header ?? makeHeader({ ts: events[0]?.ts ?? Date.now() * 1000 });
  return format === 'jsonl' ? serializeJsonl(h, events) : JSON.stringify(toChromeTrace(h, events));
}

export async function writeTraceFile(file: string, header: TraceHeader | undefined, events: readonly TraceEvent[]): Promise<void> {
  const format = formatOf(file);
  if (!format) throw new TraceFileError(`${path.basename(file)}: choose a .jsonl or .json file name`);
  await fs.writeFile(file, serializeTrace(format, header, events));
}
