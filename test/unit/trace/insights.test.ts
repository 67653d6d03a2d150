// Run insights (src/trace/insights.ts) on real runs of the seed examples: the numbers match each
// example's known structure; and the plain-language lines exist in English and Chinese.
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUNDLES } from '../../../src/bundlePaths';
import { startRun } from '../../../src/runner';
import { templatePath, type ExampleId } from '../../../src/scaffold/catalogue';
import { TraceModel } from '../../../src/trace/model';
import { pythonPath } from '../runner/pythonHelpers';
import { computeInsights, describeInsights, formatDuration, insightLines, INSIGHTS_STRINGS, type RunInsights } from '../../../src/trace/insights';
import { parseHeader, type TraceEvent } from '../../../src/trace/events';

const ROOT = path.resolve(__dirname, '../../..');

async function insightsOf(id: ExampleId, language: 'javascript' | 'python' = 'javascript'): Promise<{ ins: RunInsights; model: TraceModel }> {
  const r = await startRun({ file: path.join(ROOT, templatePath(id, language)), timeoutMs: 45_000, pythonPath }).done;
  assert.strictEqual(r.summary.exitCode, 0, `${id} exited with ${r.summary.exitCode}`);
  const model = new TraceModel(r.events);
  return { ins: computeInsights(model, 2), model };
}

