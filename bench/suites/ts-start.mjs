// Issue #4: a TypeScript snippet starts in ≤ 1.2× the time of the same snippet as .mjs, both
// under `concurrency-lab run` (whole-process wall time).
import { CLI, fixture, interleave, median, needCli, refRow, row, runNode, values } from '../lib/harness.mjs';

export const name = 'ts-start';
export const title = 'TypeScript start: `concurrency-lab run hello.mts` vs `run hello.mjs`';

export async function run({ quick, reps = quick ? 2 : 10 }) {
  const cli = (file) => () => {
    needCli();
    return runNode(CLI, ['run', fixture(file)], { json: false });
  };
  const [ts, js, noop] = await interleave(reps, [cli('hello.mts'), cli('hello.mjs'), cli('noop.mjs')]);
  const wall = (rs) => (rs instanceof Error ? rs : median(rs.map((r) => r.wallMs)));
  // What importing `concurrency-lab` from an ES module costs at start (module hooks + the bundle).
  const importCost = wall(js) instanceof Error || wall(noop) instanceof Error ? undefined : `${(wall(js) / wall(noop)).toFixed(2)}× run noop.mjs: the cost of importing concurrency-lab`;
  return [
    row({ what: 'run .mts vs run .mjs (same snippet)', ours: ts, baseline: js, value: (r) => r.wallMs, unit: 'ms', higherIsBetter: false, goal: 1.2 }),
    refRow({ what: '  reference: run noop.mjs (imports nothing)', value: values(noop, (r) => r.wallMs), unit: 'ms', note: importCost }),
  ];
}
