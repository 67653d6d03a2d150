// Queue: processes talk by putting and getting messages.
// Two writers put URLs; one reader gets them in an endless loop, so the parent terminates it.
import { setTimeout as sleep } from 'node:timers/promises';
import { Empty, Full, Process, Queue, isMainProcess } from 'concurrency-lab';

// Code run by the writer processes:
export async function procWrite(q, urls) {
  console.log(`Process(${process.pid}) is writing...`);
  for (const url of urls) {
    await q.put(url);
    console.log(`Put ${url} to queue...`);
    await sleep(Math.random() * 1000);
  }
}

// Code run by the reader process:
export async function procRead(q) {
  console.log(`Process(${process.pid}) is reading...`);
  while (true) {
    // block: true (the default) waits until an item arrives.
    const url = await q.get({ block: true });
    console.log(`Get ${url} from queue.`);
  }
}

/** put/get with block and timeout, on a queue that holds one item. */
async function showFullAndEmpty() {
  const small = new Queue({ maxsize: 1 });
  await small.put('only item');
  try {
    await small.put('one more', { block: false }); // full and not blocking: Full at once
  } catch (err) {
    if (!(err instanceof Full)) throw err;
    console.log('put(block: false) on a full queue -> Full');
  }
  try {
    await small.put('one more', { timeout: 200 }); // blocks up to 200 ms for free space, then Full
  } catch (err) {
    if (!(err instanceof Full)) throw err;
    console.log('put(timeout: 200) still full after 200 ms -> Full');
  }
  await small.get();
  try {
    await small.get({ block: false }); // empty and not blocking: Empty at once
  } catch (err) {
    if (!(err instanceof Empty)) throw err;
    console.log('get(block: false) on an empty queue -> Empty');
  }
  try {
    await small.get({ timeout: 200 }); // waits up to 200 ms for an item, then Empty
  } catch (err) {
    if (!(err instanceof Empty)) throw err;
    console.log('get(timeout: 200) still empty after 200 ms -> Empty');
  }
  small.close();
}

if (isMainProcess()) {
  await showFullAndEmpty();
  // The parent creates the Queue and passes it to each child:
  const q = new Queue();
  const procWriter1 = new Process({ target: procWrite, args: [q, ['url_1', 'url_2', 'url_3']] });
  const procWriter2 = new Process({ target: procWrite, args: [q, ['url_4', 'url_5', 'url_6']] });
  const procReader = new Process({ target: procRead, args: [q] });
  // Start the writers, then the reader:
  procWriter1.start();
  procWriter2.start();
  procReader.start();
  // Wait for the writers to finish:
  await procWriter1.join();
  await procWriter2.join();
  // The seed terminates the reader right away; wait until it has taken every URL first, so
  // none is lost with it.
  while (!(await q.empty())) {
    await sleep(50);
  }
  // The reader loops forever and can never be joined: terminate it.
  procReader.terminate();
  await procReader.join();
  console.log(`reader exit code ${procReader.exitCode} (-15: ended by SIGTERM)`);
}
