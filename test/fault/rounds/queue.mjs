// Queue fault round: P producers and C consumers share one Queue; at a random moment one
// consumer (or one producer) is SIGKILLed. A killed consumer is replaced. Every consumer records
// each item it gets with a write straight to its file, so what it took is known even if it dies.
// Invariants: every item of a surviving producer is recorded exactly once, except at most one
// per killed consumer (the item it was in the middle of receiving: reported, not a violation);
// a killed producer's items are recorded at most once; nobody blocks forever.
import * as fs from 'fs';
import * as path from 'path';
import { Process, Queue, isMainProcess } from '../../../dist/runtime/index.js';
import { params, records, recorder, report, rng, sleep, within } from './common.mjs';

const STOP = -1;
/** Items are 9-digit numbers (10 bytes a record line), so progress can be read from a file's size. */
const item = (p, i) => 1e8 + p * 1e7 + i;

export async function produce(q, p, n, file) {
  const record = recorder(file);
  for (let i = 0; i < n; i++) {
    await q.put(item(p, i));
    if (i % 64 === 63) record(String(i).padStart(9, '0')); // progress, so the kill can land mid-run
  }
}

export async function consume(q, file) {
  const record = recorder(file);
  for (;;) {
    const x = await q.get();
    if (x === STOP) return;
    record(String(x));
  }
}

if (isMainProcess()) {
  const prm = params();
  const rand = rng(prm.seed);
  const P = prm.producers ?? 4;
  const C = prm.consumers ?? 4;
  const perProducer = Math.ceil((prm.items ?? 25000) / P);
  const victimKind = prm.victim ?? (rand() < 0.5 ? 'consumer' : 'producer');
  // The kill lands after the victim has done this fraction of its share (watched in its file).
  const killAfter = rand();
  const joinMs = prm.joinMs ?? 60000;
  const q = new Queue();
  const files = [];
  const startConsumer = () => {
    const file = path.join(prm.dir, `c${files.length}`);
    files.push(file);
    const c = new Process({ target: consume, args: [q, file] });
    c.start();
    return c;
  };
  const producers = Array.from({ length: P }, (_, p) => new Process({ target: produce, args: [q, p, perProducer, path.join(prm.dir, `p${p}`)] }));
  const consumers = Array.from({ length: C }, startConsumer);
  for (const p of producers) p.start();
  const pool = victimKind === 'consumer' ? consumers : producers;
  const vi = Math.floor(rand() * pool.length);
  const victim = pool[vi];
  const progressFile = victimKind === 'consumer' ? files[vi] : path.join(prm.dir, `p${vi}`);
  // Record lines are 10 bytes: an item, or a producer's count every 64 items.
  const share = victimKind === 'consumer' ? (perProducer * P) / C : perProducer / 64;
  await untilProgress(progressFile, Math.floor(killAfter * share) * 10, victim, prm.watchMs ?? 30000);
  const faults = victim.isAlive() ? 1 : 0;
  victim.kill();
  await victim.join();
  const killedProducer = victimKind === 'producer' && victim.exitCode === -9 ? vi : -1;
  let killedConsumers = 0;
  if (victimKind === 'consumer') {
    killedConsumers = 1;
    consumers.splice(vi, 1);
    consumers.push(startConsumer());
  }
  let hangs = 0;
  for (const p of producers) if ((await within(p.join(), joinMs)) === 'timeout') hangs++;
  for (let i = 0; i < consumers.length; i++) await q.put(STOP);
  for (const c of consumers) if ((await within(c.join(), joinMs)) === 'timeout') hangs++;
  for (const p of [...producers, ...consumers]) if (p.isAlive()) p.kill();

  const seen = new Map();
  for (const f of files) for (const line of records(f)) seen.set(Number(line), (seen.get(Number(line)) ?? 0) + 1);
  let duplicated = 0;
  let missing = 0;
  for (const [, n] of seen) if (n > 1) duplicated += n - 1;
  for (let p = 0; p < P; p++) {
    if (p === killedProducer) continue;
    for (let i = 0; i < perProducer; i++) if (!seen.has(item(p, i))) missing++;
  }
  // The item a killed consumer was in the middle of receiving may be gone: allowed, reported.
  const inFlight = Math.min(missing, killedConsumers);
  const lost = missing - inFlight;
  report({ faults, hangs, lost, duplicated, inFlight, outcome: `${victimKind} killed ${faults ? 'mid-run' : 'after it finished'}` });
}

async function untilProgress(file, bytes, victim, maxMs) {
  const deadline = Date.now() + maxMs;
  while (victim.isAlive() && Date.now() < deadline) {
    let size = 0;
    try {
      size = fs.statSync(file).size;
    } catch {
      // not started yet
    }
    if (size >= bytes) return;
    await sleep(2);
  }
}
