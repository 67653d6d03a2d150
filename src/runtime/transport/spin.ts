// Waiting a few microseconds without sleeping. A pipe reply between two processes is often only
// microseconds away, yet a process asleep in the event loop pays an OS wake-up per message
// (≈20 µs on a small VM — most of a round trip; see bench/RESULTS.md). So before recv() sleeps,
// it reads the socket that feeds it directly for a short budget, as adaptive mutexes spin before
// they block. Only with more than one CPU (spinning on one CPU only delays the sender), and at
// most SPIN_BUDGET_US per wait, so the event loop is never held longer than that.
import * as os from 'os';
import { flushAllEndpoints, type SocketEndpoint } from './frames';

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
const budgetNs = BigInt(Math.round(SPIN_BUDGET_US * 1000));

/**
 * Spinning pays only while the peer is running on another core. On a busy machine the reply is
 * rarely there within the budget: the spin then burns the budget, and a process that spins is
 * runnable rather than asleep, so the scheduler no longer wakes it first when the reply comes
 * (bench: 50 µs spin at load 20, 1 ms round trips; no spin, 0.6 ms). So the spin adapts: each
 * spin that ends empty-handed doubles how many waits skip spinning (up to MAX_SKIP); one that
 * gets its answer resets that.
 */
const MAX_SKIP = 256;
let misses = 0;
let skip = 0;

/**
 * Reads `source` synchronously until `ready()` holds or the budget is spent. Sends queued in this
 * tick go out first: the reply we wait for may depend on them. Returns ready().
 */
export function spinUntil(source: SocketEndpoint | undefined, ready: () => boolean): boolean {
  if (budgetNs === 0n || !source || !source.canReadSync()) return false;
  if (skip > 0) {
    skip--;
    return false;
  }
  flushAllEndpoints();
  const deadline = process.hrtime.bigint() + budgetNs;
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
