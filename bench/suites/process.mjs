// Issue #3: Process start + join ≤ 1.2× a raw child_process.fork of an empty script.
import { baseline, interleave, median, needRuntime, row, runNode, snippet } from '../lib/harness.mjs';

export const name = 'process';
export const title = 'Process start + join vs raw child_process.fork of an empty script';

/** All samples of all rounds, pooled, for one median. */
const pooled = (results) => (results instanceof Error ? results : median(results.flatMap((r) => r.samples)));

export async function run({ quick }) {
  const reps = quick ? 1 : 4;
  const k = quick ? 3 : 10;
  const [ours, raw] = await interleave(reps, [
    () => {
      needRuntime('Process', 'isMainProcess');
      return runNode(snippet('process.mjs'), [k]);
    },
    () => runNode(baseline('fork-empty.mjs'), [k]),
  ]);
  return [row({ what: 'Process start+join vs raw fork', ours: pooled(ours), baseline: pooled(raw), unit: 'ms', higherIsBetter: false, goal: 1.2, note: `median of ${reps * k} starts each` })];
}
