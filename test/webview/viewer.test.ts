// The viewer page in real Chromium: every seed example's trace renders with the DOM contract other
// tests rely on (data-ready, treeitems with data-pid/data-ppid, the summary), accessible names, and
// light/dark screenshots in test-results/webview/ for people to look at.
import * as assert from 'assert';
import { deflateRawSync } from 'zlib';
import { toChromeTrace } from '../../src/trace/chrome';
import { serializeJsonl } from '../../src/trace/jsonl';
import { TraceModel } from '../../src/trace/model';
import { fixture, openViewer, pageErrors, posted, screenshotPath, send, showTrace, type Viewer } from './harness';

const FIXTURES: { file: string; example: string }[] = [
  { file: 'process.jsonl', example: 'Process with 5 children' },
  { file: 'pool-apply-async.jsonl', example: 'Pool applyAsync, 3 workers, 6 tasks' },
  { file: 'pool-apply.jsonl', example: 'Pool apply, one task at a time' },
  { file: 'pool-map.jsonl', example: 'Pool map / imap / imapUnordered' },
  { file: 'queue.jsonl', example: 'Queue with 2 writers and a reader' },
  { file: 'pipe.jsonl', example: 'Pipe' },
  { file: 'pipe-duplex.jsonl', example: 'Pipe duplex' },
  { file: 'pool-threads.jsonl', example: 'Pool in the thread context' },
];

