// What a run leaves on disk — its shared-memory files in /dev/shm and its folder of trace files in
// the temp dir — is removed when the run ends. A host killed mid-run (VS Code crashed, its
// extension host killed, a CLI sent SIGKILL) cannot do that, and /dev/shm is memory: the files
// would stay until a reboot. So both names carry the pid of the process that owns the run, and
// every run, as it starts, removes what an owner that no longer exists left behind.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SHM_DIR, SHM_PREFIX } from '../trace/channel';

/** A new run's id: `run<owner pid>x<random hex>` (no '-': it is one field of a shared-memory file's name). */
export function newRunId(ownerPid = process.pid): string {
  return `run${ownerPid}x${randomBytes(6).toString('hex')}`;
}

/** The prefix of a run's temporary folder (mkdtemp adds its own random letters). */
export function runDirPrefix(ownerPid = process.pid, tmpDir = os.tmpdir()): string {
  return path.join(tmpDir, `concurrency-lab-run-${ownerPid}-`);
}

/**
 * The pid that owns a run: the runner's (`run<pid>x…`), or the main process of a run started with
 * plain node (`pid<pid>`, src/runtime/memory/stores.ts). Undefined for ids of older versions.
 */
export function runOwner(runId: string): number | undefined {
  const m = /^(?:run(\d+)x[0-9a-f]+|pid(\d+))$/.exec(runId);
  return m ? Number(m[1] ?? m[2]) : undefined;
}

/** True unless the pid surely does not exist (EPERM: it exists, someone else's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export interface Swept {
  files: string[];
  dirs: string[];
}

/**
 * Removes the shared-memory files and run folders whose owner no longer exists. Never throws: a
 * folder that cannot be read or an entry another sweep removed first is simply not counted.
 */
export async function sweepLeftovers(shmDir = SHM_DIR, tmpDir = os.tmpdir()): Promise<Swept> {
  const swept: Swept = { files: [], dirs: [] };
  const deadOwner = (pid: number | undefined) => pid !== undefined && pid !== process.pid && !alive(pid);
  for (const name of await list(shmDir)) {
    if (!name.startsWith(SHM_PREFIX)) continue;
    const runId = name.slice(SHM_PREFIX.length).split('-')[0];
    if (deadOwner(runOwner(runId)) && (await remove(path.join(shmDir, name)))) swept.files.push(name);
  }
  for (const name of await list(tmpDir)) {
    const m = /^concurrency-lab-run-(\d+)-[A-Za-z0-9]+$/.exec(name);
    if (m && deadOwner(Number(m[1])) && (await remove(path.join(tmpDir, name)))) swept.dirs.push(name);
  }
  return swept;
}

async function list(dir: string): Promise<string[]> {
  try {
    return await fs.promises.readdir(dir);
  } catch {
    return []; // no /dev/shm (not Linux), or not readable: nothing of ours to find there
  }
}

async function remove(file: string): Promise<boolean> {
  try {
    await fs.promises.rm(file, { recursive: true });
    return true;
  } catch {
    return false;
  }
}
