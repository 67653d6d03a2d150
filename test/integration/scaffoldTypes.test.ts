// A scaffolded TypeScript example type-resolves in the real editor: the built-in TypeScript
// server, reading the tsconfig.json the scaffolder writes, finds 'concurrency-lab' in the
// extension's shipped declarations (no TS2307), and really checks against them (a deliberate
// type error in a scratch file is reported). Also: a user's own tsconfig.json is never touched.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { BUNDLES } from '../../src/bundlePaths';
import { COMMANDS } from '../../src/commands';
import { EXAMPLES_FOLDER } from '../../src/scaffold/catalogue';
import { EXAMPLES_CONFIG_FILE, examplesConfigText, isOurConfig } from '../../src/scaffold/tsconfig';

const EXTENSION_ID = 'concurrency-lab.concurrency-lab';
/** The TypeScript server's first project load on a busy 2-core machine can take a while. */
const DIAGNOSTICS_WAIT_MS = 150_000;

function describeDiagnostics(ds: readonly vscode.Diagnostic[]): string {
  return ds.map((d) => `${d.range.start.line + 1}: [${d.source ?? '?'} ${typeof d.code === 'object' ? d.code.value : d.code}] ${d.message}`).join('\n') || '(none)';
}

/** Resolves with the file's diagnostics once `done` accepts them; rejects (showing them) after `ms`. */
function waitForDiagnostics(uri: vscode.Uri, done: (ds: readonly vscode.Diagnostic[]) => boolean, ms: number): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const ds = vscode.languages.getDiagnostics(uri);
      if (!done(ds)) return;
      stop();
      resolve(ds);
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no matching diagnostics for ${path.basename(uri.fsPath)} within ${ms} ms; it has:\n${describeDiagnostics(vscode.languages.getDiagnostics(uri))}`));
    }, ms);
    const stop = () => {
      sub.dispose();
      clearTimeout(timer);
    };
    check();
  });
}

const codeOf = (d: vscode.Diagnostic) => String(typeof d.code === 'object' ? d.code.value : d.code);
// Only our module: without @types/node (fetched by the editor's type acquisition when it can)
// Node's own modules and globals are reported too, and are not what this checks.
const aboutOurModule = (d: vscode.Diagnostic) => d.severity === vscode.DiagnosticSeverity.Error && /concurrency-lab/.test(d.message);

describe('scaffolded examples type-resolve in the editor (built-in TypeScript server)', function () {
  this.timeout(DIAGNOSTICS_WAIT_MS + 60_000);
  let ext: vscode.Extension<unknown>;
  let dir: string;
  const created: string[] = [];

  before(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found);
    ext = found;
    await ext.activate();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration workspace has no folder');
    dir = path.join(folder.uri.fsPath, EXAMPLES_FOLDER);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const f of created) fs.rmSync(f, { force: true });
  });

  it('writes tsconfig.json mapping concurrency-lab to the shipped declarations; TS sees no TS2307 and does check types', async () => {
    const example = await vscode.commands.executeCommand<vscode.Uri>(COMMANDS.newPoolExample, { example: 'pool-apply-async', language: 'typescript' });
    assert.ok(example instanceof vscode.Uri, 'the scaffold command did not resolve with a Uri');
    created.push(example.fsPath);

    const configPath = path.join(dir, EXAMPLES_CONFIG_FILE);
    const types = path.join(ext.extensionPath, BUNDLES.runtimeTypes);
    assert.ok(fs.existsSync(types), `the extension has no ${BUNDLES.runtimeTypes}: build first`);
    assert.strictEqual(fs.readFileSync(configPath, 'utf8'), examplesConfigText(types));

    // A scratch file in the same folder (the server reports a file's semantic errors together,
    // so a TS2307 shows up with the others and fails at once instead of timing out): its errors prove the server loaded the project, and the
    // one on `processes` exists only if Pool's real options type was found.
    const scratch = path.join(dir, 'types-scratch.mts');
    fs.writeFileSync(scratch, "import { Pool } from 'concurrency-lab';\nexport const pool = new Pool({ processes: 'three' });\nexport const n: number = 'not a number';\n");
    created.push(scratch);
    const scratchUri = vscode.Uri.file(scratch);
    await vscode.window.showTextDocument(scratchUri, { preview: false });

    const scratchDiagnostics = await waitForDiagnostics(scratchUri, (ds) => ds.some(aboutOurModule) || ds.filter((d) => codeOf(d) === '2322').length >= 2, DIAGNOSTICS_WAIT_MS);
    const lines = scratchDiagnostics.filter((d) => codeOf(d) === '2322').map((d) => d.range.start.line + 1).sort();
    assert.deepStrictEqual(lines, [2, 3], describeDiagnostics(scratchDiagnostics));
    assert.deepStrictEqual(scratchDiagnostics.filter(aboutOurModule), [], describeDiagnostics(scratchDiagnostics));

    // The example itself, checked by the same project. A deliberate error appended to it tells
    // when the server has checked this file (an empty list could just mean "not yet").
    const editor = await vscode.window.showTextDocument(example, { preview: false });
    const lastLine = editor.document.lineCount;
    await editor.edit((e) => e.insert(editor.document.lineAt(lastLine - 1).range.end, "\nexport const probe: number = 'checked';\n"));
    await editor.document.save();
    const exampleDiagnostics = await waitForDiagnostics(example, (ds) => ds.some((d) => codeOf(d) === '2322' && d.range.start.line === lastLine), DIAGNOSTICS_WAIT_MS);
    assert.deepStrictEqual(exampleDiagnostics.filter(aboutOurModule).map((d) => d.message), [], describeDiagnostics(exampleDiagnostics));
  });

  it('rewrites its own tsconfig.json that points at another extension folder, never a user\'s', async () => {
    const configPath = path.join(dir, EXAMPLES_CONFIG_FILE);
    const types = path.join(ext.extensionPath, BUNDLES.runtimeTypes);

    // Ours, from an older version of the extension: brought up to date by the next scaffold.
    fs.writeFileSync(configPath, examplesConfigText('/old/extensions/concurrency-lab-0.0.1/dist/runtime/types/runtime/index.d.ts'));
    const first = await vscode.commands.executeCommand<vscode.Uri>(COMMANDS.newExample, { example: 'pipe', language: 'javascript' });
    assert.ok(first instanceof vscode.Uri);
    created.push(first.fsPath);
    assert.strictEqual(fs.readFileSync(configPath, 'utf8'), examplesConfigText(types));

    // The user's: left exactly as it is.
    const mine = '{ "compilerOptions": { "strict": false } }\n';
    fs.writeFileSync(configPath, mine);
    const second = await vscode.commands.executeCommand<vscode.Uri>(COMMANDS.newExample, { example: 'pipe', language: 'javascript' });
    assert.ok(second instanceof vscode.Uri);
    created.push(second.fsPath);
    assert.strictEqual(fs.readFileSync(configPath, 'utf8'), mine);
    assert.ok(!isOurConfig(mine));
    fs.rmSync(configPath);
  });
});
