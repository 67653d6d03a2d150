// Issue #4: trace capture ≥ 200,000 events/s from 4 processes, lossless. Four producers append
// message.send events through the channel contract as fast as they can (fixtures/capture.mjs);
// the rate is events counted in the trace file the CLI wrote / whole `concurrency-lab run` wall
// time. The same producers under plain node (no runner) are the reference: the load's own speed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { CLI, TRACE_DIR_ENV, fixture, interleave, median, needCli, refRow, row, runNode, tempDir } from '../lib/harness.mjs';

const { countCapture, parseJsonl } = createRequire(import.meta.url)('../lib/trace-count.cjs');

export const name = 'trace-capture';
export const title = 'Trace capture: 4 processes x 100,000 events through `concurrency-lab run --trace`';

const GOAL_RATE = 200_000;

export async function run({ quick }) {
  const reps = quick ? 1 : 3;
  const producers = 4;
  const n = quick ? 10_000 : 100_000;
  let lastCount;
  const [ours, raw] = await interleave(reps, [
    async () => {
      needCli();
      const dir = tempDir('capture');
      try {
        const out = path.join(dir, 'trace.jsonl');
        const r = await runNode(CLI, ['run', fixture('capture.mjs'), '--trace', out, '--', producers, n], { json: false });
        lastCount = countCapture(parseJsonl(fs.readFileSync(out, 'utf8')), producers, n);
        return { ...r, count: lastCount };
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    async () => {
      const dir = tempDir('capture-raw');
      try {
        return await runNode(fixture('capture.mjs'), [producers, n], { json: false, env: { [TRACE_DIR_ENV]: dir } });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  ]);
  const eps = (rs, count) => (rs instanceof Error ? rs : median(rs.map((r) => count(r) / (r.wallMs / 1000))));
  const lost = ours instanceof Error ? undefined : ours.find((r) => !r.count.lossless);
  const result = row({
    what: 'captured events/s vs fixed goal (lossless)',
    ours: eps(ours, (r) => r.count.total),
    baseline: GOAL_RATE,
    unit: 'events/s',
    higherIsBetter: true,
    goal: 1,
    note: lastCount ? `median of ${reps}; ${lost ? `LOST: counted ${lost.count.total} of ${lost.count.expected}, ${lost.count.perProducer.reduce((a, s) => a + s.outOfOrder, 0)} out of order` : `lossless (${lastCount.total.toLocaleString('en')} of ${lastCount.expected.toLocaleString('en')})`}` : undefined,
  });
  if (lost) result.met = 'NO';
  return [result, refRow({ what: '  reference: same producers under plain node (no capture)', value: eps(raw, () => producers * n), unit: 'events/s' })];
}
