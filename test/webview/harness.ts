// Loads the panel's real page (src/panel/html.ts + dist/webview/main.js + media/panel.css) into
// headless Debian Chromium with a stand-in for acquireVsCodeApi, served from a fake origin through
// request interception (nothing touches the network). One browser per test: the root leak hook
// fails any test that leaves a process behind, so the browser is closed in afterEach.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { viewerPageHtml } from '../../src/panel/html';
import { parseJsonl } from '../../src/trace/jsonl';
import type { TraceEvent, TraceHeader } from '../../src/trace/events';

export const ROOT = path.resolve(__dirname, '../..');
const ORIGIN = 'http://viewer.test';
const NONCE = 'testnonce0123456789abcdef012345';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** What the page's global object offers (this file is compiled without the DOM lib). */
interface PageGlobals {
  __posted: { type: string; [k: string]: unknown }[];
  __state: unknown;
  postMessage(message: unknown, targetOrigin: string): void;
}

export interface Viewer {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export function fixture(name: string): { header: TraceHeader | undefined; events: TraceEvent[] } {
  const parsed = parseJsonl(fs.readFileSync(path.join(ROOT, 'test/fixtures/traces', name), 'utf8'));
  if (parsed.malformed) throw new Error(`${name}: ${parsed.malformed} malformed lines`);
  return { header: parsed.header, events: parsed.events };
}

const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.html': 'text/html' };

export interface OpenOptions {
  colorScheme?: 'light' | 'dark';
  /** What getState() returns at load (a reload restoring saved state). */
  state?: unknown;
  lang?: string;
  width?: number;
  height?: number;
  /** Dark high contrast: the body class and the HC theme's key colours, as VS Code sets them. */
  highContrast?: boolean;
}

const HIGH_CONTRAST_VARS = `body.vscode-high-contrast {
  --vscode-editor-background: #000000; --vscode-foreground: #ffffff; --vscode-descriptionForeground: #ffffff;
  --vscode-contrastBorder: #6fc3df; --vscode-contrastActiveBorder: #f38518; --vscode-focusBorder: #f38518;
  --vscode-list-hoverBackground: transparent; --vscode-list-activeSelectionBackground: transparent;
  --vscode-panel-border: #6fc3df; --vscode-editorWidget-border: #6fc3df; --vscode-textCodeBlock-background: #000000;
}`;

export async function openViewer(opts: OpenOptions = {}): Promise<Viewer> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-webview-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    colorScheme: opts.colorScheme ?? 'dark',
  });
  const close = async () => {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const html = viewerPageHtml({
      cspSource: ORIGIN,
      nonce: NONCE,
      scriptUri: `${ORIGIN}/dist/webview/main.js`,
      cssUri: `${ORIGIN}/media/panel.css`,
      codiconCssUri: `${ORIGIN}/dist/webview/codicon.css`,
      lang: opts.lang ?? 'en',
    })
      // VS Code injects the theme variables and the body class; outside it, the standalone theme does.
      .replace('</head>', `<link rel="stylesheet" href="${ORIGIN}/media/standalone-theme.css">\n${opts.highContrast ? `<link rel="stylesheet" href="${ORIGIN}/__hc.css">\n` : ''}</head>`)
      .replace('<body>', `<body class="${opts.highContrast ? 'vscode-high-contrast' : `vscode-${opts.colorScheme ?? 'dark'}`}">`)
      // The stand-in for the webview API, loaded before the viewer (same nonce, as the CSP demands).
      .replace('<script nonce', `<script nonce="${NONCE}" src="${ORIGIN}/__api.js"></script>\n<script nonce`);
    const api = `window.__posted = []; window.__state = ${JSON.stringify(opts.state ?? null)};
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(m),
  getState: () => window.__state,
  setState: (s) => { window.__state = s; },
});`;
    await page.route(`${ORIGIN}/**`, async (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/' || url.pathname === '/index.html') return route.fulfill({ status: 200, contentType: 'text/html', body: html });
      if (url.pathname === '/__hc.css') return route.fulfill({ status: 200, contentType: 'text/css', body: HIGH_CONTRAST_VARS });
      if (url.pathname === '/__api.js') return route.fulfill({ status: 200, contentType: 'text/javascript', body: api });
      const file = path.join(ROOT, decodeURIComponent(url.pathname));
      if (!file.startsWith(ROOT + path.sep) || !fs.existsSync(file)) return route.fulfill({ status: 404, body: '' });
      return route.fulfill({ status: 200, contentType: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', body: fs.readFileSync(file) });
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    (page as Page & { __errors?: string[] }).__errors = errors;
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__posted.some((m) => m.type === 'ready'));
    return { context, page, close };
  } catch (e) {
    await close();
    throw e;
  }
}

export function pageErrors(page: Page): string[] {
  return (page as Page & { __errors?: string[] }).__errors ?? [];
}

/** Sends a message the way the panel does (postMessage into the page). */
export async function send(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => (globalThis as unknown as PageGlobals).postMessage(m, '*'), message as Record<string, unknown>);
}

export async function showTrace(page: Page, name: string, title = name): Promise<void> {
  const { header, events } = fixture(name);
  await send(page, { type: 'reset', title, header, source: { kind: 'file', path: `/traces/${name}` }, run: { live: false, canRerun: false }, total: events.length, events });
  await page.waitForSelector('#root[data-ready="true"]');
}

export async function posted(page: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__posted);
}

export function screenshotPath(name: string): string {
  const dir = path.join(ROOT, 'test-results', 'webview');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
