// `npm run bench [-- --quick] [-- NAME...]`: runs the benchmark suites and prints, per line, what
// was measured, ours, the baseline, their ratio, the goal and whether it is met. Every number is a
// median of repeated runs made in this same invocation (ratios, never absolute timings, are what
// the goals are about: the machine is shared and noisy). See docs/benchmarks.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, ROOT, CLI, RUNTIME, killEverything, printTable, python, reapLeftovers, runNode } from './lib/harness.mjs';

// Order: runtime (issue #3), then runner (issue #4), then the panel's (issue #5) if present.
const SUITES = ['pool-apply', 'pool-map', 'pipe', 'queue', 'process', 'tracing', 'cpu', 'runner-overhead', 'trace-capture', 'ts-start'];

const USAGE = `usage: npm run bench -- [--quick] [--list] [NAME...]
  NAME     run only these suites (default: all): ${SUITES.join(', ')}, webview
  --quick  small sizes, one round: a smoke run, not numbers to quote
  --list   print the suite names and exit`;

function parseArgs(argv) {
  const opts = { quick: false, list: false, names: [] };
  for (const a of argv) {
    if (a === '--quick') opts.quick = true;
    else if (a === '--list') opts.list = true;
    else if (a === '--help' || a === '-h') {
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

function staleBuildWarnings() {
  const checks = [
    [RUNTIME, ['src/runtime', 'src/trace'], 'npx webpack --mode production --config-name runtime'],
    [CLI, ['src/runner', 'src/cli', 'src/trace'], 'npx webpack --mode production --config-name cli --config-name runtime'],
  ];
  const out = [];
  for (const [bundle, srcs, build] of checks) {
    const rel = path.relative(ROOT, bundle);
    if (!fs.existsSync(bundle)) out.push(`${rel} is missing: build it with \`${build}\``);
    else if (Math.max(...srcs.map((s) => newest(path.join(ROOT, s)))) > fs.statSync(bundle).mtimeMs) out.push(`${rel} is older than its sources: rebuild with \`${build}\``);
  }
  return out;
}

function machine() {
  const cpu = fs
    .readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('model name'))
    ?.split(':')[1]
    ?.trim();
  return `${os.availableParallelism()} CPUs (${cpu ?? os.cpus()[0]?.model ?? 'unknown'}), load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}, python ${python() ?? 'absent (Python comparisons skipped)'}`;
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
  console.log(`machine: ${machine()}`);
  const args = process.argv.slice(2).join(' ');
  // bench-head.sh names itself; otherwise say how this process was started.
  command = process.env.CONCURRENCY_LAB_BENCH_COMMAND ?? (process.env.npm_lifecycle_event === 'bench' ? `npm run bench${args ? ` -- ${args}` : ''}` : `node bench/run.mjs${args ? ` ${args}` : ''}`);
  console.log(`command: ${command}`);
  for (const w of staleBuildWarnings()) console.log(`warning: ${w}`);

  const all = [];
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
        rows = await runWebview(webview, { quick: opts.quick });
      } else {
        const suite = await import(pathToFileURL(path.join(BENCH_DIR, 'suites', `${name}.mjs`)).href);
        title = suite.title;
        console.log(`\n== ${title}`);
        rows = await suite.run({ quick: opts.quick });
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

  console.log(`\n== Summary (${((Date.now() - started.getTime()) / 1000).toFixed(0)} s)`);
  printTable(all);
  const missed = all.filter((r) => r.met === 'NO').length;
  const errors = all.filter((r) => r.error).length;
  const met = all.filter((r) => r.met === 'yes').length;
  const na = all.filter((r) => r.met === 'n/a').length;
  console.log(`goals met: ${met}, missed: ${missed}, not measured: ${na}, errors: ${errors}`);

  // Kept for writing bench/RESULTS.md by hand: the latest run's table, machine and command.
  const outDir = path.join(BENCH_DIR, 'out');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify({ date: started.toISOString(), machine: machine(), command, rows: all }, null, 2));
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
