// Pool: Python's multiprocessing.Pool. Workers are direct children of the process that made the
// pool (no broker). Each worker runs one task at a time; the pool sends a worker more than one
// task only when there is a long backlog (then up to MAX_INFLIGHT, in one message), which keeps
// small workloads dealt out exactly as Python does and large ones cheap per task.
import * as os from 'os';
import { threadId } from 'worker_threads';
import { AsyncResult } from './asyncResult';
import { exitCodeOf, spawnChild, type ChildHandle } from '../process/backend';
import { installExitHook, liveChildren, type ChildRecord } from '../process/children';
import { BrokenPoolError, MESSAGES, ProcessError } from '../errors';
import { mainModule, nextChildIdentity, self, type ContextKind } from '../process/identity';
import type { WireTask } from './poolWorker';
import { encodeInherited, errorFromRecord, prepare, summarizeArgs, unwrapPrepared, type ErrorRecord } from '../transport/serialize';
import { exportNameOf } from '../process/targets';
import { callerLoc } from '../tracing/callsite';
import { copyResults, packRange, unpackNumbers } from './numbers';
import { defineTemplate, emit, tracing, writeTaskLine, writeTaskLineJson } from '../tracing/tracer';
import { traceWait } from '../tracing/waits';

type Fn = (...args: never[]) => unknown;
type Result<F> = F extends (...args: never[]) => infer R ? Awaited<R> : unknown;

export interface PoolOptions {
  /** Number of workers (default: cpuCount()). */
  processes?: number;
  /** Exported function each worker runs once at start, with `initargs`. */
  initializer?: Fn;
  initargs?: readonly unknown[];
  /** A worker retires after this many tasks and a fresh one replaces it. */
  maxTasksPerChild?: number;
}

export interface ApplyOptions<R> {
  callback?: (value: R) => void;
  errorCallback?: (error: unknown) => void;
}

/** Most tasks sent to a worker in one batch; it holds at most two batches (see dispatch). */
const MAX_INFLIGHT = 256;
/** A pool whose workers die this many times in a row before becoming ready gives up. */
const MAX_BOOT_FAILURES = 3;

interface Task {
  id: number;
  fn: string;
  /** Arguments (m = 0) or chunk of items (m = 1, 2), as prepare() left them. */
  a: unknown;
  m: 0 | 1 | 2;
  /** Where the outcome goes: applyAsync passes its AsyncResult itself (no closure per task). */
  sink: Sink;
}

interface Sink {
  settle(ok: boolean, value: unknown): void;
}

/** "task 3 runTask(1, 2)": names a task in error messages. */
function label(t: Task): string {
  return `task ${t.id} ${t.fn}${summarizeTask(t)}`;
}

function summarizeTask(t: Task): string {
  // Not revive(): it would turn the handles inside the task (queues, manager proxies) into live
  // objects in place, and the task would then travel without them.
  const a = unwrapPrepared(t.a)[0] as unknown[];
  return t.m === 0 ? summarizeArgs(a) : a.length === 1 ? summarizeArgs(t.m === 2 ? (a[0] as unknown[]) : [a[0]]) : `(${a.length} items)`;
}

/**
 * The task's one argument when it is a non-negative safe integer (the common tiny task), else
 * -1. Its args summary `"(5)"` is then written without making a string (writeTaskLine): per-task
 * strings multiplied the submitter's GC work while 100k tasks were live (bench/RESULTS.md).
 */
function singleIntArg(t: Task): number {
  const a = t.a;
  if (t.m === 2 || !Array.isArray(a) || a.length !== 1) return -1;
  const v: unknown = a[0];
  return typeof v === 'number' && v >= 0 && Number.isSafeInteger(v) && !Object.is(v, -0) ? v : -1;
}

interface Slot {
  handle: ChildHandle;
  name: string;
  ready: boolean;
  exitSent: boolean;
  inflight: Task[];
  assigned: number;
  /** When the worker last ran out of work (a counter): dispatch prefers the longest idle. */
  idleSince: number;
  initError?: ErrorRecord;
  record: ChildRecord;
}

let poolCounter = 0;

function idleKey(slot: Slot): number {
  return slot.inflight.length ? Number.MAX_SAFE_INTEGER : slot.idleSince;
}

