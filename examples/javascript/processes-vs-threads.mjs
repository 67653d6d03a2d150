// Processes vs threads: the same Pool workload in the 'process' context and the 'thread'
// context (worker_threads, like Python's multiprocessing.dummy). What the seed weighs:
//
//                    processes                          threads
//   memory           separate address spaces            shared by the whole process
//   create/destroy   costly                             cheap
//   switching        slower                             faster
//   a crash          stays in its process               takes the whole process down
//   communication    IPC: pipes, queues, sockets, ...   shared data
//   choose for       stability, safety, many machines   speed, many cores, frequent creation
import { threadId } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { getContext, isMainProcess } from 'concurrency-lab';

export async function runTask(name) {
  console.log(`Task ${name} pid ${process.pid} thread ${threadId} is running`);
  await sleep(500);
  return { pid: process.pid, threadId };
}

if (isMainProcess()) {
  for (const kind of ['process', 'thread']) {
    const ctx = getContext(kind);
    const started = performance.now();
    const pool = new ctx.Pool({ processes: 3 });
    const pending = [];
    for (let i = 0; i < 6; i++) pending.push(pool.applyAsync(runTask, [i]));
    const ran = [];
    for (const r of pending) ran.push(await r.get());
    pool.close();
    await pool.join();
    const pids = new Set(ran.map((w) => w.pid));
    const workers = new Set(ran.map((w) => `${w.pid}/${w.threadId}`));
    console.log(
      `${kind} context: ${workers.size} workers in ${pids.size} process(es), ` +
        `${Math.round(performance.now() - started)} ms including start-up`,
    );
  }
}
