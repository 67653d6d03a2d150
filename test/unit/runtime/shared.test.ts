// Shared memory (Value, SharedArray, RawValue, RawArray) and the synchronization primitives
// (src/runtime/memory, src/runtime/sync) through real children: exact totals under every lock
// kind, lost updates without one, Python's errors, wake-ups and timeouts, wrapping like the C
// types, and what may be passed where. Each test runs test/fixtures/runtime/shared.mjs.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import { SHM_DIR, SHM_ENV, shmRunPrefix } from '../../../src/trace/channel';
import { holdCount, type HoldEntry, type HoldSpansEvent, type ObjectCreateEvent, type WaitBeginEvent, type WaitEndEvent } from '../../../src/trace/events';
import { maxOverlap, runFixture, type FixtureRun } from './run';

function ok(run: FixtureRun): void {
  assert.equal(run.code, 0, `fixture failed (code ${run.code}, signal ${run.signal})\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  assert.equal(run.malformed, 0, 'every trace line is a valid event');
}

const INHERIT = /objects should only be shared between processes through inheritance: pass it to a Process in args, or to a Pool in initargs/;

export function sharedSuite(context: 'process' | 'thread'): void {
  describe(`shared memory and locks (${context} context)`, function () {
    this.timeout(120000);

    it('4 children × n increments give the exact total under Lock, RLock, Semaphore(1), BoundedSemaphore(1), getLock() and a Condition', async () => {
      const run = await runFixture('shared.mjs', ['counters', '2000'], context, 90000);
      ok(run);
      const j = run.json;
      for (const kind of ['Lock', 'RLock', 'Semaphore', 'BoundedSemaphore', 'getLock']) {
        assert.deepEqual(j[kind].exits, [0, 0, 0, 0], kind);
        assert.equal(j[kind].total, 4 * j.n, `${kind}: no update lost`);
      }
      assert.deepEqual(j.Condition.exits, [0, 0, 0, 0, 0]);
      assert.equal(j.Condition.total, 4 * j.n);
    });

    it('without a lock, 4 children incrementing lose updates (in at least one of several runs)', async () => {
      const run = await runFixture('shared.mjs', ['race', '50000'], context, 90000);
      ok(run);
      const { n, totals } = run.json as { n: number; totals: number[] };
      // A lost update can overwrite many: a child that read 0, slept, then wrote 1 undoes all the
      // others did meanwhile, so a total below n is possible too (49,848 of 200,000 was seen).
      for (const t of totals) assert.ok(t <= 4 * n && t > 0, `total ${t} is between 1 and 4n`);
      assert.ok(totals.some((t) => t < 4 * n), `some run lost updates: ${totals.join(', ')}`);
    });

    it('Lock, RLock and semaphores behave as Python’s: timeouts, recursion, ownership and over-release errors; withLock always releases', async () => {
      const run = await runFixture('shared.mjs', ['locks'], context);
      ok(run);
      const j = run.json;
      assert.equal(j.releaseUnlocked, 'ValueError: semaphore or lock released too many times');
      assert.equal(j.first, true);
      assert.equal(j.again, false, 'block: false on a held lock returns false at once');
      assert.equal(j.timed, false, 'a timeout returns false');
      assert.match(j.badTimeout, /^ProcessError: timeout must be a non-negative number of milliseconds/);
      assert.equal(j.locked, true);
      assert.equal(j.lockedAfter, false);
      assert.deepEqual(j.rlockRecursive, [true, true, true]);
      assert.equal(j.rlockStillHeld, true, 'an RLock acquired three times is held after two releases');
      assert.equal(j.rlockChild, 0, 'a child releasing an RLock it does not hold gets the error');
      assert.match(j.rlockReleaseUnowned, /^ProcessError: cannot release un-acquired lock/);
      assert.equal(j.boundedOver, 'ValueError: Semaphore released too many times');
      assert.equal(j.semNoBlock, false);
      assert.equal(j.semValue, 2);
      assert.match(j.badSemaphore, /^ValueError: semaphore initial value must be >= 0/);
      assert.equal(j.withLockThrows, 'Error: boom');
      assert.equal(j.lockedAfterThrow, false, 'withLock released the lock although fn threw');
    });

    it('a Semaphore(2) never lets more than 2 children in at once', async () => {
      const run = await runFixture('shared.mjs', ['semaphore'], context, 60000);
      ok(run);
      assert.deepEqual(run.json.exits, [0, 0, 0, 0, 0]);
      assert.equal(run.json.max, 2, 'at most two inside, and two did get in together');
      assert.equal(run.json.inside, 0);
      assert.equal(run.json.value, 2);
    });

    it('Event and Condition wake children, notify(1) wakes one, notifyAll the rest; timeouts return false', async () => {
      const run = await runFixture('shared.mjs', ['event'], context, 60000);
      ok(run);
      const j = run.json;
      assert.equal(j.timeout, false);
      assert.equal(j.waited, true);
      assert.equal(j.before, 0, 'nobody passes an unset Event');
      assert.equal(j.after, 3, 'set() wakes every waiting child');
      assert.equal(j.isSet, true);
      assert.equal(j.cleared, false);
      assert.match(j.notifyUnowned, /^ProcessError: must acquire\(\) condition/);
      assert.match(j.waitUnowned, /^ProcessError: must acquire\(\) condition/);
      assert.equal(j.afterNotify1, 1, 'notify() wakes exactly one of three waiters');
      assert.equal(j.afterNotifyAll, 3);
      assert.equal(j.condTimeout, false);
      assert.equal(j.waitForTimeout, 0, 'waitFor returns the predicate’s last result on timeout');
      assert.equal(j.waitFor, 'done');
    });

    it('Barrier: distinct arrival indexes, the action once, a timeout breaks it for everyone, reset and abort', async () => {
      const run = await runFixture('shared.mjs', ['barrier'], context, 60000);
      ok(run);
      const j = run.json;
      assert.deepEqual(j.exits, [0, 0, 0]);
      assert.deepEqual(j.indexes, [0, 1, 2]);
      assert.equal(j.parties, 3);
      assert.equal(j.broken, false);
      assert.equal(j.actionRuns, 1, 'the action runs once per generation, in a child (found by export name)');
      assert.deepEqual(j.timeoutResults, [2, 2], 'both waiters of a 3-party barrier get BrokenBarrierError after its timeout');
      assert.equal(j.brokenAfter, true);
      assert.match(j.waitBroken, /^BrokenBarrierError: /);
      assert.equal(j.afterReset, false);
      assert.equal(j.nWaiting, 1);
      assert.equal(j.aborted, 'BrokenBarrierError');
      assert.match(j.badParties, /^ProcessError: parties must be a positive integer/);
    });

    it('the trace: object.create per object, waits only for calls that blocked, holds as hold.spans that never overlap between holders', async () => {
      const run = await runFixture('shared.mjs', ['trace'], context, 60000);
      ok(run);
      const { lockId, eventId, woke } = run.json;
      assert.equal(woke, 1);
      const creates = run.events.filter((e): e is ObjectCreateEvent => e.kind === 'object.create');
      assert.ok(creates.some((e) => e.objId === lockId && e.objKind === 'lock' && e.loc?.file.endsWith('shared.mjs')), 'the Lock is announced with where it was made');
      assert.ok(creates.some((e) => e.objId === eventId && e.objKind === 'event'));
      const spans = run.events.filter((e): e is HoldSpansEvent => e.kind === 'hold.spans' && e.objId === lockId);
      const pairs = spans.flatMap((e) => e.spans);
      assert.equal(
        pairs.reduce((n, p) => n + holdCount(p), 0),
        20,
        'every hold of both children is recorded (a run of holds in a row counts as its n)',
      );
      assert.equal(new Set(spans.map((e) => `${e.pid}:${e.tid ?? 0}`)).size, 2, 'both children (processes or threads) held it');
      assert.equal(maxOverlap(pairs), 1, 'two holders of one lock never overlap in the trace');
      const begins = run.events.filter((e): e is WaitBeginEvent => e.kind === 'wait.begin');
      const ends = run.events.filter((e): e is WaitEndEvent => e.kind === 'wait.end');
      const lockWaits = begins.filter((e) => e.op === 'Lock.acquire' && e.objId === lockId);
      assert.ok(lockWaits.length > 0 && lockWaits.length < 20, `some acquires blocked, not all (${lockWaits.length})`);
      const evWait = begins.find((e) => e.op === 'Event.wait' && e.objId === eventId);
      assert.ok(evWait, 'the Event wait is traced');
      assert.equal(ends.find((e) => e.pid === evWait.pid && (e.tid ?? 0) === (evWait.tid ?? 0) && e.waitId === evWait.waitId)?.outcome, 'ok');
    });

    it('the trace: holds in a row by one thread are one run entry [first, last, n]; a turn of the event loop or another holder ends a run; holders never overlap', async () => {
      const run = await runFixture('shared.mjs', ['holdRuns'], context, 90000);
      ok(run);
      const { lockId, rlockId, valueLockId, n, m, total, exits } = run.json as { lockId: string; rlockId: string; valueLockId: string; n: number; m: number; total: number; exits: number[] };
      assert.deepEqual(exits, [0, 0, 0]);
      assert.equal(total, 2 * m);
      const entries = (objId: string) => run.events.filter((e): e is HoldSpansEvent => e.kind === 'hold.spans' && e.objId === objId).flatMap((e) => e.spans);
      const sum = (xs: HoldEntry[]) => xs.reduce((k, p) => k + holdCount(p), 0);
      // The Lock: n holds in one turn (and the first hold after them, still in that turn), then
      // three holds each followed by a sleep: a flush in between ends the run, so each is its own.
      const lock = entries(lockId);
      assert.equal(sum(lock), n + 3, JSON.stringify(lock.map((p) => p[2] ?? 1)));
      assert.ok(lock.some((p) => p.length === 3 && p[2] >= n), `one run of at least ${n}: ${JSON.stringify(lock.map((p) => p[2] ?? 1))}`);
      assert.deepEqual(lock.slice(-2).map((p) => p.length), [2, 2], 'holds with a sleep between them are not merged');
      for (let i = 1; i < lock.length; i++) assert.ok(lock[i]![0] >= lock[i - 1]![1], 'entries in order, each after the last');
      // The RLock taken twice per hold: one hold each, n in a row, one run.
      const rlock = entries(rlockId);
      assert.equal(sum(rlock), n);
      assert.ok(rlock.length < n / 2, `merged: ${rlock.length} entries`);
      // Two children on one Value's lock: every hold counted, never two holders at once.
      const contended = entries(valueLockId);
      assert.equal(sum(contended), 2 * m);
      assert.equal(maxOverlap(contended), 1, 'two holders of one lock never overlap in the trace');
      // A holder that takes it again before a sleeping waiter runs makes a run (waiters do not stop one).
      assert.ok(contended.length < 2 * m, `some holds merged: ${contended.length} entries for ${2 * m} holds`);
    });

    it('values wrap and round like the C type (as Python’s ctypes); a float for an int type is a TypeError; SharedArray indexes', async () => {
      const run = await runFixture('shared.mjs', ['wrap'], context);
      ok(run);
      const j = run.json;
      assert.deepEqual(j.b, ['returned 127', 'returned -128', 'returned -56', 'returned 127']);
      assert.deepEqual(j.B, ['returned 0', 'returned 255']);
      assert.equal(j.h, 'returned -25536');
      assert.equal(j.H, 'returned 65535');
      assert.deepEqual(j.i, ['returned -2147483648', 'returned 2147483647']);
      assert.equal(j.I, 'returned 4294967295');
      assert.deepEqual(j.q, ['returned -9223372036854775808', 'returned 1099511627776']);
      assert.equal(j.Q, 'returned 18446744073709551615');
      assert.equal(j.l, 'returned -5');
      assert.equal(j.f, 'returned 0.10000000149011612');
      assert.equal(j.d, 'returned 0.1');
      assert.equal(j.floatToInt, 'TypeError: int expected instead of float');
      assert.equal(j.strToFloat, 'TypeError: must be real number, not str');
      assert.equal(j.bool, 'returned 1');
      assert.match(j.badTypecode, /^ProcessError: bad typecode "z"/);
      assert.deepEqual(j.array, [1, 2, 44]);
      assert.equal(j.arrayNeg, 44);
      assert.equal(j.arrayOut, 'IndexError: index 3 out of range for a SharedArray of length 3');
      assert.equal(j.arraySetOut, 'IndexError: index -4 out of range for a SharedArray of length 3');
      assert.equal(j.arrayLen, 3);
      assert.deepEqual(j.slice, [2, 44]);
      assert.deepEqual(j.iter, [1, 2, 44]);
      assert.deepEqual(j.zeros, [0, 0, 0]);
      assert.match(j.rawLock, /^AttributeError: 'c_int' object has no attribute 'getLock'/);
      assert.equal(j.str, '<Synchronized wrapper for c_int(7)>');
      assert.equal(j.initial, 2.5);
    });

    it('passes to grandchildren and through Pool initargs; a pool task’s args, a queue item fail at once with Python’s advice', async () => {
      const run = await runFixture('shared.mjs', ['passing'], context, 60000);
      ok(run);
      const j = run.json;
      assert.equal(j.grandchildExit, 0);
      assert.equal(j.afterGrandchild, 100, 'a grandchild updated the Value through the same memory');
      assert.equal(j.poolResults, 4);
      assert.equal(j.afterPool, 110, 'pool workers got the Value through initargs');
      assert.match(j.taskArg, /^ProcessError: Synchronized /);
      assert.match(j.taskArg, INHERIT);
      assert.match(j.lockTaskArg, /^ProcessError: Lock /);
      assert.match(j.queue, /^ProcessError: Lock objects should only be shared/);
    });
  });
}

sharedSuite('process');
sharedSuite('thread');

/** Shared-memory files a run made (outside the runner a run's prefix is its main pid). */
function filesOf(mainPid: number): string[] {
  return fs.readdirSync(SHM_DIR).filter((n) => n.startsWith(shmRunPrefix(`pid${mainPid}`)));
}

{
  describe('shared memory between processes: killed holders and parties', function () {
    this.timeout(120000);
    const env = { [SHM_ENV]: 'native' };

    it('a lock holder killed by SIGKILL does not leave the others waiting: the lock is freed within a few polls', async () => {
      const run = await runFixture('shared.mjs', ['killHolder'], 'process', 60000, env);
      ok(run);
      const j = run.json;
      assert.equal(j.early, false, 'held while its holder lives');
      assert.equal(j.exitCode, -9);
      assert.equal(j.acquired, true, 'taken after the holder died');
      assert.deepEqual(filesOf(j.pid), [], 'no shared-memory file of the run is left in /dev/shm');
    });

    it('a barrier party killed while waiting breaks the barrier: the others get BrokenBarrierError, no hang', async () => {
      const run = await runFixture('shared.mjs', ['killParty'], 'process', 60000, env);
      ok(run);
      assert.equal(run.json.other, 2, 'the surviving child got BrokenBarrierError');
      assert.equal(run.json.mine, 'BrokenBarrierError');
      assert.deepEqual(filesOf(run.json.pid), []);
    });
  });
}
