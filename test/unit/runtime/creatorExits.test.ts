// Queues and pipes whose creator dies while other processes still use them (#13). Handles only
// go down the tree (as Process arguments), and Python's exit rule keeps a creator that returns
// alive until its non-daemon children are done; so only a creator that dies abnormally
// (process.exit with live children, a kill) leaves holders behind.
// - Process context: a queue or pipe made in a child is hosted by the run's root (the main
//   process), so it outlives its creator, and the holders go on as orphans (as in Python): they
//   exchange everything, exactly once, in order — the creator's resolved puts included — then end;
//   nothing is left running.
// - Thread context: Node stops a thread's threads with it, so the holders end with the creator:
//   they read what reached them, in order, get a clear error or are stopped, and never hang.
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUNDLES } from '../../../src/bundlePaths';
import { unendedThreads } from '../../../src/runner/run';
import { parseJsonl } from '../../../src/trace/jsonl';
import type { TraceEvent } from '../../../src/trace/events';
import { FIXTURES, runFixture } from './run';

const CLEAR = /has exited; it can no longer be used|the other end of the pipe is closed and nothing is left to read/;

const prefix = (got: number[], what: string) => {
  assert.ok(got.length >= 20, `${what}: the reader recorded ${got.length} before the creator ended`);
  assert.deepEqual(got, Array.from({ length: got.length }, (_, i) => i), `${what}: a prefix of what was sent, in order, each once`);
};

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Exists and is not a zombie. */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

interface Shape {
  creatorItems: number;
  endAfter: number;
  creatorMsgs: number;
  producerItems: number;
  producerMsgs: number;
  joinItems: number;
}
interface Tagged {
  s: 'c' | 'g';
  i: number;
}
interface Outcome {
  shape: Shape;
  creatorExit: number;
  kids: number[];
  survivors: number[];
  resolved: number[];
  queue: Tagged[];
  pipe: Tagged[];
  joinable: number[];
  joined: boolean;
  pipeEnd: string | null;
}

