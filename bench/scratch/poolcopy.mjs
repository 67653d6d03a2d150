// Ours: Pool throughput on tiny tasks, the same protocol as python/mp_pool.py.
// Usage: node pool.mjs MODE N P   (MODE: apply_async | map1 | map)  ->  {"ops": N, "ms"}
// Spawn semantics: workers re-import this module and call `square` by its export name, so the
// benchmark itself sits behind the isMainProcess() guard.
import { Pool, isMainProcess } from '../../dist/runtime/index.js';
import { argv } from '../lib/message.mjs';

export function square(x) {
  return x * x;
}

if (isMainProcess()) {
  const [mode, n, procs] = argv();
  const pool = new Pool({ processes: procs });
  // Warm up: every worker started and has run a task before the clock starts (as in Python's).
  await pool.map(square, Array.from({ length: procs * 4 }, (_, i) => i), 1);
  const input = Array.from({ length: n }, (_, i) => i);
  const t0 = performance.now();
  let out;
  if (mode === 'apply_async') {
    const results = input.map((i) => pool.applyAsync(square, [i]));
    out = await Promise.all(results.map((r) => r.get()));
  } else if (mode === 'map1') {
    out = await pool.map(square, input, 1);
  } else if (mode === 'map') {
    out = await pool.map(square, input);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  const ms = performance.now() - t0;
  pool.close();
  await pool.join();
  // Checked so a run that silently dropped work cannot look fast.
  if (out.length !== n || out[n - 1] !== (n - 1) ** 2) throw new Error('pool returned wrong results');
  console.log(JSON.stringify({ ops: n, ms }));
}
