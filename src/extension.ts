// Composition root: wires the trace viewer, the run commands and scaffolding. Nothing runs at
// startup: VS Code activates us on a command or when it restores a trace panel.
import * as vscode from 'vscode';
import { panelTesting, registerPanel, type PanelTesting } from './panel';
import { registerRunCommands, stopAllRuns } from './run';
import { registerScaffold } from './scaffold';
import type { TraceViewer } from './panel/viewer';

let viewer: TraceViewer | undefined;

export function activate(context: vscode.ExtensionContext): { testing: { panel: PanelTesting | undefined } } | undefined {
  viewer = registerPanel(context);
  registerRunCommands(context, viewer);
  registerScaffold(context);
  // Only the in-host test suite (which sets this variable in the extension host) gets seams into
  // the panel: a page message without a page, and the answer to the Go to source question.
  return process.env.CONCURRENCY_LAB_IT_MODE ? { testing: { panel: panelTesting(viewer) } } : undefined;
}

/** VS Code waits for this promise: no process of a run outlives the extension, and the last
 *  run is saved before a reload so the restored panel can show it. */
export async function deactivate(): Promise<void> {
  await stopAllRuns();
  await viewer?.flush();
}
