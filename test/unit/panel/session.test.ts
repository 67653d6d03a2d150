// ViewerSession: the ready handshake, coalesced live deltas, chunking, and run state — without VS Code.
import * as assert from 'assert';
import { ViewerSession } from '../../../src/panel/session';
import { EVENTS_PER_MESSAGE, type ToWebview } from '../../../src/protocol/messages';
import type { RunHandle, RunResult } from '../../../src/runner/types';
import type { TraceEvent } from '../../../src/trace/events';
import { makeHeader } from '../../../src/trace/jsonl';

const start = (pid: number, ppid: number, ts = pid): TraceEvent => ({ kind: 'process.start', ts, pid, ppid, name: `p${pid}` });

/** A RunHandle driven by the test: push() delivers a batch, finish() resolves done. */
function fakeRun(initial: TraceEvent[] = []) {
  const events = [...initial];
  const listeners = new Set<(b: readonly TraceEvent[]) => void>();
  let resolve!: (r: RunResult) => void;
  let stopped = 0;
  const header = makeHeader({ file: '/tmp/x.mjs' });
  const handle: RunHandle = {
    header,
    pid: 1,
    get events() {
      return events;
    },
    onEvents(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    stop: async () => {
      stopped++;
    },
    done: new Promise<RunResult>((r) => (resolve = r)),
  };
  return {
    handle,
    push(batch: TraceEvent[]) {
      events.push(...batch);
      for (const l of listeners) l(batch);
    },
    finish(extra: TraceEvent[] = []) {
      events.push(...extra);
      resolve({ header, events: [...events], malformed: 0, summary: { exitCode: 0, signal: null, reason: 'exit', processes: [], traceEvents: events.length } });
    },
    stopped: () => stopped,
    listeners,
  };
}

function harness() {
  const sent: ToWebview[] = [];
  const timers: (() => void)[] = [];
  const s = new ViewerSession({
    post: (m) => sent.push(m),
    setTimer: (fn) => {
      timers.push(fn);
      return timers.length;
    },
    clearTimer: () => undefined,
  });
  const fire = () => {
    for (const f of timers.splice(0)) f();
  };
  return { s, sent, fire };
}

describe('panel: ViewerSession', () => {
  it('posts nothing until the webview is ready, then the whole state once', () => {
    const { s, sent } = harness();
    const run = fakeRun([start(1, 0)]);
    s.attach(run.handle, 'x.mjs');
    run.push([start(2, 1)]);
    assert.strictEqual(sent.length, 0);
    s.webviewReady();
    assert.strictEqual(sent.length, 1);
    const reset = sent[0]!;
    assert.ok(reset.type === 'reset');
    assert.deepStrictEqual(reset.events.map((e) => e.pid), [1, 2]);
    assert.strictEqual(reset.total, 2);
    assert.deepStrictEqual(reset.run, { live: true, canRerun: false });
  });

  it('coalesces live batches into one delta per flush', () => {
    const { s, sent, fire } = harness();
    const run = fakeRun();
    s.webviewReady();
    s.attach(run.handle, 'x.mjs', () => undefined);
    sent.length = 0;
    for (let i = 0; i < 100; i++) run.push([start(10 + i, 1)]);
    assert.strictEqual(sent.length, 0, 'held until the timer fires');
    fire();
    assert.strictEqual(sent.length, 1);
    const m = sent[0]!;
    assert.ok(m.type === 'events');
    assert.strictEqual(m.events.length, 100);
  });

  it('sends big traces in chunks and marks the run finished with the tail events', async () => {
    const { s, sent } = harness();
    s.webviewReady();
    const run = fakeRun();
    s.attach(run.handle, 'x.mjs', () => undefined);
    sent.length = 0;
    const many = Array.from({ length: EVENTS_PER_MESSAGE * 2 + 5 }, (_, i) => start(1000 + i, 1));
    run.push(many);
    assert.deepStrictEqual(sent.map((m) => (m.type === 'events' ? m.events.length : -1)), [EVENTS_PER_MESSAGE, EVENTS_PER_MESSAGE, 5]);
    run.finish([{ kind: 'run.end', ts: 9e9, pid: 1, exitCode: 0, signal: null, reason: 'exit' }]);
    await run.handle.done;
    await new Promise((r) => setImmediate(r));
    const kinds = sent.slice(3).map((m) => m.type);
    assert.deepStrictEqual(kinds, ['events', 'runState']);
    const last = sent[sent.length - 1]!;
    assert.ok(last.type === 'runState');
    assert.deepStrictEqual(last.run, { live: false, canRerun: true });
    assert.ok(run.listeners.size === 0, 'unsubscribed when the run ended');
  });

  it('sends a loaded trace\'s backlog one chunk per timer turn, and drops it when another trace is loaded', () => {
    const { s, sent, fire } = harness();
    s.webviewReady();
    sent.length = 0;
    const many = Array.from({ length: EVENTS_PER_MESSAGE * 2 + 5 }, (_, i) => start(1000 + i, 1));
    s.load({ title: 'big.jsonl', header: undefined, source: { kind: 'file', path: '/big.jsonl' }, events: many });
    const sizes = () => sent.map((m) => (m.type === 'reset' || m.type === 'events' ? `${m.type}:${m.events.length}` : m.type));
    assert.deepStrictEqual(sizes(), [`reset:${EVENTS_PER_MESSAGE}`]);
    assert.ok(sent[0]!.type === 'reset' && sent[0]!.total === many.length);
    fire();
    assert.deepStrictEqual(sizes(), [`reset:${EVENTS_PER_MESSAGE}`, `events:${EVENTS_PER_MESSAGE}`]);
    fire();
    assert.deepStrictEqual(sizes().slice(2), ['events:5']);
    const sentPids = sent.flatMap((m) => (m.type === 'reset' || m.type === 'events' ? m.events.map((e) => e.pid) : []));
    assert.deepStrictEqual(sentPids, many.map((e) => e.pid), 'every event once, in order');
    fire();
    assert.strictEqual(sent.length, 3, 'nothing more');

    sent.length = 0;
    s.load({ title: 'big.jsonl', header: undefined, source: { kind: 'file', path: '/big.jsonl' }, events: many });
    s.load({ title: 'small.jsonl', header: undefined, source: { kind: 'file', path: '/small.jsonl' }, events: [start(5, 0)] });
    fire();
    fire();
    assert.deepStrictEqual(sizes(), [`reset:${EVENTS_PER_MESSAGE}`, 'reset:1'], 'the first trace\'s backlog is not sent after the second');
  });

  it('stop and run again reach the live run', async () => {
    const { s } = harness();
    const run = fakeRun();
    let reruns = 0;
    s.attach(run.handle, 'x.mjs', () => reruns++);
    await s.stop();
    assert.strictEqual(run.stopped(), 1);
    assert.strictEqual(s.runAgain(), true);
    assert.strictEqual(reruns, 1);
  });

  it('a newly loaded trace replaces the live run and resends everything on reload', () => {
    const { s, sent } = harness();
    const run = fakeRun([start(1, 0)]);
    s.webviewReady();
    s.attach(run.handle, 'x.mjs');
    s.load({ title: 't.jsonl', header: undefined, source: { kind: 'file', path: '/t.jsonl' }, events: [start(5, 0), start(6, 5)] });
    run.push([start(2, 1)]);
    assert.deepStrictEqual(s.pids(), [5, 6], 'events of the detached run are ignored');
    sent.length = 0;
    s.webviewReady();
    assert.strictEqual(sent.length, 1);
    assert.ok(sent[0]!.type === 'reset' && sent[0]!.source.kind === 'file');
  });

  it('an opened file goes as its bytes once; its decoded events are adopted without a resend, unless the webview reloaded meanwhile', () => {
    const { s, sent } = harness();
    const file = { title: 'f.jsonl', source: { kind: 'file', path: '/f.jsonl' } as const, format: 'jsonl' as const, bytes: new Uint8Array([1, 2, 3]) };
    const trace = { title: 'f.jsonl', header: undefined, source: file.source, events: [start(5, 0), start(6, 5)] };
    assert.strictEqual(s.sendFile(file), undefined, 'nothing is sent before the webview is ready');
    assert.strictEqual(sent.length, 0);

    s.webviewReady();
    sent.length = 0;
    assert.strictEqual(s.sendFile(file), 1, 'the post\'s result (the delivery) is returned');
    assert.deepStrictEqual(sent.map((m) => m.type), ['file']);
    s.load(trace, true);
    assert.strictEqual(sent.length, 1, 'the webview decoded the bytes itself: no reset with the events');
    assert.deepStrictEqual(s.pids(), [5, 6], 'the host holds the events (Export, restore)');
    s.webviewReady();
    assert.ok(sent[1]?.type === 'reset' && sent[1].events.length === 2, 'a reload gets the events as usual');

    // The webview reloaded between the bytes and the decoded events: they are sent after all.
    sent.length = 0;
    s.sendFile(file);
    s.webviewGone();
    s.webviewReady();
    s.load(trace, true);
    assert.deepStrictEqual(sent.map((m) => m.type), ['file', 'reset', 'reset']);
  });

  it('the parts of a big file follow its first part only while the webview that took it is there and nothing else was shown', () => {
    const { s, sent } = harness();
    const file = { title: 'f.jsonl', source: { kind: 'file', path: '/f.jsonl' } as const, format: 'jsonl' as const, bytes: new Uint8Array([1, 2, 3]) };
    const trace = { title: 'f.jsonl', header: undefined, source: file.source, events: [start(5, 0), start(6, 5)] };
    s.webviewReady();
    sent.length = 0;
    s.sendFile({ ...file, part: { index: 0, last: false } });
    assert.deepStrictEqual(s.sendFilePart({ ...file, part: { index: 1, last: true } }), { delivery: 2 });
    assert.deepStrictEqual(sent.map((m) => m.type === 'file' && m.part?.index), [0, 1]);
    s.load(trace, true);
    assert.strictEqual(sent.length, 2, 'shown from its parts: no reset');
    assert.strictEqual(s.sendFilePart({ ...file, part: { index: 2, last: true } }), undefined, 'after the load: nothing more of that file');

    // The webview reloaded between two parts: no more parts, and the events go as usual.
    sent.length = 0;
    s.sendFile({ ...file, part: { index: 0, last: false } });
    s.webviewGone();
    assert.strictEqual(s.sendFilePart({ ...file, part: { index: 1, last: true } }), undefined);
    s.webviewReady();
    assert.strictEqual(s.sendFilePart({ ...file, part: { index: 1, last: true } }), undefined, 'a new page never gets the rest of a file it did not start');
    s.load(trace, false);
    assert.deepStrictEqual(sent.map((m) => m.type), ['file', 'reset', 'reset']);
  });

  it('a file that did not decode brings the webview back to what the session shows (the live run it replaced streams no more)', () => {
    const { s, sent, fire } = harness();
    const run = fakeRun([start(1, 0)]);
    s.webviewReady();
    s.attach(run.handle, 'x.mjs');
    sent.length = 0;
    s.sendFile({ title: 'bad.jsonl', source: { kind: 'file', path: '/bad.jsonl' }, format: 'jsonl', bytes: new Uint8Array([0x7b]) });
    s.fileFailed();
    assert.deepStrictEqual(sent.map((m) => m.type), ['file', 'reset']);
    const reset = sent[1]!;
    assert.ok(reset.type === 'reset' && reset.source.kind === 'run' && reset.events.length === 1, JSON.stringify(reset));
    // Opening a file stopped the run's streaming into the view, as a loaded file does.
    run.push([start(2, 1)]);
    fire();
    assert.strictEqual(sent.length, 2);
  });
});
