// Reference: Node's own IPC channel (child_process.fork, serialization 'advanced' = structured
// clone), used as a Pipe. Usage: node node-ipc.mjs pingpong|oneway N  ->  {"ops": N, "ms"}
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { argv, message } from '../lib/message.mjs';

const [mode, n] = argv();
const child = fork(fileURLToPath(new URL('./node-ipc-child.mjs', import.meta.url)), [mode, String(n)], { serialization: 'advanced' });
// Subscribed now: the child may exit before we are done reading its last message.
const exited = once(child, 'exit');
const next = () => once(child, 'message').then(([m]) => m);
let ms;
if (mode === 'pingpong') {
  for (let i = 0; i < 100; i++) {
    child.send(message(i));
    await next();
  }
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    child.send(message(i));
    await next();
  }
  ms = performance.now() - t0;
  child.send(null);
} else {
  if ((await next()) !== 'ready') throw new Error('child not ready');
  const t0 = performance.now();
  for (let i = 0; i < n; i++) child.send(message(i));
  const count = await next();
  ms = performance.now() - t0;
  if (count !== n) throw new Error(`child counted ${count} of ${n}`);
}
await exited;
console.log(JSON.stringify({ ops: n, ms }));
