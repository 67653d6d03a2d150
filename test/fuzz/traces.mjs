#!/usr/bin/env node
// Untrusted-trace fuzzer: mutates valid traces (seeded, repeatable) and opens each one the way the
// panel, the webview and `concurrency-lab report`/`export` do (test/fuzz/traceFuzz.ts). Prints a
// table: per mutation, how many traces opened, were refused with a one-line reason, crashed, or
// took longer than 2 s. Exit code 1 if anything crashed or hung.
//
//   node test/fuzz/traces.mjs --seed 1 --count 10000
//   node test/fuzz/traces.mjs --seed 1 --index 417 --write /tmp/case.jsonl   (one case, to debug it)
//
// The cases run in a worker thread watched from here: a case that does not answer within
// --kill-after seconds (default 30) is a hang, the worker is replaced and the run goes on.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HANG_MS = 2000;

function loadEngine() {
  const require = createRequire(import.meta.url);
  require('sucrase/register/ts');
  return require('./traceFuzz.ts');
}

function parseArgs(argv) {
  const o = { seed: 1, count: 10000, index: undefined, write: undefined, killAfter: 30 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--seed') o.seed = Number(next());
    else if (a === '--count') o.count = Number(next());
    else if (a === '--index') o.index = Number(next());
    else if (a === '--write') o.write = next();
    else if (a === '--kill-after') o.killAfter = Number(next());
    else usage(`unknown option ${a}`);
  }
  for (const k of ['seed', 'count', 'killAfter']) if (!Number.isInteger(o[k]) || o[k] < 0) usage(`--${k} must be a whole number`);
  return o;
}

function usage(msg) {
  console.error(`traces.mjs: ${msg}\nusage: node test/fuzz/traces.mjs [--seed N] [--count N] [--index I [--write FILE]] [--kill-after S]`);
  process.exit(2);
}

// ---- worker: runs cases [from, to) and reports each ----
async function workerMain() {
  const engine = loadEngine();
  const { seed, from, to, dir } = workerData;
  const bases = engine.baseTraces(ROOT);
  for (let index = from; index < to; index++) {
    // Announced before it is made: the watchdog covers making the case too.
    parentPort.postMessage({ type: 'begin', index, mutations: [], format: '?', base: '?' });
    const c = engine.makeCase(bases, seed, index);
    const file = path.join(dir, `case-${index}.${c.format === 'chrome' ? 'json' : 'jsonl'}`);
    // Made: the watchdog now times the opening alone (making a 10 MB case is the fuzzer's own cost).
    parentPort.postMessage({ type: 'case', index, mutations: c.mutations, format: c.format, base: c.base });
    fs.writeFileSync(file, c.bytes);
    const timings = { panel: 0, report: 0 };
    const cpu0 = process.cpuUsage();
    const verdict = await engine.openEverywhere(file, c.format, timings);
    const cpu = process.cpuUsage(cpu0);
    // A user waits for one of these, not for both (the fuzzer also exports, checks and compares).
    const ms = Math.max(timings.panel, timings.report);
    // CPU time of everything the case did (both readers, both views, exports; GC threads included):
    // on a shared, loaded machine wall time mostly measures the neighbours.
    const cpuMs = (cpu.user + cpu.system) / 1000;
    fs.rmSync(file, { force: true });
    parentPort.postMessage({ type: 'end', index, verdict, ms, cpuMs });
  }
}

