// Deadlock: two processes take the same two locks in opposite order. Each holds its first lock
// and waits for its second, which the other holds: neither can go on, and the run never ends.
// Concurrency Lab sees it live and names both waits (the panel's banner, or
// `concurrency-lab run deadlock-locks.mjs --on-deadlock stop`, which stops the run with exit code 3).
// The fix: every process takes the locks in ONE agreed order (a, then b). Run the fixed variant
// with `concurrency-lab run deadlock-locks.mjs fixed`, or set FIXED to true.
import { Barrier, Lock, Process, isMainProcess } from 'concurrency-lab';

const FIXED = process.argv.includes('fixed');

export async function transfer(name, first, second, bothHoldOne) {
  await first.acquire();
  console.log(`${name} holds its first lock`);
  // Waits until the other one holds its first lock too: the unlucky timing, made certain. (Without
  // it the deadlock only happens sometimes, which is worse: the bug hides.)
  if (bothHoldOne) await bothHoldOne.wait();
  await second.acquire(); // deadlocked here: the other process holds `second`
  console.log(`${name} holds both locks`);
  second.release();
  first.release();
}

if (isMainProcess()) {
  const a = new Lock();
  const b = new Lock();
  const bothHoldOne = FIXED ? null : new Barrier(2);
  const p1 = new Process({ target: transfer, args: ['Process-1', a, b, bothHoldOne] });
  // The bug: Process-2 takes b first. The fix: it takes a first too, like Process-1.
  const p2 = new Process({ target: transfer, args: FIXED ? ['Process-2', a, b, null] : ['Process-2', b, a, bothHoldOne] });
  p1.start();
  p2.start();
  await p1.join();
  await p2.join();
  console.log('both transfers done');
}
