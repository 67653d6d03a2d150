// Level of detail for tasks and message arrows, in real Chromium: zoomed out, 20,000 tasks of one
// lane are drawn as merged runs (one bar per pixel column, read back from the canvas) and 5,000
// messages as per-lane ticks; zoomed in, every task in view is drawn on its own (gaps between them
// on the canvas) and every message in view as an arrow — counted against the trace itself.
import * as assert from 'assert';
import type { Page } from 'playwright-core';
import type { TraceEvent } from '../../src/trace/events';
import { openViewer, pageErrors, send, type Viewer } from './harness';

const ROW = 22;
const TASK_MID = 3 + 8;
const T = 1764300000000000;

interface Stats {
  spans: number;
  runs: number;
  ticks: number;
  arrows: number;
  messagesInView: number;
  arrowsAggregated: boolean;
}

type PageGlobals = { __concurrencyLabDrawStats: Stats; __state: { view?: { t0: number; t1: number } } | null; requestAnimationFrame(f: () => void): void };

/** The last frame's draw stats (after one more frame, so they are current). */
async function stats(page: Page): Promise<Stats> {
  await page.evaluate(() => new Promise((r) => (globalThis as unknown as PageGlobals).requestAnimationFrame(() => r(undefined))));
  return page.evaluate(() => ({ ...(globalThis as unknown as PageGlobals).__concurrencyLabDrawStats }));
}

/** Colours of `n` device pixels in a horizontal line of the lanes canvas, from CSS point (x, y). */
async function pixelLine(page: Page, x: number, y: number, n: number): Promise<string[]> {
  return page.$eval(
    'canvas.lanes',
    (c, [x, y, n]) => {
      const canvas = c as unknown as { width: number; clientWidth: number; getContext(k: string): { getImageData(x: number, y: number, w: number, h: number): { data: number[] } } };
      const d = canvas.width / canvas.clientWidth;
      const img = canvas.getContext('2d').getImageData(Math.round(x * d), Math.round(y * d), n, 1).data;
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(`${img[4 * i]},${img[4 * i + 1]},${img[4 * i + 2]}`);
      return out;
    },
    [x, y, n] as const,
  );
}

/** Runs of equal neighbours: how many times the colour changes along the line, plus one. */
const segments = (line: string[]) => line.filter((c, i) => i === 0 || c !== line[i - 1]).length;

