// Ours: shared Value + lock, the same protocol as python/mp_shared.py.
//   node shared.mjs locked N P [process|thread]  P children each do N `v.value += 1` under v.getLock()
//   node shared.mjs uncontended N                 N Lock acquire + release pairs in one process
// -> {"ops", "ms", "total"}. locked: from the moment every child is ready (started, at a start
// Event) to the last join(), on both sides: the lock, not process start-up (bench `process`).
import * as rt from '../../dist/runtime/index.js';

export async function inc(v, n, ready, go) {
  ready.release();
  await go.wait();
  const lock = v.getLock();
  for (let i = 0; i < n; i++) {
    await lock.acquire();
    v.value += 1;
    lock.release();
  }
}

if (rt.isMainProcess()) {
  const [mode, n = 50000, p = 4, context = 'process'] = process.argv.slice(2);
  const N = Number(n);
  if (mode === 'locked') {
    const ctx = rt.getContext(context);
    const v = new ctx.Value('i', 0); // its default lock, an RLock, as Python's
    const ready = new ctx.Semaphore(0);
    const go = new ctx.Event();
    const ps = Array.from({ length: Number(p) }, () => new ctx.Process({ target: inc, args: [v, N, ready, go] }));
    for (const x of ps) x.start();
    for (const _ of ps) await ready.acquire();
    const t0 = performance.now();
    go.set();
    for (const x of ps) await x.join();
    const ms = performance.now() - t0;
    if (v.value !== N * Number(p)) throw new Error(`lost updates under the lock: ${v.value}`);
    console.log(JSON.stringify({ ops: N * Number(p), ms, total: v.value }));
  } else if (mode === 'uncontended') {
    const lock = new rt.Lock();
    for (let i = 0; i < 10000; i++) {
      await lock.acquire();
      lock.release();
    }
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      await lock.acquire();
      lock.release();
    }
    const ms = performance.now() - t0;
    console.log(JSON.stringify({ ops: N, ms }));
  } else throw new Error(`unknown mode ${mode}`);
}
