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
  const text = pending.join('');
  pending = [];
  try {
    fs.writeSync(open(), text);
  } catch {
    // The run's directory is gone (the runner ended): tracing must never break the snippet.
  }
}

export function emit(event: EventInput): void {
  if (!tracing) return;
  const full = { ...event, ts: event.ts ?? now(), pid: event.pid ?? process.pid } as TraceEvent;
  if (threadId !== 0 && full.tid === undefined) full.tid = threadId;
  pending.push(JSON.stringify(full) + '\n');
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush).unref();
  }
}

if (tracing) process.on('exit', flush);
