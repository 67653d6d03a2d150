// Waits, holds and sync objects in the trace: validation, the model's spans (an interrupted wait
// when its process dies, nested holds), and their Chrome export and round trip.
import { strict as assert } from 'assert';
import { holdCount, parseEvent, type HoldSpansEvent, type TraceEvent } from '../../../src/trace/events';
import { TraceModel } from '../../../src/trace/model';
import { fromChromeTrace, toChromeTrace } from '../../../src/trace/chrome';
import { makeHeader } from '../../../src/trace/jsonl';
import { chromeTraceProblems } from '../runner/chromeRules';

const T = 1_700_000_000_000_000;
// Two processes contend for Lock#1 (an RLock taken twice by 11 nests); 12 dies while it waits
// for the lock, and while it holds Semaphore#1.
const events: TraceEvent[] = [
  { kind: 'process.start', ts: T, pid: 10, ppid: 1, name: 'MainProcess' },
  { kind: 'object.create', ts: T + 1, pid: 10, objKind: 'lock', objId: '10.0.1', loc: { file: '/w/race.mjs', line: 3 } },
  { kind: 'object.create', ts: T + 2, pid: 10, objKind: 'semaphore', objId: '10.0.2', detail: 'value 2' },
  { kind: 'object.create', ts: T + 3, pid: 10, objKind: 'lock', objId: '10.0.3' },
  { kind: 'process.start', ts: T + 10, pid: 11, ppid: 10, name: 'Process-1' },
  { kind: 'process.start', ts: T + 11, pid: 12, ppid: 10, name: 'Process-2' },
  { kind: 'hold.begin', ts: T + 20, pid: 11, objKind: 'lock', objId: '10.0.1' },
  { kind: 'hold.begin', ts: T + 21, pid: 12, objKind: 'semaphore', objId: '10.0.2' },
  { kind: 'wait.begin', ts: T + 22, pid: 12, waitId: 1, op: 'Lock.acquire', objKind: 'lock', objId: '10.0.1', timeoutMs: 5000, loc: { file: '/w/race.mjs', line: 9 } },
  { kind: 'hold.begin', ts: T + 23, pid: 11, objKind: 'lock', objId: '10.0.1' },
  { kind: 'hold.end', ts: T + 24, pid: 11, objKind: 'lock', objId: '10.0.1' },
  { kind: 'wait.begin', ts: T + 25, pid: 10, waitId: 1, op: 'Process.join', objKind: 'process', objId: '11', targetPid: 11 },
  { kind: 'hold.end', ts: T + 30, pid: 11, objKind: 'lock', objId: '10.0.1' },
  { kind: 'process.exit', ts: T + 31, pid: 11, exitCode: 0, signal: null },
  { kind: 'wait.end', ts: T + 32, pid: 10, waitId: 1, outcome: 'ok' },
  { kind: 'process.exit', ts: T + 40, pid: 12, exitCode: null, signal: 'SIGKILL' },
  { kind: 'process.exit', ts: T + 50, pid: 10, exitCode: 0, signal: null },
];

