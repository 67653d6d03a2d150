// The run commands (issue #2's slice, deepened by #6): concurrencyLab.runFile runs a snippet with
// the runner, streams it into the trace panel and resolves with the run's summary;
// concurrencyLab.stopRun stops it. Plus the status bar item and the CodeLens. Every command that
// runs code checks Workspace Trust first.
import * as path from 'path';
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import type { TraceViewer } from '../panel/viewer';
import type { RunResult, RunSummary } from '../runner/types';
import { registerRunCodeLens } from './codeLens';
import { RunManager, oneLine } from './runs';
import { pythonForRun } from './pythonInterpreter';
import { readRunSettings } from './settings';
import { registerRunStatusBar } from './statusBar';
import { resolveRunTarget } from './target';
import { ensureTrusted } from './trust';

/** Context key true while a run is live (shows the Stop button in the editor title). */
const RUN_LIVE_CONTEXT = 'concurrencyLab.runLive';

let manager: RunManager | undefined;

export function registerRunCommands(context: vscode.ExtensionContext, viewer: TraceViewer): void {
  const output = vscode.window.createOutputChannel('Concurrency Lab');
  const runs = new RunManager(output);
  manager = runs;

  const runFile = async (arg?: unknown): Promise<RunSummary | undefined> => {
    if (!ensureTrusted()) return undefined;
    const target = await resolveRunTarget(arg);
    if (!target.ok) {
      void vscode.window.showErrorMessage(target.message);
      return undefined;
    }
    const name = path.basename(target.file);
    let run;
    try {
      const settings = readRunSettings(target.uri);
      if (path.extname(target.file).toLowerCase() === '.py') settings.pythonPath = await pythonForRun(target.uri, settings.pythonPath);
      run = await runs.start(target.file, settings, path.dirname(target.file));
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not run {0}: {1}', name, oneLine(err)));
      return undefined;
    }
    // The panel is a view of the run, not a precondition for it: a panel failure must not fail the run.
    const panelFailed = (err: unknown) => output.appendLine(vscode.l10n.t('The trace panel could not open: {0}', oneLine(err)));
    try {
      viewer.attachRun(run.handle, { rerun: () => void vscode.commands.executeCommand(COMMANDS.runFile, target.uri) });
      viewer.show().catch(panelFailed);
    } catch (err) {
      panelFailed(err);
    }
    let result: RunResult;
    try {
      result = await run.handle.done;
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Running {0} failed: {1}', name, oneLine(err)));
      return undefined;
    }
    reportEnd(name, result, output);
    return result.summary;
  };

  const stopRun = async (): Promise<void> => {
    if (runs.runs.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No Concurrency Lab run is live.'));
      return;
    }
    await runs.stopAll();
  };

  context.subscriptions.push(
    output,
    runs,
    runs.onDidChange(() => void vscode.commands.executeCommand('setContext', RUN_LIVE_CONTEXT, runs.runs.length > 0)),
    vscode.commands.registerCommand(COMMANDS.runFile, runFile),
    vscode.commands.registerCommand(COMMANDS.stopRun, stopRun),
    registerRunStatusBar(runs),
    registerRunCodeLens(),
  );
}

/** Stops every live run and waits until their processes are gone (called from deactivate). */
export async function stopAllRuns(): Promise<void> {
  await manager?.stopAll();
}

/** A clear notification when a run did not end well; a quiet status bar note when it did. */
function reportEnd(name: string, result: RunResult, output: vscode.OutputChannel): void {
  const s = result.summary;
  const firstError = result.events.find((e) => e.kind === 'error');
  const showOutput = vscode.l10n.t('Show Output');
  const offer = (message: string) =>
    void vscode.window.showWarningMessage(message, showOutput).then((c) => {
      if (c === showOutput) output.show(true);
    });
  if (s.reason === 'timeout') offer(vscode.l10n.t('{0} was stopped: it ran longer than the concurrencyLab.timeoutSeconds setting.', name));
  else if (s.reason === 'error')
    offer(firstError?.kind === 'error' ? vscode.l10n.t('{0} could not run: {1}', name, firstError.message) : vscode.l10n.t('{0} could not run. See the output for details.', name));
  else if (s.reason === 'exit' && s.signal) offer(vscode.l10n.t('{0} was killed by {1}.', name, s.signal));
  else if (s.reason === 'exit' && s.exitCode !== 0) offer(vscode.l10n.t('{0} exited with code {1}.', name, String(s.exitCode)));
  else if (s.reason !== 'stopped') vscode.window.setStatusBarMessage(vscode.l10n.t('$(check) {0}: {1} processes, exit code 0', name, s.processes.length), 5000);
}
