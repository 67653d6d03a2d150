// The untrusted-trace fuzzer's short run (the full one: `node test/fuzz/traces.mjs --seed 1 --count 10000`).
// Each mutated trace is opened the way the panel, the webview and `report`/`export` open it.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { baseTraces, makeCase, openEverywhere } from '../../fuzz/traceFuzz';
import { nothingUsable, parseJsonl } from '../../../src/trace/jsonl';

const ROOT = path.resolve(__dirname, '../../..');

describe('untrusted traces (fuzzer, short run)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-fuzz-unit-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('opens or refuses in one line 120 mutated traces, never throws, counts every skipped line', async () => {
    const bases = baseTraces(ROOT);
    const seen = { opened: 0, refused: 0 };
    const crashes: string[] = [];
    for (let index = 0; index < 120; index++) {
      // The 10 MB strings and 20k-event traces are left to the full run: this one stays quick.
      const c = makeCase(bases, 7, index, { cheap: true });
      const file = path.join(dir, `case-${index}.${c.format === 'chrome' ? 'json' : 'jsonl'}`);
      fs.writeFileSync(file, c.bytes);
      const v = await openEverywhere(file, c.format);
      fs.rmSync(file);
      if (v.kind === 'crash') crashes.push(`--seed 7 --index ${index} (${c.mutations.join('+')}): ${v.message}`);
      else seen[v.kind]++;
    }
    assert.deepStrictEqual(crashes, []);
    // Both outcomes happen, or the mutations are too weak (or too strong) to test anything.
    assert.ok(seen.opened > 40 && seen.refused > 0, JSON.stringify(seen));
  });

  it('the same seed makes the same traces', () => {
    const bases = baseTraces(ROOT);
    for (const i of [0, 1, 99]) assert.ok(makeCase(bases, 3, i).bytes.equals(makeCase(bases, 3, i).bytes));
    assert.ok(!makeCase(bases, 3, 0).bytes.equals(makeCase(bases, 4, 0).bytes));
  });

  it('counts every rejected line by its reason and says in one line why nothing is usable', () => {
    const deep = `{"kind":"output","ts":1,"pid":1,"stream":"stdout","text":"x","extra":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const text = ['{"kind":"trace.header","version":1,"tool":"concurrency-lab","ts":1}', '{"kind":"trace.header","version":1,"tool":"concurrency-lab","ts":2}', '{"kind":"process.start","ts":-5,"pid":1,"ppid":0,"name":"M"}', '{"kind":"output","ts":NaN}', deep, '', '  '].join('\n');
    const p = parseJsonl(text);
    assert.deepStrictEqual(p.rejected, { notJson: 1, tooDeep: 1, notEvent: 1, extraHeader: 1 });
    assert.strictEqual(p.malformed, 4);
    assert.strictEqual(nothingUsable(p), 'no trace events found (4 lines skipped: 1 not JSON, 1 nested too deep, 1 not valid events, 1 extra headers)');
    assert.strictEqual(nothingUsable(parseJsonl('')), 'no trace events found (the file is empty)');
  });

  it('rejects events whose known fields have the wrong type or whose fields nest deep', () => {
    const ok = { kind: 'task.submit', ts: 10, pid: 2, poolId: 'p', taskId: 0, fn: 'f' };
    const line = (o: object) => parseJsonl(JSON.stringify(o)).events.length;
    assert.strictEqual(line(ok), 1);
    let deep: unknown = 1;
    for (let i = 0; i < 20; i++) deep = [deep];
    for (const bad of [{ args: { toString: 'x' } }, { loc: { file: 1, line: 2 } }, { loc: 'a.js:1' }, { tid: -1 }, { pid: 1.5 }, { ts: 1e300 }, { extra: deep }]) assert.strictEqual(line({ ...ok, ...bad }), 0, JSON.stringify(bad));
    assert.strictEqual(line({ ...ok, loc: { file: '/a.js', line: 3, column: 4 }, extra: { a: [1] } }), 1);
  });
});
