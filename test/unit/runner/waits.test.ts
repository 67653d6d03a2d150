// Waits of every blocking call that is not a lock (docs/trace-format.md, wait.begin/end), through
// the runner in both contexts: a wait for each call that blocked, with its op, object, call site
// and outcome; none for a call that returned at once.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import { startRun, type RunContext } from '../../../src/runner';
import type { TraceEvent, WaitBeginEvent, WaitEndEvent } from '../../../src/trace/events';
import { fixture } from './helpers';

const FILE = fixture('waits.mjs');
/** Line numbers of the `// @name` markers in the fixture. */
const MARKS = new Map<string, number>();
fs.readFileSync(FILE, 'utf8')
  .split('\n')
  .forEach((text, i) => {
    const m = /\/\/ @([\w-]+)/.exec(text);
    if (m) MARKS.set(m[1], i + 1);
  });

function line(mark: string): number {
  const n = MARKS.get(mark);
  if (n === undefined) throw new Error(`no // @${mark} in the fixture`);
  return n;
}

for (const context of ['process', 'thread'] as RunContext[]) {
  describe(`runtime waits through the runner (${context} context)`, function () {
    this.timeout(60000);
    let events: TraceEvent[];
    let begins: WaitBeginEvent[];
    let ends: WaitEndEvent[];

    before(async () => {
      const r = await startRun({ file: FILE, context, timeoutMs: 50000 }).done;
      events = r.events;
      const out = events.filter((e) => e.kind === 'output').map((e) => (e as { text: string }).text).join('');
      assert.equal(r.summary.exitCode, 0, out);
      assert.match(out, /done/);
      assert.equal(r.malformed, 0);
      begins = events.filter((e): e is WaitBeginEvent => e.kind === 'wait.begin');
      ends = events.filter((e): e is WaitEndEvent => e.kind === 'wait.end');
    });

    const at = (mark: string) => begins.filter((w) => w.loc?.file === FILE && w.loc.line === line(mark));
    const endOf = (w: WaitBeginEvent) => ends.find((e) => e.pid === w.pid && (e.tid ?? 0) === (w.tid ?? 0) && e.waitId === w.waitId);
    function one(mark: string, op: string, objKind: string, outcome = 'ok'): WaitBeginEvent {
      const found = at(mark);
      assert.equal(found.length, 1, `one wait at @${mark} (line ${line(mark)}), got ${JSON.stringify(found)}`);
      const w = found[0];
      assert.deepEqual([w.op, w.objKind], [op, objKind], `@${mark}`);
      const end = endOf(w);
      assert.ok(end, `@${mark} ended`);
      assert.equal(end.outcome, outcome, `@${mark} outcome`);
      assert.ok(end.ts >= w.ts);
      return w;
    }

    it('queues: a blocked get (local and remote), a put on a full queue (local and remote), a get that timed out, JoinableQueue.join', () => {
      const qGet = one('get-local', 'Queue.get', 'queue');
      assert.match(qGet.objId, /^q\d/);
      assert.ok(endOf(qGet)!.ts - qGet.ts > 50_000, 'the local get waited for the helper (~150 ms)');
      const remote = one('get-remote', 'Queue.get', 'queue');
      assert.notEqual(remote.objId, qGet.objId);
      one('put-local', 'Queue.put', 'queue');
      one('put-remote', 'Queue.put', 'queue');
      assert.equal(one('get-timeout', 'Queue.get', 'queue', 'timeout').timeoutMs, 50);
      one('join-queue', 'JoinableQueue.join', 'joinableQueue');
    });

    it('pipes: recv on an empty pipe, read where it was made and in another process', () => {
      const local = one('recv-local', 'Connection.recv', 'pipe');
      const remote = one('recv-remote', 'Connection.recv', 'pipe');
      assert.match(local.objId, /^p\d/);
      assert.notEqual(local.objId, remote.objId);
    });

    it('Process.join: the child as object and target; a join that timed out', () => {
      const j = one('join-process', 'Process.join', 'process');
      const child = events.find((e) => e.kind === (context === 'process' ? 'process.start' : 'thread.start') && /^(Process|Thread)-1$/.test((e as { name: string }).name));
      assert.ok(child);
      assert.equal(j.targetPid, child.pid);
      assert.equal(j.objId, context === 'process' ? String(child.pid) : `${child.pid}.${(child as { tid: number }).tid}`);
      assert.equal(one('join-timeout', 'Process.join', 'process', 'timeout').timeoutMs, 20);
      one('join-rest', 'Process.join', 'process');
    });

    it('pools: apply, map, a Promise.all of gets as ONE wait, get with a timeout, wait, join', () => {
      const apply = one('pool-apply', 'Pool.apply', 'asyncResult');
      const poolId = (events.find((e) => e.kind === 'pool.create') as { poolId: string }).poolId;
      assert.equal(apply.objId, `${poolId}/0`);
      assert.equal(one('pool-map', 'Pool.map', 'asyncResult').objId, `${poolId}/1`);
      one('all-gets', 'AsyncResult.get', 'asyncResult');
      one('get-timeout-result', 'AsyncResult.get', 'asyncResult', 'timeout');
      one('result-wait', 'AsyncResult.wait', 'asyncResult');
      assert.equal(one('pool-join', 'Pool.join', 'pool').objId, poolId);
    });

    it('records nothing for calls that returned at once, and every wait has a call site in the snippet', () => {
      const marked = new Set(MARKS.values());
      const stray = begins.filter((w) => !(w.loc && w.loc.file === FILE && marked.has(w.loc.line)));
      assert.deepEqual(stray, []);
      assert.equal(ends.length, begins.length, 'every wait ended');
      assert.deepEqual(events.filter((e) => e.kind === 'deadlock'), [], 'no false deadlock: every wait here ends');
    });
  });
}
