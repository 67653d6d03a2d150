// The run the runner campaign disturbs: a main process with shared memory (a Value and a Lock in
// /dev/shm), a Queue, a Pool(2) busy with tasks, and a child with a grandchild, all printing,
// until the run is stopped. Its first argument names a file where it notes its run id.
import * as fs from 'fs';
import { Lock, Pool, Process, Queue, Value, isMainProcess } from '../../../dist/runtime/index.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function task(i) {
  await sleep(5);
  return i;
}

export async function grandchild(q) {
  for (let i = 0; ; i++) {
    await q.put(`g${i}`);
    await sleep(10);
  }
}

export async function child(q, v, lock) {
  new Process({ target: grandchild, args: [q] }).start();
  for (let i = 0; ; i++) {
    await lock.acquire();
    v.value += 1;
    lock.release();
    console.log(`child ${i}`);
    await sleep(10);
  }
}

if (isMainProcess()) {
  fs.writeFileSync(process.argv[2], `${process.env.CONCURRENCY_LAB_RUN_ID}\n`);
  const v = new Value('i', 0);
  const lock = new Lock();
  const q = new Queue();
  new Process({ target: child, args: [q, v, lock], daemon: true }).start();
  const pool = new Pool(2);
  for (let round = 0; ; round++) {
    const got = await pool.map(task, [1, 2, 3, 4]);
    console.log(`main ${round} ${got.join(',')} ${v.value}`);
    while (!(await q.empty())) await q.get();
  }
}
