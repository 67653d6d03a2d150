// Every example (JavaScript, TypeScript and Python) runs to completion under the runner, exactly as the
// extension and the CLI run it, and its trace has the structure the seed describes. The deadlock
// examples deadlock (reported live, stopped on request) and their fixed variants run to the end.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { startRun } from '../../../src/runner';
import { DEADLOCK_EXAMPLES, EXAMPLES, LANGUAGES, templatePath } from '../../../src/scaffold/catalogue';
import type { DeadlockEvent } from '../../../src/trace/events';
import { TraceModel } from '../../../src/trace/model';
import { survivors } from '../runner/helpers';
import { assertSeedStructure, DEADLOCKS } from './structure';

const ROOT = path.resolve(__dirname, '../../..');

describe('seed examples under the runner', function () {
  // Real processes and real 1 s sleeps (the seed's), on a shared 2-core machine.
  this.timeout(60_000);
  for (const example of EXAMPLES) {
    if (DEADLOCK_EXAMPLES.has(example.id)) continue;
    for (const language of LANGUAGES) {
      it(`${example.id} (${language}) has the seed's structure`, async () => {
        let stderr = '';
        const handle = startRun({
          file: path.join(ROOT, templatePath(example.id, language)),
          timeoutMs: 45_000,
          onOutput: (stream, chunk) => void (stream === 'stderr' && (stderr += chunk.toString())),
        });
        const result = await handle.done;
        assert.notStrictEqual(result.summary.reason, 'timeout', `${example.id} did not finish in 45 s`);
        assert.strictEqual(result.summary.exitCode, 0, `${example.id} exited with ${result.summary.exitCode}: ${stderr}`);
        assertSeedStructure(example.id, { events: result.events, exitCode: result.summary.exitCode }, language);
        // No false alarm from the live deadlock watch (it reports by default).
        assert.deepStrictEqual(result.events.filter((e) => e.kind === 'deadlock'), [], `${example.id}: a deadlock was reported`);
      });
    }
  }
});

describe('deadlock examples under the runner', function () {
  this.timeout(60_000);
  for (const id of DEADLOCK_EXAMPLES) {
    for (const language of LANGUAGES) {
      const file = path.join(ROOT, templatePath(id, language));
      const comment = language === 'python' ? '#' : '//';
      const lineOf = (marker: string) =>
        fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((l, i) => (l.includes(`${comment} ${marker}`) ? [i + 1] : []));

      it(`${id} (${language}) deadlocks: reported within 2 s naming the waits and their lines, stopped with no process left`, async () => {
        const r = await startRun({ file, onDeadlock: 'stop', timeoutMs: 45_000 }).done;
        assert.strictEqual(r.summary.reason, 'deadlock', `the run ended by ${r.summary.reason}`);
        const found = r.events.filter((e): e is DeadlockEvent => e.kind === 'deadlock');
        assert.strictEqual(found.length, 1);
        const d = found[0]!;
        // Within 2 s of forming: of the last wait that began (the one that closed the cycle).
        const lastBegin = Math.max(...r.events.filter((e) => e.kind === 'wait.begin').map((e) => e.ts));
        assert.ok(d.ts - lastBegin <= 2_000_000, `reported ${(d.ts - lastBegin) / 1000} ms after the last wait began`);
        DEADLOCKS[id as keyof typeof DEADLOCKS](d, new TraceModel(r.events), lineOf);
        assert.deepStrictEqual(survivors([...new Set(r.events.map((e) => e.pid))]), [], 'no process of the run is left');
      });

      it(`${id} (${language}) fixed: runs to the end with the expected structure and no deadlock`, async () => {
        const r = await startRun({ file, args: ['fixed'], onDeadlock: 'stop', timeoutMs: 45_000 }).done;
        assert.strictEqual(r.summary.reason, 'exit', `the run ended by ${r.summary.reason}`);
        assertSeedStructure(id, { events: r.events, exitCode: r.summary.exitCode }, language);
        assert.deepStrictEqual(r.events.filter((e) => e.kind === 'deadlock'), []);
      });
    }
  }
});
