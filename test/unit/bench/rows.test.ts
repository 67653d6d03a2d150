// The benchmark's verdicts: a goal counts as met only when every rep meets it, the spread shown is
// the reps' own, and a rep that says nothing (the machine could not do better) is n/a, not a miss.
import { strict as assert } from 'assert';
import * as path from 'path';

interface Row {
  what: string;
  ours: string;
  baseline: string;
  ratio: string;
  spread: string;
  met: string;
  note: string;
  verdict?: string;
  ratios?: number[];
  error?: boolean;
}
type RowOptions = {
  what: string;
  ours: unknown;
  baseline: unknown;
  value?: (r: never) => number;
  unit: string;
  higherIsBetter: boolean;
  goal: number;
  note?: string;
  repProblem?: (i: number) => string | undefined;
  inconclusive?: (i: number) => string | undefined;
};
const rows = require(path.resolve(__dirname, '../../../bench/lib/rows.cjs')) as {
  Skip: new (message: string) => Error;
  row(o: RowOptions): Row;
  refRow(o: { what: string; value: unknown; unit: string; note?: string }): Row;
  verdictOf(r: Partial<Row>): string;
  formatTable(rs: Partial<Row>[]): string;
};

const base = { what: 'x', unit: 'ops/s', higherIsBetter: true, goal: 1 };

describe('bench rows', () => {
  it('pairs reps: each rep is ours[i] / baseline[i], and the goal must hold in every one', () => {
    const r = rows.row({ ...base, ours: [110, 90, 130], baseline: [100, 100, 100] });
    assert.deepEqual(r.ratios?.map((x) => x.toFixed(2)), ['1.10', '0.90', '1.30']);
    assert.equal(r.ratio, '1.10×', 'the median ratio');
    assert.equal(r.spread, '0.90–1.30');
    assert.equal(r.met, 'NO 2/3', 'a median above the goal is not enough');
    assert.equal(rows.verdictOf(r), 'NO');
    assert.equal(rows.row({ ...base, ours: [110, 101, 130], baseline: [100, 100, 100] }).met, 'yes 3/3');
  });

  it('lower-is-better goals, per-rep values and a fixed baseline', () => {
    const r = rows.row({ ...base, higherIsBetter: false, goal: 0.8, ours: [{ ms: 8 }, { ms: 7 }], baseline: [{ ms: 10 }, { ms: 10 }], value: (x: { ms: number }) => x.ms, unit: 'ms' });
    assert.equal(r.met, 'yes 2/2');
    assert.equal(r.ours, '7.5 ms');
    assert.equal(rows.row({ ...base, ours: [300, 100], baseline: 200 }).met, 'NO 1/2');
  });

  it('a rep problem fails the rep whatever its ratio; an inconclusive miss is n/a, not NO', () => {
    const lost = rows.row({ ...base, ours: [200, 200], baseline: [100, 100], repProblem: (i) => (i === 1 ? 'LOST 3 events' : undefined) });
    assert.equal(lost.met, 'NO 1/2');
    assert.match(lost.note, /LOST 3 events/);
    const busy = rows.row({ ...base, ours: [200, 50], baseline: [100, 100], inconclusive: () => 'machine busy' });
    assert.equal(busy.met, 'n/a 1/2');
    assert.match(busy.note, /machine busy/);
    const missed = rows.row({ ...base, ours: [50, 50], baseline: [100, 100], inconclusive: (i) => (i === 0 ? 'machine busy' : undefined) });
    assert.equal(missed.met, 'NO 0/2', 'one conclusive miss makes the row a miss');
  });

  it('a side that could not be measured makes the row n/a (Skip) or ERROR, with the reason', () => {
    const skipped = rows.row({ ...base, ours: [1], baseline: new rows.Skip('python3 not found') });
    assert.equal(skipped.met, 'n/a');
    assert.equal(skipped.note, 'python3 not found');
    const failed = rows.row({ ...base, ours: new Error('exited 1: boom'), baseline: [1] });
    assert.equal(failed.met, 'ERROR');
    assert.ok(failed.error);
  });

  it('reference rows show the median and the spread of their reps', () => {
    const r = rows.refRow({ what: 'ref', value: [3, 1, 2], unit: 'x' });
    assert.equal(r.ours, '2.00×');
    assert.equal(r.spread, '1.00×–3.00×');
  });

  it('formats a Markdown table that survives a | in a cell, and reads rows from the panel script', () => {
    const text = rows.formatTable([{ what: 'a | b', met: 'yes' }]);
    assert.match(text, /a \\\| b/);
    assert.equal(text.split('\n')[0].split(' | ').length, 8);
    assert.equal(rows.verdictOf({ met: 'yes' }), 'yes');
    assert.equal(rows.verdictOf({ met: 'NO 2/3' }), 'NO');
  });
});