// ---- main: watchdog and table ----
async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.index !== undefined) return single(o);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-fuzz-'));
  const rows = new Map();
  const row = (m) => rows.get(m) ?? rows.set(m, { cases: 0, opened: 0, refused: 0, crashes: 0, hangs: 0, maxMs: 0, maxCpu: 0 }).get(m);
  const totals = { cases: 0, opened: 0, refused: 0, crashes: 0, hangs: 0, events: 0, skipped: 0, maxMs: 0, maxCpu: 0 };
  const problems = [];
  const reasons = new Map();
  const started = Date.now();
  let next = 0;
  try {
    while (next < o.count) {
      // One worker per stretch of cases; a hang ends the stretch and the next case starts a new one.
      next = await new Promise((resolve) => {
        const w = new Worker(fileURLToPath(import.meta.url), { workerData: { seed: o.seed, from: next, to: o.count, dir } });
        let current;
        let timer;
        const arm = () => {
          clearTimeout(timer);
          timer = setTimeout(() => {
            const c = current;
            totals.cases++;
            totals.hangs++;
            for (const m of new Set(c.mutations)) row(m).hangs++, row(m).cases++;
            problems.push(`hang: --seed ${o.seed} --index ${c.index} (${c.base}, ${c.format}, ${c.mutations.join('+')}): no answer in ${o.killAfter} s`);
            void w.terminate();
            resolve(c.index + 1);
          }, o.killAfter * 1000);
        };
        w.on('message', (m) => {
          if (m.type === 'begin') {
            current = m;
            arm();
            return;
          }
          if (m.type === 'case') {
            current = m;
            arm();
            return;
          }
          clearTimeout(timer);
          const c = current;
          const v = m.verdict;
          totals.cases++;
          totals.maxMs = Math.max(totals.maxMs, m.ms);
          totals.maxCpu = Math.max(totals.maxCpu, m.cpuMs);
          // A hang: the slowest way of opening took over 2 s, and not only because the machine is busy
          // (the case's own CPU time is over 2 s too).
          const slow = m.ms > HANG_MS && m.cpuMs > HANG_MS;
          for (const name of new Set(c.mutations)) {
            const r = row(name);
            r.cases++;
            r.maxMs = Math.max(r.maxMs, m.ms);
            r.maxCpu = Math.max(r.maxCpu, m.cpuMs);
            if (v.kind === 'opened') r.opened++;
            else if (v.kind === 'refused') r.refused++;
            else r.crashes++;
            if (slow) r.hangs++;
          }
          if (slow) {
            totals.hangs++;
            problems.push(`slow: --seed ${o.seed} --index ${c.index} (${c.base}, ${c.format}, ${c.mutations.join('+')}): ${Math.round(m.ms)} ms, CPU ${Math.round(m.cpuMs)} ms`);
          }
          if (v.kind === 'opened') {
            totals.opened++;
            totals.events += v.events;
            totals.skipped += v.skipped;
          } else if (v.kind === 'refused') {
            totals.refused++;
            const key = v.reason.replace(/^\S*case-\d+\.jsonl?:\s*/, '').replace(/\d+/g, 'N');
            reasons.set(key, (reasons.get(key) ?? 0) + 1);
          } else {
            totals.crashes++;
            problems.push(`crash: --seed ${o.seed} --index ${c.index} (${c.base}, ${c.format}, ${c.mutations.join('+')}): ${v.message}`);
          }
          if (totals.cases % 1000 === 0) process.stderr.write(`  ${totals.cases}/${o.count} (${Math.round((Date.now() - started) / 1000)} s)\n`);
        });
        w.on('error', (e) => {
          clearTimeout(timer);
          problems.push(`worker error at --index ${current?.index}: ${e.message}`);
          totals.crashes++;
          resolve((current?.index ?? next) + 1);
        });
        w.on('exit', () => {
          clearTimeout(timer);
          resolve(o.count);
        });
      });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  printTable(o, rows, totals, reasons, problems, (Date.now() - started) / 1000);
  process.exitCode = totals.crashes || totals.hangs ? 1 : 0;
}

function printTable(o, rows, totals, reasons, problems, seconds) {
  const pad = (s, n) => String(s).padStart(n);
  console.log(`trace fuzzer: seed ${o.seed}, ${totals.cases} traces, ${seconds.toFixed(0)} s (node ${process.version}, load ${os.loadavg()[0].toFixed(1)})`);
  console.log(`(hang: the slowest of the panel's and the report's way of opening took over ${HANG_MS / 1000} s and so did the trace's CPU time; CPU counts both readers, both views, the exports and the checks)`);
  console.log(`| mutation | traces | opened | refused (one line) | crashes | hangs (> ${HANG_MS / 1000} s) | slowest open, ms | most CPU per trace, ms |`);
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|');
  for (const [name, r] of [...rows].sort((a, b) => a[0].localeCompare(b[0]))) console.log(`| ${name} | ${pad(r.cases, 5)} | ${pad(r.opened, 5)} | ${pad(r.refused, 5)} | ${r.crashes} | ${r.hangs} | ${Math.round(r.maxMs)} | ${Math.round(r.maxCpu)} |`);
  console.log(`| **all** | ${totals.cases} | ${totals.opened} | ${totals.refused} | ${totals.crashes} | ${totals.hangs} | ${Math.round(totals.maxMs)} | ${Math.round(totals.maxCpu)} |`);
  console.log(`opened traces: ${totals.events} events shown, ${totals.skipped} lines skipped and counted`);
  console.log('refusal reasons (numbers as N):');
  for (const [r, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${pad(n, 5)}  ${r}`);
  for (const p of problems.slice(0, 20)) console.log(p);
  if (problems.length > 20) console.log(`… and ${problems.length - 20} more`);
}

async function single(o) {
  const engine = loadEngine();
  const c = engine.makeCase(engine.baseTraces(ROOT), o.seed, o.index);
  const file = o.write ?? path.join(os.tmpdir(), `cl-fuzz-${process.pid}.${c.format === 'chrome' ? 'json' : 'jsonl'}`);
  fs.writeFileSync(file, c.bytes);
  const timings = { panel: 0, report: 0 };
  const v = await engine.openEverywhere(file, c.format, timings);
  console.log(JSON.stringify({ index: o.index, base: c.base, format: c.format, mutations: c.mutations, bytes: c.bytes.length, panelMs: Math.round(timings.panel), reportMs: Math.round(timings.report), verdict: v }));
  if (!o.write) fs.rmSync(file, { force: true });
  process.exitCode = v.kind === 'crash' ? 1 : 0;
}

if (isMainThread) await main();
else await workerMain();
