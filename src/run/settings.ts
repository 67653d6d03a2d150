// The concurrencyLab.* settings that shape a run, turned into runner options. Read on every run,
// so a change applies to the next run without a reload.
import * as vscode from 'vscode';
import { toRunSettings, type RunSettings } from './runSettings';

export type { RunSettings };

export function readRunSettings(scope?: vscode.Uri): RunSettings {
  const c = vscode.workspace.getConfiguration('concurrencyLab', scope);
  return toRunSettings({
    nodePath: c.get('nodePath'),
    execArgv: c.get('execArgv'),
    maxProcesses: c.get('maxProcesses'),
    timeoutSeconds: c.get('timeoutSeconds'),
    pythonPath: c.get('pythonPath'),
  });
}
