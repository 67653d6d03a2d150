// Ours: a Manager dict, set + get round trips from the main process; the same protocol as
// python/mp_manager.py. Usage: node manager.mjs N  ->  {"ops": N, "ms"} (one op = a set + get pair)
import { Manager, isMainProcess } from '../../dist/runtime/index.js';
import { argv, message } from '../lib/message.mjs';

if (isMainProcess()) {
  const [n] = argv();
  const manager = await Manager.start();
  const d = await manager.dict();
  for (let i = 0; i < 200; i++) {
    await d.set('k', message(i));
    await d.get('k');
  }
  const t0 = performance.now();
  let got;
  for (let i = 0; i < n; i++) {
    await d.set('k', message(i));
    got = await d.get('k');
  }
  const ms = performance.now() - t0;
  if (got.id !== n - 1) throw new Error(`read back ${JSON.stringify(got)}`);
  await manager.shutdown();
  console.log(JSON.stringify({ ops: n, ms }));
}
