// Per-lane indexes: only what intersects the visible window is visited.
import * as assert from 'assert';
import { TraceModel } from '../../../src/trace/model';
import type { TraceEvent } from '../../../src/trace/events';
import { buildIndex, distanceToSegment, messageRows, visibleMarks, visibleMessages, visibleTasks } from '../../../src/webview/layout/spatial';

function model(): TraceModel {
  const ev: TraceEvent[] = [{ kind: 'process.start', ts: 0, pid: 1, ppid: 0, name: 'main' }];
  // Worker 2 runs 100 tasks of 10 µs back to back, one of them (task 50) 500 µs long.
  let t = 0;
  for (let i = 0; i < 100; i++) {
    const dur = i === 50 ? 500 : 10;
    ev.push({ kind: 'task.start', ts: t, pid: 2, poolId: 'p', taskId: i, fn: 'f' });
    ev.push({ kind: 'task.end', ts: t + dur, pid: 2, poolId: 'p', taskId: i, ok: true });
    ev.push({ kind: 'output', ts: t + 1, pid: 2, stream: 'stdout', text: `${i}\n` });
    t += dur;
  }
  for (let i = 0; i < 20; i++) {
    ev.push({ kind: 'message.send', ts: i * 100, pid: 1, channel: 'queue', channelId: 'q', msgId: String(i) });
    ev.push({ kind: 'message.recv', ts: i * 100 + 30, pid: 2, channel: 'queue', channelId: 'q', msgId: String(i) });
  }
  ev.push({ kind: 'message.send', ts: 5, pid: 1, channel: 'pipe', channelId: 'c', msgId: 'never' });
  return new TraceModel(ev);
}

