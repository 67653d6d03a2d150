// The fault campaigns (test/fault/campaign.mjs, docs/reliability.md) in miniature: a few seeded
// rounds of each, so every `npm test` kills producers, consumers, pool workers, pipe ends, lock
// holders, the manager, the runner's tree and the creator of queues and a pipe at random moments
// and checks the invariants.
// The full runs (200+ rounds) are recorded in docs/reliability.md.
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const CAMPAIGN = path.resolve(__dirname, '../../fault/campaign.mjs');

interface Summary {
  campaign: string;
  rounds: number;
  faults: number;
  violations: number;
  hangs: number;
  lost: number;
  duplicated: number;
  leftovers: number;
  outcomes: Record<string, number>;
  failures: Array<{ round: number; seed: number; problems: string[]; log: string }>;
}

function campaign(args: string[]): Promise<{ code: number | null; sums: Summary[]; stderr: string }> {
  const child = spawn(process.execPath, [CAMPAIGN, '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      let sums: Summary[] = [];
      try {
        sums = JSON.parse(out.trim().split('\n').at(-1) ?? '[]');
      } catch {
        // reported below
      }
      resolve({ code, sums, stderr: err });
    }),
  );
}

function clean(s: Summary | undefined, rounds: number): void {
  assert.ok(s, 'a summary');
  const why = JSON.stringify(s.failures);
  assert.equal(s.rounds, rounds);
  // A barrier round whose barrier tripped before the kill may find its victim already ended:
  // nothing to kill, and nothing to check but that every party passed.
  const untouched = Object.entries(s.outcomes ?? {}).reduce((n, [k, v]) => n + (k.endsWith('(no fault)') ? v : 0), 0);
  assert.equal(s.faults + untouched, rounds, `every round injected its fault: ${why}`);
  assert.equal(s.violations, 0, why);
  assert.equal(s.hangs, 0, why);
  assert.equal(s.lost + s.duplicated, 0, why);
  assert.equal(s.leftovers, 0, why);
}

describe('fault campaigns (seeded, a few rounds each)', function () {
  this.timeout(240000);

  for (const [name, rounds, extra] of [
    ['queue', 3, ['--items', '4000']],
    ['pool', 3, []],
    ['pipe', 2, []],
    ['locks', 3, []],
    ['runner', 2, []],
    ['creator', 2, ['--items', '3000']],
  ] as Array<[string, number, string[]]>) {
    it(`${name}: ${rounds} rounds, no violation, hang or leftover`, async () => {
      const r = await campaign(['--seed', '13', '--rounds', String(rounds), '--only', name, ...extra]);
      clean(r.sums[0], rounds);
      assert.equal(r.code, 0, r.stderr);
    });
  }

  // A sole consumer takes up to 256 items ahead. Killed, it must lose at most the one item it was
  // receiving: the rest are put back for its replacement (they used to be lost).
  for (const context of ['process', 'thread']) {
    it(`queue, a sole consumer killed holding prefetched items (${context} context): nothing lost beyond the one in flight`, async () => {
      const r = await campaign(['--seed', '5', '--rounds', '3', '--only', 'queue', '--items', '3000', '--consumers', '1', '--victim', 'consumer', '--context', context]);
      clean(r.sums[0], 3);
      assert.equal(r.code, 0, r.stderr);
    });
  }

  // The early-EOF window (#13): a child holding a pipe's writing end registers with the main
  // process only once it has decoded its arguments. Its creator — the pipe's last registered
  // writer — SIGKILLs itself at each moment after start(): before the child's boot message left
  // (sync, tick: the child never runs, and the reader's EOF must still come) or after it (the
  // child runs, and every message it sends must reach the reader before EOF). Without the hold
  // the parent places for the child at spawn, the reader got EOF at once and none of the late
  // writer's messages (the moments after the boot message all failed: "0 of 361").
  for (const moment of ['sync', 'tick', 'immediate', '1ms', '3ms']) {
    it(`creator SIGKILLed ${moment} after start() of a pipe's late writer: its messages all arrive before EOF, or it never ran`, async () => {
      const r = await campaign(['--seed', '5', '--rounds', '1', '--only', 'creator', '--how', 'early', '--moment', moment, '--items', '2000']);
      clean(r.sums[0], 1);
      assert.equal(r.code, 0, r.stderr);
      const ran = moment === 'sync' || moment === 'tick' ? 'it never ran' : 'it ran';
      assert.ok(Object.keys(r.sums[0].outcomes).every((o) => o.includes(`(${ran})`)), JSON.stringify(r.sums[0].outcomes));
    });
  }

  // A violation must be diagnosable afterwards: the round's whole stdout and stderr are kept in
  // a file named by the campaign's seed and the round. A round given 100 ms cannot finish: a hang.
  it('a failing round keeps its whole output in a file named by seed and round', async () => {
    const logs = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-fault-logs-'));
    try {
      const r = await campaign(['--seed', '7', '--rounds', '1', '--only', 'pool', '--round-ms', '100', '--logs', logs]);
      assert.equal(r.code, 1, r.stderr);
      const f = r.sums[0]?.failures[0];
      assert.ok(f, JSON.stringify(r.sums));
      assert.equal(f.log, path.join(logs, 'pool-seed7-round0.log'));
      const text = fs.readFileSync(f.log, 'utf8');
      assert.match(text, new RegExp(`^campaign pool, campaign seed 7, round 0, round seed ${f.seed}\n`));
      assert.match(text, /problems: .*the round hung/);
      assert.ok(text.includes(`\ncommand: node test/fault/rounds/pool.mjs '{"seed":${f.seed}}'\n`), text);
      assert.match(text, /----- stdout -----\n[^]*----- stderr -----\n/);
    } finally {
      fs.rmSync(logs, { recursive: true, force: true });
    }
  });

  it('bad arguments: one line, exit 2', async () => {
    const r = await campaign(['--only', 'bogus']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), 'campaign: --only: unknown campaign bogus (known: queue, pool, pipe, runner, locks, creator)');
  });
});
