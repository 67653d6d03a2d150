// Queues and pipes whose creator dies while its children still use them (#13). Handles only go
// down the tree (as Process arguments), and Python's exit rule keeps a creator that returns
// alive until its non-daemon children are done; so only a creator that dies abnormally
// (process.exit with live children, a kill) leaves holders behind. Those must not hang or lose
// what they were already given: they read what reached them, in order, get a clear error (the
// queue's creator gone, the pipe's EOF) or are stopped with it (parent gone; in the thread
// context Node stops a thread's threads with it), and their ends are in the trace.
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUNDLES } from '../../../src/bundlePaths';
import { unendedThreads } from '../../../src/runner/run';
import { parseJsonl } from '../../../src/trace/jsonl';
import { FIXTURES, runFixture } from './run';

const CLEAR = /has exited; it can no longer be used|the other end of the pipe is closed and nothing is left to read/;

const prefix = (got: number[], what: string) => {
  assert.ok(got.length >= 20, `${what}: the reader recorded ${got.length} before the creator ended`);
  assert.deepEqual(got, Array.from({ length: got.length }, (_, i) => i), `${what}: a prefix of what was sent, in order, each once`);
};

for (const context of ['process', 'thread'] as const) {
  describe(`a Queue and a Pipe whose creator dies (${context} context)`, function () {
    this.timeout(90_000);

    for (const how of ['exit', 'kill'] as const) {
      it(`creator ${how === 'exit' ? 'calls process.exit with readers alive' : 'is SIGKILLed'}: its readers end (a clear error or stopped with it), no hang, nothing twice or out of order`, async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-creator-'));
        try {
          const r = await runFixture('creator_exits.mjs', [dir, how], context, 60000);
          assert.equal(r.code, 0, r.stderr);
          const out = r.json as { main: number; survivors: number[]; ends: Array<string | null>; queue: number[]; pipe: number[] };
          assert.deepEqual(out.survivors, [], 'no reader outlives its creator');
          prefix(out.queue, 'queue');
          prefix(out.pipe, 'pipe');
          for (const e of out.ends) if (e !== null) assert.match(e, CLEAR);
          assert.doesNotMatch(r.stderr, /^\s+at .*dist\/runtime/m, 'no stack from the runtime');
          // A reader's shared word (its prefetch counter) outlived it: the main process, which
          // named the run, swept it at exit although it never touched shared memory itself.
          const left = fs.readdirSync('/dev/shm').filter((f) => f.startsWith(`concurrency-lab-pid${out.main}-`));
          assert.deepEqual(left, [], 'no shared-memory file of the run left');
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    }

    it('under the runner, the trace ends every process and thread of the run (the readers too)', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-creator-'));
      try {
        const trace = path.join(dir, 'run.jsonl');
        const cli = spawn(process.execPath, [path.resolve(__dirname, '../../..', BUNDLES.cli), 'run', path.join(FIXTURES, 'creator_exits.mjs'), '--context', context, '--trace', trace, '--', dir, 'kill'], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        cli.stderr.on('data', (d) => (stderr += d));
        const code = await new Promise((r) => cli.on('close', r));
        assert.equal(code, 0, stderr);
        const { events, malformed } = parseJsonl(fs.readFileSync(trace, 'utf8'));
        assert.equal(malformed, 0);
        const key = (e: { pid: number; tid?: number }) => `${e.pid}:${e.tid ?? 0}`;
        const starts = events.filter((e) => e.kind === (context === 'thread' ? 'thread.start' : 'process.start'));
        const names = starts.map((e) => (e.kind === 'thread.start' || e.kind === 'process.start' ? e.name : ''));
        assert.ok(names.includes('queue-reader') && names.includes('pipe-reader'), names.join(', '));
        const ended = new Set(events.filter((e) => e.kind === (context === 'thread' ? 'thread.exit' : 'process.exit')).map(key));
        for (const s of starts) assert.ok(ended.has(key(s)), `${key(s)} has an end in the trace`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

describe('unendedThreads', () => {
  it('ends a thread whose exit nobody wrote when its nearest ended ancestor did, else at the end', () => {
    const ev = [
      { kind: 'thread.start', ts: 1, pid: 5, tid: 1, name: 'a', parentTid: 0 },
      { kind: 'thread.start', ts: 2, pid: 5, tid: 2, name: 'b', parentTid: 1 },
      { kind: 'thread.start', ts: 3, pid: 5, tid: 3, name: 'c', parentTid: 2 },
      { kind: 'thread.start', ts: 4, pid: 5, tid: 4, name: 'd', parentTid: 0 },
      { kind: 'thread.start', ts: 4, pid: 5, tid: 5, name: 'e', parentTid: 0 },
      { kind: 'thread.exit', ts: 7, pid: 5, tid: 1, exitCode: -9 },
      { kind: 'thread.exit', ts: 8, pid: 5, tid: 5, exitCode: 0 },
    ] as const;
    assert.deepEqual(unendedThreads(ev as never, 99), [
      { kind: 'thread.exit', ts: 7, pid: 5, tid: 2, exitCode: null },
      { kind: 'thread.exit', ts: 7, pid: 5, tid: 3, exitCode: null },
      { kind: 'thread.exit', ts: 99, pid: 5, tid: 4, exitCode: null },
    ]);
  });
});
