// The trace directory tailer: partial lines across reads, broken and foreign lines among good ones.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TraceTailer } from '../../../src/runner/tail';

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
    assert.deepEqual(events, [
      { kind: 'task.start', poolId: '1:1', fn: 'square', pid: 7, taskId: 0, ts: 100 },
      { kind: 'task.start', poolId: '1:1', fn: 'square', pid: 7, taskId: 1, ts: 101 },
      { kind: 'task.end', poolId: '1:1', ok: true, pid: 8, taskId: 0, ts: 102 },
    ]);
    assert.equal(t.malformed, 1, 'a compact line naming an unknown template');
    for (const e of events) assert.deepEqual(JSON.parse(t.lines?.get(e) as string), e);
    t.close();
  });
});
