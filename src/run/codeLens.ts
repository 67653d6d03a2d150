// "Run with Concurrency Lab" above the line that imports `concurrency-lab` (in Python: the first
// import of multiprocessing, threading or concurrent.futures). Offered only in a
// trusted workspace (running is code execution); refreshed when trust is granted.
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import { findPythonConcurrencyLine, findRuntimeImportLine } from './importLine';
import { isRunnablePath } from './target';

class RunCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.isTrusted || doc.uri.scheme !== 'file' || !isRunnablePath(doc.uri.fsPath)) return [];
    const line = doc.languageId === 'python' ? findPythonConcurrencyLine(doc.getText()) : findRuntimeImportLine(doc.getText());
    if (line < 0) return [];
    return [
      new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
        title: vscode.l10n.t('$(play) Run with Concurrency Lab'),
        tooltip: vscode.l10n.t('Run this file and show its processes in the trace panel'),
        command: COMMANDS.runFile,
        arguments: [doc.uri],
      }),
    ];
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerRunCodeLens(): vscode.Disposable {
  const provider = new RunCodeLensProvider();
  const selector: vscode.DocumentSelector = ['javascript', 'typescript', 'python'].map((language) => ({ language, scheme: 'file' }));
  return vscode.Disposable.from(
    provider,
    vscode.languages.registerCodeLensProvider(selector, provider),
    vscode.workspace.onDidGrantWorkspaceTrust(() => provider.refresh()),
  );
}
