// Managers (src/runtime/shared/manager), over both contexts: proxies used from the main process,
// children, grandchildren and pool tasks; Python's errors; the synchronization proxies; managed
// queues; the manager's life (it ends with its owner, even a SIGKILLed one); its trace.
// Each test runs test/fixtures/runtime/manager.mjs; the leak root hook fails any test that
// leaves a process behind.
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as path from 'path';
import type { MessageEvent, ObjectCreateEvent, TraceEvent, WaitBeginEvent, WaitEndEvent } from '../../../src/trace/events';
import { FIXTURES, runFixture, type FixtureRun } from './run';

function ok(run: FixtureRun): void {
  assert.equal(run.code, 0, `fixture failed (code ${run.code}, signal ${run.signal})\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  assert.equal(run.malformed, 0, 'every trace line is a valid event');
}

const of = <E extends TraceEvent>(events: TraceEvent[], kind: E['kind']) => events.filter((e) => e.kind === kind) as E[];

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether `pid` is gone within `ms` (a process just signalled takes a moment to die). */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return !isAlive(pid);
}

for (const context of ['process', 'thread'] as const) {
  describe(`Manager (${context} context)`, function () {
    this.timeout(90000);

    it('dict, list, Namespace, Value, SharedArray: from the main process, children, grandchildren and pool tasks, with Python errors', async () => {
      const run = await runFixture('manager.mjs', ['collections'], context, 60000);
      ok(run);
      const j = run.json;
      assert.equal(j.get, 1);
      assert.equal(j.getDefault, 'dflt');
      assert.equal(j.keyError, "KeyError: 'zz'");
      assert.equal(j.deleteMissing, "KeyError: 'zz'");
      assert.match(j.unhashable, /^TypeError: unhashable type: 'dict'/);
      assert.equal(j.numberKey, 'two', 'keys keep their types (2 is not "2")');
      assert.deepEqual(j.has, [true, false]);
      assert.equal(j.indexError, 'IndexError: list index out of range');
      assert.equal(j.negative, 0, 'negative indexes count from the end');
      assert.equal(j.popEmpty, 'IndexError: pop from empty list');
      assert.equal(j.removeMissing, 'ValueError: list.remove(x): x not in list');
      assert.deepEqual(j.ns, { deep: [1, 2] });
      assert.equal(j.attrError, "AttributeError: 'Namespace' object has no attribute 'y'");
      assert.equal(j.value, 8);
      assert.match(j.overflow, /^OverflowError: signed char is greater than maximum/);
      assert.deepEqual(j.array, [1, -5, 3]);
      assert.equal(j.arrayIndex, 'IndexError: array index out of range');
      assert.match(j.badTypecode, /^ProcessError: bad typecode "z"/);
      assert.equal(j.str, "<DictProxy object, typeid 'dict', id 1>");
      assert.deepEqual(j.childExits, [0, 0, 0]);
      assert.equal(j.tasks.length, 4);
      for (const t of j.tasks) {
        assert.match(t.name, context === 'process' ? /^PoolWorker-/ : /^PoolThread-/);
        assert.equal(t.missing, 'KeyError', 'a server-side KeyError reaches a pool task with its type');
      }
      assert.deepEqual(j.nested, ['from child'], 'a proxy stored in a dict works where it is read back');
      assert.deepEqual(j.keys, [2, 'a', 'child1', 'child2', 'child3', 'inner', 'task1', 'task2', 'task3', 'task4']);
      assert.deepEqual(j.list, ['0', '1', '2', '3', 'task1', 'task2', 'task3', 'task4']);
      assert.deepEqual(j.children, ['SyncManager-1'], "the manager is this process's child, named as Python names it");
      assert.match(j.afterShutdown, /^ProcessError: the manager SyncManager-1 \(pid \d+\) has shut down/);
      assert.equal(j.childrenAfter, 0);
    });

    it('the trace shows the manager, an arrow per call and per reply (channel manager), and waits only for calls that blocked', async () => {
      const run = await runFixture('manager.mjs', ['queues'], context, 60000);
      ok(run);
      const creates = of<ObjectCreateEvent>(run.events, 'object.create').filter((e) => e.objKind === 'manager');
      assert.equal(creates.length, 1);
      assert.equal(creates[0].detail, 'SyncManager-1');
      assert.equal(creates[0].loc?.file, path.join(FIXTURES, 'manager.mjs'));
      const managerId = creates[0].objId;
      const sends = of<MessageEvent>(run.events, 'message.send').filter((e) => e.channel === 'manager');
      const recvs = of<MessageEvent>(run.events, 'message.recv').filter((e) => e.channel === 'manager');
      assert.ok(sends.length > 100, `${sends.length} manager messages`);
      const sent = new Map(sends.map((e) => [e.msgId, e]));
      for (const r of recvs) {
        const s = sent.get(r.msgId);
        assert.ok(s, `recv ${r.msgId} has its send`);
        assert.equal(r.channelId, managerId);
        assert.ok(s.ts <= r.ts);
        assert.ok(s.pid !== r.pid || s.tid !== r.tid, 'a call goes between the caller and the manager');
      }
      assert.equal(recvs.length, sends.length, 'every call and every reply arrives');
      const serverSide = sends.filter((e) => !e.loc);
      assert.ok(serverSide.length > 0 && serverSide.every((e) => e.summary !== undefined));
      const calls = sends.filter((e) => e.loc);
      assert.ok(calls.some((e) => e.summary === "joinableQueue.put('a0')"), calls.map((e) => e.summary).slice(0, 5).join(', '));
      // Blocking calls (a get on an empty queue, join, the timed-out put/get) are waits, ended as they ended.
      const waits = of<WaitBeginEvent>(run.events, 'wait.begin').filter((e) => e.objKind === 'manager');
      const ends = of<WaitEndEvent>(run.events, 'wait.end');
      const outcome = (w: WaitBeginEvent) => ends.find((e) => e.pid === w.pid && e.tid === w.tid && e.waitId === w.waitId)?.outcome;
      assert.ok(waits.every((w) => w.objId === managerId));
      const timedOut = waits.filter((w) => w.timeoutMs === 50);
      assert.deepEqual(timedOut.map((w) => [w.op, outcome(w)]).sort(), [
        ['Manager.queue.get', 'timeout'],
        ['Manager.queue.put', 'timeout'],
      ]);
      assert.ok(waits.some((w) => w.op === 'Manager.joinableQueue.join' && outcome(w) === 'ok'));
      assert.ok(waits.some((w) => w.op === 'Manager.queue.get' && w.timeoutMs === undefined && outcome(w) === 'ok'), 'the blocked get woken by a later put');
      assert.ok(!waits.some((w) => w.op === 'Manager.queue.qsize'), 'calls that answer at once are no waits');
      const j = run.json;
      assert.deepEqual([j.count, j.unique], [40, 40], 'every item put by 2 producers is taken once by 2 consumers');
      assert.deepEqual([j.full, j.fullNow, j.size, j.first, j.empty, j.blockedGet, j.joined], ['Full: queue is full', 'Full: queue is full', 1, 1, 'Empty: queue is empty', 'late0', true]);
    });

    it('Lock, RLock, Semaphore, Event, Condition, Barrier: exact totals, limits, wake-ups, and no hang when a holder or a party is killed', async () => {
      const run = await runFixture('manager.mjs', ['sync'], context, 60000);
      ok(run);
      const j = run.json;
      assert.equal(j.total, 400, '4 processes x 100 locked increments: none lost');
      assert.equal(j.unlockedRelease, 'ValueError: semaphore or lock released too many times');
      assert.deepEqual(j.rlock, [true, true, true]);
      assert.match(j.rlockOverRelease, /^ProcessError: cannot release un-acquired lock/);
      assert.deepEqual(j.timeoutAcquire, { got: false, waitedEnough: true });
      assert.equal(j.semMax, 2, 'Semaphore(2): never more than 2 holders at once');
      assert.equal(j.bounded, 'ValueError: Semaphore released too many times');
      assert.deepEqual(j.event, [true, true]);
      assert.equal(j.eventTimeout, false);
      assert.deepEqual(j.condition, [true]);
      assert.match(j.notifyUnheld, /must acquire\(\) condition/);
      assert.deepEqual(j.barrier, [0, 1, 2]);
      assert.deepEqual(j.brokenBarrier, [['BrokenBarrierError'], true], 'the surviving party gets BrokenBarrierError');
      assert.equal(j.heldByOther, false);
      assert.equal(j.afterHolderKilled, true, 'a lock held by a killed process is released');
      assert.match(j.barrierAction, /a managed Barrier cannot run an action/);
    });

    it('a manager left running does not keep its owner alive, and ends with it', async () => {
      const run = await runFixture('manager.mjs', ['leftRunning'], context, 30000);
      ok(run);
      assert.equal(run.json.x, 1);
      if (context === 'process') assert.ok(await goneWithin(run.json.managerPid, 3000), 'the manager process ended with its owner');
    });

    if (context === 'process') {
      it('a SIGKILLed owner leaves no manager behind: the server sees its parent go and exits', async () => {
        const child = spawn(process.execPath, [path.join(FIXTURES, 'manager.mjs'), 'orphan'], { stdio: ['ignore', 'pipe', 'pipe'] });
        const line = await new Promise<string>((resolve) => child.stdout.on('data', (d: Buffer) => resolve(String(d))));
        const { ready, managerPid } = JSON.parse(line);
        assert.ok(ready);
        assert.ok(isAlive(managerPid));
        child.kill('SIGKILL');
        await new Promise((r) => child.on('close', r));
        assert.ok(await goneWithin(managerPid, 5000), 'the manager exited within 5 s of its owner');
      });
    }
  });
}
