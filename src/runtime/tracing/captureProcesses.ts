// Runs inside every snippet process (loaded by the preload): reports this process's start, the
// exit of every child it spawns (so a child killed with SIGKILL is still traced, by its parent),
// and enforces the run's cap on live processes at the spawn that would exceed it.
import * as childProcess from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { MAX_PROCESSES_ENV, PROCESS_NAME_ENV, RUNNER_PID_ENV, TRACE_DIR_ENV, traceFileName } from '../../trace/channel';
import { emit, flush, now } from './tracer';

/** The name shown for this process: the runtime's (`Process-1`), else MainProcess for the
 *  runner's direct child, else the script's file name (a raw child_process child). */
export function processName(): string {
  const fromRuntime = process.env[PROCESS_NAME_ENV];
  if (fromRuntime) return fromRuntime;
  if (String(process.ppid) === process.env[RUNNER_PID_ENV]) return 'MainProcess';
  const script = process.argv[1];
  return script ? path.basename(script) : 'node';
}

export function reportStart(): void {
  emit({ kind: 'process.start', ppid: process.ppid, name: processName() });
  // Flushed at once: a process killed in its first tick must still appear in the trace.
  flush();
}

/** Process group of this process (field 5 of /proc/self/stat); undefined off Linux. */
function ownProcessGroup(): string | undefined {
  try {
    return statFields(fs.readFileSync('/proc/self/stat', 'latin1'))?.[2];
  } catch {
    return undefined;
  }
}

/** Fields after the `(comm)` of a /proc/<pid>/stat line: [state, ppid, pgrp, ...]. */
function statFields(stat: string): string[] | undefined {
  const close = stat.lastIndexOf(')');
  return close < 0 ? undefined : stat.slice(close + 2).split(' ');
}

/** Live (not zombie) processes in this run's process group, which the runner made for the run. */
export function liveProcessesInGroup(pgrp: string): number {
  let n = 0;
  for (const name of fs.readdirSync('/proc')) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    try {
      const f = statFields(fs.readFileSync(`/proc/${name}/stat`, 'latin1'));
      if (f && f[2] === pgrp && f[0] !== 'Z' && f[0] !== 'X') n++;
    } catch {
      // exited meanwhile
    }
  }
  return n;
}

export class MaxProcessesError extends Error {
  readonly code = 'MAX_PROCESSES';
  constructor(max: number) {
    super(`cannot start another process: the run already has ${max} live processes (the cap set by --max-processes / concurrencyLab.maxProcesses)`);
    this.name = 'MaxProcessesError';
  }
}

function checkCap(max: number, pgrp: string | undefined): void {
  if (!pgrp) return; // no /proc: the runner's backstop still applies
  let live: number;
  try {
    live = liveProcessesInGroup(pgrp);
  } catch {
    return;
  }
  if (live + 1 <= max) return;
  const err = new MaxProcessesError(max);
  emit({ kind: 'error', code: err.code, message: err.message });
  flush();
  process.stderr.write(`concurrency-lab: ${err.message}\n`);
  throw err;
}

type SpawnFn = (this: childProcess.ChildProcess, options: unknown) => unknown;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Whether the lock file names a process that is gone (it died holding the lock). */
function staleLock(lock: string): boolean {
  try {
    const owner = fs.readFileSync(lock, 'utf8');
    if (!owner) return false; // being written
    const f = statFields(fs.readFileSync(`/proc/${owner}/stat`, 'latin1'));
    return !f || f[0] === 'Z' || f[0] === 'X';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync(lock);
  }
}

/**
 * Runs `fn` (count the run's processes, then fork) under a lock shared by every process of the
 * run, so that two processes forking at the same moment cannot both see room for one more. The
 * fork itself is synchronous, so the new process is in /proc when the lock is released. Without
 * a lock (none can be made, or it is held for more than 2 s) it goes ahead: the runner's backstop
 * still kills anything over the cap.
 */
function withSpawnLock<T>(dir: string | undefined, fn: () => T): T {
  if (!dir) return fn();
  const lock = path.join(dir, 'spawn.lock');
  const deadline = Date.now() + 2000;
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = fs.openSync(lock, 'wx');
      fs.writeSync(fd, String(process.pid));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > deadline) break;
      if (staleLock(lock)) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
  try {
    return fn();
  } finally {
    if (fd !== undefined) {
      fs.closeSync(fd);
      fs.rmSync(lock, { force: true });
    }
  }
}

/** Children this process spawned and has not yet seen end: when and under which name. */
const spawned = new Map<number, { ts: number; name: string }>();

/**
 * Before a child's end is written: a child killed before its preload ran (kill() right after
 * start(), or a daemon terminated as its parent exits) never wrote its own process.start, and a
 * process without a start cannot be shown, so its parent writes it, with the time of the spawn.
 * The child's own start is the first event of its trace file, written and flushed at once (the
 * file may exist, empty, when the child died right after opening it).
 */
export function ensureChildStart(pid: number, fallbackName?: string): void {
  // The preload's copy of this module saw the spawn; the runtime bundle's copy (the exit hook)
  // did not, and then knows only the child's name: its start is written at its end.
  const s = spawned.get(pid) ?? (fallbackName === undefined ? undefined : { ts: now(), name: fallbackName });
  if (!s) return;
  spawned.delete(pid);
  const dir = process.env[TRACE_DIR_ENV];
  if (dir && !hasEvents(path.join(dir, traceFileName(pid)))) emit({ kind: 'process.start', ts: s.ts, pid, ppid: process.pid, name: s.name });
}

/** Wraps ChildProcess.prototype.spawn, which fork, spawn, exec and execFile all go through. */
export function watchChildProcesses(): void {
  const max = Number(process.env[MAX_PROCESSES_ENV]);
  const capped = Number.isInteger(max) && max > 0;
  let pgrp: string | undefined;
  const proto = childProcess.ChildProcess.prototype as unknown as { spawn: SpawnFn };
  const original = proto.spawn;
  const dir = process.env[TRACE_DIR_ENV];
  proto.spawn = function (this: childProcess.ChildProcess, options: unknown) {
    const result = capped
      ? withSpawnLock(dir, () => {
          checkCap(max, (pgrp ??= ownProcessGroup()));
          return original.call(this, options);
        })
      : original.call(this, options);
    const pid = this.pid;
    if (pid !== undefined) {
      spawned.set(pid, { ts: now(), name: spawnedName(options) });
      this.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
        ensureChildStart(pid);
        emit({ kind: 'process.exit', pid, exitCode: code, signal });
        flush();
      });
    }
    return result;
  };
}

function hasEvents(file: string): boolean {
  try {
    return fs.statSync(file).size > 0;
  } catch {
    return false;
  }
}

/** The name a spawned process gives itself (processName() in the child), from its spawn options. */
function spawnedName(options: unknown): string {
  const o = options as { envPairs?: unknown; args?: unknown; file?: unknown } | null;
  const prefix = `${PROCESS_NAME_ENV}=`;
  const pair = Array.isArray(o?.envPairs) ? (o.envPairs as unknown[]).find((p): p is string => typeof p === 'string' && p.startsWith(prefix)) : undefined;
  if (pair) return pair.slice(prefix.length);
  const args = Array.isArray(o?.args) ? (o.args as unknown[]) : [];
  const script = typeof args[1] === 'string' ? args[1] : typeof o?.file === 'string' ? o.file : 'node';
  return path.basename(script);
}
