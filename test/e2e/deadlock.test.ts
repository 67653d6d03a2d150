// The deadlock banner end to end, driven like a user: run the deadlock-locks and pipe-deadlock
// examples with "Concurrency Lab: Run File with Tracing" in a real workbench (the packaged .vsix in
// code-server), and the panel's banner names the cycle, its Go to source puts the editor on the
// stuck line, and its Stop ends the run with no process left. Measures the time from the last
// wait.begin (in the run's trace) to the banner showing in the webview.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../../scripts/lib/paths';
import { readTraceFile } from '../../src/panel/traceFiles';
import type { TraceEvent } from '../../src/trace/events';
import { openFile, runCommand, webviewFrame, useWorkbench, type Workbench } from './workbench';

const EXAMPLES = ['deadlock-locks.mjs', 'pipe-deadlock.mjs'];

/** The saved last run (the panel writes it to its global storage when the run ends). */
function lastRunFile(runDir: string): string | undefined {
  const stack = [runDir];
  while (stack.length) {
    const dir = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== 'ws' && e.name !== 'extensions') stack.push(p);
      else if (e.name === 'last-run.jsonl' && p.includes('globalStorage')) return p;
    }
  }
  return undefined;
}

async function statusLine(page: Page): Promise<number | undefined> {
  const text = (await page.locator('[id="status.editor.selection"]').textContent().catch(() => '')) ?? '';
  const m = /Ln (\d+)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

describe('deadlock banner, driven through the UI (packaged .vsix in code-server)', () => {
  const workbench = useWorkbench();
  const latencies: string[] = [];

  before(() => {
    const { workspace } = workbench();
    for (const name of EXAMPLES) fs.copyFileSync(path.join(REPO_ROOT, 'examples/javascript', name), path.join(workspace, name));
  });

  // A failed test leaves its deadlocked run going: stop it as a user would, so the next test and
  // the session's leak check see only what they should.
  afterEach(async function () {
    this.timeout(60_000);
    const wb = workbench();
    if (!wb.server.runProcesses().length) return;
    await runCommand(wb.page, 'Concurrency Lab: Stop Run');
    const gone = Date.now() + 15_000;
    while (wb.server.runProcesses().length && Date.now() < gone) await new Promise((r) => setTimeout(r, 200));
  });

  after(() => {
    if (latencies.length) console.log(`    last wait.begin → deadlock event / → banner shown: ${latencies.join('; ')}`);
  });

  for (const [name, pattern, stuck] of [
    ['deadlock-locks.mjs', /^Process-[12] waits for Lock#[12] held by Process-[12]$/, /second\.acquire\(\)/],
    ['pipe-deadlock.mjs', /^(MainProcess|Process-1) waits in Pipe#1\.recv, which only (MainProcess|Process-1) could end$/, /\.recv\(\)/],
  ] as const) {
    it(`${name}: the banner names the cycle, Go to source opens the stuck line, Stop ends the run`, async function () {
      this.timeout(180_000);
      const wb: Workbench = workbench();
      const { page } = wb;
      await openFile(page, name);
      const view = webviewFrame(page);
      await runCommand(page, 'Concurrency Lab: Run File with Tracing');
      // The run streams in: its title first, then (once both processes block) the banner.
      await view.locator('.toolbar .title', { hasText: name }).waitFor({ timeout: 60_000 });
      const banner = view.locator('[data-testid="deadlock"][role="alert"]');
      await banner.waitFor({ timeout: 60_000 });
      const seenByTest = Date.now();

      // It names the cycle: both processes, each waiting for what the other has.
      assert.match((await banner.locator('.deadlock-head strong').textContent()) ?? '', /^Deadlock: these processes wait for each other/);
      const lines = (await banner.locator('li button.link').allTextContents()).map((s) => s.trim());
      assert.strictEqual(lines.length, 2, lines.join(' | '));
      for (const l of lines) assert.match(l, pattern);
      const who = lines.map((l) => l.split(' ')[0]).sort();
      assert.notStrictEqual(who[0], who[1], `both lines are of ${who[0]}`);

      // Go to source: the editor goes to the stuck call's line.
      const source = banner.locator('li button.source').first();
      const sourceText = ((await source.textContent()) ?? '').trim();
      const where = /:(\d+)(?::\d+)?$/.exec(sourceText);
      assert.ok(where, sourceText);
      const line = Number(where[1]);
      assert.match(fs.readFileSync(path.join(wb.workspace, name), 'utf8').split('\n')[line - 1] ?? '', stuck);
      await source.click();
      const deadline = Date.now() + 20_000;
      while ((await statusLine(page)) !== line && Date.now() < deadline) await page.waitForTimeout(100);
      assert.strictEqual(await statusLine(page), line, 'the editor is not on the stuck line');
      assert.strictEqual(await page.locator(`.tabs-container .tab.active[data-resource-name="${name}"]`).count(), 1, `${name} is not the active editor`);

      // Stop: the run ends as stopped, and nothing it started is left.
      assert.ok(wb.server.runProcesses().length >= 2, 'the deadlocked processes are not running');
      await banner.locator('button[data-action="deadlock-stop"]').click();
      await view.locator('[data-testid="summary"]', { hasText: /stopped/ }).waitFor({ timeout: 30_000 });
      const gone = Date.now() + 10_000;
      while (wb.server.runProcesses().length && Date.now() < gone) await new Promise((r) => setTimeout(r, 100));
      assert.deepStrictEqual(wb.server.runProcesses().map((p) => `${p.pid} ${p.cmdline}`), []);
      assert.strictEqual(await banner.locator('button[data-action="deadlock-stop"]').count(), 0, 'Stop is still offered after the run ended');

      // The time from the last wait.begin to the deadlock event and to the banner.
      let events: TraceEvent[] = [];
      const saveDeadline = Date.now() + 10_000;
      for (;;) {
        const file = lastRunFile(wb.server.runDir);
        if (file) {
          events = (await readTraceFile(file)).events;
          if (events.some((e) => e.kind === 'deadlock') && events.some((e) => e.kind === 'run.end')) break;
        }
        if (Date.now() > saveDeadline) throw new Error('the panel did not save the run (last-run.jsonl)');
        await new Promise((r) => setTimeout(r, 200));
      }
      const deadlock = events.find((e) => e.kind === 'deadlock')!;
      const lastBegin = Math.max(...events.filter((e) => e.kind === 'wait.begin' && e.ts <= deadlock.ts).map((e) => e.ts));
      // When the banner showed, as the webview recorded it (its wall clock; the runner's trace
      // clock is the monotonic clock set to the wall clock at the run's start).
      const shownAt = Number(await banner.getAttribute('data-shown-at'));
      assert.ok(shownAt > 0 && shownAt <= seenByTest, `data-shown-at ${shownAt}`);
      const toEvent = (deadlock.ts - lastBegin) / 1000;
      const toBanner = shownAt - lastBegin / 1000;
      latencies.push(`${name} ${toEvent.toFixed(0)} ms / ${toBanner.toFixed(0)} ms`);
      // The bar: reported within 2 s of the deadlock forming, grace period (500 ms) included.
      assert.ok(toBanner < 2000, `banner ${toBanner.toFixed(0)} ms after the last wait.begin`);
    });
  }
});
