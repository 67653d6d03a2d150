// A status bar item while any run is live: how many of its processes are alive; click to stop.
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import type { RunManager } from './runs';

export function registerRunStatusBar(runs: RunManager): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('concurrencyLab.run', vscode.StatusBarAlignment.Left, 10);
  item.name = vscode.l10n.t('Concurrency Lab run');
  item.command = COMMANDS.stopRun;
  const update = () => {
    if (runs.runs.length === 0) {
      item.hide();
      return;
    }
    const n = runs.liveProcesses;
    item.text = `$(debug-stop) ${n === 1 ? vscode.l10n.t('1 process') : vscode.l10n.t('{0} processes', n)}`;
    item.tooltip = vscode.l10n.t('Concurrency Lab: a run is live. Click to stop it and all its processes.');
    item.accessibilityInformation = { label: vscode.l10n.t('Stop the Concurrency Lab run ({0} live processes)', n) };
    item.show();
  };
  const sub = runs.onDidChange(update);
  return vscode.Disposable.from(sub, item);
}
