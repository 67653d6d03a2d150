// Runs test/integration's mocha suite inside a real VS Code extension host: code-server serves
// the workbench, headless Chromium opens it with extensionDevelopmentPath/extensionTestsPath,
// and the extension host's console (mocha's reporter) is relayed here. Same contract as
// @vscode/test-web: window.codeAutomationLog / window.codeAutomationExit.
import * as fs from 'fs';
import * as path from 'path';
import { format } from 'util';
import { launchChromium } from './chromium';
import { startCodeServer } from './code-server';
import { REPO_ROOT } from './paths';
import { watchdog } from './watchdog';

// Printed by test/integration/index.js.
export const START_MARKER = 'CONCURRENCY_LAB_SUITE_START';
export const DONE_MARKER = 'CONCURRENCY_LAB_SUITE_DONE';
/** Routine workbench log lines that can interleave with mocha's report; shown only with --verbose. */
const WORKBENCH_CHATTER = /^(Ignoring fetching additional builtin extensions|Updating additional builtin extensions cache|\[Service Worker\]|Creating a socket|Resolv(ing|ed) connection token|ChatSessionStore:)/;
export const FIXTURE_WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'integration', 'workspace');
const SUITE_ENTRY = path.join(REPO_ROOT, 'test', 'integration', 'index.js');

export interface SuiteOptions {
  /** 'restricted': workspace trust on (Restricted Mode), runs only tests tagged @restricted. */
  mode: 'trusted' | 'restricted';
  timeoutMs: number;
  write: (text: string) => void;
  verbose?: boolean;
}

export interface SuiteOutcome {
  ok: boolean;
  /** One line: why it failed, or the counts. */
  summary: string;
  counts?: { failures: number; tests: number; passes: number; pending: number };
  /** Processes of the session still alive after the teardown's SIGKILL (must be empty). */
  leftover: { pid: number; cmdline: string }[];
}

export async function runInHostSuite(opts: SuiteOptions): Promise<SuiteOutcome> {
  const log = (l: string) => opts.write(l + '\n');
  const server = await startCodeServer({
    trust: opts.mode === 'restricted',
    env: { CONCURRENCY_LAB_IT_MODE: opts.mode },
    // Restricted Mode must stay restricted: no startup dialog asking to trust the folder.
    settings: { 'git.openRepositoryInParentFolders': 'never', ...(opts.mode === 'restricted' ? { 'security.workspace.trust.startupPrompt': 'never' } : {}) },
    log: opts.verbose ? log : undefined,
  });
  // A throwaway copy: tests may write files into their workspace.
  const workspace = path.join(server.runDir, 'ws');
  fs.cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });

  let counts: SuiteOutcome['counts'];
  let started = false;
  const preamble: string[] = [];
  let outcome: { ok: boolean; summary: string } | undefined;
  const browser = await launchChromium(server.childEnv).catch(async (err) => {
    await server.stop();
    throw err;
  });
  try {
    const page = await browser.newPage();
    // Armed before the page can report; every report line restarts its quiet time.
    const dog = watchdog(opts.timeoutMs);
    let reportExit: (code: number) => void = () => undefined;
    const finished = new Promise<number>((resolve) => (reportExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      // The host's console calls arrive as (type, args): mocha's reporter uses printf-style formats.
      const text = format(...(Array.isArray(args) ? args : [args]));
      dog.touch();
      if (text.includes(START_MARKER)) {
        started = true;
        return;
      }
      const at = text.indexOf(DONE_MARKER);
      if (at >= 0) {
        try {
          counts = JSON.parse(text.slice(at + DONE_MARKER.length).trim());
        } catch {
          // a malformed marker counts as no marker
        }
        return;
      }
      // Workbench chatter before the suite starts is kept for the failure report; the rejection
      // that index.js throws after a failing suite is not news.
      if (opts.verbose) opts.write(`${started && !counts ? '' : '[workbench] '}${text}\n`);
      else if (!started) preamble.push(`[${type}] ${text}`);
      else if (!counts && !WORKBENCH_CHATTER.test(text)) opts.write(text + '\n');
    });
    if (opts.verbose) {
      page.on('console', (m) => log(`[workbench:${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => log(`[workbench:pageerror] ${e.message}`));
    }
    const url = server.workbenchUrl(workspace, [
      ['extensionDevelopmentPath', server.remoteUri(REPO_ROOT)],
      ['extensionTestsPath', server.remoteUri(SUITE_ENTRY)],
    ]);
    const serverDied = server.exited.then((code) => ({ serverExit: code }));
    const browserDied = new Promise<'browser'>((resolve) => browser.on('disconnected', () => resolve('browser')));
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const result = await Promise.race([finished, dog.fired, serverDied, browserDied]);
    dog.clear();
    if (result === 'timeout') outcome = { ok: false, summary: `no report for ${Math.round(opts.timeoutMs / 1000)} s (hang); set CONCURRENCY_LAB_IT_TIMEOUT_MS to allow longer` };
    else if (result === 'browser') outcome = { ok: false, summary: 'Chromium exited before the suite finished' };
    else if (typeof result === 'object') outcome = { ok: false, summary: `code-server exited (code ${result.serverExit}) before the suite finished` };
    else if (!counts) outcome = { ok: false, summary: `the workbench reported exit ${result} but the suite never finished (extension host crashed, or a test file failed to load)` };
    else if (result !== 0 || counts.failures > 0) outcome = { ok: false, summary: `${counts.failures} failing, ${counts.passes} passing (workbench exit ${result})` };
    else if (counts.tests === 0 && opts.mode === 'trusted') outcome = { ok: false, summary: 'no tests ran' };
    else outcome = { ok: true, summary: `${counts.passes} passing${counts.pending ? `, ${counts.pending} pending` : ''}` };
    if (counts) {
      // Runs resolve only when their whole tree is gone, so a snippet process alive now was leaked.
      const leaked = await settle(() => server.runProcesses(), 3000);
      if (leaked.length) outcome = { ok: false, summary: `${outcome.summary}; ${leaked.length} snippet process(es) outlived the suite: ${leaked.map((p) => `${p.pid} ${p.cmdline.slice(0, 60)}`).join('; ')}` };
    }
  } catch (err) {
    outcome = { ok: false, summary: (err as Error).message.split('\n')[0] };
  } finally {
    await browser.close().catch(() => undefined);
  }
  outcome ??= { ok: false, summary: 'the suite did not report' };
  if (!outcome.ok && !started && preamble.length && !opts.verbose) opts.write(`workbench and extension host output before the failure:\n${preamble.slice(-40).join('\n')}\n`);
  const { leftover } = await server.stop();
  if (leftover.length) outcome = { ok: false, summary: `${outcome.summary}; ${leftover.length} process(es) survived SIGKILL` };
  return { ...outcome, counts, leftover };
}

/** Polls `list` until it is empty or `ms` passed; returns the last result. */
async function settle<T>(list: () => T[], ms: number): Promise<T[]> {
  const deadline = Date.now() + ms;
  let items = list();
  while (items.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    items = list();
  }
  return items;
}
