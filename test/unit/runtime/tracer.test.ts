// The tracer formats numbers itself (digits straight into its buffer, no strings): check them
// against what the runner decodes, across every digit count up to Number.MAX_SAFE_INTEGER.
import { strict as assert } from 'assert';
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TransportDecoder } from '../../../src/trace/compact';
import { TRACE_DIR_ENV } from '../../../src/trace/channel';

const WRITER = path.join(__dirname, '../../fixtures/tracer/compact-writer.ts');
const WAITS_WRITER = path.join(__dirname, '../../fixtures/tracer/waits-writer.ts');
const LOST_WRITER = path.join(__dirname, '../../fixtures/tracer/lost-writer.ts');

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
  it('a trace it cannot write (file size limit) costs the snippet nothing, is said once on stderr, and counted in the trace once writes succeed again', async function () {
    this.timeout(60000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-tracer-'));
    try {
      const lines = 20000;
      // ulimit -f counts 512-byte blocks in sh: 64 KiB, far less than the first 20000 lines. Only the
      // soft limit, which the process's owner may raise again.
      const child = spawn('sh', ['-c', `ulimit -S -f 128 && exec "${process.execPath}" -r sucrase/register/ts "${LOST_WRITER}" ${lines}`], {
        env: { ...process.env, [TRACE_DIR_ENV]: dir },
        cwd: path.join(__dirname, '../../..'),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      await new Promise<void>((resolve) => child.stdout.on('data', (d) => ((stdout += d), stdout.includes('full') && resolve())));
      // Lift the limit of the running process: its next write succeeds.
      try {
        execFileSync('prlimit', ['--pid', String(child.pid), '--fsize=unlimited:unlimited']);
      } finally {
        child.stdin.end('go\n');
      }
      assert.equal(await closed, 0, stderr);
      const said = stderr.split('\n').filter((l) => l.includes('could not write its trace'));
      assert.equal(said.length, 1, stderr);
      assert.match(said[0], /\(EFBIG\)/);
      const [file] = fs.readdirSync(dir);
      const decoder = new TransportDecoder();
      const ids = new Set<number>();
      let lost: Record<string, unknown> | undefined;
      let malformed = 0;
      for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
        if (!line) continue;
        let d;
        try {
          d = decoder.decode(JSON.parse(line));
        } catch {
          d = undefined;
        }
        if (!d) malformed++;
        else if (d !== 'template' && d.event.kind === 'task.start') ids.add(d.event.taskId as number);
        else if (d !== 'template' && d.event.kind === 'error') lost = d.event as unknown as Record<string, unknown>;
      }
      // At most the one line a short write cut in two is broken.
      assert.ok(malformed <= 1, `${malformed} malformed lines`);
      assert.ok(lost, 'no TRACE_LOST error event');
      assert.equal(lost.code, 'TRACE_LOST');
      const firstKept = [...ids].filter((id) => id < lines).length;
      assert.ok(firstKept > 0 && firstKept < lines, `${firstKept} of the first ${lines} kept`);
      // Every line of the first burst is either in the file or counted lost (a cut one counts as lost).
      assert.equal(firstKept + Number(/^(\d+) /.exec(lost.message as string)?.[1]), lines, lost.message as string);
      // After the gap every line is there, decodable: the template was written again.
      for (let i = lines; i < 2 * lines; i++) assert.ok(ids.has(i), `task ${i} missing after the gap`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

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
