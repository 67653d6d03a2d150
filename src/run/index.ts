// Placeholder until the run commands land here (issue #2 slice, #6).
import * as vscode from 'vscode';
import type { TraceViewer } from '../panel/viewer';

export function registerRunCommands(_context: vscode.ExtensionContext, _viewer: TraceViewer): void {}
