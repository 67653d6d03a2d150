// Every snippet, expanded with its defaults, is a program that runs to completion under the
// runner and starts the processes it is about (a snippet that only parses is not enough).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startRun } from '../../../src/runner';
import { TraceModel } from '../../../src/trace/model';
import { expandSnippet } from '../scaffold/snippetText';

const ROOT = path.resolve(__dirname, '../../..');

/** Processes each snippet's run must have: main + children/workers. */
const PROCESSES: Record<string, number> = {
  'cl-process': 6,
  'cl-pool': 4,
  'cl-pool-map': 4,
  'cl-queue': 3,
  'cl-pipe': 2,
  'cl-pipe-duplex': 2,
  'cl-manager': 3,
  'cl-value': 2,
  'cl-lock': 4,
};

describe('snippets run under the runner', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-snippets-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const language of ['javascript', 'typescript', 'python']) {
    const snippets: Record<string, { prefix: string; body: string[] }> = JSON.parse(fs.readFileSync(path.join(ROOT, 'snippets', `${language}.json`), 'utf8'));
    for (const s of Object.values(snippets)) {
      it(`${s.prefix} (${language})`, async () => {
        const file = path.join(dir, `${s.prefix.replace(/-/g, '_')}${language === 'javascript' ? '.mjs' : language === 'typescript' ? '.mts' : '.py'}`);
        fs.writeFileSync(file, expandSnippet(s.body));
        let stderr = '';
        const result = await startRun({ file, timeoutMs: 45_000, onOutput: (stream, chunk) => void (stream === 'stderr' && (stderr += chunk.toString())) }).done;
        assert.strictEqual(result.summary.exitCode, 0, `exit ${result.summary.exitCode} (${result.summary.reason}): ${stderr}`);
        const model = new TraceModel(result.events);
        assert.strictEqual(model.processes.size, PROCESSES[s.prefix], JSON.stringify(result.summary.processes));
        const [main] = model.roots();
        assert.ok(main);
        for (const p of model.processes.values()) if (p !== main) assert.strictEqual(p.ppid, main.pid);
      });
    }
  }
});
