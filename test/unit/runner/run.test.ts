// The runner for real: snippets run as real process trees, stopped for real, checked with `ps`.
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startRun, RunInputError } from '../../../src/runner';
import type { ProcessExitEvent, ProcessStartEvent, TraceEvent } from '../../../src/trace/events';
import { fixture, survivors } from './helpers';

const starts = (events: readonly TraceEvent[]) => events.filter((e): e is ProcessStartEvent => e.kind === 'process.start');
const exits = (events: readonly TraceEvent[]) => events.filter((e): e is ProcessExitEvent => e.kind === 'process.exit');
const waitFor = async (cond: () => boolean, ms = 10000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('runner', function () {
  this.timeout(30000);

  it('traces the whole tree: start and exit of main and 3 children, ppids, names, summary', async () => {
    const out: string[] = [];
    const h = startRun({ file: fixture('three-children.cjs'), onOutput: (_s, c) => out.push(c.toString()) });
    const batches: number[] = [];
    h.onEvents((b) => batches.push(b.length));
    const r = await h.done;
    const main = h.pid;
    assert.equal(r.summary.exitCode, 0);
    assert.equal(r.summary.reason, 'exit');
    assert.equal(r.summary.processes.length, 4);
    assert.deepEqual(r.summary.processes[0], { pid: main, ppid: process.pid, name: 'MainProcess', exitCode: 0, signal: null });
    const children = r.summary.processes.slice(1);
    assert.deepEqual(children.map((c) => c.ppid), [main, main, main]);
    assert.deepEqual(children.map((c) => c.exitCode).sort(), [0, 1, 2]);
    assert.equal(starts(r.events).length, 4);
    assert.equal(exits(r.events).length, 4);
    assert.equal(r.events.at(-1)?.kind, 'run.end');
    assert.ok(batches.length > 0, 'listeners got batches');
    assert.equal(r.malformed, 0);
    assert.match(out.join(''), /main done/);
    for (let i = 1; i < r.events.length; i++) assert.ok(r.events[i].ts >= r.events[i - 1].ts, 'events are merged on ts');
  });

  it('reports the main exit code, and the signal that killed it', async () => {
    assert.equal((await startRun({ file: fixture('exit-code.cjs'), args: ['3'] }).done).summary.exitCode, 3);
    const killed = (await startRun({ file: fixture('exit-code.cjs'), args: ['SIGTERM'] }).done).summary;
    assert.equal(killed.exitCode, null);
    assert.equal(killed.signal, 'SIGTERM');
  });

  it('a SIGKILLed child keeps what it emitted and its exit is traced by its parent', async () => {
    const r = await startRun({ file: fixture('sigkill-child.cjs') }).done;
    const child = starts(r.events).find((e) => e.pid !== r.summary.processes[0].pid);
    assert.ok(child, 'child process.start');
    const exit = exits(r.events).find((e) => e.pid === child.pid);
    assert.deepEqual([exit?.exitCode, exit?.signal], [null, 'SIGKILL']);
    assert.ok(r.events.some((e) => e.kind === 'output' && e.pid === child.pid && e.text.includes('about to die')));
  });

  it('stop() ends the whole tree, including SIGTERM-ignoring grandchildren, re-parented orphans and untraced children', async () => {
    let out = '';
    const h = startRun({ file: fixture('stubborn-tree.cjs'), onOutput: (_s, c) => (out += c.toString()) });
    await waitFor(() => (out.match(/ ready /g) ?? []).length === 3);
    await waitFor(() => starts(h.events).length === 5);
    const shell = Number(/incognito ready (\d+)/.exec(out)?.[1]);
    const pids = [...starts(h.events).map((e) => e.pid), shell];
    assert.ok(survivors(pids).length >= 5, 'all alive before stop (the orphan-parent may be exiting)');
    await h.stop();
    assert.deepEqual(survivors(pids), []);
    const r = await h.done;
    assert.equal(r.summary.reason, 'stopped');
    assert.equal(r.summary.signal, 'SIGKILL');
    // Every process has an end: observed by its parent, or (parent gone first) the signal that ended it.
    for (const p of r.summary.processes) assert.ok(p.exitCode !== null || p.signal !== null, `${p.pid} has an end: ${JSON.stringify(p)}`);
    assert.deepEqual(r.summary.processes.map((p) => p.signal ?? p.exitCode).sort(), [0, 'SIGKILL', 'SIGKILL', 'SIGKILL', 'SIGKILL']);
  });

  it('an AbortSignal stops the run', async () => {
    const ac = new AbortController();
    const h = startRun({ file: fixture('forever.mjs'), signal: ac.signal });
    await waitFor(() => starts(h.events).length === 1);
    ac.abort();
    const r = await h.done;
    assert.equal(r.summary.reason, 'stopped');
    assert.equal(r.summary.signal, 'SIGTERM');
    assert.deepEqual(survivors([h.pid as number]), []);
  });

  it('the timeout stops the run with reason timeout', async () => {
    const r = await startRun({ file: fixture('stubborn-tree.cjs'), timeoutMs: 500 }).done;
    assert.equal(r.summary.reason, 'timeout');
    assert.deepEqual(survivors(r.summary.processes.map((p) => p.pid)), []);
  });

  it('refuses bad input with one-line RunInputErrors', () => {
    const bad = (file: string, re: RegExp) =>
      assert.throws(() => startRun({ file }), (err: Error) => err instanceof RunInputError && re.test(err.message) && !err.message.includes('\n'));
    bad(fixture('missing.mjs'), /no such file/);
    bad(fixture(''), /is a directory/);
    bad(__filename.replace(/\.ts$/, '.txt'), /no such file/);
    bad(require.resolve('../../../package.json'), /cannot run "\.json" files/);
  });

  it('--max-processes contains a fork bomb: the refused start is an error in the trace and on stderr', async () => {
    let stderr = '';
    const h = startRun({ file: fixture('fork-bomb.cjs'), maxProcesses: 4, timeoutMs: 3000, onOutput: (s, c) => void (s === 'stderr' && (stderr += c.toString())) });
    const seen = new Set<number>();
    let peak = 0;
    const sample = setInterval(() => {
      let out = '';
      try {
        out = execFileSync('ps', ['-o', 'pid=,stat=', '-g', String(h.pid)], { encoding: 'utf8' });
      } catch {
        return; // no process in the group
      }
      const live = out.split('\n').filter((l) => l.trim() && !/\sZ/.test(l));
      for (const l of live) seen.add(Number(l.trim().split(/\s+/)[0]));
      peak = Math.max(peak, live.length);
    }, 50);
    const r = await h.done;
    clearInterval(sample);
    assert.equal(r.summary.reason, 'timeout');
    assert.ok(peak <= 4, `at most 4 live processes at once, saw ${peak}`);
    const refused = r.events.find((e) => e.kind === 'error' && e.code === 'MAX_PROCESSES');
    assert.ok(refused && refused.kind === 'error' && /cannot start another process: the run already has 4 live processes/.test(refused.message));
    assert.match(stderr, /concurrency-lab: cannot start another process/);
    assert.deepEqual(survivors([...seen]), []);
  });

  it('counts and skips malformed and foreign lines on the trace channel', async () => {
    const out: string[] = [];
    const r = await startRun({ file: fixture('garbage-channel.cjs'), onOutput: (_s, c) => out.push(c.toString()) }).done;
    assert.equal(r.summary.exitCode, 0);
    assert.equal(out.join(''), 'still running\n');
    assert.equal(r.malformed, 3);
    const end = r.events.at(-1);
    assert.ok(end?.kind === 'run.end' && end.malformed === 3);
    assert.equal(r.summary.processes.length, 1);
  });

  it('with keepLines, message lines kept as bytes give the same events and summary as made ones', async () => {
    const made = await startRun({ file: fixture('foreign-messages.cjs') }).done;
    const kept = await startRun({ file: fixture('foreign-messages.cjs'), keepLines: true }).done;
    assert.ok(kept.lines && kept.lines.size === kept.events.length);
    const strip = (events: readonly TraceEvent[]) => events.filter((e) => e.kind === 'message.send').map((e) => [e.pid, e.ts % 1e6, (e as { msgId: string }).msgId]);
    assert.equal(strip(kept.events).length, 6);
    assert.deepEqual(strip(kept.events).map(([pid, , id]) => `${pid} ${id}`), strip(made.events).map(([pid, , id]) => `${pid} ${id}`));
    assert.deepEqual(
      kept.summary.processes.map((p) => p.pid === kept.summary.processes[0].pid ? 'main' : `${p.pid} ${p.name}`),
      made.summary.processes.map((p) => p.pid === made.summary.processes[0].pid ? 'main' : `${p.pid} ${p.name}`),
    );
    assert.ok(kept.summary.processes.some((p) => p.pid === 999991) && kept.summary.processes.some((p) => p.pid === 999992));
    assert.equal(kept.summary.traceEvents, made.summary.traceEvents);
  });

  it('a snippet that never loads the runtime still shows its main process', async () => {
    const r = await startRun({ file: fixture('args.mjs'), args: ['a'] }).done;
    assert.deepEqual(r.summary.processes.map((p) => [p.name, p.exitCode]), [['MainProcess', 0]]);
    assert.ok(r.events.some((e) => e.kind === 'output' && e.text === '["a"]\n'));
  });

  it('a Node executable that cannot start ends the run with reason error and says why', async () => {
    const r = await startRun({ file: fixture('args.mjs'), nodePath: '/nonexistent/node' }).done;
    assert.equal(r.summary.reason, 'error');
    const err = r.events.find((e) => e.kind === 'error');
    assert.ok(err?.kind === 'error' && /could not start \/nonexistent\/node: .*ENOENT/.test(err.message), JSON.stringify(err));
  });

  it('works from folders with spaces and keeps the user\'s own NODE_OPTIONS', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cl run '));
    try {
      const root = path.join(tmp, 'my extension');
      fs.cpSync(path.resolve(__dirname, '../../../dist/runtime'), path.join(root, 'dist', 'runtime'), { recursive: true });
      const dir = path.join(tmp, 'snippet "folder"');
      fs.mkdirSync(dir);
      const file = path.join(dir, 'uses runtime.mjs');
      fs.writeFileSync(file, "import { isMainProcess } from 'concurrency-lab';\nimport v8 from 'v8';\nconsole.log(isMainProcess(), Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20));\n");
      const out: string[] = [];
      const r = await startRun({ file, extensionRoot: root, env: { NODE_OPTIONS: '--max-old-space-size=123' }, onOutput: (_s, c) => out.push(c.toString()) }).done;
      assert.equal(r.summary.exitCode, 0, out.join(''));
      const [main, heapMb] = out.join('').trim().split(' ');
      assert.equal(main, 'true');
      assert.ok(Number(heapMb) >= 123 && Number(heapMb) < 200, `heap limit ${heapMb} MB: the user's --max-old-space-size applies`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
