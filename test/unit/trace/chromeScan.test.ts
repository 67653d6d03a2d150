// The Chrome trace scan (src/trace/chromeScan.ts) that sends an opened Chrome .json to the viewer
// as the native .jsonl inside it: whatever it returns must decode to exactly what the full decoder
// (JSON.parse + fromChromeTrace) gives for the file, and whenever it cannot be sure it must say so
// (undefined), so the file is decoded the full way, errors included.
import { strict as assert } from 'assert';
import { toChromeTrace } from '../../../src/trace/chrome';
import { ChromeNativeScan, scanChromeNative } from '../../../src/trace/chromeScan';
import type { TraceEvent } from '../../../src/trace/events';
import { chromeAsJsonl, decodeTraceText } from '../../../src/trace/file';
import { makeHeader } from '../../../src/trace/jsonl';

const T = 1_700_000_000_000_000;
const header = makeHeader({ ts: T, file: '/x/pool.mjs', context: 'process' });
const enc = new TextEncoder();
const dec = new TextDecoder();

/** Strings that look like the structure the scan follows. */
const tricky = 'a "event":{"kind":"x"} \\" ] } [ { \\\\ "end": \u2514 \u00e9 \n';

const sample: TraceEvent[] = [
  { kind: 'process.start', ts: T + 0, pid: 100, ppid: 1, name: 'MainProcess' },
  { kind: 'pool.create', ts: T + 5, pid: 100, poolId: 'p1', processes: 2 },
  { kind: 'process.start', ts: T + 10, pid: 101, ppid: 100, name: `PoolWorker-1 ${tricky}` },
  { kind: 'task.submit', ts: T + 20, pid: 100, poolId: 'p1', taskId: 1, fn: 'square', args: `(${tricky})` },
  { kind: 'task.start', ts: T + 30, pid: 101, poolId: 'p1', taskId: 1, fn: 'square' },
  { kind: 'message.send', ts: T + 36, pid: 100, channel: 'queue', channelId: 'q1', msgId: '1', summary: tricky },
  { kind: 'message.recv', ts: T + 38, pid: 101, channel: 'queue', channelId: 'q1', msgId: '1' },
  { kind: 'task.end', ts: T + 40, pid: 101, poolId: 'p1', taskId: 1, ok: false, error: tricky },
  { kind: 'output', ts: T + 42, pid: 101, stream: 'stdout', text: tricky },
  // Equal times: the file's order must survive the scan.
  { kind: 'output', ts: T + 42, pid: 100, stream: 'stderr', text: 'second at the same time' },
  { kind: 'process.exit', ts: T + 60, pid: 101, exitCode: 0, signal: null },
  { kind: 'process.exit', ts: T + 70, pid: 100, exitCode: 0, signal: null },
  { kind: 'run.end', ts: T + 71, pid: 100, exitCode: 0, signal: null, reason: 'exit' },
];

/** The scan's .jsonl decoded, next to the full decoder's result for the same text. */
function both(text: string) {
  const jsonl = chromeAsJsonl(enc.encode(text));
  return { jsonl, scanned: jsonl && decodeTraceText('jsonl', dec.decode(jsonl)), full: decodeTraceText('chrome', text) };
}

