// The wait-for view's computation (src/webview/layout/waitfor.ts over src/trace/waitfor.ts's graph): for each blocked thread at a
// moment, what could end its wait — lock holders, a queue's producers, a pipe's other end, the
// child being joined, a pool's workers, the manager — and whether each is alive or blocked itself.
import * as assert from 'assert';
import { TraceModel } from '../../../src/trace/model';
import type { TraceEvent } from '../../../src/trace/events';
import { ObjectNames } from '../../../src/webview/layout/waits';
import { WaitForCursor, waitFor, type WaitForEntry } from '../../../src/webview/layout/waitfor';

const T = 5_000_000;

const start = (pid: number, ppid: number, name: string, ts = T): TraceEvent => ({ kind: 'process.start', ts, pid, ppid, name });
const exit = (pid: number, ts: number): TraceEvent => ({ kind: 'process.exit', ts, pid, exitCode: 0, signal: null });

function compute(events: TraceEvent[], at?: number, order: string[] = []): WaitForEntry[] {
  const m = new TraceModel(events);
  const sorted = events.slice().sort((a, b) => a.ts - b.ts);
  return waitFor(m, new ObjectNames(m), new WaitForCursor().at(sorted, at), at, order);
}

const brief = (e: WaitForEntry[]) => e.map((x) => [x.name, x.label, x.satisfiers.map((s) => `${s.name}:${s.role}:${s.alive ? (s.blockedIn ? `blocked in ${s.blockedIn.op}` : 'running') : 'ended'}`)]);

