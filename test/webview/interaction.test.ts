// Using the viewer: select on the canvas, jump to source, replay, zoom and pan, export, and restore
// after a reload — in real Chromium, through the page's own controls.
import * as assert from 'assert';
import type { Page } from 'playwright-core';
import { openViewer, posted, send, showTrace, type Viewer } from './harness';

const ROW = 22;

async function canvasBox(page: Page) {
  const box = await page.locator('canvas.lanes').boundingBox();
  assert.ok(box);
  return box;
}

describe('webview: interaction', function () {
  let v: Viewer | undefined;
  afterEach(async () => {
    await v?.close();
    v = undefined;
  });

  it('selects a task span on the canvas, shows its fields and jumps to its source', async () => {
    v = await openViewer();
    const { page } = v;
    await showTrace(page, 'pool-apply-async.jsonl');
    const box = await canvasBox(page);
    // Row 1 is PoolWorker-1; a quarter of the way in, it is running task 0.
    await page.mouse.click(box.x + box.width * 0.25, box.y + ROW * 1 + ROW / 2);
    await page.locator('.details h2', { hasText: 'Task runTask(0)' }).waitFor();
    const details = (await page.textContent('.details')) ?? '';
    assert.match(details, /ran on pid 42001/);
    assert.match(details, /took 1(\.0\d)? s/);
    await page.click('.details button.source');
    const open = (await posted(page)).find((m) => m.type === 'openSource');
    assert.deepStrictEqual(open, { type: 'openSource', loc: { file: '/home/learner/concurrency-lab-examples/pool-apply-async.mjs', line: 20, column: 10 } });
  });

  it('shows a process\'s output, how it ended, and highlights its messages', async () => {
    v = await openViewer();
    const { page } = v;
    await showTrace(page, 'queue.jsonl');
    await page.click('[data-pid="44003"]');
    const details = page.locator('.details');
    await details.locator('h2', { hasText: 'Process-3 — pid 44003, ppid 44000' }).waitFor();
    const text = (await details.textContent()) ?? '';
    assert.match(text, /killed by SIGTERM/);
    assert.match(text, /Get url_1 from queue\./);
    assert.strictEqual(await details.locator('ul.messages li').count(), 6);
    // A message in the list selects the arrow.
    await details.locator('ul.messages button').first().click();
    await details.locator('h2', { hasText: "Message 'url_1'" }).waitFor();
    assert.match((await details.textContent()) ?? '', /waited .* in the queue/);
  });

  it('replays: stepping shows the tree as it was, and the last step shows the whole run', async () => {
    v = await openViewer();
    const { page } = v;
    await showTrace(page, 'process.jsonl');
    assert.strictEqual(await page.locator('[data-pid]').count(), 6);
    await page.click('vscode-toolbar-button[data-action="first"]');
    await page.locator('.replay-label', { hasText: 'event 1 of 21' }).waitFor();
    assert.strictEqual(await page.locator('[data-pid]').count(), 1, 'only the main process exists at the first event');
    for (let i = 0; i < 3; i++) await page.click('vscode-toolbar-button[data-action="next"]');
    await page.locator('.replay-label', { hasText: 'event 4 of 21' }).waitFor();
    assert.strictEqual(await page.locator('[data-pid]').count(), 2);
    assert.strictEqual(await page.getAttribute('[data-pid="41001"]', 'data-state'), 'running');
    await page.click('vscode-toolbar-button[data-action="prev"]');
    await page.locator('.replay-label', { hasText: 'event 3 of 21' }).waitFor();
    // The scrubber is a labelled range input moving over the same positions.
    await page.locator('.scrubber').fill('10');
    await page.locator('.replay-label', { hasText: 'event 11 of 21' }).waitFor();
    await page.click('vscode-toolbar-button[data-action="last"]');
    await page.locator('.replay-label', { hasText: 'whole run' }).waitFor();
    assert.strictEqual(await page.locator('[data-pid]').count(), 6);
    assert.ok((await page.locator('[data-state="exited"]').count()) === 6);
  });

  it('plays at 10× until the end of the run', async () => {
    v = await openViewer();
    const { page } = v;
    await showTrace(page, 'pipe.jsonl');
    await page.click('vscode-toolbar-button[data-action="play10"]');
    // The 43 ms run takes ~4 ms at 10×; play stops on the last event.
    await page.locator('.replay-label', { hasText: 'event 8 of 8' }).waitFor();
    assert.match((await page.textContent('.replay-label')) ?? '', /run ends/);
  });

  it('Enter on the timeline (as a double-click) jumps to where the selected message was sent', async () => {
    v = await openViewer();
    const { page } = v;
    await showTrace(page, 'pipe.jsonl');
    // Select the one message from the details of the receiving process, then Enter on the timeline.
    await page.click('[data-pid="45000"]');
    await page.locator('.details ul.messages button').first().click();
    await page.focus('canvas.lanes');
    await page.keyboard.press('Enter');
    const open = (await posted(page)).filter((m) => m.type === 'openSource');
    assert.deepStrictEqual(open, [{ type: 'openSource', loc: { file: '/home/learner/concurrency-lab-examples/pipe.mjs', line: 7, column: 8 } }]);
  });

  it('plays in steps, not smooth motion, under reduced motion', async () => {
    v = await openViewer();
    const { page } = v;
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await showTrace(page, 'pipe.jsonl');
    await page.click('vscode-toolbar-button[data-action="play10"]');
    await page.locator('.replay-label', { hasText: 'event 8 of 8' }).waitFor();
  });

  it('zooms and pans with the keyboard and the wheel, and fits again', async () => {
    v = await openViewer();
    const { page } = v;
    await showTrace(page, 'pool-apply.jsonl');
    const viewOf = async () => ((await page.evaluate(() => (globalThis as unknown as { __state: { view?: { t0: number; t1: number } } }).__state)).view);
    assert.strictEqual(await viewOf(), undefined, 'fitted: nothing to restore');
    await page.focus('canvas.lanes');
    await page.keyboard.press('+');
    const zoomed = (await viewOf())!;
    await page.keyboard.press('ArrowRight');
    const panned = (await viewOf())!;
    assert.ok(panned.t0 > zoomed.t0, `${JSON.stringify(panned)} vs ${JSON.stringify(zoomed)}`);
    const box = await canvasBox(page);
    await page.mouse.move(box.x + box.width / 2, box.y + 30);
    await page.mouse.wheel(0, -300);
    // The wheel event reaches the page asynchronously: wait until the saved view changed.
    await page.waitForFunction((before) => {
      const view = (globalThis as unknown as { __state: { view?: { t0: number; t1: number } } }).__state.view;
      return view !== undefined && view.t1 - view.t0 !== before;
    }, panned.t1 - panned.t0);
    const wheeled = (await viewOf())!;
    assert.ok(wheeled.t1 - wheeled.t0 < panned.t1 - panned.t0, 'wheel up zooms in');
    // Drag pans.
    await page.mouse.move(box.x + 400, box.y + 30);
    await page.mouse.down();
    await page.mouse.move(box.x + 300, box.y + 30, { steps: 4 });
    await page.mouse.up();
    const dragged = (await viewOf())!;
    assert.ok(dragged.t0 > wheeled.t0, 'dragging left moves to later times');
    await page.keyboard.press('0');
    assert.strictEqual(await viewOf(), undefined);
  });

  it('asks the host to export and open, and shows a failed request', async () => {
    v = await openViewer();
    const { page } = v;
    await showTrace(page, 'pipe-duplex.jsonl');
    await page.click('vscode-toolbar-button[data-action="exportChrome"]');
    await page.click('vscode-toolbar-button[data-action="open"]');
    const reqs = (await posted(page)).filter((m) => m.type === 'export' || m.type === 'openTrace');
    assert.deepStrictEqual(reqs, [
      { type: 'export', requestId: 1, format: 'chrome' },
      { type: 'openTrace', requestId: 2 },
    ]);
    await send(page, { type: 'reply', requestId: 1, error: 'copy.json: cannot write it (EACCES)' });
    await page.locator('[role="alert"]', { hasText: 'copy.json: cannot write it (EACCES)' }).waitFor();
    await send(page, { type: 'reply', requestId: 2 });
    await page.locator('[role="alert"]').waitFor({ state: 'hidden' });
  });

  it('restores the view and selection saved before a reload', async () => {
    const state = { source: { kind: 'file', path: '/traces/queue.jsonl' }, view: { t0: 100_000, t1: 200_000 }, selectedPid: 44002 };
    v = await openViewer({ state });
    const { page } = v;
    await showTrace(page, 'queue.jsonl');
    await page.locator('[data-pid="44002"][aria-selected="true"]').waitFor();
    const saved = await page.evaluate(() => (globalThis as unknown as { __state: unknown }).__state);
    assert.deepStrictEqual(saved, state);
  });

  it('shows the Chinese strings when the page language is zh-cn', async () => {
    v = await openViewer({ lang: 'zh-cn' });
    const { page } = v;
    await showTrace(page, 'pipe.jsonl');
    assert.match((await page.textContent('[data-testid="summary"]')) ?? '', /^2 个进程 · 0 个任务 · 1 条消息/);
    assert.strictEqual(await page.getAttribute('.scrubber', 'aria-label'), '回放位置');
  });

  it('follows a live run and stops following once the user zooms', async () => {
    v = await openViewer();
    const { page } = v;
    await send(page, { type: 'reset', title: 'live', source: { kind: 'run' }, run: { live: true, canRerun: false }, total: 1, events: [{ kind: 'process.start', ts: 1e15, pid: 5, ppid: 1, name: 'main' }] });
    await page.waitForSelector('#root[data-ready="true"]');
    const follow = page.locator('vscode-toolbar-button[data-action="follow"]');
    assert.strictEqual(await follow.getAttribute('checked'), '');
    await page.focus('canvas.lanes');
    await page.keyboard.press('+');
    // lit reflects the property to the attribute in its next update.
    await page.locator('vscode-toolbar-button[data-action="follow"]:not([checked])').waitFor();
    await page.click('vscode-toolbar-button[data-action="stop"]');
    assert.ok((await posted(page)).some((m) => m.type === 'stop'));
  });
});
