// The floor of a small-message round trip between two processes, per way of waiting for the
// reply (issue #15; results in docs/transport.md). Each line alternates with the others, round
// by round, and reports the median µs per round trip:
//   python     multiprocessing.Pipe (bench/python/mp_pipe.py): a blocking read, the reference
//   ours       our Pipe (bench/snippets/pipe.mjs), as shipped: adaptive spin, then the event loop
//   ours-nospin  the same with CONCURRENCY_LAB_SPIN_US=0: always the event loop (epoll)
//   net        two bare Node processes on a unix socket, 64-byte 'data' echo: Node's event-loop floor
//   fifo       two bare Node processes blocked in fs.readSync on FIFOs: one wake per message,
//              what a worker thread (or the main thread) blocking in a synchronous read could reach
//   fifo-worker  the same FIFOs, each process's read done by a worker thread blocked in
//              fs.readSync, which wakes the main thread (awaiting Atomics.waitAsync) once per
//              message: the shape a recv() Promise over a blocking reader thread would have
//   fifo-worker-sync  the same, the main thread waiting in Atomics.wait (asleep in a futex, not
//              in the event loop) for its reader: a recv() that blocks its thread for a while
// Usage: node bench/tools/pipe-floors.mjs [--load] [--reps 5] [--n 5000] [--only fifo,fifo-worker]
// Needs the runtime bundle (npx webpack --mode production --config-name runtime).
import { execFileSync, fork, spawn } from 'node:child_process';
import { Worker, workerData } from 'node:worker_threads';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const me = fileURLToPath(import.meta.url);
const bench = path.resolve(path.dirname(me), '..');
const [, , first, ...rest] = process.argv;

function runJson(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('error', reject);
    c.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${code}`);
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch (err) {
        reject(err);
      }
    });
  });
}

async function netFloor(n) {
  const name = `cl-floor-${process.pid}`;
  return new Promise((resolve) => {
    let c;
    const srv = net
      .createServer((s) => {
        const b = Buffer.alloc(64);
        let i = 0;
        let t0 = 0;
        s.on('data', () => {
          if (++i === 100) t0 = performance.now();
          if (i === n + 100) {
            const ms = performance.now() - t0;
            s.destroy();
            srv.close();
            c.kill();
            return resolve({ ops: n, ms });
          }
          s.write(b);
        });
        s.write(b);
      })
      .listen(`\0${name}`, () => (c = fork(me, ['--net-child', name])));
  });
}

async function fifoFloor(n) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-floor-'));
  try {
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    execFileSync('mkfifo', [a, b]);
    const c = spawn(process.execPath, [me, '--fifo-child', a, b], { stdio: 'inherit' });
    const exited = new Promise((r) => c.on('close', r));
    const wr = fs.openSync(a, 'w');
    const rd = fs.openSync(b, 'r');
    const buf = Buffer.alloc(64);
    let t0 = 0;
    for (let i = 0; i < n + 100; i++) {
      if (i === 100) t0 = performance.now();
      fs.writeSync(wr, buf, 0, 64);
      fs.readSync(rd, buf, 0, 64, null);
    }
    const ms = performance.now() - t0;
    fs.closeSync(wr);
    fs.closeSync(rd);
    await exited;
    return { ops: n, ms };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A worker thread blocked in fs.readSync on `file` (64-byte messages; a first byte 0xff ends it);
 *  next() resolves with each message, waking the main thread once through Atomics.waitAsync. */
function blockingReader(file, sync = false) {
  const sab = new SharedArrayBuffer(8 + 64);
  const ctl = new Int32Array(sab, 0, 2); // [messages read, messages taken]
  const data = Buffer.from(sab, 8, 64);
  // Not unref()ed: a pending Atomics.waitAsync alone does not keep the event loop alive.
  new Worker(me, { argv: ['--fifo-reader'], workerData: { file, sab } });
  let seen = 0;
  return {
    async next() {
      for (;;) {
        if (sync) Atomics.wait(ctl, 0, seen);
        else {
          const w = Atomics.waitAsync(ctl, 0, seen);
          if (w.async) await w.value;
        }
        const got = Atomics.load(ctl, 0);
        if (got === seen) continue;
        seen = got;
        const quit = data[0] === 0xff;
        Atomics.store(ctl, 1, seen);
        Atomics.notify(ctl, 1);
        return quit ? undefined : data;
      }
    },
  };
}

async function fifoWorkerFloor(n, sync) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-floor-'));
  try {
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    execFileSync('mkfifo', [a, b]);
    // O_RDWR: opening a FIFO so never blocks, whoever comes first.
    const wr = fs.openSync(a, 'r+');
    const c = spawn(process.execPath, [me, '--fifo-worker-child', a, b, sync ? 'sync' : 'async'], { stdio: 'inherit' });
    const exited = new Promise((r) => c.on('close', r));
    const reader = blockingReader(b, sync);
    const buf = Buffer.alloc(64);
    let t0 = 0;
    for (let i = 0; i < n + 100; i++) {
      if (i === 100) t0 = performance.now();
      fs.writeSync(wr, buf, 0, 64);
      await reader.next();
    }
    const ms = performance.now() - t0;
    // Ends the child's reader, then the child, whose echo of it ends our reader.
    buf[0] = 0xff;
    fs.writeSync(wr, buf, 0, 64);
    await reader.next();
    fs.closeSync(wr);
    await exited;
    return { ops: n, ms };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(args) {
  const load = args.includes('--load');
  const opt = (k, d) => (args.includes(k) ? Number(args[args.indexOf(k) + 1]) : d);
  const reps = opt('--reps', 5);
  const n = opt('--n', 5000);
  const lines = {
    python: () => runJson('python3', [path.join(bench, 'python/mp_pipe.py'), 'pingpong', String(n)]),
    ours: () => runJson(process.execPath, [path.join(bench, 'snippets/pipe.mjs'), 'pingpong', String(n)]),
    'ours-nospin': () => runJson(process.execPath, [path.join(bench, 'snippets/pipe.mjs'), 'pingpong', String(n)], { CONCURRENCY_LAB_SPIN_US: '0' }),
    net: () => netFloor(n),
    fifo: () => fifoFloor(n),
    'fifo-worker': () => fifoWorkerFloor(n, false),
    'fifo-worker-sync': () => fifoWorkerFloor(n, true),
  };
  // --only a,b: just those ways (python is always measured: the ratios are to it).
  const only = args.includes('--only') ? new Set(['python', ...args[args.indexOf('--only') + 1].split(',')]) : undefined;
  if (only) for (const k of Object.keys(lines)) if (!only.has(k)) delete lines[k];
  const busy = load ? Array.from({ length: Math.max(1, os.availableParallelism() - 1) }, () => fork(path.join(bench, 'lib/busy.mjs'))) : [];
  const us = Object.fromEntries(Object.keys(lines).map((k) => [k, []]));
  try {
    for (let r = 0; r < reps; r++) for (const [k, f] of Object.entries(lines)) us[k].push(((await f()).ms * 1000) / n);
  } finally {
    for (const b of busy) b.kill();
  }
  console.log(`pipe round-trip floors, ${n} round trips x ${reps} reps${load ? `, beside ${busy.length} busy process(es)` : ''}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('| way | median µs | min–max µs | vs python |');
  console.log('|---|---|---|---|');
  const py = median(us.python);
  for (const [k, xs] of Object.entries(us)) console.log(`| ${k} | ${median(xs).toFixed(1)} | ${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)} | ${(median(xs) / py).toFixed(2)}× |`);
}

