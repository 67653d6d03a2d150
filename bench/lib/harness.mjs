// Shared helpers for the benchmark suites: running measured subprocesses, medians, ratio rows,
// the results table, and making sure no process outlives the run.
//
// Every measurement runs in a fresh subprocess (snippets need to be their own main module, since
// the runtime's children re-import it, and a fresh process keeps one measurement's leftovers out
// of the next). Each subprocess prints one JSON line; the driver only orchestrates and compares.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const { Skip, fmt, formatTable, median, refRow, row, verdictOf } = createRequire(import.meta.url)('./rows.cjs');
export { Skip, fmt, median, refRow, row, verdictOf };

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.resolve(BENCH_DIR, '..');
export const RUNTIME = path.join(ROOT, 'dist/runtime/index.js');
export const PRELOAD = path.join(ROOT, 'dist/runtime/preload.js');
export const CLI = path.join(ROOT, 'dist/cli.js');
/** Mirrors TRACE_DIR_ENV in src/trace/channel.ts (bench scripts are plain .mjs, no TS import). */
export const TRACE_DIR_ENV = 'CONCURRENCY_LAB_TRACE_DIR';

// Every process started from this one inherits the marker, so even processes that escaped their
// process group (re-parented to init) are found through /proc/<pid>/environ and ended.
const OWNER_ENV = 'CONCURRENCY_LAB_BENCH_OWNER';
if (!process.env[OWNER_ENV]) process.env[OWNER_ENV] = String(process.pid);
const owner = process.env[OWNER_ENV];

const live = new Set();

/**
 * Runs `cmd args` in its own process group and resolves with its parsed last JSON stdout line
 * (plus `wallMs`, measured here around spawn..exit). Rejects with a one-line reason on a non-zero
 * exit, no JSON, or the timeout, after killing the whole group.
 */
export function runJson(cmd, args, { env, cwd = ROOT, timeoutMs = 180_000, json = true } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    live.add(child);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new Error(`timed out after ${timeoutMs / 1000} s: ${path.basename(args[args.length - 1] ?? cmd)}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      live.delete(child);
      reject(new Error(`cannot start ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      clearTimeout(timer);
      live.delete(child);
      // Descendants that ignored the group's end are still ours to end.
      killGroup(child);
      if (code !== 0) {
        const last = reason(err) || reason(out) || '';
        return reject(new Error(`${path.basename(cmd)} ${args.slice(0, 3).map((a) => path.basename(a)).join(' ')} exited ${code ?? signal}: ${last}`));
      }
      if (!json) return resolve({ wallMs, stdout: out, stderr: err });
      const line = out.split('\n').reverse().find((l) => l.startsWith('{'));
      if (!line) return reject(new Error(`no result line from ${path.basename(args[args.length - 1] ?? cmd)}: ${reason(err)}`));
      resolve({ ...JSON.parse(line), wallMs, stderr: err });
    });
  });
}

/** The most telling line of a failed process's output: its error line, else its last line. */
function reason(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const error = lines.find((l) => /^([\w.]*Error\b|Error \[|\w+: error\b)|^[\w-]+: /.test(l) && !l.startsWith('at '));
  return (error ?? lines.pop() ?? '').slice(0, 300);
}

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // group already gone
  }
}

/** Runs a bench snippet or baseline script with this Node. */
export function runNode(script, args = [], opts = {}) {
  return runJson(process.execPath, [...(opts.execArgv ?? []), script, ...args.map(String)], opts);
}

let pythonChecked;
/** python3's version string, or undefined when absent (comparisons with Python are then skipped). */
export function python() {
  if (pythonChecked === undefined) {
    const r = spawnSync('python3', ['-c', 'import sys, multiprocessing; print(sys.version.split()[0])'], { encoding: 'utf8' });
    pythonChecked = r.status === 0 ? r.stdout.trim() : '';
  }
  return pythonChecked || undefined;
}

/** Runs one of bench/python/*.py; throws Skip when python3 is absent. */
export function runPython(script, args, opts) {
  if (!python()) throw new Skip('python3 not found: comparison skipped');
  return runJson('python3', [path.join(BENCH_DIR, 'python', script), ...args.map(String)], opts);
}

let runtimeExports;
/** Names exported by the built runtime (dist/runtime/index.js), read in a throwaway process. */
export function runtimeApi() {
  if (runtimeExports === undefined) {
    const r = spawnSync(process.execPath, ['-e', `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(RUNTIME)}))))`], { encoding: 'utf8' });
    runtimeExports = r.status === 0 ? new Set(JSON.parse(r.stdout)) : new Set();
  }
  return runtimeExports;
}