describe('run insights of the seed examples', function () {
  this.timeout(60_000);

  it('pool-apply-async: 6 tasks on 3 workers, at most 3 at once, tasks 3–5 waited for a free worker; main waits in Pool.join', async () => {
    const { ins, model } = await insightsOf('pool-apply-async');
    assert.strictEqual(ins.tasks, 6);
    assert.strictEqual(ins.workers, 3);
    assert.strictEqual(ins.maxConcurrency, 3);
    assert.deepStrictEqual(ins.queuedTaskIds, [3, 4, 5]);
    // They waited for a 1 s task to end (give or take the machine's load).
    assert.ok(ins.longestQueue > 500_000, `longest queue ${formatDuration(ins.longestQueue)}`);
    const main = ins.lanes.find((l) => l.pid === model.roots()[0]!.pid && l.tid === undefined)!;
    assert.strictEqual(main.mostWaitedOp, 'Pool.join');
    // Each worker ran 2 tasks of 1 s; parallelism is all lanes' computing time over the run's.
    for (const w of ins.lanes.filter((l) => l.idle > 0 || l.name.startsWith('PoolWorker'))) assert.ok(w.computing >= 1_900_000, `${w.name} computed ${formatDuration(w.computing)}`);
    const busy = ins.lanes.reduce((sum, l) => sum + l.computing, 0);
    assert.ok(Math.abs(ins.parallelism - busy / ins.duration) < 1e-9);
    assert.ok(ins.parallelism * ins.duration >= 3 * 1_900_000, `parallelism ${ins.parallelism}`);
    const text = describeInsights(ins).join('\n');
    assert.match(text, /6 tasks on 3 workers; at most 3 ran at once\./);
    assert.match(text, /Tasks 3–5 waited up to \d+(\.\d)? m?s for a free worker\./);
  });

  it('pool-apply: at most 1 task at a time, none waited for a worker', async () => {
    const { ins } = await insightsOf('pool-apply');
    assert.strictEqual(ins.tasks, 6);
    assert.strictEqual(ins.maxConcurrency, 1);
    assert.deepStrictEqual(ins.queuedTaskIds, []);
    assert.match(describeInsights(ins).join('\n'), /No task waited for a free worker\./);
  });

  it('Python pool-apply-async: the same numbers, and the main process waits in Pool.join', async () => {
    const { ins, model } = await insightsOf('pool-apply-async', 'python');
    assert.deepStrictEqual([ins.tasks, ins.workers, ins.maxConcurrency], [6, 3, 3]);
    assert.deepStrictEqual(ins.queuedTaskIds, [3, 4, 5]);
    const main = ins.lanes.find((l) => l.pid === model.roots()[0]!.pid && l.tid === undefined)!;
    assert.strictEqual(main.mostWaitedOp, 'Pool.join');
    // It waited for the last tasks (two rounds of 1 s sleeps, less what submitting took).
    assert.ok(main.waiting > 1_500_000, `main waited ${formatDuration(main.waiting)}`);
  });

  it('Python pool-apply: the main process waits in Pool.apply, one task at a time', async () => {
    const { ins, model } = await insightsOf('pool-apply', 'python');
    assert.strictEqual(ins.maxConcurrency, 1);
    const main = ins.lanes.find((l) => l.pid === model.roots()[0]!.pid && l.tid === undefined)!;
    assert.strictEqual(main.mostWaitedOp, 'Pool.apply');
    assert.ok(main.waiting > 5_000_000, `main waited ${formatDuration(main.waiting)} for 6 tasks of 1 s`);
  });

  it('queue: the reader is mostly waiting, in Queue.get', async () => {
    const { ins, model } = await insightsOf('queue');
    // The reader is the child that received the URLs.
    const readers = new Set(model.messages.filter((m) => m.channel === 'queue' && m.toPid !== undefined).map((m) => m.toPid));
    const reader = ins.lanes.find((l) => readers.has(l.pid) && l.tid === undefined && l.pid !== model.roots()[0]!.pid);
    assert.ok(reader, JSON.stringify(ins.lanes));
    assert.strictEqual(reader.mostWaitedOp, 'Queue.get');
    // Loading the snippet (slow on a loaded machine) is starting, not computing: once started,
    // the reader only takes URLs as they come.
    const started = reader.lifetime - reader.starting;
    const shares = `starting ${formatDuration(reader.starting)}, computing ${formatDuration(reader.computing)}, waiting ${formatDuration(reader.waiting)}`;
    assert.ok(reader.starting > 0, shares);
    assert.ok(Math.abs(reader.starting + reader.computing + reader.waiting + reader.idle - reader.lifetime) < 1, shares);
    assert.ok(reader.waiting > 2 * reader.computing, shares);
    assert.ok(reader.waiting > started / 2, shares);
  });

  it('a slow start-up is starting, not computing (a loaded machine does not change the shares)', () => {
    // A child that takes 3 s to load its module, then waits 1 s in Queue.get and computes 10 ms.
    const s = 1_000_000_000;
    const model = new TraceModel([
      { kind: 'process.start', ts: s, pid: 10, ppid: 1, name: 'MainProcess' },
      { kind: 'object.create', ts: s + 1000, pid: 10, objKind: 'process', objId: '11' },
      { kind: 'process.start', ts: s + 2000, pid: 11, ppid: 10, name: 'Process-1' },
      { kind: 'output', ts: s + 3_002_000, pid: 11, stream: 'stdout', text: 'reading\n' },
      { kind: 'wait.begin', ts: s + 3_002_000, pid: 11, waitId: 1, op: 'Queue.get', objKind: 'queue', objId: 'q10:1' },
      { kind: 'wait.end', ts: s + 4_002_000, pid: 11, waitId: 1, outcome: 'ok' },
      { kind: 'process.exit', ts: s + 4_012_000, pid: 11, exitCode: 0, signal: null },
      { kind: 'process.exit', ts: s + 4_020_000, pid: 10, exitCode: 0, signal: null },
    ]);
    const child = computeInsights(model, 2).lanes.find((l) => l.pid === 11)!;
    assert.deepStrictEqual([child.starting, child.waiting, child.computing, child.idle], [3_000_000, 1_000_000, 10_000, 0]);
    assert.match(describeInsights(computeInsights(model, 2)).join('\n'), /^Process-1: starting 3\.0 s, computing 10 ms, waiting 1\.0 s \(mostly in Queue\.get\)\.$/m);
    assert.match(describeInsights(computeInsights(model, 2), 'zh-cn').join('\n'), /^Process-1:启动 3\.0 s,计算 10 ms,等待 1\.0 s\(主要在 Queue\.get\)。$/m);
  });
});

