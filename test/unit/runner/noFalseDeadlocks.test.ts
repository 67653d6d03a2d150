// "Zero false deadlocks over every other example and test fixture" (issue #11): every snippet
// fixture of the repository runs under the runner, with its live deadlock watch reporting (the
// default), and no run may report a `deadlock` — except the deadlock fixtures themselves, whose
// fixed variants run instead. The examples (examples/javascript, typescript, python) are run the
// same way, with the same assertion, by test/unit/examples/examples.test.ts in their default
// context; here the JavaScript ones run in the thread context too (fixed variants of the deadlock
// examples), where sync objects' waits park differently (src/runtime/memory/words.ts).
//
// The fixture folders are listed, not hand-picked: a new fixture is run with no arguments unless
// ARGS below says otherwise, and EXCLUDED must say why one is not run. Two runs at a time. The
// runtime's scenario fixtures (one run per scenario) run in both contexts, as their own tests do.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startRun, type RunContext } from '../../../src/runner';
import { DEADLOCK_EXAMPLES, EXAMPLES, templatePath } from '../../../src/scaffold/catalogue';
import type { DeadlockEvent } from '../../../src/trace/events';
import { survivors } from './helpers';
import { pythonPath } from './pythonHelpers';

const ROOT = path.resolve(__dirname, '../../..');
const DIRS = ['test/fixtures/runner', 'test/fixtures/python', 'test/fixtures/runtime', 'test/fixtures/integration/workspace'];
const SNIPPET = /\.(mjs|cjs|js|mts|ts|py)$/;

/** Deadlocks by design (test/unit/runner/deadlock.test.ts, pythonWaits.test.ts): only their `fixed` variant runs, when they have one. */
const DEADLOCK_FIXTURES = new Set(['deadlock-join.mjs', 'deadlock-pipes.mjs', 'deadlock-barrier.mjs', 'deadlock-barrier.py', 'deadlock-pipes.py', 'pool-deadlock.py', 'pool-busy-then-stuck.py']);

/** Fixtures that are not snippets a user could run on their own, and why. */
const EXCLUDED: Record<string, string> = {
  'manager_net.mjs': 'a manager server and its network clients, one mode per process, started in pairs by manager-net.test.ts with a port and an authkey',
};

/**
 * Fixtures (or "fixture scenario") that never end on their own — they wait to be killed: watched
 * this long (well past the watch's 500 ms grace), then stopped.
 */
const ENDLESS: Record<string, number> = {
  'forever.mjs': 3000,
  'forever-tree.py': 3000,
  'stubborn-tree.cjs': 3000,
  'fork-bomb.cjs': 3000,
  'scenarios.mjs orphanable': 4000,
  'manager.mjs orphan': 4000,
};

/** Fixtures that write next to themselves: run from a copy in a temporary folder. */
const COPIED = new Set(['three-children.mjs']);

let tmp = '';
/** Argument lists for the fixtures that need some (each list is one run); small sizes where a test's default is large. */
const ARGS: Record<string, () => string[][]> = {
  'big-output.cjs': () => [['1']],
  'pool-terminate-ends.py': () => [['2']],
  'exits.py': () => [['fork'], ['spawn']],
  'messages.py': () => [['fork'], ['spawn']],
  'pool-ops.py': () => [['fork'], ['spawn']],
  'pool-waits.py': () => [['fork'], ['spawn']],
  'start-methods.py': () => [['fork'], ['spawn']],
  'waits.py': () => [['fork'], ['spawn']],
  'pool_seed.mjs': () => [
    ['async', '300'],
    ['sync', '100'],
  ],
  'creator_exits.mjs': () => ['exit', 'kill'].map((how) => [fs.mkdtempSync(path.join(tmp, 'creator-')), how]),
  'queue_prefetch.mjs': () => [[path.join(fs.mkdtempSync(path.join(tmp, 'prefetch-')), 'first')]],
};

/**
 * Scenarios run in the process context only, as their own tests run them: in the thread context a
 * killed thread's lock stays held and a killed party never breaks its Barrier (a thread's
 * liveness cannot be checked: docs/shared-state.md, "When a process dies holding something"), so the survivors really are deadlocked there
 * and the watch rightly says so.
 */
const PROCESS_ONLY: Record<string, readonly string[]> = { 'shared.mjs': ['killHolder', 'killParty'] };

/** Sizes for the scenarios whose default loops are long (argv[3]). */
const SCENARIO_SIZES: Record<string, string> = { counters: '500', race: '2000', lossless: '2000' };

