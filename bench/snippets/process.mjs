// Ours: K sequential Process start + join of an empty target (compare baselines/fork-empty.mjs).
// Usage: node process.mjs K  ->  {"samples": [ms per start+join, ...]} (first one is warm-up, dropped)
import { Process, isMainProcess } from '../../dist/runtime/index.js';
import { argv } from '../lib/message.mjs';

export function noop() {}

if (isMainProcess()) {
  const [k] = argv();
  const samples = [];
  for (let i = 0; i <= k; i++) {
    const t0 = performance.now();
    const p = new Process({ target: noop });
    await p.start();
    await p.join();
    if (i > 0) samples.push(performance.now() - t0);
    if (p.exitCode !== 0) throw new Error(`child exited ${p.exitCode}`);
  }
  console.log(JSON.stringify({ samples }));
}
