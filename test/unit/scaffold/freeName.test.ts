import * as assert from 'assert';
import { pickFreeName } from '../../../src/scaffold/freeName';

describe('pickFreeName', () => {
  const taken = (...names: string[]) => async (n: string) => names.includes(n);
  it('uses the plain name when it is free', async () => {
    assert.strictEqual(await pickFreeName('pool-map', '.mjs', taken()), 'pool-map.mjs');
  });
  it('never overwrites: counts up past every taken name', async () => {
    assert.strictEqual(await pickFreeName('pool-map', '.mjs', taken('pool-map.mjs', 'pool-map-2.mjs')), 'pool-map-3.mjs');
  });
  it('a file of the other language does not count', async () => {
    assert.strictEqual(await pickFreeName('queue', '.mts', taken('queue.mjs')), 'queue.mts');
  });
  it('gives up with a clear error instead of looping forever', async () => {
    await assert.rejects(pickFreeName('x', '.mjs', async () => true, 3), /no free file name for x\.mjs after 3 tries/);
  });
});
