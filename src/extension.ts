// Composition root: wires the trace viewer, the run commands and scaffolding. Nothing runs at
// startup: VS Code activates us on a command or when it restores a trace panel.
import * as vscode from 'vscode';
import { registerPanel } from './panel';
import { registerRunCommands } from './run';
import { registerScaffold } from './scaffold';

export function activate(context: vscode.ExtensionContext): void {
  const viewer = registerPanel(context);
  registerRunCommands(context, viewer);
  registerScaffold(context);
}

export function deactivate(): void {}
