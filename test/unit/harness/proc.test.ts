// The harness's leftover machinery (scripts/lib/proc.ts): processes are found by the marker in
// their environment, even after leaving our process group, and endMarked ends them all.
import * as assert from 'assert';
import { spawn } from 'child_process';
import { endMarked, isAlive, processesWithEnv } from '../../../scripts/lib/proc';

const MARK = 'CONCURRENCY_LAB_PROC_TEST';

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

describe('harness: marked processes', () => {
  it('finds a marked grandchild that left the process group, and ends it with its parent', async () => {
    const value = `t${process.pid}-${Date.now()}`;
    // The child starts a grandchild in a new session (as node-pty shells do), then idles.
    const child = spawn(
      process.execPath,
      ['-e', "const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' }); console.log(c.pid); setInterval(() => {}, 1000);"],
      { env: { ...process.env, [MARK]: value }, detached: true, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const grandchild = await new Promise<number>((resolve) => child.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
    const exited = new Promise((r) => child.on('exit', r));
    try {
      await until(() => processesWithEnv(MARK, value).length === 2);
      assert.deepStrictEqual(processesWithEnv(MARK, value).map((p) => p.pid).sort(), [child.pid, grandchild].sort());
      assert.deepStrictEqual(processesWithEnv(MARK, 'another-value'), []);

      const killed = await endMarked(MARK, value, child.pid, 2000);
      assert.deepStrictEqual(killed, [], 'both should end on SIGTERM');
      await exited;
      await until(() => !isAlive(grandchild));
      assert.strictEqual(isAlive(grandchild), false);
      assert.deepStrictEqual(processesWithEnv(MARK, value), []);
    } finally {
      for (const pid of [child.pid!, grandchild]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  });

  it('SIGKILLs what ignores SIGTERM after the grace period and reports it', async () => {
    const value = `k${process.pid}-${Date.now()}`;
    const child = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000);"], {
      env: { ...process.env, [MARK]: value },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await new Promise((r) => child.stdout.once('data', r));
    const exited = new Promise((r) => child.on('exit', r));
    const killed = await endMarked(MARK, value, undefined, 300);
    assert.deepStrictEqual(killed.map((p) => p.pid), [child.pid]);
    await exited;
    assert.deepStrictEqual(processesWithEnv(MARK, value), []);
  });
});
