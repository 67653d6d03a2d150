// Shared by the Python runner tests: fixtures, the interpreter (CONCURRENCY_LAB_TEST_PYTHON,
// default python3 on PATH), and views of a run's events.
import * as path from 'path';
import { startRun } from '../../../src/runner';
import type { RunOptions, RunResult } from '../../../src/runner';
import type { OutputEvent, ProcessExitEvent, ProcessStartEvent, TraceEvent } from '../../../src/trace/events';

const PY_FIXTURES = path.resolve(__dirname, '../../fixtures/python');
export const pyFixture = (name: string) => path.join(PY_FIXTURES, name);
export const pythonPath = process.env.CONCURRENCY_LAB_TEST_PYTHON || undefined;

export const runPy = (name: string, options: Partial<RunOptions> = {}) => startRun({ file: pyFixture(name), pythonPath, ...options });

export const starts = (events: readonly TraceEvent[]) => events.filter((e): e is ProcessStartEvent => e.kind === 'process.start');
export const exits = (events: readonly TraceEvent[]) => events.filter((e): e is ProcessExitEvent => e.kind === 'process.exit');
export const outputOf = (events: readonly TraceEvent[], pid: number) =>
  events
    .filter((e): e is OutputEvent => e.kind === 'output' && e.pid === pid)
    .map((e) => e.text)
    .join('');

/** The tree as names: "MainProcess", "MainProcess/Process-1", … sorted (pids differ per run). */
export function treeShape(r: RunResult): string[] {
  const byPid = new Map(r.summary.processes.map((p) => [p.pid, p]));
  const label = (pid: number): string => {
    const p = byPid.get(pid);
    if (!p) return '?';
    return byPid.has(p.ppid) ? `${label(p.ppid)}/${p.name}` : p.name;
  };
  return r.summary.processes.map((p) => label(p.pid)).sort();
}

