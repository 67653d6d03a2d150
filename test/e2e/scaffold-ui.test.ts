// Issue #6 end to end, driven like a user in the packaged extension: command palette → "New
// Example…" → pick the Process example → JavaScript → the file opens → "Run File with Tracing"
// → the trace panel lists the seed's tree (the parent and its 5 children) with real pids. And the
// run UI: the editor title's run button, the status bar's live process count, click to stop; and
// the walkthrough: a step's button scaffolds, runs and completes the step.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { openFile, runCommand, webviewFrame, useWorkbench } from './workbench';

/** Picks the quick pick row showing `text` (typing filters the list, as a user would). */
async function pick(page: Page, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(text);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
}

describe('scaffold and run an example through the UI (packaged .vsix in code-server)', () => {
  const workbench = useWorkbench();

  it('New Example… → Process → JavaScript → Run File with Tracing shows the parent and its 5 children', async () => {
    const { page, workspace } = workbench();
    await runCommand(page, 'Concurrency Lab: New Example…');
    await pick(page, 'Process: start 5 children');
    await pick(page, 'JavaScript');
    await page.locator('.tabs-container .tab[aria-label*="process.mjs"]').first().waitFor({ timeout: 20_000 });
    const written = path.join(workspace, 'concurrency-lab-examples', 'process.mjs');
    assert.ok(fs.existsSync(written), `${written} was not written`);

    await runCommand(page, 'Concurrency Lab: Run File with Tracing');
    const view = webviewFrame(page);
    await view.locator('[data-ready="true"]').first().waitFor({ timeout: 60_000 });
    await view.locator('[role="treeitem"][data-pid][data-state="exited"]').nth(5).waitFor({ timeout: 60_000 });
    const rows = await view
      .locator('[role="treeitem"][data-pid]')
      .evaluateAll((els) => els.map((e) => ({ pid: Number(e.getAttribute('data-pid')), ppid: Number(e.getAttribute('data-ppid')), state: e.getAttribute('data-state') })));
    assert.strictEqual(rows.length, 6, JSON.stringify(rows));
    const pids = new Set(rows.map((r) => r.pid));
    const main = rows.filter((r) => !pids.has(r.ppid));
    assert.strictEqual(main.length, 1, `expected one main process: ${JSON.stringify(rows)}`);
    const children = rows.filter((r) => r.ppid === main[0]!.pid);
    assert.strictEqual(children.length, 5, JSON.stringify(rows));
    assert.ok(rows.every((r) => r.state === 'exited' && r.pid > 0), JSON.stringify(rows));
  });

  it('the editor title run button starts a run; the status bar counts its processes and stops it on click', async () => {
    const { page, workspace } = workbench();
    const marker = path.join(workspace, 'forever.started');
    fs.writeFileSync(
      path.join(workspace, 'forever.mjs'),
      `import { writeFileSync } from 'node:fs';
import { Process, isMainProcess } from 'concurrency-lab';
export async function forever(marker) { writeFileSync(marker, String(process.pid)); await new Promise(() => setInterval(() => {}, 1000)); }
if (isMainProcess()) { new Process({ target: forever, args: [${JSON.stringify(marker)}] }).start(); await new Promise(() => setInterval(() => {}, 1000)); }
`,
    );
    await openFile(page, 'forever.mjs');
    // The CodeLens shows once the editor is settled (and proves the lens is offered on this file).
    await page.locator('.codelens-decoration', { hasText: 'Run with Concurrency Lab' }).first().waitFor({ timeout: 30_000 });
    const run = page.locator('.editor-actions .action-label[aria-label^="Run File with Tracing"]').first();
    await run.waitFor();
    await run.click();
    const item = page.locator('.statusbar-item', { hasText: '2 processes' });
    await item.waitFor({ timeout: 60_000 });
    // The child is counted as soon as it starts; its target writes the marker a moment later.
    for (const until = Date.now() + 30_000; !fs.existsSync(marker) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
    const child = Number(fs.readFileSync(marker, 'utf8'));
    await item.locator('a, .statusbar-item-label').first().click();
    await item.waitFor({ state: 'detached', timeout: 30_000 });
    // Stopped means the whole tree: the child that would have run forever is gone.
    const deadline = Date.now() + 10_000;
    while (fs.existsSync(`/proc/${child}`) && !/\) [ZX] /.test(fs.readFileSync(`/proc/${child}/stat`, 'latin1')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(!fs.existsSync(`/proc/${child}`) || /\) [ZX] /.test(fs.readFileSync(`/proc/${child}/stat`, 'latin1')), `child ${child} survived the stop`);
  });

  it('the walkthrough\'s Pipe button scaffolds and runs pipe.mjs, shows its trace and checks the step', async () => {
    const { page, workspace } = workbench();
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await pick(page, 'Explore processes, pools, queues and pipes');
    const step = page.locator('.getting-started-step[data-step-id$="#explore#pipe"]');
    await step.click();
    await page.locator('.step-description-container[x-step-description-for$="#explore#pipe"] a.monaco-button', { hasText: 'Run the Pipe example' }).click();
    await page.locator('.tabs-container .tab[aria-label*="pipe.mjs"]').first().waitFor({ timeout: 30_000 });
    assert.ok(fs.existsSync(path.join(workspace, 'concurrency-lab-examples', 'pipe.mjs')));
    const view = webviewFrame(page);
    await view.locator('[role="treeitem"][data-pid][data-state="exited"]').nth(1).waitFor({ timeout: 60_000 });
    const rows = await view.locator('[role="treeitem"][data-pid]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-ppid'))));
    assert.strictEqual(rows.length, 2);
    // Completion event: the step is checked once its example was tried.
    await page.locator('.tabs-container .tab', { hasText: 'Walkthrough' }).first().click();
    await page.locator('.getting-started-step[data-step-id$="#explore#pipe"][aria-checked="true"]').waitFor({ timeout: 20_000 });
  });
});
