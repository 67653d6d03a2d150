// A race you can see: 4 processes add 1 to the same shared counter 50,000 times each.
// `counter.value += 1` is a read, then a write: two processes can read the same old value, and
// one of the two increments is lost. Holding the counter's lock around the read-modify-write
// makes it whole again (Python: `with counter.get_lock(): counter.value += 1`).
import { Barrier, Process, Value, isMainProcess, withLock } from 'concurrency-lab';

const WORKERS = 4;
const TIMES = 50_000;

export async function addUnlocked(counter: Value, ready: Barrier, times: number): Promise<void> {
  await ready.wait(); // line up with the other workers, so that they really run at the same time
  for (let i = 0; i < times; i++) {
    counter.value += 1; // read, add, write: not atomic
  }
}

export async function addLocked(counter: Value, ready: Barrier, times: number): Promise<void> {
  await ready.wait();
  const lock = counter.getLock();
  for (let i = 0; i < times; i++) {
    // The `with lock:` of JavaScript: acquire, run, always release.
    await withLock(lock, () => {
      counter.value += 1;
    });
  }
}

/** Starts the workers and waits for every one of them. */
async function runAll(workers: Process[]): Promise<void> {
  for (const w of workers) w.start();
  for (const w of workers) await w.join();
}

if (isMainProcess()) {
  const expected = WORKERS * TIMES;
  const plain = new Value('i', 0);
  const plainReady = new Barrier(WORKERS);
  await runAll(Array.from({ length: WORKERS }, () => new Process({ target: addUnlocked, args: [plain, plainReady, TIMES] })));
  const unlocked = plain.value;
  console.log(`without the lock: ${unlocked} of ${expected}` + (unlocked < expected ? ` (${expected - unlocked} updates lost)` : ' (no update lost this time: run it again)'));
  const guarded = new Value('i', 0);
  const guardedReady = new Barrier(WORKERS);
  await runAll(Array.from({ length: WORKERS }, () => new Process({ target: addLocked, args: [guarded, guardedReady, TIMES] })));
  const locked = guarded.value;
  console.log(`with the lock:    ${locked} of ${expected}` + (locked === expected ? ' (none lost)' : ` (${expected - locked} lost!)`));
}
