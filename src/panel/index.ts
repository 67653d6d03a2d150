// Placeholder until issue #5's panel lands here.
import * as vscode from 'vscode';
import type { TraceViewer } from './viewer';

export function registerPanel(_context: vscode.ExtensionContext): TraceViewer {
  return {
    show: async () => undefined,
    attachRun: () => undefined,
    shownPids: () => [],
  };
}
