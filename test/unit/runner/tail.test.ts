// The trace directory tailer: partial lines across reads, broken and foreign lines among good ones.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TraceTailer } from '../../../src/runner/tail';
import { writeTrace } from '../../../src/cli/traceFiles';
import { parseJsonl } from '../../../src/trace/jsonl';

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
    assert.deepEqual(
      events.map((e) => t.lines?.get(e)),
      [ev(7, 1), spaced],
    );
    assert.equal(t.lines?.size, 2);
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
    // (As plain JSON: with keepLines, an event carries where its line is in a symbol-keyed slot.)
    assert.deepEqual(JSON.parse(JSON.stringify(events)), [
      { kind: 'task.start', poolId: '1:1', fn: 'square', pid: 7, taskId: 0, ts: 100 },
      { kind: 'task.start', poolId: '1:1', fn: 'square', pid: 7, taskId: 1, ts: 101 },
      { kind: 'task.end', poolId: '1:1', ok: true, pid: 8, taskId: 0, ts: 102 },
    ]);
    assert.equal(t.malformed, 1, 'a compact line naming an unknown template');
    for (const e of events) assert.deepEqual(JSON.parse(t.lines?.get(e) as string), JSON.parse(JSON.stringify(e)));
    t.close();
  });

  it('reads compact lines of plain integers without JSON.parse, and anything else through it, alike', () => {
    const t = new TraceTailer(dir, true);
    const template = JSON.stringify({ kind: 'trace.template', id: 4, event: { kind: 'task.end', poolId: '1:1', ok: true, pid: 7 }, fields: ['taskId', 'ts'] });
    const lines = [template, '[4,0,100]', '[4,-0,101]', '[4, 2, 102]', '[4,3,1795838772913553]', '[4,4,9007199254740991]', '[4,5,103.5]', '[4,06,104]', '[4,7]', '[4,,105]', '[4,8,106', '[]'];
    fs.writeFileSync(path.join(dir, '7-0.jsonl'), lines.join('\n') + '\n');
    const events = t.read();
    assert.deepEqual(
      events.map((e) => [(e as { taskId: number }).taskId, e.ts]),
      [[0, 100], [-0, 101], [2, 102], [3, 1795838772913553], [4, 9007199254740991], [5, 103.5]],
    );
    assert.ok(Object.is((events[1] as { taskId: number }).taskId, -0));
    assert.equal(t.malformed, 5, 'a leading zero, a missing field, an empty value, a cut line and an empty array');
    for (const e of events) assert.deepEqual(JSON.parse(t.lines?.get(e) as string), JSON.parse(JSON.stringify(e)));
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
    assert.ok(events.every((e, i) => e.ts === i && t.lines?.get(e) === lines[i]));
    const out = path.join(dir, 'out.jsonl');
    const header = { kind: 'trace.header' as const, version: 1, ts: 0 };
    writeTrace(out, header as never, [...events, { kind: 'run.end', ts: 40000, pid: 9, exitCode: 0, signal: null, reason: 'exit' }], t.lines);
    const text = fs.readFileSync(out, 'utf8');
    assert.equal(text, [JSON.stringify(header), ...lines, JSON.stringify({ kind: 'run.end', ts: 40000, pid: 9, exitCode: 0, signal: null, reason: 'exit' })].join('\n') + '\n');
    assert.equal(parseJsonl(text).events.length, 40001);
  });
});
