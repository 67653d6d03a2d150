// Creator fault round: a child (the creator) makes a Queue, a JoinableQueue and a one-way Pipe,
// hands them to its own children — a producer and one or two consumers — sends a few pipe
// messages and puts numbered items, recording each put that resolved. At a random point of its
// stream it dies: SIGKILLed by the main process (how = kill), its own process.exit(0) with its
// children alive (exit), or (early) SIGKILLed by itself microseconds after start() of one more
// child, the late writer, that holds the queue and the pipe's writing end and has not yet read
// its arguments (the producer holds no pipe end then: the creator was the last registered writer,
// so a pipe that counted only registered writers gave its reader EOF before the late writer's
// messages). The children go on as orphans (the queues and the pipe live in the main process):
// the producer puts and sends the rest, fills the JoinableQueue and joins it, waits for the late
// writer (if it ever ran), then stops the consumers. Invariants: every creator item whose put()
// resolved is received exactly once, at most one more (the put in progress at the kill: reported,
// not a violation); every producer item exactly once, and every late writer's item if it ran;
// the pipe's reader gets every writer's messages in order (the late writer's: all if it ran,
// none if the kill came before its boot message left), then EOFError; join() returns; every
// orphan ends on its own; nobody blocks forever.
import * as fs from 'fs';
import * as path from 'path';
import { EOFError, JoinableQueue, Pipe, Process, Queue, isMainProcess } from '../../../dist/runtime/index.js';
import { alive, params, records, recorder, report, rng, sleep, within } from './common.mjs';

const STOP = -1;
const mine = (i) => 1e8 + i;
const theirs = (i) => 2e8 + i;
const late = (i) => 3e8 + i;
/** When the creator kills itself after start() of the late writer (how = early). */
const MOMENTS = ['sync', 'tick', 'immediate', '1ms', '3ms'];

async function until(file, ms) {
  const deadline = Date.now() + ms;
  while (!fs.existsSync(file) && Date.now() < deadline) await sleep(2);
  return fs.existsSync(file);
}

export async function producer(q, jq, w, dir, s) {
  fs.writeFileSync(path.join(dir, 'producer.pid'), String(process.pid));
  const half = s.producerMsgs >> 1;
  for (let i = 0; i < s.producerItems; i++) {
    await q.put(theirs(i));
    if (i < half) w.send(theirs(i));
    if (i % 64 === 63) await new Promise((r) => setImmediate(r));
  }
  await until(path.join(dir, 'dead'), 120000);
  for (let i = half; i < s.producerMsgs; i++) w.send(theirs(i));
  for (let i = 0; i < s.joinItems; i++) await jq.put(i);
  await jq.join();
  fs.writeFileSync(path.join(dir, 'joined'), '');
  // The late writer's items go first (the main process says when it never ran).
  if (s.early) while (!fs.existsSync(path.join(dir, 'late.done')) && !fs.existsSync(path.join(dir, 'late.none'))) await sleep(2);
  for (let c = 0; c < s.consumers; c++) await q.put(STOP);
}

/** Started by the creator just before it dies (how = early): a writer that registers late. */
export async function lateWriter(q, w, dir, s) {
  fs.writeFileSync(path.join(dir, 'late.started'), '');
  for (let i = 0; i < s.lateMsgs; i++) w.send(late(i));
  for (let i = 0; i < s.lateItems; i++) await q.put(late(i));
  fs.writeFileSync(path.join(dir, 'late.done'), '');
}

/** The creator SIGKILLs itself at `moment` after the call (same tick, next tick, next turn, or ms). */
function dieAt(moment) {
  const die = () => process.kill(process.pid, 'SIGKILL');
  if (moment === 'sync') die();
  else if (moment === 'tick') process.nextTick(die);
  else if (moment === 'immediate') setImmediate(die);
  else setTimeout(die, parseInt(moment, 10));
}

