// A live run streaming 100k events/s into the panel, in the real VS Code host (issue #14): code-server
// with this repository as the development extension (as bench/webview-host.mjs), headless
// Chromium; "Concurrency Lab: Run File with Tracing" on a snippet that appends message.send events
// to its trace channel file at RATE events/s for SECONDS s (paced every 10 ms, after a 2 s pause so
// the panel is open). In the webview, every animation frame records its time and the message count
// the summary shows (what a user sees; the DOM is refreshed a few times a second while live):
// events/s painted, frame gaps (p95, longest) while streaming, and how long after the snippet's
// last event the panel showed them all.
//   node bench/webview-live-host.mjs [--rate 100000] [--seconds 3]; bench/webview.mjs runs it (--only live-host).
/* global document, requestAnimationFrame -- the probe runs inside the webview frame */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
require('sucrase/register/ts');
const { startCodeServer, stopSessionsOnSignals } = require('../scripts/lib/code-server.ts');
const { launchChromium } = require('../scripts/lib/chromium.ts');
const { runCommand, openFile } = require('../test/e2e/workbench.ts');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RATE = arg('rate', 100_000);
const SECONDS = arg('seconds', 3);

const snippet = (RATE, SECONDS) => `// Streams ${RATE} message.send events/s for ${SECONDS} s to this process's trace channel file.
import * as fs from 'node:fs';
import * as path from 'node:path';
const dir = process.env.CONCURRENCY_LAB_TRACE_DIR;
await new Promise((r) => setTimeout(r, 2000));
const fd = fs.openSync(path.join(dir, \`\${process.pid}-0.jsonl\`), 'a');
const total = ${RATE * SECONDS};
const base = { kind: 'message.send', ts: 0, pid: process.pid, channel: 'queue', channelId: 'live', msgId: '' };
const t0 = performance.now();
let sent = 0;
while (sent < total) {
  const due = Math.min(total, Math.floor(((performance.now() - t0) * ${RATE}) / 1000) + ${RATE / 100});
  let text = '';
  for (; sent < due; sent++) {
    base.ts = (performance.timeOrigin + performance.now()) * 1000;
    base.msgId = String(sent);
    text += JSON.stringify(base) + '\\n';
  }
  fs.writeSync(fd, text);
  await new Promise((r) => setTimeout(r, 10));
}
fs.closeSync(fd);
fs.writeFileSync(path.join(process.cwd(), 'live-done.json'), JSON.stringify({ start: performance.timeOrigin + t0, end: Date.now(), sent }));
`;

/** Runs in the webview frame: per animation frame, its time and the summary's message count, until the run is over and all are shown. */
function probe(total) {
  return new Promise((resolve) => {
    const frames = [];
    const summary = () => document.querySelector('[data-testid="summary"]')?.textContent ?? '';
    const tick = () => {
      const s = summary();
      const m = /([\d,]+) messages/.exec(s);
      const count = m ? Number(m[1].replace(/,/g, '')) : 0;
      frames.push([Date.now(), performance.now(), count]);
      if ((count >= total && !s.includes('running')) || frames.length > 20000) resolve(frames);
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One live run in a fresh code-server; what the panel painted (see the header). */
export async function measureLiveRun({ rate = RATE, seconds = SECONDS } = {}) {
  if (!fs.existsSync(path.join(ROOT, 'dist/extension.js'))) throw new Error('dist/extension.js is missing: `npm run build`');
  stopSessionsOnSignals();
  const server = await startCodeServer({ settings: { 'workbench.startupEditor': 'none' } });
  const workspace = path.join(server.runDir, 'ws');
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'live-stream.mjs'), snippet(rate, seconds));
  let browser;
  let leftover = [];
  let result;
  try {
    browser = await launchChromium(server.childEnv);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.workbenchUrl(workspace, [['extensionDevelopmentPath', server.remoteUri(ROOT)]]), { waitUntil: 'domcontentloaded', timeout: 90_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90_000 });
    await openFile(page, 'live-stream.mjs');
    await runCommand(page, 'Concurrency Lab: Run File with Tracing');
    // The panel's frame, once it shows the run (the snippet waits 2 s before its first event).
    let frame;
    for (const deadline = Date.now() + 30_000; !frame && Date.now() < deadline; ) {
      for (const f of page.frames()) if (await f.evaluate(() => !!document.getElementById('root')).catch(() => false)) frame = f;
      if (!frame) await new Promise((r) => setTimeout(r, 100));
    }
    if (!frame) throw new Error('the panel never showed');
    const total = rate * seconds;
    const frames = await frame.evaluate(probe, total);
    const done = JSON.parse(fs.readFileSync(path.join(workspace, 'live-done.json'), 'utf8'));
    // Streaming: from the first frame that shows a message to the first that shows them all.
    const first = frames.findIndex((f) => f[2] > 0);
    const all = frames.findIndex((f) => f[2] >= total);
    if (first < 0 || all < 0) throw new Error(`the panel showed ${frames[frames.length - 1]?.[2] ?? 0} of ${total} events`);
    const gaps = [];
    for (let i = first + 1; i <= all; i++) gaps.push(frames[i][1] - frames[i - 1][1]);
    const sorted = [...gaps].sort((a, b) => a - b);
    const paintedSpan = (frames[all][0] - frames[first][0]) / 1000;
    result = {
      rate,
      seconds,
      sent: done.sent,
      wroteS: (done.end - done.start) / 1000,
      firstShownMs: Math.round(frames[first][0] - done.start),
      allShownAfterMs: Math.round(frames[all][0] - done.end),
      paintedPerS: total / paintedSpan,
      paintedSpanS: paintedSpan,
      gapMedian: median(gaps),
      gapP95: sorted[Math.floor(sorted.length * 0.95)],
      gapMax: sorted[sorted.length - 1],
      frames: gaps.length,
    };
  } finally {
    await browser?.close().catch(() => undefined);
    ({ leftover } = await server.stop());
  }
  if (leftover.length) throw new Error(`processes survived the code-server session: ${leftover.map((p) => p.pid).join(', ')}`);
  return result;
}

/** One line for people. */
export function describeLiveRun(r) {
  return `live run, ${r.rate} events/s for ${r.seconds} s (${r.sent} events; the snippet wrote them in ${r.wroteS.toFixed(2)} s): the panel showed the first at +${r.firstShownMs} ms from the snippet's start, all of them at +${r.allShownAfterMs} ms after its last; painted ${(r.paintedPerS / 1000).toFixed(1)}k events/s (first shown → all shown ${r.paintedSpanS.toFixed(2)} s); frame gaps while streaming: median ${r.gapMedian.toFixed(1)} ms, p95 ${r.gapP95.toFixed(1)} ms, longest ${r.gapMax.toFixed(1)} ms (${r.frames} frames)`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await measureLiveRun();
  console.log(`load: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(describeLiveRun(r));
}
