#!/usr/bin/env node
// Fault campaigns (issue #13): seeded, repeatable rounds that each kill something at a random
// moment and check what the runtime promises. Every round is a fresh process tree; after it the
// campaign looks for leftovers: processes carrying the round's marker in their environment and
// shared-memory files of the round in /dev/shm.
//
//   node test/fault/campaign.mjs [--seed N] [--rounds N] [--only queue,pool,pipe,runner,locks,creator]
//                                [--items N] [--consumers N] [--victim consumer|producer] [--how kill|exit|early] [--moment M]
//                                [--context process|thread] [--logs DIR] [--round-ms N]
//                                [--replay ROUND_SEED] [--fault RUNNER_FAULT] [--json]
// (--fault makes every runner round inject that one, e.g. file-size;
// --items, --consumers and --victim shape the queue rounds (--items the creator rounds too); --how
// chooses how every creator round's creator dies (kill, exit, or early: microseconds to ms after
// start() of a child holding the pipe's writing end; default one of the three at random), and
// --moment when an early creator dies: sync (the same tick as start()), tick (the next tick),
// immediate (the next turn of the event loop) or <N>ms; --context is the runtime's default;
// --round-ms is how long a runtime round may take before it counts as a hang, default 240000;
// --replay runs every round with that round seed, e.g. a failing one printed in the table.)
//
// A failing round's whole stdout and stderr (and a runner round's trace) are kept in
// `--logs DIR` (default: <tmp>/concurrency-lab-fault-logs) as `<campaign>-seed<S>-round<R>.log`,
// named by the campaign's seed and the round; the table's failure lines print the path. Replay a
// round with its round seed: `node test/fault/rounds/<campaign>.mjs '{"seed":<round seed>}'`.
//
// Prints one table row per campaign (markdown) and exits 1 when any round broke an invariant,
// hung or left something behind. `--json` prints the summaries as one JSON line instead.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { rng } from './rounds/common.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const MARKER = 'CONCURRENCY_LAB_FAULT_ROUND';
const SHM_DIR = '/dev/shm';
const SHM_PREFIX = 'concurrency-lab-';
export const CAMPAIGNS = ['queue', 'pool', 'pipe', 'runner', 'locks', 'creator'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One round's seed from the campaign's: rounds are independent and each can be replayed. */
export function roundSeed(seed, campaign, round) {
  let h = (seed ^ Math.imul(round + 1, 0x9e3779b1) ^ Math.imul(CAMPAIGNS.indexOf(campaign) + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Live processes (zombies aside) whose environment carries `marker`. */
function marked(marker) {
  const out = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (!fs.readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(marker)) continue;
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'latin1');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (rest[0] === 'Z' || rest[0] === 'X') continue;
      out.push({ pid: Number(name), ppid: Number(rest[1]) });
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return out;
}

/** Processes of the round still alive after `graceMs`: counted, then SIGKILLed. */
async function leftoverProcesses(marker, graceMs) {
  const deadline = Date.now() + graceMs;
  let left = marked(marker);
  while (left.length && Date.now() < deadline) {
    await sleep(50);
    left = marked(marker);
  }
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return left.length;
}

/** Shared-memory files named with `prefix`: counted, then removed. */
function leftoverShm(prefix) {
  let n = 0;
  for (const f of fs.readdirSync(SHM_DIR)) {
    if (!f.startsWith(prefix)) continue;
    n++;
    fs.rmSync(path.join(SHM_DIR, f), { force: true });
  }
  return n;
}

function baseEnv(marker) {
  const env = { ...process.env, [MARKER]: marker.slice(MARKER.length + 1) };
  // A round is its own run: not traced by, nor sharing files with, whatever started us.
  for (const k of ['CONCURRENCY_LAB_TRACE_DIR', 'CONCURRENCY_LAB_RUN_ID', 'NODE_OPTIONS']) delete env[k];
  return env;
}

/** Waits for `child` to exit; after `ms` SIGKILLs its process group and reports a hang. */
function exited(child, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
      resolve({ hung: true, code: null, signal: 'SIGKILL' });
    }, ms);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ hung: false, code, signal });
    });
  });
}

