// Insights above the timeline, in real Chromium, on a real run's trace
// (test/fixtures/traces/pool-apply-async.recorded.jsonl: `concurrency-lab run
// examples/javascript/pool-apply-async.mjs --trace …` on a 2-CPU machine): the same lines the
// CLI's --insights prints, collapsed to one line until clicked, the choice kept in the webview
// state, each process's line selecting it, Go to source for the longest wait, and the same
// section in the HTML report. test/fixtures/traces/waits.jsonl (three waits) gives the three
// longest waits, each with its source.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { renderReportHtml } from '../../src/report';
import { computeInsights, insightLines, type InsightsLanguage } from '../../src/trace/insights';
import { TraceModel } from '../../src/trace/model';
import { CHROMIUM_ARGS, fixture, openViewer, pageErrors, posted, ROOT, screenshotPath, send, showTrace, type Viewer } from './harness';

const FIXTURE = 'pool-apply-async.recorded.jsonl';
const WAITS = 'waits.jsonl';

/** What `concurrency-lab run --insights` prints for the fixture (its header says 2 CPUs). */
function cliLines(lang: InsightsLanguage) {
  const { header, events } = fixture(FIXTURE);
  assert.strictEqual(header?.cpus, 2);
  return insightLines(computeInsights(new TraceModel(events), header.cpus), lang);
}

/** The same for the waits fixture (its header has no cpus). */
function waitsLines(lang: InsightsLanguage) {
  const { header, events } = fixture(WAITS);
  return insightLines(computeInsights(new TraceModel(events), header?.cpus), lang);
}

/** The three longest waits of test/fixtures/traces/waits.jsonl, longest first. */
const WAITS_LONGEST_EN = [
  /^Longest wait: MainProcess in Queue\.get on Queue#1, 1\.1 s \(waits\.mjs:24\)\.$/,
  /^Second longest: Process-2 in Lock\.acquire on Lock#1, 700 ms \(waits\.mjs:14\)\.$/,
  /^Third longest: MainProcess in Process\.join on Process-2, 150 ms \(waits\.mjs:26\)\.$/,
];

async function longestTexts(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="insights"] li[data-kind="longest"] > span', (els) => els.map((e) => e.textContent || ''));
}

async function listTexts(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="insights"] .insights-list > li', (els) => els.map((e) => (e.textContent || '').replace(/\s*Go to .*$|\s*转到 .*$/, '')));
}

