// Tails the run's trace directory: every traced process (and thread) appends JSON lines to its
// own file `<pid>-<tid>.jsonl` (src/trace/channel.ts). Reads whatever is new in each file, keeps
// a partial last line for the next read, decodes every line (compact ones included, see
// src/trace/compact.ts) and validates it with parseEvent; malformed or
// foreign lines are counted and skipped. On request it also keeps each valid event's line text, so
// the native trace file can be written from the lines as they came (no second JSON.stringify).
import * as fs from 'fs';
import * as path from 'path';
import { parseTraceFileName } from '../trace/channel';
import { TransportDecoder } from '../trace/compact';
import type { TraceEvent } from '../trace/events';

interface Tailed {
  fd: number;
  offset: number;
  rest: Buffer | undefined;
  /** Compact lines refer to templates defined earlier in the same file (src/trace/compact.ts). */
  decoder: TransportDecoder;
}

const READ_SIZE = 1 << 20;

export class TraceTailer {
  malformed = 0;
  /** Each valid event's line as read (without its \n), when constructed with keepLines. */
  readonly lines: Map<TraceEvent, string> | undefined;
  private readonly files = new Map<string, Tailed>();
  private readonly buf = Buffer.allocUnsafe(READ_SIZE);

  constructor(
    private readonly dir: string,
    keepLines = false,
  ) {
    this.lines = keepLines ? new Map() : undefined;
  }

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
          f = { fd: fs.openSync(path.join(this.dir, name), 'r'), offset: 0, rest: undefined, decoder: new TransportDecoder() };
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
      if (end > 0) this.parseLines(f.decoder, chunk.toString('utf8', 0, end), out);
      // Copied: the read buffer is reused.
      if (end < chunk.length) f.rest = Buffer.from(chunk.subarray(end));
      if (n < READ_SIZE) return;
    }
  }

  /**
   * Complete lines, each ending in \n, parsed one by one so only a broken line is lost. (One
   * JSON.parse of all lines joined into an array was no faster on Node 20, and it copied the text
   * twice.) split() gives slices of `text`, cheap to keep as each event's line; a compact line
   * is kept as its event's full JSON, so a saved trace never needs the templates.
   */
  private parseLines(decoder: TransportDecoder, text: string, out: TraceEvent[]): void {
    const lines = this.lines;
    const raw = text.split('\n');
    // The last element is the empty string after the final \n.
    for (let i = 0; i < raw.length - 1; i++) {
      const line = raw[i];
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        // A blank line is nothing, not a malformed one.
        if (line.trim()) this.malformed++;
        continue;
      }
      const d = decoder.decode(v);
      if (d === 'template') continue;
      if (!d) this.malformed++;
      else {
        out.push(d.event);
        lines?.set(d.event, d.compact ? JSON.stringify(d.event) : line);
      }
    }
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
