// Which file a run command runs: its URI argument, or the active editor (saved first so the run
// sees what the user sees). Every failure is a one-line message for the user, never a throw.
import * as path from 'path';
import * as vscode from 'vscode';

export const RUNNABLE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.py'] as const;

export function isRunnablePath(file: string): boolean {
  return (RUNNABLE_EXTENSIONS as readonly string[]).includes(path.extname(file).toLowerCase());
}

export type RunTarget = { ok: true; file: string; uri: vscode.Uri } | { ok: false; message: string };

/** Accepts what VS Code passes to a command: a Uri (explorer, editor title, CodeLens), a path string, or nothing. */
export async function resolveRunTarget(arg: unknown): Promise<RunTarget> {
  let uri: vscode.Uri | undefined;
  if (arg instanceof vscode.Uri) uri = arg;
  else if (typeof arg === 'string' && arg.length > 0) uri = arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  else if (arg && typeof arg === 'object' && 'fsPath' in arg && 'scheme' in arg) uri = vscode.Uri.from(arg as vscode.Uri);
  else uri = vscode.window.activeTextEditor?.document.uri;

  if (!uri) return { ok: false, message: vscode.l10n.t('Open a JavaScript, TypeScript or Python file to run it with Concurrency Lab.') };
  if (uri.scheme !== 'file') {
    // Untitled editors and virtual file systems have no path a Node or Python process could load.
    return { ok: false, message: vscode.l10n.t('Save the file to disk first: Concurrency Lab runs files from disk.') };
  }
  if (!isRunnablePath(uri.fsPath)) {
    return {
      ok: false,
      message: vscode.l10n.t('{0} is not a file Concurrency Lab can run (use {1}).', path.basename(uri.fsPath), RUNNABLE_EXTENSIONS.join(', ')),
    };
  }
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  // save() answers false also when the document was saved meanwhile by someone else (auto save,
  // another save racing this one): what counts is that the disk now has what the user sees.
  if (open?.isDirty && !(await open.save()) && open.isDirty) {
    return { ok: false, message: vscode.l10n.t('{0} could not be saved, so it was not run.', path.basename(uri.fsPath)) };
  }
  return { ok: true, file: uri.fsPath, uri };
}
