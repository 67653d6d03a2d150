// The time axis: nice steps, one unit per axis, human durations.
import * as assert from 'assert';
import { formatDuration, formatTick, tickStep, ticks } from '../../../src/webview/layout/ticks';

describe('webview layout: ticks', () => {
  it('picks 1/2/5 × 10^k steps at least minPx apart', () => {
    assert.strictEqual(tickStep(1_000_000, 1000, 80), 100_000);
    assert.strictEqual(tickStep(1_000_000, 1000, 100), 100_000);
    assert.strictEqual(tickStep(1_000_000, 1000, 101), 200_000);
    assert.strictEqual(tickStep(3_000, 800, 80), 500);
    assert.strictEqual(tickStep(7e7, 500, 80), 2e7);
    for (const span of [13, 999, 12_345, 6e6, 4e8]) {
      const step = tickStep(span, 640, 80);
      assert.ok((step * 640) / span >= 80, `${span}: step ${step} too small`);
      assert.ok([1, 2, 5].includes(Number((step / Math.pow(10, Math.floor(Math.log10(step)))).toFixed(6))), `${step} is not nice`);
    }
  });

  it('labels ticks in the unit of the step', () => {
    assert.deepStrictEqual(
      ticks({ t0: 0, t1: 1_000_000 }, 500).map((t) => t.label),
      ['0', '0.2 s', '0.4 s', '0.6 s', '0.8 s', '1.0 s'],
    );
    assert.deepStrictEqual(
      ticks({ t0: 950, t1: 2100 }, 400).map((t) => [t.t, t.label]),
      [
        [1000, '1.0 ms'],
        [1500, '1.5 ms'],
        [2000, '2.0 ms'],
      ],
    );
    assert.strictEqual(formatTick(3_000_000, 1_000_000), '3 s');
    assert.strictEqual(formatTick(250, 50), '250 µs');
    // Steps accumulate no float error: 0.3 s is 300 ms, not 300.00000000000006.
    assert.ok(ticks({ t0: 0, t1: 1e6 }, 1000).every((t) => Number.isInteger(t.t)));
  });

  it('formats durations for people', () => {
    assert.strictEqual(formatDuration(0), '0 µs');
    assert.strictEqual(formatDuration(12.4), '12 µs');
    assert.strictEqual(formatDuration(4500), '4.5 ms');
    assert.strictEqual(formatDuration(123_456), '123 ms');
    assert.strictEqual(formatDuration(1_020_000), '1.02 s');
    assert.strictEqual(formatDuration(125_000_000), '2 min 5 s');
    assert.strictEqual(formatDuration(-2000), '-2 ms');
  });
});
