// recv()'s spin (src/runtime/transport/spin.ts): a missed spin makes the next waits skip spinning;
// a reply that then comes within the budget anyway (the peer answers fast) ends the skipping.
import { strict as assert } from 'assert';
import { SPIN_BUDGET_US, spinClock, spinUntil, spinWaited } from '../../../src/runtime/transport/spin';
import type { SocketEndpoint } from '../../../src/runtime/transport/frames';

/** A socket that never has data: counts the reads the spin makes of it. */
function emptySource(): { source: SocketEndpoint; reads: () => number } {
  let reads = 0;
  const source = {
    canReadSync: () => true,
    readSync: () => {
      reads++;
      return true;
    },
  } as unknown as SocketEndpoint;
  return { source, reads: () => reads };
}

describe('recv() spin', () => {
  before(function () {
    if (SPIN_BUDGET_US === 0) this.skip(); // one CPU or CONCURRENCY_LAB_SPIN_US=0: the spin is off
  });

  it('skips spinning after a miss until a reply comes within the budget, not after a slow one', () => {
    const { source, reads } = emptySource();
    const skipped = () => {
      const before = reads();
      spinUntil(source, () => false);
      return reads() === before;
    };
    assert.equal(spinUntil(source, () => false), false, 'nothing arrives: the spin misses');
    // One miss: the next two waits skip; a second miss in a row: the next four.
    assert.ok(skipped());
    assert.ok(skipped());
    assert.ok(!skipped(), 'spins again, and misses again');
    assert.ok(skipped(), 'the wait after a miss does not spin');

    // A reply that took far longer than the budget: still skipping.
    spinWaited(performance.now() - 1000);
    assert.ok(skipped(), 'a slow reply keeps the skipping');

    // A reply right away although this side did not spin: the peer answers fast, spin again.
    spinWaited(spinClock());
    const before = reads();
    assert.equal(spinUntil(source, () => true), true);
    assert.ok(reads() > before, 'the next wait spins');
    // (That hit left the spin as it starts: no misses, no skipping.)
  });
});
