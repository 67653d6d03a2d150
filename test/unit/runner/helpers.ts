// Shared by the runner and CLI tests: fixture paths, and the survivors check with `ps`.
import { execFileSync } from 'child_process';
import * as path from 'path';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/runner');
export const fixture = (name: string) => path.join(FIXTURES, name);

/** Pids (from `ps`) still alive among `pids`, zombies excluded. */
export function survivors(pids: number[]): number[] {
  if (!pids.length) return [];
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,stat=', '-p', pids.join(',')], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when none of them exists
  }
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([pid, stat]) => pid && stat && !stat.startsWith('Z'))
    .map(([pid]) => Number(pid));
}