describe('webview layout: who waits for whom', () => {
  it('a lock cycle: each process waits for a lock the other holds (both blocked)', () => {
    const ev: TraceEvent[] = [
      start(1, 0, 'MainProcess'),
      { kind: 'object.create', ts: T + 1, pid: 1, objKind: 'lock', objId: '1.0.s1' },
      { kind: 'object.create', ts: T + 2, pid: 1, objKind: 'lock', objId: '1.0.s2' },
      start(2, 1, 'Process-1', T + 3),
      start(3, 1, 'Process-2', T + 4),
      { kind: 'hold.begin', ts: T + 10, pid: 2, objKind: 'lock', objId: '1.0.s1' },
      { kind: 'hold.begin', ts: T + 11, pid: 3, objKind: 'lock', objId: '1.0.s2' },
      { kind: 'wait.begin', ts: T + 20, pid: 2, waitId: 1, op: 'Lock.acquire', objKind: 'lock', objId: '1.0.s2' },
      { kind: 'wait.begin', ts: T + 21, pid: 3, waitId: 1, op: 'Lock.acquire', objKind: 'lock', objId: '1.0.s1' },
      { kind: 'wait.begin', ts: T + 30, pid: 1, waitId: 1, op: 'Process.join', objKind: 'process', objId: '2', targetPid: 2 },
    ];
    assert.deepStrictEqual(brief(compute(ev, undefined, ['1', '2', '3'])), [
      ['MainProcess', 'Process-1.join', ['Process-1:child:blocked in Lock.acquire']],
      ['Process-1', 'Lock#2.acquire', ['Process-2:holder:blocked in Lock.acquire']],
      ['Process-2', 'Lock#1.acquire', ['Process-1:holder:blocked in Lock.acquire']],
    ]);
    // In replay, before Process-2 blocked: it holds Lock#2 and is running.
    assert.deepStrictEqual(brief(compute(ev, T + 20.5, ['1', '2', '3'])), [['Process-1', 'Lock#2.acquire', ['Process-2:holder:running']]]);
  });

  it("a queue's get waits for the processes that put to it (by then), dead ones marked", () => {
    const ev: TraceEvent[] = [
      start(1, 0, 'MainProcess'),
      start(2, 1, 'Process-1', T + 1),
      start(3, 1, 'Process-2', T + 2),
      { kind: 'message.send', ts: T + 10, pid: 2, channel: 'queue', channelId: 'q1:1', msgId: '2.0.1' },
      { kind: 'message.recv', ts: T + 11, pid: 1, channel: 'queue', channelId: 'q1:1', msgId: '2.0.1' },
      { kind: 'wait.begin', ts: T + 12, pid: 1, waitId: 1, op: 'Queue.get', objKind: 'queue', objId: 'q1:1' },
      exit(2, T + 15),
      { kind: 'message.send', ts: T + 40, pid: 3, channel: 'queue', channelId: 'q1:1', msgId: '3.0.1' },
      { kind: 'message.recv', ts: T + 41, pid: 1, channel: 'queue', channelId: 'q1:1', msgId: '3.0.1' },
      { kind: 'wait.end', ts: T + 41, pid: 1, waitId: 1, outcome: 'ok' },
    ];
    // At +20 only Process-1 had put to it, and it has ended: a dead end so far.
    assert.deepStrictEqual(brief(compute(ev, T + 20)), [['MainProcess', 'Queue#1.get', ['Process-1:producer:ended']]]);
    assert.deepStrictEqual(compute(ev, T + 41), []);
  });

  it("a pipe's other end, a pool's workers, an AsyncResult's worker, the manager process", () => {
    const ev: TraceEvent[] = [
      start(1, 0, 'MainProcess'),
      start(2, 1, 'PoolWorker-1', T + 1),
      start(3, 1, 'PoolWorker-2', T + 1),
      start(4, 1, 'SyncManager-1', T + 1),
      start(5, 1, 'Process-1', T + 1),
      { kind: 'message.send', ts: T + 2, pid: 5, channel: 'pipe', channelId: 'p1:1', msgId: '5.0.1' },
      { kind: 'message.recv', ts: T + 3, pid: 1, channel: 'pipe', channelId: 'p1:1', msgId: '5.0.1' },
      { kind: 'task.start', ts: T + 4, pid: 2, poolId: '1:1', taskId: 0, fn: 'f' },
      { kind: 'task.start', ts: T + 5, pid: 3, poolId: '1:1', taskId: 1, fn: 'f' },
      { kind: 'message.send', ts: T + 6, pid: 5, channel: 'manager', channelId: '1.0.9', msgId: '5.0.2', summary: "queue.get()" },
      { kind: 'message.recv', ts: T + 7, pid: 4, channel: 'manager', channelId: '1.0.9', msgId: '5.0.2' },
      { kind: 'wait.begin', ts: T + 8, pid: 5, waitId: 1, op: 'Manager.queue.get', objKind: 'manager', objId: '1.0.9' },
      { kind: 'wait.begin', ts: T + 9, pid: 1, waitId: 1, op: 'AsyncResult.get', objKind: 'asyncResult', objId: '1:1/1' },
      { kind: 'wait.begin', ts: T + 9, pid: 1, tid: 2, waitId: 1, op: 'Pool.join', objKind: 'pool', objId: '1:1' },
      { kind: 'wait.begin', ts: T + 9, pid: 1, tid: 3, waitId: 1, op: 'Connection.recv', objKind: 'pipe', objId: 'p1:1' },
      { kind: 'thread.start', ts: T + 1, pid: 1, tid: 2, name: 'Thread-1' },
      { kind: 'thread.start', ts: T + 1, pid: 1, tid: 3, name: 'Thread-2' },
    ];
    const out = compute(ev, undefined, ['1', '1:2', '1:3', '5']);
    assert.deepStrictEqual(brief(out), [
      ['MainProcess', 'AsyncResult#1.get', ['PoolWorker-2:worker:running']],
      ['Thread-1', 'Pool#1.join', ['PoolWorker-1:worker:running', 'PoolWorker-2:worker:running']],
      ['Thread-2', 'Pipe#1.recv', ['Process-1:otherEnd:blocked in Manager.queue.get', 'MainProcess:otherEnd:blocked in AsyncResult.get']],
      ['Process-1', 'Manager#1.queue.get', ['SyncManager-1:manager:running']],
    ]);
  });

  it('nobody known: an Event nobody holds lists no one', () => {
    const ev: TraceEvent[] = [
      start(1, 0, 'MainProcess'),
      { kind: 'object.create', ts: T + 1, pid: 1, objKind: 'event', objId: '1.0.s1' },
      { kind: 'wait.begin', ts: T + 2, pid: 1, waitId: 1, op: 'Event.wait', objKind: 'event', objId: '1.0.s1' },
    ];
    assert.deepStrictEqual(brief(compute(ev)), [['MainProcess', 'Event#1.wait', []]]);
  });

  it('a holder known only from a hold.spans record (a lock taken in a loop), at a moment inside one of its pairs', () => {
    const ev: TraceEvent[] = [
      start(1, 0, 'MainProcess'),
      { kind: 'object.create', ts: T + 1, pid: 1, objKind: 'lock', objId: '1.0.s1' },
      start(2, 1, 'Process-1', T + 2),
      { kind: 'hold.spans', ts: T + 10, pid: 2, objKind: 'lock', objId: '1.0.s1', spans: [[T + 10, T + 12], [T + 14, T + 30], [T + 40, T + 41]] },
      { kind: 'wait.begin', ts: T + 20, pid: 1, waitId: 1, op: 'Lock.acquire', objKind: 'lock', objId: '1.0.s1' },
      { kind: 'wait.end', ts: T + 30, pid: 1, waitId: 1, outcome: 'ok' },
    ];
    assert.deepStrictEqual(brief(compute(ev, T + 25)), [['MainProcess', 'Lock#1.acquire', ['Process-1:holder:running']]]);
  });

  it('a holder known from a run of holds ([first, last, n] in hold.spans), at a moment inside the run', () => {
    const ev: TraceEvent[] = [
      start(1, 0, 'MainProcess'),
      { kind: 'object.create', ts: T + 1, pid: 1, objKind: 'lock', objId: '1.0.s1' },
      start(2, 1, 'Process-1', T + 2),
      { kind: 'hold.spans', ts: T + 10, pid: 2, objKind: 'lock', objId: '1.0.s1', spans: [[T + 10, T + 30, 400], [T + 40, T + 41]] },
      { kind: 'wait.begin', ts: T + 29, pid: 1, waitId: 1, op: 'Lock.acquire', objKind: 'lock', objId: '1.0.s1' },
      { kind: 'wait.end', ts: T + 31, pid: 1, waitId: 1, outcome: 'ok' },
    ];
    assert.deepStrictEqual(brief(compute(ev, T + 29.5)), [['MainProcess', 'Lock#1.acquire', ['Process-1:holder:running']]]);
  });

  it('a Barrier: its parties that arrived (waiting at it at that moment) of its party count; none said without the count', () => {
    const ev: TraceEvent[] = [
      start(1, 0, 'MainProcess'),
      { kind: 'object.create', ts: T + 1, pid: 1, objKind: 'barrier', objId: '1.0.s1' },
      start(2, 1, 'Process-1', T + 2),
      start(3, 1, 'Process-2', T + 3),
      { kind: 'wait.begin', ts: T + 10, pid: 2, waitId: 1, op: 'Barrier.wait', objKind: 'barrier', objId: '1.0.s1', parties: 3 },
      { kind: 'wait.begin', ts: T + 20, pid: 3, waitId: 1, op: 'Barrier.wait', objKind: 'barrier', objId: '1.0.s1', parties: 3 },
      { kind: 'wait.begin', ts: T + 30, pid: 1, waitId: 1, op: 'Process.join', objKind: 'process', objId: '2', targetPid: 2 },
    ];
    const arrived = (entries: WaitForEntry[]) => entries.map((e) => [e.name, e.barrier]);
    assert.deepStrictEqual(arrived(compute(ev, T + 15, ['1', '2', '3'])), [['Process-1', { arrived: 1, parties: 3 }]]);
    assert.deepStrictEqual(arrived(compute(ev, undefined, ['1', '2', '3'])), [
      ['MainProcess', undefined],
      ['Process-1', { arrived: 2, parties: 3 }],
      ['Process-2', { arrived: 2, parties: 3 }],
    ]);
    // Both arrived wait for the third party, the parent (itself waiting to join Process-1).
    assert.deepStrictEqual(brief(compute(ev, undefined, ['1', '2', '3'])).slice(1), [
      ['Process-1', 'Barrier#1.wait', ['MainProcess:party:blocked in Process.join']],
      ['Process-2', 'Barrier#1.wait', ['MainProcess:party:blocked in Process.join']],
    ]);
    // A trace without the count (an older one, a manager's Barrier) says nothing of arrivals.
    const old = ev.map((e) => (e.kind === 'wait.begin' ? { ...e, parties: undefined } : e));
    assert.ok(compute(old).every((e) => e.barrier === undefined));
  });
});
