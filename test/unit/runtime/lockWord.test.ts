// The lock word protocol of src/runtime/sync/lock.ts (takeWord/freeWord) over a fake sleeper, so
// each step is deterministic: a release wakes one sleeper and then no other until the woken one
// has run (it may find the lock taken again by a barging holder and sleep again), a wake that
// found nobody asleep does not count as on its way, and no sleeper is ever left without a wake
// while the lock is free.
import { strict as assert } from 'assert';
import { Words, type Sleeper, type WaitResult } from '../../../src/runtime/memory/words';
import { freeWord, takeWord } from '../../../src/runtime/sync/lock';

const OWNER = 0;
const WAITERS = 1;
const WAKING = 1 << 30;

/** Sleepers park until wake(); notify() wakes the oldest ones and says how many. */
class FakeSleeper implements Sleeper {
  parked: Array<{ index: number; resolve: (r: WaitResult) => void }> = [];
  notifies = 0;
  wait(i32: Int32Array, index: number, expected: number): Promise<WaitResult> {
    if (Atomics.load(i32, index) !== expected) return Promise.resolve('not-equal');
    return new Promise((resolve) => this.parked.push({ index, resolve }));
  }
  notify(_i32: Int32Array, index: number, count: number): number {
    this.notifies++;
    let n = 0;
    while (n < count) {
      const i = this.parked.findIndex((p) => p.index === index);
      if (i < 0) break;
      this.parked.splice(i, 1)[0].resolve('ok');
      n++;
    }
    return n;
  }
}

/** Lets pending promise callbacks run (a woken waiter's next steps). */
const settle = () => new Promise((r) => setImmediate(r));

describe('lock word: one wake on its way at a time', () => {
  it('a holder releasing in a loop wakes one sleeper once, not once per release; the woken one re-arms the wake', async () => {
    const sleeper = new FakeSleeper();
    const w = new Words(new Int32Array(4), 0, sleeper);
    w.store(OWNER, 1); // holder 1
    const b = takeWord(w, 2, Infinity);
    const c = takeWord(w, 3, Infinity);
    await settle();
    assert.equal(sleeper.parked.length, 2, 'both waiters sleep');
    assert.equal(w.load(WAITERS), 2);

    // Holder 1 releases and barges back in, ten times before any woken waiter runs.
    for (let i = 0; i < 10; i++) {
      freeWord(w);
      assert.equal(w.cas(OWNER, 0, 1), 0, 'the holder takes it back');
    }
    assert.equal(sleeper.notifies, 1, 'one wake for ten releases');
    assert.equal(sleeper.parked.length, 1, 'one sleeper woken, the other still asleep');
    assert.ok(w.load(WAITERS) & WAKING, 'a wake is on its way');

    // The woken one runs, finds the lock held, sleeps again, and clears the flag first.
    await settle();
    assert.equal(w.load(WAITERS) & WAKING, 0, 'the woken waiter used up the wake');
    assert.equal(sleeper.parked.length, 2);

    // The holder's last release wakes one, which takes it; its own release wakes the other.
    freeWord(w);
    assert.equal(sleeper.notifies, 2);
    await settle();
    const first = await Promise.race([b.then(() => 2), c.then(() => 3)]);
    assert.equal(w.load(OWNER), first, 'the woken waiter holds the lock');
    freeWord(w);
    await settle();
    assert.equal(w.load(OWNER), first === 2 ? 3 : 2, 'the other one got it after');
    freeWord(w);
    assert.deepEqual(await Promise.all([b, c]), [true, true]);
    assert.equal(w.load(WAITERS), 0, 'no waiter counted, no wake flag left');
    assert.equal(w.load(OWNER), 0);
  });

  it('a wake that finds nobody asleep (a waiter between its look and its sleep) is not counted as on its way', async () => {
    const sleeper = new FakeSleeper();
    const w = new Words(new Int32Array(4), 0, sleeper);
    w.store(OWNER, 1);
    w.add(WAITERS, 1); // a waiter that has counted itself but not gone to sleep yet
    freeWord(w);
    assert.equal(sleeper.notifies, 1);
    assert.equal(w.load(WAITERS) & WAKING, 0, 'nobody was woken: the next release must wake');
    w.store(OWNER, 1); // the holder took it back; the waiter now sleeps on it
    const parked = sleeper.wait(w.i32, OWNER, 1);
    freeWord(w);
    assert.equal(sleeper.notifies, 2, 'the next release wakes it');
    assert.equal(await parked, 'ok');
  });

  it('a release with nobody waiting makes no wake call', () => {
    const sleeper = new FakeSleeper();
    const w = new Words(new Int32Array(4), 0, sleeper);
    w.store(OWNER, 1);
    freeWord(w);
    assert.equal(sleeper.notifies, 0);
    assert.equal(w.load(OWNER), 0);
  });
});
