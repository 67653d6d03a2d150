// Waiting together: an Event lets the parent start every worker at once, and a Barrier makes the
// workers wait for each other. Each worker takes a different time for its first step; none
// starts its second step before all have finished the first (the trace shows who waited, how long).
import { setTimeout as sleep } from 'node:timers/promises';
import { Barrier, Event, Process, isMainProcess } from 'concurrency-lab';

const WORKERS = 3;

export async function worker(start: Event, barrier: Barrier, id: number): Promise<void> {
  console.log(`worker ${id} waits for the start signal`);
  await start.wait(); // blocks until the parent calls start.set()
  await sleep(200 * (id + 1)); // step 1: takes 200, 400, 600 ms
  console.log(`worker ${id} finished step 1`);
  const arrival = await barrier.wait(); // blocks until all WORKERS arrived
  console.log(`worker ${id} passed the barrier (arrived ${arrival})`);
}

if (isMainProcess()) {
  const start = new Event();
  const barrier = new Barrier(WORKERS);
  const workers = Array.from({ length: WORKERS }, (_, id) => new Process({ target: worker, args: [start, barrier, id] }));
  for (const w of workers) w.start();
  await sleep(300);
  console.log('main: start!');
  start.set(); // wakes every worker waiting on the event
  for (const w of workers) await w.join();
  console.log('all workers passed the barrier');
}
