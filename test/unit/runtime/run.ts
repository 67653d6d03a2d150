// Runs a fixture snippet under plain `node` with tracing on (our own trace files, no runner)
// and hands back its exit, output, last JSON line and validated trace events.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TransportDecoder } from '../../../src/trace/compact';
import type { TraceEvent } from '../../../src/trace/events';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/runtime');

export interface FixtureRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** The last stdout line, parsed as JSON (undefined when it is not JSON). */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  events: TraceEvent[];
  malformed: number;
}

export async function runFixture(file: string, args: string[], context: 'process' | 'thread', timeoutMs = 30000, env: NodeJS.ProcessEnv = {}): Promise<FixtureRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-rt-'));
  try {
    const child = spawn(process.execPath, [path.join(FIXTURES, file), ...args], {
      env: { ...process.env, CONCURRENCY_LAB_TRACE_DIR: dir, CONCURRENCY_LAB_CONTEXT: context, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    clearTimeout(timer);
    const lines = stdout.trim().split('\n');
    let json: unknown;
    try {
      json = JSON.parse(lines[lines.length - 1]);
    } catch {
      json = undefined;
    }
    const events: TraceEvent[] = [];
    let malformed = 0;
    for (const f of fs.readdirSync(dir)) {
      const decoder = new TransportDecoder();
      for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
        if (!line) continue;
        const d = decoder.decode(JSON.parse(line));
        if (d === 'template') continue;
        if (d) events.push(d.event);
        else malformed++;
      }
    }
    events.sort((a, b) => a.ts - b.ts);
    return { code, signal, stdout, stderr, json, events, malformed };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Most spans open at once, from [start, end] pairs. */
export function maxOverlap(spans: ReadonlyArray<readonly number[]>): number {
  const points = spans.flatMap(([s, e]) => [
    [s, 1],
    [e, -1],
  ]);
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let max = 0;
  for (const [, d] of points) max = Math.max(max, (open += d));
  return max;
}
