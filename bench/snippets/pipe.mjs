// Ours: Pipe round-trip latency and one-way throughput, the same protocol as python/mp_pipe.py.
// Usage: node pipe.mjs pingpong|oneway N  ->  {"ops": N, "ms"}
import { Pipe, Process, isMainProcess } from '../../dist/runtime/index.js';
import { argv, message } from '../lib/message.mjs';

export async function echo(conn) {
  for (;;) {
    const m = await conn.recv();
    if (m === null) return;
    await conn.send(m);
  }
}

export async function sink(conn, n) {
  await conn.send('ready');
  let count = 0;
  for (let i = 0; i < n; i++) {
    await conn.recv();
    count++;
  }
  await conn.send(count);
}

if (isMainProcess()) {
  const [mode, n] = argv();
  const [parent, child] = Pipe();
  let ms;
  let p;
  if (mode === 'pingpong') {
    p = new Process({ target: echo, args: [child] });
    await p.start();
    for (let i = 0; i < 100; i++) {
      await parent.send(message(i));
      await parent.recv();
    }
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      await parent.send(message(i));
      await parent.recv();
    }
    ms = performance.now() - t0;
    await parent.send(null);
  } else if (mode === 'oneway') {
    p = new Process({ target: sink, args: [child, n] });
    await p.start();
    if ((await parent.recv()) !== 'ready') throw new Error('child not ready');
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await parent.send(message(i));
    const count = await parent.recv();
    ms = performance.now() - t0;
    if (count !== n) throw new Error(`child counted ${count} of ${n}`);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  await p.join();
  parent.close();
  console.log(JSON.stringify({ ops: n, ms }));
}
