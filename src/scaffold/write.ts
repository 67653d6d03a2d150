// Writes an example's template as a real file: into concurrency-lab-examples/ of the first
// workspace folder, or the extension's global storage when no folder is open; never over an
// existing file.
import * as vscode from 'vscode';
import { EXAMPLES_FOLDER, extensionOf, templatePath, type ExampleId, type Language } from './catalogue';
import { pickFreeName } from './freeName';

export function examplesFolder(context: vscode.ExtensionContext): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return vscode.Uri.joinPath(folder ? folder.uri : context.globalStorageUri, EXAMPLES_FOLDER);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Copies the template and returns the new file's URI. */
export async function writeExample(context: vscode.ExtensionContext, id: ExampleId, language: Language): Promise<vscode.Uri> {
  const source = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, templatePath(id, language)));
  const dir = examplesFolder(context);
  await vscode.workspace.fs.createDirectory(dir);
  const name = await pickFreeName(id, extensionOf(language), (n) => exists(vscode.Uri.joinPath(dir, n)));
  const target = vscode.Uri.joinPath(dir, name);
  await vscode.workspace.fs.writeFile(target, source);
  return target;
}
