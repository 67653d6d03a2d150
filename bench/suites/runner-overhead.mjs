// Issue #4: runner overhead on a snippet that does nothing: ≤ 1.3× a bare `node file.mjs`
// (whole-process wall time). Measured two ways, since the runner has two hosts:
// - the CLI, cold: `concurrency-lab run noop.mjs` vs `node noop.mjs`, spawn to exit, timed here;
//   a minimal launcher (spawn + wait) is the reference floor for any Node CLI that runs a child;
// - startRun() from a warm process, as the extension host calls it, vs a plain spawn there.
import * as fs from 'node:fs';
import { CLI, PRELOAD, Skip, TRACE_DIR_ENV, baseline, fixture, interleave, median, needCli, refRow, row, runNode, snippet, tempDir, values } from '../lib/harness.mjs';

export const name = 'runner-overhead';
export const title = 'Runner overhead on a no-op snippet: CLI (cold) and startRun (warm) vs bare node';

/** One whole-process run; only its wall time matters. */
function timed(script, args) {
  return runNode(script, args, { json: false });
}

const wallMs = (r) => r.wallMs;
const wall = (rs) => (rs instanceof Error ? rs : median(rs.map(wallMs)));

export async function run({ quick, reps = quick ? 2 : 12 }) {
  const file = fixture('noop.mjs');
  const [cli, bare, launcher, preloaded] = await interleave(reps, [
    () => {
      needCli();
      return timed(CLI, ['run', file]);
    },
    () => timed(file, []),
    () => timed(baseline('launcher.mjs'), [file]),
    // The snippet process alone as the runner sets it up (preload, tracing on), without the
    // runner: separates what the preload costs each process from what the runner's host costs.
    async () => {
      if (!fs.existsSync(PRELOAD)) throw new Skip('not available yet (dist/runtime/preload.js missing)');
      const dir = tempDir('overhead');
      try {
        return await runNode(file, [], { json: false, env: { NODE_OPTIONS: `--require ${JSON.stringify(PRELOAD)}`, [TRACE_DIR_ENV]: dir } });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  ]);
  // The warm path: each rep is one host process timing K runs of each (its value: their median).
  const warmReps = quick ? 1 : Math.max(3, Math.round(reps / 2));
  const k = quick ? 3 : 6;
  const [warm] = await interleave(warmReps, [() => runNode(snippet('warm-runner.cjs'), [file, k])]);
  return [
    row({ what: 'CLI `run` vs bare node (cold, whole process)', ours: cli, baseline: bare, value: wallMs, unit: 'ms', higherIsBetter: false, goal: 1.3 }),
    refRow({ what: '  reference: node noop.mjs with the preload, traced (no runner)', value: values(preloaded, wallMs), unit: 'ms', note: wall(preloaded) instanceof Error || wall(bare) instanceof Error ? undefined : `${(wall(preloaded) / wall(bare)).toFixed(2)}× bare: the preload's share` }),
    refRow({ what: '  reference: minimal launcher (spawn node + wait)', value: values(launcher, wallMs), unit: 'ms', note: `${wall(launcher) instanceof Error || wall(bare) instanceof Error ? '' : `${(wall(launcher) / wall(bare)).toFixed(2)}× bare: the floor for a CLI`}` }),
    row({ what: 'startRun() vs spawn node (warm host, as the extension)', ours: values(warm, (r) => median(r.runner)), baseline: values(warm, (r) => median(r.bare)), unit: 'ms', higherIsBetter: false, goal: 1.3, note: `each rep: median of ${k} runs` }),
  ];
}
