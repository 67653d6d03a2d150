// The examples folder's tsconfig.json (src/scaffold/tsconfig.ts): when it is written, rewritten or
// left alone; and that a scaffolded example really type-checks with it, against the declarations
// the build ships (dist/runtime/types), in a folder outside this repository like a user's.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { BUNDLES } from '../../../src/bundlePaths';
import { EXAMPLES, extensionOf, templatePath } from '../../../src/scaffold/catalogue';
import { CONFIG_MARKER, configAction, examplesConfigText, isOurConfig } from '../../../src/scaffold/tsconfig';

const ROOT = path.resolve(__dirname, '../../..');
const TYPES = path.join(ROOT, BUNDLES.runtimeTypes);

/** tsconfig.json's text as the editor reads it (JSONC), as compiler options for `dir`. */
function parseConfig(text: string, dir: string, allowNoInputs = false): ts.ParsedCommandLine {
  const json = ts.parseConfigFileTextToJson(path.join(dir, 'tsconfig.json'), text);
  assert.strictEqual(json.error, undefined, json.error && ts.flattenDiagnosticMessageText(json.error.messageText, ' '));
  const parsed = ts.parseJsonConfigFileContent(json.config, ts.sys, dir);
  // 18003: no inputs, for a config parsed without a folder of examples.
  assert.deepStrictEqual(parsed.errors.filter((e) => !(allowNoInputs && e.code === 18003)).map((e) => ts.flattenDiagnosticMessageText(e.messageText, ' ')), []);
  return parsed;
}