/** A runtime round: rounds/<campaign>.mjs as a fresh main process; its last line is the verdict. */
async function runtimeRound(campaign, seed, opts, marker) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cl-fault-${campaign}-`));
  const prm = { seed, dir, ...opts };
  const env = baseEnv(marker);
  // The runtime's default context for the round (docs/runtime.md, getContext).
  if (opts.context) env.CONCURRENCY_LAB_CONTEXT = opts.context;
  const child = spawn(process.execPath, [path.join(HERE, 'rounds', `${campaign}.mjs`), JSON.stringify(prm)], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const end = await exited(child, opts.roundMs ?? 240000);
  let verdict;
  try {
    verdict = JSON.parse(stdout.trim().split('\n').at(-1));
  } catch {
    verdict = { faults: 0, hangs: end.hung ? 1 : 0, violations: [end.hung ? 'the round hung' : `the round ended without a verdict (code ${end.code}, signal ${end.signal}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`], outcome: end.hung ? 'hung' : 'crashed' };
  }
  if (!end.hung && end.code !== 0 && !verdict.violations?.length) (verdict.violations ??= []).push(`the round's main process exited with ${end.code ?? end.signal}`);
  const procs = await leftoverProcesses(marker, 3000);
  const files = leftoverShm(`${SHM_PREFIX}pid${child.pid}-`);
  verdict.leftovers = procs + files;
  if (verdict.leftovers) (verdict.violations ??= []).push(`left behind: ${procs} process(es), ${files} /dev/shm file(s)`);
  const shape = { ...opts };
  delete shape.roundMs;
  delete shape.context;
  verdict.output = { env: opts.context ? `CONCURRENCY_LAB_CONTEXT=${opts.context} ` : '', argv: [path.join('test/fault/rounds', `${campaign}.mjs`), JSON.stringify({ seed, ...shape })], end, stdout, stderr };
  fs.rmSync(dir, { recursive: true, force: true });
  return verdict;
}

// file-size: the run's files may not grow past a random 128 KiB–1 MiB (a soft `ulimit -f` on the
// CLI and so on every process of the run: EFBIG, as a full disk gives ENOSPC; these machines have
// no small tmpfs to fill). The per-process trace files hit it mid-run, the CLI's trace at the end.
export const RUNNER_FAULTS = ['timeout', 'sigterm', 'sigint', 'kill-descendant', 'stop-cont', 'close-stdout', 'file-size'];
/** Exit codes that say clearly why the run ended (docs/cli.md, "Exit codes"). */
const RUNNER_CODES = { timeout: [124], sigterm: [143], sigint: [130], 'kill-descendant': [124, 137], 'stop-cont': [124], 'close-stdout': [141], 'file-size': [124, 2] };
/** What the CLI says, as its last line, when it could not write the trace past the size limit. */
const TRACE_TOO_BIG = /the trace was not written \(EFBIG\)/;

/** Resolves once `child` (the CLI) has its stop-signal handlers, or has exited, or after 60 s. */
export async function catchingStopSignals(child) {
  const deadline = Date.now() + 60000;
  while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
    try {
      const m = /^SigCgt:\s+([0-9a-f]+)$/m.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'latin1'));
      if (m && BigInt(`0x${m[1]}`) & 1n) return; // bit 0: SIGHUP
    } catch {
      return; // gone
    }
    await sleep(2);
  }
}

