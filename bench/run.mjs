// `npm run bench [-- --quick] [-- NAME...]`: runs the benchmark suites and prints, per line, what
// was measured, ours, the baseline, their ratio, the goal and whether it is met. Every number is a
// median of repeated runs made in this same invocation (ratios, never absolute timings, are what
// the goals are about: the machine is shared and noisy). See docs/benchmarks.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, ROOT, CLI, RUNTIME, killEverything, median, printTable, python, reapLeftovers, runNode, runPython, startLoad, verdictOf } from './lib/harness.mjs';

// Every bench/suites/*.mjs is a suite. These come first, in this order (runtime, issue #3, then
// runner, issue #4); any other suite file follows by name, then the panel's (issue #5) if present.
const ORDER = ['pool-apply', 'pool-map', 'pipe', 'queue', 'manager', 'process', 'tracing', 'cpu', 'runner-overhead', 'trace-capture', 'ts-start'];
const SUITES = [
  ...ORDER,
  ...fs
    .readdirSync(path.join(BENCH_DIR, 'suites'))
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => f.slice(0, -4))
    .filter((n) => !ORDER.includes(n))
    .sort(),
];

const USAGE = `usage: npm run bench -- [--quick] [--load] [--reps N] [--list] [NAME...]
  NAME      run only these suites (default: all): ${SUITES.join(', ')}, webview
  --quick   small sizes, one round: a smoke run, not numbers to quote
  --load    run every measurement beside busy processes (one per core but one): "under load"
  --reps N  rounds per measurement (default: each suite's own, 5 for most)
  --list    print the suite names and exit`;

function parseArgs(argv) {
  const opts = { quick: false, load: false, reps: undefined, list: false, names: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--load') opts.load = true;
    else if (a === '--list') opts.list = true;
    else if (a === '--reps') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) usage(`--reps needs a positive integer, not ${argv[i] ?? 'nothing'}`);
      opts.reps = n;
    } else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else opts.names.push(a);
  }
  return opts;
}

function usage(msg) {
  console.error(`bench: ${msg}\n${USAGE}`);
  process.exit(2);
}

/** The panel engineer's webview benchmark (bench/webview.mjs or bench/webview/{run,index}.mjs), if any. */
function webviewBench() {
  for (const candidate of ['webview.mjs', 'webview/run.mjs', 'webview/index.mjs']) {
    const p = path.join(BENCH_DIR, candidate);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/**
 * A webview benchmark either exports `run(ctx)` returning rows like our suites, or is a plain
 * script: then its output is passed through and its lines `BENCH_ROW {json row}` become rows.
 */
async function runWebview(file, ctx) {
  const mod = await import(pathToFileURL(file).href);
  if (typeof mod.run === 'function') return mod.run(ctx);
  const r = await runNode(file, ctx.quick ? ['--quick'] : [], { json: false, timeoutMs: 600_000 });
  const rows = [];
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('BENCH_ROW ')) rows.push(JSON.parse(line.slice('BENCH_ROW '.length)));
    else if (line.trim()) console.log(`  ${line}`);
  }
  return rows;
}

/** Newest mtime under dir (recursive), to warn about a build older than its sources. */
function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

// webpack does not rewrite an output whose content did not change (a small entry such as
// dist/runtime/index.js keeps its old mtime), so the build's time is its folder's newest file.
function staleBuildWarnings() {
  const checks = [
    [RUNTIME, ['src/runtime', 'src/trace'], 'npx webpack --mode production --config-name runtime'],
    [CLI, ['src/runner', 'src/cli', 'src/trace'], 'npx webpack --mode production --config-name cli --config-name runtime'],
  ];
  const out = [];
  for (const [bundle, srcs, build] of checks) {
    const rel = path.relative(ROOT, bundle);
    if (!fs.existsSync(bundle)) out.push(`${rel} is missing: build it with \`${build}\``);
    else if (Math.max(...srcs.map((s) => newest(path.join(ROOT, s)))) > newest(path.dirname(bundle))) out.push(`${rel} is older than its sources: rebuild with \`${build}\``);
  }
  return out;
}

/**
 * The machine a table was made on: CPU model and count, load average, versions, and Python's own
 * Pipe round trip as a speed reference (measured here, quiet, before any --load starts), so tables
 * from different machines can be compared.
 */
async function machineInfo(quick) {
  const cpu = fs
    .readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('model name'))
    ?.split(':')[1]
    ?.trim();
  let pythonPipeUs;
  if (python()) {
    try {
      const rounds = quick ? 1 : 3;
      const rtts = [];
      for (let i = 0; i < rounds; i++) {
        const r = await runPython('mp_pipe.py', ['pingpong', quick ? 2000 : 10_000]);
        rtts.push((r.ms / r.ops) * 1000);
      }
      pythonPipeUs = median(rtts);
    } catch {
      pythonPipeUs = undefined;
    }
  }
  return { cpus: os.availableParallelism(), cpu: cpu ?? os.cpus()[0]?.model ?? 'unknown', loadavg: os.loadavg(), node: process.version, python: python(), pythonPipeUs };
}

