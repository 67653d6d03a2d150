// The frame codec must round-trip every value exactly as structured clone does, whichever of
// its two encodings (JSON for plain data, V8 for the rest) it picks.
import { strict as assert } from 'assert';
import { decodePayload, encodeFrame, LENGTH_BYTES } from '../../../src/runtime/transport/codec';

function roundTrip(v: unknown): { value: unknown; tag: string } {
  const frame = encodeFrame(v);
  assert.equal(frame.readUInt32BE(0), frame.length - LENGTH_BYTES, 'length prefix');
  return { value: decodePayload(frame, LENGTH_BYTES, frame.length), tag: String.fromCharCode(frame[LENGTH_BYTES]) };
}

describe('runtime frame codec', () => {
  it('sends plain data as JSON', () => {
    for (const v of [{ t: 'put', b: 'q1:1', v: { id: 1, name: 'msg', values: [1, 2, 3], nested: { ok: true } } }, [1, 'a', null, true], 'héllo \ud83d\ude00', 0, -5.25]) {
      const r = roundTrip(v);
      assert.equal(r.tag, 'J');
      assert.deepEqual(r.value, v);
    }
  });

  it('sends big messages (a map chunk, its results) as V8, which is cheaper there, intact', () => {
    const chunk = { t: 'res', list: [[0, true, Array.from({ length: 10000 }, (_, i) => i * i)]] };
    const r = roundTrip(chunk);
    assert.equal(r.tag, 'V');
    assert.deepEqual(r.value, chunk);
  });

  it('falls back to V8 structured clone for everything JSON would change', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const cases: unknown[] = [
      new Map([[1, 'a']]),
      new Set([1, 2]),
      new Date(5),
      10n ** 20n,
      new Uint8Array([1, 2]),
      { a: undefined },
      [1, undefined],
      // eslint-disable-next-line no-sparse-arrays
      [1, , 3],
      NaN,
      -0,
      Infinity,
      /x/g,
      new (class Point {
        x = 1;
      })(),
      cyclic,
    ];
    for (const v of cases) {
      const r = roundTrip(v);
      assert.equal(r.tag, 'V', `V8 for ${String(v)}`);
      assert.deepEqual(r.value, structuredClone(v));
    }
    const back = roundTrip(cyclic).value as Record<string, unknown>;
    assert.equal(back.self, back);
    assert.ok(Object.is(roundTrip(-0).value, -0));
  });

  it('throws at once for values that cannot be cloned', () => {
    assert.throws(() => encodeFrame({ f: () => 1 }), /could not be cloned/);
    assert.throws(() => encodeFrame([Symbol('s')]), /could not be cloned|Symbol/);
  });
});