/** A runner round: `concurrency-lab run` of rounds/runner-snippet.mjs, disturbed at random. */
async function runnerRound(seed, opts, marker) {
  const rand = rng(seed);
  const fault = opts.fault ?? RUNNER_FAULTS[Math.floor(rand() * RUNNER_FAULTS.length)];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-fault-runner-'));
  const trace = path.join(dir, 'out.jsonl');
  const runIdFile = path.join(dir, 'run-id');
  const timeoutS = fault === 'timeout' ? +(0.5 + rand() * 2.5).toFixed(2) : 6;
  const at = 300 + Math.floor(rand() * 2000);
  const argv = [CLI, 'run', path.join(HERE, 'rounds/runner-snippet.mjs'), '--trace', trace, '--timeout', String(timeoutS), '--', runIdFile];
  const limitBlocks = fault === 'file-size' ? 256 + Math.floor(rand() * 1793) : undefined; // 512-byte blocks
  // `exec` keeps the CLI's pid the child's: the signals and checks below are the CLI's.
  const child =
    limitBlocks === undefined
      ? spawn(process.execPath, argv, { env: baseEnv(marker), stdio: ['ignore', 'pipe', 'pipe'], detached: true })
      : spawn('sh', ['-c', `ulimit -S -f ${limitBlocks} && exec "$0" "$@"`, process.execPath, ...argv], { env: baseEnv(marker), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stdout.on('error', () => undefined);
  child.stderr.on('data', (d) => (stderr += d));
  const ended = exited(child, (timeoutS + 60) * 1000);
  let faults = 0;
  const strike = (async () => {
    // The moment counts from when the CLI catches stop signals (its first line: SIGHUP caught;
    // Node itself catches SIGINT and SIGTERM from its start only to die of them). Before that a
    // signal ends it as it ends any program that has not started, which a loaded machine
    // stretches to a second or more: that is not the runner's to survive.
    await catchingStopSignals(child);
    await sleep(at);
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (fault === 'sigterm' || fault === 'sigint') {
      child.kill(fault.toUpperCase());
      faults = 1;
    } else if (fault === 'kill-descendant') {
      const others = marked(marker).filter((p) => p.pid !== child.pid);
      const victim = others[Math.floor(rand() * others.length)];
      if (victim) {
        process.kill(victim.pid, 'SIGKILL');
        faults = 1;
      }
    } else if (fault === 'stop-cont') {
      const main = marked(marker).find((p) => p.ppid === child.pid);
      if (main) {
        process.kill(main.pid, 'SIGSTOP');
        await sleep(100 + Math.floor(rand() * 900));
        process.kill(main.pid, 'SIGCONT');
        faults = 1;
      }
    } else if (fault === 'close-stdout') {
      child.stdout.destroy();
      faults = 1;
    } else faults = 1; // the timeout itself
  })();
  const end = await ended;
  await strike;
  const violations = [];
  const code = end.code ?? 128 + (os.constants.signals[end.signal] ?? 0);
  // A killed pool worker breaks the pool's map: the snippet does not catch BrokenPoolError, so
  // it ends as a snippet with an uncaught error does (exit 1), having said why.
  const brokePool = fault === 'kill-descendant' && code === 1 && /BrokenPoolError\]?: PoolWorker-\d+ \(pid \d+\) died \(signal SIGKILL\)/.test(stderr);
  if (!end.hung && !brokePool && !RUNNER_CODES[fault].includes(code)) violations.push(`${fault}: exit ${code}, expected ${RUNNER_CODES[fault].join(' or ')}: ${stderr.trim().split('\n').at(-1) ?? ''}`);
  const tooBig = fault === 'file-size' && code === 2;
  if (tooBig && !TRACE_TOO_BIG.test(stderr.trim().split('\n').at(-1) ?? '')) violations.push(`${fault}: exit 2 without saying the trace was too big: ${stderr.trim().split('\n').at(-1) ?? ''}`);
  if (tooBig) {
    // Written whole or not at all (docs/reliability.md): a cut-off file is the violation here.
    if (fs.existsSync(trace)) violations.push(`${fault}: exit 2, yet a trace file exists`);
  } else if (!fs.existsSync(trace)) violations.push(`${fault}: no trace written`);
  else {
    const check = await checkTrace(trace, marker);
    if (check) violations.push(`${fault}: ${check}`);
  }
  // When the command returns no process of the run may be alive (docs/cli.md): no grace here.
  const procs = await leftoverProcesses(marker, 0);
  const runId = fs.existsSync(runIdFile) ? fs.readFileSync(runIdFile, 'utf8').trim() : undefined;
  const files = runId ? leftoverShm(`${SHM_PREFIX}${runId}-`) : 0;
  const leftovers = procs + files;
  if (leftovers) violations.push(`left behind: ${procs} process(es), ${files} /dev/shm file(s)`);
  let traceText = '';
  try {
    traceText = fs.readFileSync(trace, 'utf8');
  } catch {
    // none written
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const output = { argv: ['dist/cli.js', 'run', 'test/fault/rounds/runner-snippet.mjs', '--trace', trace, '--timeout', String(timeoutS)], fault, at, limitBlocks, end, stdout, stderr, trace: traceText };
  return { faults, hangs: end.hung ? 1 : 0, violations, leftovers, outcome: `${fault}: exit ${code}`, output };
}

/** The trace written so far reads back whole: `export` accepts every line of it. */
async function checkTrace(trace, marker) {
  const out = trace.replace(/\.jsonl$/, '.json');
  const child = spawn(process.execPath, [CLI, 'export', trace, out], { env: baseEnv(marker), stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const end = await exited(child, 60000);
  if (end.code !== 0) return `export of the trace failed (${end.code}): ${stderr.trim()}`;
  if (stderr.trim()) return `the trace has bad lines: ${stderr.trim().split('\n')[0]}`;
  return undefined;
}

/** Runs `rounds` rounds of one campaign; `onRound` sees each verdict. */
/** Keeps a failing round's whole output for diagnosis: one file per (campaign seed, round). */
function saveRound(logs, campaign, seed, round, roundSeed, problems, output) {
  fs.mkdirSync(logs, { recursive: true });
  const file = path.join(logs, `${campaign}-seed${seed}-round${round}.log`);
  const o = output ?? {};
  const parts = [
    `campaign ${campaign}, campaign seed ${seed}, round ${round}, round seed ${roundSeed}`,
    `problems: ${problems.join('; ')}`,
    `replay: node test/fault/campaign.mjs --only ${campaign} --replay ${roundSeed} --rounds 1`,
    `command: ${o.env ?? ''}node ${(o.argv ?? []).map((a) => (/^[\w./=:-]+$/.test(a) ? a : `'${a}'`)).join(' ')}`,
    o.fault ? `fault: ${o.fault} at ${o.at} ms` : undefined,
    o.limitBlocks ? `file size limit: ${o.limitBlocks} blocks of 512 bytes (ulimit -S -f)` : undefined,
    `ended: ${JSON.stringify(o.end ?? null)}`,
    '----- stdout -----',
    o.stdout ?? '',
    '----- stderr -----',
    o.stderr ?? '',
    o.trace !== undefined ? '----- trace -----' : undefined,
    o.trace,
  ];
  fs.writeFileSync(file, parts.filter((p) => p !== undefined).join('\n') + '\n');
  return file;
}

export const DEFAULT_LOGS = path.join(os.tmpdir(), 'concurrency-lab-fault-logs');

export async function runCampaign(campaign, { seed = 1, rounds = 10, onRound, logs = DEFAULT_LOGS, replay, ...opts } = {}) {
  const sum = { campaign, seed, rounds: 0, faults: 0, violations: 0, hangs: 0, lost: 0, duplicated: 0, inFlight: 0, leftovers: 0, outcomes: {}, failures: [] };
  for (let r = 0; r < rounds; r++) {
    const s = replay ?? roundSeed(seed, campaign, r);
    const marker = `${MARKER}=${process.pid}-${campaign}-${r}-${s}`;
    const v = campaign === 'runner' ? await runnerRound(s, opts, marker) : await runtimeRound(campaign, s, opts, marker);
    sum.rounds++;
    sum.faults += v.faults ?? 0;
    sum.hangs += v.hangs ?? 0;
    sum.lost += v.lost ?? 0;
    sum.duplicated += v.duplicated ?? 0;
    sum.inFlight += v.inFlight ?? 0;
    sum.leftovers += v.leftovers ?? 0;
    sum.outcomes[v.outcome] = (sum.outcomes[v.outcome] ?? 0) + 1;
    const bad = [...(v.violations ?? [])];
    if (v.lost) bad.push(`${v.lost} items lost`);
    if (v.duplicated) bad.push(`${v.duplicated} items duplicated`);
    if (v.leftovers) bad.push(`${v.leftovers} leftovers`);
    if (v.hangs) bad.push(`${v.hangs} hangs`);
    if (bad.length) {
      sum.violations++;
      const log = saveRound(logs, campaign, seed, r, s, bad, v.output);
      if (sum.failures.length < 10) sum.failures.push({ round: r, seed: s, problems: bad, log });
    }
    delete v.output;
    onRound?.(r, v);
  }
  return sum;
}

function parseArgs(argv) {
  const o = { seed: 1, rounds: 10, only: CAMPAIGNS, json: false, opts: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    const int = (v) => {
      if (!/^\d+$/.test(v)) throw new Error(`${a}: expected a non-negative integer, got ${v}`);
      return Number(v);
    };
    if (a === '--seed') o.seed = int(next());
    else if (a === '--rounds') o.rounds = int(next());
    else if (a === '--items') o.opts.items = int(next());
    else if (a === '--logs') o.opts.logs = path.resolve(next());
    else if (a === '--round-ms') o.opts.roundMs = int(next());
    else if (a === '--replay') o.opts.replay = int(next());
    else if (a === '--fault') {
      o.opts.fault = next();
      if (!RUNNER_FAULTS.includes(o.opts.fault)) throw new Error(`--fault: expected one of ${RUNNER_FAULTS.join(', ')}, got ${o.opts.fault}`);
    }
    else if (a === '--consumers') o.opts.consumers = int(next());
    else if (a === '--victim') {
      o.opts.victim = next();
      if (!['consumer', 'producer'].includes(o.opts.victim)) throw new Error(`--victim: expected consumer or producer, got ${o.opts.victim}`);
    }
    else if (a === '--how') {
      o.opts.how = next();
      if (!['kill', 'exit', 'early'].includes(o.opts.how)) throw new Error(`--how: expected kill, exit or early, got ${o.opts.how}`);
    } else if (a === '--moment') {
      o.opts.moment = next();
      if (!/^(sync|tick|immediate|\d+ms)$/.test(o.opts.moment)) throw new Error(`--moment: expected sync, tick, immediate or <N>ms, got ${o.opts.moment}`);
    } else if (a === '--context') {
      o.opts.context = next();
      if (!['process', 'thread'].includes(o.opts.context)) throw new Error(`--context: expected process or thread, got ${o.opts.context}`);
    }
    else if (a === '--only') {
      o.only = next().split(',');
      for (const c of o.only) if (!CAMPAIGNS.includes(c)) throw new Error(`--only: unknown campaign ${c} (known: ${CAMPAIGNS.join(', ')})`);
    } else if (a === '--json') o.json = true;
    else throw new Error(`unknown option ${a} (usage: campaign.mjs [--seed N] [--rounds N] [--only ${CAMPAIGNS.join(',')}] [--items N] [--consumers N] [--victim consumer|producer] [--how kill|exit|early] [--moment M] [--context process|thread] [--fault RUNNER_FAULT] [--logs DIR] [--round-ms N] [--replay ROUND_SEED] [--json])`);
  }
  return o;
}

function row(s) {
  const outcomes = Object.entries(s.outcomes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ×${n}`)
    .join('; ');
  return `| ${s.campaign} | ${s.rounds} | ${s.faults} | ${s.violations} | ${s.hangs} | ${s.lost} | ${s.duplicated} | ${s.inFlight} | ${s.leftovers} | ${outcomes} |`;
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`campaign: ${err.message}`);
    process.exit(2);
  }
  if (!fs.existsSync(CLI)) {
    console.error('campaign: dist/ is missing: run npm run build first');
    process.exit(2);
  }
  const sums = [];
  if (!o.json) {
    console.log(`seed ${o.seed}, ${o.rounds} rounds each${Object.keys(o.opts).length ? `, ${JSON.stringify(o.opts)}` : ''}, failing rounds' output in ${o.opts.logs ?? DEFAULT_LOGS}, node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log('| campaign | rounds | faults injected | rounds with violations | hangs | lost | duplicated | in flight (allowed) | leftovers | outcomes |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
  }
  for (const c of o.only) {
    const t0 = Date.now();
    const s = await runCampaign(c, {
      seed: o.seed,
      rounds: o.rounds,
      ...o.opts,
      onRound: (r, v) => o.json || process.stderr.write(`${c} ${r + 1}/${o.rounds}: ${v.outcome}${v.violations?.length ? ` — ${v.violations.join('; ')}` : ''}\n`),
    });
    s.seconds = Math.round((Date.now() - t0) / 1000);
    sums.push(s);
    if (!o.json) {
      console.log(row(s));
      for (const f of s.failures) console.log(`  round ${f.round} (round seed ${f.seed}): ${f.problems.join('; ')} — output: ${f.log}`);
    }
  }
  if (o.json) console.log(JSON.stringify(sums));
  else console.log(`load after: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${sums.map((s) => `${s.campaign} ${s.seconds} s`).join(', ')}`);
  process.exit(sums.some((s) => s.violations || s.hangs || s.leftovers) ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
