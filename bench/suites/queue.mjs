// Issue #3: Queue one-way throughput, parent -> child: ≥ 1× Python's Queue.
import { interleave, med, needRuntime, rate, row, runNode, runPython, snippet } from '../lib/harness.mjs';

export const name = 'queue';
export const title = 'Queue: one-way throughput parent -> child (100,000 small structured values)';

export async function run({ quick }) {
  const reps = quick ? 1 : 3;
  const n = quick ? 10_000 : 100_000;
  const [ours, py] = await interleave(reps, [
    () => {
      needRuntime('Queue', 'Process', 'isMainProcess');
      return runNode(snippet('queue.mjs'), [n]);
    },
    () => runPython('mp_queue.py', [n]),
  ]);
  return [row({ what: 'Queue one-way vs Python Queue', ours: med(ours, rate), baseline: med(py, rate), unit: 'msgs/s', higherIsBetter: true, goal: 1, samples: reps })];
}
