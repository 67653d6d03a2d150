// Reference for the CPU-bound speedup: T tasks of spin(iters) split over P raw forked children
// (no pool, no messages per task). Shows what the machine allows right now: on a shared, busy
// machine even this falls short of 2×. Usage: node cpu-raw.mjs ITERS T P  ->  {"ops": T, "ms"}
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { argv } from '../lib/message.mjs';
import { spin } from '../lib/work.mjs';

const [iters, tasks, procs] = argv();
if (process.send) {
  // child: run its share, report when done
  process.once('message', (count) => {
    for (let i = 0; i < count; i++) spin(iters);
    process.send('done', () => process.disconnect());
  });
  process.send('ready');
} else {
  const me = fileURLToPath(import.meta.url);
  const children = Array.from({ length: procs }, () => fork(me, process.argv.slice(2)));
  // Subscribed now: a child may exit while we still wait for another's result.
  const exited = children.map((c) => once(c, 'exit'));
  await Promise.all(children.map((c) => once(c, 'message')));
  const t0 = performance.now();
  children.forEach((c, k) => c.send(Math.floor(tasks / procs) + (k < tasks % procs ? 1 : 0)));
  await Promise.all(children.map((c) => once(c, 'message')));
  const ms = performance.now() - t0;
  await Promise.all(exited);
  console.log(JSON.stringify({ ops: tasks, ms }));
}
