// Every example (JavaScript and TypeScript) runs to completion under the runner, exactly as the
// extension and the CLI run it, and its trace has the structure the seed describes.
import * as assert from 'assert';
import * as path from 'path';
import { startRun } from '../../../src/runner';
import { EXAMPLES, LANGUAGES, templatePath } from '../../../src/scaffold/catalogue';
import { assertSeedStructure } from './structure';

const ROOT = path.resolve(__dirname, '../../..');

describe('seed examples under the runner', function () {
  // Real processes and real 1 s sleeps (the seed's), on a shared 2-core machine.
  this.timeout(60_000);
  for (const example of EXAMPLES) {
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
        assertSeedStructure(example.id, { events: result.events, exitCode: result.summary.exitCode });
        // No false alarm from the live deadlock watch (it reports by default).
        assert.deepStrictEqual(result.events.filter((e) => e.kind === 'deadlock'), [], `${example.id}: a deadlock was reported`);
      });
    }
  }
});
