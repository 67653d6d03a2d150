// Ours: T CPU-bound tasks of spin(ITERS) (~20 ms each) on a Pool of P workers.
// Usage: node cpu.mjs ITERS T P  ->  {"ops": T, "ms"}
import { Pool, isMainProcess } from '../../dist/runtime/index.js';
import { argv } from '../lib/message.mjs';
import { spin } from '../lib/work.mjs';

export function burn(iters) {
  return spin(iters);
}

if (isMainProcess()) {
  const [iters, tasks, procs] = argv();
  const pool = new Pool({ processes: procs });
  // Warm up every worker (and its JIT for spin) before the clock starts.
  await pool.map(burn, Array.from({ length: procs * 2 }, () => Math.floor(iters / 10)), 1);
  const t0 = performance.now();
  const out = await pool.map(burn, Array.from({ length: tasks }, () => iters), 1);
  const ms = performance.now() - t0;
  pool.close();
  await pool.join();
  if (out.length !== tasks) throw new Error('pool returned wrong results');
  console.log(JSON.stringify({ ops: tasks, ms }));
}
