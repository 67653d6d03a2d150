// Finding and ending the processes a harness started, however deep or re-parented they are.
// Every process we spawn carries a marker variable in its environment; children inherit it, so
// /proc/<pid>/environ finds even the ones that left our process group (node-pty shells, setsid).
import * as fs from 'fs';

export interface OwnedProcess {
  pid: number;
  cmdline: string;
}

/**
 * Live processes (zombies excluded) whose environment has `name=value` (and, if given, defines
 * the variable `alsoHas`), this process excluded.
 */
export function processesWithEnv(name: string, value: string, alsoHas?: string): OwnedProcess[] {
  const marker = `\u0000${name}=${value}\u0000`;
  const out: OwnedProcess[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const env = '\u0000' + fs.readFileSync(`/proc/${entry}/environ`, 'latin1') + '\u0000';
      if (!env.includes(marker)) continue;
      if (alsoHas && !env.includes(`\u0000${alsoHas}=`)) continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'latin1');
      const state = stat.charAt(stat.lastIndexOf(')') + 2);
      if (state === 'Z' || state === 'X') continue;
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\u0000').join(' ').trim();
      out.push({ pid: Number(entry), cmdline });
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return out;
}

/**
 * Ends every process carrying the marker: SIGTERM to the group leader `groupPid` (if any) and to
 * each marked process, then SIGKILL whatever is still alive after `graceMs`. Returns the processes
 * that had to be SIGKILLed (empty when everything ended on SIGTERM).
 */
export async function endMarked(name: string, value: string, groupPid?: number, graceMs = 5000): Promise<OwnedProcess[]> {
  if (groupPid) signal(-groupPid, 'SIGTERM');
  for (const p of processesWithEnv(name, value)) signal(p.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let left = processesWithEnv(name, value);
  while (left.length && Date.now() < deadline) {
    await sleep(100);
    left = processesWithEnv(name, value);
  }
  if (groupPid) signal(-groupPid, 'SIGKILL');
  for (const p of left) signal(p.pid, 'SIGKILL');
  // SIGKILL is not instant: wait until /proc agrees they are gone (or zombies awaiting reaping).
  const killDeadline = Date.now() + 3000;
  while (processesWithEnv(name, value).length && Date.now() < killDeadline) await sleep(50);
  return left;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
