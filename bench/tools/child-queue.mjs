// Micro-benchmark behind docs/reliability.md "Creators that die" (#13): 100,000 awaited puts
// through a Queue made by the main process (a child produces, main consumes: the common case),
// or made by a child (the child produces, its own child consumes; since #13 such a queue lives
// in the main process and each awaited put resolves once its item is in the kernel).
// Usage: node bench/tools/child-queue.mjs [n] [main|child]   (prints the wall time in ms)
import { Process, Queue, isMainProcess } from '../../dist/runtime/index.js';

export async function produce(q, n) {
  for (let i = 0; i < n; i++) await q.put(i);
}

export async function consume(q, n) {
  for (let i = 0; i < n; i++) await q.get();
}

export async function childMade(n, out) {
  const q = new Queue();
  const p = new Process({ target: consume, args: [q, n] });
  p.start();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await q.put(i);
  await p.join();
  await out.put(performance.now() - t0);
}

if (isMainProcess()) {
  const n = Number(process.argv[2] ?? 100000);
  const mode = process.argv[3] ?? 'main';
  let ms;
  if (mode === 'main') {
    const q = new Queue();
    const t0 = performance.now();
    const p = new Process({ target: produce, args: [q, n] });
    p.start();
    for (let i = 0; i < n; i++) await q.get();
    await p.join();
    ms = performance.now() - t0;
  } else {
    const out = new Queue();
    const p = new Process({ target: childMade, args: [n, out] });
    p.start();
    ms = await out.get();
    await p.join();
  }
  console.log(`${mode} ${n} ${Math.round(ms)} ms`);
}
