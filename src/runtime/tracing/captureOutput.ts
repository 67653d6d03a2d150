// Runs inside every snippet process: copies what the process writes to stdout/stderr into the
// trace as `output` events attributed to this pid, and (when the runner asks, e.g. the CLI on a
// terminal) prefixes each line with the process that wrote it — done here, at the source, because
// only here is it known which process wrote which bytes. Without a prefix the bytes go out
// unchanged (binary included). Capture stops after a cap so a snippet printing 100 MB does not
// fill the trace (and the runner's memory) with it.
import { StringDecoder } from 'string_decoder';
import { OUTPUT_PREFIX_ENV } from '../../trace/channel';
import { processName } from './captureProcesses';
import { emit, flush } from './tracer';

/** Bytes of output per process copied into the trace; the rest is shown but not traced. */
export const OUTPUT_CAPTURE_LIMIT = 4 * 1024 * 1024;

let captured = 0;
let truncated = false;

type Write = (chunk: unknown, encoding?: unknown, cb?: unknown) => boolean;

function toBytes(chunk: unknown, encoding: unknown): Buffer | undefined {
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return undefined;
}

function capture(stream: 'stdout' | 'stderr', decoder: StringDecoder, bytes: Buffer): void {
  if (truncated) return;
  if (captured + bytes.length > OUTPUT_CAPTURE_LIMIT) {
    truncated = true;
    emit({ kind: 'error', code: 'OUTPUT_TRUNCATED', message: `output after the first ${OUTPUT_CAPTURE_LIMIT / 1048576} MiB of this process was shown but not traced` });
    return;
  }
  captured += bytes.length;
  const text = decoder.write(bytes);
  if (text) {
    emit({ kind: 'output', stream, text });
    // At once, not at the end of the tick: a process that prints and is then killed must still
    // show what it printed.
    flush();
  }
}

/**
 * On a patched stream: its write before the patch. Keyed globally because the preload (main
 * thread) and the runtime (worker threads, backend.ts) are separate bundles with their own copy
 * of this module, yet must agree on it.
 */
const RAW_WRITE = Symbol.for('concurrency-lab.rawWrite');
/** On globalThis (one per thread): this thread's output is captured. */
const CAPTURING = Symbol.for('concurrency-lab.capturingOutput');

/** Whether this thread copies its output into the trace (then worker threads capture their own). */
export function capturingOutput(): boolean {
  return (globalThis as Record<symbol, unknown>)[CAPTURING] === true;
}

/**
 * Writes bytes a worker thread already captured (and prefixed) to this thread's stream, past the
 * capture: they are in the trace once, under the thread that wrote them.
 */
export function writeUncaptured(name: 'stdout' | 'stderr', bytes: Buffer): void {
  const stream = process[name] as unknown as { write: Write; [RAW_WRITE]?: Write };
  (stream[RAW_WRITE] ?? stream.write).call(stream, bytes);
}

const COLORS = [36, 33, 35, 32, 34, 31];

/** Inserts `prefix` at the start of every line, remembering across writes whether a line is open. */
export class LinePrefixer {
  private atLineStart = true;
  constructor(private readonly prefix: Buffer) {}

  apply(bytes: Buffer): Buffer {
    if (!bytes.length) return bytes;
    const parts: Buffer[] = [];
    let start = 0;
    if (this.atLineStart) parts.push(this.prefix);
    for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, start)) {
      parts.push(bytes.subarray(start, nl + 1));
      start = nl + 1;
      if (start < bytes.length) parts.push(this.prefix);
    }
    if (start < bytes.length) parts.push(bytes.subarray(start));
    this.atLineStart = bytes[bytes.length - 1] === 10;
    return Buffer.concat(parts);
  }
}

function makePrefix(mode: string, label: string): Buffer {
  return Buffer.from(mode === 'color' ? `\x1b[${COLORS[process.pid % COLORS.length]}m${label}\x1b[0m ` : `${label} `);
}

function patchStream(stream: { write: Write; [RAW_WRITE]?: Write }, name: 'stdout' | 'stderr', prefixMode: string | undefined, label: () => string): void {
  const original = stream.write;
  stream[RAW_WRITE] = original;
  const decoder = new StringDecoder('utf8');
  let prefixer: LinePrefixer | undefined;
  stream.write = function (this: unknown, chunk: unknown, encoding?: unknown, cb?: unknown) {
    const bytes = toBytes(chunk, encoding);
    if (bytes) {
      try {
        capture(name, decoder, bytes);
      } catch {
        // tracing must never break the snippet's output
      }
      if (prefixMode) {
        prefixer ??= new LinePrefixer(makePrefix(prefixMode, label()));
        return original.call(this, prefixer.apply(bytes), typeof encoding === 'function' ? encoding : cb);
      }
    }
    // eslint-disable-next-line prefer-rest-params
    return original.apply(this, arguments as unknown as [unknown, unknown, unknown]);
  };
}

/**
 * Patches process.stdout/stderr when first used, not now: Node creates those streams lazily (a
 * pipe stream is a socket), and a process that never prints should not pay for them.
 */
function patchWhenUsed(name: 'stdout' | 'stderr', prefixMode: string | undefined, label: () => string): void {
  const desc = Object.getOwnPropertyDescriptor(process, name);
  if (!desc?.get || !desc.configurable) {
    patchStream(process[name] as unknown as { write: Write }, name, prefixMode, label);
    return;
  }
  const get = desc.get;
  let patched = false;
  Object.defineProperty(process, name, {
    ...desc,
    get(this: NodeJS.Process) {
      const stream = get.call(this) as { write: Write };
      if (!patched) {
        patched = true;
        patchStream(stream, name, prefixMode, label);
      }
      return stream;
    },
  });
}

/**
 * In a process's main thread (the preload), or in a worker thread with its name (`thread`): then
 * its output events carry its tid and its lines its own prefix (`[Thread-1 4242]`), and the
 * thread that started it passes its bytes through without capturing them again (backend.ts).
 */
export function captureOutput(thread?: string): void {
  const mode = process.env[OUTPUT_PREFIX_ENV];
  const prefixMode = mode === 'plain' || mode === 'color' ? mode : undefined;
  const label = () => `[${thread ?? processName()} ${process.pid}]`;
  (globalThis as Record<symbol, unknown>)[CAPTURING] = true;
  patchWhenUsed('stdout', prefixMode, label);
  patchWhenUsed('stderr', prefixMode, label);
}
