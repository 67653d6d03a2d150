// Scaffolding in the real host: every example, in JavaScript and TypeScript, through the
// commands a user (or a walkthrough button) runs; written into concurrency-lab-examples/ of the
// workspace, never over an existing file, opened in an editor; and a run of it has the seed's
// process tree (the full trace structure is checked by test/unit/examples on the same files).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/commands';
import type { RunSummary } from '../../src/runner/types';
import { DEADLOCK_EXAMPLES, EXAMPLES, EXAMPLES_FOLDER, LANGUAGES, extensionOf, fileStem, templatePath, type ExampleId, type Family } from '../../src/scaffold/catalogue';

const EXTENSION_ID = 'concurrency-lab.concurrency-lab';
const FAMILY_COMMAND: Record<Exclude<Family, 'threads'>, string> = {
  process: COMMANDS.newProcessExample,
  pool: COMMANDS.newPoolExample,
  queue: COMMANDS.newQueueExample,
  pipe: COMMANDS.newPipeExample,
  shared: COMMANDS.newSharedStateExample,
};

/** Process tree each example must have: how many processes, and facts about the main's children. */
const TREE: Record<ExampleId, { processes: number; check?: (s: RunSummary, mainPid: number) => void }> = {
  process: { processes: 6 },
  'pool-apply-async': { processes: 4 },
  'pool-apply': { processes: 4 },
  'pool-map': { processes: 4 },
  queue: {
    processes: 4,
    check: (s, main) => {
      const killed = s.processes.filter((p) => p.ppid === main && p.signal === 'SIGTERM');
      assert.strictEqual(killed.length, 1, 'the reader was not terminated');
    },
  },
  pipe: { processes: 2 },
  'pipe-duplex': { processes: 2 },
  // Thread-context workers are threads of the main process, not processes.
  'processes-vs-threads': { processes: 4 },
  // Each child is a child of main; the counter race starts 4 workers twice.
  'shared-value-array': { processes: 2 },
  'counter-race': { processes: 9 },
  'event-barrier': { processes: 4 },
  // They deadlock as written (run: the unit tier's examples test and the panel's deadlock test);
  // their fixed variants have these trees.
  'deadlock-locks': { processes: 3 },
  'pipe-deadlock': { processes: 2 },
  'starved-worker': { processes: 3 },
  // The manager's server process, f's child and 4 workers, all children of main.
  manager: {
    processes: 7,
    check: (s, main) => assert.ok(s.processes.some((p) => p.ppid === main && p.name === 'SyncManager-1'), 'no SyncManager-1 child'),
  },
};

function examplesDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration workspace has no folder');
  return path.join(folder.uri.fsPath, EXAMPLES_FOLDER);
}

async function activate(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext);
  await ext.activate();
  return ext;
}

/** Asserts the summary's tree: main's parent is this extension host, every other process a child of main. */
export function assertTree(id: ExampleId, s: RunSummary): void {
  assert.strictEqual(s.exitCode, 0, `${id} exited with ${s.exitCode} (${s.reason})`);
  const main = s.processes.find((p) => p.ppid === process.pid);
  assert.ok(main, `no process of the run is a child of the extension host (${process.pid}): ${JSON.stringify(s.processes)}`);
  assert.strictEqual(s.processes.length, TREE[id].processes, `${id}: ${JSON.stringify(s.processes)}`);
  for (const p of s.processes) if (p !== main) assert.strictEqual(p.ppid, main.pid, `${id}: ${p.name} (${p.pid}) is not a child of the main process`);
  TREE[id].check?.(s, main.pid);
}

describe('scaffold commands in the real host', function () {
  // Real processes and the seed's 1 s sleeps.
  this.timeout(90_000);
  let ext: vscode.Extension<unknown>;
  before(async () => {
    ext = await activate();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  for (const example of EXAMPLES) {
    for (const language of LANGUAGES) {
      // Each family command in TypeScript, New Example… in JavaScript (and for the family-less one).
      const family = example.family;
      const command = language === 'typescript' && family !== 'threads' ? FAMILY_COMMAND[family] : COMMANDS.newExample;
      it(`${command} writes ${example.id} (${language}), opens it, runs with the seed's tree, never overwrites`, async () => {
        const first = await vscode.commands.executeCommand<vscode.Uri>(command, { example: example.id, language });
        assert.ok(first instanceof vscode.Uri, `${command} did not resolve with a Uri`);
        assert.strictEqual(path.dirname(first.fsPath), examplesDir());
        assert.strictEqual(path.basename(first.fsPath), `${fileStem(example.id, language)}${extensionOf(language)}`);
        const template = fs.readFileSync(path.join(ext.extensionPath, templatePath(example.id, language)), 'utf8');
        assert.strictEqual(fs.readFileSync(first.fsPath, 'utf8'), template);
        assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, first.fsPath, 'the new file is not the active editor');

        // A deadlock example would run until stopped: it is run by the runner's tests instead.
        if (!DEADLOCK_EXAMPLES.has(example.id)) {
          const summary = await vscode.commands.executeCommand<RunSummary>(COMMANDS.runFile, first);
          assert.ok(summary, 'runFile did not resolve with a summary');
          assertTree(example.id, summary);
        }

        // A second time: a new, free name; the first file (edited meanwhile) is untouched.
        fs.appendFileSync(first.fsPath, '// edited by the user\n');
        const second = await vscode.commands.executeCommand<vscode.Uri>(command, { example: example.id, language });
        assert.ok(second instanceof vscode.Uri);
        assert.strictEqual(path.basename(second.fsPath), `${fileStem(example.id, language)}-2${extensionOf(language)}`);
        assert.match(fs.readFileSync(first.fsPath, 'utf8'), /edited by the user/);
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        fs.rmSync(first.fsPath);
        fs.rmSync(second.fsPath);
      });
    }
  }

  it('refuses an example of another family, and unknown ids, without writing anything', async () => {
    const before = fs.existsSync(examplesDir()) ? fs.readdirSync(examplesDir()).length : 0;
    assert.strictEqual(await vscode.commands.executeCommand(COMMANDS.newPipeExample, { example: 'queue', language: 'javascript' }), undefined);
    assert.strictEqual(await vscode.commands.executeCommand(COMMANDS.newExample, { example: 'nope', language: 'javascript' }), undefined);
    assert.strictEqual(await vscode.commands.executeCommand(COMMANDS.newExample, { example: 'pipe', language: 'ruby' }), undefined);
    const after = fs.existsSync(examplesDir()) ? fs.readdirSync(examplesDir()).length : 0;
    assert.strictEqual(after, before);
  });

  it('tryExample (the walkthrough button) scaffolds, runs and resolves with both', async () => {
    const r = await vscode.commands.executeCommand<{ uri: vscode.Uri; summary: RunSummary }>(COMMANDS.tryExample, 'pipe');
    assert.ok(r && r.uri instanceof vscode.Uri);
    assert.strictEqual(path.extname(r.uri.fsPath), '.mjs');
    assertTree('pipe', r.summary);
    fs.rmSync(r.uri.fsPath);
  });

  it('the walkthrough opens', async () => {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#explore`, false);
  });
});
