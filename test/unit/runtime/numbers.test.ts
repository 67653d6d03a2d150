// Packed map chunks (src/runtime/pool/numbers.ts): every number survives exactly, anything else
// is left to the general path, and a worker never calls the task function twice for one item.
import { strict as assert } from 'assert';
import { copyResults, mapIntoNumbers, PACK_MIN, packNumbers, packRange, unpackNumbers } from '../../../src/runtime/pool/numbers';

describe('runtime packed map chunks', () => {
  it('packs a long all-number range exactly (-0, NaN, ±Infinity included) and nothing else', () => {
    const list: unknown[] = Array.from({ length: 3 * PACK_MIN }, (_, i) => i + 0.5);
    list.splice(PACK_MIN, 4, -0, NaN, -Infinity, Number.MAX_VALUE);
    const packed = packRange(list, PACK_MIN, 2 * PACK_MIN) as Float64Array;
    assert.ok(packed instanceof Float64Array);
    assert.equal(packed.length, PACK_MIN);
    assert.ok(unpackNumbers(packed).every((v, i) => Object.is(v, list[PACK_MIN + i])));
    assert.equal(packRange(list, 0, PACK_MIN - 1), undefined, 'too short to be worth it');
    list[2 * PACK_MIN - 1] = '1';
    assert.equal(packRange(list, PACK_MIN, 2 * PACK_MIN), undefined, 'a string inside');
    assert.ok(packRange(list, 0, PACK_MIN) instanceof Float64Array, 'the range before it still packs');
    assert.equal(packNumbers([1, 2, 3]), undefined);
  });

  it('maps into a Float64Array and stops at the first result that is not a number, calling fn once per item', () => {
    const items = Float64Array.from({ length: 1000 }, (_, i) => i);
    const calls: number[] = [];
    const all = mapIntoNumbers((x) => (calls.push(x), x * x), items);
    assert.equal(all.done, 1000);
    assert.ok(all.out.every((v, i) => v === i * i));
    assert.equal(calls.length, 1000);
    calls.length = 0;
    const stray = { not: 'a number' };
    const part = mapIntoNumbers((x) => (calls.push(x), x === 600 ? stray : -x), items);
    assert.deepEqual([part.done, part.stray], [600, stray]);
    assert.ok(part.out.subarray(0, 600).every((v, i) => Object.is(v, -i)), '-0 kept');
    assert.deepEqual(calls, Array.from({ length: 601 }, (_, i) => i), 'stopped right after the stray item');
    assert.throws(() => mapIntoNumbers((x) => { if (x === 3) throw new RangeError('three'); return x; }, items), /three/);
  });

  it('copies a chunk, packed or plain, to its place in the result', () => {
    const out = new Array<unknown>(6);
    copyResults(Float64Array.of(1, -0, NaN), out, 3);
    copyResults(['a', { b: 1 }, null], out, 0);
    assert.deepEqual(out, ['a', { b: 1 }, null, 1, -0, NaN]);
    assert.ok(Object.is(out[4], -0));
  });
});
