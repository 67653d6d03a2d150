// This process's reading of the run's one clock (src/trace/clock.ts): the offset the runner
// passed in the environment, on this machine's monotonic clock.
import { CLOCK_OFFSET_ENV, makeRunClock, parseClockOffset } from '../../trace/clock';

export const runClock = makeRunClock(
  { perfNow: () => performance.now(), timeOrigin: performance.timeOrigin, monotonicNs: process.hrtime.bigint },
  parseClockOffset(process.env[CLOCK_OFFSET_ENV]),
);

// A process started outside a run (a snippet run with plain `node`, then starting children)
// hands its own offset down, so its children still share its clock.
if (process.env[CLOCK_OFFSET_ENV] === undefined) process.env[CLOCK_OFFSET_ENV] = String(runClock.offsetMicros);
