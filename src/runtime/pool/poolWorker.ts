// The loop inside a pool worker: run the initializer once, then run tasks strictly one after
// another (a worker is one Python worker: one task at a time), sending each result back as soon
// as it is known. Results of tasks finished in the same tick leave in one write.
import type { BootMessage } from '../process/backend';
import { exitChild } from '../process/children';
import type { Endpoint } from '../transport/frames';
import * as v8 from 'v8';
import { MESSAGES, ProcessError } from '../errors';
import { decode, errorToRecord, findUncloneable, revive } from '../transport/serialize';
import { mapIntoNumbers, packNumbers, PACK_MIN, unpackNumbers } from './numbers';
import { findExport, importModule } from '../process/targets';
import { defineTemplate, emit, flush, lastTs, tracing, writeTaskLine } from '../tracing/tracer';

/** Results a worker holds back while running a long synchronous batch. */
const RESULTS_PER_MESSAGE = 64;

/** One task as the pool sends it. `m`: 0 = one call with args `a`; 1 = map chunk; 2 = starmap chunk. */
export interface WireTask {
  id: number;
  fn: string;
  /** The arguments (m = 0) or the chunk of items, as prepare() left them. */
  a: unknown;
  m: 0 | 1 | 2;
}

type Fn = (...args: unknown[]) => unknown;

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as PromiseLike<unknown>).then === 'function';
}

