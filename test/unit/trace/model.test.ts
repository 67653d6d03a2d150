import { strict as assert } from 'assert';
import { TraceModel, describeProcessState } from '../../../src/trace/model';
import { parseJsonl, serializeJsonl, makeHeader } from '../../../src/trace/jsonl';
import { parseEvent, type TraceEvent } from '../../../src/trace/events';

const events: TraceEvent[] = [
  { kind: 'process.start', ts: 1000, pid: 10, ppid: 1, name: 'MainProcess' },
  { kind: 'process.start', ts: 1100, pid: 11, ppid: 10, name: 'Process-1' },
  { kind: 'process.start', ts: 1150, pid: 12, ppid: 11, name: 'Process-1:1' },
  { kind: 'task.submit', ts: 1200, pid: 10, poolId: 'p1', taskId: 0, fn: 'runTask', args: '(0)' },
  { kind: 'task.start', ts: 1300, pid: 11, poolId: 'p1', taskId: 0, fn: 'runTask' },
  { kind: 'task.end', ts: 1400, pid: 11, poolId: 'p1', taskId: 0, ok: true },
  { kind: 'message.recv', ts: 1600, pid: 11, channel: 'queue', channelId: 'q1', msgId: 'm1' },
  { kind: 'message.send', ts: 1500, pid: 10, channel: 'queue', channelId: 'q1', msgId: 'm1' },
  { kind: 'process.exit', ts: 1700, pid: 12, exitCode: null, signal: 'SIGTERM' },
  { kind: 'process.exit', ts: 1800, pid: 11, exitCode: 0, signal: null },
];

describe('TraceModel', () => {
  it('builds the process tree in depth-first order', () => {
    const m = new TraceModel(events);
    assert.deepEqual(
      m.tree().map((n) => [n.process.pid, n.depth]),
      [[10, 0], [11, 1], [12, 2]],
    );
    assert.equal(describeProcessState(m.processes.get(12)!), 'killed by SIGTERM');
    assert.equal(describeProcessState(m.processes.get(11)!), 'exited 0');
    assert.equal(describeProcessState(m.processes.get(10)!), 'running');
  });

  it('pairs task events into one span and messages into one arrow, whatever their order', () => {
    const m = new TraceModel(events);
    assert.equal(m.tasks.length, 1);
    assert.deepEqual({ ...m.tasks[0] }, { poolId: 'p1', taskId: 0, fn: 'runTask', args: '(0)', submitPid: 10, submitTs: 1200, pid: 11, tid: undefined, start: 1300, end: 1400, ok: true, error: undefined });
    assert.equal(m.messages.length, 1);
    assert.equal(m.messages[0].fromPid, 10);
    assert.equal(m.messages[0].toPid, 11);
    assert.equal(m.summary().duration, 800);
  });

  it('a manager call and its reply are two arrows between the caller and the manager process (channel manager)', () => {
    const call: TraceEvent[] = [
      { kind: 'message.send', ts: 2000, pid: 10, channel: 'manager', channelId: '10.0.1', msgId: '10.0.5', summary: "dict.set('k', 1)" },
      { kind: 'message.recv', ts: 2010, pid: 13, channel: 'manager', channelId: '10.0.1', msgId: '10.0.5', summary: "dict.set('k', 1)" },
      { kind: 'message.send', ts: 2020, pid: 13, channel: 'manager', channelId: '10.0.1', msgId: '13.0.1', summary: 'done' },
      { kind: 'message.recv', ts: 2030, pid: 10, channel: 'manager', channelId: '10.0.1', msgId: '13.0.1' },
    ];
    for (const e of call) assert.deepEqual(parseEvent(JSON.parse(JSON.stringify(e))), e);
    assert.equal(parseEvent({ ...call[0], channel: 'carrier pigeon' }), undefined, 'an unknown channel kind is refused');
    const m = new TraceModel([...events, ...call]);
    const arrows = m.messages.filter((a) => a.channel === 'manager');
    assert.deepEqual(
      arrows.map((a) => [a.fromPid, a.toPid]),
      [
        [10, 13],
        [13, 10],
      ],
    );
  });

  it('round-trips through the native format and skips malformed lines', () => {
    const text = serializeJsonl(makeHeader({ ts: 5 }), events) + 'not json\n{"kind":"process.start","ts":1}\n';
    const parsed = parseJsonl(text);
    assert.equal(parsed.header?.version, 1);
    assert.equal(parsed.events.length, events.length);
    assert.equal(parsed.malformed, 2);
  });
});
