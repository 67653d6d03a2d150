// The viewer's layout for big runs: full values in the tree's columns, a remembered split between
// timeline and details, search that reaches any item however dense the timeline, and a tree that
// keeps only the rows in view in the DOM (hundreds of processes) — in real Chromium.
import * as assert from 'assert';
import type { Page } from 'playwright-core';
import type { TraceEvent } from '../../src/trace/events';
import { openViewer, send, type Viewer } from './harness';

const T0 = 1_764_290_000_000_000;

/** `procs` children of one main process, each started 37 ms after the previous, sending `perProc` messages. */
function bigRun(procs: number, perProc: number): TraceEvent[] {
  const ev: TraceEvent[] = [{ kind: 'process.start', ts: T0, pid: 1000, ppid: 1, name: 'MainProcess' }];
  for (let i = 0; i < procs; i++) ev.push({ kind: 'process.start', ts: T0 + (i + 1) * 37_123, pid: 2000 + i, ppid: 1000, name: `Process-${i + 1}` });
  let ts = T0 + (procs + 1) * 37_123;
  for (let k = 0; k < perProc; k++) {
    for (let i = 0; i < procs; i++) {
      const id = `${i}-${k}`;
      ev.push({ kind: 'message.send', ts: ts++, pid: 2000 + i, channel: 'queue', channelId: 'q1', msgId: id, summary: `item ${id}` });
      ev.push({ kind: 'message.recv', ts: ts + 40, pid: 1000, channel: 'queue', channelId: 'q1', msgId: id });
    }
  }
  ev.sort((a, b) => a.ts - b.ts);
  ev.push({ kind: 'process.exit', ts: ts + 1_000_000, pid: 1000, exitCode: 0, signal: null });
  return ev;
}

async function load(page: Page, events: TraceEvent[], path = '/traces/big.jsonl'): Promise<void> {
  await send(page, { type: 'reset', title: 'big', header: undefined, source: { kind: 'file', path }, run: { live: false, canRerun: false }, total: events.length, events });
  await page.waitForSelector('#root[data-ready="true"]');
}

const height = (page: Page, sel: string) => page.locator(sel).evaluate((e) => (e as unknown as { getBoundingClientRect(): { height: number } }).getBoundingClientRect().height);

