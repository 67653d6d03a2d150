// Deadlock: both ends of a Pipe call recv() first. Each waits for a message the other would send
// only after its own recv() returns, so nothing ever moves. Concurrency Lab sees it live and names
// both waits (the panel's banner, or `concurrency-lab run pipe-deadlock.mts --on-deadlock stop`,
// which stops the run with exit code 3).
// The fix: one side speaks first — here the child sends before it receives. Run the fixed variant
// with `concurrency-lab run pipe-deadlock.mts fixed`, or set FIXED to true.
import { Pipe, Process, isMainProcess, type Connection } from 'concurrency-lab';

const FIXED = process.argv.includes('fixed');

export async function child(conn: Connection, fixed: boolean): Promise<void> {
  if (fixed) conn.send('hello from the child');
  const msg = await conn.recv(); // deadlocked here: the parent is in recv() too
  console.log('child got:', msg);
  if (!fixed) conn.send('hello from the child');
}

if (isMainProcess()) {
  const [parentEnd, childEnd] = Pipe();
  const p = new Process({ target: child, args: [childEnd, FIXED] });
  p.start();
  const msg = await parentEnd.recv(); // deadlocked here: the child is in recv() too
  console.log('parent got:', msg);
  parentEnd.send('hello from the parent');
  await p.join();
  console.log('parent exit');
}
