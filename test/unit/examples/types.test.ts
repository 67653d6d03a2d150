// The TypeScript examples and snippets type-check against the real `concurrency-lab` API
// (src/runtime), strict, as a user with the library's types would see them: a renamed option or
// a wrong type in a template fails here, not in a learner's editor.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { EXAMPLES, templatePath } from '../../../src/scaffold/catalogue';
import { expandSnippet } from '../scaffold/snippetText';

const ROOT = path.resolve(__dirname, '../../..');

describe('TypeScript examples and snippets against the runtime API', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-types-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('type-check with no errors (strict, Node16 ESM)', () => {
    const files = EXAMPLES.map((e) => path.join(ROOT, templatePath(e.id, 'typescript')));
    const snippets: Record<string, { prefix: string; body: string[] }> = JSON.parse(fs.readFileSync(path.join(ROOT, 'snippets', 'typescript.json'), 'utf8'));
    for (const s of Object.values(snippets)) {
      const file = path.join(dir, `${s.prefix}.mts`);
      fs.writeFileSync(file, expandSnippet(s.body));
      files.push(file);
    }
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      skipLibCheck: true,
      baseUrl: ROOT,
      paths: { 'concurrency-lab': ['src/runtime/index.ts'] },
    });
    const inOurFiles = ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.includes(path.resolve(d.file.fileName)));
    const text = inOurFiles.map((d) => {
      const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${path.basename(d.file!.fileName)}:${line + 1}:${character + 1} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
    assert.deepStrictEqual(text, []);
    // The runtime was really resolved (not an implicit any from a missing module).
    assert.ok(program.getSourceFiles().some((f) => path.resolve(f.fileName) === path.join(ROOT, 'src', 'runtime', 'index.ts')));
  });
});
