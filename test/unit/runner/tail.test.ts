// The trace directory tailer: partial lines across reads, broken and foreign lines among good ones.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TraceTailer } from '../../../src/runner/tail';
import { writeTrace } from '../../../src/cli/traceFiles';
import { parseJsonl } from '../../../src/trace/jsonl';
import type { RawLines } from '../../../src/runner/rawLines';
import type { TraceEvent } from '../../../src/trace/events';
import { isUtf8 } from 'buffer';
import { xorshift32 } from '../../helpers/xorshift';

const ev = (pid: number, ts: number) => JSON.stringify({ kind: 'output', ts, pid, stream: 'stdout', text: `t${ts}` });

describe('TraceTailer', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-tail-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads what is new in every trace file, keeping a partial last line for the next read', () => {
    const t = new TraceTailer(dir);
    const a = path.join(dir, '10-0.jsonl');
    const line = ev(10, 2);
    fs.writeFileSync(a, `${ev(10, 1)}\n${line.slice(0, 20)}`);
    fs.writeFileSync(path.join(dir, '11-3.jsonl'), `${ev(11, 5)}\n`);
    fs.writeFileSync(path.join(dir, 'README.txt'), 'not a trace file\n');
    assert.deepEqual(t.read().map((e) => [e.pid, e.ts]).sort(), [[10, 1], [11, 5]]);
    fs.appendFileSync(a, `${line.slice(20)}\n`);
    assert.deepEqual(t.read().map((e) => e.ts), [2]);
    assert.deepEqual(t.read(), []);
    t.close();
    assert.equal(t.malformed, 0);
  });

  it('counts broken and foreign lines once each and keeps the good ones around them', () => {
    const t = new TraceTailer(dir);
    fs.writeFileSync(path.join(dir, '7-0.jsonl'), [ev(7, 1), 'garbage', '1,2', '{"kind":"mystery","ts":1,"pid":7}', ev(7, 2), ''].join('\n'));
    assert.deepEqual(t.read().map((e) => e.ts), [1, 2]);
    assert.equal(t.malformed, 3);
    fs.appendFileSync(path.join(dir, '7-0.jsonl'), '{"kind":"output",');
    t.read();
    t.close();
    assert.equal(t.malformed, 4, 'a line cut short by a dying writer counts too');
  });

  it("with keepLines, keeps each valid event's line exactly as written (and none for broken ones)", () => {
    const t = new TraceTailer(dir, true);
    const spaced = '{ "kind": "output", "ts": 3, "pid": 7, "stream": "stderr", "text": "é\\u00e9" }';
    fs.writeFileSync(path.join(dir, '7-0.jsonl'), [ev(7, 1), 'garbage', '', spaced, ''].join('\n'));
    const events = t.read();
    const lines = t.lines as RawLines;
    assert.equal(lines.size, 2);
    assert.deepEqual([lines.line(0), lines.line(1)], [ev(7, 1), spaced]);
    assert.deepEqual([lines.event(0), lines.event(1)], events);
    assert.equal(t.malformed, 1);
    t.close();
    assert.equal(new TraceTailer(dir).lines, undefined, 'off by default: the lines cost memory');
  });

  it('expands compact lines through the templates of their own file, and keeps them as full JSON lines', () => {
    const t = new TraceTailer(dir, true);
    const template = (id: number, pid: number) => JSON.stringify({ kind: 'trace.template', id, event: { kind: 'task.start', poolId: '1:1', fn: 'square', pid }, fields: ['taskId', 'ts'] });
    fs.writeFileSync(path.join(dir, '7-0.jsonl'), [template(1, 7), '[1,0,100]', '[1,1,101]', ''].join('\n'));
    // Another writer's template 1 is its own: ids are per file.
    fs.writeFileSync(path.join(dir, '8-0.jsonl'), [JSON.stringify({ kind: 'trace.template', id: 1, event: { kind: 'task.end', poolId: '1:1', ok: true, pid: 8 }, fields: ['taskId', 'ts'] }), '[1,0,102]', '[2,5,103]', ''].join('\n'));
    const events = t.read().sort((a, b) => a.ts - b.ts);
    assert.deepEqual(events, [
      { kind: 'task.start', poolId: '1:1', fn: 'square', pid: 7, taskId: 0, ts: 100 },
      { kind: 'task.start', poolId: '1:1', fn: 'square', pid: 7, taskId: 1, ts: 101 },
      { kind: 'task.end', poolId: '1:1', ok: true, pid: 8, taskId: 0, ts: 102 },
    ]);
    assert.equal(t.malformed, 1, 'a compact line naming an unknown template');
    // Kept as their events, written as their JSON (no line of their own).
    const lines = t.lines as RawLines;
    assert.deepEqual(lines.events(), events);
    assert.ok(events.every((_, k) => lines.line(k) === undefined && lines.length(k) === -1));
    t.close();
  });

  it('reads compact lines of plain integers without JSON.parse, and anything else through it, alike', () => {
    const t = new TraceTailer(dir, true);
    const template = JSON.stringify({ kind: 'trace.template', id: 4, event: { kind: 'task.end', poolId: '1:1', ok: true, pid: 7 }, fields: ['taskId', 'ts'] });
    const lines = [template, '[4,0,100]', '[4,-0,101]', '[4, 2, 102]', '[4,3,1795838772913553]', '[4,4,9007199254740991]', '[4,9,9007199254740992]', '[4,5,103.5]', '[4,06,104]', '[4,7]', '[4,,105]', '[4,8,106', '[]'];
    fs.writeFileSync(path.join(dir, '7-0.jsonl'), lines.join('\n') + '\n');
    const events = t.read();
    // (task.end lines of plain non-negative integers after the first are kept as bytes: not returned.)
    assert.deepEqual(
      events.map((e) => [(e as { taskId: number }).taskId, e.ts]),
      [[0, 100], [-0, 101], [2, 102], [5, 103.5]],
    );
    assert.ok(Object.is((events[1] as { taskId: number }).taskId, -0));
    // (2^53 is beyond MAX_SAFE_INTEGER: left to JSON.parse, and no valid ts.)
    assert.equal(t.malformed, 6, 'a ts of 2^53, a leading zero, a missing field, an empty value, a cut line and an empty array');
    const all = [...events, { kind: 'task.end', poolId: '1:1', ok: true, pid: 7, taskId: 3, ts: 1795838772913553 }, { kind: 'task.end', poolId: '1:1', ok: true, pid: 7, taskId: 4, ts: 9007199254740991 }];
    assert.deepEqual(t.lines?.events(), all.sort((a, b) => a.ts - b.ts), 'kept in trace order');
    t.close();
  });

  it('keeps lines exact across reads larger than one read buffer, and writes them back byte for byte', () => {
    const t = new TraceTailer(dir, true);
    const file = path.join(dir, '9-0.jsonl');
    // ~6 MB: more than one 4 MB read, with a line cut at the boundary; one multi-byte character per line.
    const lines = Array.from({ length: 40000 }, (_, i) => JSON.stringify({ kind: 'output', ts: i, pid: 9, stream: 'stdout', text: `é${'x'.repeat(i % 300)}` }));
    fs.writeFileSync(file, lines.slice(0, 30000).join('\n') + '\n' + lines[30000].slice(0, 7));
    const first = t.read();
    fs.appendFileSync(file, lines[30000].slice(7) + '\n' + lines.slice(30001).join('\n') + '\n');
    const events = [...first, ...t.read()];
    t.close();
    assert.equal(events.length, 40000);
    assert.equal(t.malformed, 0);
    const kept = t.lines as RawLines;
    assert.ok(events.every((e, i) => e.ts === i && kept.line(i) === lines[i]));
    const out = path.join(dir, 'out.jsonl');
    const header = { kind: 'trace.header' as const, version: 1, ts: 0 };
    kept.addEvent({ kind: 'run.end', ts: 40000, pid: 9, exitCode: 0, signal: null, reason: 'exit' });
    writeTrace(out, header as never, kept);
    const text = fs.readFileSync(out, 'utf8');
    assert.equal(text, [JSON.stringify(header), ...lines, JSON.stringify({ kind: 'run.end', ts: 40000, pid: 9, exitCode: 0, signal: null, reason: 'exit' })].join('\n') + '\n');
    assert.equal(parseJsonl(text).events.length, 40001);
  });

  describe('with keepLines: message lines kept as bytes (src/runner/lineScan.ts)', () => {
    const msg = (o: Record<string, unknown> = {}) => JSON.stringify({ kind: 'message.send', ts: 1, pid: 7, channel: 'queue', channelId: 'q7:1', msgId: '7.0.1', ...o });
    const header = { kind: 'trace.header' as const, version: 1, tool: 'concurrency-lab' as const, ts: 0 };
    /** Reads dir to the end with a plain tailer: the events and malformed count the slow path sees. */
    const plain = () => {
      const p = new TraceTailer(dir);
      const events = p.read().sort((a, b) => a.ts - b.ts);
      p.close();
      return { events, malformed: p.malformed };
    };

    it('keeps them out of read(), tells who used which channel, and writes them byte for byte', () => {
      const uses: string[] = [];
      const t = new TraceTailer(dir, true, (c, pid, tid) => uses.push(`${c} ${pid}.${tid}`));
      const lines = [
        msg({ ts: 1 }),
        msg({ ts: 3, msgId: '7.0.2' }), // same channel, same thread: told once
        msg({ ts: 4, kind: 'message.recv', tid: 2, channel: 'pipe', channelId: 'p7:1' }),
        msg({ ts: 5, channel: 'manager', channelId: '7.0.3' }), // a manager's calls are not channel uses
        msg({ ts: 6, summary: "'é'" }), // not ASCII: through JSON.parse, and returned
        '{"kind":"message.send", "ts":7,"pid":7,"channel":"queue","channelId":"q7:1","msgId":"x"}', // spaces: the same
        msg({ ts: 8, channel: 'socket' }), // not a valid event
        msg({ ts: 9, pid: -1 }), // not a valid event
        msg({ ts: 2 }),
      ];
      fs.writeFileSync(path.join(dir, '7-0.jsonl'), lines.join('\n') + '\n');
      const events = t.read();
      assert.deepEqual(events.map((e) => e.ts).sort(), [6, 7]);
      assert.equal(t.takeBytesOnly(), 5);
      assert.equal(t.takeBytesOnly(), 0);
      assert.deepEqual(uses, ['q7:1 7.0', 'p7:1 7.2', 'q7:1 7.0']);
      assert.equal(t.malformed, 2);
      t.close();
      const kept = t.lines as RawLines;
      kept.addEvent({ kind: 'run.end', ts: 10, pid: 7, exitCode: 0, signal: null, reason: 'exit' });
      const out = path.join(dir, 'out.jsonl');
      writeTrace(out, header, kept);
      const text = fs.readFileSync(out, 'utf8');
      const valid = [0, 8, 1, 2, 3, 4, 5].map((i) => lines[i]);
      assert.equal(text, [JSON.stringify(header), ...valid, JSON.stringify({ kind: 'run.end', ts: 10, pid: 7, exitCode: 0, signal: null, reason: 'exit' })].join('\n') + '\n');
      // Every event made from its bytes on demand, as the slow path makes it.
      assert.deepEqual(kept.events().slice(0, -1), plain().events);
    });

    it('reads a message line cut across reads, inside a multi-byte character, and one longer than a read', () => {
      const t = new TraceTailer(dir, true);
      const file = path.join(dir, '7-0.jsonl');
      const utf = Buffer.from(msg({ ts: 1, summary: "'日本'" }) + '\n');
      const cut = utf.indexOf(Buffer.from('日')) + 1; // inside the character's 3 bytes
      const huge = msg({ ts: 2, summary: 'x'.repeat(5 << 20) }); // > the 4 MB read
      fs.writeFileSync(file, utf.subarray(0, cut));
      assert.deepEqual(t.read(), []);
      fs.appendFileSync(file, Buffer.concat([utf.subarray(cut), Buffer.from(huge.slice(0, 3 << 20))]));
      assert.deepEqual(t.read().map((e) => e.ts), [1]);
      fs.appendFileSync(file, huge.slice(3 << 20) + '\n' + msg({ ts: 3 }).slice(0, 30));
      assert.deepEqual(t.read(), [], 'the huge line is kept as bytes');
      fs.appendFileSync(file, msg({ ts: 3 }).slice(30) + '\n');
      t.read();
      t.close();
      assert.equal(t.malformed, 0);
      const kept = t.lines as RawLines;
      assert.equal(kept.size, 3);
      assert.equal(kept.line(0), utf.toString().trimEnd());
      assert.equal(kept.line(1), huge);
      assert.equal(kept.line(2), msg({ ts: 3 }));
      const out = path.join(dir, 'out.jsonl');
      writeTrace(out, header, kept);
      assert.equal(fs.readFileSync(out, 'utf8'), [JSON.stringify(header), utf.toString().trimEnd(), huge, msg({ ts: 3 })].join('\n') + '\n');
    });

    it('copies the lines from the files it read them from, and refuses to write one changed behind it', () => {
      const t = new TraceTailer(dir, true);
      const file = path.join(dir, '7-0.jsonl');
      const lines = [msg({ ts: 1 }), msg({ ts: 2, msgId: '7.0.2' }), msg({ ts: 3, msgId: '7.0.3' })];
      fs.writeFileSync(file, lines.join('\n') + '\n');
      t.read();
      t.close();
      const kept = t.lines as RawLines;
      // The run's folder goes at its end: the files stay readable through the descriptors kept.
      fs.rmSync(file);
      const out = path.join(dir, 'out.jsonl');
      writeTrace(out, header, kept);
      assert.equal(fs.readFileSync(out, 'utf8'), [JSON.stringify(header), ...lines].join('\n') + '\n');
      kept.close();
      assert.throws(() => kept.line(0), /closed/);

      // A file cut (or rewritten) after it was read: the trace is not written from it.
      const t2 = new TraceTailer(dir, true);
      fs.writeFileSync(file, lines.join('\n') + '\n');
      t2.read();
      t2.close();
      fs.truncateSync(file, Buffer.byteLength(lines[0]) + 5);
      assert.throws(() => writeTrace(out, header, t2.lines as RawLines), /trace was not written: a trace-channel file was cut after it was read/);
      (t2.lines as RawLines).close();
    });

    it('writes a line that is not valid UTF-8 as its event re-serialised, never as its bytes', () => {
      const t = new TraceTailer(dir, true);
      const bad = Buffer.concat([Buffer.from(msg({ ts: 1 }).slice(0, -1) + ',"summary":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]);
      fs.writeFileSync(path.join(dir, '7-0.jsonl'), bad);
      assert.equal(t.read().length, 1);
      t.close();
      const out = path.join(dir, 'out.jsonl');
      writeTrace(out, header, t.lines as RawLines);
      const bytes = fs.readFileSync(out);
      assert.ok(isUtf8(bytes));
      assert.equal(parseJsonl(bytes.toString()).events.length, 1);
    });

    it('keeps exactly the events the slow path finds, in trace order, on 150 mutated files', () => {
      const r = xorshift32(0x1234567);
      const alphabet = '{}":,.-0123456789e \\tabé';
      for (let round = 0; round < 150; round++) {
        for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f));
        for (const pid of [7, 8]) {
          const lines: string[] = [];
          for (let i = 0; i < 30; i++) {
            let l = i % 7 === 3 ? ev(pid, i) : msg({ ts: Math.floor(r() * 50) + (r() < 0.3 ? 0.25 : 0), pid, msgId: `${pid}.0.${i}` });
            if (r() < 0.3) {
              const at = Math.floor(r() * l.length);
              l = r() < 0.5 ? l.slice(0, at) + l.slice(at + 1) : l.slice(0, at) + alphabet[Math.floor(r() * alphabet.length)] + l.slice(at);
            }
            lines.push(l);
          }
          fs.writeFileSync(path.join(dir, `${pid}-0.jsonl`), lines.join('\n') + '\n');
        }
        const t = new TraceTailer(dir, true, () => undefined);
        t.read();
        t.close();
        const want = plain();
        assert.equal(t.malformed, want.malformed, `round ${round}`);
        const kept = (t.lines as RawLines).events();
        // Equal ts: arrival order differs between the two (read() returns the bytes-only ones never).
        const key = (e: TraceEvent) => `${e.ts} ${JSON.stringify(e)}`;
        assert.deepEqual(kept.map(key).sort(), want.events.map(key).sort(), `round ${round}`);
        assert.ok(kept.every((e, i) => i === 0 || kept[i - 1].ts <= e.ts));
        const out = path.join(dir, 'out.jsonl');
        writeTrace(out, header, t.lines as RawLines);
        const back = parseJsonl(fs.readFileSync(out, 'utf8'));
        assert.equal(back.malformed, 0);
        assert.equal(back.events.length, want.events.length);
        fs.rmSync(out);
      }
    });
  });

  describe('with keepLines: compact lines of hot kinds kept as bytes (CompactShape, src/trace/compact.ts)', () => {
    const header = { kind: 'trace.header' as const, version: 1, tool: 'concurrency-lab' as const, ts: 0 };
    const tpl = (id: number, event: Record<string, unknown>, fields: string[]) => JSON.stringify({ kind: 'trace.template', id, event, fields });
    /** What the slow path (a tailer without keepLines) returns, in trace order. */
    const plain = () => {
      const p = new TraceTailer(dir);
      const events = p.read().sort((a, b) => a.ts - b.ts);
      p.close();
      return { events, malformed: p.malformed };
    };
    /** Writes what t kept to a trace file; returns its text. */
    const written = (t: TraceTailer) => {
      const out = path.join(dir, 'out.jsonl');
      writeTrace(out, header, t.lines as RawLines);
      const text = fs.readFileSync(out, 'utf8');
      fs.rmSync(out);
      return text;
    };

    it("returns a template's first line only, and writes every line as JSON.stringify of its event, byte for byte", () => {
      // A Python sender (msgId `s0.` + n), receiver, a pool's submits (with a loc) and a ThreadPool worker's ends.
      const send = tpl(1, { kind: 'message.send', channel: 'pipe', channelId: 'p7:1', msgId: 's0.', pid: 7 }, ['ts', 'msgId']);
      const submit = tpl(2, { kind: 'task.submit', poolId: '7:1', fn: 'sq\u00e9"x', loc: { file: '/a b/é.py', line: 21 }, pid: 7 }, ['taskId', 'ts']);
      const recv = tpl(1, { kind: 'message.recv', channel: 'pipe', channelId: 'p7:1', msgId: 's0.', pid: 8 }, ['ts', 'msgId']);
      const end = tpl(2, { kind: 'task.end', poolId: '7:1', ok: true, pid: 8, tid: 81 }, ['taskId', 'ts']);
      // > 1 MB written: lines meet the end of the writer's buffer (expanded through length() and copyTo()).
      const n = 6000;
      const a = [send, submit];
      const b = [recv, end];
      for (let i = 0; i < n; i++) {
        a.push(`[1,${1000 + 2 * i},${i + 1}]`, `[2,${i},${1000 + 2 * i}]`);
        b.push(`[1,${1001 + 2 * i},${i + 1}]`, `[2,${i},${1001 + 2 * i}]`);
      }
      fs.writeFileSync(path.join(dir, '7-0.jsonl'), a.join('\n') + '\n');
      fs.writeFileSync(path.join(dir, '8-81.jsonl'), b.join('\n') + '\n');
      const t = new TraceTailer(dir, true);
      const read = t.read();
      assert.deepEqual(read.map((e) => e.kind).sort(), ['message.recv', 'message.send', 'task.end', 'task.submit']);
      assert.equal(t.takeBytesOnly(), 4 * (n - 1));
      assert.deepEqual(t.takeTaskEnds(), [[read.find((e) => e.kind === 'task.end'), n - 1]]);
      assert.deepEqual(t.takeTaskEnds(), []);
      t.close();
      const want = plain();
      assert.equal(t.malformed, 0);
      const kept = t.lines as RawLines;
      assert.equal(kept.size, 4 * n);
      assert.deepEqual(kept.events(), want.events);
      assert.equal(kept.line(1), undefined, "the first line of a template: an event, written as its JSON");
      assert.equal(kept.line(4 * n - 1), JSON.stringify(want.events[4 * n - 1]));
      assert.equal(written(t), [JSON.stringify(header), ...want.events.map((e) => JSON.stringify(e))].join('\n') + '\n');
    });

    it('makes events of the lines of other kinds and of lines it cannot judge from their bytes', () => {
      fs.writeFileSync(
        path.join(dir, '7-0.jsonl'),
        [
          tpl(1, { kind: 'task.start', poolId: '7:1', fn: 'f', pid: 7 }, ['taskId', 'ts']), // a worker's start: the deadlock watch needs each
          '[1,0,10]',
          '[1,1,11]',
          tpl(2, { kind: 'message.send', channel: 'queue', channelId: 'q7:', msgId: 's', pid: 7 }, ['ts', 'channelId']), // a varying channelId
          '[2,12,1]',
          '[2,13,2]',
          tpl(3, { kind: 'wait.end', waitId: 0, outcome: 'ok', pid: 7 }, ['waitId', 'ts']),
          '[3,1,14]',
          '[3,2,15]',
          tpl(4, { kind: 'task.end', poolId: '7:1', ok: true, pid: 7 }, ['taskId', 'ts']),
          '[4,0,16]',
          '[4,1,17]', // kept
          '[4,2,-18]', // negative: JSON.parse and parseEvent refuse it
          '[4,3,19.5]', // a fraction
          '[4,4]', // too few
          tpl(4, { kind: 'task.end', poolId: '7:1', ok: true, pid: 7, tid: 2 }, ['taskId', 'ts']), // id 4 again: a new template
          '[4,5,20]',
          '[4,6,21]', // kept, with the new template's tid
          '',
        ].join('\n'),
      );
      const t = new TraceTailer(dir, true);
      const read = t.read();
      assert.deepEqual(read.map((e) => e.ts), [10, 11, 12, 13, 14, 15, 16, 19.5, 20]);
      assert.equal(t.takeBytesOnly(), 2);
      t.close();
      const want = plain();
      assert.equal(t.malformed, want.malformed);
      assert.equal(t.malformed, 2);
      assert.deepEqual((t.lines as RawLines).events(), want.events);
      assert.equal((want.events.find((e) => e.ts === 21) as { tid?: number }).tid, 2);
      assert.equal(written(t), [JSON.stringify(header), ...want.events.map((e) => JSON.stringify(e))].join('\n') + '\n');
    });

    it('keeps exactly the events the slow path finds, and writes them as it would, on 150 mutated files', () => {
      const r = xorshift32(0x2545f49);
      const alphabet = '[],-0123456789 .e"';
      for (let round = 0; round < 150; round++) {
        for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f));
        for (const pid of [7, 8]) {
          const lines = [tpl(1, { kind: 'message.send', channel: 'pipe', channelId: `p${pid}:1`, msgId: 's1.', pid }, ['ts', 'msgId']), tpl(12, { kind: 'task.end', poolId: '7:1', ok: true, pid }, ['taskId', 'ts'])];
          for (let i = 0; i < 40; i++) {
            let l = r() < 0.5 ? `[1,${Math.floor(r() * 1e6)},${i}]` : `[12,${i},${Math.floor(r() * 1e6)}]`;
            if (r() < 0.3) {
              const at = Math.floor(r() * l.length);
              l = r() < 0.5 ? l.slice(0, at) + l.slice(at + 1) : l.slice(0, at) + alphabet[Math.floor(r() * alphabet.length)] + l.slice(at);
            }
            lines.push(l);
          }
          fs.writeFileSync(path.join(dir, `${pid}-0.jsonl`), lines.join('\n') + '\n');
        }
        const t = new TraceTailer(dir, true);
        t.read();
        t.close();
        const want = plain();
        assert.equal(t.malformed, want.malformed, `round ${round}`);
        const kept = (t.lines as RawLines).events();
        const key = (e: TraceEvent) => `${e.ts} ${JSON.stringify(e)}`;
        assert.deepEqual(kept.map(key).sort(), want.events.map(key).sort(), `round ${round}`);
        const back = written(t).split('\n').slice(1, -1);
        assert.deepEqual(back.sort(), want.events.map((e) => JSON.stringify(e)).sort(), `round ${round}`);
      }
    });
  });
});
