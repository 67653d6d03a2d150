// Golden native trace: a deterministic fixture's whole trace, with pids and timestamps
// normalised, compared line by line with test/fixtures/runner/golden-tree.golden.jsonl.
// Regenerate after an intended change: UPDATE_GOLDEN=1 (then review the diff).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import { startRun } from '../../../src/runner';
import type { TraceEvent } from '../../../src/trace/events';
import { fixture } from './helpers';

const GOLDEN = fixture('golden-tree.golden.jsonl');

/** Pids become P1, P2… in order of first appearance (the runner's own pid: RUNNER); ts go. */
function normalise(events: readonly TraceEvent[], runnerPid: number): string[] {
  const names = new Map<number, string>([[runnerPid, 'RUNNER']]);
  const pid = (p: number) => {
    if (!names.has(p)) names.set(p, `P${names.size}`);
    return names.get(p) as string;
  };
  return events.map((e) => {
    const { ts: _ts, ...rest } = e;
    const out: Record<string, unknown> = { ...rest, pid: pid(e.pid) };
    if (e.kind === 'process.start') out.ppid = pid(e.ppid);
    if (e.kind === 'output') out.text = e.text.replace(/\d{3,}/g, 'N');
    return JSON.stringify(out);
  });
}

describe('golden native trace', () => {
  it('golden-tree.cjs traces exactly as recorded', async () => {
    const r = await startRun({ file: fixture('golden-tree.cjs') }).done;
    const lines = normalise(r.events, process.pid);
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(GOLDEN, lines.join('\n') + '\n');
    assert.deepEqual(lines, fs.readFileSync(GOLDEN, 'utf8').trimEnd().split('\n'));
  });
});
