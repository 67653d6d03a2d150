// Python waits and holds: a call that really blocks (Queue.get, Connection.recv, Process.join,
// Lock.acquire, Event.wait, AsyncResult.get/wait, Pool.apply/map/starmap/imap/join,
// JoinableQueue.join) is a wait.begin/wait.end pair at the user's line, as the Node runtime
// writes them; a lock's holds are hold.spans; a call that does not block writes nothing. Object
// ids travel to spawn children (the holder's lock is the parent's lock).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import { computeInsights } from '../../../src/trace/insights';
import { TraceModel } from '../../../src/trace/model';
import type { DeadlockEvent, MessageEvent, PoolCreateEvent, TaskSubmitEvent, TraceEvent, WaitBeginEvent, WaitEndEvent } from '../../../src/trace/events';
import { survivors } from './helpers';
import { pyFixture, runPy } from './pythonHelpers';

/** [op, line] of every `# waits: <op>` comment of the fixture. */
function expectedWaits(file: string): [string, number][] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((l, i): [string, number][] => {
      const m = /^\s+[^#\s].*# waits: ([\w.]+)$/.exec(l);
      return m ? [[m[1]!, i + 1]] : [];
    });
}

/** [op, line, outcome] of every `# waits: <op> [<outcome>]` comment of the fixture (no outcome: ok). */
function expectedOutcomes(file: string): [string, number, string][] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((l, i): [string, number, string][] => {
      const m = /^\s+[^#\s].*# waits: ([\w.]+)(?: (\w+))?$/.exec(l);
      return m ? [[m[1]!, i + 1, m[2] ?? 'ok']] : [];
    });
}

