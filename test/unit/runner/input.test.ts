// Which snippets need the ES module hooks (a loader thread, ~30 ms per process): only those that
// import the runtime from an ES module, and TypeScript.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { needsEsmHooks, type SnippetInfo } from '../../../src/runner/input';

const snippet = (source: string, esm = true, typescript = false): SnippetInfo => ({ file: '/x/s.mjs', source, esm, typescript, python: false });

describe('needsEsmHooks', () => {
  it('is true for ES modules importing concurrency-lab, however they import it', () => {
    for (const src of ["import { Pool } from 'concurrency-lab';", 'import * as cl from "concurrency-lab"', "import 'concurrency-lab'", "const cl = await import('concurrency-lab');", "export * from 'concurrency-lab';"]) {
      assert.ok(needsEsmHooks(snippet(src)), src);
    }
  });

  it('is false for a mere mention and for CommonJS JavaScript (hooked in-thread); TypeScript by format', () => {
    assert.ok(!needsEsmHooks(snippet('// run me with `concurrency-lab run`\nconsole.log(1);')));
    assert.ok(!needsEsmHooks(snippet("const { Pool } = require('concurrency-lab');", false)));
    assert.ok(needsEsmHooks(snippet('const x: number = 1;', true, true)), '.mts');
    assert.ok(!needsEsmHooks(snippet('const x: number = 1;', false, true)), 'CommonJS .ts: the require hook compiles it');
    assert.ok(needsEsmHooks(snippet("import { Pool } from 'concurrency-lab';", false, true)), 'CommonJS .ts whose children import it');
  });

  it('follows local imports: a helper module that imports the runtime counts', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-hooks-'));
    try {
      fs.writeFileSync(path.join(dir, 'helper.mjs'), "export { Pool } from 'concurrency-lab';\n");
      fs.writeFileSync(path.join(dir, 'plain.mjs'), 'export const x = 1;\n');
      const main = (src: string) => ({ file: path.join(dir, 'main.mjs'), source: src, esm: true, typescript: false, python: false });
      assert.ok(needsEsmHooks(main("import { Pool } from './helper.mjs';")));
      assert.ok(!needsEsmHooks(main("import { x } from './plain.mjs';\nimport './missing.mjs';")));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
