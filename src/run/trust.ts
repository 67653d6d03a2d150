// Workspace Trust: running a snippet is code execution, so every command that runs code asks
// here first. Scaffolding and viewing traces do not, and keep working in Restricted Mode.
import * as vscode from 'vscode';

/** The message shown when running is refused, or undefined when running is allowed. Pure, so it is tested directly. */
export function runRefusal(isTrusted: boolean): string | undefined {
  return isTrusted
    ? undefined
    : vscode.l10n.t('Concurrency Lab cannot run code in Restricted Mode. Trust this workspace to run examples; scaffolding and viewing traces still work.');
}

/** True when running is allowed; otherwise tells the user why not (with a way to manage trust) and returns false. */
export function ensureTrusted(isTrusted = vscode.workspace.isTrusted): boolean {
  const refusal = runRefusal(isTrusted);
  if (refusal === undefined) return true;
  const manage = vscode.l10n.t('Manage Workspace Trust');
  void vscode.window.showWarningMessage(refusal, manage).then((choice) => {
    if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