export async function runPoolWorker(boot: BootMessage, endpoint: Endpoint): Promise<void> {
  const poolId = boot.poolId as string;
  // Compact-line templates of this worker's hot events (src/trace/compact.ts), defined on first use.
  const startPrefixes = new Map<string, Buffer>();
  let lastFn = '';
  let lastStartPrefix: Buffer | undefined;
  const startPrefix = (fn: string): Buffer => {
    if (fn === lastFn && lastStartPrefix) return lastStartPrefix;
    let b = startPrefixes.get(fn);
    if (b === undefined) startPrefixes.set(fn, (b = defineTemplate({ kind: 'task.start', poolId, fn }, ['taskId'])));
    lastFn = fn;
    return (lastStartPrefix = b);
  };
  let endOkPrefix: Buffer | undefined;
  /**
   * Whether the task that just ended did so inside the drain loop: the next task starts at that
   * same instant, so its task.start reuses the task.end timestamp (lastTs) — one clock read per
   * tiny task instead of two.
   */
  let justEnded = false;
  const maxTasks = (boot.maxTasksPerChild as number | undefined) ?? 0;
  const queue: WireTask[] = [];
  let head = 0;
  let running = false;
  let done = 0;
  let exiting = false;
  const fns = new Map<string, Fn>();
  endpoint.onMessage((msg) => {
    if (msg.t === 'tasks') {
      for (const t of msg.list as WireTask[]) queue.push(t);
      if (!running) void drain();
    } else if (msg.t === 'exit') {
      exiting = true;
      if (!running) void exitChild(0);
    }
  });

  let ns: Record<string, unknown>;
  try {
    ns = await importModule(boot.module);
    if (boot.initializer) {
      const init = findExport(ns, boot.initializer as string, boot.module);
      const r = init(...(decode(boot.initargs as Uint8Array) as unknown[]));
      if (isThenable(r)) await r;
    }
  } catch (err) {
    endpoint.send({ t: 'initError', e: errorToRecord(err) });
    await exitChild(1);
    return;
  }
  endpoint.send({ t: 'ready' });

  const lookup = (name: string): Fn => {
    let fn = fns.get(name);
    if (!fn) {
      fn = findExport(ns, name, boot.module);
      fns.set(name, fn);
    }
    return fn;
  };

  // Results of one tick leave as one message: [taskId, ok, value or error record] each.
  let results: Array<[number, boolean, unknown]> = [];
  /** Function name of each result, only to name an uncloneable one. */
  let resultFns: string[] = [];
  const sendResults = () => {
    if (!results.length) return; // already sent early (see finish)
    const list = results;
    const names = resultFns;
    results = [];
    resultFns = [];
    try {
      endpoint.send({ t: 'res', list });
    } catch {
      // One of the results cannot be cloned: find which, and fail only those tasks.
      list.forEach((r, i) => {
        if (!r[1]) return;
        try {
          v8.serialize(r[2]);
        } catch (err) {
          r[1] = false;
          r[2] = errorToRecord(new ProcessError(MESSAGES.uncloneable(`the result of ${names[i]}`, findUncloneable(r[2]) ?? String((err as Error).message))));
        }
      });
      endpoint.send({ t: 'res', list });
    }
    // The pool may terminate this worker as soon as it has the results: their task.end events
    // must already be written.
    if (tracing) flush();
  };

  const finish = (task: WireTask, ok: boolean, value: unknown) => {
    if (!results.length) process.nextTick(sendResults);
    results.push([task.id, ok, ok ? value : errorToRecord(value)]);
    resultFns.push(task.fn);
    if (tracing) {
      if (ok) {
        writeTaskLine((endOkPrefix ??= defineTemplate({ kind: 'task.end', poolId, ok: true }, ['taskId'])), task.id, -1, -1);
        justEnded = true;
      } else emit({ kind: 'task.end', poolId, taskId: task.id, ok, error: String((value as Error)?.message ?? value) });
    }
    if (results.length >= RESULTS_PER_MESSAGE || (task.m !== 0 && (task.a as ArrayLike<unknown>).length >= PACK_MIN)) {
      // A long synchronous run of tiny tasks, or a long map chunk: let the pool have these now
      // (and send more work) while this worker goes on, instead of idling at the end of the run.
      // (After task.end: sendResults() writes the trace first.)
      sendResults();
      void endpoint.drain();
    }
  };

  async function drain(): Promise<void> {
    running = true;
    justEnded = false; // time has passed since any earlier task ended
    while (head < queue.length) {
      const task = queue[head++];
      if (head > 1024 && head * 2 > queue.length) {
        queue.splice(0, head);
        head = 0;
      }
      if (tracing) {
        writeTaskLine(startPrefix(task.fn), task.id, -1, justEnded ? lastTs[0] : -1);
        justEnded = false;
        // Written before a task that may run long (or kill this worker); batches flush once.
        if (head === queue.length) flush();
      }
      try {
        const fn = lookup(task.fn);
        const args = revive(task.a) as unknown[];
        let result: unknown;
        if (task.m === 0) {
          result = fn(...args);
          if (isThenable(result)) result = await result;
        } else {
          // A map chunk: the per-item loop is the whole cost of tiny tasks, so the star/plain
          // choice is made once and only objects are checked for a `then`.
          const n = args.length;
          const star = task.m === 2;
          let out: unknown[] = [];
          let i = 0;
          if (!star && (args as unknown) instanceof Float64Array) {
            // Packed numbers in, and as long as the results are numbers, packed numbers out.
            const run = mapIntoNumbers(fn as (x: number) => unknown, args as unknown as Float64Array);
            if (run.done === n) result = run.out;
            else {
              out = unpackNumbers(run.out.subarray(0, run.done));
              let r = run.stray;
              if (isThenable(r)) r = await r;
              out.push(r);
              i = run.done + 1;
            }
          }
          if (result === undefined) {
            for (; i < n; i++) {
              let r = star ? fn(...(args[i] as unknown[])) : fn(args[i]);
              if (typeof r === 'object' || typeof r === 'function') {
                if (isThenable(r)) r = await r;
              }
              out.push(r);
            }
            result = packNumbers(out) ?? out;
          }
        }
        finish(task, true, result);
      } catch (err) {
        finish(task, false, err);
      }
      if (maxTasks && ++done >= maxTasks) {
        // Python's maxtasksperchild: this worker retires; the pool starts a fresh one.
        await exitChild(0);
        return;
      }
    }
    running = false;
    if (exiting) await exitChild(0);
  }
}
