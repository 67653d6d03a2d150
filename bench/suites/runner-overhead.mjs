// Issue #4: runner overhead on a snippet that does nothing: ≤ 1.3× a bare `node file.mjs`
// (whole-process wall time, from spawn to exit, measured by this driver).
import { CLI, fixture, interleave, median, needCli, row, runNode } from '../lib/harness.mjs';

export const name = 'runner-overhead';
export const title = 'Runner overhead: `concurrency-lab run noop.mjs` vs `node noop.mjs`';

export async function run({ quick }) {
  const reps = quick ? 2 : 15;
  const file = fixture('noop.mjs');
  const [ours, bare] = await interleave(reps, [
    () => {
      needCli();
      return timed(CLI, ['run', file]);
    },
    () => timed(file, []),
  ]);
  const wall = (rs) => (rs instanceof Error ? rs : median(rs.map((r) => r.wallMs)));
  return [row({ what: 'concurrency-lab run vs bare node (no-op)', ours: wall(ours), baseline: wall(bare), unit: 'ms', higherIsBetter: false, goal: 1.3, samples: reps })];
}

/** One whole-process run; only its wall time matters. */
function timed(script, args) {
  return runNode(script, args, { json: false });
}
