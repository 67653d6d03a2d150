// Who holds a lock, as one 32-bit word: the pid (Linux pids are < 2^22) and, for a worker thread,
// its threadId above it. A waiter that finds the word unchanged for a while asks whether the
// holder's process still exists, so a holder killed by SIGKILL never leaves others waiting forever.
import * as fs from 'fs';
import { threadId } from 'worker_threads';

const PID_BITS = 22;
const PID_MASK = (1 << PID_BITS) - 1;

/** This thread's token: never 0 (0 means "free"). */
export const ME: number = ((threadId % 512) << PID_BITS) | (process.pid & PID_MASK) || 1;

/** How often a blocked waiter wakes to check that the holder (or a party) is still alive. */
export const POLL_MS = 150;

/** False only when the token's process is known to be gone (a thread of ours cannot be checked). */
export function ownerAlive(token: number): boolean {
  const pid = token & PID_MASK;
  if (pid === (process.pid & PID_MASK)) return true;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A process killed but not yet reaped by its parent (a zombie) still answers kill(pid, 0).
  return !isZombie(pid);
}

/** Whether /proc says the process has ended (Z, X); false where there is no /proc. */
function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return false;
  }
  const state = stat.charCodeAt(stat.lastIndexOf(')') + 2);
  return state === 0x5a || state === 0x58; // Z, X
}

export function now(): number {
  return performance.now();
}
