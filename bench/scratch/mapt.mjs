import { Pool, isMainProcess } from '../../dist/runtime/index.js';
export function square(x) { return x * x; }
if (isMainProcess()) {
  const pool = new Pool({ processes: 2 });
  await pool.map(square, Array.from({ length: 8 }, (_, i) => i), 1);
  for (const n of [100000, 100000, 100000]) {
    const input = Array.from({ length: n }, (_, i) => i);
    let t0 = performance.now();
    const r = pool.mapAsync(square, input);
    const t1 = performance.now();
    await r.wait();
    const t2 = performance.now();
    console.log({ submit: (t1 - t0).toFixed(1), wait: (t2 - t1).toFixed(1) });
  }
  pool.close(); await pool.join();
}
