// Manager: a server process (SyncManager-1) holds a dict and a list; children change them through
// proxies. Every proxy call is a round trip to the manager process (arrows in the trace): slower
// than shared memory, but any value works, and the manager can even serve other machines.
import { Manager, Process, currentProcess, isMainProcess, type DictProxy, type ListProxy, type LockProxy } from 'concurrency-lab';

// Python's documentation example f(d, l): the child changes the dict and the list it was given.
export async function f(d: DictProxy, l: ListProxy<number>): Promise<void> {
  await d.set(1, '1'); // d[1] = '1'
  await d.set('2', 2); // d['2'] = 2
  await d.set(0.25, null); // d[0.25] = None
  await l.reverse(); // l.reverse()
}

// Each worker adds its name to a list and counts in the dict. d.get() then d.set() are two
// round trips, and another process can run in between: the read-modify-write holds a managed
// Lock, or some increments would be lost.
export async function worker(d: DictProxy<number>, names: ListProxy<string>, lock: LockProxy, times: number): Promise<void> {
  await names.append(currentProcess().name);
  for (let i = 0; i < times; i++) {
    await lock.acquire();
    try {
      await d.set('count', (await d.get('count')) + 1);
    } finally {
      await lock.release();
    }
  }
}

if (isMainProcess()) {
  // Python's `with Manager() as manager:`: start the server process, shut it down at the end.
  const manager = await Manager.start();
  try {
    const d = await manager.dict();
    const l = await manager.list([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const p = new Process({ target: f, args: [d, l] });
    p.start();
    await p.join();
    console.log('d:', await d.copy());
    console.log('l:', (await l.toArray()).join(', '));

    // Four children fill a managed dict and list at once.
    const names = await manager.list<string>();
    const lock = await manager.Lock();
    await d.set('count', 0);
    const workers = [1, 2, 3, 4].map(() => new Process({ target: worker, args: [d, names, lock, 10] }));
    for (const w of workers) w.start();
    for (const w of workers) await w.join();
    console.log('count:', await d.get('count'), '(4 workers x 10 locked increments)');
    console.log('workers:', (await names.toArray()).sort().join(', '));
  } finally {
    await manager.shutdown();
  }
}
