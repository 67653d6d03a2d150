// The extension as the real VS Code host sees it: found, activated on demand only, and every
// contributed command registered by activate().
import * as assert from 'assert';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/commands';

const EXTENSION_ID = 'concurrency-lab.concurrency-lab';

describe('extension in the real host', () => {
  it('is not activated at startup (activation only on demand)', () => {
    const startup = (globalThis as { __concurrencyLabStartup?: { activeBeforeTests?: boolean } }).__concurrencyLabStartup;
    assert.ok(startup, 'test/integration/index.js did not record the startup state');
    assert.strictEqual(startup.activeBeforeTests, false);
  });

  it('activates and registers every contributed command', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded in the extension host`);
    await ext.activate();
    assert.strictEqual(ext.isActive, true);
    const contributed = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command).sort();
    assert.deepStrictEqual(contributed, Object.values(COMMANDS).sort(), 'package.json contributes.commands differs from src/commands.ts');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepStrictEqual(missing, [], 'contributed but not registered by activate()');
  });

  it('runs in the workspace the runner opened', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.strictEqual(folders.length, 1);
    assert.strictEqual(folders[0].uri.scheme, 'file');
  });
});
