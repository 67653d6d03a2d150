// Prefetch without loss (#13): a queue's sole remote consumer takes items ahead, and when it is
// killed every item it held but never took goes back to the front of the queue, in order. Only
// the one it had received is gone.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runFixture } from './run';

for (const context of ['process', 'thread'] as const) {
  describe(`queue prefetch (${context} context)`, function () {
    this.timeout(60_000);

    it('a killed consumer holding items ahead gives back all but the one it received, in order', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-prefetch-'));
      try {
        const r = await runFixture('queue_prefetch.mjs', [path.join(dir, 'first')], context);
        assert.equal(r.code, 0, r.stderr);
        const { first, held, after, rest } = r.json as { first: number; held: number; after: number; rest: number[] };
        assert.equal(first, 0);
        assert.ok(held < 999, `the consumer held items ahead (qsize ${held} while it held one item)`);
        assert.equal(after, 999, 'all but the received item are back');
        assert.deepEqual(rest, Array.from({ length: 999 }, (_, i) => i + 1), 'in order, at the front');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