if (first === '--net-child') {
  const s = net.connect(`\0${rest[0]}`);
  s.on('data', (d) => s.write(d));
  s.on('error', () => undefined);
  s.on('close', () => process.exit(0));
} else if (first === '--fifo-child') {
  const rd = fs.openSync(rest[0], 'r');
  const wr = fs.openSync(rest[1], 'w');
  const buf = Buffer.alloc(64);
  for (;;) {
    const k = fs.readSync(rd, buf, 0, 64, null);
    if (k <= 0) break;
    fs.writeSync(wr, buf, 0, k);
  }
} else if (first === '--fifo-reader') {
  const { file, sab } = workerData;
  const ctl = new Int32Array(sab, 0, 2);
  const data = Buffer.from(sab, 8, 64);
  const rd = fs.openSync(file, 'r+');
  for (let seq = 1; ; seq++) {
    let got = 0;
    while (got < 64) got += fs.readSync(rd, data, got, 64 - got, null);
    const quit = data[0] === 0xff;
    Atomics.store(ctl, 0, seq);
    Atomics.notify(ctl, 0);
    // The main thread takes the message before the buffer is read into again.
    while (Atomics.load(ctl, 1) !== seq) Atomics.wait(ctl, 1, seq - 1);
    if (quit) break;
  }
  fs.closeSync(rd);
} else if (first === '--fifo-worker-child') {
  const reader = blockingReader(rest[0], rest[2] === 'sync');
  const wr = fs.openSync(rest[1], 'r+');
  for (;;) {
    const m = await reader.next();
    // The parent's end message is echoed so that its own reader ends too.
    fs.writeSync(wr, m ?? Buffer.alloc(64, 0xff), 0, 64);
    if (!m) break;
  }
  fs.closeSync(wr);
} else {
  await main([first, ...rest].filter((a) => a !== undefined));
}