describe('webview layout: spatial index', () => {
  it('finds the tasks intersecting a window, long ones included', () => {
    const idx = buildIndex(model(), 2000);
    const lane = idx.lanes.get('2')!;
    assert.strictEqual(lane.tasks.length, 100);
    assert.strictEqual(lane.maxTaskDur, 500);
    // Task 50 spans [500, 1000]; a window inside it must include it.
    const [from, to] = visibleTasks(lane, 700, 710);
    const ids = lane.tasks.slice(from, to).filter((t) => t.start! <= 710 && t.end! >= 700).map((t) => t.taskId);
    assert.deepStrictEqual(ids, [50]);
    assert.ok(to - from < 100, 'the search skips most tasks');
  });

  it('finds marks and messages in a window', () => {
    const idx = buildIndex(model(), 2000);
    const lane = idx.lanes.get('2')!;
    const [m0, m1] = visibleMarks(lane, 0, 40);
    assert.deepStrictEqual(lane.marks.slice(m0, m1).map((m) => m.ts), [1, 11, 21, 31]);
    const [a, b] = visibleMessages(idx, 1000, 1100);
    const inWindow = idx.messages.slice(a, b).filter((m) => (m.recvTs ?? 2000) >= 1000 && m.sendTs! <= 1100);
    assert.deepStrictEqual(inWindow.map((m) => m.msgId).sort(), ['10', '11', 'never']);
  });

  it('keeps flat copies of task and mark times in index order, open tasks as NaN', () => {
    const m = model();
    m.add({ kind: 'task.start', ts: 3000, pid: 2, poolId: 'p', taskId: 200, fn: 'f' });
    const lane = buildIndex(m, 4000).lanes.get('2')!;
    assert.deepStrictEqual(Array.from(lane.taskStarts), lane.tasks.map((t) => t.start));
    assert.deepStrictEqual(Array.from(lane.taskEnds), lane.tasks.map((t) => t.end ?? NaN));
    assert.ok(Number.isNaN(lane.taskEnds[lane.taskEnds.length - 1]!), 'the open task has no end yet');
    assert.deepStrictEqual(Array.from(lane.markTs), lane.marks.map((k) => k.ts));
  });

  it('builds the same index from events out of time order (every list sorted, counts kept)', () => {
    const ev: TraceEvent[] = [{ kind: 'process.start', ts: 0, pid: 1, ppid: 0, name: 'main' }];
    for (let i = 0; i < 60; i++) {
      const tid = i % 3 === 0 ? 7 : undefined;
      ev.push({ kind: 'task.start', ts: 10 * i, pid: 2, ...(tid ? { tid } : {}), poolId: 'p', taskId: i, fn: 'f' });
      ev.push({ kind: 'task.end', ts: 10 * i + 4, pid: 2, ...(tid ? { tid } : {}), poolId: 'p', taskId: i, ok: true });
      ev.push({ kind: 'output', ts: 10 * i + 1, pid: 2, ...(tid ? { tid } : {}), stream: i % 4 ? 'stdout' : 'stderr', text: `${i}\n` });
      ev.push({ kind: 'message.send', ts: 10 * i + 2, pid: 1, channel: i % 2 ? 'queue' : 'pipe', channelId: 'q', msgId: String(i) });
      ev.push({ kind: 'message.recv', ts: 10 * i + 3, pid: 2, ...(tid ? { tid } : {}), channel: i % 2 ? 'queue' : 'pipe', channelId: 'q', msgId: String(i) });
    }
    ev.push({ kind: 'error', ts: 5, pid: 2, message: 'x' });
    // A fixed shuffle: every pair of neighbours swapped, then the halves exchanged.
    const shuffled = ev.map((_, i) => ev[i ^ 1] ?? ev[i]!);
    const mixed = [...shuffled.slice(shuffled.length >> 1), ...shuffled.slice(0, shuffled.length >> 1)];
    const a = buildIndex(new TraceModel(ev), 1000);
    const b = buildIndex(new TraceModel(mixed), 1000);
    const flat = (i: typeof a) =>
      [...i.lanes.entries()]
        .sort(([x], [y]) => x.localeCompare(y))
        .map(([k, l]) => [k, l.tasks.map((t) => t.taskId), [...l.taskStarts], [...l.taskEnds], [...l.markTs], [...l.outputTs], [...l.stderrBefore], [...l.errorTs], [...l.messageTs], [...l.queueBefore]]);
    assert.deepStrictEqual(flat(b), flat(a));
    assert.deepStrictEqual(
      b.messages.map((m) => m.msgId),
      a.messages.map((m) => m.msgId),
    );
    for (const l of b.lanes.values()) for (const xs of [l.taskStarts, l.markTs, l.outputTs, l.messageTs]) assert.ok([...xs].every((x, i, all) => i === 0 || all[i - 1]! <= x), 'in time order');
    const worker = b.lanes.get('2')!;
    assert.strictEqual(worker.stderrBefore[worker.stderrBefore.length - 1], 10, 'stderr lines counted');
    assert.strictEqual(worker.queueBefore[worker.queueBefore.length - 1], 20, 'queue ends of the lane counted');
  });

  it('resolves each message to its sender and receiver rows once', () => {
    const idx = buildIndex(model(), 2000);
    // Row 0: pid 1, row 1: pid 2. A lane without a row (pid 2 hidden) resolves to -1.
    const both = messageRows(idx.messages, new Map([['1', 0], ['2', 1]]));
    const i = idx.messages.findIndex((x) => x.msgId === '3');
    assert.deepStrictEqual([both.send[i], both.recv[i], both.fromRow[i], both.toRow[i]], [300, 330, 0, 1]);
    const never = idx.messages.findIndex((x) => x.msgId === 'never');
    assert.ok(Number.isNaN(both.recv[never]!), 'not received: NaN');
    const onlyMain = messageRows(idx.messages, new Map([['1', 0]]));
    assert.strictEqual(onlyMain.toRow[i], -1);
  });

  it('measures the distance from a point to an arrow', () => {
    assert.strictEqual(distanceToSegment(5, 3, 0, 0, 10, 0), 3);
    assert.strictEqual(distanceToSegment(-4, 3, 0, 0, 10, 0), 5);
    assert.strictEqual(distanceToSegment(1, 1, 1, 1, 1, 1), 0);
  });
});
