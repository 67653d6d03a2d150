// An untrusted trace in the real panel: opening a trace whose every string is hostile runs no
// command, and Go to source opens nothing but a file inside the workspace or the trace's folder —
// never a command: or javascript: URI, never a file elsewhere — and, for a trace opened from a
// file, only after the user agreed (once per trace). The page's messages enter through the
// panel's own entry point (the extension's test seam); the user's answer is the only stand-in.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/commands';
import type { PanelTesting } from '../../src/panel';
import { serializeJsonl } from '../../src/trace/jsonl';
import { CANARY_COMMAND, hostileTrace, PAYLOADS } from '../helpers/hostileTrace';

const EXTENSION_ID = 'concurrency-lab.concurrency-lab';

const editorsOf = (file: string) => vscode.window.visibleTextEditors.filter((e) => e.document.uri.scheme === 'file' && e.document.uri.fsPath === file);

describe('untrusted trace in the panel', function () {
  this.timeout(60_000);
  let dir: string;
  let hits = 0;
  let canary: vscode.Disposable;
  let testing: PanelTesting;
  let confirm: PanelTesting['hooks']['confirm'];
  before(async () => {
    canary = vscode.commands.registerCommand(CANARY_COMMAND, () => void hits++);
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const api = (await ext.activate()) as { testing?: { panel?: PanelTesting } } | undefined;
    assert.ok(api?.testing?.panel, 'the extension offers its test seam in the test host');
    testing = api.testing.panel;
    confirm = testing.hooks.confirm;
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cl-untrusted-it-')));
  });
  after(async () => {
    testing.hooks.confirm = confirm;
    testing.hooks.received = undefined;
    canary.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens a hostile trace; command:, javascript: and outside locations never open; a file beside the trace opens after asking, once', async () => {
    const { header, events } = hostileTrace();
    const traceFile = path.join(dir, 'hostile.jsonl');
    fs.writeFileSync(traceFile, serializeJsonl(header, events));
    const source = path.join(dir, 'source.mjs');
    fs.writeFileSync(source, Array.from({ length: 10 }, (_, i) => `// line ${i + 1}`).join('\n'));
    const outside = path.join(os.tmpdir(), `cl-untrusted-outside-${process.pid}.mjs`);
    fs.writeFileSync(outside, '// not beside the trace\n');
    try {
      assert.strictEqual(await vscode.commands.executeCommand<string>(COMMANDS.openTrace, vscode.Uri.file(traceFile)), traceFile);
      const asked: string[] = [];
      let answer = false;
      testing.hooks.confirm = async (file) => {
        asked.push(file);
        return answer;
      };

      for (const file of [...PAYLOADS, outside, path.join(dir, '..', path.basename(outside)), 'source.mjs', `file://${outside}`]) await testing.receive({ type: 'openSource', loc: { file, line: 1 } });
      assert.deepStrictEqual(asked, [], 'refused without asking');
      assert.deepStrictEqual(editorsOf(outside), []);

      // Beside the trace: asked first; "no" opens nothing.
      await testing.receive({ type: 'openSource', loc: { file: source, line: 3, column: 2 } });
      assert.deepStrictEqual(asked, [source]);
      assert.deepStrictEqual(editorsOf(source), []);

      // "Open": the file opens at the location; the next location of this trace opens without asking.
      answer = true;
      await testing.receive({ type: 'openSource', loc: { file: source, line: 3, column: 2 } });
      assert.strictEqual(editorsOf(source).length, 1);
      assert.deepStrictEqual([editorsOf(source)[0]!.selection.active.line, editorsOf(source)[0]!.selection.active.character], [2, 1]);
      await testing.receive({ type: 'openSource', loc: { file: `file://${source}`, line: 7 } });
      assert.strictEqual(asked.length, 2);
      assert.strictEqual(editorsOf(source)[0]!.selection.active.line, 6);

      // Messages that are not the viewer's are dropped; a command: URI never ran anything.
      await testing.receive({ type: 'openSource', loc: { file: `command:${CANARY_COMMAND}`, line: 1 }, extra: 1 });
      await testing.receive({ type: 'runCommand', command: CANARY_COMMAND });
      assert.strictEqual(hits, 0);
    } finally {
      fs.rmSync(outside, { force: true });
    }
  });
});
