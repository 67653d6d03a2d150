// The slice end to end, driven like a user: open the three-children fixture, run "Concurrency
// Lab: Run File with Tracing" from the command palette, and read the trace panel's DOM (two
// iframes deep). Its rows must match the pids the fixture wrote down itself.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { REPO_ROOT } from '../../scripts/lib/paths';
import { readTraceFile, writeTraceFile } from '../../src/panel/traceFiles';
import { TraceModel } from '../../src/trace/model';
import { openFile, pickInFileDialog, runCommand, webviewFrame, useWorkbench } from './workbench';

interface FixtureTruth {
  pid: number;
  ppid: number;
  children: number[];
}

describe('trace panel, driven through the UI (packaged .vsix in code-server)', () => {
  const workbench = useWorkbench();

  it('Run File with Tracing shows the fixture\'s 4 processes with their pids and ppids', async () => {
    const { page, workspace } = workbench();
    const outFile = path.join(workspace, 'three-children.out.json');
    await openFile(page, 'three-children.mjs');
    await runCommand(page, 'Concurrency Lab: Run File with Tracing');

    // The fixture writes its ground truth when its children are done.
    const deadline = Date.now() + 60_000;
    while (!fs.existsSync(outFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.ok(fs.existsSync(outFile), 'the fixture never finished (no three-children.out.json)');
    const truth = JSON.parse(fs.readFileSync(outFile, 'utf8')) as FixtureTruth;

    const view = webviewFrame(page);
    await view.locator('[data-ready="true"]').first().waitFor({ timeout: 60_000 });
    const rows = view.locator('[role="treeitem"][data-pid]');
    // Live updates: wait until all four processes are listed and have exited.
    await view.locator('[role="treeitem"][data-pid][data-state="exited"]').nth(3).waitFor({ timeout: 30_000 });
    const shown = await rows.evaluateAll((els) => els.map((e) => ({ pid: Number(e.getAttribute('data-pid')), ppid: Number(e.getAttribute('data-ppid')), state: e.getAttribute('data-state') })));

    assert.strictEqual(shown.length, 4, JSON.stringify(shown));
    assert.deepStrictEqual(shown.map((r) => r.pid).sort(), [truth.pid, ...truth.children].sort());
    const main = shown.find((r) => r.pid === truth.pid)!;
    assert.strictEqual(main.ppid, truth.ppid, 'the main row\'s ppid is not the extension host');
    assert.deepStrictEqual(shown.filter((r) => r !== main).map((r) => r.ppid), [truth.pid, truth.pid, truth.pid]);
    assert.ok(shown.every((r) => r.state === 'exited'), JSON.stringify(shown));

    const summary = view.locator('[data-testid="summary"]');
    assert.ok((await summary.textContent())?.trim(), 'the summary is empty');
    assert.strictEqual(await summary.evaluate((e) => e.classList.contains('failed')), false, 'the summary reports a failed run');
  });
});

describe('Open Trace File…, the path typed into the file dialog (packaged .vsix in code-server)', () => {
  const workbench = useWorkbench();

  // The 100k-event benchmark (bench/webview-host.mjs) once waited 120 s here: its Enter had hit a
  // dialog that had written its folder back over the typed path (pickInFileDialog now checks).
  // 40k events: more than two of the panel's chunks, so the paced backlog is crossed too.
  for (const format of ['chrome', 'jsonl'] as const) {
    it(`a ${format === 'chrome' ? 'Chrome .json' : '.jsonl'} of 40k events, 64 processes: every event shown`, async function () {
      this.timeout(300_000);
      const { page, workspace } = workbench();
      const jsonl = path.join(workspace, 'busy.jsonl');
      if (!fs.existsSync(jsonl)) {
        const gen = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bench/webview-trace.mjs'), jsonl, '--events', '40000', '--processes', '64', '--pairs', '8000'], { encoding: 'utf8' });
        assert.strictEqual(gen.status, 0, gen.stderr);
      }
      const trace = await readTraceFile(jsonl);
      const file = format === 'chrome' ? path.join(workspace, 'busy-chrome.json') : jsonl;
      if (format === 'chrome') await writeTraceFile(file, trace.header, trace.events);

      await runCommand(page, 'Concurrency Lab: Open Trace File');
      await pickInFileDialog(page, file);
      const view = webviewFrame(page);
      await view.locator('.toolbar .title', { hasText: new RegExp(`^${path.basename(file).replace(/\./g, '\\.')}$`) }).waitFor({ timeout: 120_000 });
      await view.locator('#root[data-ready="true"]').waitFor({ timeout: 120_000 });
      const model = new TraceModel(trace.events);
      const summary = (await view.locator('[data-testid="summary"]').textContent()) ?? '';
      assert.ok(summary.startsWith(`${model.processes.size} processes`), summary);
      assert.ok(summary.includes(`${model.messages.length} messages`), summary);
      assert.ok(!summary.includes('Loading'), `still loading: ${summary}`);
    });
  }
});
