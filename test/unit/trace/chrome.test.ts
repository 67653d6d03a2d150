// Chrome Trace Event Format export, checked against the format's rules (the ones Perfetto and
// chrome://tracing rely on), and the round trip back to the native trace.
import { strict as assert } from 'assert';
import { fromChromeTrace, toChromeTrace, type ChromeEvent } from '../../../src/trace/chrome';
import { chromeTraceProblems } from '../runner/chromeRules';
import type { TraceEvent } from '../../../src/trace/events';
import { makeHeader } from '../../../src/trace/jsonl';
import { startRun } from '../../../src/runner';
import { fixture } from '../runner/helpers';

const T = 1_700_000_000_000_000;
const header = makeHeader({ ts: T, file: '/x/pool.mjs', context: 'process' });

/** Main 100 with a Pool of 2 workers (101, 102) running 3 tasks, a grandchild 103 under 101, a queue message main -> 102, a worker thread in 102. */
const sample: TraceEvent[] = [
  { kind: 'process.start', ts: T + 0, pid: 100, ppid: 1, name: 'MainProcess' },
  { kind: 'pool.create', ts: T + 5, pid: 100, poolId: 'p1', processes: 2 },
  { kind: 'process.start', ts: T + 10, pid: 101, ppid: 100, name: 'PoolWorker-1' },
  { kind: 'process.start', ts: T + 11, pid: 102, ppid: 100, name: 'PoolWorker-2' },
  { kind: 'process.start', ts: T + 12, pid: 103, ppid: 101, name: 'Process-1:1' },
  { kind: 'task.submit', ts: T + 20, pid: 100, poolId: 'p1', taskId: 1, fn: 'square', args: '(1)' },
  { kind: 'task.submit', ts: T + 21, pid: 100, poolId: 'p1', taskId: 2, fn: 'square', args: '(2)' },
  { kind: 'task.submit', ts: T + 22, pid: 100, poolId: 'p1', taskId: 3, fn: 'square', args: '(3)' },
  // Tasks 1 and 3 overlap on worker 101 (async work): they need separate lanes.
  { kind: 'task.start', ts: T + 30, pid: 101, poolId: 'p1', taskId: 1, fn: 'square' },
  { kind: 'task.start', ts: T + 31, pid: 102, poolId: 'p1', taskId: 2, fn: 'square' },
  { kind: 'task.start', ts: T + 35, pid: 101, poolId: 'p1', taskId: 3, fn: 'square' },
  { kind: 'message.send', ts: T + 36, pid: 100, channel: 'queue', channelId: 'q1', msgId: '1', summary: "'spam'" },
  { kind: 'thread.start', ts: T + 37, pid: 102, tid: 1, name: 'Thread-1' },
  { kind: 'message.recv', ts: T + 38, pid: 102, tid: 1, channel: 'queue', channelId: 'q1', msgId: '1' },
  { kind: 'message.send', ts: T + 39, pid: 100, channel: 'pipe', channelId: 'c1', msgId: '7' },
  { kind: 'task.end', ts: T + 40, pid: 101, poolId: 'p1', taskId: 1, ok: true },
  { kind: 'task.end', ts: T + 41, pid: 102, poolId: 'p1', taskId: 2, ok: false, error: 'Error: nope' },
  { kind: 'output', ts: T + 42, pid: 103, stream: 'stdout', text: 'hello\nworld\n' },
  { kind: 'thread.exit', ts: T + 43, pid: 102, tid: 1, exitCode: 0 },
  { kind: 'process.exit', ts: T + 50, pid: 103, exitCode: null, signal: 'SIGKILL' },
  { kind: 'error', ts: T + 51, pid: 100, code: 'MAX_PROCESSES', message: 'cannot start another process' },
  { kind: 'process.exit', ts: T + 60, pid: 101, exitCode: 0, signal: null },
  { kind: 'process.exit', ts: T + 61, pid: 102, exitCode: 0, signal: null },
  { kind: 'process.exit', ts: T + 70, pid: 100, exitCode: 0, signal: null },
  { kind: 'run.end', ts: T + 71, pid: 100, exitCode: 0, signal: null, reason: 'exit' },
];

