// Raw concurrencyLab.* setting values -> runner options. Pure (no vscode), unit-tested.
import type { RunOptions } from '../runner/types';

export type RunSettings = Pick<RunOptions, 'nodePath' | 'execArgv' | 'maxProcesses' | 'timeoutMs' | 'pythonPath'>;

/** Pure: turns raw setting values into runner options, dropping what is unset or invalid. */
export function toRunSettings(raw: { nodePath?: unknown; execArgv?: unknown; maxProcesses?: unknown; timeoutSeconds?: unknown; pythonPath?: unknown }): RunSettings {
  const out: RunSettings = {};
  if (typeof raw.nodePath === 'string' && raw.nodePath.trim()) out.nodePath = raw.nodePath.trim();
  if (typeof raw.pythonPath === 'string' && raw.pythonPath.trim()) out.pythonPath = raw.pythonPath.trim();
  if (Array.isArray(raw.execArgv)) {
    const args = raw.execArgv.filter((a): a is string => typeof a === 'string' && a.length > 0);
    if (args.length) out.execArgv = args;
  }
  if (typeof raw.maxProcesses === 'number' && Number.isInteger(raw.maxProcesses) && raw.maxProcesses >= 1) out.maxProcesses = raw.maxProcesses;
  if (typeof raw.timeoutSeconds === 'number' && raw.timeoutSeconds > 0) out.timeoutMs = Math.round(raw.timeoutSeconds * 1000);
  return out;
}
