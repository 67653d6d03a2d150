// Issue #3: Process start + join ≤ 1.2× a raw child_process.fork of an empty script.
import { baseline, interleave, median, needRuntime, row, runNode, snippet } from '../lib/harness.mjs';

export const name = 'process';
export const title = 'Process start + join vs raw child_process.fork of an empty script';

export async function run({ quick, reps = quick ? 1 : 5 }) {
  const k = quick ? 3 : 10;
  const [ours, raw] = await interleave(reps, [
    () => {
      needRuntime('Process', 'isMainProcess');
      return runNode(snippet('process.mjs'), [k]);
    },
    () => runNode(baseline('fork-empty.mjs'), [k]),
  ]);
  // A rep is K starts in one process; its value is their median.
  return [row({ what: 'Process start+join vs raw fork', ours, baseline: raw, value: (r) => median(r.samples), unit: 'ms', higherIsBetter: false, goal: 1.2, note: `each rep: median of ${k} starts` })];
}
