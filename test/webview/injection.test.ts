// Trace strings are untrusted: in the panel's page, every string field of a hostile trace (HTML
// that runs when parsed as markup, javascript: and command: URIs) shows as text; nothing executes,
// no element comes from the trace, the CSP is never even tested, and Go to source passes the
// location to the host verbatim (the host decides, src/panel/sourceAccess.ts).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { renderReportHtml } from '../../src/report';
import { hostileTrace, PAYLOADS } from '../helpers/hostileTrace';
import { CHROMIUM_ARGS, openViewer, pageErrors, posted, ROOT, send, type Viewer } from './harness';

interface Globals {
  __pwned?: number;
  __csp: string[];
  document: { addEventListener(t: string, f: (e: { violatedDirective: string }) => void): void; querySelectorAll(s: string): { length: number } };
}

/** Elements or attributes a payload would have created had it been parsed as markup. */
export const INJECTED = '#root img, #root script, #root iframe, #root svg, #root a[href], #root [onerror], #root [onload], #root [srcdoc]';

export async function watchCsp(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as Globals;
    g.__csp = [];
    g.document.addEventListener('securitypolicyviolation', (e) => g.__csp.push(e.violatedDirective));
  });
}

export async function assertNothingRan(page: Page): Promise<void> {
  const state = await page.evaluate((sel) => {
    const g = globalThis as unknown as Globals;
    return { pwned: g.__pwned || 0, csp: g.__csp, injected: g.document.querySelectorAll(sel).length };
  }, INJECTED);
  assert.deepStrictEqual(state, { pwned: 0, csp: [], injected: 0 });
}

/** Clicks every process in the tree (details: fields, output, messages) and the first message of each. */
async function visitEverything(page: Page): Promise<string> {
  const shown: string[] = [];
  const pids = await page.$$eval('[role="treeitem"][data-pid]', (els) => els.map((e) => e.getAttribute('data-pid')!));
  assert.strictEqual(pids.length, PAYLOADS.length + 1);
  for (const pid of pids) {
    await page.click(`[role="treeitem"][data-pid="${pid}"]`);
    await page.locator('.details h2').first().waitFor();
    shown.push((await page.textContent('.details')) ?? '');
    const msg = page.locator('.details ul.messages button').first();
    if (await msg.count()) {
      await msg.click();
      await page.locator('.details .event').first().waitFor();
      shown.push((await page.textContent('.details')) ?? '');
      // Go to source (the panel) or the location as text (the report).
      for (const b of await page.locator('.details button.source').all()) await b.click();
    }
  }
  return shown.join('\n') + ((await page.textContent('#root')) ?? '');
}

describe('webview: hostile trace strings render as text', function () {
  this.timeout(90_000);
  let viewer: Viewer | undefined;
  let context: BrowserContext | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await viewer?.close();
    viewer = undefined;
    await context?.close();
    context = undefined;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('in the HTML report from file://: every payload shows as text (title too), nothing executes', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-report-inj-'));
    const { header, events } = hostileTrace();
    const file = path.join(dir, 'report.html');
    fs.writeFileSync(file, renderReportHtml({ title: PAYLOADS[2]!, header, events, extensionRoot: ROOT }));
    context = await chromium.launchPersistentContext(path.join(dir, 'profile'), { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 } });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // Listening from the first script on: a payload in the embedded JSON would act while the page parses.
    await page.addInitScript(() => {
      const g = globalThis as unknown as Globals;
      g.__csp = [];
      g.document.addEventListener('securitypolicyviolation', (e) => g.__csp.push(e.violatedDirective));
    });
    await page.goto(`file://${file}`);
    await page.waitForSelector('#root[data-ready="true"]');
    assert.strictEqual(await page.title(), PAYLOADS[2]);
    // Exactly the report's own two script elements: the embedded trace and the viewer.
    assert.strictEqual(await page.locator('script').count(), 2);
    const text = await visitEverything(page);
    for (const payload of PAYLOADS) assert.ok(text.includes(payload), `shown as text: ${payload}`);
    await assertNothingRan(page);
    assert.deepStrictEqual(errors, []);
  });

  it('shows every payload as text in the tree, details, output, replay label; nothing executes', async () => {
    viewer = await openViewer({ width: 1400, height: 900 });
    const { page } = viewer;
    await watchCsp(page);
    const { header, events } = hostileTrace();
    await send(page, { type: 'reset', title: PAYLOADS[0], header, source: { kind: 'file', path: `/traces/${PAYLOADS[1]}.jsonl` }, run: { live: false, canRerun: false }, total: events.length, events });
    await page.waitForSelector('#root[data-ready="true"]');

    const shown = new Set<string>([await visitEverything(page)]);
    // Replay: the label describes each event from its strings.
    await page.click('vscode-toolbar-button[data-action="first"]');
    for (let i = 0; i < 12; i++) {
      await page.click('vscode-toolbar-button[data-action="next"]');
      shown.add((await page.textContent('#root')) ?? '');
    }
    await page.click('vscode-toolbar-button[data-action="last"]');

    const text = [...shown].join('\n') + ((await page.textContent('#root')) ?? '');
    for (const payload of PAYLOADS) assert.ok(text.includes(payload), `shown as text: ${payload}`);
    await assertNothingRan(page);
    assert.deepStrictEqual(pageErrors(page), []);
    // Go to source hands the location to the host as data; command: and javascript: included.
    const locs = (await posted(page)).filter((m) => m.type === 'openSource').map((m) => (m.loc as { file: string }).file);
    assert.ok(locs.length > 0, 'Go to source was offered');
    assert.ok(locs.every((f) => PAYLOADS.includes(f)), JSON.stringify(locs));
    // And nothing else reached the host: no stop, rerun, export or open request came from the trace.
    assert.deepStrictEqual([...new Set((await posted(page)).map((m) => m.type))].sort(), ['openSource', 'ready']);
  });
});
