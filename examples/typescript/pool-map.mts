// Pool.map, imap and imapUnordered: the same work, three orders of results.
// slowSquare(x) takes longer for small x, so later inputs finish first.
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, TimeoutError, isMainProcess } from 'concurrency-lab';

export async function slowSquare(x: number): Promise<number> {
  await sleep((6 - x) * 150);
  console.log(`square(${x}) done in pid ${process.pid}`);
  return x * x;
}

if (isMainProcess()) {
  const inputs = [0, 1, 2, 3, 4, 5];
  const pool = new Pool({ processes: 3 });

  // map: waits for every result, returns one list in input order. chunksize 1 sends each item
  // as its own task (a bigger chunksize sends fewer, larger tasks: faster for big inputs).
  const squares = await pool.map(slowSquare, inputs, 1);
  console.log('map ->', squares);

  // imap: results one by one as soon as they can be given IN INPUT ORDER
  // (a fast result waits for the slower ones before it).
  for await (const y of pool.imap(slowSquare, inputs, 1)) {
    console.log('imap ->', y);
  }

  // imapUnordered: results one by one IN COMPLETION ORDER (the fastest first).
  for await (const y of pool.imapUnordered(slowSquare, inputs, 1)) {
    console.log('imapUnordered ->', y);
  }

  // AsyncResult.get(timeout) rejects with TimeoutError when the result is not ready in time;
  // the task keeps running, and a later get() still returns its result.
  const slow = pool.applyAsync(slowSquare, [0]);
  try {
    await slow.get(100);
  } catch (err) {
    if (!(err instanceof TimeoutError)) throw err;
    console.log(`get(100) -> TimeoutError; ready() is ${slow.ready()}`);
  }
  console.log(`get() -> ${await slow.get()}; successful() is ${slow.successful()}`);

  pool.close();
  await pool.join();
}
