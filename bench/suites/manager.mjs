// Issue #10: a Manager dict's set + get round trip from the main process ≥ 1× Python's Manager
// (the main process is the client, the manager's server process holds the dict, on both sides).
import { interleave, needRuntime, row, runNode, runPython, snippet } from '../lib/harness.mjs';

export const name = 'manager';
export const title = 'Manager: dict set + get round trips from the main process (small structured values)';

const perOp = (r) => r.ms / r.ops;

export async function run({ quick, load, reps = quick ? 1 : 5 }) {
  const n = quick ? 1_000 : 10_000;
  const [ours, py] = await interleave(reps, [
    () => {
      needRuntime('Manager', 'isMainProcess');
      return runNode(snippet('manager.mjs'), [n]);
    },
    () => runPython('mp_manager.py', [n]),
  ]);
  return [row({ what: `Manager dict set+get vs Python Manager${load ? ' (under load)' : ''}`, ours, baseline: py, value: perOp, unit: 'ms', higherIsBetter: false, goal: 1 })];
}
