// Issue #3: Queue one-way throughput, parent -> child: ≥ 1× Python's Queue.
import { interleave, needRuntime, rate, row, runNode, runPython, snippet } from '../lib/harness.mjs';

export const name = 'queue';
export const title = 'Queue: one-way throughput parent -> child (100,000 small structured values)';

export async function run({ quick, reps = quick ? 1 : 5 }) {
  const n = quick ? 10_000 : 100_000;
  const [ours, py] = await interleave(reps, [
    () => {
      needRuntime('Queue', 'Process', 'isMainProcess');
      return runNode(snippet('queue.mjs'), [n]);
    },
    () => runPython('mp_queue.py', [n]),
  ]);
  return [row({ what: 'Queue one-way vs Python Queue', ours, baseline: py, value: rate, unit: 'msgs/s', higherIsBetter: true, goal: 1 })];
}
