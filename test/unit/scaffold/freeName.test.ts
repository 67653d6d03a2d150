import * as assert from 'assert';
import { pickFreeName, sameStemNames } from '../../../src/scaffold/freeName';

describe('pickFreeName', () => {
  const taken = (...names: string[]) => async (n: string) => names.includes(n);
  it('uses the plain name when it is free', async () => {
    assert.strictEqual(await pickFreeName('pool-map', '.mjs', taken()), 'pool-map.mjs');
  });
  it('never overwrites: counts up past every taken name', async () => {
    assert.strictEqual(await pickFreeName('pool-map', '.mjs', taken('pool-map.mjs', 'pool-map-2.mjs')), 'pool-map-3.mjs');
  });
  it('a file of the other language does not count to pickFreeName itself', async () => {
    assert.strictEqual(await pickFreeName('queue', '.mts', taken('queue.mjs')), 'queue.mts');
  });
  it('sameStemNames: the writer also avoids the other language\'s stem (TypeScript would hide x.mjs behind x.mts)', async () => {
    assert.deepStrictEqual(sameStemNames('queue-2.mts'), ['queue-2.mjs', 'queue-2.mts']);
    assert.deepStrictEqual(sameStemNames('notes.txt'), ['notes.txt']);
    const onDisk = ['queue.mjs'];
    const exists = async (n: string) => sameStemNames(n).some((s) => onDisk.includes(s));
    assert.strictEqual(await pickFreeName('queue', '.mts', exists), 'queue-2.mts');
  });
  it('gives up with a clear error instead of looping forever', async () => {
    await assert.rejects(pickFreeName('x', '.mjs', async () => true, 3), /no free file name for x\.mjs after 3 tries/);
  });
});
