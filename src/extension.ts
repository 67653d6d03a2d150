// Composition root: wires the trace viewer, the run commands and scaffolding. Nothing runs at
// startup: VS Code activates us on a command or when it restores a trace panel.
import * as vscode from 'vscode';
import { registerPanel } from './panel';
import { registerRunCommands, stopAllRuns } from './run';
import { registerScaffold } from './scaffold';
import type { TraceViewer } from './panel/viewer';

let viewer: TraceViewer | undefined;

export function activate(context: vscode.ExtensionContext): void {
  viewer = registerPanel(context);
  registerRunCommands(context, viewer);
  registerScaffold(context);
}

/** VS Code waits for this promise: no process of a run outlives the extension, and the last
 *  run is saved before a reload so the restored panel can show it. */
export async function deactivate(): Promise<void> {
  await stopAllRuns();
  await viewer?.flush();
}
