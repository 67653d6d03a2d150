// The floor of a small-message round trip between two processes, per way of waiting for the
// reply (issue #15; results in docs/transport.md). Each line alternates with the others, round
// by round, and reports the median µs per round trip:
//   python     multiprocessing.Pipe (bench/python/mp_pipe.py): a blocking read, the reference
//   ours       our Pipe (bench/snippets/pipe.mjs), as shipped: adaptive spin, then the event loop
//   ours-nospin  the same with CONCURRENCY_LAB_SPIN_US=0: always the event loop (epoll)
//   net        two bare Node processes on a unix socket, 64-byte 'data' echo: Node's event-loop floor
//   fifo       two bare Node processes blocked in fs.readSync on FIFOs: one wake per message,
//              what a worker thread (or the main thread) blocking in a synchronous read could reach
// Usage: node bench/tools/pipe-floors.mjs [--load] [--reps 5] [--n 5000]
// Needs the runtime bundle (npx webpack --mode production --config-name runtime).
import { execFileSync, fork, spawn } from 'node:child_process';
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
  };
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
} else {
  await main([first, ...rest].filter((a) => a !== undefined));
}