describe('webview: level of detail for tasks and messages', function () {
  let v: Viewer | undefined;
  afterEach(async () => {
    await v?.close();
    v = undefined;
  });

  it('merges 20,000 tasks into runs and 5,000 messages into ticks zoomed out; zoomed in, draws every task and arrow in view', async function () {
    // 45,000 events posted into the page and 13 zoom steps: under a minute on a loaded 2-core machine.
    this.timeout(180_000);
    v = await openViewer({ width: 1280, height: 700 });
    const { page } = v;
    await page.evaluate(() => {
      (globalThis as unknown as { __concurrencyLabDrawStats: object }).__concurrencyLabDrawStats = {};
    });
    const events: TraceEvent[] = [
      { kind: 'process.start', ts: T, pid: 1, ppid: 0, name: 'MainProcess' },
      { kind: 'process.start', ts: T + 100, pid: 2, ppid: 1, name: 'Worker' },
      { kind: 'process.start', ts: T + 100, pid: 3, ppid: 1, name: 'Reader' },
    ];
    // Tasks of 40 µs every 100 µs on pid 2 (2 s); a message to pid 3 every 400 µs, received 150 µs later.
    const tasks: [number, number][] = [];
    const messages: [number, number][] = [];
    for (let i = 0; i < 20_000; i++) {
      const s = T + 1000 + i * 100 + 0.25;
      tasks.push([s - T, s + 40 - T]);
      events.push({ kind: 'task.start', ts: s, pid: 2, poolId: 'p1', taskId: i, fn: 'work', args: `(${i})` });
      events.push({ kind: 'task.end', ts: s + 40, pid: 2, poolId: 'p1', taskId: i, ok: true });
      if (i % 4 === 0) {
        messages.push([s + 20 - T, s + 170 - T]);
        events.push({ kind: 'message.send', ts: s + 20, pid: 2, channel: 'queue', channelId: 'q1', msgId: String(i), summary: `item ${i}` });
        events.push({ kind: 'message.recv', ts: s + 170, pid: 3, channel: 'queue', channelId: 'q1', msgId: String(i) });
      }
    }
    for (const pid of [2, 3, 1]) events.push({ kind: 'process.exit', ts: T + 2_002_000, pid, exitCode: 0, signal: null });
    events.sort((a, b) => a.ts - b.ts);
    await send(page, { type: 'reset', title: 'dense', source: { kind: 'file', path: '/dense.jsonl' }, run: { live: false, canRerun: false }, total: events.length, events });
    await page.waitForSelector('#root[data-ready="true"]');
    const rowOf = async (pid: number) => Math.round(await page.$eval(`[role="treeitem"][data-pid="${pid}"]`, (e) => (e as unknown as { offsetTop: number }).offsetTop) / ROW);
    const workerY = (await rowOf(2)) * ROW;
    const readerY = (await rowOf(3)) * ROW;
    const w = await page.$eval('canvas.lanes', (c) => (c as unknown as { clientWidth: number }).clientWidth);

    // Zoomed out (~17 tasks per pixel column): runs, no single spans, at most a few per column.
    const out = await stats(page);
    assert.ok(out.runs > 0 && out.spans === 0 && out.runs <= w, JSON.stringify(out));
    assert.ok(out.arrowsAggregated && out.arrows === 0 && out.messagesInView === messages.length, JSON.stringify(out));
    // The runs cover the lane's busy time as one bar: 200 columns in the middle all one colour,
    // which is not the lane's background above the task band.
    const bar = await pixelLine(page, w / 2 - 100, workerY + TASK_MID, 200);
    assert.strictEqual(new Set(bar).size, 1, bar.join(' | '));
    const [above] = await pixelLine(page, w / 2, workerY + 1, 1);
    assert.notStrictEqual(bar[0], above);
    // The reader's received messages are ticks along its lane's bottom edge, in every column.
    const ticks = await pixelLine(page, w / 2 - 100, readerY + ROW - 2, 200);
    const [readerBg] = await pixelLine(page, w / 2, readerY + 1, 1);
    assert.ok(ticks.filter((c) => c !== readerBg).length > 150, ticks.join(' | '));

    // Zoom in (×1.6 per key press, about the middle): ~5 ms in view, tasks ~12 px wide.
    await page.focus('canvas.lanes');
    for (let i = 0; i < 13; i++) await page.keyboard.press('+');
    const zoomed = await stats(page);
    // Plain JS in the page (sucrase would turn ?. into a helper the page does not have).
    const state = await page.evaluate(() => (globalThis as unknown as PageGlobals).__state);
    const view = state ? state.view : undefined;
    assert.ok(view, 'the zoomed view is kept in the webview state');
    const { t0, t1 } = view;
    const inView = tasks.filter(([s, e]) => s < t1 && e >= t0).length;
    assert.ok(inView >= 10 && inView < 200, `${inView} tasks in [${t0}, ${t1}]`);
    assert.strictEqual(zoomed.runs, 0, JSON.stringify(zoomed));
    assert.strictEqual(zoomed.spans, inView, JSON.stringify(zoomed));
    const arrowsInView = messages.filter(([s, r]) => s < t1 && r > t0).length;
    assert.ok(arrowsInView > 0, `${arrowsInView} messages in view`);
    assert.ok(!zoomed.arrowsAggregated, JSON.stringify(zoomed));
    assert.strictEqual(zoomed.arrows, arrowsInView, JSON.stringify(zoomed));
    // On the canvas: task, gap, task, … — at least one colour change per task boundary in a third of the width.
    const line = await pixelLine(page, w / 3, workerY + TASK_MID, Math.round(w / 3));
    const tasksOnLine = tasks.filter(([s, e]) => e >= t0 + ((t1 - t0) * 1) / 3 && s < t0 + ((t1 - t0) * 2) / 3).length;
    assert.ok(segments(line) >= 2 * tasksOnLine - 1, `${segments(line)} segments for ${tasksOnLine} tasks: ${line.join(' | ')}`);
    assert.deepStrictEqual(pageErrors(page), []);
  });
});
