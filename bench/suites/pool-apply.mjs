// Issue #3: Pool.applyAsync, 100,000 tiny tasks (x*x), 2 workers: ≥ 2× Python's apply_async loop
// and ≥ 2× workerpool in process mode.
import { baseline, interleave, needRuntime, rate, row, runNode, runPython, snippet } from '../lib/harness.mjs';

export const name = 'pool-apply';
export const title = 'Pool.applyAsync: 100,000 tiny tasks (x*x), 2 workers';

export async function run({ quick, reps = quick ? 1 : 5 }) {
  const n = quick ? 5_000 : 100_000;
  const [ours, py, wp] = await interleave(reps, [
    () => {
      needRuntime('Pool', 'isMainProcess');
      return runNode(snippet('pool.mjs'), ['apply_async', n, 2]);
    },
    () => runPython('mp_pool.py', ['apply_async', n, 2]),
    () => runNode(baseline('workerpool-pool.mjs'), [n, 2]),
  ]);
  return [
    row({ what: 'Pool.applyAsync vs Python Pool.apply_async', ours, baseline: py, value: rate, unit: 'tasks/s', higherIsBetter: true, goal: 2 }),
    row({ what: 'Pool.applyAsync vs workerpool (process mode)', ours, baseline: wp, value: rate, unit: 'tasks/s', higherIsBetter: true, goal: 2 }),
  ];
}
