// Rows = lanes: tree order, threads under their process, replay hides what has not started.
import * as assert from 'assert';
import { TraceModel } from '../../../src/trace/model';
import type { TraceEvent } from '../../../src/trace/events';
import { buildRows, laneIndex, rowOf, visibleRows } from '../../../src/webview/layout/lanes';

const ev: TraceEvent[] = [
  { kind: 'process.start', ts: 0, pid: 10, ppid: 1, name: 'MainProcess' },
  { kind: 'process.start', ts: 5, pid: 11, ppid: 10, name: 'Process-1' },
  { kind: 'thread.start', ts: 6, pid: 10, tid: 2, name: 'T-2' },
  { kind: 'thread.start', ts: 4, pid: 10, tid: 1, name: 'T-1' },
  { kind: 'process.start', ts: 8, pid: 12, ppid: 11, name: 'Grandchild' },
  { kind: 'process.start', ts: 7, pid: 13, ppid: 10, name: 'Process-2' },
];

describe('webview layout: lanes', () => {
  it('lists processes depth-first with their threads right under them', () => {
    const rows = buildRows(new TraceModel(ev).tree());
    assert.deepStrictEqual(
      rows.map((r) => [r.kind, r.pid, r.tid ?? null, r.depth]),
      [
        ['process', 10, null, 0],
        ['thread', 10, 1, 1],
        ['thread', 10, 2, 1],
        ['process', 11, null, 1],
        ['process', 12, null, 2],
        ['process', 13, null, 1],
      ],
    );
  });

  it('leaves out what has not started at the replay time', () => {
    const rows = buildRows(new TraceModel(ev).tree(), 6);
    assert.deepStrictEqual(rows.map((r) => `${r.pid}:${r.tid ?? ''}`), ['10:', '10:1', '10:2', '11:']);
  });

  it('maps events to lanes, falling back to the process lane for unknown threads', () => {
    const lanes = laneIndex(buildRows(new TraceModel(ev).tree()));
    assert.strictEqual(rowOf(lanes, 10, 2), 2);
    assert.strictEqual(rowOf(lanes, 10, 99), 0);
    assert.strictEqual(rowOf(lanes, 12), 4);
    assert.strictEqual(rowOf(lanes, 999), undefined);
    assert.strictEqual(rowOf(lanes, undefined), undefined);
  });

  it('computes the rows a scrolled viewport shows', () => {
    assert.deepStrictEqual(visibleRows(100, 22, 0, 220), [0, 9]);
    assert.deepStrictEqual(visibleRows(100, 22, 30, 100), [1, 5]);
    assert.deepStrictEqual(visibleRows(3, 22, 0, 1000), [0, 2]);
  });
});
