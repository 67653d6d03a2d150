// A trace file shaped like what `concurrency-lab run --trace run.jsonl` writes for a busy run, for
// the viewer benchmarks (bench/webview.mjs): the header line, then one event per line in arrival
// order (time order, with the small reorderings of per-process files being merged), the same
// fields the runtime writes (source locations on submits, sends and receives, argument and value
// summaries, output lines with their newline), of:
//   - a main process, a Pool of workers (pool.create/close/join, task submit/start/end; a few
//     tasks fail), plain Process children (two of them with children of their own), 64 in all;
//   - Queue and Pipe messages between the children and the main process (send -> recv pairs);
//   - stdout/stderr lines, two errors, one child killed by SIGTERM, the run's end.
// Seeded: the same options give the same file, byte for byte.
//
//   node bench/webview-trace.mjs OUT.jsonl [--events N] [--processes N] [--pairs N]
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const FILE = '/home/learner/concurrency-lab-examples/busy.mjs';
const loc = (line, column) => ({ file: FILE, line, column });
const LOC_SUBMIT = loc(41, 12);
const LOC_SEND = loc(18, 11);
const LOC_RECV = loc(27, 24);
const LOC_POOL = loc(37, 16);

/** Every event of the trace, in the order a real run's file holds them. */
export function generateEvents({ events = 100_000, processes = 64, pairs = 20_000, waits = 0, seed = 1 } = {}) {
  let s = seed >>> 0 || 1;
  const rnd = () => {
    // xorshift32: fast, seeded, good enough to spread times.
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const T0 = 1_764_290_000_000_000;
  const dur = 10e6 * Math.max(1, events / 100_000); // 10 s of run per 100k events
  const out = [];
  const main = 20_000;
  const workers = Math.max(1, Math.floor((processes - 1) / 2));
  const plain = processes - 1 - workers;
  const at = (frac) => T0 + Math.round(frac * dur * 1000) / 1000;

  out.push({ kind: 'process.start', ts: T0, pid: main, ppid: 19_999, name: 'MainProcess' });
  out.push({ kind: 'output', ts: T0 + 400, pid: main, stream: 'stdout', text: `Parent process ${main}.\n` });
  out.push({ kind: 'pool.create', ts: T0 + 900, pid: main, poolId: `${main}:1`, processes: workers, loc: LOC_POOL });
  const workerPids = [];
  for (let i = 0; i < workers; i++) {
    const pid = main + 1 + i;
    workerPids.push(pid);
    out.push({ kind: 'process.start', ts: T0 + 2000 + i * 700, pid, ppid: main, name: `PoolWorker-${i + 1}` });
  }
  const plainPids = [];
  for (let i = 0; i < plain; i++) {
    const pid = main + 1 + workers + i;
    plainPids.push(pid);
    // Two of the plain children start children of their own (a deeper tree).
    const ppid = i >= 2 && i < 6 ? plainPids[i % 2] : main;
    out.push({ kind: 'process.start', ts: T0 + 30_000 + i * 900, pid, ppid, name: `Process-${i + 1}` });
  }

  // Messages: producers and consumers among the plain children and the main process.
  const channels = [
    { channel: 'queue', channelId: `${main}:q1` },
    { channel: 'queue', channelId: `${main}:q2` },
    { channel: 'queue', channelId: `${main}:q3` },
    { channel: 'pipe', channelId: `${main}:p1` },
    { channel: 'pipe', channelId: `${main}:p2` },
  ];
  const talkers = [main, ...plainPids];
  for (let i = 0; i < pairs; i++) {
    const ch = channels[i % channels.length];
    const from = talkers[Math.floor(rnd() * talkers.length)];
    let to = talkers[Math.floor(rnd() * talkers.length)];
    if (to === from) to = talkers[(talkers.indexOf(from) + 1) % talkers.length];
    const ts = at(0.01 + rnd() * 0.97);
    // Most items are taken at once, some wait in the queue a while.
    const wait = rnd() < 0.8 ? 20 + rnd() * 400 : rnd() * dur * 0.01;
    const summary = i % 7 === 0 ? `{id: ${i}, name: 'job-${i}', values: Array(3)}` : `'item ${i}'`;
    const msgId = String(i + 1);
    out.push({ kind: 'message.send', ts, pid: from, channel: ch.channel, channelId: ch.channelId, msgId, summary, loc: LOC_SEND });
    // A few items are never received (the run ended with them still queued).
    if (i % 997 !== 5) out.push({ kind: 'message.recv', ts: Math.round((ts + wait) * 1000) / 1000, pid: to, channel: ch.channel, channelId: ch.channelId, msgId, summary, loc: LOC_RECV });
  }

  // Blocked calls (issue #11's "100k events with 20k waits"): the plain children and the main
  // process wait in Queue.get on the queues above, or in Lock.acquire on one of two locks, after
  // which they hold it a while (hold.begin/hold.end).
  const LOC_WAIT = loc(52, 9);
  const locks = [`${main}.0.s1`, `${main}.0.s2`];
  if (waits > 0) for (const [i, objId] of locks.entries()) out.push({ kind: 'object.create', ts: T0 + 500 + i, pid: main, objKind: 'lock', objId, loc: loc(12 + i, 14) });
  const nextWait = new Map();
  for (let i = 0; i < waits; i++) {
    const pid = talkers[Math.floor(rnd() * talkers.length)];
    const waitId = (nextWait.get(pid) ?? 0) + 1;
    nextWait.set(pid, waitId);
    const ts = at(0.02 + rnd() * 0.95);
    const d = rnd() < 0.9 ? 50 + rnd() * 2000 : rnd() * dur * 0.005;
    const end = Math.round((ts + d) * 1000) / 1000;
    if (i % 3 === 0) {
      const objId = locks[i % 2];
      out.push({ kind: 'wait.begin', ts, pid, waitId, op: 'Lock.acquire', objKind: 'lock', objId, loc: LOC_WAIT });
      out.push({ kind: 'wait.end', ts: end, pid, waitId, outcome: 'ok' });
      out.push({ kind: 'hold.begin', ts: end, pid, objKind: 'lock', objId });
      out.push({ kind: 'hold.end', ts: Math.round((end + 20 + rnd() * 300) * 1000) / 1000, pid, objKind: 'lock', objId });
    } else {
      const ch = channels[i % 3];
      out.push({ kind: 'wait.begin', ts, pid, waitId, op: 'Queue.get', objKind: 'queue', objId: ch.channelId, loc: LOC_RECV });
      out.push({ kind: 'wait.end', ts: end, pid, waitId, outcome: rnd() < 0.02 ? 'timeout' : 'ok' });
    }
  }

  // Pool tasks and output lines share the rest: 3 events per task plus one output line per 5 tasks.
  const fixed = out.length + processes + 8;
  const rest = Math.max(0, events - fixed);
  const tasks = Math.floor((rest * 5) / 16);
  const perWorker = Math.ceil(tasks / workers);
  const slot = (dur * 0.9) / perWorker;
  const poolId = `${main}:1`;
  for (let t = 0; t < tasks; t++) {
    const w = t % workers;
    const k = Math.floor(t / workers);
    const submit = T0 + 5000 + Math.floor(t / 64) * (slot / 4) + (t % 64) * 3;
    const start = Math.max(submit + 50, T0 + 0.05 * dur + k * slot + rnd() * slot * 0.1);
    const end = start + slot * (0.5 + rnd() * 0.35);
    const args = `(${t})`;
    out.push({ kind: 'task.submit', ts: Math.round(submit * 1000) / 1000, pid: main, poolId, taskId: t, fn: 'crunch', args, loc: LOC_SUBMIT });
    out.push({ kind: 'task.start', ts: Math.round(start * 1000) / 1000, pid: workerPids[w], poolId, taskId: t, fn: 'crunch', args });
    if (t % 5 === 0) out.push({ kind: 'output', ts: Math.round((start + 150) * 1000) / 1000, pid: workerPids[w], stream: t % 50 === 0 ? 'stderr' : 'stdout', text: `Run task ${t} (${workerPids[w]})...\n` });
    const failed = t % 1999 === 7;
    out.push(
      failed
        ? { kind: 'task.end', ts: Math.round(end * 1000) / 1000, pid: workerPids[w], poolId, taskId: t, ok: false, error: `Error: bad input ${t}` }
        : { kind: 'task.end', ts: Math.round(end * 1000) / 1000, pid: workerPids[w], poolId, taskId: t, ok: true },
    );
  }
  out.push({ kind: 'pool.close', ts: at(0.951), pid: main, poolId });
  out.push({ kind: 'error', ts: at(0.5), pid: plainPids[3], message: 'TypeError: Cannot read properties of undefined', stack: 'TypeError: Cannot read properties of undefined\n    at work (/home/learner/concurrency-lab-examples/busy.mjs:22:7)' });
  out.push({ kind: 'error', ts: at(0.7), pid: workerPids[1], message: 'RangeError: Maximum call stack size exceeded' });
  for (let i = 0; i < workers; i++) out.push({ kind: 'process.exit', ts: at(0.96) + i * 300, pid: workerPids[i], exitCode: 0, signal: null });
  out.push({ kind: 'pool.join', ts: at(0.975), pid: main, poolId });
  for (let i = 0; i < plain; i++) {
    const killed = i === 4;
    out.push({ kind: 'process.exit', ts: at(0.985) + i * 200, pid: plainPids[i], exitCode: killed ? null : 0, signal: killed ? 'SIGTERM' : null });
  }
  out.push({ kind: 'output', ts: at(0.995), pid: main, stream: 'stdout', text: 'All subprocesses done.\n' });
  out.push({ kind: 'process.exit', ts: at(0.999), pid: main, exitCode: 0, signal: null });
  out.push({ kind: 'run.end', ts: at(1), pid: main, exitCode: 0, signal: null, reason: 'exit' });

  out.sort((a, b) => a.ts - b.ts);
  // The runner merges each process's file as it grows: lines of one process arrive in bursts,
  // so neighbours from different processes are sometimes out of time order by a little.
  for (let i = 1; i + 1 < out.length; i += 3 + Math.floor(rnd() * 40)) {
    if (out[i].pid !== out[i + 1].pid && out[i + 1].ts - out[i].ts < 500) [out[i], out[i + 1]] = [out[i + 1], out[i]];
  }
  return out;
}

export function header() {
  return { kind: 'trace.header', version: 1, tool: 'concurrency-lab', ts: 1_764_290_000_000_000, file: FILE, argv: [], context: 'process' };
}

/** Writes the trace as the CLI does (header line, then one JSON line per event). Returns the event count. */
export function writeTraceFile(file, opts) {
  const events = generateEvents(opts);
  const fd = fs.openSync(file, 'w');
  try {
    let parts = [JSON.stringify(header())];
    for (const e of events) {
      parts.push(JSON.stringify(e));
      if (parts.length >= 20_000) {
        fs.writeSync(fd, parts.join('\n') + '\n');
        parts = [];
      }
    }
    if (parts.length) fs.writeSync(fd, parts.join('\n') + '\n');
  } finally {
    fs.closeSync(fd);
  }
  return events.length;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, ...rest] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node bench/webview-trace.mjs OUT.jsonl [--events N] [--processes N] [--pairs N] [--waits N]');
    process.exit(2);
  }
  const opt = (name, dflt) => {
    const i = rest.indexOf(`--${name}`);
    return i >= 0 ? Number(rest[i + 1]) : dflt;
  };
  const events = opt('events', 100_000);
  const n = writeTraceFile(file, { events, processes: opt('processes', 64), pairs: opt('pairs', Math.round(events / 5)), waits: opt('waits', 0) });
  console.log(`${file}: ${n} events`);
}
