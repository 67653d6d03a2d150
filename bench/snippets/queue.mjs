// Ours: Queue one-way throughput parent -> child, the same protocol as python/mp_queue.py.
// Usage: node queue.mjs N  ->  {"ops": N, "ms"}
import { Process, Queue, isMainProcess } from '../../dist/runtime/index.js';
import { argv, message } from '../lib/message.mjs';

export async function consumer(q, done, n) {
  await done.put('ready');
  let count = 0;
  for (let i = 0; i < n; i++) {
    await q.get();
    count++;
  }
  await done.put(count);
}

if (isMainProcess()) {
  const [n] = argv();
  const q = new Queue();
  const done = new Queue();
  const p = new Process({ target: consumer, args: [q, done, n] });
  await p.start();
  if ((await done.get()) !== 'ready') throw new Error('child not ready');
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await q.put(message(i));
  const count = await done.get();
  const ms = performance.now() - t0;
  if (count !== n) throw new Error(`child counted ${count} of ${n}`);
  await p.join();
  q.close();
  done.close();
  console.log(JSON.stringify({ ops: n, ms }));
}
