// Pool.applyAsync: submit without waiting, so the pool runs tasks in parallel.
// Pool(3) and 6 tasks of 1 s: tasks 0-2 start together, then 3-5 reuse the same 3 worker pids.
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, isMainProcess } from 'concurrency-lab';

export async function runTask(name) {
  console.log(`Task ${name} pid ${process.pid} is running, parent id is ${process.ppid}`);
  await sleep(1000);
  console.log(`Task ${name} end.`);
}

if (isMainProcess()) {
  console.log(`current process ${process.pid}`);
  // The number of worker processes; without it the pool has one per CPU core.
  const p = new Pool({ processes: 3 });
  for (let i = 0; i < 6; i++) {
    // Non-blocking: returns an AsyncResult at once, so this loop ends before any task does.
    p.applyAsync(runTask, [i]);
  }
  console.log('Waiting for all subprocesses done...');
  // close() first: join() may only be called after close() or terminate().
  p.close();
  await p.join();
  console.log('All processes done!');
}
