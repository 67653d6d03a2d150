// Waiting a few microseconds without sleeping. A pipe reply between two processes is often only
// microseconds away, yet a process asleep in the event loop pays an OS wake-up per message
// (≈20 µs on a small VM — most of a round trip; see bench/RESULTS.md). So before recv() sleeps,
// it reads the socket that feeds it directly for a short budget, as adaptive mutexes spin before
// they block. Only with more than one CPU (spinning on one CPU only delays the sender), and at
// most SPIN_BUDGET_US per wait, so the event loop is never held longer than that.
import * as os from 'os';
import { flushAllEndpoints, type SocketEndpoint } from './frames';
import { flush as flushTrace, tracing } from '../tracing/tracer';

const DEFAULT_BUDGET_US = 50;

function budgetFromEnv(): number {
  const raw = process.env.CONCURRENCY_LAB_SPIN_US;
  if (raw === undefined || raw === '') return DEFAULT_BUDGET_US;
  const n = Number(raw);
  // A bad value must not break a snippet: fall back to the default.
  return Number.isFinite(n) && n >= 0 ? Math.min(n, 10_000) : DEFAULT_BUDGET_US;
}

/** Microseconds recv() may spin before sleeping (0: never). CONCURRENCY_LAB_SPIN_US overrides. */
export const SPIN_BUDGET_US = os.availableParallelism() > 1 ? budgetFromEnv() : 0;
const budgetNs = Math.round(SPIN_BUDGET_US * 1000);

/**
 * Spinning pays only while the peer is running on another core. On a busy machine the reply is
 * rarely there within the budget: the spin then burns the budget, and a process that spins is
 * runnable rather than asleep, so the scheduler no longer wakes it first when the reply comes
 * (bench: 50 µs spin at load 20, 1 ms round trips; no spin, 0.6 ms). So the spin adapts: each
 * spin that ends empty-handed doubles how many waits skip spinning (up to MAX_SKIP); one that
 * gets its answer resets that.
 *
 * Skipping alone is a trap for two processes that answer each other (a Pipe ping-pong): once
 * both skip, each sleeps, so each reply pays the peer's OS wake-up, and a spin tried now and then
 * misses it — both can stay asleep for hundreds of messages after the machine went quiet. So the
 * waiters say how long their reply took (spinWaited): a reply that came within the budget even
 * though this side slept means the peer answers fast, and skipping stops at once.
 */
const MAX_SKIP = 256;
let misses = 0;
let skip = 0;

/** Now, for spinWaited(): when a wait that may spin begins (0: spinning is off). */
export function spinClock(): number {
  return budgetNs === 0 ? 0 : performance.now();
}

/** A wait that began at `began` (spinClock()) and did not end in its spin got its reply now. */
export function spinWaited(began: number): void {
  if (began === 0 || skip === 0) return;
  // Within the budget, with this side's own wake-up included: a spin would have caught it.
  if ((performance.now() - began) * 1e6 <= budgetNs) {
    skip = 0;
    misses = 0;
  }
}

/**
 * Reads `source` synchronously until `ready()` holds or the budget is spent. Sends queued in this
 * tick go out first: the reply we wait for may depend on them. Returns ready().
 */
export function spinUntil(source: SocketEndpoint | undefined, ready: () => boolean): boolean {
  if (budgetNs === 0 || !source || !source.canReadSync()) return false;
  if (skip > 0) {
    skip--;
    return false;
  }
  flushAllEndpoints();
  const deadline = process.hrtime.bigint() + BigInt(budgetNs);
  for (;;) {
    if (!source.readSync()) return ready();
    if (ready()) {
      misses = 0;
      return true;
    }
    if (process.hrtime.bigint() >= deadline) {
      skip = Math.min(MAX_SKIP, 1 << Math.min(++misses, 8));
      return false;
    }
  }
}

// ---- the blocking wait (issue #15, docs/transport.md) ----
// A bare process asleep in a read is far below Python's round trip; one woken through the event
// loop pays epoll, libuv and the stream's 'data' path first. So when a Pipe recv() found nothing
// and the thread has nothing else to do — all synchronous code and microtasks have run (this runs
// in a nextTick queued by recv()), no other wait of ours is outstanding, and no ref'd timer,
// immediate, pending write, file request or server is active — it sleeps in ppoll() on the one
// socket its reply comes from for at most the budget (CONCURRENCY_LAB_BLOCK_US; off by default),
// reads it and delivers the frames at once. Anything else the thread would have done meanwhile (a
// unix socket or child output of the user's, which the resource check cannot tell from ours, an
// unref'd timer) waits at most that long; a wait that times out makes the next waits skip
// blocking, as a missed spin does, so a peer that is slow to answer costs nothing after that.

