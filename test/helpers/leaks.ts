// Mocha root hooks: every test fails if a process it started is still alive afterwards.
// Every process started from this mocha process inherits CONCURRENCY_LAB_TEST_OWNER=<mocha pid>,
// so even orphans re-parented to init are found, by reading /proc/<pid>/environ.
import * as fs from 'fs';

const OWNER_ENV = 'CONCURRENCY_LAB_TEST_OWNER';
const owner = String(process.pid);
process.env[OWNER_ENV] = owner;

export interface LeftoverProcess {
  pid: number;
  cmdline: string;
}

/** Live processes (zombies excluded) started from this test process, itself excluded. */
export function leftoverProcesses(): LeftoverProcess[] {
  const out: LeftoverProcess[] = [];
  const marker = `${OWNER_ENV}=${owner}\u0000`;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || name === owner) continue;
    try {
      const env = fs.readFileSync(`/proc/${name}/environ`, 'latin1');
      if (!(env + '\u0000').includes(marker)) continue;
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'latin1');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') continue;
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\u0000').join(' ').trim();
      out.push({ pid: Number(name), cmdline });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

/** Waits up to `graceMs` for leftovers to go; kills and returns whatever is still alive then. */
export async function reapLeftovers(graceMs = 3000): Promise<LeftoverProcess[]> {
  const deadline = Date.now() + graceMs;
  let left = leftoverProcesses();
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = leftoverProcesses();
  }
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return left;
}

export const mochaHooks = {
  async afterEach(this: Mocha.Context) {
    const left = await reapLeftovers();
    if (left.length) {
      throw new Error(`test left ${left.length} process(es) alive:\n` + left.map((p) => `  ${p.pid} ${p.cmdline}`).join('\n'));
    }
  },
};
