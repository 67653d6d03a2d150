// The one clock of a run. Every process stamps its events on it, so an event's order across
// processes is the order it happened in — a lock released by one process and taken by the next
// must never appear held by both.
//
// `performance.timeOrigin + performance.now()` is not that clock: each process takes its own
// timeOrigin with two separate reads at start-up, and on a busy machine they were seen to differ
// by 177 µs between processes. CLOCK_MONOTONIC is one clock for the whole machine (Node's
// performance.now() and process.hrtime(), Python's time.monotonic_ns() all read it), so the runner
// measures once how far the wall clock is ahead of it and hands that offset to every process
// (CLOCK_OFFSET_ENV). A process then stamps `monotonic + offset`: µs since the Unix epoch, the
// same number in every process for the same instant.
//
// This module is pure (no Node imports: src/trace is shared with the browser); the Node side
// passes in its clocks.

/** The wall clock minus CLOCK_MONOTONIC, in whole µs, as a decimal integer string. */
export const CLOCK_OFFSET_ENV = 'CONCURRENCY_LAB_CLOCK_OFFSET_US';

export interface ClockSources {
  /** performance.now(): ms on CLOCK_MONOTONIC, from an origin of its own. */
  perfNow(): number;
  /** performance.timeOrigin: the wall clock at perfNow() = 0, in ms. */
  timeOrigin: number;
  /** process.hrtime.bigint(): CLOCK_MONOTONIC in ns. */
  monotonicNs(): bigint;
}

export interface RunClock {
  /** Now in µs since the Unix epoch, fractional (ns resolution, as a double holds it). */
  nowMicros(): number;
  /** What to pass in CLOCK_OFFSET_ENV so other processes share this clock. */
  offsetMicros: number;
}

/**
 * Where perfNow() = 0 falls on CLOCK_MONOTONIC, in ms: perfNow() read between two monotonic reads,
 * the tightest pair of many. Used only to derive the offset in a process that starts a run (the
 * wall clock is known only as timeOrigin + perfNow()); stamps read CLOCK_MONOTONIC itself, so no
 * estimate's error (up to 13 µs was seen at load 20) can make two processes disagree.
 */
function perfOriginOnMonotonicMs(src: ClockSources): number {
  for (let i = 0; i < 8; i++) {
    src.perfNow();
    src.monotonicNs();
  }
  let bestGap = Infinity;
  let origin = 0;
  for (let i = 0; i < 64; i++) {
    const a = src.monotonicNs();
    const p = src.perfNow();
    const b = src.monotonicNs();
    const gap = b - a;
    if (Number(gap) < bestGap) {
      bestGap = Number(gap);
      origin = Number(a + gap / 2n) / 1e6 - p;
    }
  }
  return origin;
}

/** Parses CLOCK_OFFSET_ENV: a finite integer, else undefined (then this process measures its own). */
export function parseClockOffset(value: string | undefined): number | undefined {
  if (value === undefined || !/^-?\d{1,18}$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * The run's clock for this process: the offset given (from the runner), or, in the process that
 * starts a run, one measured here from performance.timeOrigin.
 */
export function makeRunClock(src: ClockSources, givenOffsetMicros: number | undefined): RunClock {
  const offsetMicros = givenOffsetMicros ?? Math.round((src.timeOrigin - perfOriginOnMonotonicMs(src)) * 1000);
  // Read once: a stamp is taken per traced event, and a call through `src.` and a wrapper cost
  // about 9 ns more than this (65 ns) in a loop of 5M.
  const monotonicNs = src.monotonicNs;
  return { nowMicros: () => monotonicMicros(monotonicNs()) + offsetMicros, offsetMicros };
}

/**
 * A CLOCK_MONOTONIC reading in µs. The ns count is exact as a double for 104 days of uptime and
 * off by under 1 ns per 104 days after that; reading it (process.hrtime.bigint) costs about what
 * performance.now() costs (65–160 ns each, measured side by side).
 */
function monotonicMicros(ns: bigint): number {
  return Number(ns) / 1000;
}
