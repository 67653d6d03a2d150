// A real VS Code workbench for UI tests: packs the .vsix (what users install), installs it into a
// throwaway code-server, copies the integration fixture workspace, opens it in headless Chromium.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium';
import { startCodeServer, stopSessionsOnSignals, type CodeServer } from '../../scripts/lib/code-server';
import { FIXTURE_WORKSPACE } from '../../scripts/lib/in-host-suite';
import { packageVsix } from '../../scripts/lib/package';
import { REPO_ROOT } from '../../scripts/lib/paths';

export interface Workbench {
  server: CodeServer;
  browser: Browser;
  page: Page;
  /** The workspace folder the workbench has open (a copy of the fixture workspace). */
  workspace: string;
  /** Stops everything; throws if a process of the session survived. */
  close(): Promise<void>;
  /** Saves a screenshot under test-results/ (git-ignored) and returns its path. */
  screenshot(name: string): Promise<string>;
}

// Run straight from mocha, Ctrl-C would otherwise leave code-server (its own process group) behind.
stopSessionsOnSignals();

let packed: Promise<string> | undefined;

/**
 * Packs the .vsix once per test process (vsce runs the production build first, ~10 s), into a
 * temp folder removed when the process exits; every suite's workbench installs the same file.
 */
function packOnce(): Promise<string> {
  if (!packed) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-e2e-vsix-'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    packed = packageVsix(path.join(dir, 'concurrency-lab.vsix'), true);
  }
  return packed;
}

export async function openWorkbench(): Promise<Workbench> {
  const vsix = await packOnce();
  const server = await startCodeServer({ vsix: [vsix], settings: { 'git.openRepositoryInParentFolders': 'never', 'workbench.editor.enablePreview': false, 'files.simpleDialog.enable': true, 'window.dialogStyle': 'custom' } });
  const workspace = path.join(server.runDir, 'ws');
  fs.cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });
  let browser: Browser;
  try {
    browser = await launchChromium(server.childEnv);
  } catch (err) {
    await server.stop();
    throw err;
  }
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const wb: Workbench = {
    server,
    browser,
    page,
    workspace,
    async close() {
      // Runs resolve only when their whole tree is gone: a snippet process alive now was leaked.
      const deadline = Date.now() + 3000;
      let leaked = server.runProcesses();
      while (leaked.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        leaked = server.runProcesses();
      }
      await browser.close().catch(() => undefined);
      const { leftover } = await server.stop();
      if (leftover.length) throw new Error(`processes survived the workbench session: ${leftover.map((p) => `${p.pid} ${p.cmdline}`).join('; ')}`);
      if (leaked.length) throw new Error(`snippet processes outlived the tests: ${leaked.map((p) => `${p.pid} ${p.cmdline}`).join('; ')}`);
    },
    async screenshot(name) {
      const dir = path.join(REPO_ROOT, 'test-results', 'e2e');
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
      await page.screenshot({ path: file });
      return file;
    },
  };
  try {
    await page.goto(server.workbenchUrl(workspace), { waitUntil: 'domcontentloaded' });
    // The explorer lists the folder once the workbench and its file service are up.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  } catch (err) {
    await wb.close().catch(() => undefined);
    throw err;
  }
  return wb;
}

/**
 * Runs a command from the command palette (F1), by its title, like a user. The palette lists
 * only commands known when it opened, and on a loaded machine our extension's contributions can
 * arrive a few seconds after the workbench shows: so reopen it until the title appears.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (;;) {
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } });
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: Math.max(1000, Math.min(5000, deadline - Date.now())) });
      break;
    } catch (err) {
      if (Date.now() >= deadline) throw new Error(`command palette: no command titled "${title}" within ${timeoutMs / 1000} s (${(err as Error).message.split('\n')[0]})`);
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.press('Enter');
}

/** How long the file dialog may take to list a typed path's file before it is typed again. */
const LIST_WAIT_MS = 8000;

/**
 * Picks a file in VS Code's simple file dialog by typing its path, like a user, and returns the
 * time (Date.now()) of the Enter the dialog accepted. The dialog writes its folder into the box
 * when it opens and, on a loaded machine, may write it again after the path was typed (it lists
 * the folder asynchronously): an Enter then only opens that folder and the dialog stays open. The
 * benchmark's "Open Trace File… hung for 120 s" was that, not the panel. So the box's value is
 * checked before Enter and the dialog must close after it; otherwise the path is typed again.
 */
export async function pickInFileDialog(page: Page, file: string, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input');
  await input.waitFor({ timeout: timeoutMs });
  while (!(await input.inputValue()).startsWith('/')) {
    if (Date.now() >= deadline) throw new Error('file dialog: it never showed its folder');
    await page.waitForTimeout(50);
  }
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(file) }).first();
  let seen = '';
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) {
      // The dialog missed the path typed (it kept listing the folder it had, so the file never
      // appeared: the benchmark's "not measured" reps): type its folder first, then the path again.
      await input.fill(`${path.dirname(file)}/`);
      await page.waitForTimeout(300);
    }
    await input.fill(file);
    // The dialog has looked the typed path up once it lists the file; a few seconds without it
    // means the typing was missed.
    try {
      await row.waitFor({ timeout: Math.max(1000, Math.min(LIST_WAIT_MS, deadline - Date.now())) });
    } catch {
      seen = await input.inputValue().catch(() => seen);
      if (Date.now() >= deadline) throw new Error(`file dialog: ${path.basename(file)} typed ${attempt} times but never listed (the box reads "${seen}")`);
      continue;
    }
    await page.waitForTimeout(200);
    seen = await input.inputValue();
    if (seen === file) {
      const enter = Date.now();
      await page.keyboard.press('Enter');
      try {
        await widget.waitFor({ state: 'hidden', timeout: Math.max(1000, Math.min(15_000, deadline - Date.now())) });
        return enter;
      } catch {
        seen = await input.inputValue().catch(() => seen);
      }
    }
    if (Date.now() >= deadline) throw new Error(`file dialog: ${path.basename(file)} typed ${attempt} times but not accepted (the box reads "${seen}")`);
  }
}

/** Opens a workspace file through Quick Open (Ctrl+P). */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } });
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab[aria-label*="${name}"]`).first().waitFor({ timeout: 20_000 });
}

/** A webview's document: two iframes deep (the outer host frame, then the content frame). */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/**
 * Registers the hooks every e2e suite needs — open one workbench for the suite, close it after,
 * screenshot a failed test — and returns a getter for the workbench. Call inside `describe`.
 */
export function useWorkbench(): () => Workbench {
  let wb: Workbench | undefined;
  before(async function () {
    this.timeout(180_000);
    wb = await openWorkbench();
  });
  after(async function () {
    this.timeout(30_000);
    await wb?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) console.log(`    screenshot: ${await wb.screenshot(this.currentTest.fullTitle())}`);
  });
  return () => {
    if (!wb) throw new Error('the workbench did not open (see the before hook)');
    return wb;
  };
}
