// Python runs (.py): which interpreter, and the environment that makes every Python process of
// the run trace itself. The tracer is pure standard-library Python shipped in dist/python
// (src/python): a `sitecustomize` first on PYTHONPATH, so fork, spawn and forkserver children —
// and any `python` the script starts — load it too. The user's script is never edited.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { BUNDLES } from '../bundlePaths';
import { RunInputError } from './input';

/** The oldest Python the tracer supports (os.register_at_fork, time.time_ns, parent_process). */
export const MIN_PYTHON: readonly [number, number] = [3, 8];

export interface PythonInfo {
  /** The interpreter's own executable (sys.executable): a launcher or shim is run only once, to find it. */
  executable: string;
  version: [number, number, number];
}

const probed = new Map<string, PythonInfo | string>();

// -E -S: ignore PYTHON* variables and site (no sitecustomize, ours or anyone's) while probing.
const PROBE = ['-E', '-S', '-c', "import sys;sys.stdout.write('%s\\n%d.%d.%d' % ((sys.executable,) + tuple(sys.version_info[:3])))"];

/** Runs `command` once to learn its executable and version; a string says why it cannot be used. */
function probe(command: string): PythonInfo | string {
  const cached = probed.get(command);
  if (cached !== undefined) return cached;
  const r = spawnSync(command, PROBE, { encoding: 'utf8', timeout: 10000, windowsHide: true });
  let result: PythonInfo | string;
  if (r.error) result = (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : r.error.message;
  else if (r.status !== 0) result = `it exited with ${r.status ?? r.signal} when asked its version`;
  else {
    const [exe, ver] = r.stdout.trim().split('\n');
    const v = (ver ?? '').split('.').map(Number);
    result = v.length === 3 && v.every(Number.isInteger) ? { executable: exe || command, version: [v[0], v[1], v[2]] } : 'it did not report a Python version';
  }
  probed.set(command, result);
  return result;
}

const tooOld = (v: readonly number[]) => v[0] < MIN_PYTHON[0] || (v[0] === MIN_PYTHON[0] && v[1] < MIN_PYTHON[1]);

/**
 * The interpreter for a .py run: `configured` (the concurrencyLab.pythonPath setting, or the
 * Python extension's selected interpreter, or the CLI's --python) when given, else python3, then
 * python, on PATH. Throws RunInputError — one line naming what was looked for and the setting to
 * change — when none works or it is older than 3.8.
 */
export function resolvePython(configured?: string): PythonInfo {
  const candidates = configured ? [configured] : ['python3', 'python'];
  const reasons: string[] = [];
  for (const command of candidates) {
    const info = probe(command);
    if (typeof info === 'string') {
      reasons.push(`${command}: ${info}`);
      continue;
    }
    if (tooOld(info.version)) {
      reasons.push(`${command} is Python ${info.version.join('.')}`);
      continue;
    }
    return info;
  }
  const where = configured ? `the configured interpreter (${reasons.join('; ')})` : `python3 or python on PATH (${reasons.join('; ')})`;
  throw new RunInputError(`cannot run .py files: Python ${MIN_PYTHON.join('.')} or newer is needed and was not found as ${where}; set concurrencyLab.pythonPath (CLI: --python) to a Python ${MIN_PYTHON.join('.')}+ interpreter`);
}

/** Forgets probed interpreters (an interpreter may be installed or upgraded while VS Code runs). */
export function forgetProbedPythons(): void {
  probed.clear();
}

/** The folder to put first on PYTHONPATH: holds sitecustomize.py and the tracer package. */
export function pythonTracerDir(extensionRoot: string): string {
  return path.dirname(path.join(extensionRoot, BUNDLES.pythonTracer));
}

/** Environment additions for a Python run (on top of the runner's trace variables). */
export function pythonEnv(env: NodeJS.ProcessEnv, extensionRoot: string): void {
  const dir = pythonTracerDir(extensionRoot);
  env.PYTHONPATH = [dir, env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  // Output as it is written (as for Node), not in 8 KiB blocks at exit: a live view and the
  // order of lines across processes depend on it. The script's own choice wins.
  if (env.PYTHONUNBUFFERED === undefined) env.PYTHONUNBUFFERED = '1';
}
