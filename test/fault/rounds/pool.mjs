// Pool fault round: Pool(3) runs 24 short tasks through map, imap or applyAsync while one fault
// strikes: a worker SIGKILLed by the main process at a random moment, or the task picked at
// random calling process.exit or throwing an uncaught error. Invariants: every task's result is
// right or its task (only the faulted one) rejects with BrokenPoolError naming it; the pool goes
// on with a replacement (a later apply works); close() + join() return; nothing hangs.
import { BrokenPoolError, Pool, activeChildren, isMainProcess } from '../../../dist/runtime/index.js';
import { params, report, rng, sleep, within } from './common.mjs';

export async function work(i, fault, ms) {
  await sleep(ms);
  if (fault === 'exit') process.exit(3);
  if (fault === 'uncaught') {
    setTimeout(() => {
      throw new Error(`uncaught in task ${i}`);
    }, 0);
    await sleep(60000);
  }
  return i * 2;
}

/** imap passes one argument: the task's [i, fault, ms]. */
export function workOne(a) {
  return work(...a);
}

if (isMainProcess()) {
  const prm = params();
  const rand = rng(prm.seed);
  const N = prm.tasks ?? 24;
  const api = prm.api ?? ['map', 'imap', 'applyAsync'][Math.floor(rand() * 3)];
  const fault = prm.fault ?? ['sigkill', 'exit', 'uncaught'][Math.floor(rand() * 3)];
  const joinMs = prm.joinMs ?? 60000;
  const faulty = fault === 'sigkill' ? -1 : Math.floor(rand() * N);
  const ms = Array.from({ length: N }, () => 10 + Math.floor(rand() * 60));
  const killAt = Math.floor(rand() * ((N * 40) / 3)); // about the batch's length
  const violations = [];
  let broken = 0;
  let faults = fault === 'sigkill' ? 0 : 1;
  const pool = new Pool(3);
  // Workers up first, so the SIGKILL lands while tasks run rather than during start-up.
  await pool.starmap(work, [0, 1, 2].map((i) => [i, null, 1]), 1);
  const arg = (i) => [i, i === faulty ? fault : null, ms[i]];
  const brokenOk = (err, what) => {
    if (!(err instanceof BrokenPoolError)) violations.push(`${what}: ${err?.name}: ${err?.message}`);
    else if (!/running task \d+ work/.test(err.message)) violations.push(`${what}: BrokenPoolError does not name the task: ${err.message}`);
    broken++;
  };
  // The SIGKILL comes from outside the tasks, at a random moment (once the workers are up).
  const killer = (async () => {
    if (fault !== 'sigkill') return;
    await sleep(killAt);
    const workers = activeChildren();
    const w = workers[Math.floor(rand() * workers.length)];
    if (!w) return;
    try {
      process.kill(w.pid, 'SIGKILL');
      faults = 1;
    } catch {
      // it had just exited
    }
  })();
  const run = (async () => {
    if (api === 'applyAsync') {
      const rs = Array.from({ length: N }, (_, i) => pool.applyAsync(work, arg(i)));
      for (let i = 0; i < N; i++) {
        try {
          const v = await rs[i].get();
          if (v !== i * 2) violations.push(`task ${i} returned ${v}`);
        } catch (err) {
          brokenOk(err, `task ${i}`);
          if (faulty >= 0 && i !== faulty) violations.push(`task ${i} broke, but the fault was in task ${faulty}`);
        }
      }
    } else if (api === 'map') {
      try {
        const vs = await pool.starmap(work, Array.from({ length: N }, (_, i) => arg(i)));
        vs.forEach((v, i) => v !== i * 2 && violations.push(`map[${i}] = ${v}`));
        if (faulty >= 0) violations.push('map resolved although a task faulted');
      } catch (err) {
        brokenOk(err, 'map');
      }
    } else {
      let i = 0;
      try {
        for await (const v of pool.imap(workOne, Array.from({ length: N }, (_, k) => arg(k)))) {
          if (v !== i * 2) violations.push(`imap[${i}] = ${v}`);
          i++;
        }
        if (faulty >= 0) violations.push('imap finished although a task faulted');
      } catch (err) {
        brokenOk(err, `imap at ${i}`);
        if (faulty >= 0 && i !== faulty) violations.push(`imap broke at ${i}, but the fault was in task ${faulty}`);
      }
    }
  })();
  let hangs = 0;
  if ((await within(Promise.all([run, killer]), joinMs)) === 'timeout') hangs++;
  if (broken > 1) violations.push(`${broken} tasks broke from one fault`);
  if (faulty >= 0 && broken !== 1 && hangs === 0) violations.push(`the faulted task ${faulty} did not break (${broken} broke)`);
  // The pool goes on: a replacement worker runs the next task.
  const after = await within(pool.apply(work, [100, null, 1]).catch((e) => `${e.name}: ${e.message}`), joinMs);
  if (after === 'timeout') hangs++;
  else if (after !== 200) violations.push(`apply after the fault gave ${after}`);
  pool.close();
  if ((await within(pool.join(), joinMs)) === 'timeout') {
    hangs++;
    await pool.terminate();
  }
  report({ faults, hangs, violations, broken, outcome: `${api}/${fault}: ${broken ? 'task broke' : 'no task hit'}` });
}
