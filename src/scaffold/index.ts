// Placeholder until issue #6's scaffolding lands here.
import * as vscode from 'vscode';

export function registerScaffold(_context: vscode.ExtensionContext): void {}
