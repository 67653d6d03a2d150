// A starved worker: two workers take jobs from one queue until they get the "no more work" mark
// (null). The parent puts 6 jobs but only ONE mark: the worker that gets it stops, and the other
// waits in q.get() for work that never comes — while the parent waits to join it. Concurrency Lab
// sees that nobody alive will ever put to the queue and says so (the panel's banner, or
// `concurrency-lab run starved-worker.mjs --on-deadlock stop`, which stops it with exit code 3).
// The fix: one mark per worker. Run the fixed variant with
// `concurrency-lab run starved-worker.mjs fixed`, or set FIXED to true.
import { Process, Queue, isMainProcess } from 'concurrency-lab';

const FIXED = process.argv.includes('fixed');
const WORKERS = 2;
const JOBS = 6;

export async function worker(name, q) {
  for (;;) {
    const job = await q.get(); // starved here: the queue stays empty
    if (job === null) break; // the "no more work" mark
    console.log(`${name} did job ${job}`);
  }
  console.log(`${name} stops`);
}

if (isMainProcess()) {
  const q = new Queue();
  const workers = Array.from({ length: WORKERS }, (_, i) => new Process({ target: worker, args: [`worker ${i + 1}`, q] }));
  for (const w of workers) w.start();
  for (let job = 1; job <= JOBS; job++) await q.put(job);
  // The bug: one mark for two workers. The fix: one per worker.
  for (let i = 0; i < (FIXED ? WORKERS : 1); i++) await q.put(null);
  for (const w of workers) await w.join();
  console.log('all workers stopped');
}