describe('Chrome trace scan (an opened .json sent as its native .jsonl)', () => {
  const chrome = toChromeTrace(header, sample);

  for (const [name, text] of [
    ['as exported', JSON.stringify(chrome)],
    ['pretty-printed (line breaks between tokens)', JSON.stringify(chrome, null, 2)],
    ['with CRLF and tabs', JSON.stringify(chrome, null, '\t').replace(/\n/g, '\r\n')],
  ] as const) {
    it(`finds every native event and the header, ${name}`, () => {
      const { jsonl, scanned, full } = both(text);
      assert.ok(jsonl, 'the scan handles it');
      assert.deepEqual(scanned!.header, full.header);
      assert.deepEqual(scanned!.events, full.events);
      assert.deepEqual(scanned!.events, sample);
      assert.equal(scanned!.malformed, 0);
      // One line per native value and the header: nothing of the Chrome wrapper.
      assert.equal(dec.decode(jsonl).trimEnd().split('\n').length, full.events.length + 1);
    });
  }

  it('takes a record\'s event before its end whatever the key order, as fromChromeTrace does', () => {
    const swapped = JSON.parse(JSON.stringify(chrome)) as typeof chrome;
    for (const e of swapped.traceEvents) {
      if (e.args && 'end' in e.args) {
        const { event, end, ...rest } = e.args;
        e.args = { end, ...rest, event };
      }
    }
    const { jsonl, scanned, full } = both(JSON.stringify(swapped));
    assert.ok(jsonl);
    assert.deepEqual(scanned!.events, full.events);
  });

  it('counts the same values as malformed as the full decoder (not events, null, a header)', () => {
    const t = JSON.parse(JSON.stringify(chrome)) as { traceEvents: { args?: Record<string, unknown> }[] };
    t.traceEvents.push({ args: { event: null } }, { args: { event: { kind: 'nope', ts: 1, pid: 1 } } }, { args: { event: makeHeader({ ts: T }) } }, { args: { end: 'x' } }, { args: { other: 1 } });
    const { jsonl, scanned, full } = both(JSON.stringify(t));
    assert.ok(jsonl);
    assert.equal(full.malformed, 4);
    assert.equal(scanned!.malformed, full.malformed);
    assert.deepEqual(scanned!.events, full.events);
  });

  it('ignores event keys off the path: in other records, in nested objects, at the top', () => {
    const t = JSON.parse(JSON.stringify(chrome)) as Record<string, unknown> & { traceEvents: Record<string, unknown>[] };
    const stray = sample[0];
    t.event = stray;
    t.otherData = { event: stray, args: { event: stray } };
    t.traceEvents.push({ name: 'x', event: stray, args: { nested: { event: stray }, list: [{ event: stray }] } }, 5 as unknown as Record<string, unknown>, { args: [stray] });
    const { jsonl, scanned, full } = both(JSON.stringify(t));
    assert.ok(jsonl);
    assert.deepEqual(scanned!.events, full.events);
    assert.equal(scanned!.events.length, sample.length);
  });

  it('leaves to the full decoder what it cannot be sure of', () => {
    const exported = JSON.stringify(chrome);
    const unsure: [string, string][] = [
      ['cut short', exported.slice(0, exported.length >> 1)],
      ['an unterminated string', exported.slice(0, exported.lastIndexOf('"'))],
      ['not an object', `[${exported}]`],
      ['no header', JSON.stringify({ traceEvents: chrome.traceEvents })],
      ['no traceEvents', JSON.stringify({ concurrencyLab: chrome.concurrencyLab })],
      ['two traceEvents keys', `{"traceEvents":[],${exported.slice(1)}`],
      ['an escaped key on the path', exported.replace('"args":{', '"\\u0061rgs":{')],
      ['mismatched brackets', exported.replace(/\]\s*,\s*"displayTimeUnit"/, '},"displayTimeUnit"')],
      ['a second document after it', `${exported}{}`],
      ['no event at all', JSON.stringify({ ...chrome, traceEvents: [] })],
      ['nested too deep', JSON.stringify({ ...chrome, deep: JSON.parse('['.repeat(40) + ']'.repeat(40)) })],
    ];
    for (const [why, text] of unsure) assert.equal(chromeAsJsonl(enc.encode(text)), undefined, why);
  });

  it('finds the same when resumed at any byte (the panel sends parts while it scans), and fails the same', () => {
    const texts = [JSON.stringify(chrome), JSON.stringify(chrome, null, 2)];
    const exported = texts[0]!;
    const unsure = [exported.slice(0, exported.length >> 1), `{"traceEvents":[],${exported.slice(1)}`, exported.replace('"args":{', '"\\u0061rgs":{')];
    for (const text of [...texts, ...unsure]) {
      const b = enc.encode(text);
      const whole = scanChromeNative(b);
      for (const step of [1, 7, 64, 1000]) {
        const scan = new ChromeNativeScan(b);
        let state: string = 'more';
        let seen = 0;
        for (let at = step; state === 'more'; at += step) {
          state = scan.advance(at);
          // Events found so far stay as they were: the parts already sent are final.
          assert.ok(scan.count >= seen);
          if (whole) for (let k = 0; k < scan.count * 2; k++) assert.equal(scan.events[k], whole.events[k]);
          seen = scan.count;
        }
        const r = scan.result();
        assert.equal(state, whole ? 'done' : 'fail', `step ${step}`);
        if (whole) assert.deepEqual([r!.header, r!.count, [...r!.events.subarray(0, r!.count * 2)]], [whole.header, whole.count, [...whole.events.subarray(0, whole.count * 2)]]);
        else assert.equal(r, undefined);
      }
    }
  });

  it('reports where each value is, event before end, in the file\'s order', () => {
    const text = '{"traceEvents":[{"args":{"end":{"b":2},"event":{"a":1}}},{"args":{"event":3}}],"concurrencyLab":{"header":{"h":0}}}';
    const found = scanChromeNative(enc.encode(text))!;
    const cut = (k: number) => text.slice(found.events[k * 2], found.events[k * 2 + 1]);
    assert.equal(found.count, 3);
    assert.deepEqual([cut(0), cut(1), cut(2)], ['{"a":1}', '{"b":2}', '3']);
    assert.equal(text.slice(...found.header), '{"h":0}');
  });
});