describe('concurrency-lab run --insights', function () {
  this.timeout(60_000);

  it('prints the insights to stderr at the end, in Chinese when LANG is zh_CN', async () => {
    const file = path.join(ROOT, templatePath('pool-apply-async', 'javascript'));
    const run = async (lang: string) => {
      const child = spawn(process.execPath, [path.join(ROOT, BUNDLES.cli), 'run', file, '--insights'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: '', LC_MESSAGES: '', LANG: lang } });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.stdout.resume();
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.strictEqual(code, 0, stderr);
      return stderr;
    };
    assert.match(await run('C.UTF-8'), /^concurrency-lab: 6 tasks on 3 workers; at most 3 ran at once\.$/m);
    assert.match(await run('zh_CN.UTF-8'), /^concurrency-lab: 6 个任务在 3 个工作者上运行;最多 3 个同时运行。$/m);
  });

  it('with --trace x.jsonl (message lines kept as bytes) says the same of a queue run', async () => {
    const file = path.join(ROOT, templatePath('queue', 'javascript'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-insights-'));
    try {
      const run = async (extra: string[]) => {
        const child = spawn(process.execPath, [path.join(ROOT, BUNDLES.cli), 'run', file, '--insights', ...extra], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: '', LC_MESSAGES: '', LANG: 'C.UTF-8' } });
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.stdout.resume();
        const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
        assert.strictEqual(code, 0, stderr);
        // Numbers and the order of processes that start together differ from run to run; what is said of whom does not.
        return stderr
          .split('\n')
          .filter((l) => l.startsWith('concurrency-lab:'))
          .map((l) => l.replace(/queue\.mjs:\d+/g, 'queue.mjs').replace(/\d+(\.\d+)? ?(µs|ms|s)\b/g, 'T').replace(/\d+(\.\d+)?/g, 'N'))
          // Which waits come second and third (a join, a get) may change with the timing; that there are three, each with its line, does not.
          .map((l) => l.replace(/^(concurrency-lab: (?:Second|Third) longest: ).* \(queue\.mjs\)\.$/, '$1… (queue.mjs).'))
          .sort();
      };
      const traced = await run(['--trace', path.join(dir, 'q.jsonl')]);
      assert.ok(traced.some((l) => l.includes('Queue.get')), traced.join('\n'));
      // The three longest waits, each with its source (the reader's Queue.get calls, the main process's joins).
      for (const rank of ['Longest wait: .* in (Queue\\.get|Process\\.join) on \\S+, T', 'Second longest: …', 'Third longest: …'])
        assert.strictEqual(traced.filter((l) => new RegExp(`^concurrency-lab: ${rank} \\(queue\\.mjs\\)\\.$`).test(l)).length, 1, `${rank}\n${traced.join('\n')}`);
      assert.deepStrictEqual(traced, await run([]));
      assert.ok(fs.readFileSync(path.join(dir, 'q.jsonl'), 'utf8').includes('"kind":"message.recv"'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('run insights: big traces', () => {
  /** A pool of `workers` on one lane each, tasks submitted at random times with random lengths, run in submit order on the first free worker. */
  function randomPool(n: number, workers: number, seed: number): TraceEvent[] {
    let x = seed;
    const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const s = 1_000_000_000;
    const events: TraceEvent[] = [{ kind: 'process.start', ts: s, pid: 1, ppid: 0, name: 'MainProcess' }];
    for (let w = 0; w < workers; w++) events.push({ kind: 'process.start', ts: s + 1, pid: 100 + w, ppid: 1, name: `PoolWorker-${w + 1}` });
    const free = new Array<number>(workers).fill(s + 10);
    let submit = s + 10;
    for (let i = 0; i < n; i++) {
      submit += Math.floor(rnd() * 40);
      const w = free.indexOf(Math.min(...free));
      const start = Math.max(submit, free[w]!) + 1;
      const end = start + 1 + Math.floor(rnd() * 100);
      free[w] = end;
      events.push({ kind: 'task.submit', ts: submit, pid: 1, poolId: '1:1', taskId: i, fn: 'f' });
      events.push({ kind: 'task.start', ts: start, pid: 100 + w, poolId: '1:1', taskId: i, fn: 'f' });
      events.push({ kind: 'task.end', ts: end, pid: 100 + w, poolId: '1:1', taskId: i, ok: true });
    }
    return events.sort((a, b) => a.ts - b.ts);
  }

  it('finds the tasks that waited for a free worker as the pairwise definition does, in one sweep', () => {
    for (const seed of [1, 2, 3]) {
      const model = new TraceModel(randomPool(400, 3, seed));
      const tasks = model.tasks.filter((t) => t.start !== undefined);
      // The definition: submitted while every worker had an earlier task still unfinished.
      const naive = tasks
        .filter((t) => tasks.filter((u) => u !== t && (u.submitTs! < t.submitTs! || (u.submitTs === t.submitTs && u.taskId < t.taskId)) && (u.end === undefined || u.end > t.submitTs!)).length >= 3)
        .map((t) => t.taskId)
        .sort((a, b) => a - b);
      const ins = computeInsights(model, 2);
      assert.ok(naive.length > 20 && naive.length < 380, `seed ${seed}: ${naive.length} queued`);
      assert.deepStrictEqual(ins.queuedTaskIds, naive);
    }
  });

  it('computes the insights of 50,000 tasks fast enough for the panel', () => {
    const model = new TraceModel(randomPool(50_000, 4, 7));
    const t0 = performance.now();
    const ins = computeInsights(model, 2);
    const ms = performance.now() - t0;
    assert.strictEqual(ins.tasks, 50_000);
    // The pairwise version took minutes here; a sweep takes tens of ms (a generous bound for a loaded machine).
    assert.ok(ms < 3000, `${ms.toFixed(0)} ms`);
  });

  it('computes the insights of a run where 200,000 tasks waited for a worker (no spread of them as arguments)', () => {
    // Math.max(0, ...queued) overflowed the stack past ~120k queued tasks: the webview's frame threw
    // and a 1M-event report never became ready.
    const model = new TraceModel(randomPool(200_000, 1, 3));
    const ins = computeInsights(model, 2);
    assert.ok(ins.queuedTaskIds.length > 150_000, `${ins.queuedTaskIds.length} queued`);
    const byId = new Map(model.tasks.map((t) => [t.taskId, t]));
    let longest = 0;
    for (const id of ins.queuedTaskIds) longest = Math.max(longest, byId.get(id)!.start! - byId.get(id)!.submitTs!);
    assert.strictEqual(ins.longestQueue, longest);
    assert.ok(longest > 0);
  });
});

describe('run insights: the longest waits', () => {
  const s = 1_000_000_000;
  const loc = (line: number) => ({ file: '/home/learner/w.mjs', line, column: 3 });
  /** MainProcess and Process-1 with a thread: five waits of 100 ms, 2 s, 50 ms, 700 ms and 1.5 s (one still open when the run ends). */
  function model(): TraceModel {
    return new TraceModel([
      { kind: 'process.start', ts: s, pid: 10, ppid: 1, name: 'MainProcess' },
      { kind: 'object.create', ts: s + 10, pid: 10, objKind: 'lock', objId: '10.0.s1' },
      { kind: 'object.create', ts: s + 20, pid: 10, objKind: 'queue', objId: 'q10:1' },
      { kind: 'process.start', ts: s + 1000, pid: 11, ppid: 10, name: 'Process-1' },
      { kind: 'thread.start', ts: s + 2000, pid: 11, tid: 2, name: 'Thread-1' },
      { kind: 'wait.begin', ts: s + 10_000, pid: 10, waitId: 1, op: 'Lock.acquire', objKind: 'lock', objId: '10.0.s1', loc: loc(5) },
      { kind: 'wait.end', ts: s + 110_000, pid: 10, waitId: 1, outcome: 'ok' },
      { kind: 'wait.begin', ts: s + 200_000, pid: 11, waitId: 1, op: 'Queue.get', objKind: 'queue', objId: 'q10:1', loc: loc(9) },
      { kind: 'wait.end', ts: s + 2_200_000, pid: 11, waitId: 1, outcome: 'timeout' },
      { kind: 'wait.begin', ts: s + 300_000, pid: 10, waitId: 2, op: 'Event.wait', objKind: 'event', objId: '10.0.s2' },
      { kind: 'wait.end', ts: s + 350_000, pid: 10, waitId: 2, outcome: 'ok' },
      { kind: 'wait.begin', ts: s + 400_000, pid: 11, tid: 2, waitId: 2, op: 'Lock.acquire', objKind: 'lock', objId: '10.0.s1', loc: loc(14) },
      { kind: 'wait.end', ts: s + 1_100_000, pid: 11, tid: 2, waitId: 2, outcome: 'ok' },
      { kind: 'wait.begin', ts: s + 1_000_000, pid: 10, waitId: 3, op: 'Process.join', objKind: 'process', objId: '11', targetPid: 11, loc: loc(20) },
      { kind: 'process.exit', ts: s + 2_500_000, pid: 11, exitCode: 0, signal: null },
      { kind: 'process.exit', ts: s + 2_500_000, pid: 10, exitCode: null, signal: 'SIGTERM' },
    ] as TraceEvent[]);
  }

  it('keeps the three longest, longest first, with who, op, object, duration and source', () => {
    const ins = computeInsights(model(), 2);
    assert.deepStrictEqual(
      ins.longestWaits.map((w) => [w.name, w.pid, w.tid, w.op, w.label, w.duration, w.loc?.line]),
      [
        ['Process-1', 11, undefined, 'Queue.get', 'Queue#1', 2_000_000, 9],
        ['MainProcess', 10, undefined, 'Process.join', 'Process-1', 1_500_000, 20],
        ['Thread-1', 11, 2, 'Lock.acquire', 'Lock#1', 700_000, 14],
      ],
    );
  });

  it('describes each of them on its own line with Go to source, in English and Chinese', () => {
    const ins = computeInsights(model(), 2);
    const en = insightLines(ins).filter((l) => l.kind === 'longest');
    assert.deepStrictEqual(
      en.map((l) => [l.rank, l.text, l.pid, l.tid, l.loc?.line]),
      [
        [1, 'Longest wait: Process-1 in Queue.get on Queue#1, 2.0 s (w.mjs:9).', 11, undefined, 9],
        [2, 'Second longest: MainProcess in Process.join on Process-1, 1.5 s (w.mjs:20).', 10, undefined, 20],
        [3, 'Third longest: Thread-1 in Lock.acquire on Lock#1, 700 ms (w.mjs:14).', 11, 2, 14],
      ],
    );
    // They come after the lanes, before the parallelism (the CLI prints them in this order).
    const kinds = insightLines(ins).map((l) => l.kind);
    assert.deepStrictEqual(kinds.slice(-4), ['longest', 'longest', 'longest', 'parallelism']);
    assert.deepStrictEqual(
      insightLines(ins, 'zh-cn').filter((l) => l.kind === 'longest').map((l) => l.text),
      [
        '最长的等待:Process-1 在 Queue#1 上的 Queue.get,2.0 s (w.mjs:9)。',
        '第二长的等待:MainProcess 在 Process-1 上的 Process.join,1.5 s (w.mjs:20)。',
        '第三长的等待:Thread-1 在 Lock#1 上的 Lock.acquire,700 ms (w.mjs:14)。',
      ],
    );
  });

  it('says as many as there are, and a wait with no source has none', () => {
    const model = new TraceModel([
      { kind: 'process.start', ts: s, pid: 10, ppid: 1, name: 'MainProcess' },
      { kind: 'wait.begin', ts: s + 10_000, pid: 10, waitId: 1, op: 'Event.wait', objKind: 'event', objId: '10.0.s2' },
      { kind: 'wait.end', ts: s + 60_000, pid: 10, waitId: 1, outcome: 'ok' },
      { kind: 'process.exit', ts: s + 100_000, pid: 10, exitCode: 0, signal: null },
    ] as TraceEvent[]);
    const lines = insightLines(computeInsights(model)).filter((l) => l.kind === 'longest');
    assert.strictEqual(lines.length, 1);
    assert.match(lines[0]!.text, /^Longest wait: MainProcess in Event\.wait on Event#1, 50 ms\.$/);
    assert.strictEqual(lines[0]!.loc, undefined);
  });
});

describe('run insights: text', () => {
  it('says the CPU count only when the trace knows it (the header\'s cpus, validated)', () => {
    const model = new TraceModel([
      { kind: 'process.start', ts: 1_000_000, pid: 10, ppid: 1, name: 'MainProcess' },
      { kind: 'process.exit', ts: 2_000_000, pid: 10, exitCode: 0, signal: null },
    ]);
    assert.match(describeInsights(computeInsights(model, 4)).at(-1)!, /^Parallelism: 1\.0 busy on average over 1\.0 s \(4 CPUs\)\.$/);
    assert.match(describeInsights(computeInsights(model)).at(-1)!, /^Parallelism: 1\.0 busy on average over 1\.0 s\.$/);
    assert.deepStrictEqual(insightLines(computeInsights(model), 'zh-cn').map((l) => l.kind), ['wall', 'lane', 'parallelism']);
    const h = { kind: 'trace.header', version: 1, tool: 'concurrency-lab', ts: 1 };
    assert.strictEqual(parseHeader({ ...h, cpus: 8 })?.cpus, 8);
    for (const bad of [0, -1, 2.5, '8', 1e9, null]) {
      const parsed = parseHeader({ ...h, cpus: bad });
      assert.ok(parsed && !('cpus' in parsed), `cpus ${String(bad)}`);
    }
  });

  it('has every sentence in English and Chinese', () => {
    assert.deepStrictEqual(Object.keys(INSIGHTS_STRINGS['zh-cn']).sort(), Object.keys(INSIGHTS_STRINGS.en).sort());
    for (const [k, v] of Object.entries(INSIGHTS_STRINGS.en)) {
      const zh = INSIGHTS_STRINGS['zh-cn'][k as keyof typeof INSIGHTS_STRINGS.en];
      assert.deepStrictEqual(zh.match(/\{\d\}/g)?.sort(), v.match(/\{\d\}/g)?.sort(), `${k}: the same placeholders`);
    }
  });

  it('formats durations for people', () => {
    assert.strictEqual(formatDuration(850), '850 µs');
    assert.strictEqual(formatDuration(850_000), '850 ms');
    assert.strictEqual(formatDuration(1_250_000), '1.3 s');
  });
});
