// The capture's fast path must never call a line valid that JSON.parse + parseEvent refuse, and
// must read the same columns from it: it decides what is written to a trace file unparsed.
import { strict as assert } from 'assert';
import { LineScanner, LineTemplate } from '../../../src/runner/lineScan';
import { parseEvent } from '../../../src/trace/events';
import { xorshift32 } from '../../helpers/xorshift';

/** What the slow path says: the event, or undefined. */
function reference(line: string): Record<string, unknown> | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  return parseEvent(v) as Record<string, unknown> | undefined;
}

/** scan() on the line as the tailer gives it: bytes ending in \n (with more data after it). */
function scan(line: string): { end: number; s: LineScanner; len: number } {
  const b = Buffer.from(`${line}\n{"kind":`);
  const s = new LineScanner();
  return { end: s.scan(b, 0), s, len: Buffer.byteLength(line) };
}

/** Checks one line both ways; returns whether the fast path took it. */
function agree(line: string): boolean {
  const ref = reference(line);
  const { end, s, len } = scan(line);
  if (end < 0) return false;
  assert.ok(ref, `fast path accepted a line the slow path refuses: ${line}`);
  assert.equal(end, len, line);
  assert.ok(ref.kind === 'message.send' || ref.kind === 'message.recv', line);
  assert.equal(s.kind, ref.kind === 'message.send' ? 0 : 1, line);
  assert.equal(s.pid, ref.pid, line);
  assert.equal(s.tid, (ref.tid as number | undefined) ?? 0, line);
  assert.equal(s.channel, ['queue', 'pipe', 'manager'].indexOf(ref.channel as string), line);
  const ts = ref.ts as number;
  // The sort key: within an ulp of JSON.parse's value (exact for integers).
  assert.ok(Math.abs(s.ts - ts) <= Math.max(Number.EPSILON * ts, 0), `${line}: ts ${s.ts} vs ${ts}`);
  if (Number.isInteger(ts) && ts < 2 ** 53) assert.equal(s.ts, ts, line);
  return true;
}

const base = { kind: 'message.send', ts: 1795828486102345.25, pid: 812, channel: 'queue', channelId: 'q812:1', msgId: '812.0.7' };
const line = (o: Record<string, unknown>) => JSON.stringify(o);

