// One behaviour suite, run against both contexts (as CPython runs one suite per start method).
// Each test runs a fixture snippet under plain node (test/fixtures/runtime) and checks what it
// printed and the structure of the trace it wrote. The leak root hook fails any test that
// leaves a process behind.
import { strict as assert } from 'assert';
import type { MessageEvent, PoolCreateEvent, TaskEndEvent, TaskStartEvent, TraceEvent } from '../../../src/trace/events';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, maxOverlap, runFixture, type FixtureRun } from './run';

/** Exists and is not a zombie (an orphan's zombie lingers until its reaper gets to it). */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

function ok(run: FixtureRun): void {
  assert.equal(run.code, 0, `fixture failed (code ${run.code}, signal ${run.signal})\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  assert.equal(run.malformed, 0, 'every trace line is a valid event');
}

interface KindMap {
  'task.start': TaskStartEvent;
  'task.end': TaskEndEvent;
  'task.submit': TraceEvent & { kind: 'task.submit' };
  'message.send': MessageEvent;
  'message.recv': MessageEvent;
  'pool.create': PoolCreateEvent;
  'pool.close': TraceEvent;
  'pool.join': TraceEvent;
  'thread.start': TraceEvent;
  'thread.exit': TraceEvent;
}

function byKind<K extends keyof KindMap>(events: TraceEvent[], kind: K): KindMap[K][] {
  return events.filter((e) => e.kind === kind) as KindMap[K][];
}

/** Task spans from the trace: [start ts, end ts] and the worker (pid/tid) that ran it. */
function taskSpans(events: TraceEvent[]): Array<{ taskId: number; worker: string; span: [number, number]; ok: boolean }> {
  const ends = new Map(byKind(events, 'task.end').map((e: TaskEndEvent) => [e.taskId, e]));
  return byKind(events, 'task.start').map((s: TaskStartEvent) => {
    const end = ends.get(s.taskId);
    assert.ok(end, `task ${s.taskId} has a task.end`);
    assert.equal(end.pid, s.pid, 'a task ends in the worker it started in');
    return { taskId: s.taskId, worker: `${s.pid}/${s.tid ?? 0}`, span: [s.ts, end.ts], ok: end.ok };
  });
}

function matchedMessages(events: TraceEvent[], channel: 'queue' | 'pipe') {
  const sends = byKind(events, 'message.send').filter((e: MessageEvent) => e.channel === channel);
  const recvs = byKind(events, 'message.recv').filter((e: MessageEvent) => e.channel === channel);
  const sent = new Map(sends.map((e) => [`${e.channelId}/${e.msgId}`, e]));
  for (const r of recvs) {
    const s = sent.get(`${r.channelId}/${r.msgId}`);
    assert.ok(s, `recv ${r.msgId} has a matching send`);
    assert.ok(s.ts <= r.ts, 'a message is received after it was sent');
  }
  return { sends, recvs };
}

for (const context of ['process', 'thread'] as const) {
  describe(`runtime (${context} context)`, function () {
    this.timeout(60000);

    it('Process: names, parents and isMainProcess; a child starts its own child', async () => {
      const run = await runFixture('scenarios.mjs', ['identity'], context);
      ok(run);
      const { main, child, got } = run.json;
      assert.deepEqual([main.name, main.parent, main.isMain], ['MainProcess', null, true]);
      const prefix = context === 'process' ? 'Process' : 'Thread';
      assert.equal(child.name, `${prefix}-1`);
      assert.equal(child.exitCode, 0);
      const grand = got.find((g: { level: string }) => g.level === 'grandchild');
      const kid = got.find((g: { level: string }) => g.level === 'child');
      assert.equal(grand.name, `${prefix}-1:1`);
      assert.deepEqual(grand.parent, { name: `${prefix}-1`, pid: child.pid });
      if (context === 'process') {
        // The tree is real: each process is the OS child of the one that started it.
        assert.equal(kid.ppid, main.pid);
        assert.equal(grand.ppid, child.pid);
        assert.notEqual(grand.pid, child.pid);
      } else {
        assert.equal(child.pid, main.pid, 'threads live in the main process');
        assert.equal(byKind(run.events, 'thread.start').length, 2);
        assert.equal(byKind(run.events, 'thread.exit').length, 2);
      }
      assert.equal(kid.grandchildExit, 0);
    });

    it('Pool(3) + 6 applyAsync tasks of 1 s: at most 3 overlap, on exactly 3 workers', async () => {
      const run = await runFixture('pool_seed.mjs', ['async', '1000'], context);
      ok(run);
      const spans = taskSpans(run.events);
      assert.equal(byKind(run.events, 'task.submit').length, 6);
      assert.equal(spans.length, 6);
      assert.ok(spans.every((s) => s.ok));
      assert.equal(maxOverlap(spans.map((s) => s.span)), 3);
      assert.equal(new Set(spans.map((s) => s.worker)).size, 3);
      const [create] = byKind(run.events, 'pool.create');
      assert.equal(create.processes, 3);
      // Source locations point at the snippet's own call sites (the panel jumps there).
      const fixture = path.join(FIXTURES, 'pool_seed.mjs');
      const lines = fs.readFileSync(fixture, 'utf8').split('\n');
      const lineOf = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;
      for (const submit of byKind(run.events, 'task.submit')) {
        assert.deepEqual([submit.loc?.file, submit.loc?.line], [fixture, lineOf('pool.applyAsync(')]);
      }
      assert.deepEqual([create.loc?.file, create.loc?.line], [fixture, lineOf('new Pool(')]);
      assert.deepEqual(
        (['pool.close', 'pool.join'] as const).map((k) => byKind(run.events, k).length),
        [1, 1],
      );
      if (context === 'process') {
        for (const r of run.json.results) assert.equal(r.ppid, run.json.main, 'workers are children of the pool creator');
        assert.ok(spans.every((s) => !s.worker.startsWith(`${run.json.main}/`)));
      }
    });

    it('Pool(3) + 6 awaited apply calls: no two tasks overlap, yet they rotate over all 3 workers', async () => {
      const run = await runFixture('pool_seed.mjs', ['sync', '200'], context);
      ok(run);
      const spans = taskSpans(run.events);
      assert.equal(spans.length, 6);
      assert.equal(maxOverlap(spans.map((s) => s.span)), 1);
      // As the seed's Python output: the longest-idle worker takes the next task.
      assert.equal(new Set(spans.map((s) => s.worker)).size, 3, `workers: ${spans.map((s) => s.worker).join(' ')}`);
    });

    it('Queue seed: 6 puts and 6 gets with matching message ids', async () => {
      const run = await runFixture('queue_seed.mjs', [], context);
      ok(run);
      assert.deepEqual([...run.json.seen].sort(), ['url_1', 'url_2', 'url_3', 'url_4', 'url_5', 'url_6']);
      assert.equal(run.json.readerExit, -15);
      const { sends, recvs } = matchedMessages(run.events, 'queue');
      const urlQueue = sends.find((s) => s.summary === "'url_1'")?.channelId;
      assert.equal(sends.filter((s) => s.channelId === urlQueue).length, 6);
      const fixture = path.join(FIXTURES, 'queue_seed.mjs');
      const putLine = fs.readFileSync(fixture, 'utf8').split('\n').findIndex((l) => l.includes('q.put(url)')) + 1;
      for (const s of sends.filter((e) => e.channelId === urlQueue)) assert.deepEqual([s.loc?.file, s.loc?.line], [fixture, putLine]);
      assert.equal(recvs.filter((s) => s.channelId === urlQueue).length, 6);
    });

    it('Pipe seed: messages both ways, then EOFError after the child closes its end', async () => {
      const run = await runFixture('pipe_seed.mjs', [], context);
      ok(run);
      assert.deepEqual(run.json, { first: ['spam', 42, 'egg'], dict: { name: 'Bob', age: 20 }, ack: 'got ss,pp,aa,mm', eof: 'EOFError', exitCode: 0 });
      const { sends, recvs } = matchedMessages(run.events, 'pipe');
      assert.equal(sends.length, 4);
      assert.equal(recvs.length, 4);
    });

    it('CommonJS snippets work the same (require, module.exports)', async () => {
      const run = await runFixture('commonjs.cjs', [], context);
      ok(run);
      const prefix = context === 'process' ? 'Process' : 'Thread';
      assert.deepEqual(run.json, {
        greeting: `hello cjs from ${prefix}-1`,
        doubled: [2, 4, 6],
        exitCode: 0,
        notExported: 'secret is not exported from commonjs.cjs: add secret to module.exports so child processes can import it',
      });
    });

    it('misuse fails in the parent with advice; uncloneable values name their type', async () => {
      const run = await runFixture('scenarios.mjs', ['misuse'], context);
      ok(run);
      const j = run.json;
      assert.match(j.notExported, /^ProcessError: notExported is not exported from scenarios\.mjs: export function notExported so child processes can import it$/);
      assert.match(j.arrow, /arrow function .* export function target/);
      assert.match(j.bound, /bound function/);
      assert.match(j.notFunction, /must be a function .* got number/);
      assert.match(j.clone, /function greet is not a structured-clone value/);
      assert.match(j.cloneSymbol, /symbol s is not a structured-clone value/);
      assert.match(j.poolClone, /WeakMap is not a structured-clone value/);
      assert.match(j.resultClone, /the result of returnFunction .* function \(anonymous\)/);
      assert.equal(j.twice, 'ProcessError: cannot start a process twice');
      assert.match(j.joinUnstarted, /can only join a started process/);
      assert.match(j.poolNotExported, /export function notExported/);
      assert.match(j.joinRunning, /Pool is still running/);
      assert.match(j.badChunksize, /chunksize must be a positive integer/);
      assert.equal(j.afterClose, 'ProcessError: Pool not running');
      assert.equal(j.children, 0);
    });

    it('Pool API: apply, map (default and explicit chunksize), starmap, imap, imapUnordered, initializer, callbacks, timeouts', async () => {
      const run = await runFixture('scenarios.mjs', ['pool'], context);
      ok(run);
      const j = run.json;
      assert.equal(j.apply, 5);
      assert.equal(j.applyAsync, 49);
      assert.deepEqual([j.ready, j.successful], [true, true]);
      assert.deepEqual(j.map, [1, 4, 9, 16, 25, 36, 49, 64, 81, 100]);
      assert.deepEqual(j.mapChunk3, [1, 4, 9, 16, 25, 36, 49]);
      assert.deepEqual(j.mapEmpty, []);
      assert.deepEqual(j.starmap, [3, 7]);
      assert.equal(j.init, 'yes');
      assert.deepEqual(j.cloned, { m: 'a', s: [1, 2], d: 0, b: '100000000000000000000', t: [1, 2, 3] });
      assert.deepEqual(j.imap, [60, 10, 30]);
      assert.deepEqual(j.imapUnordered, [10, 300]);
      assert.deepEqual(j.callback, [9]);
      assert.equal(j.notReady, 'result is not ready');
      assert.equal(j.timeout, 'TimeoutError: timed out after 20 ms');
      assert.equal(j.waitTimeout, false);
      assert.equal(j.chunks, 13, "Python's rule: ceil(100 / (2 workers * 4))");
      assert.deepEqual(j.packedMap, { exact: true, plainArray: true, mixedLast: 9, mixedExact: true });
      assert.deepEqual(j.mapChunks, { order: true, fromGen: true, mixed: true, error: 'RangeError: no 2999', imap: true });
    });

    it("errors thrown in a child keep their name, message and the child's stack", async () => {
      const run = await runFixture('scenarios.mjs', ['errors'], context);
      ok(run);
      const { custom, type } = run.json;
      assert.deepEqual([custom.name, custom.message, custom.isError], ['CustomError', 'boom', true]);
      assert.match(custom.stack, /^CustomError: boom\n\s+at fail \(.*scenarios\.mjs:\d+:\d+\)/);
      assert.deepEqual([type.name, type.isTypeError], ['TypeError', true]);
      assert.match(type.stack, /at throwType/);
      assert.doesNotMatch(custom.stack, /dist\/runtime/, 'our own frames are not shown');
      assert.equal(run.json.errorCallback, 'cb');
      assert.equal(run.json.processExit, 1);
      assert.match(run.stderr, /Process .*-\d+:\nCustomError: in process\n\s+at fail/);
      const failed = byKind(run.events, 'task.end').filter((e) => !e.ok);
      assert.ok(failed.some((e) => e.error === 'boom'));
    });

    it('a worker dying mid-task rejects that task with BrokenPoolError and is replaced; maxTasksPerChild retires workers', async () => {
      const run = await runFixture('scenarios.mjs', ['broken'], context);
      ok(run);
      const j = run.json;
      const worker = context === 'process' ? 'PoolWorker' : 'PoolThread';
      assert.match(j.exit, new RegExp(`^BrokenPoolError: ${worker}-\\d+ \\(pid \\d+\\) died \\(exit code 3\\) while running task \\d+ exitNow\\(3\\); the pool replaced it$`));
      assert.match(j.uncaught, /^BrokenPoolError: .* died \(exit code 1\) while running task \d+ throwLater\(\)/);
      if (context === 'process') assert.match(j.sigkill, /died \(signal SIGKILL\) while running task \d+ killSelf\(\)/);
      assert.deepEqual(j.after, [1, 4, 9, 16]);
      assert.equal(j.workers, 2, 'the pool is back to full size');
      assert.equal(j.maxTasksIds, 3, '6 tasks, 2 per child: 3 workers in turn');
      assert.equal(new Set(j.maxTasksNames).size, 3);
    });

    if (context === 'process') {
      it('killing a process leaves its children running as orphans (as Python), until the main process ends', async () => {
        const run = await runFixture('scenarios.mjs', ['cascade'], context);
        ok(run);
        assert.equal(run.json.childExit, -9);
        assert.equal(run.json.grandchildAlive, true, 'the orphan goes on after its parent is killed');
        // runFixture returns once every holder of the fixture's stdio has closed it: the orphan
        // ended with the main process (it watches it), as nothing may outlive the run.
        assert.equal(running(run.json.grandchild), false, 'the orphan ended with the main process');
        assert.equal(run.stderr, '', 'an orphan ends quietly with the run');
      });

      it('a SIGKILLed main process leaves no children, grandchildren or pool workers behind', async () => {
        const child = spawn(process.execPath, [path.join(FIXTURES, 'scenarios.mjs'), 'orphanable'], { stdio: ['ignore', 'pipe', 'inherit'] });
        const line = await new Promise<string>((resolve) => child.stdout.on('data', (d: Buffer) => resolve(String(d))));
        assert.ok(JSON.parse(line).ready);
        child.kill('SIGKILL');
        await new Promise((r) => child.on('close', r));
        // The leak root hook fails this test if anything it started is still alive after a grace period.
      });
    }

    it('an initializer that throws breaks the pool with BrokenPoolError instead of respawning forever', async () => {
      const run = await runFixture('scenarios.mjs', ['initfail'], context);
      ok(run);
      assert.equal(run.json.first, 'BrokenPoolError: pool initializer badInit failed: no database');
      assert.equal(run.json.later, 'BrokenPoolError: pool initializer badInit failed: no database');
    });

    it('an idle pool that is never closed lets the process exit and its workers go with it', async () => {
      const run = await runFixture('scenarios.mjs', ['idle'], context, 15000);
      ok(run);
      assert.deepEqual(run.json, { value: 81, workers: 2 });
    });

    it('join(timeout), terminate() → -15, kill() → -9, daemon children and pool.terminate()', async () => {
      const run = await runFixture('scenarios.mjs', ['lifecycle'], context);
      ok(run);
      const j = run.json;
      assert.deepEqual([j.aliveBefore, j.aliveAfterJoinTimeout, j.terminated, j.killed], [true, true, -15, -9]);
      assert.match(j.terminatedTask, /the pool was terminated before task 0 forever\(\) finished/);
      // The daemon child (still running when main ended) must be gone: the leak hook checks it.
    });

    it('Queue/JoinableQueue/Pipe: Full, Empty, timeouts, blocking puts across processes, EOFError, simplex misuse', async () => {
      const run = await runFixture('scenarios.mjs', ['queues'], context);
      ok(run);
      assert.deepEqual(run.json, {
        full: true,
        putNowaitFull: 'Full',
        putTimeout: 'Full',
        qsize: 2,
        got: [1, 2],
        getNowaitEmpty: 'Empty',
        getTimeout: 'Empty',
        empty: true,
        bounded: [['p', 0], ['p', 1], ['p', 2], ['p', 3], ['p', 4]],
        joined: 0,
        tooMany: 'taskDone() called too many times',
        pollEmpty: false,
        pollSoon: true,
        echo: { x: [1, 2] },
        echoExit: 0,
        simplexSend: 'connection is read-only (the first end of Pipe(false) only receives)',
        simplexRecv: 'connection is write-only (the second end of Pipe(false) only sends)',
        simplex: ['one', 'EOFError'],
        putUncloneable: 'a queue item cannot be sent to another process: WeakSet is not a structured-clone value (send plain data: objects, arrays, Map, Set, Date, BigInt, typed arrays)',
      });
    });

    it("after join(), a producer's items are all queued ahead of anything put later", async () => {
      const run = await runFixture('scenarios.mjs', ['afterJoin'], context);
      ok(run);
      assert.deepEqual(run.json, { beforeEnd: 2000 });
    });

    // The bar is for processes; threads share one event loop for the queue's owner and
    // would only make the suite slower, so they run a fifth of it.
    const perProducer = context === 'process' ? 25000 : 5000;
    it(`4 producers x 4 consumers x ${perProducer} items: each arrives exactly once, in producer order`, async function () {
      this.timeout(120000);
      const run = await runFixture('scenarios.mjs', ['lossless', String(perProducer)], context, 110000);
      ok(run);
      assert.equal(run.json.total, 4 * perProducer);
      assert.deepEqual(run.json.exits, [0, 0, 0, 0, 0, 0, 0, 0], 'consumers check per-producer order and fail otherwise');
    });
  });
}