/** One line for the table's header: `2 CPUs (AMD EPYC), load 0.12 0.30 0.41, …`. */
function machineLine(m, loadavg = m.loadavg) {
  const py = m.python ? `python ${m.python}${m.pythonPipeUs ? `, Python Pipe round trip ${m.pythonPipeUs.toFixed(1)} µs` : ''}` : 'python absent (Python comparisons skipped)';
  return `${m.cpus} CPUs (${m.cpu}), load ${loadavg.map((l) => l.toFixed(2)).join(' ')}, node ${m.node}, ${py}`;
}

let command = '';

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const webview = webviewBench();
  const known = [...SUITES, 'webview'];
  if (opts.list) {
    console.log(known.join('\n'));
    return 0;
  }
  for (const n of opts.names) if (!known.includes(n)) usage(`unknown benchmark ${n}`);
  const selected = opts.names.length ? known.filter((n) => opts.names.includes(n)) : known;

  const started = new Date();
  console.log(`concurrency-lab benchmarks, ${started.toISOString()}${opts.quick ? ' (QUICK: smoke sizes, do not quote)' : ''}`);
  const info = await machineInfo(opts.quick);
  console.log(`machine: ${machineLine(info)}`);
  const args = process.argv.slice(2).join(' ');
  // bench-head.sh names itself; otherwise say how this process was started.
  command = process.env.CONCURRENCY_LAB_BENCH_COMMAND ?? (process.env.npm_lifecycle_event === 'bench' ? `npm run bench${args ? ` -- ${args}` : ''}` : `node bench/run.mjs${args ? ` ${args}` : ''}`);
  console.log(`command: ${command}`);
  for (const w of staleBuildWarnings()) console.log(`warning: ${w}`);
  const loadCount = opts.load ? Math.max(1, info.cpus - 1) : 0;
  let stopLoad;
  if (loadCount) {
    stopLoad = await startLoad(loadCount);
    console.log(`load: ${loadCount} busy process(es) beside every measurement`);
  }

  const ctx = { quick: opts.quick, reps: opts.reps, load: loadCount > 0 };
  const all = [];
  try {
    for (const name of selected) {
      let title;
      let rows;
      const t0 = Date.now();
      try {
        if (name === 'webview') {
          title = 'Webview (issue #5)';
          if (!webview) {
            console.log(`\n== ${title}\nnot available yet (no bench/webview.mjs)`);
            continue;
          }
          console.log(`\n== ${title}`);
          rows = await runWebview(webview, ctx);
        } else {
          const suite = await import(pathToFileURL(path.join(BENCH_DIR, 'suites', `${name}.mjs`)).href);
          title = suite.title;
          console.log(`\n== ${title}`);
          rows = await suite.run(ctx);
        }
      } catch (e) {
        rows = [{ what: name, met: 'ERROR', note: String(e?.message ?? e).split('\n')[0], error: true }];
      }
      const left = await reapLeftovers();
      if (left.length) rows.push({ what: `${name}: processes left alive (killed)`, met: 'ERROR', note: left.map((p) => `${p.pid} ${p.cmdline}`).join('; ').slice(0, 300), error: true });
      printTable(rows);
      console.log(`(${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      all.push(...rows.map((r) => ({ ...r, suite: name })));
    }
  } finally {
    await stopLoad?.();
  }

  const loadEnd = os.loadavg();
  console.log(`\n== Summary (${((Date.now() - started.getTime()) / 1000).toFixed(0)} s${loadCount ? `, under load: ${loadCount} busy process(es)` : ''}; load average at the end ${loadEnd.map((l) => l.toFixed(2)).join(' ')})`);
  printTable(all);
  const count = (v) => all.filter((r) => verdictOf(r) === v).length;
  const errors = all.filter((r) => r.error).length;
  console.log(`goals met in every rep: ${count('yes')}, missed: ${count('NO')}, not measured or inconclusive: ${count('n/a')}, errors: ${errors}`);

  // Kept for bench/RESULTS.md (printed by bench/tools/results-md.mjs): table, machine, command.
  const outDir = path.join(BENCH_DIR, 'out');
  fs.mkdirSync(outDir, { recursive: true });
  const saved = { date: started.toISOString(), machine: machineLine(info), machineInfo: { ...info, loadavgEnd: loadEnd }, load: loadCount, quick: opts.quick, command, rows: all };
  fs.writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify(saved, null, 2));
  // A missed goal is a finding, not a failure of the benchmark; an error or a leaked process is.
  return errors ? 1 : 0;
}

process.on('SIGINT', () => {
  killEverything();
  process.exit(130);
});
process.on('SIGTERM', () => {
  killEverything();
  process.exit(143);
});

main().then(
  async (code) => {
    // Last check over the whole run (a suite may have started something after its own check).
    const left = await reapLeftovers(1000);
    if (left.length) console.error(`bench: ${left.length} process(es) were left alive and were killed`);
    process.exitCode = left.length ? 1 : code;
  },
  (e) => {
    killEverything();
    console.error(`bench: ${e?.message ?? e}`);
    process.exitCode = 1;
  },
);
