// What a killed host leaves (shared memory in /dev/shm, the run's trace folder) is removed by the
// next run: names carry the owner's pid, and only an owner that no longer exists loses its files.
import { strict as assert } from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUNDLES } from '../../../src/bundlePaths';
import { newRunId, runDirPrefix, runOwner, sweepLeftovers } from '../../../src/runner/leftovers';
import { runProcesses } from '../../../src/runner/procs';
import { RUN_ID_ENV, SHM_DIR, SHM_PREFIX } from '../../../src/trace/channel';

const ROOT = path.resolve(__dirname, '../../..');

/** A pid that surely existed and no longer does. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('leftovers of killed runs', () => {
  it('run ids and folders name their owner; ids of older versions name none', () => {
    const id = newRunId(4242);
    assert.match(id, /^run4242x[0-9a-f]{12}$/);
    assert.equal(runOwner(id), 4242);
    assert.equal(runOwner('pid77'), 77);
    assert.equal(runOwner('b1b39a511bc9fa4c'), undefined);
    assert.equal(runOwner('run12x'), undefined);
    assert.ok(path.basename(runDirPrefix(99)).startsWith('concurrency-lab-run-99-'));
  });

  it('removes only the files and folders of owners that no longer exist', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-leftovers-'));
    const shm = path.join(base, 'shm');
    const tmp = path.join(base, 'tmp');
    fs.mkdirSync(shm);
    fs.mkdirSync(tmp);
    try {
      const dead = deadPid();
      const names = {
        deadRun: `${SHM_PREFIX}${newRunId(dead)}-${dead + 1}-0-1`,
        deadPlain: `${SHM_PREFIX}pid${dead}-${dead}-0-2`,
        liveRun: `${SHM_PREFIX}${newRunId(process.ppid)}-5-0-1`,
        ownRun: `${SHM_PREFIX}${newRunId(process.pid)}-5-0-1`,
        oldFormat: `${SHM_PREFIX}b1b39a511bc9fa4c-${dead}-0-1`,
        notOurs: `someone-else-${dead}`,
      };
      for (const n of Object.values(names)) fs.writeFileSync(path.join(shm, n), 'x');
      const deadDir = path.basename(fs.mkdtempSync(runDirPrefix(dead, tmp)));
      fs.writeFileSync(path.join(tmp, deadDir, '1.jsonl'), '{}\n');
      const liveDir = path.basename(fs.mkdtempSync(runDirPrefix(process.ppid, tmp)));
      const swept = await sweepLeftovers(shm, tmp);
      assert.deepEqual(swept.files.sort(), [names.deadPlain, names.deadRun].sort());
      assert.deepEqual(swept.dirs, [deadDir]);
      assert.deepEqual(fs.readdirSync(shm).sort(), [names.liveRun, names.ownRun, names.oldFormat, names.notOurs].sort());
      assert.deepEqual(fs.readdirSync(tmp), [liveDir]);
      // Missing folders are nothing to sweep, not an error.
      assert.deepEqual(await sweepLeftovers(path.join(base, 'none'), path.join(base, 'none')), { files: [], dirs: [] });
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });

  it('a CLI killed with SIGKILL mid-run leaves its shared memory and folder; the next run removes them', async function () {
    if (!fs.existsSync(SHM_DIR)) this.skip(); // not Linux: process-context shared memory is not available at all
    this.timeout(60000);
    // The deadlock example holds two locks (shared memory) and never ends on its own.
    const cli = spawn(process.execPath, [path.join(ROOT, BUNDLES.cli), 'run', path.join(ROOT, 'examples/javascript/deadlock-locks.mjs')], { stdio: 'ignore' });
    const prefix = `${SHM_PREFIX}run${cli.pid}x`;
    const dirPrefix = `concurrency-lab-run-${cli.pid}-`;
    const ours = () => fs.readdirSync(SHM_DIR).filter((n) => n.startsWith(prefix));
    const deadline = Date.now() + 30000;
    while (ours().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const files = ours();
    assert.ok(files.length > 0, 'the run made no shared memory');
    const runId = files[0].slice(SHM_PREFIX.length).split('-')[0];
    const exited = new Promise((r) => cli.on('exit', r));
    cli.kill('SIGKILL');
    await exited;
    // The run's processes end as their runner is gone; make sure of it (they are not the point here).
    for (const pid of runProcesses(`${RUN_ID_ENV}=${runId}`, undefined)) process.kill(pid, 'SIGKILL');
    while (runProcesses(`${RUN_ID_ENV}=${runId}`, undefined).length > 0) await new Promise((r) => setTimeout(r, 50));
    assert.ok(ours().length > 0, 'the killed run left no shared memory: nothing to test');
    assert.ok(fs.readdirSync(os.tmpdir()).some((n) => n.startsWith(dirPrefix)), 'the killed run left no folder');
    const swept = await sweepLeftovers();
    assert.deepEqual(ours(), []);
    assert.ok(swept.files.length >= files.length);
    assert.equal(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(dirPrefix)).length, 0);
  });
});
