// The trace-capture benchmark reports "lossless" only if its count is right: these check the
// counting itself (drops, repeats, reordering, foreign events) and that the load fixture writes
// exactly what the count expects. Behaviour only: no timing is asserted here.
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

interface CaptureCount {
  total: number;
  expected: number;
  lossless: boolean;
  perProducer: { count: number; outOfOrder: number }[];
  foreign: number;
}
const root = path.resolve(__dirname, '../../..');
const { countCapture, parseJsonl } = require(path.join(root, 'bench/lib/trace-count.cjs')) as {
  countCapture(events: Iterable<Record<string, unknown>>, producers: number, perProducer: number): CaptureCount;
  parseJsonl(text: string): Record<string, unknown>[];
};

const send = (k: number, i: number) => ({ kind: 'message.send', ts: i, pid: 100 + k, channel: 'queue', channelId: `capture-${k}`, msgId: String(i) });

/** Two producers' events, interleaved as a merged trace would be. */
function stream(n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(send(0, i), send(1, i));
  return out;
}

describe('bench: trace-capture counting', () => {
  it('counts a complete, ordered capture as lossless and ignores other events', () => {
    const events = [{ kind: 'process.start', ts: 0, pid: 1, ppid: 0, name: 'MainProcess' }, ...stream(50), { kind: 'message.send', channelId: 'q-1', msgId: '0' }];
    const c = countCapture(events, 2, 50);
    assert.equal(c.total, 100);
    assert.equal(c.lossless, true);
  });

  it('reports a dropped event', () => {
    const events = stream(50).filter((e) => !(e.channelId === 'capture-1' && e.msgId === '17'));
    const c = countCapture(events, 2, 50);
    assert.equal(c.lossless, false);
    assert.equal(c.total, 99);
    assert.equal(c.perProducer[1].count, 49);
  });

  it('reports a duplicated event even when the total matches', () => {
    const events = stream(50);
    events.pop();
    events.push(send(1, 3));
    const c = countCapture(events, 2, 50);
    assert.equal(c.total, 100);
    assert.equal(c.lossless, false);
  });

  it("reports one producer's events out of order", () => {
    const events = stream(50);
    const a = events.findIndex((e) => e.channelId === 'capture-0' && e.msgId === '5');
    const b = events.findIndex((e) => e.channelId === 'capture-0' && e.msgId === '6');
    [events[a], events[b]] = [events[b], events[a]];
    const c = countCapture(events, 2, 50);
    assert.equal(c.total, 100);
    assert.equal(c.lossless, false);
  });

  it('reads a native trace text, skipping blank and broken lines', () => {
    const text = ['{"kind":"trace.header","version":1}', JSON.stringify(send(0, 0)), '', '{broken', JSON.stringify(send(0, 1))].join('\n');
    const c = countCapture(parseJsonl(text), 1, 2);
    assert.equal(c.lossless, true);
  });

  it('the capture fixture writes exactly producers x n ordered events through the channel', function () {
    this.timeout(30_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-bench-test-'));
    try {
      execFileSync(process.execPath, [path.join(root, 'bench/fixtures/capture.mjs'), '3', '2500'], { env: { ...process.env, CONCURRENCY_LAB_TRACE_DIR: dir }, stdio: 'pipe' });
      const files = fs.readdirSync(dir);
      assert.equal(files.length, 3, `one trace file per producer, got ${files.join(', ')}`);
      for (const f of files) assert.match(f, /^\d+-0\.jsonl$/);
      const events = files.flatMap((f) => parseJsonl(fs.readFileSync(path.join(dir, f), 'utf8')));
      const c = countCapture(events, 3, 2500);
      assert.equal(c.total, 7500);
      assert.equal(c.lossless, true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
