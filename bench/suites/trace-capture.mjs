// Issue #15 (was #4's fixed 200,000 events/s): trace capture as a ratio. Four producers append
// message.send events through the channel contract as fast as they can (fixtures/capture.mjs).
// Captured: `concurrency-lab run --trace` — events counted in the trace file it wrote (lossless:
// every event exactly once, in order) / whole wall time. Uncaptured: the same producers, with the
// same preload and trace directory, started by a minimal launcher (spawn node + wait, as the CLI
// must) — everything but the runner's reading, decoding and writing of the trace. Goal: ≥ 0.8×
// in every rep, and ≥ 500k events/s in a rep whose uncaptured producers make ≥ 600k.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { CLI, PRELOAD, Skip, TRACE_DIR_ENV, baseline, fixture, interleave, needCli, refRow, row, runNode, tempDir, values } from '../lib/harness.mjs';

const { countCapture, parseJsonl } = createRequire(import.meta.url)('../lib/trace-count.cjs');

export const name = 'trace-capture';
export const title = 'Trace capture: 4 processes x 100,000 events, `concurrency-lab run --trace` vs the same producers uncaptured';

const GOAL = 0.8;
const FLOOR_RATE = 500_000;
const FLOOR_WHEN = 600_000;

export async function run({ quick, reps = quick ? 1 : 5 }) {
  const producers = 4;
  const n = quick ? 10_000 : 100_000;
  const events = producers * n;
  const withDir = async (prefix, f) => {
    const dir = tempDir(prefix);
    try {
      return await f(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  const [ours, uncaptured, plain] = await interleave(reps, [
    () => {
      needCli();
      return withDir('capture', async (dir) => {
        const out = path.join(dir, 'trace.jsonl');
        const r = await runNode(CLI, ['run', fixture('capture.mjs'), '--trace', out, '--', producers, n], { json: false });
        return { ...r, count: countCapture(parseJsonl(fs.readFileSync(out, 'utf8')), producers, n) };
      });
    },
    () => {
      if (!fs.existsSync(PRELOAD)) throw new Skip('not available yet (dist/runtime/preload.js missing)');
      return withDir('capture-raw', (dir) =>
        runNode(baseline('launcher.mjs'), [fixture('capture.mjs'), producers, n], { json: false, env: { [TRACE_DIR_ENV]: dir, CONCURRENCY_LAB_BENCH_CHILD_NODE_OPTIONS: `--require ${JSON.stringify(PRELOAD)}` } }),
      );
    },
    () => withDir('capture-plain', (dir) => runNode(fixture('capture.mjs'), [producers, n], { json: false, env: { [TRACE_DIR_ENV]: dir } })),
  ]);
  const capturedRate = (r) => r.count.total / (r.wallMs / 1000);
  const rawRate = (r) => events / (r.wallMs / 1000);
  const last = ours instanceof Error ? undefined : ours.at(-1).count;
  return [
    row({
      what: 'captured vs uncaptured events/s (lossless)',
      ours,
      baseline: uncaptured,
      value: (r) => (r.count ? capturedRate(r) : rawRate(r)),
      unit: 'events/s',
      higherIsBetter: true,
      goal: GOAL,
      note: last ? `${last.expected.toLocaleString('en')} events per run` : undefined,
      repProblem: (i) => {
        const c = ours[i].count;
        if (!c.lossless) return `LOST: counted ${c.total} of ${c.expected}, ${c.perProducer.reduce((a, s) => a + s.outOfOrder, 0)} out of order`;
        if (rawRate(uncaptured[i]) >= FLOOR_WHEN && capturedRate(ours[i]) < FLOOR_RATE) return `under ${FLOOR_RATE / 1000}k events/s while uncaptured made ≥ ${FLOOR_WHEN / 1000}k`;
        return undefined;
      },
    }),
    refRow({ what: '  reference: same producers under plain node (no preload, no launcher)', value: values(plain, rawRate), unit: 'events/s' }),
  ];
}
