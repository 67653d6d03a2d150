// RawLines: the runner's columns of a captured trace. Its sort must be the runner's byTime (stable
// on arrival order) whatever the runs in the arrivals, and its writer must copy lines exactly.
import { strict as assert } from 'assert';
import { RawLines } from '../../../src/runner/rawLines';
import { xorshift32 } from '../../helpers/xorshift';

describe('RawLines', () => {
  it('sorts by time, equal times in arrival order, like a stable sort, over any runs', () => {
    const r = xorshift32(0x9e3779b9);
    for (let round = 0; round < 60; round++) {
      const lines = new RawLines();
      const ts: number[] = [];
      // Writers whose times rise, read in chunks of random size, with ties and some stray times.
      const writers = 1 + Math.floor(r() * 6);
      const clock = Array.from({ length: writers }, () => Math.floor(r() * 10));
      const n = Math.floor(r() * 3000);
      while (ts.length < n) {
        const w = Math.floor(r() * writers);
        for (let k = Math.floor(r() * 50); k > 0 && ts.length < n; k--) {
          clock[w] += r() < 0.3 ? 0 : Math.floor(r() * 3);
          ts.push(r() < 0.02 ? Math.floor(r() * 100) : clock[w]);
        }
      }
      ts.forEach((t, i) => lines.addEvent({ kind: 'error', ts: t, pid: 1, message: String(i) }));
      // A stable sort of the arrivals: equal times keep their arrival order.
      const want = ts.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0]);
      const got = lines.events() as { ts: number; message: string }[];
      assert.deepEqual(
        got.map((e) => [e.ts, Number(e.message)]),
        want.map(([t, i]) => [t, i]),
        `round ${round}`,
      );
    }
  });
});
