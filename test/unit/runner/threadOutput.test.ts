// Output written by a worker thread carries that thread's tid (so the panel shows it under the
// thread), once: not again under the main thread that passes the bytes to the terminal. With
// prefixes on, each line names the thread that wrote it.
import { strict as assert } from 'assert';
import * as path from 'path';
import { startRun } from '../../../src/runner';

const FIXTURE = path.resolve(__dirname, '../../fixtures/runtime/thread_output.mjs');

describe('runner: output of worker threads', function () {
  this.timeout(60_000);

  it('is traced once, with the tid of the thread that wrote it, and prefixed with its name', async () => {
    let shown = '';
    const r = await startRun({ file: FIXTURE, outputPrefix: 'plain', onOutput: (stream, chunk) => stream === 'stdout' && (shown += chunk.toString()) }).done;
    assert.equal(r.summary.exitCode, 0);
    const tids = new Map<string, number>();
    for (const e of r.events) if (e.kind === 'thread.start') tids.set(e.name, e.tid);
    const outputs = r.events.flatMap((e) => (e.kind === 'output' ? [{ text: e.text, stream: e.stream, tid: e.tid }] : []));
    const linesOf = (text: string) => outputs.filter((o) => o.text.includes(text));
    const expect: Array<[string, 'stdout' | 'stderr', number | undefined]> = [
      ['hello from thread 1', 'stdout', tids.get('Speaker-1')],
      ['warning from thread 1', 'stderr', tids.get('Speaker-1')],
      ['hello from thread 2', 'stdout', tids.get('Speaker-2')],
      ['hello from the inner thread', 'stdout', tids.get('Inner')],
      ['main done', 'stdout', undefined],
    ];
    for (const [text, stream, tid] of expect) {
      const found = linesOf(text);
      assert.equal(found.length, 1, `${text}: traced once, got ${JSON.stringify(found)}`);
      assert.equal(found[0].stream, stream, text);
      assert.equal(found[0].tid, tid, `${text}: tid`);
      if (tid !== undefined) assert.ok(tid > 0, `${text}: a worker's tid`);
    }
    const pid = r.events.find((e) => e.kind === 'process.start' && e.name === 'MainProcess')?.pid;
    assert.match(shown, new RegExp(`^\\[Speaker-1 ${pid}\\] hello from thread 1$`, 'm'));
    assert.match(shown, new RegExp(`^\\[Inner ${pid}\\] hello from the inner thread$`, 'm'));
    assert.match(shown, new RegExp(`^\\[MainProcess ${pid}\\] main done$`, 'm'));
  });

  it('does not keep the run alive: an idle unclosed Pool and a daemon of the thread context end with the main thread', async () => {
    // Node keeps a worker's port referenced while its piped stdio is read, whatever worker.unref()
    // says: this run used to last until its timeout (src/runtime/process/backend.ts, noPortRef).
    let shown = '';
    const t0 = Date.now();
    const r = await startRun({ file: path.resolve(__dirname, '../../fixtures/runner/thread-idle-pool.mjs'), context: 'thread', timeoutMs: 20_000, onOutput: (stream, chunk) => stream === 'stdout' && (shown += chunk.toString()) }).done;
    assert.equal(r.summary.reason, 'exit', `ended by ${r.summary.reason} after ${Date.now() - t0} ms`);
    assert.equal(r.summary.exitCode, 0);
    // The threads' output still arrives, traced once with their tid.
    assert.match(shown, /^square 81$/m);
    assert.match(shown, /^daemon thread runs$/m);
    const daemon = r.events.filter((e) => e.kind === 'output' && e.text.includes('daemon thread runs'));
    assert.equal(daemon.length, 1);
    assert.ok(daemon[0]!.tid && daemon[0]!.tid > 0);
  });
});
