// Issue #10: shared memory and locks. 4 processes × 50,000 `v.value += 1` under the Value's lock
// vs Python's multiprocessing (goal ≥ 1×); the same program on threads (ours: the thread context;
// Python: multiprocessing.dummy threads on the same Value; goal ≥ 2×); an uncontended Lock
// acquire + release (µs, reported); and the locked process run traced vs untraced (goal ≥ 0.5×).
import * as fs from 'node:fs';
import { PRELOAD, TRACE_DIR_ENV, interleave, median, needRuntime, rate, refRow, row, runNode, runPython, snippet, tempDir } from '../lib/harness.mjs';

export const name = 'shared';
export const title = 'Shared Value + Lock: 4 × 50,000 locked increments, uncontended acquire+release, tracing cost';

const msPerOp = (r) => r.ms / r.ops;

export async function run({ quick, load, reps = quick ? 1 : 5 }) {
  const n = quick ? 5_000 : 50_000;
  const u = quick ? 100_000 : 1_000_000;
  const tag = load ? ' (under load)' : '';
  needRuntime('Value', 'Lock', 'getContext');
  const [proc, pyProc, thr, pyThr, unc, pyUnc] = await interleave(reps, [
    () => runNode(snippet('shared.mjs'), ['locked', n, 4, 'process']),
    () => runPython('mp_shared.py', ['locked', n, 4]),
    () => runNode(snippet('shared.mjs'), ['locked', n, 4, 'thread']),
    () => runPython('mp_shared.py', ['threads', n, 4]),
    () => runNode(snippet('shared.mjs'), ['uncontended', u]),
    () => runPython('mp_shared.py', ['uncontended', u]),
  ]);
  const [off, on] = await interleave(reps, [
    () => runNode(snippet('shared.mjs'), ['locked', n, 4, 'process']),
    async () => {
      const dir = tempDir('shared-trace');
      try {
        const nodeOptions = fs.existsSync(PRELOAD) ? `--require ${JSON.stringify(PRELOAD)}` : '';
        return await runNode(snippet('shared.mjs'), ['locked', n, 4, 'process'], { env: { [TRACE_DIR_ENV]: dir, NODE_OPTIONS: nodeOptions } });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  ]);
  const uncontended = (side) => (side instanceof Error ? side : side.map(msPerOp));
  const ratio = !(unc instanceof Error) && !(pyUnc instanceof Error) ? median(unc.map(msPerOp)) / median(pyUnc.map(msPerOp)) : undefined;
  return [
    row({ what: `4 processes × ${n.toLocaleString('en')} locked v.value += 1 vs Python${tag}`, ours: proc, baseline: pyProc, value: rate, unit: 'incr/s', higherIsBetter: true, goal: 1 }),
    row({ what: `thread context, 4 × ${n.toLocaleString('en')} vs Python threads${tag}`, ours: thr, baseline: pyThr, value: rate, unit: 'incr/s', higherIsBetter: true, goal: 2 }),
    refRow({ what: `uncontended Lock acquire+release (ours)${tag}`, value: uncontended(unc), unit: 'ms', note: ratio === undefined ? '' : `${ratio.toFixed(2)}× Python's time` }),
    refRow({ what: `uncontended Lock acquire+release (Python)${tag}`, value: uncontended(pyUnc), unit: 'ms' }),
    row({ what: `locked run traced vs untraced${tag}`, ours: on, baseline: off, value: rate, unit: 'incr/s', higherIsBetter: true, goal: 0.5 }),
  ];
}