describe('webview: layout of big runs', function () {
  let v: Viewer | undefined;
  afterEach(async () => {
    await v?.close();
    v = undefined;
  });

  it('shows whole start and duration values in the tree', async () => {
    v = await openViewer({ width: 1400 });
    const { page } = v;
    await load(page, bigRun(120, 1));
    const cut = await page.$$eval('.row .cell.start, .row .cell.dur', (els) =>
      els.filter((e) => (e as unknown as { scrollWidth: number }).scrollWidth > (e as unknown as { clientWidth: number }).clientWidth).map((e) => String(e.textContent)),
    );
    assert.deepStrictEqual(cut, []);
    // Later processes start seconds in: "+4.45 s" is shown as such, not as "+4.4 …".
    const starts = await page.$$eval('.row .cell.start', (els) => els.map((e) => String(e.textContent)));
    assert.ok(starts.includes('+0 µs'), starts.join(' '));
  });

  it('keeps column titles and values whole, lined up with the rows, however narrow the process list', async () => {
    v = await openViewer({ width: 1400 });
    const { page } = v;
    // Durations of about a second ("1.30 s"): the DURATION title is wider than every value.
    await load(page, bigRun(8, 1));
    type Box = { cls: string; left: number; right: number; width: number; cut: boolean };
    const boxes = (sel: string) =>
      page.$$eval(sel, (els) =>
        els
          .map((e) => {
            const h = e as unknown as { className: string; scrollWidth: number; clientWidth: number; getBoundingClientRect(): { left: number; right: number; width: number } };
            const r = h.getBoundingClientRect();
            return { cls: h.className.replace('cell ', ''), left: r.left, right: r.right, width: r.width, cut: h.scrollWidth > h.clientWidth };
          })
          .filter((b) => b.width > 0),
      ) as Promise<Box[]>;
    const treeRight = async () => page.$eval('.tree', (e) => (e as unknown as { getBoundingClientRect(): { right: number } }).getBoundingClientRect().right);
    await page.focus('.splitter');
    const seen: string[] = [];
    for (const presses of [0, 3, 4, 3, 5]) {
      for (let i = 0; i < presses; i++) await page.keyboard.press('ArrowLeft');
      await page.evaluate(() => new Promise((r) => (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() => r(undefined))));
      const head = await boxes('.tree-header .cell');
      const row = await boxes('.row[data-pid="1000"] .cell');
      const right = await treeRight();
      const shown = head.map((b) => b.cls).join(',');
      seen.push(shown);
      assert.deepStrictEqual(row.map((b) => b.cls), head.map((b) => b.cls), 'header and rows show the same columns');
      for (const [i, h] of head.entries()) {
        assert.ok(h.right <= right + 0.5, `${h.cls} ends at ${h.right}, past the list's edge ${right} (${shown})`);
        if (h.cls === 'name') continue;
        assert.ok(!h.cut && !row[i]!.cut, `${h.cls} is cut (${shown}): ${JSON.stringify([h, row[i]])}`);
        assert.ok(Math.abs(h.left - row[i]!.left) < 0.5 && Math.abs(h.width - row[i]!.width) < 0.5, `${h.cls} title and values do not line up: ${JSON.stringify([h, row[i]])}`);
      }
    }
    // From every column down to the name and pid, start first and ppid last.
    assert.deepStrictEqual(seen, ['name,pid,ppid,state,start,dur', 'name,pid,ppid,state,dur', 'name,pid,ppid,state', 'name,pid,ppid', 'name,pid']);
  });

  it('gives the timeline most of the height, and remembers where the user puts the border', async () => {
    v = await openViewer({ width: 1200, height: 800 });
    const { page } = v;
    await load(page, bigRun(4, 2));
    const main0 = await height(page, '.main');
    const details0 = await height(page, '.details');
    assert.ok(main0 > details0 * 1.5, `timeline ${main0} px, details ${details0} px`);
    // Drag the border between them 150 px down.
    const box = (await page.locator('.hsplitter').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + 152, { steps: 5 });
    await page.mouse.up();
    const main1 = await height(page, '.main');
    assert.ok(Math.abs(main1 - main0 - 150) < 6, `${main0} -> ${main1}`);
    const state = (await page.evaluate(() => (globalThis as unknown as { __state: { split?: number } }).__state)) ?? {};
    assert.ok(typeof state.split === 'number' && state.split > 0.65, JSON.stringify(state));
    // The keyboard moves it too.
    await page.focus('.hsplitter');
    await page.keyboard.press('ArrowUp');
    const main2 = await height(page, '.main');
    assert.ok(main2 < main1 - 10, `${main1} -> ${main2}`);
    const saved = await page.evaluate(() => (globalThis as unknown as { __state: unknown }).__state);
    await v.close();

    // A reload restores it.
    v = await openViewer({ width: 1200, height: 800, state: saved });
    await load(v.page, bigRun(4, 2));
    const restored = await height(v.page, '.main');
    assert.ok(Math.abs(restored - main2) < 3, `restored ${restored}, had ${main2}`);
  });

  it('finds a message by id among 20,000 that the timeline draws as ticks, and reveals it', async () => {
    v = await openViewer({ width: 1200, height: 800 });
    const { page } = v;
    await load(page, bigRun(100, 100));
    await page.fill('input.search', '57-63');
    await page.locator('.search-status', { hasText: '1 matches' }).waitFor();
    await page.click('.search-results button.result');
    await page.locator('.details h2', { hasText: 'Message item 57-63' }).waitFor();
    // Its sender's lane is scrolled into view and the view zoomed in on it.
    await page.locator('[data-pid="2057"]').waitFor();
    const state = (await page.evaluate(() => (globalThis as unknown as { __state: { view?: { t0: number; t1: number } } }).__state))!;
    assert.ok(state.view && state.view.t1 - state.view.t0 < 10_000, JSON.stringify(state.view));
    // A pid and a process name, by Enter on the first result.
    await page.fill('input.search', 'pid 2099');
    await page.press('input.search', 'Enter');
    await page.locator('.details h2', { hasText: 'pid 2099' }).waitFor();
    await page.locator('[data-pid="2099"][aria-selected="true"]').waitFor();
    await page.fill('input.search', 'no such thing');
    await page.locator('.search-status', { hasText: 'Nothing matches' }).waitFor();
  });

  it('keeps only the rows in view in the DOM, and reaches every row by scrolling and keys', async () => {
    v = await openViewer({ width: 1200, height: 700 });
    const { page } = v;
    await load(page, bigRun(400, 1));
    assert.strictEqual(await page.getAttribute('.tree', 'data-rows'), '401');
    const inDom = await page.locator('[data-pid]').count();
    assert.ok(inDom > 10 && inDom < 80, `${inDom} rows in the DOM`);
    // Scrolling brings the last rows in.
    await page.locator('.scroller').evaluate((e) => {
      (e as unknown as { scrollTop: number }).scrollTop = 1e6;
    });
    await page.locator('[data-pid="2399"]').waitFor();
    assert.ok((await page.locator('[data-pid]').count()) < 80);
    // Keys: Home goes to the first row (scrolled back into view), End to the last.
    await page.click('[data-pid="2399"]');
    await page.locator('[data-pid="2399"][aria-selected="true"]').waitFor();
    await page.keyboard.press('Home');
    await page.locator('[data-pid="1000"][aria-selected="true"]').waitFor();
    await page.keyboard.press('PageDown');
    await page.keyboard.press('End');
    await page.locator('[data-pid="2399"][aria-selected="true"]').waitFor();
    const focused = await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } } }).document.activeElement.getAttribute('data-pid'));
    assert.strictEqual(focused, '2399');
    // Rows line up with their lanes: row i sits at i × 22 px.
    const top = await page.locator('[data-pid="2399"]').evaluate((e) => (e as unknown as { offsetTop: number }).offsetTop);
    assert.strictEqual(top, 400 * 22);
  });
});
