// Reading and writing trace files for the panel's Open and Export. Node only (no vscode), so the
// errors users see are plain one-line messages and the code is testable without VS Code.

import { promises as fs } from 'fs';
import * as path from 'path';
import { toChromeTrace } from '../trace/chrome';
import type { TraceEvent, TraceHeader } from '../trace/events';
import { ChromeNativeScan, nativeLines } from '../trace/chromeScan';
import { chromeAsJsonl, decodeTraceText, TraceTextError, type DecodedTrace } from '../trace/file';
import { makeHeader, serializeJsonl } from '../trace/jsonl';

export type TraceFile = DecodedTrace;

export type TraceFileFormat = 'jsonl' | 'chrome';

/** .jsonl is native, .json is the Chrome Trace Event Format (conventions.md, "Formats by extension"). */
export function formatOf(file: string): TraceFileFormat | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jsonl') return 'jsonl';
  if (ext === '.json') return 'chrome';
  return undefined;
}

export class TraceFileError extends Error {}

/** Reads a trace file's bytes (for the viewer, which decodes them itself); one-line errors. */
export async function readTraceBytes(file: string): Promise<{ format: TraceFileFormat; bytes: Buffer }> {
  const format = formatOf(file);
  if (!format) throw new TraceFileError(`${path.basename(file)}: not a trace file (expected .jsonl or .json)`);
  try {
    return { format, bytes: await fs.readFile(file) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TraceFileError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read'}`);
  }
}

/** Decodes what readTraceBytes read (the same decoder the viewer runs: src/trace/file.ts). */
export function decodeTraceFile(file: string, format: TraceFileFormat, bytes: Uint8Array | string): TraceFile {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    return decodeTraceText(format, text);
  } catch (e) {
    if (e instanceof TraceTextError) throw new TraceFileError(`${path.basename(file)}: ${e.message}`);
    throw e;
  }
}

/**
 * An opened file as the viewer is sent it: a Chrome trace exported by Concurrency Lab goes as the
 * native .jsonl inside it (half the bytes, and the viewer decodes it as fast as a .jsonl file;
 * bench/RESULTS.md); anything else as read.
 */
export function bytesForViewer(format: TraceFileFormat, bytes: Buffer): { format: TraceFileFormat; bytes: Buffer; fromChrome: boolean } {
  if (format !== 'chrome') return { format, bytes, fromChrome: false };
  const jsonl = chromeAsJsonl(bytes);
  return jsonl ? { format: 'jsonl', bytes: Buffer.from(jsonl.buffer, jsonl.byteOffset, jsonl.byteLength), fromChrome: true } : { format, bytes, fromChrome: false };
}

/** About how many bytes of .jsonl go in each part of a big opened file (FileMessage.part). */
export const PART_BYTES = 2 * 1024 * 1024;

export interface ViewerPart {
  /** Whole lines of .jsonl. */
  bytes: Buffer;
  last: boolean;
}

/**
 * An opened file as the viewer is sent it in parts (FileMessage.part), made one at a time so the
 * panel posts each while it makes the next and the viewer decodes each while the next is on its
 * way: whole lines of about `partBytes` each, the .jsonl as it is, a Chrome trace exported by
 * Concurrency Lab as the native .jsonl inside it (bytesForViewer), scanned a part at a time (its
 * header's line comes in the last part: the decoder takes it on any line). The generator returns
 * 'whole' when the Chrome scan was not sure: the parts made so far are void, the file goes as it
 * is (format 'chrome', whole), as bytesForViewer would send it.
 */
export function* viewerParts(format: TraceFileFormat, bytes: Buffer, partBytes = PART_BYTES): Generator<ViewerPart, 'ok' | 'whole'> {
  const n = bytes.byteLength;
  if (format === 'jsonl') {
    for (let s = 0; s < n; ) {
      let e = Math.min(n, s + partBytes);
      if (e < n) {
        const lf = bytes.indexOf(0x0a, e - 1);
        e = lf < 0 ? n : lf + 1;
      }
      yield { bytes: bytes.subarray(s, e), last: e >= n };
      s = e;
    }
    return 'ok';
  }
  const scan = new ChromeNativeScan(bytes);
  let from = 0;
  // A Chrome record is about twice its native value: scan twice a part's bytes per part.
  for (let at = 2 * partBytes; ; at += 2 * partBytes) {
    const state = scan.advance(at);
    if (state === 'fail' || (state === 'done' && scan.count === 0)) return 'whole';
    if (state === 'done' || scan.count > from) {
      const lines = nativeLines(bytes, scan.events, from, scan.count, state === 'done' ? scan.headerRange() : undefined);
      from = scan.count;
      yield { bytes: Buffer.from(lines.buffer, lines.byteOffset, lines.byteLength), last: state === 'done' };
    }
    if (state === 'done') return 'ok';
  }
}

/**
 * Decodes what bytesForViewer gave (the same result as decodeTraceFile of the file itself): the
 * .jsonl cut out of a Chrome trace has no line numbers of the file to name, and a failure is
 * worded for the file as it is.
 */
export function decodeViewerBytes(file: string, sent: { format: TraceFileFormat; bytes: Buffer; fromChrome: boolean }, original: Buffer): TraceFile {
  if (!sent.fromChrome) return decodeTraceFile(file, sent.format, sent.bytes);
  let trace: TraceFile;
  try {
    trace = decodeTraceFile(file, 'jsonl', sent.bytes);
  } catch {
    return decodeTraceFile(file, 'chrome', original);
  }
  const { firstMalformedLine: _, ...rest } = trace;
  return rest;
}

export async function readTraceFile(file: string): Promise<TraceFile> {
  const { format, bytes } = await readTraceBytes(file);
  return decodeTraceFile(file, format, bytes);
}

export function serializeTrace(format: TraceFileFormat, header: TraceHeader | undefined, events: readonly TraceEvent[]): string {
  const h = header ?? makeHeader({ ts: events[0]?.ts ?? Date.now() * 1000 });
  return format === 'jsonl' ? serializeJsonl(h, events) : JSON.stringify(toChromeTrace(h, events));
}

export async function writeTraceFile(file: string, header: TraceHeader | undefined, events: readonly TraceEvent[]): Promise<void> {
  const format = formatOf(file);
  if (!format) throw new TraceFileError(`${path.basename(file)}: choose a .jsonl or .json file name`);
  // Written beside and renamed over: a reader (a window reloading, a test polling for the last
  // run) sees the old file or the new one, never a truncated one.
  const temp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    await fs.writeFile(temp, serializeTrace(format, header, events));
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
}
