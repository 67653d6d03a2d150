// Issue #12: what tracing costs a real CPython multiprocessing run. The same bench/python scripts
// run twice in each rep: traced (`concurrency-lab run script.py --trace`, the product's path: the
// shipped tracer injected into the whole tree, the runner capturing every process's events) and
// untraced (plain python3). Each script times its own loop (pool and workers warmed first), so
// the ratio is task/message throughput, not interpreter start-up. Goal: ≥ 0.8× for each. The
// traced trace is checked to hold every event (counted, as trace-capture does for Node).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLI, Skip, interleave, needCli, python, rate, refRow, row, runJson, runNode, runPython, tempDir } from '../lib/harness.mjs';

export const name = 'python';
export const title = 'Python: traced (concurrency-lab run) vs untraced CPython — Pool(2).apply_async, Queue and Pipe one-way, Pipe ping-pong';

const GOAL = 0.8;

/** kind → count of the trace's events (a cheap scan: one regex per line, no JSON parse). */
function countKinds(file) {
  const counts = new Map();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /"kind":"([a-z.]+)"/.exec(line);
    if (m) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  }
  return counts;
}

/**
 * VizTracer, the nearest tool (issue #12), as a reference beside the Pool row: bench-only, never a
 * dependency — used when `import viztracer` works in python3 (built from its repository or
 * installed from the package registry by hand), else the row says it is not installed. Its ring
 * buffer keeps the last VIZ_ENTRIES calls per process, not its default 1,000,000: at the default
 * its dump at exit (outside the script's timed loop) took ~2 min and 480 MB for this script.
 */
const VIZ_ENTRIES = 100_000;
let vizChecked;
function viztracer() {
  if (vizChecked === undefined) {
    const r = python() ? spawnSync('python3', ['-c', 'import viztracer; print(viztracer.__version__)'], { encoding: 'utf8' }) : undefined;
    vizChecked = r?.status === 0 ? r.stdout.trim() : '';
  }
  return vizChecked || undefined;
}

async function runVizTracer(script, args) {
  if (!viztracer()) throw new Skip('VizTracer not installed (python3 cannot import viztracer)');
  const dir = tempDir('python-viztracer');
  try {
    return await runJson('python3', ['-m', 'viztracer', '--quiet', '--tracer_entries', String(VIZ_ENTRIES), '-o', path.join(dir, 'viz.json'), path.join('bench', 'python', script), ...args.map(String)], { timeoutMs: 300_000 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const WORKLOADS = (n) => [
  {
    what: 'Pool(2).apply_async tiny tasks, traced vs untraced',
    script: 'mp_pool.py',
    args: ['apply_async', n, 2],
    viztracer: true,
    unit: 'tasks/s',
    // The 8 warm-up tasks (Pool(2).map(…, range(8), chunksize=1)) are traced too.
    expected: { 'task.submit': n + 8, 'task.start': n + 8, 'task.end': n + 8 },
  },
  {
    what: 'Queue one-way parent -> child, traced vs untraced',
    script: 'mp_queue.py',
    args: [n],
    unit: 'msgs/s',
    // + the child's 'ready' and its count on the second queue.
    expected: { 'message.send': n + 2, 'message.recv': n + 2 },
  },
  {
    what: 'Pipe one-way parent -> child, traced vs untraced',
    script: 'mp_pipe.py',
    args: ['oneway', n],
    unit: 'msgs/s',
    // + the child's 'ready' and its count.
    expected: { 'message.send': n + 2, 'message.recv': n + 2 },
  },
  {
    what: 'Pipe ping-pong parent <-> child, traced vs untraced',
    script: 'mp_pipe.py',
    args: ['pingpong', n / 10],
    count: n / 10,
    unit: 'round trips/s',
    // Each round trip is two messages and, as a rule, two waits (each side blocks in recv());
    // + 100 warm-up round trips and the final None.
    expected: { 'message.send': 2 * (n / 10 + 100) + 1, 'message.recv': 2 * (n / 10 + 100) + 1 },
  },
];

export async function run({ quick, reps = quick ? 1 : 5 }) {
  const n = quick ? 10_000 : 100_000;
  const rows = [];
  for (const w of WORKLOADS(n)) {
    const [traced, plain, viz] = await interleave(reps, [
      async () => {
        needCli();
        if (!python()) throw new Skip('python3 not found');
        const dir = tempDir('python-bench');
        try {
          const out = path.join(dir, 'trace.jsonl');
          const r = await runNode(CLI, ['run', path.join('bench', 'python', w.script), '--trace', out, '--', ...w.args]);
          return { ...r, counts: countKinds(out) };
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      },
      () => runPython(w.script, w.args),
      ...(w.viztracer ? [() => runVizTracer(w.script, w.args)] : []),
    ]);
    rows.push(
      row({
        what: w.what,
        ours: traced,
        baseline: plain,
        value: rate,
        unit: w.unit,
        higherIsBetter: true,
        goal: GOAL,
        note: `${(w.count ?? n).toLocaleString('en')} per run; every event counted in the trace`,
        repProblem: (i) => {
          const counts = traced[i].counts;
          const missing = Object.entries(w.expected).filter(([kind, want]) => (counts.get(kind) ?? 0) !== want);
          return missing.length ? `trace has ${missing.map(([k, want]) => `${counts.get(k) ?? 0} ${k} of ${want}`).join(', ')}` : undefined;
        },
      }),
    );
    if (viz) {
      // Per rep: VizTracer's throughput over the untraced run of the same round.
      const ratios = viz instanceof Error || plain instanceof Error ? (viz instanceof Error ? viz : plain) : viz.map((v, i) => rate(v) / rate(plain[i]));
      rows.push(refRow({ what: `  reference: VizTracer${viztracer() ? ` ${viztracer()}` : ''} on the same script, vs untraced`, value: ratios, unit: 'x', note: viz instanceof Error ? undefined : `--tracer_entries ${VIZ_ENTRIES.toLocaleString('en')}; its pool workers traced too (its default)` }));
    }
  }
  return rows;
}
