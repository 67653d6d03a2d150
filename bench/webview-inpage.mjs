// The breakdown of the viewer benchmark (bench/webview.mjs; issue #5's original measure): the
// panel's page in headless Chromium fed a trace generated inside the page and posted as objects the
// way the panel's session posts them (a reset message, then 20k-event chunks), so no file is read
// and nothing is parsed as text. What users wait for is measured by bench/webview.mjs; this says
// how much of it is the viewer's own work (model, index, first draw) and the bare redraw cost.
// Used by bench/webview.mjs as the breakdown of what the viewer itself costs.
// Needs the webview bundle: `npx webpack --mode production --config-name webview`.
/* global window, document, requestAnimationFrame, WheelEvent -- generate/load/interact run inside the page */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ORIGIN = 'http://bench.test';
const NONCE = 'benchnonce0123456789abcdef01234';
const CHUNK = 20000; // EVENTS_PER_MESSAGE in src/protocol/messages.ts

// The panel's page (src/panel/html.ts) with a stand-in acquireVsCodeApi, as the webview tests use.
const PAGE = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${ORIGIN}; font-src ${ORIGIN}; img-src ${ORIGIN}; script-src 'nonce-${NONCE}'">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${ORIGIN}/dist/webview/codicon.css">
<link rel="stylesheet" href="${ORIGIN}/media/panel.css">
<link rel="stylesheet" href="${ORIGIN}/media/standalone-theme.css">
</head><body class="vscode-dark"><div id="root" class="app" data-ready="false"></div>
<script nonce="${NONCE}" src="${ORIGIN}/__api.js"></script>
<script nonce="${NONCE}" src="${ORIGIN}/dist/webview/main.js"></script></body></html>`;
const API = `window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} });`;

/**
 * Runs in the page: a trace shaped like a busy run — `processes` processes (main + children, each
 * child a pool worker), tasks on the workers, queue messages between random processes, output
 * lines — totalling about `events` events, of which `messages` * 2 are message events.
 */
function generate({ events, processes, messages }) {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  const out = [];
  const T0 = 1.7e15;
  const dur = 10e6 * Math.max(1, events / 100000); // 10 s per 100k events
  const main = 1000;
  out.push({ kind: 'process.start', ts: T0, pid: main, ppid: 1, name: 'MainProcess' });
  for (let i = 1; i < processes; i++) out.push({ kind: 'process.start', ts: T0 + i * 100, pid: main + i, ppid: i < 8 ? main : main + 1 + (i % 7), name: `Process-${i}` });
  for (let i = 0; i < messages; i++) {
    const from = main + Math.floor(rnd() * processes);
    const to = main + Math.floor(rnd() * processes);
    const ts = T0 + 10000 + rnd() * (dur - 200000);
    const wait = rnd() * 50000;
    out.push({ kind: 'message.send', ts, pid: from, channel: i % 3 ? 'queue' : 'pipe', channelId: `q${i % 4}`, msgId: String(i), summary: `'item ${i}'` });
    out.push({ kind: 'message.recv', ts: ts + wait, pid: to, channel: i % 3 ? 'queue' : 'pipe', channelId: `q${i % 4}`, msgId: String(i), summary: `'item ${i}'` });
  }
  const rest = events - out.length - processes - 1;
  const tasks = Math.floor((rest * 0.8) / 3);
  const perWorker = Math.ceil(tasks / (processes - 1));
  const slot = (dur - 100000) / perWorker;
  for (let t = 0; t < tasks; t++) {
    const w = 1 + (t % (processes - 1));
    const k = Math.floor(t / (processes - 1));
    const start = T0 + 20000 + k * slot + rnd() * slot * 0.1;
    out.push({ kind: 'task.submit', ts: T0 + 5000 + t, pid: main, poolId: 'pool-1', taskId: t, fn: 'work', args: `(${t})` });
    out.push({ kind: 'task.start', ts: start, pid: main + w, poolId: 'pool-1', taskId: t, fn: 'work', args: `(${t})` });
    out.push({ kind: 'task.end', ts: start + slot * (0.5 + rnd() * 0.3), pid: main + w, poolId: 'pool-1', taskId: t, ok: true });
  }
  while (out.length < events - processes - 1) {
    const pid = main + Math.floor(rnd() * processes);
    out.push({ kind: 'output', ts: T0 + 1000 + rnd() * (dur - 2000), pid, stream: rnd() < 0.1 ? 'stderr' : 'stdout', text: `line from ${pid}\n` });
  }
  for (let i = processes - 1; i >= 0; i--) out.push({ kind: 'process.exit', ts: T0 + dur - (processes - i) * 100, pid: main + i, exitCode: 0, signal: null });
  out.push({ kind: 'run.end', ts: T0 + dur, pid: main, exitCode: 0, signal: null, reason: 'exit' });
  // The panel sends events in arrival order, which is (nearly) time order.
  out.sort((a, b) => a.ts - b.ts);
  window.__events = out;
  return out.length;
}

/** Runs in the page: posts the trace as the panel does and resolves when data-ready is set. */
function load(chunk) {
  const ev = window.__events;
  const t0 = performance.now();
  window.postMessage({ type: 'reset', title: 'bench', header: undefined, source: { kind: 'run' }, run: { live: false, canRerun: false }, total: ev.length, events: ev.slice(0, chunk) }, '*');
  for (let i = chunk; i < ev.length; i += chunk) window.postMessage({ type: 'events', events: ev.slice(i, i + chunk) }, '*');
  return new Promise((resolve) => {
    const poll = () => (document.getElementById('root').dataset.ready === 'true' ? resolve(performance.now() - t0) : requestAnimationFrame(poll));
    poll();
  });
}

/** Runs in the page: zooms and pans through the canvas's own handlers; returns each redraw's cost. */
async function interact(rounds) {
  const canvas = document.querySelector('canvas.lanes');
  const r = canvas.getBoundingClientRect();
  const frame = () => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
  await frame();
  window.__concurrencyLabFrames = [];
  for (let i = 0; i < rounds; i++) {
    const phase = i % 4;
    if (phase === 0 || phase === 1) {
      // Zoom in twice, around different points.
      canvas.dispatchEvent(new WheelEvent('wheel', { deltaY: -120, clientX: r.left + r.width * (0.3 + 0.1 * phase), clientY: r.top + 40, bubbles: true, cancelable: true }));
    } else if (phase === 2) {
      canvas.dispatchEvent(new WheelEvent('wheel', { deltaX: 80, deltaY: 0, clientX: r.left + r.width / 2, clientY: r.top + 40, bubbles: true, cancelable: true }));
    } else {
      canvas.dispatchEvent(new WheelEvent('wheel', { deltaY: 240, clientX: r.left + r.width / 2, clientY: r.top + 40, bubbles: true, cancelable: true }));
    }
    await frame();
  }
  const frames = window.__concurrencyLabFrames;
  window.__concurrencyLabFrames = undefined;
  return frames;
}

/**
 * Runs in the page: streams the generated events as a live run at `rate` events/s, in the batches
 * the panel's session sends (every 50 ms), and records every frame's cost and the longest gap
 * between animation frames (a freeze shows up as a long gap).
 */
function live(rate) {
  const ev = window.__events;
  const batch = Math.round(rate * 0.05);
  window.__concurrencyLabFrames = [];
  window.postMessage({ type: 'reset', title: 'live', header: undefined, source: { kind: 'run' }, run: { live: true, canRerun: true }, total: 0, events: [] }, '*');
  return new Promise((resolve) => {
    let sent = 0;
    let last = performance.now();
    const gaps = [];
    let done = false;
    const tick = (now) => {
      gaps.push(now - last);
      last = now;
      if (!done) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const timer = setInterval(() => {
      window.postMessage({ type: 'events', events: ev.slice(sent, sent + batch) }, '*');
      sent += batch;
      if (sent >= ev.length) {
        clearInterval(timer);
        window.postMessage({ type: 'runState', run: { live: false, canRerun: true } }, '*');
        setTimeout(() => {
          done = true;
          const frames = window.__concurrencyLabFrames;
          window.__concurrencyLabFrames = undefined;
          const rows = Number(document.querySelector('.tree')?.dataset.rows ?? 0);
          resolve({ frames, gaps, rows });
        }, 300);
      }
    }, 50);
  });
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

async function measure(context, shape, rounds) {
  const page = await context.newPage();
  try {
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
    const count = await page.evaluate(generate, shape);
    const firstFrameMs = await page.evaluate(load, CHUNK);
    const frames = await page.evaluate(interact, rounds);
    const heapMb = await page.evaluate(() => (performance.memory ? performance.memory.usedJSHeapSize / 1048576 : NaN));
    return { count, firstFrameMs, redrawMs: median(frames), redrawMax: Math.max(...frames), heapMb };
  } finally {
    await page.close();
  }
}

async function measureLive(context, shape, rate) {
  const page = await context.newPage();
  try {
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
    const count = await page.evaluate(generate, shape);
    const r = await page.evaluate(live, rate);
    const sorted = [...r.gaps].sort((a, b) => a - b);
    return { count, frameMedian: median(r.frames), frameMax: Math.max(...r.frames), gapP95: sorted[Math.floor(sorted.length * 0.95)], maxGap: sorted[sorted.length - 1], rows: r.rows };
  } finally {
    await page.close();
  }
}

/** Serves the panel's page and the built files from a fake origin inside `context`. */
export async function routeOrigin(context) {
  await context.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', body: PAGE });
    if (url.pathname === '/__api.js') return route.fulfill({ contentType: 'text/javascript', body: API });
    const file = path.join(ROOT, decodeURIComponent(url.pathname));
    if (!file.startsWith(ROOT + path.sep) || !fs.existsSync(file)) return route.fulfill({ status: 404, body: '' });
    const type = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf' }[path.extname(file)] ?? 'application/octet-stream';
    return route.fulfill({ contentType: type, body: fs.readFileSync(file) });
  });
}

/**
 * The breakdown: the trace generated inside the page and posted as objects (no file, no parsing),
 * so first-frame here is the viewer's own work, and redraw is the draw call alone. Also the live
 * run (100k events/s, posted as the panel's session sends them).
 */
export async function measureInPage(context, quick) {
  await routeOrigin(context);
  const rounds = quick ? 12 : 60;
  const big = await measure(context, quick ? { events: 20000, processes: 64, messages: 4000 } : { events: 100000, processes: 64, messages: 20000 }, rounds);
  const liveShape = quick ? { events: 30000, processes: 64, messages: 6000 } : { events: 300000, processes: 64, messages: 60000 };
  const liveBase = await measureLive(context, { events: 3000, processes: 64, messages: 600 }, 1000);
  const liveBig = await measureLive(context, liveShape, quick ? 10000 : 100000);
  return { big, liveBase, liveBig };
}
