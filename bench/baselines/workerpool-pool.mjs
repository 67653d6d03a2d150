// Baseline: workerpool in process mode (child_process workers), N tiny tasks on P workers.
// Usage: node workerpool-pool.mjs N P  ->  {"ops": N, "ms": elapsed}
import workerpool from 'workerpool';
import { fileURLToPath } from 'node:url';
import { argv } from '../lib/message.mjs';

const [n, procs] = argv();
const pool = workerpool.pool(fileURLToPath(new URL('./workerpool-worker.cjs', import.meta.url)), { workerType: 'process', minWorkers: procs, maxWorkers: procs });
// Warm up: every worker started and has run a task before the clock starts (as in every Pool bench).
await Promise.all(Array.from({ length: procs * 4 }, (_, i) => pool.exec('square', [i])));
const t0 = performance.now();
const out = await Promise.all(Array.from({ length: n }, (_, i) => pool.exec('square', [i])));
const ms = performance.now() - t0;
await pool.terminate();
if (out.length !== n || out[n - 1] !== (n - 1) ** 2) throw new Error('workerpool returned wrong results');
console.log(JSON.stringify({ ops: n, ms }));
