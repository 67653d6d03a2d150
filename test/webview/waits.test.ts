// Blocked time and lock holds in the viewer, in real Chromium: what the canvas draws (hatching read
// back from its pixels, the names written on it through the draw-stats hook), the details of a
// selected wait or hold, a row's live "waiting: …" state, and the level of detail at 20,000 waits.
import * as assert from 'assert';
import type { Page } from 'playwright-core';
import type { TraceEvent } from '../../src/trace/events';
import { fixture, openViewer, pageErrors, posted, screenshotPath, send, showTrace, type Viewer } from './harness';

const ROW = 22;
const TASK_TOP = 3;
const TASK_HEIGHT = 16;
const T = 1764300000000000;
const ms = (x: number) => T + x * 1000;

interface Stats {
  waits: number;
  waitRuns: number;
  holds: number;
  holdRuns: number;
  holdRunsOfMany: number;
  waitLabels: string[];
  holdLabels: string[];
}

/** Installs the draw-stats hook: the renderer copies what each frame drew into it. */
async function hookStats(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as { __concurrencyLabDrawStats: object }).__concurrencyLabDrawStats = {};
  });
}

async function stats(page: Page): Promise<Stats> {
  // The stats are of the last frame: wait for one more frame so they are current.
  await page.evaluate(() => new Promise((r) => (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() => r(undefined))));
  return page.evaluate(() => (globalThis as unknown as { __concurrencyLabDrawStats: Stats }).__concurrencyLabDrawStats);
}

