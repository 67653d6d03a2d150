// Which Python runs a .py file from VS Code: the concurrencyLab.pythonPath setting, else the
// interpreter selected in the Python extension (ms-python.python) through its public API when it
// is installed, else none (the runner then tries python3 and python on PATH). Never throws: a
// missing or failing Python extension just means the next choice.
import * as vscode from 'vscode';

const PYTHON_EXTENSION = 'ms-python.python';
/** The Python extension's activation can be slow; a run does not wait longer than this for it. */
const API_TIMEOUT_MS = 5000;

/** The parts of the Python extension's public API (`@vscode/python-extension`) used here. */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment(env: { path: string }): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
}

function withTimeout<T>(p: Thenable<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    Promise.resolve(p).then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

/** The Python extension's selected interpreter for `resource`, or undefined. */
export async function selectedPythonInterpreter(resource: vscode.Uri): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION);
  if (!ext) return undefined;
  try {
    const api = ext.isActive ? ext.exports : await withTimeout(ext.activate(), API_TIMEOUT_MS);
    const envs = api?.environments;
    const active = envs?.getActiveEnvironmentPath(resource);
    if (!envs || !active) return undefined;
    const resolved = await withTimeout(envs.resolveEnvironment(active), API_TIMEOUT_MS);
    return resolved?.executable?.uri?.fsPath ?? active.path;
  } catch {
    return undefined;
  }
}

/** The interpreter for a .py run: the setting, else the Python extension's choice. */
export async function pythonForRun(resource: vscode.Uri, configured: string | undefined): Promise<string | undefined> {
  return configured ?? (await selectedPythonInterpreter(resource));
}