/** A runtime fixture's scenarios: the methods of its `const scenarios = { … }` object, run by name (argv[2]). */
function scenarioNames(file: string): string[] | undefined {
  const src = fs.readFileSync(file, 'utf8');
  if (!/^const scenarios = \{/m.test(src) || !/scenarios\[name\]\(\)/.test(src)) return undefined;
  const body = src.slice(src.search(/^const scenarios = \{/m));
  return [...body.matchAll(/^ {2}async (\w+)\(\) \{/gm)].map((m) => m[1]!);
}

interface Case {
  file: string;
  args: string[];
  context: RunContext;
  timeoutMs: number;
  endless: boolean;
}

function cases(): Case[] {
  const out: Case[] = [];
  const listed = DIRS.flatMap((d) =>
    fs
      .readdirSync(path.join(ROOT, d))
      .filter((f) => SNIPPET.test(f))
      .map((f) => path.join(ROOT, d, f)),
  );
  for (const file of listed) {
    const name = path.basename(file);
    if (EXCLUDED[name]) continue;
    let source = file;
    if (COPIED.has(name)) fs.copyFileSync(file, (source = path.join(fs.mkdtempSync(path.join(tmp, 'copy-')), name)));
    const one = (args: string[], context: RunContext = 'process') => {
      const key = args.length ? `${name} ${args[0]}` : name;
      const watch = ENDLESS[key] ?? ENDLESS[name];
      out.push({ file: source, args, context, timeoutMs: watch ?? 45_000, endless: watch !== undefined });
    };
    if (DEADLOCK_FIXTURES.has(name)) {
      if (/\bfixed\b/.test(fs.readFileSync(file, 'utf8'))) one(['fixed']);
      continue;
    }
    const scenarios = scenarioNames(file);
    if (scenarios) {
      for (const context of ['process', 'thread'] as RunContext[]) {
        for (const s of scenarios) if (context === 'process' || !PROCESS_ONLY[name]?.includes(s)) one(SCENARIO_SIZES[s] ? [s, SCENARIO_SIZES[s]] : [s], context);
      }
      continue;
    }
    const lists = ARGS[name]?.() ?? [[]];
    const bothContexts = file.includes('/runtime/') && !name.endsWith('.cjs');
    for (const args of lists) for (const context of bothContexts ? (['process', 'thread'] as RunContext[]) : ['process' as const]) one(args, context);
  }
  for (const ex of EXAMPLES) {
    const file = path.join(ROOT, templatePath(ex.id, 'javascript'));
    out.push({ file, args: DEADLOCK_EXAMPLES.has(ex.id) ? ['fixed'] : [], context: 'thread', timeoutMs: 45_000, endless: false });
  }
  return out;
}

/** Runs `fn` over `items`, `n` at a time. */
async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

describe('no false deadlocks over the test fixtures', function () {
  // About a hundred real runs, two at a time, on a shared 2-core machine.
  this.timeout(15 * 60_000);
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-nofalse-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('lists every fixture folder it promises, and every exclusion names a file that exists', () => {
    for (const d of DIRS) assert.ok(fs.existsSync(path.join(ROOT, d)), d);
    const all = new Set(DIRS.flatMap((d) => fs.readdirSync(path.join(ROOT, d))));
    const names = [...Object.keys(EXCLUDED), ...Object.keys(ENDLESS), ...Object.keys(ARGS), ...Object.keys(PROCESS_ONLY), ...COPIED, ...DEADLOCK_FIXTURES];
    for (const name of names.map((n) => n.split(' ')[0]!)) assert.ok(all.has(name), `${name} is not a fixture`);
    for (const [name, list] of Object.entries(PROCESS_ONLY)) for (const s of list) assert.ok(scenarioNames(path.join(ROOT, 'test/fixtures/runtime', name))?.includes(s), `${name} has no scenario ${s}`);
  });

  it('runs every fixture (fixed variants of the deadlock ones), and the JavaScript examples in the thread context, with the deadlock watch on: none reports a deadlock', async () => {
    const list = cases();
    assert.ok(list.length > 60, `${list.length} runs`);
    const alarms: string[] = [];
    const stuck: string[] = [];
    const t0 = Date.now();
    await pool(list, 2, async (c) => {
      const what = `${c.file.startsWith(ROOT) ? path.relative(ROOT, c.file) : path.basename(c.file)} ${c.args.join(' ')}${c.context === 'thread' ? ' (thread context)' : ''}`;
      const r = await startRun({ file: c.file, args: c.args, context: c.context, timeoutMs: c.timeoutMs, maxProcesses: c.endless ? 16 : undefined, pythonPath, stdin: 'ignore' }).done;
      for (const d of r.events.filter((e): e is DeadlockEvent => e.kind === 'deadlock')) alarms.push(`${what}: ${d.message}`);
      if (r.summary.reason === 'timeout' && !c.endless) stuck.push(what);
      const left = survivors([...new Set(r.events.map((e) => e.pid))]);
      if (left.length) stuck.push(`${what}: left ${left.join(', ')}`);
    });
    assert.deepEqual(alarms, [], `false deadlocks:\n${alarms.join('\n')}`);
    // A run that hung (or left a process) would hide what the watch says of its end: say so too.
    assert.deepEqual(stuck, [], `runs that timed out or left processes:\n${stuck.join('\n')}`);
    console.log(`      ${list.length} runs in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  });
});
