// Live deadlock detection (src/trace/waitfor.ts, src/runner/deadlock.ts): the deadlock examples
// are reported within 2 s, naming the cycle with its call sites, and stopped on request (the CLI
// exits 3, no process left); their fixed variants and a run that waits on its own timer are not.
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUNDLES } from '../../../src/bundlePaths';
import { startRun, type RunContext } from '../../../src/runner';
import type { DeadlockEvent, TraceEvent, WaitBeginEvent } from '../../../src/trace/events';
import { fixture, survivors } from './helpers';

const CLI = path.resolve(__dirname, '../../..', BUNDLES.cli);

function line(file: string, mark: string): number {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(`// @${mark}`));
  assert.ok(i >= 0, `no // @${mark} in ${file}`);
  return i + 1;
}

const deadlocks = (events: readonly TraceEvent[]) => events.filter((e): e is DeadlockEvent => e.kind === 'deadlock');
const pidsOf = (events: readonly TraceEvent[]) => [...new Set(events.map((e) => e.pid))];

async function deadlocked(file: string, context: RunContext): Promise<{ d: DeadlockEvent; events: readonly TraceEvent[] }> {
  const r = await startRun({ file, context, onDeadlock: 'stop', timeoutMs: 30000 }).done;
  assert.equal(r.summary.reason, 'deadlock', `run ended by ${r.summary.reason}`);
  const found = deadlocks(r.events);
  assert.equal(found.length, 1);
  const d = found[0];
  // Reported within 2 s of forming: of the last wait that closed the cycle.
  const lastBegin = Math.max(...r.events.filter((e): e is WaitBeginEvent => e.kind === 'wait.begin').map((e) => e.ts));
  assert.ok(d.ts - lastBegin <= 2_000_000, `reported ${(d.ts - lastBegin) / 1000} ms after the last wait began`);
  assert.deepEqual(survivors(pidsOf(r.events)), [], 'no process of the run is left');
  return { d, events: r.events };
}