describe('LineScanner (trace-channel fast path)', () => {
  it('takes the runtime-written message lines and reads their columns', () => {
    assert.ok(agree(line(base)));
    assert.ok(agree(line({ ...base, kind: 'message.recv', tid: 3, channel: 'pipe', summary: "'url_1'" })));
    assert.ok(agree(line({ ...base, channel: 'manager', ts: 0, pid: 0 })));
    assert.ok(agree(line({ ...base, ts: 1795828486102345 })));
    assert.ok(agree(line({ ...base, ts: 12.000001, extra: null, more: true, n: -1.5, s: '' })));
    assert.ok(agree(line({ ...base, parentTid: 2, malformed: 0, args: '(1)', error: 'x', code: 'C', stack: 's', detail: 'd' })));
    assert.ok(agree('{"kind":"message.send","ts":5,"pid":1,"channel":"queue","channelId":"","msgId":"","":1}'));
  });

  it('refuses what the slow path refuses, and leaves to it anything outside its plain shape', () => {
    const refused = [
      // not valid events
      line({ ...base, kind: 'message.sent' }),
      line({ ...base, channel: 'socket' }),
      line({ ...base, channelId: 1 }),
      line({ ...base, msgId: null }),
      line({ ...base, ts: -1 }),
      line({ ...base, ts: 2 ** 53 + 2 }),
      line({ ...base, ts: '1' }),
      line({ ...base, pid: -1 }),
      line({ ...base, pid: 1.5 }),
      line({ ...base, tid: null }),
      line({ ...base, summary: 3 }),
      line({ ...base, detail: false }),
      line({ ...base, parentTid: 'x' }),
      line({ ...base, loc: { file: 1, line: 2 } }),
      '{"kind":"message.send","ts":1e999,"pid":1,"channel":"queue","channelId":"a","msgId":"b"}',
      `{"kind":"message.send","ts":1,"pid":1,"channel":"queue","channelId":"a","msgId":"b","n":1${'0'.repeat(400)}}`,
      line({ kind: 'message.send', ts: 1, pid: 1, channel: 'queue', channelId: 'a' }),
      // not JSON
      '{"kind":"message.send","ts":01,"pid":1,"channel":"queue","channelId":"a","msgId":"b"}',
      '{"kind":"message.send","ts":1.,"pid":1,"channel":"queue","channelId":"a","msgId":"b"}',
      '{"kind":"message.send","ts":1,"pid":1,"channel":"queue","channelId":"a","msgId":"b",}',
      '{"kind":"message.send","ts":1,"pid":1,"channel":"queue","channelId":"a","msgId":"b"}}',
      '{"kind":"message.send","ts":1,"pid":1,"channel":"queue","channelId":"a","msgId":"b"',
      '{"kind":"message.send","ts":1,"pid":1,"channel":"queue","channelId":"a","msgId":"b","x":tru}',
      '{"kind":"message.send","ts":1,"pid":1,"channel":"queue","channelId":"a","msgId":"b\t"}',
      '{kind:"message.send"}',
      '',
      '{}',
      // valid, but for the slow path to judge
      line({ ...base, loc: { file: '/a.mjs', line: 3 } }),
      line({ ...base, summary: 'é' }),
      line({ ...base, summary: 'a"b' }),
      line({ ...base, nested: { a: 1 } }),
      line({ ...base, list: [1] }),
      '{"kind":"message.send","ts":1E2,"pid":1,"channel":"queue","channelId":"a","msgId":"b"}',
      '{ "kind":"message.send","ts":1,"pid":1,"channel":"queue","channelId":"a","msgId":"b"}',
      '{"kind":"message.send","ts":1,"pid":1,"channel":"queue","channelId":"a","msgId":"b","pid":2}',
      '{"k\\u0069nd":"message.send","kind":"message.send","ts":1,"pid":1,"channel":"queue","channelId":"a","msgId":"b"}',
      line({ ...base, kind: 'output', stream: 'stdout', text: 'x' }),
      line({ ...base, ts: 9007199254740991 }),
    ];
    for (const l of refused) assert.equal(scan(l).end, -1, l);
    for (const l of refused) agree(l);
  });

  it('agrees with JSON.parse + parseEvent on 20,000 mutated lines', () => {
    const r = xorshift32(0x2545f491);
    const pick = <T>(a: ArrayLike<T>): T => a[Math.floor(r() * a.length)] as T;
    const seeds = [
      line(base),
      line({ ...base, kind: 'message.recv', tid: 2, summary: "{'a': 1}" }),
      line({ ...base, channel: 'manager', ts: 17958284861, extra: null, ok: false }),
    ];
    const alphabet = '{}[]":,.-+0123456789eEtrufalsn \\\tabcé\u0000';
    let fast = 0;
    for (let n = 0; n < 20000; n++) {
      let l = pick(seeds);
      for (let m = 1 + Math.floor(r() * 3); m > 0; m--) {
        const i = Math.floor(r() * (l.length + 1));
        const op = r();
        if (op < 0.4) l = l.slice(0, i) + l.slice(i + 1);
        else if (op < 0.8) l = l.slice(0, i) + pick(alphabet) + l.slice(i);
        else l = l.slice(0, i) + pick(alphabet) + l.slice(i + 1);
      }
      if (l.includes('\n')) continue;
      if (agree(l)) fast++;
    }
    assert.ok(fast > 500, `the fast path took ${fast} mutated lines`);
  });

  it("matches a writer's template exactly where scan() accepts, with the same columns, on 20,000 mutated lines", () => {
    const r = xorshift32(0x1b873593);
    const pick = <T>(a: ArrayLike<T>): T => a[Math.floor(r() * a.length)] as T;
    const seeds = [
      line(base),
      line({ ...base, kind: 'message.recv', tid: 2, summary: "{'a': 1}" }),
      line({ ...base, channel: 'manager', ts: 17958284861, extra: null, ok: false, n: 3 }),
      line({ ...base, ts: 5, msgId: '', channelId: '' }),
    ];
    // Mutations of the holes' contents mostly (where a template must look), some anywhere.
    const alphabet = '{}":,.-+0123456789eE \\abcé';
    let matched = 0;
    let refused = 0;
    for (let n = 0; n < 20000; n++) {
      const seed = pick(seeds);
      const t = new LineTemplate();
      const learner = new LineScanner();
      const sb = Buffer.from(`${seed}\n`);
      const e0 = learner.scan(sb, 0);
      assert.ok(e0 > 0, seed);
      learner.learn(t, sb, 0, e0);
      let l = seed;
      if (r() < 0.5) {
        const o = JSON.parse(seed) as Record<string, unknown>;
        o.ts = pick([0, 1.5, 1795828486102345.25, 17958284861023460, -1, 9007199254740991, 1795828486102345.5, '7']);
        o.msgId = pick(['', '7.0.8', 'x"y', 'é', 'a\\b', 3]);
        if (r() < 0.3) o.channelId = pick(['', 'q1', 'p812:12345']);
        if (r() < 0.2) o.pid = pick([812, 813]);
        l = JSON.stringify(o);
      }
      for (let m = Math.floor(r() * 3); m > 0; m--) {
        const i = Math.floor(r() * (l.length + 1));
        const op = r();
        if (op < 0.4) l = l.slice(0, i) + l.slice(i + 1);
        else if (op < 0.8) l = l.slice(0, i) + pick(alphabet) + l.slice(i);
        else l = l.slice(0, i) + pick(alphabet) + l.slice(i + 1);
      }
      if (l.includes('\n')) continue;
      const b = Buffer.from(`${l}\n{"kind":`);
      const m = new LineScanner();
      const e = m.match(t, b, 0);
      if (e < 0) {
        refused++;
        continue;
      }
      matched++;
      const s = new LineScanner();
      assert.equal(s.scan(b, 0), e, `template matched a line scan() refuses: ${l}`);
      for (const k of ['kind', 'ts', 'pid', 'tid', 'channel', 'channelIdStart', 'channelIdEnd'] as const) assert.equal(m[k], s[k], `${k} of ${l}`);
      agree(l);
    }
    assert.ok(matched > 2000 && refused > 2000, `matched ${matched}, refused ${refused}`);
  });
});
