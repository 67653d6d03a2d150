// Finding a run's processes in /proc: by the run id in their environment, and never reading the
// environment of a process that started before the run (the costly part of a scan).
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import { HAS_PROC, readStat, runProcesses } from '../../../src/runner/procs';
import { RUN_ID_ENV } from '../../../src/trace/channel';

describe('runProcesses', () => {
  it('finds a process by the run id in its environment, and not when it started before `since`', async function () {
    if (!HAS_PROC) this.skip(); // no /proc: runProcesses finds nothing by design
    this.timeout(20000);
    const runId = `test${process.pid}x${Date.now()}`;
    const marker = `${RUN_ID_ENV}=${runId}`;
    // Its own process group: found by the environment only, as an escapee of a run would be.
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { env: { ...process.env, [RUN_ID_ENV]: runId }, detached: true, stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      const pid = child.pid as number;
      // Until its exec, the child still has this process's environment.
      const deadline = Date.now() + 15000;
      while (!runProcesses(marker, undefined).includes(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(runProcesses(marker, undefined), [pid]);
      const started = (readStat(pid) as { starttime: number }).starttime;
      assert.deepEqual(runProcesses(marker, undefined, started), [pid], 'started at the run start: of the run');
      assert.deepEqual(runProcesses(marker, undefined, started + 1), [], 'started before the run: not of it');
      // In the run's process group it is found whenever it started.
      assert.deepEqual(runProcesses(marker, pid, started + 1), [pid]);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });
});
