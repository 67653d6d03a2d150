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
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        if (nl < 0) break;
        if (nl > start) this.parse(chunk.toString('utf8', start, nl), out);
        start = nl + 1;
      }
      // Copied: the read buffer is reused.
      if (start < chunk.length) f.rest = Buffer.from(chunk.subarray(start));
      if (n < READ_SIZE) return;
    }
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