describe('webview: insights', function () {
  let v: Viewer | undefined;
  afterEach(async () => {
    await v?.close();
    v = undefined;
  });

  it('shows the CLI’s insights of a real pool run collapsed to one line, expands on click and remembers it', async () => {
    v = await openViewer({ width: 1100, height: 700 });
    const { page } = v;
    await showTrace(page, FIXTURE, 'pool-apply-async.mjs');
    const expected = cliLines('en');
    const section = page.locator('[data-testid="insights"]');
    // They come in the frame after the trace's first one (computed after its paint).
    await section.waitFor({ state: 'visible' });
    const toggle = section.locator('button.insights-toggle');
    assert.strictEqual(await toggle.getAttribute('aria-expanded'), 'false');
    assert.strictEqual(await section.locator('.insights-list').isVisible(), false);
    // Collapsed it is one line: it does not take the timeline's height.
    const collapsed = (await section.boundingBox())!.height;
    assert.ok(collapsed <= 28, `collapsed height ${collapsed}`);
    const summary = (await section.locator('.insights-summary').textContent()) ?? '';
    assert.match(summary, /^6 tasks on 3 workers; at most 3 ran at once\. Tasks 3–5 waited up to \d+(\.\d)? m?s for a free worker\./);
    assert.match(summary, /Parallelism: \d\.\d busy on average over \d+\.\d s \(2 CPUs\)\.$/);

    await toggle.click();
    assert.strictEqual(await toggle.getAttribute('aria-expanded'), 'true');
    assert.deepStrictEqual(await listTexts(page), expected.map((l) => l.text));
    // The numbers of the run: 4 processes, 6 tasks on 3 workers, tasks 3–5 queued, main mostly in Pool.join.
    const text = (await listTexts(page)).join('\n');
    assert.match(text, /^The run took \d+\.\d s with 4 processes\.$/m);
    assert.match(text, /^MainProcess: .*waiting \d+\.\d s \(mostly in Pool\.join\)\.$/m);
    // The pool named as the timeline names it.
    assert.match(text, /^Longest wait: MainProcess in Pool\.join on Pool#1, \d+\.\d s \(pool-apply-async\.mjs:23\)\.$/m);
    assert.strictEqual((text.match(/^PoolWorker-\d: starting .*, computing \d\.\d s, .*idle .*\.$/gm) ?? []).length, 3);
    const expanded = (await section.boundingBox())!.height;
    assert.ok(expanded > collapsed && expanded <= 8 * 18 + 30, `expanded height ${expanded}`);
    const state = (await page.evaluate(() => (globalThis as unknown as { __state: { insightsOpen?: boolean } }).__state))!;
    assert.strictEqual(state.insightsOpen, true);

    // A process's line selects it; its attribute is not data-pid (that counts the tree's rows).
    const lanes = await page.$$eval('[data-testid="insights"] li[data-lane-pid]', (els) => els.map((e) => Number(e.getAttribute('data-lane-pid'))));
    assert.deepStrictEqual(lanes, expected.filter((l) => l.kind === 'lane').map((l) => l.pid));
    assert.strictEqual(await page.locator('[data-testid="insights"] [data-pid]').count(), 0);
    assert.strictEqual(await page.locator('[role="treeitem"][data-pid]').count(), 4);
    const worker = lanes[1]!;
    await page.click(`[data-testid="insights"] li[data-lane-pid="${worker}"] button`);
    await page.locator(`[role="treeitem"][data-pid="${worker}"][aria-selected="true"]`).waitFor();

    // Go to source of the longest wait (the main process's pool.join(), line 23 of the example).
    await page.click('[data-testid="insights"] li[data-kind="longest"] button.source');
    const open = (await posted(page)).filter((m) => m.type === 'openSource');
    assert.strictEqual(open.length, 1);
    const loc = open[0]!.loc as { file: string; line: number };
    assert.match(loc.file, /pool-apply-async\.mjs$/);
    assert.strictEqual(loc.line, expected.find((l) => l.kind === 'longest')!.loc!.line);
    await page.screenshot({ path: screenshotPath('insights-open.png') });

    // Collapsing is remembered too.
    await toggle.click();
    assert.strictEqual(await section.locator('.insights-list').isVisible(), false);
    assert.strictEqual((await page.evaluate(() => (globalThis as unknown as { __state: { insightsOpen?: boolean } }).__state))!.insightsOpen, undefined);
    assert.deepStrictEqual(pageErrors(page), []);
  });

  it('names the three longest waits with their sources, each with Go to source', async () => {
    v = await openViewer({ width: 1100, height: 700, state: { source: { kind: 'file', path: `/traces/${WAITS}` }, insightsOpen: true } });
    const { page } = v;
    await showTrace(page, WAITS, 'waits.mjs');
    await page.locator('[data-testid="insights"] li[data-kind="longest"]').first().waitFor();
    assert.deepStrictEqual(await listTexts(page), waitsLines('en').map((l) => l.text));
    const texts = await longestTexts(page);
    assert.strictEqual(texts.length, 3, texts.join('\n'));
    texts.forEach((text, i) => assert.match(text, WAITS_LONGEST_EN[i]!));
    assert.deepStrictEqual(await page.$$eval('[data-testid="insights"] li[data-kind="longest"]', (els) => els.map((e) => e.getAttribute('data-rank'))), ['1', '2', '3']);
    // The collapsed line names the longest one only.
    const summary = (await page.textContent('[data-testid="insights"] .insights-summary')) ?? '';
    assert.match(summary, /Longest wait: MainProcess in Queue\.get/);
    assert.doesNotMatch(summary, /Second longest|Third longest/);
    // Each has Go to source, to its own line.
    const buttons = page.locator('[data-testid="insights"] li[data-kind="longest"] button.source');
    assert.strictEqual(await buttons.count(), 3);
    for (const [i, line] of [24, 14, 26].entries()) {
      assert.match((await buttons.nth(i).textContent()) ?? '', new RegExp(`waits\\.mjs:${line}`));
      await buttons.nth(i).click();
      const open = (await posted(page)).filter((m) => m.type === 'openSource');
      assert.strictEqual(open.length, i + 1);
      const loc = open[i]!.loc as { file: string; line: number };
      assert.strictEqual(loc.file, '/home/learner/concurrency-lab-examples/waits.mjs');
      assert.strictEqual(loc.line, line);
    }
    assert.deepStrictEqual(pageErrors(page), []);
  });

  it('opens expanded when the saved state says so, and speaks Chinese in a Chinese VS Code', async () => {
    v = await openViewer({ lang: 'zh-cn', state: { source: { kind: 'file', path: `/traces/${FIXTURE}` }, insightsOpen: true } });
    const { page } = v;
    await showTrace(page, FIXTURE);
    await page.locator('[data-testid="insights"]').waitFor({ state: 'visible' });
    assert.strictEqual(await page.getAttribute('[data-testid="insights"] button.insights-toggle', 'aria-expanded'), 'true');
    const zh = (await listTexts(page)).join('\n');
    assert.deepStrictEqual(await listTexts(page), cliLines('zh-cn').map((l) => l.text));
    assert.match(zh, /^6 个任务在 3 个工作者上运行;最多 3 个同时运行。$/m);
    assert.match(await page.locator('[data-testid="insights"] strong').innerText(), /运行洞察/);
    assert.deepStrictEqual(pageErrors(page), []);
  });

  it('names the three longest waits in Chinese too', async () => {
    v = await openViewer({ lang: 'zh-cn', state: { source: { kind: 'file', path: `/traces/${WAITS}` }, insightsOpen: true } });
    const { page } = v;
    await showTrace(page, WAITS);
    await page.locator('[data-testid="insights"] li[data-kind="longest"]').first().waitFor();
    assert.deepStrictEqual(await listTexts(page), waitsLines('zh-cn').map((l) => l.text));
    assert.deepStrictEqual(
      (await longestTexts(page)).map((t) => t.replace(/,.*$/, '')),
      ['最长的等待:MainProcess 在 Queue#1 上的 Queue.get', '第二长的等待:Process-2 在 Lock#1 上的 Lock.acquire', '第三长的等待:MainProcess 在 Process-2 上的 Process.join'],
    );
    assert.strictEqual(await page.locator('[data-testid="insights"] li[data-kind="longest"] button.source').count(), 3);
    assert.deepStrictEqual(pageErrors(page), []);
  });

  it('is hidden while the run is live and appears when it ends', async () => {
    v = await openViewer();
    const { page } = v;
    const { header, events } = fixture(FIXTURE);
    const head = events.slice(0, 10);
    await send(page, { type: 'reset', title: 'pool-apply-async.mjs', header, source: { kind: 'run' }, run: { live: true, canRerun: true }, total: head.length, events: head });
    await page.waitForSelector('#root[data-ready="true"]');
    assert.strictEqual(await page.locator('[data-testid="insights"]').isVisible(), false);
    await send(page, { type: 'events', events: events.slice(10) });
    await send(page, { type: 'runState', run: { live: false, canRerun: true } });
    await page.locator('[data-testid="insights"]').waitFor({ state: 'visible' });
    assert.match((await page.textContent('[data-testid="insights"] .insights-summary')) ?? '', /^6 tasks on 3 workers; at most 3 ran at once\./);
    assert.deepStrictEqual(pageErrors(page), []);
  });
});

describe('webview: insights in the HTML report', function () {
  let context: BrowserContext | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await context?.close();
    context = undefined;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('shows the same insights, with no Go to source (nothing to open it in)', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-report-'));
    const { header, events } = fixture(FIXTURE);
    const file = path.join(dir, 'report.html');
    fs.writeFileSync(file, renderReportHtml({ title: 'pool-apply-async.mjs', header, events, extensionRoot: ROOT }));
    context = await chromium.launchPersistentContext(path.join(dir, 'profile'), { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1200, height: 700 } });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`file://${file}`);
    await page.waitForSelector('#root[data-ready="true"]', { timeout: 10_000 });
    // Not yet in the first frame (computed after its paint), then shown.
    await page.click('[data-testid="insights"] button.insights-toggle');
    assert.deepStrictEqual(await listTexts(page), cliLines('en').map((l) => l.text));
    assert.strictEqual(await page.locator('[data-testid="insights"] button.source').count(), 0);
    assert.deepStrictEqual(errors, []);
  });

  it('names the three longest waits with their file:line', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-report-'));
    const { header, events } = fixture(WAITS);
    const file = path.join(dir, 'report.html');
    fs.writeFileSync(file, renderReportHtml({ title: 'waits.mjs', header, events, extensionRoot: ROOT }));
    context = await chromium.launchPersistentContext(path.join(dir, 'profile'), { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1200, height: 700 } });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`file://${file}`);
    await page.waitForSelector('#root[data-ready="true"]', { timeout: 10_000 });
    await page.click('[data-testid="insights"] button.insights-toggle');
    assert.deepStrictEqual(await listTexts(page), waitsLines('en').map((l) => l.text));
    const texts = await longestTexts(page);
    assert.strictEqual(texts.length, 3, texts.join('\n'));
    texts.forEach((text, i) => assert.match(text, WAITS_LONGEST_EN[i]!));
    assert.deepStrictEqual(errors, []);
  });
});
