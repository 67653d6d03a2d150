// Search finds every process, task and message by id over the model, exact ids first, however
// many items the timeline merges into one pixel.
import * as assert from 'assert';
import { TraceModel } from '../../../src/trace/model';
import type { TraceEvent } from '../../../src/trace/events';
import { hitSpan, searchTrace } from '../../../src/webview/search';

function model(): TraceModel {
  const ev: TraceEvent[] = [
    { kind: 'process.start', ts: 0, pid: 10, ppid: 1, name: 'MainProcess' },
    { kind: 'process.start', ts: 5, pid: 110, ppid: 10, name: 'PoolWorker-1' },
  ];
  for (let i = 0; i < 500; i++) {
    ev.push({ kind: 'task.submit', ts: 10 + i, pid: 10, poolId: 'pool1', taskId: i, fn: i === 7 ? 'special' : 'crunch', args: `(${i})` });
    ev.push({ kind: 'task.start', ts: 20 + i, pid: 110, poolId: 'pool1', taskId: i, fn: 'crunch' });
    ev.push({ kind: 'message.send', ts: 30 + i, pid: 10, channel: 'queue', channelId: 'q1', msgId: `${10 + i}`, summary: i === 3 ? "'needle'" : `${i}` });
  }
  ev.push({ kind: 'message.recv', ts: 900, pid: 110, channel: 'queue', channelId: 'q1', msgId: '13' });
  return new TraceModel(ev);
}

describe('webview: search', () => {
  const m = model();

  it('puts the exact pid, task id and message id first', () => {
    const r = searchTrace(m, '110');
    assert.deepStrictEqual(
      r.hits.slice(0, 3).map((h) => h.kind),
      ['process', 'task', 'message'],
    );
    assert.strictEqual(r.hits[0]!.kind === 'process' && r.hits[0]!.process.pid, 110);
    assert.strictEqual(r.hits[1]!.kind === 'task' && r.hits[1]!.task.taskId, 110);
    assert.strictEqual(r.hits[2]!.kind === 'message' && r.hits[2]!.message.msgId, '110');
  });

  it('restricts to one kind with a prefix, and finds "pool:task"', () => {
    assert.deepStrictEqual(searchTrace(m, 'pid 10').hits.map((h) => h.kind === 'process' && h.process.pid), [10]);
    assert.deepStrictEqual(searchTrace(m, 'pid 1').hits.map((h) => h.kind === 'process' && h.process.pid), [10, 110]);
    const task = searchTrace(m, 'task 499');
    assert.strictEqual(task.total, 1);
    assert.strictEqual(task.hits[0]!.kind === 'task' && task.hits[0]!.task.taskId, 499);
    const pt = searchTrace(m, 'pool1:42');
    assert.strictEqual(pt.hits[0]!.kind === 'task' && pt.hits[0]!.task.taskId, 42);
    const msg = searchTrace(m, 'msg 13');
    assert.ok(msg.hits.every((h) => h.kind === 'message'));
    assert.strictEqual(msg.hits[0]!.kind === 'message' && msg.hits[0]!.message.recvTs, 900);
  });

  it('finds names, functions and summaries, counts all and lists the first `limit`', () => {
    assert.strictEqual(searchTrace(m, 'worker').hits[0]!.kind, 'process');
    assert.strictEqual(searchTrace(m, 'SPECIAL').total, 1);
    assert.strictEqual(searchTrace(m, 'needle').total, 1);
    const all = searchTrace(m, 'crunch', 50);
    assert.strictEqual(all.total, 499);
    assert.strictEqual(all.hits.length, 50);
    assert.deepStrictEqual(searchTrace(m, '   '), { total: 0, hits: [] });
    assert.strictEqual(searchTrace(m, 'nothing-like-this').total, 0);
  });

  it('gives the time and lane of a hit to bring it into view', () => {
    const task = searchTrace(m, 'task 3').hits[0]!;
    assert.deepStrictEqual(hitSpan(task), { start: 13, end: 23, pid: 110, tid: undefined });
    const msg = searchTrace(m, 'msg 13').hits[0]!;
    assert.deepStrictEqual(hitSpan(msg), { start: 33, end: 900, pid: 10, tid: undefined });
  });
});