export async function consumer(k, q, jq, r, dir, s) {
  fs.writeFileSync(path.join(dir, `consumer${k}.pid`), String(process.pid));
  const record = recorder(path.join(dir, `c${k}`));
  const tasks = [
    (async () => {
      for (;;) {
        const x = await q.get();
        if (x === STOP) break;
        record(String(x));
      }
      // An item of the creator read by the main process after the STOPs (another connection):
      // not expected, but read here rather than counted lost.
      for (;;) {
        let x;
        try {
          x = await q.get({ timeout: 500 });
        } catch {
          return;
        }
        if (x === STOP) {
          await q.put(STOP); // another consumer's
          return;
        }
        record(String(x));
      }
    })(),
  ];
  if (k === 0) {
    const pipe = recorder(path.join(dir, 'pipe'));
    const joinable = recorder(path.join(dir, 'joinable'));
    tasks.push(
      (async () => {
        for (;;) {
          try {
            pipe(String(await r.recv()));
          } catch (err) {
            pipe(err instanceof EOFError ? 'EOF' : `ERR ${err?.name}: ${err?.message}`);
            return;
          }
        }
      })(),
      (async () => {
        for (let i = 0; i < s.joinItems; i++) {
          joinable(String(await jq.get()));
          await jq.taskDone();
        }
      })(),
    );
  }
  await Promise.all(tasks);
}

export async function creator(dir, how, s) {
  const q = new Queue();
  const jq = new JoinableQueue();
  const [r, w] = Pipe(false);
  for (let k = 0; k < s.consumers; k++) new Process({ target: consumer, args: [k, q, jq, r, dir, s] }).start();
  // Early: the producer holds no pipe end, so the creator is the pipe's last registered writer.
  new Process({ target: producer, args: [q, jq, s.early ? null : w, dir, s] }).start();
  for (let i = 0; i < s.creatorMsgs; i++) w.send(mine(i));
  // Every holder running (its handles read) before the creator can die.
  for (const f of ['producer', ...Array.from({ length: s.consumers }, (_, k) => `consumer${k}`)]) await until(path.join(dir, `${f}.pid`), 120000);
  const resolved = recorder(path.join(dir, 'resolved'));
  for (let i = 0; i < s.creatorItems; i++) {
    await q.put(mine(i));
    resolved(String(i));
    if (i + 1 === s.endAfter) {
      if (how === 'early') {
        const p = new Process({ target: lateWriter, args: [q, w, dir, s], name: 'late' });
        p.start();
        fs.writeFileSync(path.join(dir, 'late.pid'), String(p.pid));
        fs.writeFileSync(path.join(dir, 'ready'), '');
        dieAt(s.moment);
        return new Promise(() => undefined);
      }
      fs.writeFileSync(path.join(dir, 'ready'), '');
      if (how === 'exit') process.exit(0);
    }
    if (i % 64 === 63) await new Promise((r) => setImmediate(r));
  }
  for (;;) await sleep(1000);
}

