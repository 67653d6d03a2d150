// Writes an example's template as a real file: into concurrency-lab-examples/ of the first
// workspace folder, or the extension's global storage when no folder is open; never over an
// existing file. Next to it, a tsconfig.json that gives the editor the runtime's types.
import * as vscode from 'vscode';
import { BUNDLES } from '../bundlePaths';
import { EXAMPLES_FOLDER, examplesBase, extensionOf, fileStem, templatePath, type ExampleId, type Language } from './catalogue';
import { pickFreeName, sameStemNames } from './freeName';
import { EXAMPLES_CONFIG_FILE, configAction, examplesConfigText } from './tsconfig';

export function examplesFolder(context: vscode.ExtensionContext): vscode.Uri {
  return vscode.Uri.joinPath(examplesBase(vscode.workspace.workspaceFolders, context.globalStorageUri), EXAMPLES_FOLDER);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** Copies the template and returns the new file's URI. */
export async function writeExample(context: vscode.ExtensionContext, id: ExampleId, language: Language): Promise<vscode.Uri> {
  const source = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, templatePath(id, language)));
  const dir = examplesFolder(context);
  await vscode.workspace.fs.createDirectory(dir);
  const taken = async (n: string) => (await Promise.all(sameStemNames(n).map((s) => exists(vscode.Uri.joinPath(dir, s))))).some(Boolean);
  const name = await pickFreeName(fileStem(id, language), extensionOf(language), taken);
  const target = vscode.Uri.joinPath(dir, name);
  await vscode.workspace.fs.writeFile(target, source);
  return target;
}

/**
 * Writes (or brings up to date) the examples folder's tsconfig.json so the editor maps
 * 'concurrency-lab' to this extension's declarations; a user's own config is never touched.
 * Returns whether it wrote.
 */
export async function writeExamplesConfig(context: vscode.ExtensionContext, dir: vscode.Uri): Promise<boolean> {
  const file = vscode.Uri.joinPath(dir, EXAMPLES_CONFIG_FILE);
  const typesPath = vscode.Uri.joinPath(context.extensionUri, BUNDLES.runtimeTypes).fsPath;
  const action = configAction(await readText(file), typesPath, await exists(vscode.Uri.joinPath(dir, 'jsconfig.json')));
  if (action === 'keep') return false;
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(examplesConfigText(typesPath)));
  return true;
}
