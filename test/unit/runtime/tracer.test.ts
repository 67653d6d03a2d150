// The tracer formats numbers itself (digits straight into its buffer, no strings): check them
// against what the runner decodes, across every digit count up to Number.MAX_SAFE_INTEGER.
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TransportDecoder } from '../../../src/trace/compact';
import { TRACE_DIR_ENV } from '../../../src/trace/channel';

const WRITER = path.join(__dirname, '../../fixtures/tracer/compact-writer.ts');
const WAITS_WRITER = path.join(__dirname, '../../fixtures/tracer/waits-writer.ts');

/** Runs a writer fixture with tracing on; returns the events of its one transport file, decoded as the runner does. */
function runWriter(file: string, arg: string): Array<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-tracer-'));
  try {
    execFileSync(process.execPath, ['-r', 'sucrase/register/ts', file, arg], { env: { ...process.env, [TRACE_DIR_ENV]: dir }, cwd: path.join(__dirname, '../../..') });
    const files = fs.readdirSync(dir);
    assert.equal(files.length, 1);
    const decoder = new TransportDecoder();
    const out: Array<Record<string, unknown>> = [];
    for (const line of fs.readFileSync(path.join(dir, files[0]), 'utf8').split('\n')) {
      if (!line) continue;
      const d = decoder.decode(JSON.parse(line));
      assert.ok(d, `undecodable line ${line}`);
      if (d !== 'template') out.push(d.event as unknown as Record<string, unknown>);
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('runtime tracer', () => {
  it('writes every integer id, argument and µs timestamp exactly (compact lines, decoded as the runner does)', () => {
    const ids: number[] = [];
    for (let i = 0; i < 300; i++) ids.push(i);
    for (let k = 1; k <= 15; k++) ids.push(10 ** k - 1, 10 ** k, 10 ** k + 1, 3 * 10 ** k + 7);
    ids.push(Number.MAX_SAFE_INTEGER, 999_999_999, 1_000_000_000, 1_000_000_001);
    // Timestamps around the 1e9 boundary of the cached high digits, and across 1000 s steps.
    const tss = ids.map((_, i) => 1_795_840_617_000_000 + i * 7_777_777 + (i % 3 === 0 ? 999_999_999 : 0));
    const args = [...ids].reverse();
    // Summaries that are not one integer: JSON text, non-ASCII included.
    const texts = ['(-1.5)', '(true)', '("é", [1, 2])'];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-tracer-'));
    try {
      execFileSync(process.execPath, ['-r', 'sucrase/register/ts', WRITER, JSON.stringify({ ids, args, tss, texts })], {
        env: { ...process.env, [TRACE_DIR_ENV]: dir },
        cwd: path.join(__dirname, '../../..'),
      });
      const files = fs.readdirSync(dir);
      assert.equal(files.length, 1);
      const decoder = new TransportDecoder();
      const got: unknown[] = [];
      for (const line of fs.readFileSync(path.join(dir, files[0]), 'utf8').split('\n')) {
        if (!line) continue;
        const d = decoder.decode(JSON.parse(line));
        assert.ok(d, `undecodable line ${line}`);
        if (d !== 'template') {
          const e = d.event as { kind: string; taskId: number; args?: string; ts: number };
          got.push([e.kind, e.taskId, e.args, e.ts]);
        }
      }
      const before = Date.now() * 1000;
      const timed = got.slice(ids.length * 2) as Array<[string, number, string, number]>;
      assert.deepEqual(
        got.slice(0, ids.length * 2),
        ids.flatMap((id, i) => [
          ['task.submit', id, `(${args[i]})`, tss[i]],
          ['task.start', id, undefined, tss[i]],
        ]),
      );
      assert.deepEqual(
        timed.map(([kind, id, text]) => [kind, id, text]),
        texts.map((text, i) => ['task.submit', i, text]),
      );
      // Written at "now" by the child just before: whole µs since the epoch, within a minute.
      for (const [, , , ts] of timed) assert.ok(Number.isInteger(ts) && ts <= before && ts > before - 60e6, String(ts));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('records objects, waits and compact hold lines that decode to valid events', () => {
    const events = runWriter(WAITS_WRITER, '');
    assert.deepEqual(
      events.map((e) => e.kind),
      ['object.create', 'hold.begin', 'hold.end', 'hold.begin', 'hold.end', 'hold.begin', 'hold.end', 'wait.begin', 'wait.end'],
    );
    const objId = events[0].objId as string;
    assert.match(objId, /^\d+\.0\.1$/);
    for (const e of events.slice(1, 7)) assert.deepEqual([e.objKind, e.objId, e.pid], ['lock', objId, events[0].pid]);
    const ts = events.map((e) => e.ts as number);
    assert.deepEqual([...ts].sort((a, b) => a - b), ts, 'timestamps in order');
    assert.deepEqual([events[7].op, events[7].timeoutMs, events[7].loc, events[8].outcome, events[8].waitId], ['Lock.acquire', 250, { file: '/w/x.mjs', line: 9 }, 'timeout', events[7].waitId]);
  });
});