for (const context of ['process', 'thread'] as RunContext[]) {
  describe(`deadlock detection (${context} context)`, function () {
    this.timeout(60000);

    it('both ends of a pipe in recv(): a cycle of two Connection.recv waits, with their lines', async () => {
      const file = fixture('deadlock-pipes.mjs');
      const { d } = await deadlocked(file, context);
      assert.equal(d.cycle, true);
      assert.deepEqual(d.waits.map((w) => w.op), ['Connection.recv', 'Connection.recv']);
      assert.deepEqual(d.waits.map((w) => w.loc?.line).sort(), [line(file, 'child-recv'), line(file, 'parent-recv')].sort());
      assert.ok(d.waits.some((w) => w.name === 'MainProcess'));
      assert.equal(new Set(d.waits.map((w) => `${w.pid}:${w.tid ?? 0}`)).size, 2, 'two threads');
      for (const w of d.waits) assert.equal(w.waitsFor.length, 1, `${w.name} waits for the other end`);
      assert.match(d.message, /MainProcess waits in Connection\.recv on Pipe#1, which only .+ could end \(deadlock-pipes\.mjs:\d+\)/);
    });

    it('a join on a child that waits for its parent: Process.join and Queue.get in a cycle', async () => {
      const file = fixture('deadlock-join.mjs');
      const { d } = await deadlocked(file, context);
      assert.equal(d.cycle, true);
      const join = d.waits.find((w) => w.op === 'Process.join');
      const get = d.waits.find((w) => w.op === 'Queue.get');
      assert.ok(join && get, JSON.stringify(d.waits));
      assert.equal(join.loc?.line, line(file, 'parent-join'));
      assert.equal(get.loc?.line, line(file, 'child-get'));
      assert.deepEqual(get.waitsFor.map((f) => f.name), ['MainProcess']);
      assert.match(d.message, /MainProcess waits for .+ to exit \(deadlock-join\.mjs:\d+\)/);
    });

    it('two locks taken in opposite order (examples/javascript/deadlock-locks.mjs): a cycle of Lock.acquire waits', async () => {
      // In the thread context a sync object's wait parks with a keep-alive timer of the runtime's:
      // it is not a pending timer of the thread's own (it hid every such deadlock).
      const { d, events } = await deadlocked(path.resolve(__dirname, '../../../examples/javascript/deadlock-locks.mjs'), context);
      assert.equal(d.cycle, true);
      assert.deepEqual(d.waits.map((w) => w.op), ['Lock.acquire', 'Lock.acquire']);
      const lockWaits = events.filter((e): e is WaitBeginEvent => e.kind === 'wait.begin' && e.op === 'Lock.acquire');
      assert.deepEqual(lockWaits.map((w) => w.pending), [undefined, undefined]);
    });

    it('a Barrier short of a party (the parent joins before it arrives): "waits at Barrier#1 (2 of 3 arrived)"', async () => {
      const file = fixture('deadlock-barrier.mjs');
      const { d, events } = await deadlocked(file, context);
      assert.equal(d.cycle, true);
      // Every Barrier.wait says how many parties the barrier waits for.
      const begins = events.filter((e): e is WaitBeginEvent => e.kind === 'wait.begin' && e.op === 'Barrier.wait');
      assert.equal(begins.length, 2);
      assert.deepEqual(begins.map((b) => b.parties), [3, 3]);
      const party = d.waits.find((w) => w.op === 'Barrier.wait');
      assert.ok(party, JSON.stringify(d.waits));
      assert.deepEqual([party.objKind, party.parties, party.arrived, party.loc?.line], ['barrier', 3, 2, line(file, 'party-wait')]);
      assert.deepEqual(party.waitsFor.map((f) => f.name), ['MainProcess']);
      assert.match(d.message, /(Process|Thread)-\d waits at Barrier#1 \(2 of 3 arrived\), which only MainProcess could end \(deadlock-barrier\.mjs:\d+\)/);
    });

    it('the fixed variants run to the end with no deadlock reported', async () => {
      for (const name of ['deadlock-pipes.mjs', 'deadlock-join.mjs', 'deadlock-barrier.mjs']) {
        const r = await startRun({ file: fixture(name), args: ['fixed'], context, onDeadlock: 'stop', timeoutMs: 30000 }).done;
        assert.equal(r.summary.reason, 'exit', name);
        assert.equal(r.summary.exitCode, 0, name);
        assert.deepEqual(deadlocks(r.events), [], name);
      }
    });
  });
}

describe('deadlock detection: no false alarms', function () {
  this.timeout(60000);

  for (const context of ['process', 'thread'] as RunContext[]) {
    it(`a thread waiting on an Event that its own timer sets later is not deadlocked (${context} context)`, async () => {
      const r = await startRun({ file: fixture('own-timer-event.mjs'), context, onDeadlock: 'stop', timeoutMs: 30000 }).done;
      assert.equal(r.summary.reason, 'exit');
      assert.deepEqual(deadlocks(r.events), []);
      const wait = r.events.find((e): e is WaitBeginEvent => e.kind === 'wait.begin' && e.op === 'Event.wait');
      assert.equal(wait?.pending, 1, 'its own timer is pending, the runtime\'s keep-alive is not counted');
    });
  }

  it('a process waiting on a queue that its own timer fills later is not deadlocked', async () => {
    const r = await startRun({ file: fixture('own-timer.mjs'), onDeadlock: 'stop', timeoutMs: 30000 }).done;
    assert.equal(r.summary.reason, 'exit');
    assert.equal(r.summary.exitCode, 0);
    assert.deepEqual(deadlocks(r.events), []);
  });
});

describe('concurrency-lab run --on-deadlock', function () {
  this.timeout(60000);

  it('stop: prints the deadlock to stderr, stops the tree and exits 3', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-deadlock-'));
    try {
      const trace = path.join(dir, 't.jsonl');
      const child = spawn(process.execPath, [CLI, 'run', fixture('deadlock-pipes.mjs'), '--on-deadlock', 'stop', '--trace', trace], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.stdout.resume();
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 3, stderr);
      assert.match(stderr, /^concurrency-lab: deadlock: .*Connection\.recv.*deadlock-pipes\.mjs:\d+/m);
      const pids = fs
        .readFileSync(trace, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { pid?: number })
        .flatMap((e) => (typeof e.pid === 'number' ? [e.pid] : []));
      assert.deepEqual(survivors([...new Set(pids)]), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown --on-deadlock value as a usage error (exit 2)', async () => {
    const child = spawn(process.execPath, [CLI, 'run', fixture('deadlock-pipes.mjs'), '--on-deadlock', 'maybe'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 2);
    assert.match(stderr, /--on-deadlock: expected report or stop, not "maybe"/);
  });
});
