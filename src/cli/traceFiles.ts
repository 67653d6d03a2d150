// Reading and writing trace files by extension: `.jsonl` native, `.json` Chrome Trace Event Format.
import * as fs from 'fs';
import * as path from 'path';
import { CHROME_MAX_DEPTH, fromChromeTrace, toChromeTrace } from '../trace/chrome';
import type { TraceEvent, TraceHeader } from '../trace/events';
import { jsonDeeperThan, jsonErrorReason, makeHeader, nothingUsable, parseJsonl } from '../trace/jsonl';
import { ChangedLineError, type RawLines } from '../runner';

/** A problem with a file the user named: one line, exit 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export interface LoadedTrace {
  header: TraceHeader;
  events: TraceEvent[];
  malformed: number;
}

export const isChrome = (file: string): boolean => path.extname(file).toLowerCase() === '.json';

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${file}: no such file`);
    if (code === 'EISDIR') throw new InputError(`${file}: is a directory, not a trace file`);
    throw new InputError(`${file}: cannot read it (${code ?? String(err)})`);
  }
}

export function readTrace(file: string): LoadedTrace {
  const text = readText(file);
  if (isChrome(file)) {
    // A Chrome trace nests five levels; megabytes of "[[[[" would keep JSON.parse busy for seconds.
    if (jsonDeeperThan(text, CHROME_MAX_DEPTH)) throw new InputError(`${file}: not a Chrome trace (JSON nested deeper than ${CHROME_MAX_DEPTH} levels)`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new InputError(`${file}: ${jsonErrorReason(err)}`);
    }
    let t: LoadedTrace;
    try {
      t = fromChromeTrace(json);
    } catch (err) {
      throw new InputError(`${file}: ${(err as Error).message}`);
    }
    if (t.events.length === 0) throw new InputError(`${file}: no trace events found (${t.malformed} skipped as not valid events)`);
    return t;
  }
  const parsed = parseJsonl(text);
  const empty = nothingUsable(parsed);
  if (empty) throw new InputError(`${file}: not a Concurrency Lab trace: ${empty}`);
  // A header cut short (or lost) still leaves the events: open them with a header made up from the first.
  return { header: parsed.header ?? makeHeader({ ts: parsed.events[0]!.ts }), events: parsed.events, malformed: parsed.malformed };
}

/** Output is gathered in a buffer this big and written in one call. */
const WRITE_BYTES = 1 << 20;

/** The native format, written in chunks: a big trace is never one giant string in memory. From a
 *  run's RawLines (CLI `run --trace`), every event whose line came from the trace channel is
 *  written as that line, copied unchanged: it is valid JSON of that very event (src/runner/tail.ts
 *  keeps no other), and making and serialising 100,000s of events again cost more than capturing them. */
function writeJsonl(fd: number, header: TraceHeader, events: readonly TraceEvent[] | RawLines): void {
  let out = Buffer.allocUnsafe(WRITE_BYTES);
  let used = 0;
  const flush = () => {
    writeAll(fd, out, used);
    used = 0;
  };
  const room = (n: number) => {
    if (used + n <= out.length) return;
    flush();
    if (n > out.length) out = Buffer.allocUnsafe(n);
  };
  const writeText = (text: string) => {
    const n = Buffer.byteLength(text) + 1;
    room(n);
    used += out.write(text, used);
    out[used++] = 0x0a;
  };
  writeText(JSON.stringify(header));
  if (Array.isArray(events)) {
    for (const e of events as readonly TraceEvent[]) writeText(JSON.stringify(e));
  } else {
    const lines = events as RawLines;
    for (let k = 0; k < lines.size; ) {
      const next = lines.fill(k, out, used);
      used = lines.filled;
      if (next > k) {
        k = next;
        continue;
      }
      const n = lines.length(k);
      if (n < 0) writeText(JSON.stringify(lines.event(k)));
      else {
        // Its line did not fit: into an emptied buffer (one as large as the line if need be).
        room(n + 1);
        used += lines.copyTo(k, out, used);
        out[used++] = 0x0a;
      }
      k++;
    }
  }
  flush();
}

/** A write may be short (a file size limit, a nearly full disk): the rest is written, or the error thrown. */
function writeAll(fd: number, buf: Buffer, length: number): void {
  for (let off = 0; off < length; ) {
    const n = fs.writeSync(fd, buf, off, length - off);
    if (n <= 0) throw Object.assign(new Error('no progress writing'), { code: 'EIO' });
    off += n;
  }
}

/** What to do about a trace that could not be written, by errno. */
const WRITE_ADVICE: Record<string, string> = {
  ENOSPC: 'no space left on the device: free some space or choose another folder',
  EDQUOT: 'the disk quota is used up: free some space or choose another folder',
  EFBIG: 'the file size limit (ulimit -f) was reached: raise it or trace a shorter run',
  EACCES: 'permission denied: choose a folder you can write to',
  EPERM: 'permission denied: choose a folder you can write to',
  EROFS: 'the folder is on a read-only file system: choose another folder',
  ENOENT: 'the folder is gone: choose another folder',
  EIO: 'an I/O error: check the disk or choose another folder',
};

/**
 * Writes the trace (its events, or a run's RawLines) whole or not at all: into a temporary file beside it, renamed over `file`
 * only once every byte is written, so a full disk or a size limit never leaves a cut-off trace
 * that looks complete (an older trace of that name stays as it was). A failure is one line.
 */
export function writeTrace(file: string, header: TraceHeader, events: readonly TraceEvent[] | RawLines): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.partial`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'w');
    if (isChrome(file)) {
      const text = Buffer.from(JSON.stringify(toChromeTrace(header, Array.isArray(events) ? (events as readonly TraceEvent[]) : (events as RawLines).events())));
      writeAll(fd, text, text.length);
    } else writeJsonl(fd, header, events);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (err instanceof ChangedLineError) throw new InputError(`${file}: the trace was not written: ${err.message} (by something outside the run)`);
    const advice = WRITE_ADVICE[code] ?? 'choose another folder';
    throw new InputError(`${file}: the trace was not written (${code || (err as Error).message}): ${advice}`);
  }
}

/** Fails early (before a long run) when the trace could not be written where asked. */
export function checkWritable(file: string): void {
  const dir = path.dirname(path.resolve(file));
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new InputError(`${file}: folder ${dir} does not exist`);
  }
  if (!st.isDirectory()) throw new InputError(`${file}: ${dir} is not a folder`);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new InputError(`${file}: is a directory`);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new InputError(`${file}: folder ${dir} is not writable`);
  }
}
