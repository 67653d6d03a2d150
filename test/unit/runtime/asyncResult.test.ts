// AsyncResult on its own (no processes): every way of waiting sees the one outcome.
import { strict as assert } from 'assert';
import { AsyncResult } from '../../../src/runtime/pool/asyncResult';
import { TimeoutError } from '../../../src/runtime/errors';

describe('runtime AsyncResult', () => {
  it('resolves every pending get() and wait(), in any mix, with the value; later gets see it too', async () => {
    const seen: unknown[] = [];
    const r = new AsyncResult<number>((v) => seen.push(['callback', v]));
    const gets = [r.get(), r.get(), r.get(60_000)];
    const waited = r.wait().then(() => 'waited');
    assert.equal(r.ready(), false);
    assert.throws(() => r.successful(), /not ready/);
    r.settle(true, 42);
    r.settle(false, new Error('ignored: already settled'));
    assert.deepEqual(await Promise.all(gets), [42, 42, 42]);
    assert.equal(await waited, 'waited');
    assert.equal(await r.get(), 42);
    assert.equal(r.successful(), true);
    assert.deepEqual(seen, [['callback', 42]]);
  });

  it("rejects every get() with the task's own error, and wait() still just resolves", async () => {
    const boom = new TypeError('boom');
    const errors: unknown[] = [];
    const r = new AsyncResult<number>(undefined, (e) => errors.push(e));
    const gets = [r.get(), r.get()].map((p) => p.then(() => 'resolved', (e: unknown) => e));
    r.settle(false, boom);
    assert.deepEqual(await Promise.all(gets), [boom, boom]);
    await r.wait();
    await assert.rejects(r.get(), (e) => e === boom);
    assert.equal(r.successful(), false);
    assert.deepEqual(errors, [boom]);
  });

  it('get(timeout) rejects with TimeoutError while the result is pending, and a later get still works', async () => {
    const r = new AsyncResult<string>();
    await assert.rejects(r.get(10), TimeoutError);
    const late = r.get();
    r.settle(true, 'done');
    assert.equal(await late, 'done');
  });
});
