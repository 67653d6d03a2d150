// Runs inside every snippet process: copies what the process writes to stdout/stderr into the
// trace as `output` events attributed to this pid. The bytes themselves still go where they were
// going, unchanged (binary included). Capture stops after a cap so a snippet printing 100 MB does
// not fill the trace (and the runner's memory) with it.
import { StringDecoder } from 'string_decoder';
import { emit, flush } from './tracer';

/** Bytes of output per process copied into the trace; the rest is shown but not traced. */
export const OUTPUT_CAPTURE_LIMIT = 4 * 1024 * 1024;

let captured = 0;
let truncated = false;

type Write = (chunk: unknown, encoding?: unknown, cb?: unknown) => boolean;

function capture(stream: 'stdout' | 'stderr', decoder: StringDecoder, chunk: unknown, encoding: unknown): void {
  if (truncated) return;
  let bytes: Buffer;
  if (typeof chunk === 'string') bytes = Buffer.from(chunk, typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8');
  else if (chunk instanceof Uint8Array) bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  else return;
  if (captured + bytes.length > OUTPUT_CAPTURE_LIMIT) {
    truncated = true;
    emit({ kind: 'error', code: 'OUTPUT_TRUNCATED', message: `output after the first ${OUTPUT_CAPTURE_LIMIT / 1048576} MiB of this process was shown but not traced` });
    return;
  }
  captured += bytes.length;
  const text = decoder.write(bytes);
  if (text) {
    emit({ kind: 'output', stream, text });
    // At once, not at the end of the tick: a process that prints and is then killed (or calls
    // process.abort) must still show what it printed.
    flush();
  }
}

function patch(name: 'stdout' | 'stderr'): void {
  const stream = process[name] as unknown as { write: Write };
  const original = stream.write;
  const decoder = new StringDecoder('utf8');
  stream.write = function (this: unknown, chunk: unknown, encoding?: unknown, _cb?: unknown) {
    try {
      capture(name, decoder, chunk, encoding);
    } catch {
      // tracing must never break the snippet's output
    }
    // eslint-disable-next-line prefer-rest-params
    return original.apply(this, arguments as unknown as [unknown, unknown, unknown]);
  };
}

export function captureOutput(): void {
  patch('stdout');
  patch('stderr');
}
