// The HTML report: one self-contained file that shows the same viewer offline from file://, and
// asks for nothing over the network.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type BrowserContext } from 'playwright-core';
import { renderReportHtml } from '../../src/report';
import { CHROMIUM_ARGS, fixture, ROOT, screenshotPath } from './harness';

describe('webview: HTML report', function () {
  let context: BrowserContext | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await context?.close();
    context = undefined;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('opens from file:// offline and shows the trace', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-report-'));
    const { header, events } = fixture('pool-apply-async.jsonl');
    const html = renderReportHtml({ title: 'pool-apply-async.mjs', header, events, extensionRoot: ROOT });
    assert.ok(!/(?:src|href)="(?!data:)/.test(html), 'the report loads something from outside itself');
    assert.match(html, /default-src 'none'/);
    const file = path.join(dir, 'report.html');
    fs.writeFileSync(file, html);
    context = await chromium.launchPersistentContext(path.join(dir, 'profile'), { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1200, height: 700 }, colorScheme: 'light' });
    const page = context.pages()[0] ?? (await context.newPage());
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`file://${file}`);
    await page.waitForSelector('#root[data-ready="true"]', { timeout: 5000 }).catch(async (e) => {
      const state = await page.evaluate(() => {
        const g = globalThis as unknown as { document: { getElementById(id: string): { dataset: Record<string, string>; childElementCount: number } | null; visibilityState: string } };
        const root = g.document.getElementById('root');
        return JSON.stringify({ dataset: root && root.dataset, children: root && root.childElementCount, visibility: g.document.visibilityState });
      });
      throw new Error(`${e}\n${state}\n${errors.join('\n')}`);
    });
    const pids = await page.$$eval('[role="treeitem"][data-pid]', (els) => els.map((e) => Number(e.getAttribute('data-pid'))));
    assert.deepStrictEqual(pids, [42000, 42001, 42002, 42003]);
    assert.match((await page.textContent('[data-testid="summary"]')) || '', /^4 processes · 6 tasks · 0 messages · .* · exit 0$/);
    // Without a host there is nothing to stop, rerun, open or export: those buttons are absent.
    assert.strictEqual(await page.locator('vscode-toolbar-button[data-action="stop"]').count(), 0);
    // The codicon font loaded from the data: URL (icons are drawn, not boxes).
    assert.ok(await page.evaluate(() => (globalThis as unknown as { document: { fonts: { check(f: string): boolean } } }).document.fonts.check('16px codicon')));
    assert.deepStrictEqual(requests, []);
    assert.deepStrictEqual(errors, []);
    await page.screenshot({ path: screenshotPath('report-light.png') });
  });
});
