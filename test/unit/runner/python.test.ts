// Python runs for real: real CPython multiprocessing trees traced by the shipped tracer
// (dist/python, so run `npm run build` first), checked in the runner's merged trace and with ps.
// CONCURRENCY_LAB_TEST_PYTHON picks the interpreter (default: python3 on PATH).
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RunInputError, startRun } from '../../../src/runner';
import { survivors } from './helpers';
import { exits, outputOf, pyFixture, pythonPath, runPy, starts, treeShape } from './pythonHelpers';

const waitFor = async (cond: () => boolean, ms = 15000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('runner: Python (.py)', function () {
  this.timeout(60000);

  it("runs the seed's Process example unchanged: 1 parent + 5 children with that ppid, each with its own output", async () => {
    let out = '';
    const h = runPy('seed-process.py', { onOutput: (_s, c) => (out += c.toString()) });
    const r = await h.done;
    assert.equal(r.summary.exitCode, 0, out);
    assert.equal(r.malformed, 0);
    const [main, ...children] = r.summary.processes;
    assert.deepEqual(main, { pid: h.pid, ppid: process.pid, name: 'MainProcess', exitCode: 0, signal: null });
    assert.equal(children.length, 5);
    assert.deepEqual(children.map((c) => c.ppid), [main.pid, main.pid, main.pid, main.pid, main.pid]);
    assert.deepEqual(children.map((c) => c.name).sort(), ['Process-1', 'Process-2', 'Process-3', 'Process-4', 'Process-5']);
    for (const c of children) {
      assert.deepEqual([c.exitCode, c.signal], [0, null], `${c.name} exited 0`);
      assert.match(outputOf(r.events, c.pid), new RegExp(`^Child process \\d ${c.pid} Running \\n$`));
    }
    assert.match(outputOf(r.events, main.pid), new RegExp(`^Parent process ${main.pid} is Running\\n(process start\\n){5}Process close\\n$`));
    // What the user saw: the same lines, each whole (print's pieces are not interleaved).
    assert.equal(out.split('\n').filter((l) => /^Child process \d \d+ Running $/.test(l)).length, 5);
    // Each child's exit comes after its start and is seen when it happens, not at the final join.
    for (const c of children) {
      const start = starts(r.events).find((e) => e.pid === c.pid);
      const exit = exits(r.events).find((e) => e.pid === c.pid);
      assert.ok(start && exit && exit.ts >= start.ts);
    }
    assert.equal(exits(r.events).length, 6);
  });

  for (const method of ['fork', 'spawn', 'forkserver']) {
    it(`start method ${method}: the same tree (children, a grandchild, logical parents), no helper processes drawn`, async () => {
      const r = await runPy('start-methods.py', { args: [method] }).done;
      assert.equal(r.summary.exitCode, 0);
      assert.deepEqual(treeShape(r), ['MainProcess', 'MainProcess/Process-1', 'MainProcess/Process-1/Process-1:1', 'MainProcess/Process-2']);
      assert.ok(r.summary.processes.every((p) => p.exitCode === 0));
      assert.match(outputOf(r.events, r.summary.processes[0].pid), new RegExp(`main done ${method}`));
    });
  }

  it('every way a child ends is traced by its parent: exit codes, an exception, SIGKILL, os._exit, terminate(), a daemon', async () => {
    const r = await runPy('exits.py', { args: ['spawn'] }).done;
    assert.equal(r.summary.exitCode, 0);
    const byName = new Map(r.summary.processes.map((p) => [p.name, p]));
    const end = (n: string) => [byName.get(n)?.exitCode, byName.get(n)?.signal];
    assert.deepEqual(end('ok'), [0, null]);
    assert.deepEqual(end('boom'), [1, null]);
    assert.deepEqual(end('killed'), [null, 'SIGKILL']);
    assert.deepEqual(end('hard_exit'), [7, null]);
    assert.deepEqual(end('terminated'), [null, 'SIGTERM']);
    assert.deepEqual(end('daemon'), [null, 'SIGTERM']);
    assert.match(outputOf(r.events, byName.get('boom')?.pid ?? 0), /ValueError: boom in child/);
    assert.match(outputOf(r.events, byName.get('killed')?.pid ?? 0), /about to die/);
    assert.match(outputOf(r.events, byName.get('hard_exit')?.pid ?? 0), /hard exit/);
  });

  it('a Python child that never imports multiprocessing still shows, with its output and exit', async () => {
    const r = await runPy('plain-child.py').done;
    const [main, child] = r.summary.processes;
    assert.equal(r.summary.processes.length, 2);
    assert.deepEqual([child.ppid, child.name, child.exitCode], [main.pid, 'plain-child.py', 4]);
    assert.equal(outputOf(r.events, child.pid), 'plain child says hi\n');
    assert.match(outputOf(r.events, main.pid), /child exited 4/);
  });

  it('stop() ends the whole tree, a SIGTERM-ignoring child included', async () => {
    let out = '';
    const h = runPy('forever-tree.py', { onOutput: (_s, c) => (out += c.toString()) });
    try {
      await waitFor(() => /stubborn ready/.test(out) && /sleeper ready/.test(out) && starts(h.events).length === 3);
    } finally {
      await h.stop();
    }
    const pids = starts(h.events).map((e) => e.pid);
    assert.deepEqual(survivors(pids), []);
    const r = await h.done;
    assert.equal(r.summary.reason, 'stopped');
    for (const p of r.summary.processes) assert.ok(p.signal !== null, `${p.name} ended by a signal: ${JSON.stringify(p)}`);
  });

  it('the timeout stops the run with reason timeout', async () => {
    const r = await runPy('forever-tree.py', { timeoutMs: 1500 }).done;
    assert.equal(r.summary.reason, 'timeout');
  });

  it('--max-processes: the start beyond the cap fails in the script with a clear line and an error event', async () => {
    let out = '';
    const r = await runPy('many-children.py', { maxProcesses: 3, onOutput: (_s, c) => (out += c.toString()) }).done;
    assert.match(out, /concurrency-lab: cannot start another process: the run already has 3 live processes/);
    assert.match(out, /start failed: MaxProcessesError/);
    assert.match(out, /started 2/);
    assert.ok(r.events.some((e) => e.kind === 'error' && e.code === 'MAX_PROCESSES'));
  });

  it('no Python, or one older than 3.8: one clear line naming what was looked for and the setting', () => {
    assert.throws(
      () => startRun({ file: pyFixture('seed-process.py'), pythonPath: '/nonexistent/python3' }),
      (err: Error) => err instanceof RunInputError && /Python 3\.8 or newer/.test(err.message) && /\/nonexistent\/python3: not found/.test(err.message) && /concurrencyLab\.pythonPath/.test(err.message) && !err.message.includes('\n'),
    );
    // Something that runs but is not Python 3.8+: `node` answers the probe with an error.
    assert.throws(
      () => startRun({ file: pyFixture('seed-process.py'), pythonPath: process.execPath }),
      (err: Error) => err instanceof RunInputError && /cannot run \.py files/.test(err.message),
    );
  });

  it('the CLI runs a .py file (--python picks the interpreter) and writes its trace; a bad --python is one line, exit 2', () => {
    const cli = path.resolve(__dirname, '../../../dist/cli.js');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-py-cli-'));
    try {
      const trace = path.join(tmp, 't.jsonl');
      const args = ['run', pyFixture('seed-process.py'), '--trace', trace, ...(pythonPath ? ['--python', pythonPath] : [])];
      const ok = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60000 });
      assert.equal(ok.status, 0, ok.stderr);
      assert.equal(ok.stdout.split('\n').filter((l) => /^Child process \d \d+ Running $/.test(l)).length, 5);
      const kinds = fs.readFileSync(trace, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { kind: string }).kind);
      assert.equal(kinds[0], 'trace.header');
      assert.equal(kinds.filter((k) => k === 'process.start').length, 6);
      const bad = spawnSync(process.execPath, [cli, 'run', pyFixture('seed-process.py'), '--python', '/nonexistent/py'], { encoding: 'utf8', timeout: 60000 });
      assert.equal(bad.status, 2);
      assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
      assert.match(bad.stderr, /Python 3\.8 or newer.*\/nonexistent\/py: not found/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
