// The trace panel's commands in the real extension host: open a saved trace (native and Chrome),
// export it in both formats, reject bad files with a one-line message, and show the webview panel.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/commands';
import { fromChromeTrace } from '../../src/trace/chrome';
import { parseJsonl } from '../../src/trace/jsonl';

const FIXTURES = path.resolve(__dirname, '../fixtures/traces');

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('concurrencyLab.trace'));
}

/** The tab model reaches the extension host a little after the panel opens: poll for it. */
async function waitForPanelTabs(count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (panelTabs().length !== count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.strictEqual(panelTabs().length, count, `expected ${count} trace panel tab(s)`);
}

describe('trace panel commands', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-panel-it-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('opens a native trace into the panel and exports it as .jsonl and Chrome .json', async () => {
    const src = path.join(FIXTURES, 'pool-apply-async.jsonl');
    const opened = await vscode.commands.executeCommand<string>(COMMANDS.openTrace, vscode.Uri.file(src));
    assert.strictEqual(opened, src);
    await waitForPanelTabs(1);

    const native = path.join(dir, 'copy.jsonl');
    assert.strictEqual(await vscode.commands.executeCommand<string>(COMMANDS.exportTrace, vscode.Uri.file(native)), native);
    const original = parseJsonl(fs.readFileSync(src, 'utf8'));
    assert.deepStrictEqual(parseJsonl(fs.readFileSync(native, 'utf8')).events, original.events);

    const chrome = path.join(dir, 'copy.json');
    await vscode.commands.executeCommand(COMMANDS.exportTrace, vscode.Uri.file(chrome));
    const back = fromChromeTrace(JSON.parse(fs.readFileSync(chrome, 'utf8')));
    assert.strictEqual(back.events.length, original.events.length);
  });

  it('reopens an exported Chrome trace', async () => {
    const chrome = path.join(dir, 'copy.json');
    assert.strictEqual(await vscode.commands.executeCommand<string>(COMMANDS.openTrace, vscode.Uri.file(chrome)), chrome);
    const again = path.join(dir, 'again.jsonl');
    await vscode.commands.executeCommand(COMMANDS.exportTrace, vscode.Uri.file(again));
    const pids = new Set(parseJsonl(fs.readFileSync(again, 'utf8')).events.map((e) => e.pid));
    assert.deepStrictEqual([...pids].sort(), [42000, 42001, 42002, 42003]);
    await waitForPanelTabs(1);
  });

  it('refuses a file that is not a trace with a one-line message', async () => {
    const bad = path.join(dir, 'notes.jsonl');
    fs.writeFileSync(bad, 'hello\n');
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand(COMMANDS.openTrace, vscode.Uri.file(bad))), (e: Error) => {
      assert.match(e.message, /notes\.jsonl: no trace events found/);
      return true;
    });
  });

  it('showTrace reveals the panel', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitForPanelTabs(0);
    await vscode.commands.executeCommand(COMMANDS.showTrace);
    await waitForPanelTabs(1);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