/** x (CSS px in the lanes canvas) of a time (ms after the trace start) while the view fits the whole run. */
async function xAt(page: Page, msAfterStart: number, durationMs: number): Promise<number> {
  const w = await page.$eval('canvas.lanes', (c) => (c as unknown as { clientWidth: number }).clientWidth);
  const t0 = -0.02 * durationMs;
  const t1 = durationMs * 1.02;
  return ((msAfterStart - t0) / (t1 - t0)) * w;
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

describe('webview: waits and holds', function () {
  let v: Viewer | undefined;
  afterEach(async () => {
    await v?.close();
    v = undefined;
  });

  it('hatches blocked time with the op name, tints lock holds with the lock name', async () => {
    v = await openViewer();
    const { page } = v;
    await hookStats(page);
    await showTrace(page, 'waits.jsonl');
    const s = await stats(page);
    // Main waits in Queue#1.get (300–1400 ms), Process-2 in Lock#1.acquire (200–900 ms); the join is too narrow for its name.
    assert.deepStrictEqual([...s.waitLabels].sort(), ['Lock#1.acquire', 'Queue#1.get']);
    assert.strictEqual(s.waits, 3);
    // Process-1 holds Lock#1 800 ms (named), Process-2 200 ms right after its wait.
    assert.strictEqual(s.holds, 2);
    assert.ok(s.holdLabels.includes('Lock#1'), s.holdLabels.join());
    // Pixels: inside the Queue.get wait the band alternates (stripes); after the join (1700 ms) the lane is plain.
    const y = 0 * ROW + TASK_TOP + TASK_HEIGHT / 2 + 3;
    const inWait = await pixelLine(page, await xAt(page, 1000, 1800.3), y, 24);
    const outside = await pixelLine(page, await xAt(page, 1700, 1800.3), y, 12);
    assert.ok(new Set(inWait).size >= 2, `stripes: ${[...new Set(inWait)].join(' | ')}`);
    // Stripes repeat: the same colour comes back within a stripe period (6 CSS px).
    const first = inWait.indexOf(inWait.find((c) => c !== inWait[0])!);
    assert.ok(first > 0 && first <= 12, `period ${first}`);
    assert.strictEqual(new Set(outside).size, 1, `no hatching after the wait: ${[...new Set(outside)].join(' | ')}`);
    // A hold: the bar under the task band is another colour than the band above the lane's rows.
    const holdBar = await pixelLine(page, await xAt(page, 500, 1800.3), 1 * ROW + TASK_TOP + TASK_HEIGHT + 1, 4);
    const noHold = await pixelLine(page, await xAt(page, 1300, 1800.3), 1 * ROW + TASK_TOP + TASK_HEIGHT + 1, 4);
    assert.notStrictEqual(holdBar[0], noHold[0]);
    assert.deepStrictEqual(pageErrors(page), []);
    await page.screenshot({ path: screenshotPath('waits-dark.png') });
  });

  it('details of a wait name the object, op, duration, ending, holder and source; a hold its waiters', async () => {
    v = await openViewer();
    const { page } = v;
    await showTrace(page, 'waits.jsonl');
    const box = (await page.locator('canvas.lanes').boundingBox())!;
    // Process-2 (row 2) is blocked in Lock#1.acquire at 500 ms.
    await page.mouse.click(box.x + (await xAt(page, 500, 1800.3)), box.y + 2 * ROW + ROW / 2);
    const details = page.locator('.details');
    await details.locator('h2', { hasText: 'Waiting in Lock#1.acquire' }).waitFor();
    const text = (await details.textContent()) ?? '';
    assert.match(text, /Lock#1 \(lock 30000\.0\.s1\)/);
    assert.match(text, /Lock\.acquire/);
    assert.match(text, /Process-2 \(pid 30002\)/);
    assert.match(text, /700(\.\d)? ms/);
    assert.match(text, /returned/);
    assert.match(text, /Lock#1 was held by:/);
    assert.match(text, /Process-1 \(pid 30001\) · since \+100/);
    await details.locator('button.source').first().click();
    const open = (await posted(page)).filter((m) => m.type === 'openSource');
    assert.deepStrictEqual(open[0], { type: 'openSource', loc: { file: '/home/learner/concurrency-lab-examples/waits.mjs', line: 14, column: 11 } });
    // The holder is a link to its hold, whose details list who waited meanwhile.
    await details.locator('ul.messages button', { hasText: 'Process-1' }).click();
    await details.locator('h2', { hasText: 'Holding Lock#1' }).waitFor();
    assert.match((await details.textContent()) ?? '', /Waited for Lock#1 meanwhile:.*Process-2 \(pid 30002\) · Lock#1\.acquire/);
    // Clicking Process-1's hold bar on the canvas selects the same hold.
    await page.mouse.click(box.x + (await xAt(page, 300, 1800.3)), box.y + 1 * ROW + TASK_TOP + TASK_HEIGHT + 1);
    await details.locator('h2', { hasText: 'Holding Lock#1' }).waitFor();
    assert.match((await details.textContent()) ?? '', /800(\.\d)? ms/);
  });

  it('a running process blocked in a call reads "waiting: Queue#1.get · …", live and in replay, in en and zh-cn', async () => {
    for (const lang of ['en', 'zh-cn']) {
      v = await openViewer({ lang });
      const { page } = v;
      const { header, events } = fixture('waits.jsonl');
      const head = events.filter((e) => e.ts <= ms(1000));
      await send(page, { type: 'reset', title: 'waits.mjs', header, source: { kind: 'run' }, run: { live: true, canRerun: true }, total: head.length, events: head });
      await page.waitForSelector('#root[data-ready="true"]');
      const main = page.locator('[data-pid="30000"]');
      assert.strictEqual(await main.getAttribute('data-waiting'), 'Queue#1.get');
      const state = (await main.locator('.cell.state').textContent()) ?? '';
      // 1000 − 300 ms so far.
      assert.match(state, lang === 'en' ? /^waiting: Queue#1\.get · 700(\.\d)? ms$/ : /^等待中:Queue#1\.get · 700(\.\d)? ms$/);
      assert.strictEqual(await page.locator('[data-pid="30002"]').getAttribute('data-waiting'), null, 'Process-2 got the lock at 900 ms');
      if (lang === 'en') {
        // The process's details say it too, with the call's source.
        await main.click();
        await page.locator('.details .waiting button', { hasText: 'waiting: Queue#1.get' }).waitFor();
        await page.locator('.details button.source', { hasText: 'waits.mjs:24:22' }).waitFor();
        // The rest arrives; replay to 500 ms: Process-2 waits for the lock then.
        await send(page, { type: 'events', events: events.filter((e) => e.ts > ms(1000)) });
        await send(page, { type: 'runState', run: { live: false, canRerun: true } });
        await page.locator('[data-testid="summary"]', { hasText: /exit 0$/ }).waitFor();
        assert.strictEqual(await main.getAttribute('data-waiting'), null);
        const at = events.findIndex((e) => e.ts >= ms(300));
        await page.locator('.scrubber').fill(String(at));
        await page.locator('[data-pid="30002"][data-waiting="Lock#1.acquire"]').waitFor();
        assert.match((await page.locator('[data-pid="30002"] .cell.state').textContent()) ?? '', /^waiting: Lock#1\.acquire · 100(\.\d)? ms$/);
      }
      assert.deepStrictEqual(pageErrors(page), []);
      await v.close();
      v = undefined;
    }
  });

  it('keeps the time of a wait whole in the 126 px state column: the call gives way with an ellipsis', async () => {
    v = await openViewer({ width: 1280 });
    const { page } = v;
    const events: TraceEvent[] = [
      { kind: 'process.start', ts: ms(0), pid: 31000, ppid: 1, name: 'MainProcess' },
      { kind: 'object.create', ts: ms(1), pid: 31000, objKind: 'manager', objId: '31000.0.1' },
      { kind: 'wait.begin', ts: ms(10), pid: 31000, waitId: 1, op: 'Manager.joinableQueue.get', objKind: 'manager', objId: '31000.0.1' },
      { kind: 'output', ts: ms(12_345), pid: 31000, stream: 'stdout', text: 'still here\n' },
    ];
    await send(page, { type: 'reset', title: 'long-wait.mjs', header: undefined, source: { kind: 'run' }, run: { live: true, canRerun: false }, total: events.length, events });
    await page.waitForSelector('#root[data-ready="true"]');
    const cell = page.locator('[data-pid="31000"] .cell.state');
    assert.match((await cell.textContent()) ?? '', /^waiting: Manager#1\.joinableQueue\.get · 12\.3 s$/);
    const box = await cell.evaluate((c) => {
      const r = (e: unknown) => (e as { getBoundingClientRect(): { left: number; right: number } }).getBoundingClientRect();
      const q = (sel: string) => (c as unknown as { querySelector(s: string): { scrollWidth: number; clientWidth: number; textContent: string } }).querySelector(sel);
      return { cell: r(c), time: r(q('.wait-time')), timeText: q('.wait-time').textContent, callCut: q('.wait-call').scrollWidth > q('.wait-call').clientWidth, width: (c as unknown as { clientWidth: number }).clientWidth };
    });
    assert.ok(box.width <= 126, `state column ${box.width} px`);
    assert.strictEqual(box.timeText, '12.3 s');
    assert.ok(box.time.right <= box.cell.right + 0.5 && box.time.left >= box.cell.left, JSON.stringify(box));
    assert.ok(box.callCut, 'the call was not cut: the test does not test the narrow column');
    // The whole text is in the row's tooltip and accessible name.
    assert.match((await page.getAttribute('[data-pid="31000"]', 'title')) ?? '', /waiting: Manager#1\.joinableQueue\.get · 12\.3 s/);
    assert.deepStrictEqual(pageErrors(page), []);
  });

  it('lists who waits for whom now and at the replay time, and hides the list when nobody waits', async () => {
    v = await openViewer();
    const { page } = v;
    const { header, events } = fixture('waits.jsonl');
    const head = events.filter((e) => e.ts <= ms(500));
    await send(page, { type: 'reset', title: 'waits.mjs', header, source: { kind: 'run' }, run: { live: true, canRerun: true }, total: head.length, events: head });
    await page.waitForSelector('#root[data-ready="true"]');
    const view = page.locator('[data-testid="waitfor"]');
    await view.waitFor();
    assert.strictEqual(await view.locator('h3').textContent(), 'Who waits for whom');
    // "Now" is the last event (the main process's wait.begin at 300 ms). Process-2 waits for Lock#1,
    // which Process-1 holds (running); nobody has put to the queue yet.
    const p2 = view.locator('li[data-waiter-pid="30002"]');
    assert.strictEqual(await p2.getAttribute('data-waits-in'), 'Lock#1.acquire');
    assert.match((await p2.textContent()) ?? '', /^Process-2 waits in Lock#1\.acquire · 100 ms → Process-1 \(holds it; running\)$/);
    assert.deepStrictEqual(await p2.locator('.satisfier').evaluateAll((els) => els.map((e) => [e.getAttribute('data-pid'), e.getAttribute('data-role'), e.getAttribute('data-alive')])), [['30001', 'holder', 'true']]);
    assert.match((await view.locator('li[data-waiter-pid="30000"]').textContent()) ?? '', /Queue#1\.get · 0 µs → nobody known to the trace can end this wait on Queue#1/);
    // The holder's name selects it; the wait's name selects the wait.
    await p2.locator('.satisfier button').click();
    await page.locator('[data-pid="30001"][aria-selected="true"]').waitFor();
    await p2.locator('button', { hasText: 'Lock#1.acquire' }).click();
    await page.locator('.details h2', { hasText: 'Waiting in Lock#1.acquire' }).waitFor();
    // The run ends: nobody waits, the list goes away; in replay at 1.45 s the main process joins Process-2.
    await send(page, { type: 'events', events: events.filter((e) => e.ts > ms(500)) });
    await send(page, { type: 'runState', run: { live: false, canRerun: true } });
    await page.locator('[data-testid="summary"]', { hasText: /exit 0$/ }).waitFor();
    await view.waitFor({ state: 'hidden' });
    await page.locator('.scrubber').fill(String(events.findIndex((e) => e.ts >= ms(1450))));
    await view.locator('li[data-waiter-pid="30000"][data-waits-in="Process-2.join"]').waitFor();
    assert.match((await view.locator('h3').textContent()) ?? '', /^Who waits for whom at \+1\.45 s$/);
    assert.match((await view.textContent()) ?? '', /Process-2 \(being joined; running\)/);
    assert.deepStrictEqual(pageErrors(page), []);
  });

  it('shows a detected deadlock as a banner with Go to source per wait and Stop while live', async () => {
    for (const lang of ['en', 'zh-cn']) {
      v = await openViewer({ lang });
      const { page } = v;
      const loc = (line: number) => ({ file: '/home/learner/concurrency-lab-examples/deadlock-locks.mjs', line, column: 5 });
      const events: TraceEvent[] = [
        { kind: 'process.start', ts: T, pid: 1, ppid: 0, name: 'MainProcess' },
        { kind: 'object.create', ts: T + 1, pid: 1, objKind: 'lock', objId: '1.0.s1' },
        { kind: 'object.create', ts: T + 2, pid: 1, objKind: 'lock', objId: '1.0.s2' },
        { kind: 'process.start', ts: T + 3, pid: 2, ppid: 1, name: 'Process-1' },
        { kind: 'process.start', ts: T + 4, pid: 3, ppid: 1, name: 'Process-2' },
        { kind: 'hold.begin', ts: T + 10, pid: 2, objKind: 'lock', objId: '1.0.s1' },
        { kind: 'hold.begin', ts: T + 11, pid: 3, objKind: 'lock', objId: '1.0.s2' },
        { kind: 'wait.begin', ts: T + 20, pid: 2, waitId: 1, op: 'Lock.acquire', objKind: 'lock', objId: '1.0.s2', loc: loc(14) },
        { kind: 'wait.begin', ts: T + 21, pid: 3, waitId: 1, op: 'Lock.acquire', objKind: 'lock', objId: '1.0.s1', loc: loc(22) },
        { kind: 'wait.begin', ts: T + 30, pid: 1, waitId: 1, op: 'Process.join', objKind: 'process', objId: '2', targetPid: 2, loc: loc(30) },
        {
          kind: 'deadlock',
          ts: T + 600_000,
          pid: 1,
          cycle: true,
          waits: [
            { pid: 2, name: 'Process-1', op: 'Lock.acquire', objKind: 'lock', objId: '1.0.s2', label: 'Lock#2', loc: loc(14), waitsFor: [{ pid: 3, name: 'Process-2' }] },
            { pid: 3, name: 'Process-2', op: 'Lock.acquire', objKind: 'lock', objId: '1.0.s1', label: 'Lock#1', loc: loc(22), waitsFor: [{ pid: 2, name: 'Process-1' }] },
          ],
          message: 'deadlock: Process-1 waits for Lock#2 held by Process-2 (deadlock-locks.mjs:14); Process-2 waits for Lock#1 held by Process-1 (deadlock-locks.mjs:22)',
        },
      ];
      await send(page, { type: 'reset', title: 'deadlock-locks.mjs', source: { kind: 'run' }, run: { live: true, canRerun: true }, total: events.length, events });
      await page.waitForSelector('#root[data-ready="true"]');
      const banner = page.locator('[data-testid="deadlock"]');
      await banner.waitFor();
      assert.strictEqual(await banner.getAttribute('role'), 'alert');
      const lines = await banner.locator('li').evaluateAll((els) => els.map((e) => e.textContent));
      if (lang === 'en') {
        assert.match((await banner.locator('strong').textContent()) ?? '', /^Deadlock: /);
        assert.deepStrictEqual(lines, ['Process-1 waits for Lock#2 held by Process-2 Go to deadlock-locks.mjs:14:5', 'Process-2 waits for Lock#1 held by Process-1 Go to deadlock-locks.mjs:22:5']);
        await banner.locator('li[data-pid="3"] button.source').click();
        assert.deepStrictEqual((await posted(page)).filter((m) => m.type === 'openSource'), [{ type: 'openSource', loc: loc(22) }]);
        await banner.locator('button[data-action="deadlock-stop"]').click();
        assert.ok((await posted(page)).some((m) => m.type === 'stop'));
        // Stopped: the banner stays (what happened), the Stop button goes.
        await send(page, { type: 'runState', run: { live: false, canRerun: true } });
        await banner.locator('button[data-action="deadlock-stop"]').waitFor({ state: 'detached' });
        assert.strictEqual(await banner.isVisible(), true);
        // In replay before the deadlock was reported there is no banner.
        await page.locator('.scrubber').fill('5');
        await banner.waitFor({ state: 'hidden' });
      } else {
        assert.match((await banner.locator('strong').textContent()) ?? '', /^死锁/);
        assert.match(lines[0] ?? '', /^Process-1 等待 Lock#2,它被 Process-2 持有/);
      }
      assert.deepStrictEqual(pageErrors(page), []);
      await v.close();
      v = undefined;
    }
  });

  it('says how many of a Barrier\'s parties arrived, in the wait-for view, the banner and the details (en, zh-cn)', async () => {
    for (const lang of ['en', 'zh-cn']) {
      v = await openViewer({ lang });
      const { page } = v;
      const loc = (line: number) => ({ file: '/home/learner/concurrency-lab-examples/deadlock-barrier.mjs', line, column: 5 });
      const events: TraceEvent[] = [
        { kind: 'process.start', ts: T, pid: 1, ppid: 0, name: 'MainProcess' },
        { kind: 'object.create', ts: T + 1, pid: 1, objKind: 'barrier', objId: '1.0.s1' },
        { kind: 'process.start', ts: T + 3, pid: 2, ppid: 1, name: 'Process-1' },
        { kind: 'process.start', ts: T + 4, pid: 3, ppid: 1, name: 'Process-2' },
        { kind: 'wait.begin', ts: ms(100), pid: 2, waitId: 1, op: 'Barrier.wait', objKind: 'barrier', objId: '1.0.s1', parties: 3, loc: loc(7) },
        { kind: 'wait.begin', ts: ms(200), pid: 3, waitId: 1, op: 'Barrier.wait', objKind: 'barrier', objId: '1.0.s1', parties: 3, loc: loc(7) },
        { kind: 'wait.begin', ts: ms(300), pid: 1, waitId: 1, op: 'Process.join', objKind: 'process', objId: '2', targetPid: 2, loc: loc(17) },
        {
          kind: 'deadlock',
          ts: ms(900),
          pid: 1,
          cycle: true,
          waits: [
            { pid: 1, name: 'MainProcess', op: 'Process.join', objKind: 'process', objId: '2', label: 'Process-1', loc: loc(17), waitsFor: [{ pid: 2, name: 'Process-1' }] },
            { pid: 2, name: 'Process-1', op: 'Barrier.wait', objKind: 'barrier', objId: '1.0.s1', label: 'Barrier#1', loc: loc(7), parties: 3, arrived: 2, waitsFor: [{ pid: 1, name: 'MainProcess' }] },
          ],
          message: 'deadlock: MainProcess waits for Process-1 to exit (deadlock-barrier.mjs:17); Process-1 waits at Barrier#1 (2 of 3 arrived), which only MainProcess could end (deadlock-barrier.mjs:7)',
        },
      ];
      await send(page, { type: 'reset', title: 'deadlock-barrier.mjs', source: { kind: 'run' }, run: { live: true, canRerun: true }, total: events.length, events });
      await page.waitForSelector('#root[data-ready="true"]');
      const banner = page.locator('[data-testid="deadlock"]');
      await banner.waitFor();
      const lines = await banner.locator('li').evaluateAll((els) => els.map((e) => e.textContent));
      const view = page.locator('[data-testid="waitfor"]');
      await view.waitFor();
      const p1 = (await view.locator('li[data-waiter-pid="2"]').textContent()) ?? '';
      if (lang === 'en') {
        assert.deepStrictEqual(lines[1], 'Process-1 waits at Barrier#1 (2 of 3 arrived), which only MainProcess could end Go to deadlock-barrier.mjs:7:5');
        assert.match(p1, /^Process-1 waits in Barrier#1\.wait \(2 of 3 arrived\) · \d+ ms → MainProcess \(has not arrived; itself waiting in Process-1\.join\)$/);
        // The wait's details say the party count.
        await view.locator('li[data-waiter-pid="2"] button', { hasText: 'Barrier#1.wait' }).click();
        await page.locator('.details h2', { hasText: 'Waiting in Barrier#1.wait' }).waitFor();
        assert.match((await page.locator('.details').textContent()) ?? '', /parties\s*3/);
      } else {
        assert.match(lines[1] ?? '', /^Process-1 在 Barrier#1 等待\(已到达 2\/3\),只有 MainProcess 能结束这次等待/);
        assert.match(p1, /Barrier#1\.wait \(已到达 2\/3\) · /);
      }
      assert.deepStrictEqual(pageErrors(page), []);
      await v.close();
      v = undefined;
    }
  });

  it('draws a run of holds (hold.spans [first, last, n]) dashed and named "Lock#1 ×n"; its details say how many holds, not a held time', async () => {
    v = await openViewer();
    const { page } = v;
    await hookStats(page);
    const events: TraceEvent[] = [
      { kind: 'process.start', ts: T, pid: 7, ppid: 1, name: 'MainProcess' },
      { kind: 'object.create', ts: T + 1, pid: 7, objKind: 'lock', objId: '7.0.s1' },
      // One hold (100–400 ms), then 1,200 holds in a row (800–1600 ms) as one entry.
      { kind: 'hold.spans', ts: ms(100), pid: 7, objKind: 'lock', objId: '7.0.s1', spans: [[ms(100), ms(400)], [ms(800), ms(1600), 1200]] },
      { kind: 'process.exit', ts: ms(1800), pid: 7, exitCode: 0, signal: null },
    ];
    await send(page, { type: 'reset', title: 'runs', source: { kind: 'file', path: '/runs.jsonl' }, run: { live: false, canRerun: false }, total: events.length, events });
    await page.waitForSelector('#root[data-ready="true"]');
    const s = await stats(page);
    assert.strictEqual(s.holds, 2, JSON.stringify(s));
    assert.strictEqual(s.holdRunsOfMany, 1, JSON.stringify(s));
    assert.deepStrictEqual([...s.holdLabels].sort(), ['Lock#1', 'Lock#1 ×1200']);
    // The single hold's bar is solid; the run's is dashed (two colours within a dash period).
    const barY = 0 * ROW + TASK_TOP + TASK_HEIGHT + 1;
    const solid = await pixelLine(page, await xAt(page, 250, 1800), barY, 16);
    const dashed = await pixelLine(page, await xAt(page, 1200, 1800), barY, 16);
    assert.strictEqual(new Set(solid).size, 1, solid.join(' | '));
    assert.ok(new Set(dashed).size >= 2, dashed.join(' | '));
    // Its details: how many holds, first acquired and last released, and what a run means.
    const box = (await page.locator('canvas.lanes').boundingBox())!;
    await page.mouse.click(box.x + (await xAt(page, 1200, 1800)), box.y + barY);
    const details = page.locator('.details');
    await details.locator('h2', { hasText: 'Holding Lock#1, 1,200 times' }).waitFor();
    const text = (await details.textContent()) ?? '';
    assert.match(text, /holds\s*1,200/);
    assert.match(text, /last released\s*\+1\.6/);
    assert.match(text, /One trace entry for 1,200 holds by this thread in a row, nobody else holding Lock#1 in between/);
    assert.doesNotMatch(text, /held\s*800/, 'a run is not one hold of 800 ms');
    // The single hold keeps its held time.
    await page.mouse.click(box.x + (await xAt(page, 250, 1800)), box.y + barY);
    await details.locator('h2', { hasText: /^Holding Lock#1$/ }).waitFor();
    assert.match((await details.textContent()) ?? '', /300(\.\d)? ms/);
    assert.deepStrictEqual(pageErrors(page), []);
    await page.screenshot({ path: screenshotPath('hold-runs.png') });
  });

  it('merges 20,000 short waits into hatched runs when zoomed out, and draws them one by one zoomed in', async function () {
    // 40,000 events posted into the page and 16 zoom steps: about a minute on a loaded 2-core machine.
    this.timeout(180_000);
    v = await openViewer();
    const { page } = v;
    await hookStats(page);
    const events: TraceEvent[] = [{ kind: 'process.start', ts: T, pid: 7, ppid: 1, name: 'MainProcess' }];
    // 20,000 waits of 30 µs every 100 µs (2 s), and 20,000 holds of 50 µs between them.
    for (let i = 0; i < 20_000; i++) {
      const t = T + 1000 + i * 100;
      events.push({ kind: 'wait.begin', ts: t, pid: 7, waitId: i + 1, op: 'Queue.get', objKind: 'queue', objId: 'q7:1' });
      events.push({ kind: 'wait.end', ts: t + 30, pid: 7, waitId: i + 1, outcome: 'ok' });
    }
    const spans: [number, number][] = [];
    for (let i = 0; i < 20_000; i++) spans.push([T + 1040 + i * 100, T + 1090 + i * 100]);
    events.push({ kind: 'hold.spans', ts: spans[0]![0], pid: 7, objKind: 'lock', objId: '7.0.s1', spans });
    events.push({ kind: 'process.exit', ts: T + 2_002_000, pid: 7, exitCode: 0, signal: null });
    events.sort((a, b) => a.ts - b.ts);
    await send(page, { type: 'reset', title: 'many', source: { kind: 'file', path: '/many.jsonl' }, run: { live: false, canRerun: false }, total: events.length, events });
    await page.waitForSelector('#root[data-ready="true"]');
    const out = await stats(page);
    assert.ok(out.waitRuns > 0 && out.waits + out.waitRuns < 3000, JSON.stringify(out));
    assert.ok(out.holdRuns > 0 && out.holds + out.holdRuns < 3000, JSON.stringify(out));
    // Zoomed out the whole lane is hatched: stripes anywhere in the middle.
    const mid = await pixelLine(page, await xAt(page, 1000, 2002), TASK_TOP + TASK_HEIGHT / 2 + 3, 24);
    assert.ok(new Set(mid).size >= 2, mid.join(' | '));
    // Zoom in far (each key press ×1.6): single waits, each 30 µs, are drawn on their own.
    await page.focus('canvas.lanes');
    for (let i = 0; i < 16; i++) await page.keyboard.press('+');
    const zoomed = await stats(page);
    assert.ok(zoomed.waits > 0 && zoomed.waitRuns === 0, JSON.stringify(zoomed));
    assert.ok(zoomed.holds > 0, JSON.stringify(zoomed));
    assert.deepStrictEqual(pageErrors(page), []);
  });
});
