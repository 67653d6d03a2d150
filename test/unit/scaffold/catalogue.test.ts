// The example catalogue against the files that ship: every id has a JavaScript and a TypeScript
// template that follows the seed's shape (ESM, targets exported, main code behind the guard).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { EXAMPLES, EXAMPLE_IDS, LANGUAGES, examplesBase, examplesOf, templatePath } from '../../../src/scaffold/catalogue';

const ROOT = path.resolve(__dirname, '../../..');

describe('example catalogue', () => {
  it('has exactly the ids issues #6 and #10 name, in the seed order', () => {
    assert.deepStrictEqual(EXAMPLE_IDS, ['process', 'pool-apply-async', 'pool-apply', 'pool-map', 'queue', 'pipe', 'pipe-duplex', 'processes-vs-threads', 'shared-value-array', 'counter-race', 'event-barrier', 'manager', 'deadlock-locks', 'pipe-deadlock', 'starved-worker']);
  });

  it('writes into the first workspace folder, or global storage when no folder is open', () => {
    assert.strictEqual(examplesBase([{ uri: '/ws/a' }, { uri: '/ws/b' }], '/global'), '/ws/a');
    assert.strictEqual(examplesBase([], '/global'), '/global');
    assert.strictEqual(examplesBase(undefined, '/global'), '/global');
  });

  it('gives every family command at least one example', () => {
    for (const f of ['process', 'pool', 'queue', 'pipe'] as const) assert.ok(examplesOf(f).length > 0, f);
  });

  for (const e of EXAMPLES) {
    for (const lang of LANGUAGES.filter((l) => l !== 'python')) {
      const rel = templatePath(e.id, lang);
      it(`${rel} exists and has the seed's shape`, () => {
        const file = path.join(ROOT, rel);
        assert.ok(fs.existsSync(file), `${rel} is missing`);
        const text = fs.readFileSync(file, 'utf8');
        assert.match(text, /from 'concurrency-lab';/);
        assert.match(text, /^if \(isMainProcess\(\)\) \{$/m, 'the main code is not behind the isMainProcess() guard');
        assert.doesNotMatch(text, /require\(/, 'examples are ES modules');
        // Syntax (and, for TypeScript, type annotations) parse; a syntax error would stop the run.
        const out = ts.transpileModule(text, { fileName: file, reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
        assert.deepStrictEqual((out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), []);
        // Every function passed as a target is an exported top-level function (children import it by name).
        const targets = [...text.matchAll(/(?:target: |apply(?:Async)?\(|map\(|imap(?:Unordered)?\()(\w+)/g)].map((m) => m[1]);
        assert.ok(targets.length > 0);
        for (const t of targets) assert.match(text, new RegExp(`^export (async )?function ${t}\\(`, 'm'), `${t} is not an exported top-level function`);
      });
    }
    it(`${templatePath(e.id, 'python')} exists and is the seed's Python 3 shape: the __main__ guard, its targets defined at top level, no name a stdlib module has`, () => {
      const rel = templatePath(e.id, 'python');
      const file = path.join(ROOT, rel);
      assert.ok(fs.existsSync(file), `${rel} is missing`);
      const text = fs.readFileSync(file, 'utf8');
      assert.match(text, /^if __name__ == '__main__':$/m, 'the main code is not behind the __main__ guard');
      assert.match(text, /^(import multiprocessing|from multiprocessing import )/m);
      const targets = [...text.matchAll(/(?:target=|apply(?:_async)?\(|map\(|imap(?:_unordered)?\()(\w+)/g)].map((m) => m[1]);
      assert.ok(targets.length > 0);
      for (const t of targets) assert.match(text, new RegExp(`^def ${t}\\(`, 'm'), `${t} is not a top-level function`);
      assert.match(path.basename(rel), /^[a-z_]+_example\.py$/);
    });
    it(`${e.id}: the TypeScript template is the JavaScript one plus types`, () => {
      const strip = (lang: 'javascript' | 'typescript') => {
        const text = fs.readFileSync(path.join(ROOT, templatePath(e.id, lang)), 'utf8');
        return lang === 'javascript' ? text : ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false } }).outputText;
      };
      // Compare code lines only (comments and blank lines differ in the emitted JavaScript).
      const code = (s: string) =>
        ts
          .transpileModule(s, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, removeComments: true } })
          .outputText.split('\n')
          .map((l) => l.trim())
          .filter((l) => l && l !== 'export {};');
      assert.deepStrictEqual(code(strip('typescript')), code(strip('javascript')));
    });
  }
});