describe('runner: Python waits and holds', function () {
  this.timeout(60000);
  for (const method of ['fork', 'spawn']) {
    it(`${method}: each blocking call is one wait at its line, with its outcome; lock holds never overlap`, async () => {
      const r = await runPy('waits.py', { args: [method] }).done;
      assert.equal(r.summary.exitCode, 0);
      const main = r.summary.processes.find((p) => p.name === 'MainProcess')!;
      const begins = r.events.filter((e): e is WaitBeginEvent => e.kind === 'wait.begin');
      const ends = r.events.filter((e): e is WaitEndEvent => e.kind === 'wait.end');
      const mainWaits = begins.filter((b) => b.pid === main.pid);
      assert.deepEqual(
        mainWaits.map((b) => [b.op, b.loc?.line]),
        expectedWaits(pyFixture('waits.py')),
      );
      // Every wait ends; the Event.wait(0.05) that nobody sets times out, the others are ok.
      const outcome = (b: WaitBeginEvent) => ends.find((e) => e.pid === b.pid && e.tid === b.tid && e.waitId === b.waitId)?.outcome;
      assert.deepEqual(mainWaits.map(outcome), mainWaits.map((b) => (b.timeoutMs === 50 ? 'timeout' : 'ok')));
      assert.equal(mainWaits.filter((b) => b.timeoutMs === 50).length, 1);
      // A join names the child it waits for.
      const children = new Set(r.summary.processes.filter((p) => p.ppid === main.pid).map((p) => p.pid));
      for (const j of mainWaits.filter((b) => b.op === 'Process.join')) {
        assert.equal(j.objKind, 'process');
        assert.ok(j.targetPid !== undefined && children.has(j.targetPid) && j.objId === String(j.targetPid));
      }
      // The lock: announced once by main, held by the holder child and by main, one after the other.
      const model = new TraceModel(r.events as TraceEvent[]);
      const lockWait = mainWaits.find((b) => b.op === 'Lock.acquire')!;
      const holds = model.holds.filter((h) => h.objId === lockWait.objId);
      assert.equal(r.events.filter((e) => e.kind === 'object.create' && e.objId === lockWait.objId).length, 1);
      assert.equal(new Set(holds.map((h) => h.pid)).size, 2, JSON.stringify(holds));
      const sorted = [...holds].sort((x, y) => x.start - y.start);
      for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i]!.start >= sorted[i - 1]!.end!, 'two holds of one lock overlap');
      assert.equal(model.waits.length, begins.length);
      // Nothing here is a deadlock: every wait ends by another process's doing.
      assert.deepEqual(r.events.filter((e) => e.kind === 'deadlock'), []);
    });
  }

  for (const method of ['fork', 'spawn']) {
    it(`${method}: AsyncResult.get/wait, Pool.apply/map/starmap/imap/join and JoinableQueue.join are waits at their lines; ready results record nothing`, async () => {
      const r = await runPy('pool-waits.py', { args: [method] }).done;
      assert.equal(r.summary.exitCode, 0);
      const main = r.summary.processes.find((p) => p.name === 'MainProcess')!;
      const mainWaits = r.events.filter((e): e is WaitBeginEvent => e.kind === 'wait.begin' && e.pid === main.pid);
      const ends = r.events.filter((e): e is WaitEndEvent => e.kind === 'wait.end');
      const outcome = (b: WaitBeginEvent) => ends.find((e) => e.pid === b.pid && e.tid === b.tid && e.waitId === b.waitId)?.outcome;
      assert.deepEqual(
        mainWaits.map((b) => [b.op, b.loc?.line, outcome(b)]),
        expectedOutcomes(pyFixture('pool-waits.py')),
      );
      // A result is named after its pool and its (first) task, submitted at the same line.
      const pool = r.events.find((e): e is PoolCreateEvent => e.kind === 'pool.create' && e.pid === main.pid)!;
      const submits = r.events.filter((e): e is TaskSubmitEvent => e.kind === 'task.submit' && e.poolId === pool.poolId);
      for (const w of mainWaits) {
        if (w.objKind === 'asyncResult') {
          const [poolId, taskId] = w.objId.split('/');
          assert.equal(poolId, pool.poolId);
          const submit = submits.find((t) => t.taskId === Number(taskId));
          assert.ok(submit, `${w.op} at line ${w.loc?.line}: no task ${w.objId}`);
          // Pool.apply/map/starmap wait for the result of their own call: the same line.
          if (w.op.startsWith('Pool.')) assert.equal(submit.loc?.line, w.loc?.line, `${w.op}: task ${w.objId}`);
        } else if (w.op.startsWith('Pool.')) assert.deepEqual([w.objKind, w.objId], ['pool', pool.poolId]);
        else if (w.op === 'JoinableQueue.join') {
          const put = r.events.find((e): e is MessageEvent => e.kind === 'message.send' && e.channelId === w.objId);
          assert.equal(w.objKind, 'joinableQueue');
          assert.ok(put && put.pid === main.pid, 'the JoinableQueue.join names the queue main put to');
        }
      }
      // The insights see where the main process waited, and nothing here is a deadlock.
      const model = new TraceModel(r.events as TraceEvent[]);
      const lane = computeInsights(model, 2).lanes.find((l) => l.pid === main.pid && l.tid === undefined)!;
      assert.ok(lane.mostWaitedOp && mainWaits.some((w) => w.op === lane.mostWaitedOp), JSON.stringify(lane));
      assert.ok(lane.waiting > 3_000_000, `main waited ${lane.waiting} µs`);
      assert.deepEqual(r.events.filter((e) => e.kind === 'deadlock'), []);
    });
  }

  it('a Python deadlock through a pool (main in AsyncResult.get, the worker in Event.wait) is reported at both lines', async () => {
    const file = pyFixture('pool-deadlock.py');
    const r = await runPy('pool-deadlock.py', { onDeadlock: 'stop', timeoutMs: 30000 }).done;
    assert.equal(r.summary.reason, 'deadlock');
    const found = r.events.filter((e): e is DeadlockEvent => e.kind === 'deadlock');
    assert.equal(found.length, 1);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const at = (mark: string) => lines.findIndex((l) => l.includes(`# @${mark}`)) + 1;
    const waits = found[0]!.waits;
    const main = waits.find((w) => w.name === 'MainProcess');
    const worker = waits.find((w) => /PoolWorker-/.test(w.name));
    assert.ok(main && worker, JSON.stringify(waits));
    assert.deepEqual([main.op, main.objKind, main.loc?.line], ['AsyncResult.get', 'asyncResult', at('main-get')]);
    assert.deepEqual(main.waitsFor.map((f) => f.pid), [worker.pid]);
    assert.deepEqual([worker.op, worker.loc?.line], ['Event.wait', at('worker-wait')]);
    // Only the main process, which made the Event and handed it to the pool, could set it: a cycle.
    assert.deepEqual(worker.waitsFor.map((f) => f.pid), [main.pid]);
    assert.equal(found[0]!.cycle, true);
    assert.deepEqual(survivors([...new Set(r.events.map((e) => e.pid))]), [], 'no process of the run is left');
  });

  it('a deadlock after a busy pool is seen with the lines kept as bytes (keepLines: the CLI with --trace): every task ended, every event kept', async () => {
    const r = await runPy('pool-busy-then-stuck.py', { onDeadlock: 'stop', keepLines: true, timeoutMs: 30000 }).done;
    assert.equal(r.summary.reason, 'deadlock');
    const count = (kind: string) => r.events.filter((e) => e.kind === kind).length;
    assert.deepEqual([count('task.submit'), count('task.start'), count('task.end')], [300, 300, 300]);
    const found = r.events.filter((e): e is DeadlockEvent => e.kind === 'deadlock');
    assert.equal(found.length, 1);
    const lines = fs.readFileSync(pyFixture('pool-busy-then-stuck.py'), 'utf8').split('\n');
    assert.deepEqual(
      found[0]!.waits.map((w) => [w.name, w.op, w.loc?.line]),
      [['MainProcess', 'Queue.get', lines.findIndex((l) => l.includes('# @stuck')) + 1]],
    );
    assert.deepEqual(survivors([...new Set(r.events.map((e) => e.pid))]), [], 'no process of the run is left');
  });

  it('a Python Barrier short of a party: its waits carry parties, the deadlock says "2 of 3 arrived"; fixed, no deadlock', async () => {
    const file = pyFixture('deadlock-barrier.py');
    const r = await runPy('deadlock-barrier.py', { onDeadlock: 'stop', timeoutMs: 30000 }).done;
    assert.equal(r.summary.reason, 'deadlock');
    const begins = r.events.filter((e): e is WaitBeginEvent => e.kind === 'wait.begin' && e.op === 'Barrier.wait');
    assert.deepEqual(begins.map((b) => [b.objKind, b.parties]), [['barrier', 3], ['barrier', 3]]);
    const d = r.events.find((e): e is DeadlockEvent => e.kind === 'deadlock')!;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const at = (mark: string) => lines.findIndex((l) => l.includes(`# @${mark}`)) + 1;
    const party = d.waits.find((w) => w.op === 'Barrier.wait');
    assert.ok(party, JSON.stringify(d.waits));
    assert.deepEqual([party.parties, party.arrived, party.loc?.line], [3, 2, at('party-wait')]);
    assert.match(d.message, /Process-\d waits at Barrier#1 \(2 of 3 arrived\), which only MainProcess could end \(deadlock-barrier\.py:\d+\)/);
    assert.deepEqual(survivors([...new Set(r.events.map((e) => e.pid))]), [], 'no process of the run is left');

    const fixed = await runPy('deadlock-barrier.py', { args: ['fixed'], onDeadlock: 'stop', timeoutMs: 30000 }).done;
    assert.equal(fixed.summary.exitCode, 0);
    assert.deepEqual(fixed.events.filter((e) => e.kind === 'deadlock'), []);
    // The parent's arrival may or may not block (the last party does not wait): 2 or 3 waits, all of 3 parties.
    const fixedBegins = fixed.events.filter((e): e is WaitBeginEvent => e.kind === 'wait.begin' && e.op === 'Barrier.wait');
    assert.ok(fixedBegins.length >= 2 && fixedBegins.every((b) => b.parties === 3), JSON.stringify(fixedBegins));
  });

  it('a Python deadlock (both ends of a Pipe in recv) is reported as a cycle at its lines, and stopped', async () => {
    const file = pyFixture('deadlock-pipes.py');
    const r = await runPy('deadlock-pipes.py', { onDeadlock: 'stop', timeoutMs: 30000 }).done;
    assert.equal(r.summary.reason, 'deadlock');
    const found = r.events.filter((e): e is DeadlockEvent => e.kind === 'deadlock');
    assert.equal(found.length, 1);
    const d = found[0]!;
    assert.equal(d.cycle, true);
    assert.deepEqual(d.waits.map((w) => w.op), ['Connection.recv', 'Connection.recv']);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const at = (mark: string) => lines.findIndex((l) => l.includes(`# @${mark}`)) + 1;
    assert.deepEqual(d.waits.map((w) => w.loc?.line).sort(), [at('child-recv'), at('parent-recv')].sort());
    assert.ok(d.waits.some((w) => w.name === 'MainProcess'));
    assert.deepEqual(survivors([...new Set(r.events.map((e) => e.pid))]), [], 'no process of the run is left');
  });
});
