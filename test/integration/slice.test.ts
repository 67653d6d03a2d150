// Issue #2's thin vertical slice, in the real extension host: concurrencyLab.runFile on a fixture
// that starts three children resolves with a summary whose process tree matches what the fixture
// itself observed (written to three-children.out.json, independent of our tracing).
// The panel's DOM side of the same run is checked by test/e2e/panel.test.ts.
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/commands';
import type { RunSummary } from '../../src/runner/types';

interface FixtureTruth {
  pid: number;
  ppid: number;
  children: number[];
  reports: { index: number; pid: number; ppid: number }[];
  exitCodes: number[];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('slice: runFile on a fixture with three children', function () {
  this.timeout(60_000);

  it('resolves with 4 processes: children of the main process, the main a child of the extension host', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder open');
    const uri = vscode.Uri.joinPath(folder.uri, 'three-children.mjs');
    const outFile = vscode.Uri.joinPath(folder.uri, 'three-children.out.json').fsPath;
    fs.rmSync(outFile, { force: true });

    const summary = await vscode.commands.executeCommand<RunSummary>(COMMANDS.runFile, uri);
    assert.ok(summary, 'runFile resolved with nothing');
    assert.strictEqual(summary.reason, 'exit');
    assert.strictEqual(summary.exitCode, 0);
    assert.strictEqual(summary.processes.length, 4, JSON.stringify(summary.processes));

    const truth = JSON.parse(fs.readFileSync(outFile, 'utf8')) as FixtureTruth;
    const main = summary.processes.find((p) => p.pid === truth.pid);
    assert.ok(main, `the summary lacks the main process ${truth.pid}`);
    assert.strictEqual(main.ppid, process.pid, 'the main process is not a child of the extension host');
    assert.strictEqual(truth.ppid, process.pid);

    const children = summary.processes.filter((p) => p !== main);
    assert.deepStrictEqual(children.map((c) => c.pid).sort(), [...truth.children].sort());
    assert.deepStrictEqual(children.map((c) => c.ppid), [main.pid, main.pid, main.pid]);
    // What each child saw of itself agrees with the trace.
    for (const r of truth.reports) {
      assert.ok(truth.children.includes(r.pid), `child report from unknown pid ${r.pid}`);
      assert.strictEqual(r.ppid, truth.pid);
    }
    assert.deepStrictEqual(children.map((c) => c.name).sort(), ['child-0', 'child-1', 'child-2']);
    assert.ok(summary.processes.every((p) => p.exitCode === 0), JSON.stringify(summary.processes));
    assert.deepStrictEqual(summary.processes.filter((p) => alive(p.pid)).map((p) => p.pid), [], 'processes of the run still alive');
  });
});
