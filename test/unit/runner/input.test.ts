// Which snippets need the ES module hooks (a loader thread, ~30 ms per process): only those that
// import the runtime from an ES module, and TypeScript.
import { strict as assert } from 'assert';
import { needsEsmHooks, type SnippetInfo } from '../../../src/runner/input';

const snippet = (source: string, esm = true, typescript = false): SnippetInfo => ({ file: '/x/s.mjs', source, esm, typescript });

describe('needsEsmHooks', () => {
  it('is true for ES modules importing concurrency-lab, however they import it', () => {
    for (const src of ["import { Pool } from 'concurrency-lab';", 'import * as cl from "concurrency-lab"', "import 'concurrency-lab'", "const cl = await import('concurrency-lab');", "export * from 'concurrency-lab';"]) {
      assert.ok(needsEsmHooks(snippet(src)), src);
    }
  });

  it('is false for a mere mention, for CommonJS (hooked in-thread) and true for any TypeScript', () => {
    assert.ok(!needsEsmHooks(snippet('// run me with `concurrency-lab run`\nconsole.log(1);')));
    assert.ok(!needsEsmHooks(snippet("const { Pool } = require('concurrency-lab');", false)));
    assert.ok(needsEsmHooks(snippet('const x: number = 1;', false, true)));
  });
});
