// Finding and ending every process of a run, including grandchildren that ignore SIGTERM and
// orphans re-parented away from the tree: each carries the run's id in its environment (inherited
// from the runner's env for the main process), so /proc finds them wherever they ended up.
import * as fs from 'fs';

export const HAS_PROC = fs.existsSync('/proc/self/stat');

export interface ProcStat {
  state: string;
  ppid: number;
  pgrp: number;
  /** Start time in clock ticks since boot: orders processes by age. */
  starttime: number;
}

export function readStat(pid: number): ProcStat | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: f[0], ppid: Number(f[1]), pgrp: Number(f[2]), starttime: Number(f[19]) };
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (a zombie is dead, only waiting to be reaped). */
export function isLive(pid: number): boolean {
  const s = readStat(pid);
  if (s) return s.state !== 'Z' && s.state !== 'X';
  if (HAS_PROC) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}


/**
 * Live processes of a run: those in its process group (`group`, the main process's pid), and those
 * whose environment holds `marker` (e.g. `CONCURRENCY_LAB_RUN_ID=abc`) wherever they went — a
 * process that started a group of its own, or an orphan re-parented to init. Between the two,
 * only a process that left the group and cleared its environment escapes. With `since` (the main
 * process's start time, ProcStat.starttime), a process that started before it cannot be of the run
 * and its environment is not read: reading another process's environment is the costly part of
 * a scan (~1 ms each on a busy machine, where most processes are someone else's; issue #15).
 */
export function runProcesses(marker: string, group: number | undefined, since?: number): number[] {
  if (!HAS_PROC) return [];
  const out: number[] = [];
  const own = process.pid;
  for (const name of fs.readdirSync('/proc')) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const pid = Number(name);
    if (pid === own) continue;
    const stat = readStat(pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X') continue;
    if (group !== undefined && stat.pgrp === group) {
      out.push(pid);
      continue;
    }
    if (since !== undefined && stat.starttime < since) continue;
    let env: Buffer;
    try {
      env = fs.readFileSync(`/proc/${name}/environ`);
    } catch {
      continue; // gone, or not ours
    }
    if (envHas(env, marker)) out.push(pid);
  }
  return out;
}

/** Whether a NUL-separated environment block holds exactly the entry `marker`. */
export function envHas(env: Buffer, marker: string): boolean {
  let i = env.indexOf(marker);
  while (i >= 0) {
    const end = i + Buffer.byteLength(marker);
    if ((i === 0 || env[i - 1] === 0) && (end === env.length || env[end] === 0)) return true;
    i = env.indexOf(marker, i + 1);
  }
  return false;
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Ends a process tree: SIGTERM to everything, SIGKILL to whatever is left after `graceMs`, in
 * rounds until a scan finds nothing (a process may fork between a scan and the kill, but a killed
 * process cannot, so the rounds converge). Resolves when no process of the run is alive.
 */
export async function killTree(find: () => number[], group: number | undefined, graceMs: number): Promise<Map<number, NodeJS.Signals>> {
  /** The last signal each process was sent: what most likely ended it. */
  const signalled = new Map<number, NodeJS.Signals>();
  const sendAll = (sig: NodeJS.Signals, pids: number[]) => {
    if (group !== undefined) signal(-group, sig);
    for (const pid of pids) {
      signal(pid, sig);
      signalled.set(pid, sig);
    }
  };
  let pids = find();
  if (!pids.length) return signalled;
  sendAll('SIGTERM', pids);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(20);
    pids = find();
    if (!pids.length) return signalled;
    // Started after the first round: they get their SIGTERM too.
    sendAll('SIGTERM', pids.filter((p) => !signalled.has(p)));
  }
  for (let round = 0; round < 200; round++) {
    sendAll('SIGKILL', pids);
    await sleep(10);
    pids = find();
    if (!pids.length) return signalled;
  }
  return signalled;
}
