// The .vscodeignore rules, through vsce's own file collection (what `vsce package` would pack,
// without building or zipping): bundles, media and manifest files in; sources, tests and
// node_modules out. Needs a build (npm test builds before this tier).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { listFiles, PackageManager } from '@vscode/vsce';
import { BUNDLES } from '../../src/bundlePaths';
import { FORBIDDEN_PREFIXES, manifestReferences, vsixProblems } from '../../scripts/lib/vsix-contents';

const ROOT = path.resolve(__dirname, '..', '..');

describe('.vscodeignore (vsce file list)', () => {
  let files: string[];

  before(async function () {
    const missing = Object.values(BUNDLES).filter((b) => !fs.existsSync(path.join(ROOT, b)));
    assert.deepStrictEqual(missing, [], 'bundles missing: run `npm run build` first');
    files = (await listFiles({ cwd: ROOT, packageManager: PackageManager.None })).map((f) => f.split(path.sep).join('/'));
  });

  it('ships every bundle, the manifest files and everything package.json points at', () => {
    assert.deepStrictEqual(vsixProblems(files, ROOT), []);
  });

  it('ships no sources, tests, dependencies or source maps', () => {
    assert.deepStrictEqual(files.filter((f) => FORBIDDEN_PREFIXES.some((p) => f.startsWith(p))), []);
    assert.deepStrictEqual(files.filter((f) => f.endsWith('.map')), []);
  });

  it('would catch a missing bundle and a leaked source file', () => {
    const broken = files.filter((f) => f !== BUNDLES.runtime).concat('src/extension.ts');
    const problems = vsixProblems(broken, ROOT);
    assert.ok(problems.includes(`missing ${BUNDLES.runtime}`), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('must not ship src/extension.ts')), problems.join('\n'));
  });

  it('reads package.json references (snippets, walkthrough media)', () => {
    const refs = manifestReferences({ main: './dist/extension.js', contributes: { snippets: [{ path: './snippets/a.json' }], walkthroughs: [{ steps: [{ media: { svg: 'media/x.svg' } }, { media: { markdown: 'media/y.md' } }] }] } });
    assert.deepStrictEqual(refs, ['dist/extension.js', 'snippets/a.json', 'media/x.svg', 'media/y.md']);
  });
});