/** ppoll + read of a non-blocking fd: bytes (> 0), 0 at EOF, -1 nothing within `us`, -2 error. */
export type ReadWait = (fd: number, buf: Buffer, us: number) => number;
let readWaitSource: (() => ReadWait | undefined) | undefined;
let readWaitFn: ReadWait | null | undefined;

/** The messaging room hands over the native read (transport does not load modules of memory/). */
export function provideReadWait(get: () => ReadWait | undefined): void {
  readWaitSource = get;
  readWaitFn = undefined;
}
function readWait(): ReadWait | null {
  if (readWaitFn === undefined) readWaitFn = readWaitSource?.() ?? null;
  return readWaitFn;
}

// Off by default: measured no faster than the event loop while our per-message work costs more
// than the wake-up it saves (docs/transport.md, 2026-12-07 18:55). CONCURRENCY_LAB_BLOCK_US=2000
// turns it on (e.g. to measure it again once that work is cut).
const DEFAULT_BLOCK_US = 0;
function blockBudgetFromEnv(): number {
  const raw = process.env.CONCURRENCY_LAB_BLOCK_US;
  if (raw === undefined || raw === '') return DEFAULT_BLOCK_US;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? Math.min(n, 100_000) : DEFAULT_BLOCK_US;
}
let blockBudgetUs = blockBudgetFromEnv();
/** The blocking wait adapts like the spin: a miss makes the next waits skip it (see blockUntil). */
let blockMisses = 0;
let blockSkip = 0;
/** Microseconds a recv() may sleep in the read before it leaves the wait to the event loop (0: never). */
export function blockBudget(): number {
  return blockBudgetUs;
}
/** For tests: the budget as if CONCURRENCY_LAB_BLOCK_US said so. */
export function setBlockBudget(us: number): void {
  blockBudgetUs = us;
  // A new budget starts without the skips that misses under the old one earned.
  blockMisses = 0;
  blockSkip = 0;
}

/** Waits of ours outstanding in this thread (a recv(), a queue get, a lock...): one blocks only when alone. */
let outstanding = 0;
export function waitBegins(): void {
  outstanding++;
}
export function waitEnds(): void {
  outstanding--;
}

/** Resource types that may be active while a recv() blocks: our own sockets and children. */
const QUIET = new Set(['PipeWrap', 'ProcessWrap', 'SignalWrap']);

/** Whether nothing but our own sockets and child processes keeps this thread's event loop busy. */
function nothingElsePending(): boolean {
  for (const r of process.getActiveResourcesInfo()) if (!QUIET.has(r)) return false;
  return true;
}

/**
 * After recv() returned its Promise: sleep in the read of `source` until `ready()` (the frames are
 * delivered as they come, which resolves the Promise) or the budget is spent. Call it from a
 * nextTick: by then every microtask has run, and `ready()` may already hold.
 */
export function blockUntil(source: SocketEndpoint | undefined, ready: () => boolean): boolean {
  if (ready()) return true;
  if (blockBudgetUs === 0 || !source || outstanding !== 1) return false;
  if (blockSkip > 0) {
    blockSkip--;
    return false;
  }
  const read = readWait();
  if (!read || !source.canReadSync() || !nothingElsePending()) return false;
  flushAllEndpoints();
  if (tracing) flushTrace();
  const deadline = process.hrtime.bigint() + BigInt(Math.round(blockBudgetUs * 1000));
  for (;;) {
    const left = Number(deadline - process.hrtime.bigint()) / 1000;
    const r = left > 0 ? source.readWait(read, Math.ceil(left)) : 'timeout';
    if (r === 'closed') return ready();
    if (ready()) {
      blockMisses = 0;
      return true;
    }
    if (r === 'timeout') {
      blockSkip = Math.min(MAX_SKIP, 1 << Math.min(++blockMisses, 8));
      return false;
    }
  }
}
