// Python pools, messages and threads under the runner: the seed's own Pool, Queue and Pipe
// scripts (unchanged), every start method, and the ways workers end. Checked on the trace model
// the panel draws from (task spans, message arrows, threads).
import { strict as assert } from 'assert';
import type { RunResult } from '../../../src/runner';
import { TraceModel, type MessageArrow, type TaskSpan } from '../../../src/trace/model';
import { outputOf, runPy, treeShape } from './pythonHelpers';

const model = (r: RunResult) => new TraceModel(r.events);

/** Most tasks running at one instant. */
function maxOverlap(tasks: TaskSpan[]): number {
  const edges = tasks.flatMap((t) => [
    [t.start ?? 0, 1],
    [t.end ?? Infinity, -1],
  ]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (now += d));
  return max;
}

const complete = (m: MessageArrow) => m.fromPid !== undefined && m.toPid !== undefined && (m.sendTs ?? Infinity) <= (m.recvTs ?? -Infinity);

describe('runner: Python pools, messages, threads', function () {
  this.timeout(90000);

  it("the seed's Pool(3) + 6 x apply_async: at most 3 overlapping tasks on exactly 3 worker pids, tasks 3-5 on pids already used", async () => {
    const r = await runPy('seed-pool-apply-async.py').done;
    assert.equal(r.summary.exitCode, 0);
    const m = model(r);
    const tasks = [...m.tasks].sort((a, b) => a.taskId - b.taskId);
    assert.equal(tasks.length, 6);
    assert.deepEqual(
      tasks.map((t) => [t.fn, t.args, t.ok]),
      [0, 1, 2, 3, 4, 5].map((i) => ['run_task', `(${i})`, true]),
    );
    const main = r.summary.processes[0].pid;
    assert.ok(tasks.every((t) => t.submitPid === main && t.pid !== main));
    const workers = new Set(tasks.map((t) => t.pid));
    assert.equal(workers.size, 3);
    for (const t of tasks.slice(3)) assert.ok(tasks.slice(0, 3).some((u) => u.pid === t.pid), `task ${t.taskId} on a reused worker`);
    assert.ok(maxOverlap(tasks) <= 3);
    assert.equal(maxOverlap(tasks.slice(0, 3)), 3, 'the first three run together');
    const workerProcs = r.summary.processes.filter((p) => workers.has(p.pid));
    assert.ok(workerProcs.every((p) => p.ppid === main && /PoolWorker-\d/.test(p.name)));
    assert.deepEqual(
      r.events.filter((e) => e.kind.startsWith('pool.')).map((e) => e.kind),
      ['pool.create', 'pool.close', 'pool.join'],
    );
  });

  it("the seed's apply: one task at a time, in order", async () => {
    const r = await runPy('seed-pool-apply.py').done;
    const tasks = [...model(r).tasks].sort((a, b) => a.taskId - b.taskId);
    assert.equal(tasks.length, 6);
    assert.equal(maxOverlap(tasks), 1);
    for (let i = 1; i < tasks.length; i++) assert.ok((tasks[i].start ?? 0) >= (tasks[i - 1].end ?? Infinity));
  });

  it("the seed's Queue: two writers, one reader, every put matched to its get by msgId, the reader ended by terminate() (SIGTERM)", async () => {
    const r = await runPy('seed-queue.py').done;
    assert.equal(r.summary.exitCode, 0);
    const arrows = model(r).messages;
    assert.equal(arrows.length, 6);
    assert.ok(arrows.every(complete), 'every put has its get');
    assert.ok(arrows.every((a) => a.channel === 'queue' && a.channelId === arrows[0].channelId));
    assert.deepEqual(arrows.map((a) => a.summary).sort(), ["'url_1'", "'url_2'", "'url_3'", "'url_4'", "'url_5'", "'url_6'"]);
    const writers = new Set(arrows.map((a) => a.fromPid));
    const readers = new Set(arrows.map((a) => a.toPid));
    assert.equal(writers.size, 2);
    assert.equal(readers.size, 1);
    const reader = r.summary.processes.find((p) => readers.has(p.pid));
    assert.deepEqual([reader?.exitCode, reader?.signal], [null, 'SIGTERM']);
    assert.ok(r.summary.processes.filter((p) => writers.has(p.pid)).every((p) => p.exitCode === 0));
  });

  it("the seed's Pipe and duplex Pipe: every send matched to its recv, in both directions; the receiver got the object", async () => {
    const one = await runPy('seed-pipe.py').done;
    const a = model(one).messages;
    assert.equal(a.length, 1);
    assert.ok(complete(a[0]));
    assert.equal(a[0].summary, "['spam', 42, 'egg']");
    assert.match(outputOf(one.events, one.summary.processes[0].pid), /con2 got: \['spam', 42, 'egg'\]/);
    const duplex = await runPy('seed-pipe-duplex.py').done;
    const d = model(duplex).messages;
    assert.equal(d.length, 2);
    assert.ok(d.every(complete));
    assert.equal(d[0].channelId, d[1].channelId);
    assert.deepEqual([d[0].fromPid, d[0].toPid], [d[1].toPid, d[1].fromPid], 'one each way');
    assert.match(outputOf(duplex.events, d[0].fromPid ?? 0), /talker got: \{'/);
  });

  for (const method of ['fork', 'spawn', 'forkserver']) {
    it(`${method}: Queue, SimpleQueue, JoinableQueue and a duplex Pipe passed to children deliver exactly what was sent, each an arrow`, async () => {
      let out = '';
      const r = await runPy('messages.py', { args: [method], onOutput: (_s, c) => (out += c.toString()) }).done;
      assert.equal(r.summary.exitCode, 0, out);
      assert.match(out, /all received exactly/);
      const arrows = model(r).messages;
      assert.equal(arrows.length, 6 * 3 + 6 * 2 + 1);
      assert.ok(arrows.every(complete));
      assert.equal(new Set(arrows.map((x) => x.channelId)).size, 4);
    });
  }

  for (const method of ['fork', 'spawn']) {
    it(`${method}: messages matched by their order in the channel — a pipe end passed to a child, both directions, an end two processes send on, an end two processes receive on, queues with 2 producers + 2 consumers`, async () => {
      let out = '';
      const r = await runPy('matching.py', { args: [method], onOutput: (_s, c) => (out += c.toString()) }).done;
      assert.equal(r.summary.exitCode, 0, out);
      assert.match(out, /done/);
      const sends = new Map<string, number>();
      const recvs = new Map<string, number>();
      for (const e of r.events) {
        if (e.kind !== 'message.send' && e.kind !== 'message.recv') continue;
        const key = `${e.channelId} ${e.msgId}`;
        const seen = e.kind === 'message.send' ? sends : recvs;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      // 10 duplex + 5 one-way + 20 from four senders + 12 to two readers + 3 queues x 16 + 600.
      assert.equal(sends.size, 695);
      for (const [key, n] of sends) assert.equal([n, recvs.get(key)].join(), '1,1', `${key}: sent ${n}, received ${recvs.get(key) ?? 0} times`);
      assert.equal(recvs.size, sends.size, 'no receive without its send');
      const arrows = model(r).messages;
      assert.ok(arrows.every(complete));
      // Each arrow joins the right send to the right receive: in each receiving process, the
      // arrows in receive order carry the summaries of what that process printed it got.
      const receivers = new Set(arrows.map((a) => a.toPid ?? 0));
      let checked = 0;
      for (const pid of receivers) {
        const got = [...outputOf(r.events, pid).matchAll(/^got (.*)$/gm)].map((m) => m[1]);
        const summaries = arrows
          .filter((a) => a.toPid === pid && a.summary !== undefined && !a.summary.startsWith("'many"))
          .sort((a, b) => (a.recvTs ?? 0) - (b.recvTs ?? 0))
          .map((a) => a.summary);
        assert.deepEqual(summaries, got, `receiver ${pid}`);
        checked += got.length;
      }
      assert.equal(checked, 95);
      // Most of the 600 'many' messages carry no summary (the first 16 of each sender do).
      assert.ok(arrows.filter((a) => a.summary === undefined).length >= 500);
    });
  }

  it('map (chunks), map_async, imap, imap_unordered, starmap, apply, a failing task, and threads (a ThreadPool in a thread)', async () => {
    let out = '';
    const r = await runPy('pool-ops.py', { args: ['spawn'], onOutput: (_s, c) => (out += c.toString()) }).done;
    assert.equal(r.summary.exitCode, 0, out);
    const m = model(r);
    const main = r.summary.processes[0].pid;
    const procTasks = m.tasks.filter((t) => !t.poolId.includes('.'));
    assert.deepEqual(
      procTasks.map((t) => `${t.fn}${t.args}`).sort(),
      ['add(1, 2)', 'add(3, 4)', 'add(5, 6)', 'fail(7)', 'square(0)', 'square(0)', 'square(1)', 'square(1)', 'square(1)', 'square(2)', 'square(2)', 'square(2)', 'square(5 items)', 'square(5 items)'].sort(),
    );
    assert.ok(procTasks.every((t) => t.pid !== undefined && t.pid !== main && t.end !== undefined));
    const failed = procTasks.find((t) => t.fn === 'fail');
    assert.deepEqual([failed?.ok, failed?.error], [false, 'ValueError: bad 7']);
    const helper = m.processes.get(main)?.threads.find((t) => t.name === 'helper');
    assert.ok(helper && helper.end !== undefined, 'the helper thread starts and ends');
    const threadTasks = m.tasks.filter((t) => t.poolId.includes('.'));
    assert.equal(threadTasks.length, 4);
    assert.ok(threadTasks.every((t) => t.pid === main && (t.tid ?? 0) > 0 && t.tid !== helper.tid));
    // Only the user's threads: no pool handler or queue feeder threads.
    const names = m.processes.get(main)?.threads.map((t) => t.name) ?? [];
    assert.equal(names.length, 3, names.join(', '));
  });

  it('a worker killed by SIGKILL mid-task keeps its task.start; Pool.terminate() ends the rest with SIGTERM', async () => {
    const r = await runPy('pool-kill.py').done;
    assert.equal(r.summary.exitCode, 0);
    const m = model(r);
    const die = m.tasks.find((t) => t.fn === 'die');
    assert.ok(die?.start !== undefined && die.end === undefined);
    const victim = r.summary.processes.find((p) => p.pid === die.pid);
    assert.deepEqual([victim?.exitCode, victim?.signal], [null, 'SIGKILL']);
    const slow = m.tasks.filter((t) => t.fn === 'slow');
    assert.equal(slow.length, 2);
    for (const t of slow) assert.equal(r.summary.processes.find((p) => p.pid === t.pid)?.signal, 'SIGTERM');
    assert.ok(r.events.some((e) => e.kind === 'pool.terminate'));
    assert.deepEqual(treeShape(r).filter((n) => n.includes('PoolWorker')).length, 3, 'the killed worker was replaced');
  });

  it('Pool.terminate() right after the last result loses no task.end (a worker blocked on the task queue writes it first)', async () => {
    // 10 rounds of Pool(2) × 40 tiny tasks, terminated as soon as every result is in.
    const r = await runPy('pool-terminate-ends.py', { args: ['10'] }).done;
    assert.equal(r.summary.exitCode, 0);
    const m = model(r);
    assert.equal(m.tasks.length, 400);
    const open = m.tasks.filter((t) => t.end === undefined);
    assert.deepEqual(open.map((t) => `${t.poolId}#${t.taskId}`), [], 'tasks whose task.end was lost');
  });
});