describe('trace: waits, holds and sync objects', () => {
  it('validates the new kinds and refuses malformed ones', () => {
    for (const e of events) assert.ok(parseEvent(e), JSON.stringify(e));
    // A Barrier's wait says its party count, and a deadlock how many had arrived.
    const barrierWait = { kind: 'wait.begin', ts: T, pid: 1, waitId: 1, op: 'Barrier.wait', objKind: 'barrier', objId: 'x', parties: 3 };
    assert.equal((parseEvent(barrierWait) as { parties?: number } | undefined)?.parties, 3);
    assert.equal(new TraceModel([{ kind: 'process.start', ts: T, pid: 1, ppid: 0, name: 'MainProcess' }, barrierWait as TraceEvent]).waits[0]?.parties, 3);
    assert.ok(parseEvent({ kind: 'deadlock', ts: T, pid: 1, cycle: false, message: 'm', waits: [{ pid: 1, name: 'P', op: 'Barrier.wait', objKind: 'barrier', objId: 'x', label: 'Barrier#1', parties: 3, arrived: 2, waitsFor: [] }] }));
    const bad: unknown[] = [
      { kind: 'wait.begin', ts: T, pid: 1, waitId: 1, op: 'Queue.get', objKind: 'teapot', objId: 'x' },
      { kind: 'wait.begin', ts: T, pid: 1, waitId: '1', op: 'Queue.get', objKind: 'queue', objId: 'x' },
      { kind: 'wait.begin', ts: T, pid: 1, waitId: 1, op: 'Queue.get', objKind: 'queue', objId: 'x', timeoutMs: 'soon' },
      { kind: 'wait.begin', ts: T, pid: 1, waitId: 1, op: 'Barrier.wait', objKind: 'barrier', objId: 'x', parties: 0 },
      { kind: 'wait.begin', ts: T, pid: 1, waitId: 1, op: 'Barrier.wait', objKind: 'barrier', objId: 'x', parties: 2.5 },
      { kind: 'wait.begin', ts: T, pid: 1, waitId: 1, op: 'Barrier.wait', objKind: 'barrier', objId: 'x', parties: '3' },
      { kind: 'deadlock', ts: T, pid: 1, cycle: false, message: 'm', waits: [{ pid: 1, name: 'P', op: 'Barrier.wait', objKind: 'barrier', objId: 'x', label: 'Barrier#1', parties: 3, arrived: -1, waitsFor: [] }] },
      { kind: 'wait.end', ts: T, pid: 1, waitId: 1, outcome: 'maybe' },
      { kind: 'hold.begin', ts: T, pid: 1, objKind: 'lock' },
      { kind: 'object.create', ts: T, pid: 1, objKind: 'lock', objId: 7 },
    ];
    for (const b of bad) assert.equal(parseEvent(b), undefined, JSON.stringify(b));
  });

  it('numbers objects per kind, pairs waits and nested holds, and ends open ones with their process', () => {
    const m = new TraceModel(events);
    assert.deepEqual([...m.objects.values()].map((o) => o.label), ['Lock#1', 'Semaphore#1', 'Lock#2']);
    assert.equal(m.objectLabel('lock', '10.0.1'), 'Lock#1');
    const [lockWait, join] = m.waits;
    assert.deepEqual([lockWait.pid, lockWait.op, lockWait.outcome, lockWait.end], [12, 'Lock.acquire', 'interrupted', T + 40]);
    assert.deepEqual([join.pid, join.outcome, join.end, join.targetPid], [10, 'ok', T + 32, 11]);
    // 11's RLock-style nesting: the inner hold ends first, the outer at the second release.
    const held11 = m.holds.filter((h) => h.pid === 11).map((h) => [h.start - T, h.end! - T]);
    assert.deepEqual(held11, [[20, 30], [23, 24]]);
    const sem = m.holds.find((h) => h.objKind === 'semaphore')!;
    assert.deepEqual([sem.end, sem.interrupted], [T + 40, true]);
    assert.deepEqual(m.openWaitSpans(), []);
    assert.deepEqual(m.openHoldSpans(), []);
  });

  it('reports what is open right now in a live trace', () => {
    const m = new TraceModel(events.slice(0, 10));
    assert.deepEqual(m.openWaitSpans().map((w) => [w.pid, w.op]), [[12, 'Lock.acquire']]);
    assert.deepEqual(m.openHoldSpans().map((h) => [h.pid, h.objKind]).sort(), [[11, 'lock'], [12, 'semaphore']]);
  });

  it('exports waits and holds as slices on tracks of their own and round-trips', () => {
    const header = makeHeader({ ts: T, file: '/w/race.mjs', context: 'process' });
    const chrome = toChromeTrace(header, events);
    assert.deepEqual(chromeTraceProblems(chrome), []);
    const waits = chrome.traceEvents.filter((e) => e.cat === 'wait' && e.ph === 'X');
    assert.deepEqual(waits.map((w) => [w.name, w.dur]).sort(), [['Lock.acquire Lock#1', 18], ['Process.join Process 11', 7]]);
    const names = chrome.traceEvents.filter((e) => e.name === 'thread_name').map((e) => (e.args as { name: string }).name);
    assert.ok(names.some((n) => n.endsWith('· waits')) && names.some((n) => n.endsWith('· holds')), names.join(', '));
    const back = fromChromeTrace(JSON.parse(JSON.stringify(chrome)));
    assert.equal(back.malformed, 0);
    assert.deepEqual(back.events, events);
  });

  it('hold.spans: validated, one hold per pair in the model, one slice per pair in Chrome, and round-trips', () => {
    const spans: TraceEvent[] = [
      { kind: 'process.start', ts: T, pid: 20, ppid: 1, name: 'MainProcess' },
      { kind: 'object.create', ts: T + 1, pid: 20, objKind: 'rlock', objId: '20.0.s1' },
      { kind: 'hold.spans', ts: T + 5, pid: 20, objKind: 'rlock', objId: '20.0.s1', spans: [[T + 5, T + 7], [T + 9, T + 12]] },
      { kind: 'hold.spans', ts: T + 20, pid: 20, tid: 3, objKind: 'rlock', objId: '20.0.s1', spans: [[T + 20, T + 21]] },
      { kind: 'process.exit', ts: T + 30, pid: 20, exitCode: 0, signal: null },
    ];
    for (const e of spans) assert.ok(parseEvent(e), JSON.stringify(e));
    for (const bad of [[[T + 5, T + 4]], [[T]], 'x', [[T, 'y']]]) {
      assert.equal(parseEvent({ kind: 'hold.spans', ts: T, pid: 1, objKind: 'lock', objId: 'a', spans: bad }), undefined, JSON.stringify(bad));
    }
    const m = new TraceModel(spans);
    assert.deepEqual(
      m.holds.map((h) => [h.tid ?? 0, h.start - T, h.end! - T]),
      [[0, 5, 7], [0, 9, 12], [3, 20, 21]],
    );
    const chrome = toChromeTrace(makeHeader({ ts: T, file: '/w/c.mjs', context: 'process' }), spans);
    assert.deepEqual(chromeTraceProblems(chrome), []);
    const holds = chrome.traceEvents.filter((e) => e.cat === 'hold' && e.ph === 'X');
    assert.deepEqual(holds.map((h) => [(h.ts as number) - T, h.dur]), [[5, 2], [9, 3], [20, 1]]);
    const back = fromChromeTrace(JSON.parse(JSON.stringify(chrome)));
    assert.equal(back.malformed, 0);
    assert.deepEqual(back.events, spans);
  });

  it('hold.spans runs [first, last, n]: validated, one run hold with its count in the model, one "× n" slice in Chrome, and round-trips', () => {
    const spans: TraceEvent[] = [
      { kind: 'process.start', ts: T, pid: 20, ppid: 1, name: 'MainProcess' },
      { kind: 'object.create', ts: T + 1, pid: 20, objKind: 'lock', objId: '20.0.s1' },
      // 500 holds in a row (5–900 µs), then one hold alone, then a run of 2.
      { kind: 'hold.spans', ts: T + 5, pid: 20, objKind: 'lock', objId: '20.0.s1', spans: [[T + 5, T + 900, 500], [T + 950, T + 960], [T + 970, T + 990, 2]] },
      { kind: 'process.exit', ts: T + 1000, pid: 20, exitCode: 0, signal: null },
    ];
    for (const e of spans) assert.ok(parseEvent(e), JSON.stringify(e));
    // A run's count is a whole number ≥ 1 (1 means one hold, as a pair); no fourth element.
    assert.ok(parseEvent({ kind: 'hold.spans', ts: T, pid: 1, objKind: 'lock', objId: 'a', spans: [[T, T + 1, 1]] }));
    for (const bad of [[[T, T + 1, 0]], [[T, T + 1, 2.5]], [[T, T + 1, -3]], [[T, T + 1, '2']], [[T, T + 1, 2, 3]], [[T, T + 1, 2 ** 40]], [[T + 2, T + 1, 3]]]) {
      assert.equal(parseEvent({ kind: 'hold.spans', ts: T, pid: 1, objKind: 'lock', objId: 'a', spans: bad }), undefined, JSON.stringify(bad));
    }
    assert.deepEqual((spans[2] as HoldSpansEvent).spans.map(holdCount), [500, 1, 2]);
    const m = new TraceModel(spans);
    assert.deepEqual(
      m.holds.map((h) => [h.start - T, h.end! - T, h.count]),
      [[5, 900, 500], [950, 960, undefined], [970, 990, 2]],
    );
    const chrome = toChromeTrace(makeHeader({ ts: T, file: '/w/c.mjs', context: 'process' }), spans);
    assert.deepEqual(chromeTraceProblems(chrome), []);
    const holds = chrome.traceEvents.filter((e) => e.cat === 'hold' && e.ph === 'X');
    assert.deepEqual(
      holds.map((h) => [h.name, (h.ts as number) - T, h.dur, h.args?.holds]),
      [['holds Lock#1 × 500', 5, 895, 500], ['holds Lock#1', 950, 10, undefined], ['holds Lock#1 × 2', 970, 20, 2]],
    );
    const back = fromChromeTrace(JSON.parse(JSON.stringify(chrome)));
    assert.equal(back.malformed, 0);
    assert.deepEqual(back.events, spans);
  });
});
