// The trace panel survives a window reload (WebviewPanelSerializer + the saved last run): run the
// fixture through the UI, reload the workbench, and the restored panel shows the same processes.
import * as assert from 'assert';
import { openFile, runCommand, webviewFrame, useWorkbench } from './workbench';

describe('trace panel after a window reload (packaged .vsix in code-server)', () => {
  const workbench = useWorkbench();

  it('shows the last run again, with the same pids and summary', async function () {
    this.timeout(120_000);
    const { page } = workbench();
    await openFile(page, 'three-children.mjs');
    await runCommand(page, 'Concurrency Lab: Run File with Tracing');
    const before = webviewFrame(page);
    await before.locator('[role="treeitem"][data-pid][data-state="exited"]').nth(3).waitFor({ timeout: 60_000 });
    // The run is over (summary shows its exit) before the reload, as a user would see it.
    await before.locator('[data-testid="summary"]', { hasText: /exit \d+/ }).waitFor({ timeout: 60_000 });
    const pidsBefore = await before.locator('[role="treeitem"][data-pid]').evaluateAll((els) => els.map((e) => e.getAttribute('data-pid')));
    const summaryBefore = await before.locator('[data-testid="summary"]').textContent();

    await runCommand(page, 'Developer: Reload Window');
    const after = webviewFrame(page);
    await after.locator('#root[data-ready="true"] [role="treeitem"][data-pid]').nth(3).waitFor({ timeout: 60_000 });
    const pidsAfter = await after.locator('[role="treeitem"][data-pid]').evaluateAll((els) => els.map((e) => e.getAttribute('data-pid')));
    assert.deepStrictEqual(pidsAfter, pidsBefore);
    assert.strictEqual(await after.locator('[data-testid="summary"]').textContent(), summaryBefore);
  });
});
