// Emits trace events from inside a snippet process (or worker thread) to the run's trace
// directory (contract: src/trace/channel.ts). Off — and free — unless the runner set the env var.
import * as fs from 'fs';
import * as path from 'path';
import { threadId } from 'worker_threads';
import { performance } from 'perf_hooks';
import { TRACE_DIR_ENV, nowMicros, traceFileName } from '../trace/channel';
import type { TraceEvent } from '../trace/events';

const traceDir = process.env[TRACE_DIR_ENV];

/** True when this process is part of a traced run. Check it before building an event object. */
export const tracing: boolean = !!traceDir;

let fd: number | undefined;
let pending: string[] = [];
let flushScheduled = false;
/** Events held before a write even within one tick: bounds memory (and GC work) on busy ticks. */
const MAX_PENDING = 512;

/** Distributes Omit over the union so each event kind keeps its own fields. */
export type EventInput = TraceEvent extends infer E ? (E extends TraceEvent ? Omit<E, 'ts' | 'pid'> & { ts?: number; pid?: number } : never) : never;

export function now(): number {
  return nowMicros(performance);
}

function open(): number {
  if (fd === undefined) fd = fs.openSync(path.join(traceDir as string, traceFileName(process.pid, threadId)), 'a');
  return fd;
}

/**
 * Writes pending events now. Called at the end of the current tick, and synchronously before
 * the process exits, so nothing emitted is lost on a normal exit; a SIGKILL loses at most the
 * events of the tick it interrupted.
 */
export function flush(): void {
  flushScheduled = false;
  if (!pending.length) return;
  const text = pending.join('\n') + '\n';
  pending = [];
  try {
    fs.writeSync(open(), text);
  } catch {
    // The run's directory is gone (the runner ended): tracing must never break the snippet.
  }
}

/** Records one event (free when not tracing). Pass a fresh object: it is completed in place. */
export function emit(event: EventInput): void {
  if (!tracing) return;
  // Callers pass a fresh object literal: complete it in place (no copy: this is on hot paths).
  const e = event as EventInput & { ts: number; pid: number; tid?: number };
  if (e.ts === undefined) e.ts = now();
  if (e.pid === undefined) e.pid = process.pid;
  if (threadId !== 0 && e.tid === undefined) e.tid = threadId;
  pending.push(JSON.stringify(e));
  if (pending.length >= MAX_PENDING) flush();
  else if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush).unref();
  }
}

const jsonCache = new Map<string, string>();
/** JSON of a string that recurs (function names, pool ids), computed once. */
export function jsonString(s: string): string {
  let j = jsonCache.get(s);
  if (j === undefined) {
    j = JSON.stringify(s);
    if (jsonCache.size < 1000) jsonCache.set(s, j);
  }
  return j;
}

/** The pid/tid end of every emitFields line, built once rather than per event (it never changes). */
const idsTail = `,"pid":${process.pid}${threadId !== 0 ? `,"tid":${threadId}` : ''}}`;

/**
 * emit() for hot paths (one event per task): `fields` is the event's JSON members without braces,
 * ts/pid/tid, e.g. `"kind":"task.start","poolId":"1:1","taskId":3,"fn":"f"`. Building that
 * string is several times cheaper than an object plus JSON.stringify.
 */
export function emitFields(fields: string): void {
  if (!tracing) return;
  // Whole microseconds: formatting an integer is several times cheaper than a fraction.
  pending.push(`{${fields},"ts":${Math.round(now())}${idsTail}`);
  if (pending.length >= MAX_PENDING) flush();
  else if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush).unref();
  }
}

if (tracing) process.on('exit', flush);