describe('Chrome trace export', () => {
  const trace = toChromeTrace(header, sample);
  const meta = (name: string) => trace.traceEvents.filter((e) => e.ph === 'M' && e.name === name);

  it('follows the format rules: every process named, every flow s has its f, spans nest', () => {
    assert.deepEqual(chromeTraceProblems(trace), []);
    assert.equal(trace.displayTimeUnit, 'ms');
    assert.ok(JSON.parse(JSON.stringify(trace)), 'serialisable');
  });

  it('names each process with its pid and ppid and orders them as the tree', () => {
    const names = new Map(meta('process_name').map((e) => [e.pid, (e.args as { name: string }).name]));
    assert.match(names.get(100) as string, /MainProcess \(pid 100, ppid 1\)/);
    assert.match(names.get(103) as string, /Process-1:1 \(pid 103, ppid 101\)/);
    const order = meta('process_sort_index')
      .sort((a, b) => (a.args as { sort_index: number }).sort_index - (b.args as { sort_index: number }).sort_index)
      .map((e) => e.pid);
    assert.deepEqual(order, [100, 101, 103, 102]);
  });

  it('draws tasks as spans, overlapping ones in lanes of their own, and messages as flows', () => {
    const spans = trace.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'task');
    assert.equal(spans.length, 3);
    const t1 = spans.find((e) => (e.args as { task: number }).task === 1) as ChromeEvent;
    const t3 = spans.find((e) => (e.args as { task: number }).task === 3) as ChromeEvent;
    assert.equal(t1.dur, 10);
    assert.equal(t1.pid, 101);
    assert.equal(t3.pid, 101);
    assert.notEqual(t1.tid, t3.tid, 'overlapping tasks get their own lane');
    assert.equal(t3.dur, 25, 'an unfinished task lasts until its process exits');
    const flows = trace.traceEvents.filter((e) => e.ph === 's' || e.ph === 'f');
    assert.deepEqual(flows.map((e) => [e.ph, e.pid]), [['s', 100], ['f', 102]], 'one arrow, for the message that was received');
    assert.equal(flows[1].tid, 1, 'the receiving worker thread');
  });

  it('shows output, exits and errors as instants', () => {
    const names = trace.traceEvents.filter((e) => e.ph === 'i').map((e) => e.name);
    for (const n of ['stdout: hello', 'killed by SIGKILL', 'exit 0', 'error: cannot start another process', 'run ended (exit)']) assert.ok(names.includes(n), n);
  });

  it('round-trips to the same native trace', () => {
    const back = fromChromeTrace(JSON.parse(JSON.stringify(trace)));
    assert.deepEqual(back.header, header);
    assert.deepEqual(back.events, sample);
    assert.equal(back.malformed, 0);
  });

  it('refuses JSON that is not a Concurrency Lab Chrome trace, with a clear message', () => {
    assert.throws(() => fromChromeTrace([1, 2]), /not a Chrome trace/);
    assert.throws(() => fromChromeTrace({ traceEvents: [] }), /not exported by Concurrency Lab/);
  });

  it('exports a real run (Pool tasks, Queue messages across processes) within the rules', async function () {
    this.timeout(60000);
    const r = await startRun({ file: fixture('pool-queue.mjs') }).done;
    assert.equal(r.summary.exitCode, 0);
    const real = toChromeTrace(r.header, r.events);
    assert.deepEqual(chromeTraceProblems(real), []);
    assert.equal(real.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'task').length, 4);
    assert.equal(real.traceEvents.filter((e) => e.ph === 's').length, 3);
    assert.equal(real.traceEvents.filter((e) => e.name === 'process_name').length, r.summary.processes.length);
    assert.deepEqual(fromChromeTrace(JSON.parse(JSON.stringify(real))).events, r.events);
  });
});
