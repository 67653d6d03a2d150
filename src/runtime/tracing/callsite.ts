// Where in the user's snippet an API call was made (trace events' `loc`, which the panel jumps
// to). Only called when tracing. Cheap enough for one call per task: a short stack (V8 formats
// only `LIMIT` frames), and the parse is cached by the raw stack text, which repeats in loops.
import * as path from 'path';
import { fileURLToPath } from 'url';
import type { SourceLocation } from '../../trace/events';

/** Frames to format: enough to climb out of the runtime (map → … → submit is ~8 deep). */
const LIMIT = 12;
const FRAME = /\(?((?:file:\/\/)?\/[^()]*?):(\d+):(\d+)\)?$/;

/** The directory of this bundle: frames in it are the runtime's own, never the user's. */
const ownDir = (() => {
  const m = FRAME.exec((new Error().stack ?? '').split('\n')[1] ?? '');
  return m ? path.dirname(toPath(m[1])) : undefined;
})();

function toPath(file: string): string {
  return file.startsWith('file://') ? fileURLToPath(file) : file;
}

interface Found {
  loc: SourceLocation | undefined;
}

const cache = new Map<string, Found>();
const NONE: Found = { loc: undefined };

/** A function or class: the frame V8 cuts the stack at. */
type Cutoff = Parameters<typeof Error.captureStackTrace>[1];

function find(cutoff: Cutoff, frames: number): Found {
  const found = scan(cutoff, frames);
  // Not within the first frames (e.g. apply → applyAsync → submit, or map's chunk loop): look deeper.
  return found === NONE && frames < LIMIT ? scan(cutoff, LIMIT) : found;
}

function scan(cutoff: Cutoff, frames: number): Found {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = frames;
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, cutoff);
  Error.stackTraceLimit = limit;
  const stack = holder.stack;
  if (!stack) return NONE;
  let found = cache.get(stack);
  if (found) return found;
  found = NONE;
  for (const line of stack.split('\n')) {
    const m = FRAME.exec(line);
    if (!m) continue; // the message line, `<anonymous>` built-ins
    const file = toPath(m[1]);
    if (file.startsWith('node:') || (ownDir !== undefined && path.dirname(file) === ownDir)) continue;
    found = { loc: { file, line: Number(m[2]), column: Number(m[3]) } };
    break;
  }
  // Bounded: a snippet calling from many places must not grow this without limit.
  if (cache.size < 1000) cache.set(stack, found);
  return found;
}

/**
 * The user's call site of `cutoff` (V8 drops it and the frames above it). `frames`: how deep the
 * user's frame usually is below the cut (1 when the user calls `cutoff` directly); V8 collects
 * and formats only that many, then more only if the user's frame was not among them.
 */
export function callerLoc(cutoff: Cutoff, frames = 1): SourceLocation | undefined {
  return find(cutoff, frames).loc;
}
