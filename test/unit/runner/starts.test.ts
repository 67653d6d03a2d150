// Every process of a run shows with a start and a real end: a child killed right after start()
// (before its preload wrote process.start) gets its start from its parent, and a daemon child
// terminated when its parent exits is recorded as SIGTERM (as in Python), not "null, null".
import { strict as assert } from 'assert';
import * as path from 'path';
import { startRun } from '../../../src/runner';

const SCENARIOS = path.resolve(__dirname, '../../fixtures/runtime/scenarios.mjs');

describe('runner: every process has a start and a real end', function () {
  this.timeout(60_000);

  it('a child killed at once has a start (from its parent); a daemon ends by SIGTERM', async () => {
    const r = await startRun({ file: SCENARIOS, args: ['lifecycle'], context: 'process' }).done;
    assert.equal(r.summary.exitCode, 0);
    const out = r.events.filter((e) => e.kind === 'output' && e.stream === 'stdout').map((e) => (e.kind === 'output' ? e.text : '')).join('');
    const j = JSON.parse(out.trim().split('\n').pop()!) as { killedPid: number; daemonPid: number };
    const mainPid = r.events.find((e) => e.kind === 'process.start' && e.name === 'MainProcess')?.pid;
    const starts = new Map<number, { ppid: number; name: string }[]>();
    for (const e of r.events) if (e.kind === 'process.start') starts.set(e.pid, [...(starts.get(e.pid) ?? []), { ppid: e.ppid, name: e.name }]);
    // Every process that ended had started, exactly once.
    for (const e of r.events) if (e.kind === 'process.exit') assert.equal(starts.get(e.pid)?.length, 1, `pid ${e.pid}: ${JSON.stringify(starts.get(e.pid))}`);
    const killed = starts.get(j.killedPid)![0]!;
    assert.equal(killed.ppid, mainPid);
    assert.match(killed.name, /^Process-\d+$/);
    const exits = (pid: number) => r.events.flatMap((e) => (e.kind === 'process.exit' && e.pid === pid ? [[e.exitCode, e.signal]] : []));
    assert.deepEqual(exits(j.killedPid), [[null, 'SIGKILL']]);
    assert.deepEqual(exits(j.daemonPid), [[null, 'SIGTERM']]);
  });
});
