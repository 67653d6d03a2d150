// Baseline: K sequential raw child_process.fork(empty.mjs) + wait for exit.
// Usage: node fork-empty.mjs K  ->  {"samples": [ms per start+exit, ...]} (first one is warm-up, dropped)
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { argv } from '../lib/message.mjs';

const [k] = argv();
const script = fileURLToPath(new URL('./empty.mjs', import.meta.url));
const samples = [];
for (let i = 0; i <= k; i++) {
  const t0 = performance.now();
  const child = fork(script);
  await once(child, 'exit');
  if (i > 0) samples.push(performance.now() - t0);
}
console.log(JSON.stringify({ samples }));
