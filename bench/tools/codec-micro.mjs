// Micro-benchmark behind a RESULTS.md finding: one Pool.map chunk's result (125,000 numbers)
// through the runtime's JSON route (the jsonSafe-style walk + stringify + parse) vs V8's
// structured clone (v8.serialize + deserialize), 8 round trips = 1M numbers, alternating.
// Usage: node bench/tools/codec-micro.mjs
import * as v8 from 'node:v8';
import { median } from '../lib/harness.mjs';

const chunk = Array.from({ length: 125_000 }, (_, i) => i * i);

/** The per-element check src/runtime/transport/codec.ts makes before choosing JSON. */
function jsonSafeNumbers(arr) {
  for (let i = 0; i < arr.length; i++) if (!(Number.isFinite(arr[i]) && !Object.is(arr[i], -0))) return false;
  return true;
}
const routes = {
  json: () => {
    jsonSafeNumbers(chunk);
    return JSON.parse(Buffer.from(JSON.stringify(chunk)).toString('utf8'));
  },
  v8: () => v8.deserialize(v8.serialize(chunk)),
};
const times = { json: [], v8: [] };
for (let round = 0; round < 5; round++) {
  for (const [name, f] of Object.entries(routes)) {
    const t0 = performance.now();
    for (let i = 0; i < 8; i++) if (f().length !== chunk.length) throw new Error(`${name} lost items`);
    times[name].push(performance.now() - t0);
  }
}
for (const [name, xs] of Object.entries(times)) console.log(`${name.padEnd(5)} ${median(xs).toFixed(1)} ms per 1M numbers (median of ${xs.length})`);
