// Every example and snippet exists twice, in JavaScript and in TypeScript, written by hand so each
// reads naturally in its language. Hand-kept copies drift: a fix made in one is forgotten in the
// other, and a learner who switches language sees a different program. So the TypeScript twin,
// with its types stripped, must be the same program as the JavaScript one — compared as printed
// syntax trees, which ignores comments, layout and trailing commas but not one changed token.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { transform } from 'sucrase';
import * as ts from 'typescript';
import { EXAMPLES, templatePath } from '../../../src/scaffold/catalogue';
import { expandSnippet } from '../scaffold/snippetText';

const ROOT = path.resolve(__dirname, '../../..');
const printer = ts.createPrinter({ removeComments: true });

/** The program's code in one canonical layout, without comments or trailing commas. */
export function canonicalCode(source: string, typescript: boolean): string {
  const js = typescript ? transform(source, { transforms: ['typescript'], disableESTransforms: true }).code : source;
  const file = ts.createSourceFile('twin.mjs', js, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  return printer.printFile(file).replace(/,(\s*[}\])])/g, '$1');
}

/** undefined when the twins are the same program, else the first line where they differ. */
export function twinDifference(javascript: string, typescript: string): string | undefined {
  const a = canonicalCode(javascript, false).split('\n');
  const b = canonicalCode(typescript, true).split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `canonical line ${i + 1}:\n  javascript: ${a[i] ?? '(end)'}\n  typescript: ${b[i] ?? '(end)'}`;
  }
  return undefined;
}

describe('JavaScript and TypeScript twins stay the same program', function () {
  this.timeout(30_000);

  for (const { id } of EXAMPLES) {
    it(`example ${id}`, () => {
      const read = (language: 'javascript' | 'typescript') => fs.readFileSync(path.join(ROOT, templatePath(id, language)), 'utf8');
      const diff = twinDifference(read('javascript'), read('typescript'));
      assert.strictEqual(diff, undefined, `examples ${id}: the TypeScript example is not the JavaScript one with types (fix the one that was forgotten); ${diff}`);
    });
  }

  it('every snippet', () => {
    const load = (language: string): Record<string, { prefix: string; body: string[] }> =>
      JSON.parse(fs.readFileSync(path.join(ROOT, 'snippets', `${language}.json`), 'utf8'));
    const js = load('javascript');
    const typed = load('typescript');
    assert.deepStrictEqual(Object.keys(typed).sort(), Object.keys(js).sort(), 'the same snippets exist in both languages');
    for (const name of Object.keys(js)) {
      assert.strictEqual(typed[name].prefix, js[name].prefix, `${name}: same prefix`);
      const diff = twinDifference(expandSnippet(js[name].body), expandSnippet(typed[name].body));
      assert.strictEqual(diff, undefined, `snippet ${name}: ${diff}`);
    }
  });

  it('notices a changed token, and ignores comments, layout and types', () => {
    const js = "const q = new Queue();\nawait q.put(1); // send\n";
    assert.strictEqual(twinDifference(js, '// the queue\nconst q: Queue<number> = new Queue<number>();\nawait q.put(1,);\n'), undefined);
    assert.match(twinDifference(js, 'const q: Queue<number> = new Queue<number>();\nawait q.put(2);\n') ?? '', /put\(2\)/);
  });
});