if (isMainProcess()) {
  const prm = params();
  const rand = rng(prm.seed);
  rand(); // (the first draw of nearby seeds is alike)
  const how = prm.how ?? ['kill', 'exit', 'early'][Math.floor(rand() * 3)];
  const n = prm.items ?? 6000;
  const s = {
    consumers: rand() < 0.5 ? 1 : 2,
    creatorItems: Math.floor(n / 2),
    endAfter: 1 + Math.floor(rand() * (n / 2 - 1)),
    creatorMsgs: 1 + Math.floor(rand() * 50),
    producerItems: Math.floor(n / 2),
    producerMsgs: 2 + Math.floor(rand() * 2000),
    joinItems: 1 + Math.floor(rand() * 50),
    early: how === 'early',
    moment: prm.moment ?? MOMENTS[Math.floor(rand() * MOMENTS.length)],
    lateMsgs: 1 + Math.floor(rand() * 500),
    lateItems: 1 + Math.floor(rand() * 500),
  };
  if (s.early) s.producerMsgs = 0;
  const joinMs = prm.joinMs ?? 60000;
  const dir = prm.dir;
  const c = new Process({ target: creator, args: [dir, how, s], name: 'creator' });
  c.start();
  const violations = [];
  let hangs = 0;
  if (!(await until(path.join(dir, 'ready'), prm.watchMs ?? 60000))) violations.push('the creator never reached its end point');
  // A kill lands a random moment after the creator's endAfter-th put resolved (it goes on putting).
  if (how === 'kill') {
    await sleep(Math.floor(rand() * 5));
    c.kill();
  }
  if ((await within(c.join(), joinMs)) === 'timeout') hangs++;
  const faults = how === 'exit' ? (c.exitCode === 0 ? 1 : 0) : c.exitCode === -9 ? 1 : 0;
  fs.writeFileSync(path.join(dir, 'dead'), '');
  // Early: the late writer either runs (its boot message left before the kill) or, never booted,
  // exits when it finds its parent gone; the producer waits for one or the other.
  let lateRan = false;
  if (s.early) {
    const latePid = Number(fs.readFileSync(path.join(dir, 'late.pid'), 'utf8'));
    const started = path.join(dir, 'late.started');
    const deadline = Date.now() + joinMs;
    while (!fs.existsSync(started) && alive(latePid) && Date.now() < deadline) await sleep(2);
    lateRan = fs.existsSync(started);
    if (!lateRan && alive(latePid)) violations.push('the late writer neither ran nor ended');
    if (!lateRan) fs.writeFileSync(path.join(dir, 'late.none'), '');
  }
  const pidOf = (f) => {
    try {
      return Number(fs.readFileSync(path.join(dir, `${f}.pid`), 'utf8'));
    } catch {
      return 0;
    }
  };
  const pids = ['producer', ...Array.from({ length: s.consumers }, (_, k) => `consumer${k}`), ...(s.early ? ['late'] : [])].map(pidOf).filter((p) => p > 0);
  const deadline = Date.now() + joinMs;
  while (pids.some(alive) && Date.now() < deadline) await sleep(10);
  for (const pid of pids.filter(alive)) {
    hangs++;
    process.kill(pid, 'SIGKILL');
  }

  const seen = new Map();
  for (let k = 0; k < s.consumers; k++) for (const line of records(path.join(dir, `c${k}`))) seen.set(Number(line), (seen.get(Number(line)) ?? 0) + 1);
  const resolvedCount = records(path.join(dir, 'resolved')).length;
  let duplicated = 0;
  let lost = 0;
  let inFlight = 0;
  for (const [, k] of seen) if (k > 1) duplicated += k - 1;
  for (let i = 0; i < s.creatorItems; i++) {
    const got = seen.get(mine(i)) ?? 0;
    if (i < resolvedCount && !got) lost++;
    if (i >= resolvedCount && got) inFlight++;
  }
  if (inFlight > 1) violations.push(`${inFlight} of the creator's items arrived whose put() had not resolved (at most the one in progress may)`);
  if (how === 'exit' && inFlight) violations.push('an item beyond the creator\'s last put arrived');
  for (let i = 0; i < s.producerItems; i++) if (!seen.get(theirs(i))) lost++;
  for (let i = 0; i < s.lateItems; i++) {
    if (lateRan && !seen.get(late(i))) lost++;
    if (!lateRan && seen.get(late(i))) violations.push(`the late writer's item ${i} arrived, yet it never ran`);
  }
  // The pipe: each writer's messages in order, all of them, then EOF.
  const lines = records(path.join(dir, 'pipe'));
  const end = lines.at(-1);
  if (end !== 'EOF') violations.push(`the pipe's reader ended with ${end ?? 'nothing'}, not EOFError`);
  const msgs = lines.filter((l) => l !== 'EOF' && !l.startsWith('ERR')).map(Number);
  const expect = (list, f, count, who) => {
    const got = list.filter((x) => Math.floor(x / 1e8) === Math.floor(f(0) / 1e8));
    if (got.length !== count || got.some((x, i) => x !== f(i))) violations.push(`${who}'s pipe messages: ${got.length} of ${count}, or out of order`);
  };
  expect(msgs, mine, s.creatorMsgs, 'the creator');
  expect(msgs, theirs, s.producerMsgs, 'the producer');
  if (s.early) expect(msgs, late, lateRan ? s.lateMsgs : 0, `the late writer (${lateRan ? 'ran' : 'never ran'})`);
  const joinable = records(path.join(dir, 'joinable')).map(Number);
  if (joinable.length !== s.joinItems || !fs.existsSync(path.join(dir, 'joined'))) violations.push(`JoinableQueue: ${joinable.length} of ${s.joinItems} items taken, join() ${fs.existsSync(path.join(dir, 'joined')) ? 'returned' : 'did not return'}`);
  const death = how === 'early' ? `SIGKILLed ${s.moment === 'sync' ? 'in the same tick as' : s.moment === 'tick' ? 'the tick after' : s.moment === 'immediate' ? 'the turn after' : `${s.moment} after`} start() of a late writer (${lateRan ? 'it ran' : 'it never ran'})` : how === 'kill' ? 'SIGKILLed mid-stream' : 'process.exit() mid-stream';
  report({ faults, hangs, violations, lost, duplicated, inFlight, outcome: `creator ${death}, ${s.consumers} consumer(s)` });
  fs.rmSync(dir, { recursive: true, force: true });
}