describe('webview: trace viewer page', function () {
  let v: Viewer | undefined;
  afterEach(async () => {
    await v?.close();
    v = undefined;
  });

  for (const { file, example } of FIXTURES) {
    it(`renders ${example} (${file}) in light and dark`, async () => {
      const { events } = fixture(file);
      const model = new TraceModel(events);
      for (const scheme of ['light', 'dark'] as const) {
        v = await openViewer({ colorScheme: scheme });
        const { page } = v;
        await showTrace(page, file);
        // One treeitem per process, with its pid and ppid, in tree order.
        const rows = await page.$$eval('[role="treeitem"][data-pid]', (els) => els.map((e) => ({ pid: Number(e.getAttribute('data-pid')), ppid: Number(e.getAttribute('data-ppid')), label: e.getAttribute('aria-label') || '' })));
        const tree = model.tree().map((r) => r.process);
        assert.deepStrictEqual(
          rows.map((r) => [r.pid, r.ppid]),
          tree.map((p) => [p.pid, p.ppid]),
        );
        for (const [i, p] of tree.entries()) {
          assert.match(rows[i]!.label, new RegExp(`^${p.name}, pid ${p.pid}, ppid ${p.ppid}, `));
        }
        const summary = (await page.textContent('[data-testid="summary"]')) ?? '';
        const s = model.summary();
        assert.match(summary, new RegExp(`^${s.processes} processes · ${s.tasks} tasks · ${s.messages} messages · `));
        assert.match(summary, /exit 0$/);
        // Threads (thread context) appear under their process, not as processes.
        const threadRows = await page.$$eval('[role="treeitem"][data-tid]', (els) => els.length);
        assert.strictEqual(threadRows, tree.reduce((n, p) => n + p.threads.length, 0));
        assert.deepStrictEqual(pageErrors(page), []);
        await page.screenshot({ path: screenshotPath(`${file.replace('.jsonl', '')}-${scheme}.png`) });
        await v.close();
        v = undefined;
      }
    });
  }

  it('renders in a high contrast theme, the selection outlined', async () => {
    v = await openViewer({ highContrast: true });
    const { page } = v;
    await showTrace(page, 'queue.jsonl');
    await page.click('[data-pid="44002"]');
    // The selection is drawn in the next animation frame.
    await page.locator('[data-pid="44002"][aria-selected="true"]').waitFor();
    const outline = await page.locator('[data-pid="44002"]').evaluate((e) => (globalThis as unknown as { getComputedStyle(el: unknown): { outlineColor: string } }).getComputedStyle(e).outlineColor);
    assert.strictEqual(outline, 'rgb(243, 133, 24)');
    assert.deepStrictEqual(pageErrors(page), []);
    await page.screenshot({ path: screenshotPath('queue-high-contrast.png') });
  });

  it('gives every control an accessible name and keeps them keyboard reachable', async () => {
    v = await openViewer();
    const { page } = v;
    await showTrace(page, 'queue.jsonl');
    const names = await page.$$eval('vscode-toolbar-button', (els) => els.map((e) => {
      // Plain JS here: this function runs in the page (no TypeScript helpers there).
      const b = e.shadowRoot && e.shadowRoot.querySelector('button');
      return (b && b.getAttribute('aria-label')) || '';
    }));
    assert.ok(names.length >= 12, `toolbar buttons: ${names.length}`);
    for (const n of names) assert.ok(n.length > 0, 'a toolbar button has no accessible name');
    assert.ok(names.includes('Stop run') && names.includes('Run again') && names.includes('Next event'), names.join(', '));
    // Stop is unavailable for a finished trace: its button is disabled, not just greyed out.
    const stopDisabled = await page.$eval('vscode-toolbar-button[data-action="stop"]', (e) => {
      const b = e.shadowRoot && e.shadowRoot.querySelector('button');
      return Boolean(b && b.disabled);
    });
    assert.strictEqual(stopDisabled, true);
    assert.strictEqual(await page.getAttribute('canvas.lanes', 'tabindex'), '0');
    assert.ok(await page.getAttribute('canvas.lanes', 'aria-label'));
    assert.strictEqual(await page.getAttribute('.scrubber', 'aria-label'), 'Replay position');
    assert.strictEqual(await page.getAttribute('[role="tree"]', 'aria-label'), 'Processes');
    // Exactly one tree row is in the tab order; arrow keys move the selection.
    assert.strictEqual(await page.$$eval('[role="treeitem"][tabindex="0"]', (e) => e.length), 1);
    await page.focus('[role="treeitem"][tabindex="0"]');
    await page.keyboard.press('ArrowDown');
    const selected = await page.getAttribute('[role="treeitem"][aria-selected="true"]', 'data-pid');
    assert.strictEqual(selected, '44001');
  });

  it('waits for the ready handshake and shows a live run as events arrive', async () => {
    v = await openViewer();
    const { page } = v;
    const { header, events } = fixture('process.jsonl');
    assert.deepStrictEqual(await posted(page), [{ type: 'ready' }]);
    const head = events.slice(0, 3);
    await send(page, { type: 'reset', title: 'process.mjs', header, source: { kind: 'run' }, run: { live: true, canRerun: true }, total: head.length, events: head });
    await page.waitForSelector('#root[data-ready="true"]');
    assert.strictEqual(await page.$$eval('[data-pid]', (e) => e.length), 2);
    assert.match((await page.textContent('[data-testid="summary"]')) ?? '', /running$/);
    await send(page, { type: 'events', events: events.slice(3) });
    await page.locator('[data-pid]').nth(5).waitFor();
    assert.strictEqual(await page.locator('[data-pid]').count(), 6);
    await send(page, { type: 'runState', run: { live: false, canRerun: true } });
    await page.locator('[data-testid="summary"]', { hasText: /exit 0$/ }).waitFor();
    // Stop and Run again reach the host.
    await page.click('vscode-toolbar-button[data-action="rerun"]');
    assert.ok((await posted(page)).some((m) => m.type === 'rerun'));
  });

  it('drops malformed messages and events instead of breaking', async () => {
    v = await openViewer();
    const { page } = v;
    await send(page, { type: 'bogus' });
    await send(page, { type: 'reset', title: 'x', source: { kind: 'empty' }, run: { live: false, canRerun: false }, total: 2, events: [{ kind: 'process.start', ts: 1, pid: 7, ppid: 1, name: 'p' }, { kind: 'nope' }] });
    await send(page, { type: 'events', events: [{ kind: 'process.exit', ts: 5, pid: 7, exitCode: 0, signal: null }] });
    await page.waitForSelector('#root[data-ready="true"]');
    assert.deepStrictEqual(await page.$$eval('[data-pid]', (e) => e.map((x) => x.getAttribute('data-pid'))), ['7']);
    assert.deepStrictEqual(pageErrors(page), []);
  });

  it('decodes an opened file from its bytes (.jsonl and Chrome .json, with the host\'s decoder; deflated too) and keeps its view for a file that does not decode', async () => {
    v = await openViewer();
    const { page } = v;
    const { header, events } = fixture('queue.jsonl');
    const pids = [...new TraceModel(events).processes.keys()].map(String).sort();
    // As the panel posts it: the bytes in a Uint8Array (made in the page: evaluate's arguments are JSON).
    const sendFile = (title: string, format: 'jsonl' | 'chrome', text: string) =>
      page.evaluate(([t, f, x]) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage({ type: 'file', title: t, source: { kind: 'file', path: `/traces/${t}` }, format: f, bytes: new TextEncoder().encode(x) }, '*'), [title, format, text] as const);
    const shown = async (title: string) => {
      await page.locator('.toolbar .title', { hasText: new RegExp(`^${title.replace(/\./g, '\\.')}$`) }).waitFor();
      await page.waitForSelector('#root[data-ready="true"]');
      return (await page.$$eval('[role="treeitem"][data-pid]', (e) => e.map((x) => String(x.getAttribute('data-pid'))))).sort();
    };

    // A line cut short in the middle loses only that line.
    const lines = serializeJsonl(header!, events).split('\n');
    lines.splice(3, 0, '{"kind":"output","ts":');
    await sendFile('queue.jsonl', 'jsonl', lines.join('\n'));
    assert.deepStrictEqual(await shown('queue.jsonl'), pids);
    assert.match((await page.textContent('[data-testid="summary"]')) ?? '', /messages/);

    await sendFile('queue-chrome.json', 'chrome', JSON.stringify(toChromeTrace(header!, events)));
    assert.deepStrictEqual(await shown('queue-chrome.json'), pids);

    // Deflated, as the panel sends a big file (FileMessage.encoding), both formats.
    const sendDeflated = (title: string, format: 'jsonl' | 'chrome', bytes: number[]) =>
      page.evaluate(([t, f, b]) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage({ type: 'file', title: t, source: { kind: 'file', path: `/traces/${t}` }, format: f, bytes: new Uint8Array(b), encoding: 'deflate-raw' }, '*'), [title, format, bytes] as const);
    await sendDeflated('deflated.jsonl', 'jsonl', [...deflateRawSync(serializeJsonl(header!, events))]);
    assert.deepStrictEqual(await shown('deflated.jsonl'), pids);
    await sendDeflated('deflated-chrome.json', 'chrome', [...deflateRawSync(JSON.stringify(toChromeTrace(header!, events)))]);
    assert.deepStrictEqual(await shown('deflated-chrome.json'), pids);
    assert.strictEqual(await page.evaluate(() => performance.getEntriesByName('cl:file-inflated').length), 2);
    // Bytes that do not inflate: the view stays as it was.
    await sendDeflated('not-deflated.jsonl', 'jsonl', [...new TextEncoder().encode(serializeJsonl(header!, events))]);
    await page.waitForTimeout(100);
    assert.deepStrictEqual(await shown('deflated-chrome.json'), pids);

    // Nothing usable: the view stays as it was (the host reports the error).
    await sendFile('broken.json', 'chrome', '{"traceEvents": [');
    await sendFile('empty.jsonl', 'jsonl', 'garbage\n');
    await send(page, { type: 'runState', run: { live: false, canRerun: false } });
    await page.waitForTimeout(100);
    assert.deepStrictEqual(await shown('deflated-chrome.json'), pids);
    assert.deepStrictEqual(pageErrors(page), []);
  });

  it('decodes a file that comes in parts (cut anywhere, some deflated), drops parts out of order, and lets a new file replace one still coming', async () => {
    v = await openViewer();
    const { page } = v;
    const { header, events } = fixture('queue.jsonl');
    const pids = [...new TraceModel(events).processes.keys()].map(String).sort();
    const text = serializeJsonl(header!, events);
    const bytes = [...new TextEncoder().encode(text)];
    const third = Math.floor(bytes.length / 3);
    /** Posts part `index` of `title` (bytes [a, b) of the file; deflated when asked), as the panel does. */
    const sendPart = (title: string, index: number, last: boolean, b: number[], deflate = false) =>
      page.evaluate(
        ([t, i, l, x, d]) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage({ type: 'file', title: t, source: { kind: 'file', path: `/traces/${t}` }, format: 'jsonl', bytes: new Uint8Array(x), part: { index: i, last: l }, ...(d ? { encoding: 'deflate-raw' } : {}) }, '*'),
        [title, index, last, deflate ? [...deflateRawSync(Buffer.from(b))] : b, deflate] as const,
      );
    const shown = async (title: string) => {
      await page.locator('.toolbar .title', { hasText: new RegExp(`^${title.replace(/\./g, '\\.')}$`) }).waitFor();
      await page.waitForSelector('#root[data-ready="true"]');
      return {
        pids: (await page.$$eval('[role="treeitem"][data-pid]', (e) => e.map((x) => String(x.getAttribute('data-pid'))))).sort(),
        summary: (await page.textContent('[data-testid="summary"]')) ?? '',
      };
    };

    // Cut inside lines (and maybe inside a character); the middle part deflated.
    await sendPart('parts.jsonl', 0, false, bytes.slice(0, third));
    await sendPart('parts.jsonl', 1, false, bytes.slice(third, 2 * third), true);
    await sendPart('parts.jsonl', 2, true, bytes.slice(2 * third));
    const whole = await shown('parts.jsonl');
    assert.deepStrictEqual(whole.pids, pids);
    assert.match(whole.summary, /messages/);

    // A part missing (1 skipped): the file is dropped, the view stays as it was.
    await sendPart('gap.jsonl', 0, false, bytes.slice(0, third));
    await sendPart('gap.jsonl', 2, true, bytes.slice(2 * third));
    await page.waitForTimeout(100);
    assert.deepStrictEqual(await shown('parts.jsonl'), whole);

    // A new file while one is still coming: the new one is shown, the old one's late parts are dropped.
    await sendPart('first.jsonl', 0, false, bytes.slice(0, third));
    await page.evaluate((t) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage({ type: 'file', title: 'second.jsonl', source: { kind: 'file', path: '/traces/second.jsonl' }, format: 'jsonl', bytes: new TextEncoder().encode(t) }, '*'), text);
    await sendPart('first.jsonl', 1, true, bytes.slice(third));
    await page.waitForTimeout(100);
    assert.deepStrictEqual((await shown('second.jsonl')).pids, pids);
    assert.strictEqual(await page.textContent('.toolbar .title'), 'second.jsonl');
    assert.deepStrictEqual(pageErrors(page), []);
  });
});