function describeDiagnostics(ds: readonly ts.Diagnostic[]): string[] {
  return ds.map((d) => {
    const where = d.file ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1} ` : '';
    return `${where}TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

describe('examples tsconfig.json: when to write it', () => {
  const here = '/ext/concurrency-lab-0.1.0/dist/runtime/types/runtime/index.d.ts';
  const moved = '/ext/concurrency-lab-0.2.0/dist/runtime/types/runtime/index.d.ts';

  it('is written when absent', () => {
    assert.strictEqual(configAction(undefined, here), 'write');
  });

  it('is left alone when it is ours and up to date', () => {
    assert.strictEqual(configAction(examplesConfigText(here), here), 'keep');
  });

  it('is rewritten when ours points at another extension folder (an update moved the extension)', () => {
    assert.strictEqual(configAction(examplesConfigText(moved), here), 'write');
  });

  it('never touches a file of the user, nor one the user disowned by deleting the marker', () => {
    assert.strictEqual(configAction('{ "compilerOptions": { "strict": false } }\n', here), 'keep');
    const disowned = examplesConfigText(moved).split('\n').filter((l) => !l.startsWith('//')).join('\n');
    assert.strictEqual(configAction(disowned, here), 'keep');
  });

  it('does not shadow a jsconfig.json of the user with a new tsconfig.json', () => {
    assert.strictEqual(configAction(undefined, here, true), 'keep');
    // Ours already there (written before the user added one): still ours to update.
    assert.strictEqual(configAction(examplesConfigText(moved), here, true), 'write');
  });

  it('is recognisable (also behind a BOM) and maps the module to the given absolute path', () => {
    const text = examplesConfigText('C:\\Users\\me\\.vscode\\extensions\\cl\\dist\\runtime\\types\\runtime\\index.d.ts');
    assert.ok(text.startsWith(CONFIG_MARKER));
    assert.ok(isOurConfig(`\uFEFF${text}`));
    const options = parseConfig(text, os.tmpdir() + '/cl-no-such-folder', true).options;
    assert.deepStrictEqual(options.paths, { 'concurrency-lab': ['C:/Users/me/.vscode/extensions/cl/dist/runtime/types/runtime/index.d.ts'] });
    assert.strictEqual(options.module, ts.ModuleKind.NodeNext);
    assert.strictEqual(options.moduleResolution, ts.ModuleResolutionKind.NodeNext);
    assert.strictEqual(options.strict, true);
    assert.strictEqual(options.allowJs, true);
    assert.strictEqual(options.checkJs, false);
  });
});

describe('a scaffolded example type-checks with the written tsconfig.json (typescript API)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    assert.ok(fs.existsSync(TYPES), `${BUNDLES.runtimeTypes} is missing: build first (npx webpack --mode development --config-name runtime)`);
    // Like the user's workspace: outside this repository, so nothing resolves through our node_modules.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-examples-'));
    for (const e of EXAMPLES) {
      for (const language of ['javascript', 'typescript'] as const) {
        // Distinct stems, as the writer picks them (sameStemNames): TypeScript would hide x.mjs behind x.mts.
        const stem = language === 'javascript' ? `${e.id}-js` : e.id;
        fs.copyFileSync(path.join(ROOT, templatePath(e.id, language)), path.join(dir, `${stem}${extensionOf(language)}`));
      }
    }
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), examplesConfigText(TYPES));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The program the editor builds for the folder. Node's types come from automatic type acquisition there; here from our devDependency. */
  function program(text: string): ts.Program {
    const parsed = parseConfig(text, dir);
    return ts.createProgram(parsed.fileNames, { ...parsed.options, typeRoots: [path.join(ROOT, 'node_modules', '@types')], types: ['node'] });
  }

  it('every TypeScript and JavaScript example: no diagnostics, concurrency-lab resolved to the shipped declarations', () => {
    const p = program(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'));
    const names = p.getRootFileNames().map((f) => path.basename(f)).sort();
    assert.strictEqual(names.length, EXAMPLES.length * 2, `the config does not include every example: ${names.join(', ')}`);
    assert.deepStrictEqual(describeDiagnostics(ts.getPreEmitDiagnostics(p)), []);
    assert.ok(p.getSourceFile(TYPES), 'the program did not load the shipped declarations');
    for (const root of p.getRootFileNames()) {
      const resolved = ts.resolveModuleName('concurrency-lab', root, p.getCompilerOptions(), ts.sys, undefined, undefined, ts.ModuleKind.ESNext).resolvedModule;
      assert.strictEqual(resolved && path.resolve(resolved.resolvedFileName), TYPES, `${path.basename(root)}: concurrency-lab not resolved to ${TYPES}`);
    }
  });

  it('the JavaScript examples get real types (IntelliSense), not any', () => {
    const p = program(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'));
    const file = p.getSourceFile(path.join(dir, 'pool-apply-async-js.mjs'))!;
    const checker = p.getTypeChecker();
    let poolType = '';
    const visit = (n: ts.Node): void => {
      if (ts.isImportSpecifier(n) && n.name.text === 'Pool') poolType = checker.typeToString(checker.getTypeAtLocation(n.name));
      ts.forEachChild(n, visit);
    };
    visit(file);
    assert.strictEqual(poolType, 'typeof Pool');
  });

  it('a wrong call is reported against the declarations (strict), and without the mapping TS2307 comes back', () => {
    fs.writeFileSync(path.join(dir, 'scratch.mts'), "import { Pool } from 'concurrency-lab';\nnew Pool({ processes: 'three' });\n");
    try {
      const p = program(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'));
      const text = describeDiagnostics(ts.getPreEmitDiagnostics(p));
      assert.strictEqual(text.length, 1, text.join('\n'));
      assert.match(text[0]!, /^scratch\.mts:2 TS2322 /);

      const unmapped = examplesConfigText(TYPES).replace(/"paths": \{[^}]*\},?/, '');
      const codes = ts.getPreEmitDiagnostics(program(unmapped)).map((d) => d.code);
      assert.ok(codes.includes(2307), `expected TS2307 without the mapping, got ${codes.join(', ')}`);
    } finally {
      fs.rmSync(path.join(dir, 'scratch.mts'));
    }
  });
});