/** Throws Skip("not available yet") unless the built runtime exports every name. */
export function needRuntime(...names) {
  const api = runtimeApi();
  const missing = names.filter((n) => !api.has(n));
  if (missing.length) throw new Skip(`not available yet (dist/runtime has no ${missing.join(', ')})`);
}

let cliChecked;
/** Throws Skip unless dist/cli.js has the `run` command (the placeholder CLI does not). */
export function needCli() {
  if (cliChecked === undefined) {
    const r = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8', timeout: 20_000 });
    cliChecked = r.status === 0 && /\brun\b/.test(r.stdout + r.stderr);
  }
  if (!cliChecked) throw new Skip('not available yet (dist/cli.js has no `run` command)');
}

/**
 * Runs `reps` rounds of the given measurements, alternating them inside each round so that a
 * noisy neighbour hurts every side alike. Returns one array of results per measurement. A
 * measurement that throws (Skip, or a real error) is not run again; its result is that error,
 * which its table line then shows, while the other measurements carry on.
 */
export async function interleave(reps, fns) {
  const results = fns.map(() => []);
  const failed = fns.map(() => undefined);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < fns.length; i++) {
      if (failed[i]) continue;
      try {
        results[i].push(await fns[i](r));
      } catch (e) {
        failed[i] = e instanceof Error ? e : new Error(String(e));
      }
    }
  }
  return results.map((xs, i) => failed[i] ?? xs);
}

/** Paths of the bench's own scripts. */
export const snippet = (name) => path.join(BENCH_DIR, 'snippets', name);
export const baseline = (name) => path.join(BENCH_DIR, 'baselines', name);
export const fixture = (name) => path.join(BENCH_DIR, 'fixtures', name);

/** Throughput (ops/s) of one result `{ops, ms}`. */
export const rate = (r) => (r.ops / r.ms) * 1000;

/** Per-rep numbers of one measurement (`f` of each result), or the Skip/Error that stopped it. */
export function values(results, f) {
  return results instanceof Error ? results : results.map(f);
}

/** Median of the results of one measurement, or the Skip/Error that stopped it. */
export function med(results, f) {
  return results instanceof Error ? results : median(results.map(f));
}

/** Prints rows as an aligned plain-text table (also valid Markdown). */
export function printTable(rows, out = process.stdout) {
  out.write(formatTable(rows));
}

/** Busy neighbours started by `--load` (not leftovers while the load runs). */
const loadProcesses = new Set();

/**
 * `--load`: starts `n` processes that each keep a core busy, so a whole run measures "under load"
 * the same way every time. Each runs in its own process group and carries the owner marker, so
 * Ctrl-C and the final leftover check end them like any other; they also end themselves when the
 * driver is gone (bench/lib/busy.mjs). Returns stop(), which kills them and waits for their exit.
 */
export async function startLoad(n) {
  const children = [];
  for (let i = 0; i < n; i++) {
    const child = spawn(process.execPath, [path.join(BENCH_DIR, 'lib', 'busy.mjs')], { stdio: 'ignore', detached: true });
    live.add(child);
    loadProcesses.add(child.pid);
    children.push(child);
  }
  // Spinning before the first measurement starts.
  await new Promise((r) => setTimeout(r, 200));
  const dead = children.filter((c) => c.exitCode !== null || c.signalCode !== null);
  if (dead.length) throw new Error(`--load: ${dead.length} busy process(es) exited at once`);
  return async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', resolve);
            killGroup(c);
          }),
      ),
    );
    for (const c of children) {
      live.delete(c);
      loadProcesses.delete(c.pid);
    }
  };
}

/** Live processes (zombies excluded) started from this benchmark run, by the environ marker. */
export function leftoverProcesses() {
  const found = [];
  const marker = `${OWNER_ENV}=${owner}\u0000`;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || name === String(process.pid) || loadProcesses.has(Number(name))) continue;
    try {
      if (!(fs.readFileSync(`/proc/${name}/environ`, 'latin1') + '\u0000').includes(marker)) continue;
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'latin1');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') continue;
      found.push({ pid: Number(name), cmdline: fs.readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\u0000').join(' ').trim() });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Waits up to graceMs for processes of this run to go, then kills the rest; returns those killed. */
export async function reapLeftovers(graceMs = 2000) {
  const deadline = Date.now() + graceMs;
  let left = leftoverProcesses();
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = leftoverProcesses();
  }
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return left;
}

/** Synchronous last resort on Ctrl-C: kill every live group we started and every marked process. */
export function killEverything() {
  for (const child of live) killGroup(child);
  for (const p of leftoverProcesses()) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** A fresh temporary directory under the OS temp dir, removed by the caller. */
export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR || '/tmp'), `cl-bench-${prefix}-`));
}
