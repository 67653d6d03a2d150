// The slice end to end, driven like a user: open the three-children fixture, run "Concurrency
// Lab: Run File with Tracing" from the command palette, and read the trace panel's DOM (two
// iframes deep). Its rows must match the pids the fixture wrote down itself.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { openFile, runCommand, webviewFrame, useWorkbench } from './workbench';

interface FixtureTruth {
  pid: number;
  ppid: number;
  children: number[];
}

describe('trace panel, driven through the UI (packaged .vsix in code-server)', () => {
  const workbench = useWorkbench();

  it('Run File with Tracing shows the fixture\'s 4 processes with their pids and ppids', async () => {
    const { page, workspace } = workbench();
    const outFile = path.join(workspace, 'three-children.out.json');
    await openFile(page, 'three-children.mjs');
    await runCommand(page, 'Concurrency Lab: Run File with Tracing');

    // The fixture writes its ground truth when its children are done.
    const deadline = Date.now() + 60_000;
    while (!fs.existsSync(outFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.ok(fs.existsSync(outFile), 'the fixture never finished (no three-children.out.json)');
    const truth = JSON.parse(fs.readFileSync(outFile, 'utf8')) as FixtureTruth;

    const view = webviewFrame(page);
    await view.locator('[data-ready="true"]').first().waitFor({ timeout: 60_000 });
    const rows = view.locator('[role="treeitem"][data-pid]');
    // Live updates: wait until all four processes are listed and have exited.
    await view.locator('[role="treeitem"][data-pid][data-state="exited"]').nth(3).waitFor({ timeout: 30_000 });
    const shown = await rows.evaluateAll((els) => els.map((e) => ({ pid: Number(e.getAttribute('data-pid')), ppid: Number(e.getAttribute('data-ppid')), state: e.getAttribute('data-state') })));

    assert.strictEqual(shown.length, 4, JSON.stringify(shown));
    assert.deepStrictEqual(shown.map((r) => r.pid).sort(), [truth.pid, ...truth.children].sort());
    const main = shown.find((r) => r.pid === truth.pid)!;
    assert.strictEqual(main.ppid, truth.ppid, 'the main row\'s ppid is not the extension host');
    assert.deepStrictEqual(shown.filter((r) => r !== main).map((r) => r.ppid), [truth.pid, truth.pid, truth.pid]);
    assert.ok(shown.every((r) => r.state === 'exited'), JSON.stringify(shown));

    const summary = view.locator('[data-testid="summary"]');
    assert.ok((await summary.textContent())?.trim(), 'the summary is empty');
    assert.strictEqual(await summary.evaluate((e) => e.classList.contains('failed')), false, 'the summary reports a failed run');
  });
});