/** Python's default chunksize for map: about four chunks per worker. */
export function defaultChunksize(items: number, workers: number): number {
  if (items === 0) return 0;
  const per = workers * 4;
  return Math.floor(items / per) + (items % per ? 1 : 0);
}

export function cpuCount(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

export class Pool {
  static contextKind: ContextKind | undefined;

  readonly id: string;
  /** task.submit templates per function and call site (see submitPrefix). */
  private readonly submitTemplates = new Map<string, Buffer>();
  /** This turn's task.submit prefixes per function, and the last one used. */
  private readonly turnPrefixes = new Map<string, Buffer>();
  private turnFn: string | undefined;
  private turnPrefix: Buffer | undefined;
  readonly processes: number;
  private state: 'RUN' | 'CLOSE' | 'TERMINATE' = 'RUN';
  private readonly context: ContextKind;
  private readonly module: string;
  private readonly initializer: string | undefined;
  private readonly initargs: Uint8Array;
  private readonly maxTasksPerChild: number;
  private readonly slots = new Set<Slot>();
  private pending: Task[] = [];
  private head = 0;
  private outstanding = 0;
  private nextTaskId = 0;
  private dispatchScheduled = false;
  private idleClock = 0;
  private refed = true;
  private bootFailures = 0;
  private broken: Error | undefined;
  private exitWaiters: Array<() => void> = [];

  constructor(options: PoolOptions | number = {}) {
    const opts: PoolOptions = typeof options === 'number' ? { processes: options } : (options ?? {});
    const n = opts.processes ?? cpuCount();
    if (!Number.isInteger(n) || n < 1) throw new ProcessError(MESSAGES.poolSize(n));
    const mt = opts.maxTasksPerChild;
    if (mt !== undefined && mt !== null && (!Number.isInteger(mt) || mt < 1)) throw new ProcessError(MESSAGES.maxTasks(mt));
    this.maxTasksPerChild = mt ?? 0;
    this.processes = n;
    this.context = (new.target as typeof Pool).contextKind ?? self.defaultContext;
    this.initializer = opts.initializer ? exportNameOf(opts.initializer, 'initializer') : undefined;
    this.initargs = encodeInherited(opts.initargs ?? [], `an initarg of ${this.initializer ?? 'the initializer'}`, this.context);
    const module = mainModule();
    if (!module) throw new ProcessError(MESSAGES.noMainModule);
    this.module = module;
    this.id = `${process.pid}${threadId ? `.${threadId}` : ''}:${++poolCounter}`;
    if (tracing) emit({ kind: 'pool.create', poolId: this.id, processes: n, loc: callerLoc(new.target) });
    installExitHook();
    try {
      for (let i = 0; i < n; i++) this.startWorker();
    } catch (err) {
      // e.g. the run's process cap: no half-made pool may linger with live workers.
      this.state = 'TERMINATE';
      for (const s of this.slots) s.handle.kill('SIGTERM');
      throw err;
    }
    this.updateRef();
  }

  // ---- workers ----

  private startWorker(): void {
    const { identity, name } = nextChildIdentity(this.context === 'thread' ? 'PoolThread' : 'PoolWorker');
    const handle = spawnChild({
      t: 'boot',
      role: 'worker',
      context: this.context,
      module: this.module,
      name,
      identity,
      parent: { name: self.name, pid: process.pid, tid: threadId },
      poolId: this.id,
      initializer: this.initializer,
      initargs: this.initargs,
      maxTasksPerChild: this.maxTasksPerChild || undefined,
    }, this.initargs);
    let resolveExit!: () => void;
    const exited = new Promise<void>((r) => (resolveExit = r));
    const slot: Slot = {
      handle,
      name,
      ready: false,
      exitSent: false,
      inflight: [],
      assigned: 0,
      idleSince: 0,
      record: { name, pid: handle.pid, daemon: true, handle, exited, view: { name, pid: handle.pid, daemon: true } },
    };
    this.slots.add(slot);
    liveChildren.add(slot.record);
    if (!this.refed) handle.unref();
    handle.endpoint.onMessage((msg) => this.onWorkerMessage(slot, msg));
    handle.onExit((code, signal) => {
      liveChildren.delete(slot.record);
      if (handle.tid !== undefined && tracing) emit({ kind: 'thread.exit', tid: handle.tid, exitCode: exitCodeOf(code, signal) });
      this.onWorkerExit(slot, code, signal);
      resolveExit();
    });
  }

  private onWorkerMessage(slot: Slot, msg: Record<string, unknown>): void {
    switch (msg.t) {
      case 'res': {
        // A worker runs its tasks in order, so results come back in the order they were sent.
        for (const [, ok, v] of msg.list as Array<[number, boolean, unknown]>) {
          const task = slot.inflight.shift();
          if (!task) break;
          this.outstanding--;
          // A chunk's results may come packed (numbers.ts): its sink reads them in place.
          if (ok) task.sink.settle(true, v);
          else task.sink.settle(false, errorFromRecord(v as ErrorRecord));
        }
        if (slot.inflight.length === 0) slot.idleSince = ++this.idleClock;
        this.afterProgress(slot);
        return;
      }
      case 'ready':
        slot.ready = true;
        slot.idleSince = ++this.idleClock;
        this.bootFailures = 0;
        this.afterProgress(slot);
        return;
      case 'initError':
        slot.initError = msg.e as ErrorRecord;
        return;
    }
  }

  private afterProgress(slot: Slot): void {
    if (this.state === 'CLOSE' && this.head >= this.pending.length && slot.inflight.length === 0 && slot.ready && !slot.exitSent) {
      slot.exitSent = true;
      slot.handle.endpoint.send({ t: 'exit' });
    }
    this.scheduleDispatch();
    this.updateRef();
  }

  private onWorkerExit(slot: Slot, code: number | null, signal: string | null): void {
    this.slots.delete(slot);
    if (this.state !== 'TERMINATE') {
      if (slot.initError) {
        const msg = slot.initError.message;
        this.breakPool(new BrokenPoolError(this.initializer ? MESSAGES.initializerFailed(this.initializer, msg) : MESSAGES.workerStartFailed(msg)));
      } else if (!slot.ready && ++this.bootFailures >= MAX_BOOT_FAILURES) {
        this.breakPool(new BrokenPoolError(`pool workers keep dying before they are ready (last: ${describeExit(code, signal)})`));
      }
      const [running, ...queued] = slot.inflight;
      if (running) {
        this.outstanding--;
        running.sink.settle(false, new BrokenPoolError(MESSAGES.workerDied(`${slot.name} (pid ${slot.handle.pid})`, describeExit(code, signal), label(running))));
      }
      // Tasks the dead worker had not started yet go back to the front of the line.
      if (queued.length) {
        this.pending = [...queued, ...this.pending.slice(this.head)];
        this.head = 0;
      }
      const backlog = this.head < this.pending.length;
      if (!this.broken && (this.state === 'RUN' || backlog)) {
        try {
          this.startWorker();
        } catch (err) {
          this.breakPool(new BrokenPoolError(`cannot replace ${slot.name}: ${(err as Error).message}`));
        }
      } else if (this.broken) this.failPending(this.broken);
    }
    this.scheduleDispatch();
    this.updateRef();
    if (this.slots.size === 0) {
      const waiters = this.exitWaiters;
      this.exitWaiters = [];
      for (const w of waiters) w();
    }
  }

  private breakPool(err: Error): void {
    if (this.broken) return;
    this.broken = err;
    this.failPending(err);
    for (const s of this.slots) s.handle.kill('SIGTERM');
  }

  private failPending(err: Error): void {
    const tasks = this.pending.slice(this.head);
    this.pending = [];
    this.head = 0;
    for (const t of tasks) {
      this.outstanding--;
      t.sink.settle(false, err);
    }
  }

  /** Workers keep this process alive only while there is work or the pool is shutting down. */
  private updateRef(): void {
    const want = this.outstanding > 0 || this.state !== 'RUN';
    if (want === this.refed) return;
    this.refed = want;
    for (const s of this.slots) {
      if (want) s.handle.ref();
      else s.handle.unref();
    }
  }

  private scheduleDispatch(): void {
    if (this.dispatchScheduled || this.head >= this.pending.length) return;
    this.dispatchScheduled = true;
    process.nextTick(() => this.dispatch());
  }

  private dispatch(): void {
    this.dispatchScheduled = false;
    let left = this.pending.length - this.head;
    if (!left) return;
    const live = [...this.slots].filter((s) => !s.exitSent);
    // Longest-idle worker first (busy ones last), as Python's workers pulling from one shared
    // queue: one awaited apply() after another rotates over the pool instead of reusing one worker.
    const ready = live.filter((s) => s.ready).sort((x, y) => idleKey(x) - idleKey(y));
    if (!ready.length) return;
    const per = Math.max(1, Math.min(MAX_INFLIGHT, Math.floor(left / (2 * live.length))));
    // With a big backlog a worker holds two batches: it reports each part of a long run as it
    // goes (RESULTS_PER_MESSAGE in poolWorker.ts), so it never waits for the next batch.
    const cap = per >= 64 ? 2 * per : per;
    const batches = new Map<Slot, WireTask[]>();
    let progress = true;
    while (left && progress) {
      progress = false;
      for (const slot of ready) {
        if (!left) break;
        if (slot.inflight.length >= cap) continue;
        if (this.maxTasksPerChild && slot.assigned >= this.maxTasksPerChild) continue;
        const task = this.pending[this.head++];
        left--;
        slot.inflight.push(task);
        slot.assigned++;
        let batch = batches.get(slot);
        if (!batch) batches.set(slot, (batch = []));
        batch.push({ id: task.id, fn: task.fn, a: task.a, m: task.m });
        progress = true;
      }
    }
    if (this.head === this.pending.length) {
      this.pending = [];
      this.head = 0;
    } else if (this.head > 4096) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    for (const [slot, list] of batches) slot.handle.endpoint.send({ t: 'tasks', list });
  }

  // ---- submitting ----

  private checkRunning(): void {
    if (this.broken) throw this.broken;
    if (this.state !== 'RUN') throw new ProcessError(MESSAGES.poolNotRunning);
  }

  /**
   * The compact-line prefix of this pool's task.submit events for `fn` from this turn's call
   * site: resolved once per function per synchronous turn (a stack capture costs as much as the
   * rest of a task's tracing; a submit loop shares its first task's `loc`), then reused by
   * pointer comparison. One template per function and call site.
   */
  private submitPrefix(fn: string): Buffer {
    if (fn === this.turnFn) return this.turnPrefix as Buffer;
    let b = this.turnPrefixes.get(fn);
    if (b === undefined) {
      if (this.turnPrefixes.size === 0) queueMicrotask(() => this.endTurn());
      const loc = callerLoc(this.submit, 2);
      const key = loc ? `${fn}\0${loc.file}:${loc.line}:${loc.column ?? ''}` : fn;
      b = this.submitTemplates.get(key);
      if (b === undefined) {
        b = defineTemplate(loc ? { kind: 'task.submit', poolId: this.id, fn, loc } : { kind: 'task.submit', poolId: this.id, fn }, ['taskId', 'args']);
        this.submitTemplates.set(key, b);
      }
      this.turnPrefixes.set(fn, b);
    }
    this.turnFn = fn;
    this.turnPrefix = b;
    return b;
  }

  private endTurn(): void {
    this.turnPrefixes.clear();
    this.turnFn = undefined;
    this.turnPrefix = undefined;
  }

  private submit(fn: string, a: unknown, m: 0 | 1 | 2, sink: Sink): void {
    const id = this.nextTaskId++;
    const task: Task = { id, fn, a, m, sink };
    // The summary is not kept on the task (100k live tasks, 100k strings): label() redoes it if needed.
    if (tracing) {
      const prefix = this.submitPrefix(fn);
      const arg = singleIntArg(task);
      if (arg >= 0) writeTaskLine(prefix, id, arg, -1);
      else writeTaskLineJson(prefix, id, JSON.stringify(summarizeTask(task)));
    }
    this.pending.push(task);
    this.outstanding++;
    this.scheduleDispatch();
    this.updateRef();
  }

  applyAsync<F extends Fn>(fn: F, args: readonly unknown[] = [], options: ApplyOptions<Result<F>> = {}): AsyncResult<Result<F>> {
    this.checkRunning();
    const name = exportNameOf(fn, 'the task function');
    if (!Array.isArray(args)) throw new ProcessError(`args must be an array, got ${typeof args}`);
    const a = prepare(args, `an argument of ${name}`);
    const result = new AsyncResult<Result<F>>(options.callback, options.errorCallback);
    if (tracing) result.source(this.id, this.nextTaskId);
    this.submit(name, a, 0, result);
    return result;
  }

  /** Runs one task and waits for it (Python's apply blocks). */
  apply<F extends Fn>(fn: F, args: readonly unknown[] = []): Promise<Result<F>> {
    return this.applyAsync(fn, args).getAs('Pool.apply', this.apply);
  }

  /**
   * Submits `iterable` in chunks; onChunk gets each chunk's index, its start in the input and its
   * results (a plain array, or a Float64Array when they were all numbers: see numbers.ts) or error.
   * Returns the number of chunks and of items.
   */
  private mapChunks(fn: Fn, iterable: Iterable<unknown>, chunksize: number | undefined, star: boolean, onChunk: (index: number, start: number, ok: boolean, v: unknown) => void): [chunks: number, items: number] {
    this.checkRunning();
    const name = exportNameOf(fn, 'the task function');
    // Read synchronously below, before the caller can change it: no copy needed.
    const items: ArrayLike<unknown> = Array.isArray(iterable) ? iterable : Array.from(iterable);
    if (chunksize !== undefined && chunksize !== null && (!Number.isInteger(chunksize) || chunksize < 1)) throw new ProcessError(MESSAGES.chunksize(chunksize));
    const size = chunksize ?? defaultChunksize(items.length, this.processes);
    // Check every chunk before submitting any, so a bad item fails the whole call up front.
    const prepared: unknown[] = [];
    for (let i = 0; i < items.length; i += size) {
      const end = Math.min(items.length, i + size);
      prepared.push((star ? undefined : packRange(items, i, end)) ?? prepare(Array.prototype.slice.call(items, i, end), `an item passed to ${name}`));
    }
    prepared.forEach((c, i) => this.submit(name, c, star ? 2 : 1, { settle: (ok, v) => onChunk(i, i * size, ok, v) }));
    return [prepared.length, items.length];
  }

  private mapAsyncImpl<R>(fn: Fn, iterable: Iterable<unknown>, chunksize: number | undefined, star: boolean, options: ApplyOptions<R[]>): AsyncResult<R[]> {
    const result = new AsyncResult<R[]>(options.callback, options.errorCallback);
    if (tracing) result.source(this.id, this.nextTaskId);
    let out: R[] = [];
    let left = 0;
    const [n, total] = this.mapChunks(fn, iterable, chunksize, star, (_i, start, ok, v) => {
      if (!ok) return result.settle(false, v);
      // Each chunk's results go straight to their place in the one result array.
      copyResults(v as ArrayLike<unknown>, out, start);
      if (--left === 0) result.settle(true, out);
    });
    out = new Array<R>(total);
    left = n;
    if (n === 0) result.settle(true, []);
    return result;
  }

  mapAsync<F extends Fn>(fn: F, iterable: Iterable<Parameters<F>[0]>, chunksize?: number, options: ApplyOptions<Array<Result<F>>> = {}): AsyncResult<Array<Result<F>>> {
    return this.mapAsyncImpl(fn, iterable, chunksize, false, options);
  }

  map<F extends Fn>(fn: F, iterable: Iterable<Parameters<F>[0]>, chunksize?: number): Promise<Array<Result<F>>> {
    return this.mapAsync(fn, iterable, chunksize).getAs('Pool.map', this.map);
  }

  starmapAsync<F extends Fn>(fn: F, iterable: Iterable<Parameters<F>>, chunksize?: number, options: ApplyOptions<Array<Result<F>>> = {}): AsyncResult<Array<Result<F>>> {
    return this.mapAsyncImpl(fn, iterable, chunksize, true, options);
  }

  starmap<F extends Fn>(fn: F, iterable: Iterable<Parameters<F>>, chunksize?: number): Promise<Array<Result<F>>> {
    return this.starmapAsync(fn, iterable, chunksize).getAs('Pool.starmap', this.starmap);
  }

  /** Results in input order, each as soon as it and everything before it is done (chunksize defaults to 1). */
  imap<F extends Fn>(fn: F, iterable: Iterable<Parameters<F>[0]>, chunksize = 1): AsyncIterableIterator<Result<F>> {
    return this.iterate(fn, iterable, chunksize, true);
  }

  /** Results in completion order. */
  imapUnordered<F extends Fn>(fn: F, iterable: Iterable<Parameters<F>[0]>, chunksize = 1): AsyncIterableIterator<Result<F>> {
    return this.iterate(fn, iterable, chunksize, false);
  }

  private iterate<R>(fn: Fn, iterable: Iterable<unknown>, chunksize: number, ordered: boolean): AsyncIterableIterator<R> {
    const settled: Array<{ ok: boolean; v: unknown } | undefined> = [];
    const completion: number[] = [];
    let wake: (() => void) | undefined;
    const [total] = this.mapChunks(fn, iterable, chunksize, false, (i, _start, ok, v) => {
      settled[i] = { ok, v: ok && v instanceof Float64Array ? unpackNumbers(v) : v };
      completion.push(i);
      wake?.();
    });
    let nextChunk = 0;
    const poolId = this.id;
    let buffer: R[] = [];
    let failed = false;
    const iterator: AsyncIterableIterator<R> = {
      [Symbol.asyncIterator]() {
        return iterator;
      },
      async next(): Promise<IteratorResult<R>> {
        while (!buffer.length) {
          if (failed || nextChunk >= total) return { done: true, value: undefined };
          const index = ordered ? nextChunk : completion[nextChunk];
          const entry = index === undefined ? undefined : settled[index];
          if (!entry) {
            const woken = new Promise<void>((r) => (wake = r));
            await (tracing ? traceWait(woken, ordered ? 'Pool.imap' : 'Pool.imapUnordered', 'pool', poolId, { loc: callerLoc(iterator.next) }) : woken);
            wake = undefined;
            continue;
          }
          nextChunk++;
          if (!entry.ok) {
            failed = true;
            throw entry.v;
          }
          buffer = (entry.v as R[]).slice();
        }
        return { done: false, value: buffer.shift() as R };
      },
    };
    return iterator;
  }

  // ---- lifecycle ----

  /** No more tasks; workers exit once the submitted ones are done. */
  close(): void {
    if (this.state !== 'RUN') return;
    this.state = 'CLOSE';
    if (tracing) emit({ kind: 'pool.close', poolId: this.id });
    for (const s of this.slots) this.afterProgress(s);
    this.updateRef();
  }

  /** Stops the workers now; unfinished tasks reject. Resolves once every worker has exited. */
  terminate(): Promise<void> {
    if (this.state !== 'TERMINATE') {
      this.state = 'TERMINATE';
      if (tracing) emit({ kind: 'pool.terminate', poolId: this.id });
      const tasks = [...this.pending.slice(this.head), ...[...this.slots].flatMap((s) => s.inflight)];
      this.pending = [];
      this.head = 0;
      for (const s of this.slots) {
        s.inflight = [];
        s.handle.kill('SIGTERM');
      }
      for (const t of tasks) {
        this.outstanding--;
        t.sink.settle(false, new ProcessError(MESSAGES.poolTerminated(label(t))));
      }
      this.updateRef();
    }
    return this.allExited();
  }

  /** Waits for the workers to exit; only after close() or terminate(), as Python. */
  join(): Promise<void> {
    if (this.state === 'RUN') throw new ProcessError(MESSAGES.poolStillRunning);
    const exited = this.allExited();
    const waited = tracing && this.slots.size ? traceWait(exited, 'Pool.join', 'pool', this.id, { loc: callerLoc(this.join) }) : exited;
    return waited.then(() => {
      if (tracing) emit({ kind: 'pool.join', poolId: this.id });
    });
  }

  private allExited(): Promise<void> {
    if (this.slots.size === 0) return Promise.resolve();
    return new Promise<void>((r) => this.exitWaiters.push(r));
  }
}

function describeExit(code: number | null, signal: string | null): string {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}
