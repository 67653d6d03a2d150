// Pool.apply: blocks until its task is done, so the pool runs one task at a time.
// Same Pool(3) and 6 tasks as pool-apply-async, but strictly one after another: no overlap.
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, isMainProcess } from 'concurrency-lab';

export async function runTask(name: number): Promise<void> {
  console.log(`Task ${name} pid ${process.pid} is running, parent id is ${process.ppid}`);
  await sleep(1000);
  console.log(`Task ${name} end.`);
}

if (isMainProcess()) {
  console.log(`current process ${process.pid}`);
  const p = new Pool({ processes: 3 });
  for (let i = 0; i < 6; i++) {
    // Blocking: await waits for this task's result before the next one is submitted, so the
    // other workers sit idle. Use applyAsync to run tasks in parallel.
    await p.apply(runTask, [i]);
  }
  console.log('Waiting for all subprocesses done...');
  p.close();
  await p.join();
  console.log('All processes done!');
}
