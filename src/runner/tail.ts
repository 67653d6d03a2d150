// Tails the run's trace directory: every traced process (and thread) appends JSON lines to its
// own file `<pid>-<tid>.jsonl` (src/trace/channel.ts). Reads whatever is new in each file, keeps
// a partial last line for the next read, validates every line with parseEvent; malformed or
// foreign lines are counted and skipped.
import * as fs from 'fs';
import * as path from 'path';
import { parseTraceFileName } from '../trace/channel';
import { parseEvent, type TraceEvent } from '../trace/events';

interface Tailed {
  fd: number;
  offset: number;
  rest: Buffer | undefined;
}

const READ_SIZE = 1 << 20;

export class TraceTailer {
  malformed = 0;
  private readonly files = new Map<string, Tailed>();
  private readonly buf = Buffer.allocUnsafe(READ_SIZE);

  constructor(private readonly dir: string) {}

  /** Everything new since the last call, in file order per file. */
  read(): TraceEvent[] {
    const out: TraceEvent[] = [];
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return out;
    }
    for (const name of names) {
      let f = this.files.get(name);
      if (!f) {
        if (!parseTraceFileName(name)) continue;
        try {
          f = { fd: fs.openSync(path.join(this.dir, name), 'r'), offset: 0, rest: undefined };
        } catch {
          continue;
        }
        this.files.set(name, f);
      }
      this.readFile(f, out);
    }
    return out;
  }

  private readFile(f: Tailed, out: TraceEvent[]): void {
    for (;;) {
      const n = fs.readSync(f.fd, this.buf, 0, READ_SIZE, f.offset);
      if (n <= 0) return;
      f.offset += n;
      let chunk = this.buf.subarray(0, n);
      if (f.rest) {
        chunk = Buffer.concat([f.rest, chunk]);
        f.rest = undefined;
      }
      const end = chunk.lastIndexOf(10) + 1;
      if (end > 0) this.parseLines(chunk.toString('utf8', 0, end), out);
      // Copied: the read buffer is reused.
      if (end < chunk.length) f.rest = Buffer.from(chunk.subarray(end));
      if (n < READ_SIZE) return;
    }
  }

  /**
   * Complete lines, each ending in \n. Parsed as one JSON array first (one JSON.parse call for
   * thousands of events is much faster than thousands of calls); if any line is broken, line by
   * line, so only the broken ones are lost.
   */
  private parseLines(text: string, out: TraceEvent[]): void {
    let values: unknown[] | undefined;
    if (!text.includes('\n\n')) {
      try {
        values = JSON.parse(`[${text.slice(0, -1).replace(/\n/g, ',')}]`) as unknown[];
      } catch {
        values = undefined;
      }
    }
    // A foreign line holding commas (`1,2`) would count as several values: then go line by line.
    if (values && values.length !== countLines(text)) values = undefined;
    if (values) {
      for (const v of values) {
        const e = parseEvent(v);
        if (e) out.push(e);
        else this.malformed++;
      }
      return;
    }
    for (const line of text.split('\n')) if (line.trim()) this.parse(line, out);
  }

  private parse(line: string, out: TraceEvent[]): void {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      this.malformed++;
      return;
    }
    const e = parseEvent(v);
    if (e) out.push(e);
    else this.malformed++;
  }

  /** A partial last line left at the end is malformed (its writer died mid-line). */
  close(): void {
    for (const f of this.files.values()) {
      if (f.rest && f.rest.length) this.malformed++;
      try {
        fs.closeSync(f.fd);
      } catch {
        // already closed
      }
    }
    this.files.clear();
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
