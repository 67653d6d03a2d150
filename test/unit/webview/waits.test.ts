// Names and moments for waits and holds (src/webview/layout/waits.ts) and their per-lane span
// tracks (spatial.ts): what the timeline writes on a wait, what a row says it waits in, and who
// held or waited for an object at a moment.
import * as assert from 'assert';
import { TraceModel } from '../../../src/trace/model';
import type { TraceEvent } from '../../../src/trace/events';
import { ObjectNames, occupantsAt, waitsAt } from '../../../src/webview/layout/waits';
import { buildIndex, visibleSpans } from '../../../src/webview/layout/spatial';

const T = 1_000_000;
const events: TraceEvent[] = [
  { kind: 'process.start', ts: T, pid: 1, ppid: 0, name: 'MainProcess' },
  { kind: 'object.create', ts: T + 1, pid: 1, objKind: 'lock', objId: '1.0.s1' },
  { kind: 'process.start', ts: T + 2, pid: 2, ppid: 1, name: 'Process-1' },
  // The parent announces the child it starts: the join is still named after the child.
  { kind: 'object.create', ts: T + 2, pid: 1, objKind: 'process', objId: '3' },
  { kind: 'process.start', ts: T + 3, pid: 3, ppid: 1, name: 'Process-2' },
  { kind: 'hold.begin', ts: T + 10, pid: 2, objKind: 'lock', objId: '1.0.s1' },
  { kind: 'wait.begin', ts: T + 20, pid: 3, waitId: 1, op: 'Lock.acquire', objKind: 'lock', objId: '1.0.s1' },
  // Queues are not announced: they are numbered in the order their first wait began.
  { kind: 'wait.begin', ts: T + 30, pid: 1, waitId: 1, op: 'Queue.get', objKind: 'queue', objId: 'q1:2' },
  { kind: 'hold.end', ts: T + 50, pid: 2, objKind: 'lock', objId: '1.0.s1' },
  { kind: 'wait.end', ts: T + 51, pid: 3, waitId: 1, outcome: 'ok' },
  { kind: 'hold.spans', ts: T + 51, pid: 3, objKind: 'lock', objId: '1.0.s1', spans: [[T + 51, T + 60], [T + 70, T + 75]] },
  { kind: 'wait.end', ts: T + 80, pid: 1, waitId: 1, outcome: 'ok' },
  { kind: 'wait.begin', ts: T + 81, pid: 1, waitId: 2, op: 'Queue.get', objKind: 'queue', objId: 'q1:1' },
  { kind: 'wait.end', ts: T + 82, pid: 1, waitId: 2, outcome: 'timeout' },
  { kind: 'wait.begin', ts: T + 90, pid: 1, waitId: 3, op: 'Process.join', objKind: 'process', objId: '3', targetPid: 3 },
  { kind: 'wait.begin', ts: T + 95, pid: 3, tid: 4, waitId: 1, op: 'Manager.queue.get', objKind: 'manager', objId: '1.0.7' },
];

describe('webview layout: waits and holds', () => {
  it('names objects and waits the way people read them', () => {
    const m = new TraceModel(events);
    const n = new ObjectNames(m);
    assert.strictEqual(n.label('lock', '1.0.s1'), 'Lock#1');
    assert.strictEqual(n.label('queue', 'q1:2'), 'Queue#1');
    assert.strictEqual(n.label('queue', 'q1:1'), 'Queue#2');
    assert.deepStrictEqual(
      m.waits.map((w) => n.waitLabel(w)),
      ['Lock#1.acquire', 'Queue#1.get', 'Queue#2.get', 'Process-2.join', 'Manager#1.queue.get'],
    );
    // Never seen anywhere: the kind and the raw id.
    assert.strictEqual(n.label('pipe', 'p9:1'), 'Pipe p9:1');
  });

  it('says which wait each lane is blocked in, now and at a replay time', () => {
    const m = new TraceModel(events);
    const now = waitsAt(m, undefined);
    assert.deepStrictEqual([...now.entries()].map(([k, w]) => [k, w.op]).sort(), [['1', 'Process.join'], ['3:4', 'Manager.queue.get']]);
    const at40 = waitsAt(m, T + 40);
    assert.deepStrictEqual([...at40.entries()].map(([k, w]) => [k, w.op]).sort(), [['1', 'Queue.get'], ['3', 'Lock.acquire']]);
    // The moment a wait ends it is over.
    assert.strictEqual(waitsAt(m, T + 51).get('3'), undefined);
  });

  it('finds who held and who waited for an object at a moment', () => {
    const m = new TraceModel(events);
    const at = occupantsAt(m, '1.0.s1', T + 40);
    assert.deepStrictEqual(at.holders.map((h) => h.pid), [2]);
    assert.deepStrictEqual(at.waiters.map((w) => w.pid), [3]);
    const later = occupantsAt(m, '1.0.s1', T + 72);
    assert.deepStrictEqual(later.holders.map((h) => [h.pid, h.start - T]), [[3, 70]]);
    assert.deepStrictEqual(later.waiters, []);
  });

  it('indexes waits and holds per lane as span tracks, open ones included', () => {
    const m = new TraceModel(events);
    const idx = buildIndex(m, T + 100);
    const main = idx.lanes.get('1')!;
    assert.deepStrictEqual(main.waits.map((w) => w.op), ['Queue.get', 'Queue.get', 'Process.join']);
    assert.ok(Number.isNaN(main.waitTrack.ends[2]!), 'the join is still open');
    assert.strictEqual(main.waitTrack.endMax[2], Infinity);
    assert.strictEqual(main.maxWaitDur, 50);
    const p2 = idx.lanes.get('3')!;
    assert.deepStrictEqual(p2.holds.map((h) => [h.start - T, h.end! - T]), [[51, 60], [70, 75]]);
    // Only the spans that may intersect the window are visited.
    const [from, to] = visibleSpans(main.waitTrack, main.maxWaitDur, T + 79, T + 81);
    assert.deepStrictEqual(main.waits.slice(from, to).map((w) => w.waitId), [1, 2]);
    assert.strictEqual(idx.names.waitLabel(main.waits[0]!), 'Queue#1.get');
  });
});
