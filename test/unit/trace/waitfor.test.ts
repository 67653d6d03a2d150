// Who could end an Event's or a Barrier's wait (src/trace/waitfor.ts, the one wait-for graph the
// runner's deadlock watch and the viewer share), on real runs: the viewer's path (the graph fed
// up to a moment, src/webview/layout/waitfor.ts) names the Event's possible setters and the
// Barrier's parties that have not arrived yet.
import { strict as assert } from 'assert';
import * as path from 'path';
import { startRun, type RunContext } from '../../../src/runner';
import type { TraceEvent } from '../../../src/trace/events';
import { TraceModel, type WaitSpan } from '../../../src/trace/model';
import { WaitForGraph } from '../../../src/trace/waitfor';
import { ObjectNames } from '../../../src/webview/layout/waits';
import { WaitForCursor, waitFor, type WaitForEntry } from '../../../src/webview/layout/waitfor';
import { fixture, survivors } from '../runner/helpers';

const ROOT = path.resolve(__dirname, '../../..');

async function run(file: string, context: RunContext): Promise<{ model: TraceModel; events: readonly TraceEvent[] }> {
  const r = await startRun({ file, context, timeoutMs: 45_000 }).done;
  assert.equal(r.summary.exitCode, 0, `exited with ${r.summary.exitCode}`);
  assert.deepEqual(survivors([...new Set(r.events.map((e) => e.pid))]), []);
  // No false alarm: these runs wait, but never all for nothing.
  assert.equal(r.events.filter((e) => e.kind === 'deadlock').length, 0);
  return { model: new TraceModel(r.events), events: [...r.events].sort((a, b) => a.ts - b.ts) };
}

/** The wait-for view at `at`, as the panel computes it. */
function viewAt(model: TraceModel, events: readonly TraceEvent[], at: number): WaitForEntry[] {
  return waitFor(model, new ObjectNames(model), new WaitForCursor().at(events, at), at);
}

const entryOf = (entries: WaitForEntry[], w: WaitSpan) => entries.find((e) => e.wait === w);
const laneName = (model: TraceModel, pid: number, tid?: number) => (tid ? model.processes.get(pid)?.threads.find((t) => t.tid === tid)?.name : model.processes.get(pid)?.name);

