// Issue #3: tracing on vs off on the Pool benchmark: ≥ 0.8×. "On" is what the runner sets up:
// the trace directory in CONCURRENCY_LAB_TRACE_DIR and the preload in NODE_OPTIONS (inherited by
// every worker); "off" is plain `node`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PRELOAD, TRACE_DIR_ENV, interleave, needRuntime, rate, row, runNode, snippet, tempDir } from '../lib/harness.mjs';

export const name = 'tracing';
export const title = 'Tracing on vs off: Pool.applyAsync, 100,000 tiny tasks, 2 workers';

/** Lines written to the trace directory: proof that "on" really traced. */
function countLines(dir) {
  let n = 0;
  for (const f of fs.readdirSync(dir)) {
    const text = fs.readFileSync(path.join(dir, f), 'latin1');
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  }
  return n;
}

export async function run({ quick, reps = quick ? 1 : 5 }) {
  const n = quick ? 5_000 : 100_000;
  let events = 0;
  const [off, on] = await interleave(reps, [
    () => {
      needRuntime('Pool', 'isMainProcess');
      return runNode(snippet('pool.mjs'), ['apply_async', n, 2]);
    },
    async () => {
      needRuntime('Pool', 'isMainProcess');
      const dir = tempDir('tracing');
      try {
        const nodeOptions = fs.existsSync(PRELOAD) ? `--require ${JSON.stringify(PRELOAD)}` : '';
        const r = await runNode(snippet('pool.mjs'), ['apply_async', n, 2], { env: { [TRACE_DIR_ENV]: dir, NODE_OPTIONS: nodeOptions } });
        events = countLines(dir);
        if (events < n) throw new Error(`tracing on wrote only ${events} events for ${n} tasks: is the runtime tracing Pool tasks?`);
        return r;
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  ]);
  return [row({ what: 'Pool.applyAsync traced vs untraced', ours: on, baseline: off, value: rate, unit: 'tasks/s', higherIsBetter: true, goal: 0.8, note: `${events.toLocaleString('en')} events per traced run` })];
}