describe('a Queue, a JoinableQueue and a Pipe made in a child outlive it (process context)', function () {
  this.timeout(120_000);

  // Seeded: each seed is one shape (item counts, the moment the creator ends), the same every run.
  for (const how of ['kill', 'exit'] as const) {
    for (const seed of [1, 2, 3]) {
      it(`creator ${how === 'kill' ? 'SIGKILLed' : 'calls process.exit()'} mid-stream (seed ${seed}): the orphaned holders exchange every item exactly once, in order, and end`, async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-creator-'));
        try {
          const r = await runFixture('creator_dies.mjs', [dir, how, String(seed)], 'process', 110_000);
          assert.equal(r.code, 0, r.stderr);
          assert.equal(r.malformed, 0);
          const o = r.json as Outcome;
          try {
            check(o, r.events);
          } catch (err) {
            // What the processes said (a holder's error, if one failed) goes with the failure.
            (err as Error).message += `\nstderr of the run:\n${r.stderr}`;
            throw err;
          }
          assert.doesNotMatch(r.stderr, /^\s+at .*dist\/runtime/m, 'no stack from the runtime');
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }

        function check(o: Outcome, events: TraceEvent[]): void {
          assert.equal(o.creatorExit, how === 'kill' ? -9 : 0);
          assert.deepEqual(o.survivors, [], 'the holders ended on their own');
          for (const pid of o.kids) assert.equal(running(pid), false, `holder ${pid} left running`);
          const of = (list: Tagged[], who: 'c' | 'g') => list.filter((x) => x.s === who).map((x) => x.i);
          // The creator's items: every put that resolved before it died is read, exactly once and
          // in order; at most the one put in progress at the kill may have gone through too.
          const mine = of(o.queue, 'c');
          assert.deepEqual(mine, upTo(mine.length), 'the creator\'s items in order, each once');
          assert.ok(o.resolved.length >= o.shape.endAfter, `${o.resolved.length} puts resolved before the end`);
          assert.ok(mine.length >= o.resolved.length, `${o.resolved.length} puts resolved, ${mine.length} read: one was lost`);
          assert.ok(mine.length <= o.resolved.length + 1, `${mine.length} read for ${o.resolved.length} resolved`);
          if (how === 'exit') assert.equal(mine.length, o.resolved.length);
          assert.deepEqual(of(o.queue, 'g'), upTo(o.shape.producerItems), 'the surviving producer\'s items, all, in order, once');
          // The pipe: the creator's messages (sent before it died) and the producer's (half of
          // them after), all in order; then EOF once both writers are gone.
          assert.deepEqual(of(o.pipe, 'c'), upTo(o.shape.creatorMsgs), 'the creator\'s pipe messages');
          assert.deepEqual(of(o.pipe, 'g'), upTo(o.shape.producerMsgs), 'the producer\'s pipe messages');
          assert.match(o.pipeEnd ?? '', /^EOFError: /);
          // The JoinableQueue: every item taken and marked done, and join() returned.
          assert.deepEqual(o.joinable, upTo(o.shape.joinItems), 'the JoinableQueue\'s items');
          assert.equal(o.joined, true);
          // An orphan's parent is not there to write its end in the trace: it writes its own.
          const ends = new Map(events.filter((e) => e.kind === 'process.exit').map((e) => [e.pid, e.kind === 'process.exit' ? e.exitCode : undefined]));
          for (const pid of o.kids) assert.equal(ends.get(pid), 0, `holder ${pid}'s end (exit code 0) is in the trace`);
        }
      });
    }
  }

  it('under the runner, the trace ends every process of the run (the orphans too)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-creator-'));
    try {
      const trace = path.join(dir, 'run.jsonl');
      const cli = spawn(process.execPath, [path.resolve(__dirname, '../../..', BUNDLES.cli), 'run', path.join(FIXTURES, 'creator_dies.mjs'), '--trace', trace, '--', dir, 'kill', '4'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      cli.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise((r) => cli.on('close', r));
      assert.equal(code, 0, stderr);
      const { events, malformed } = parseJsonl(fs.readFileSync(trace, 'utf8'));
      assert.equal(malformed, 0);
      const starts = events.filter((e) => e.kind === 'process.start');
      const names = starts.map((e) => (e.kind === 'process.start' ? e.name : ''));
      assert.ok(names.includes('producer') && names.includes('consumer'), names.join(', '));
      const ended = new Map(events.filter((e) => e.kind === 'process.exit').map((e) => [e.pid, e]));
      for (const s of starts) assert.ok(ended.has(s.pid), `${s.pid} has an end in the trace`);
      // The orphans ended on their own (exit code 0), not at the run's end (exitCode null).
      for (const s of starts.filter((e) => e.kind === 'process.start' && (e.name === 'producer' || e.name === 'consumer'))) {
        const end = ended.get(s.pid);
        assert.equal(end && end.kind === 'process.exit' ? end.exitCode : undefined, 0);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

for (const context of ['thread'] as const) {
  describe(`a Queue and a Pipe whose creator dies (${context} context)`, function () {
    this.timeout(90_000);

    for (const how of ['exit', 'kill'] as const) {
      it(`creator ${how === 'exit' ? 'calls process.exit with readers alive' : 'is SIGKILLed'}: its readers end (a clear error or stopped with it), no hang, nothing twice or out of order`, async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-creator-'));
        try {
          const r = await runFixture('creator_exits.mjs', [dir, how], context, 60000);
          assert.equal(r.code, 0, r.stderr);
          const out = r.json as { main: number; survivors: number[]; ends: Array<string | null>; queue: number[]; pipe: number[] };
          assert.deepEqual(out.survivors, [], 'no reader outlives its creator (Node stops a thread\'s threads)');
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