for (const context of ['process', 'thread'] as RunContext[]) {
  describe(`wait-for graph: Event and Barrier (${context} context)`, function () {
    this.timeout(60_000);

    it('an Event: the children waiting on it wait for the parent that made it; the parent waiting on another, for the children', async () => {
      const { model, events } = await run(fixture('event-setter.mjs'), context);
      const main = model.roots()[0]!;
      const waits = model.waits.filter((w) => w.op === 'Event.wait');
      const childWaits = waits.filter((w) => w.pid !== main.pid || (w.tid ?? 0) !== 0);
      const mainWait = waits.find((w) => w.pid === main.pid && !w.tid);
      assert.equal(childWaits.length, 2, JSON.stringify(waits));
      assert.ok(mainWait, 'the parent never blocked in done.wait()');
      const children = childWaits.map((w) => laneName(model, w.pid, w.tid)).sort();

      // Both children blocked in go.wait(): only the parent (its maker) could set it.
      const bothWaiting = Math.max(...childWaits.map((w) => w.start));
      assert.ok(childWaits.every((w) => w.end === undefined || w.end > bothWaiting));
      const now = viewAt(model, events, bothWaiting);
      for (const w of childWaits) {
        const e = entryOf(now, w);
        assert.ok(e, `no entry for ${w.pid}`);
        assert.match(e.label, /^Event#1\.wait$/);
        assert.deepEqual(e.satisfiers.map((s) => [s.name, s.role, s.alive]), [[main.name, 'setter', true]]);
      }

      // The parent in done.wait(): either child could set it (they got it as an argument).
      const later = viewAt(model, events, mainWait.start);
      const e = entryOf(later, mainWait)!;
      assert.match(e.label, /^Event#2\.wait$/);
      assert.deepEqual(
        e.satisfiers.map((s) => s.name).sort(),
        children,
      );
      assert.ok(e.satisfiers.every((s) => s.role === 'setter'));
    });

    it('a Barrier: a worker waiting at it waits for the parties that have not arrived, not for the parent', async () => {
      const { model, events } = await run(path.join(ROOT, 'examples/javascript/event-barrier.mjs'), context);
      const main = model.roots()[0]!;
      const workers = [...model.processes.values()].flatMap((p) => [p, ...p.threads]).filter((p) => p.pid !== main.pid || ('tid' in p && p.tid));
      assert.equal(workers.length, 3, workers.map((w) => w.name).join());
      // Workers arrive about 200 ms apart: the first two block until the last one arrives (its own
      // call may block for a moment too, while the barrier releases everyone).
      const barrierWaits = model.waits.filter((w) => w.op === 'Barrier.wait').sort((a, b) => a.start - b.start);
      assert.ok(barrierWaits.length >= 2, JSON.stringify(barrierWaits));
      const [first, second] = barrierWaits as [WaitSpan, WaitSpan];
      assert.ok(first.end! > second.start, 'the first worker had left the barrier before the second arrived');
      const name = (w: WaitSpan) => laneName(model, w.pid, w.tid)!;
      const all = workers.map((w) => w.name);

      const atFirst = entryOf(viewAt(model, events, first.start), first)!;
      assert.match(atFirst.label, /^Barrier#1\.wait$/);
      // The trace knows the barrier's parties: one of 3 had arrived then, two once the second came.
      assert.ok(barrierWaits.every((w) => w.parties === 3), JSON.stringify(barrierWaits));
      assert.deepEqual(atFirst.barrier, { arrived: 1, parties: 3 });
      assert.deepEqual(atFirst.satisfiers.map((s) => s.name).sort(), all.filter((n) => n !== name(first)).sort());
      assert.ok(atFirst.satisfiers.every((s) => s.role === 'party' && s.alive));

      // Once the second arrived, the first waits only for the third.
      const atSecond = entryOf(viewAt(model, events, second.start), first)!;
      assert.deepEqual(atSecond.satisfiers.map((s) => s.name), all.filter((n) => n !== name(first) && n !== name(second)));
      assert.deepEqual(atSecond.barrier, { arrived: 2, parties: 3 });
    });
  });
}

describe('wait-for graph: task ends counted, not fed (the runner keeps their lines as bytes)', () => {
  it('a pool worker whose tasks all ended (taskEnds) is idle: the run is stuck only then', () => {
    const graph = new WaitForGraph();
    const events: TraceEvent[] = [
      { kind: 'process.start', ts: 1, pid: 1, ppid: 0, name: 'MainProcess' },
      { kind: 'process.start', ts: 2, pid: 2, ppid: 1, name: 'PoolWorker-1' },
      { kind: 'task.start', ts: 3, pid: 2, poolId: '1:1', taskId: 0, fn: 'f' },
      { kind: 'task.start', ts: 4, pid: 2, poolId: '1:1', taskId: 1, fn: 'f' },
      { kind: 'task.end', ts: 5, pid: 2, poolId: '1:1', taskId: 0, ok: true },
      // Nobody else uses the queue: this get can never end.
      { kind: 'wait.begin', ts: 6, pid: 1, waitId: 1, op: 'Queue.get', objKind: 'queue', objId: 'q1:1' },
    ];
    for (const e of events) graph.add(e);
    assert.equal(graph.stuck(0), undefined, 'the worker still runs task 1');
    graph.taskEnds(2, undefined, 1);
    assert.deepEqual(graph.stuck(0)?.waits.map((w) => w.op), ['Queue.get']);
    graph.taskEnds(2, undefined, 5); // (never below none)
    graph.add({ kind: 'task.start', ts: 7, pid: 2, poolId: '1:1', taskId: 2, fn: 'f' });
    assert.equal(graph.stuck(0), undefined, 'busy again');
  });
});
