// webpack.config.js and src/bundlePaths.ts must agree: every bundle the code loads by path is
// one webpack emits. Run after `npm run build` (npm test builds first).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { BUNDLES } from '../../src/bundlePaths';

const root = path.resolve(__dirname, '../..');

describe('bundle paths', () => {
  it('every path in BUNDLES is an output of webpack.config.js', () => {
    const configs = require(path.join(root, 'webpack.config.js'))({}, { mode: 'production' }) as {
      name: string;
      entry: Record<string, string>;
      output: { path: string; filename: string };
    }[];
    const outputs = new Set<string>();
    for (const c of configs) {
      for (const name of Object.keys(c.entry)) {
        outputs.add(path.relative(root, path.join(c.output.path, c.output.filename.replace('[name]', name))));
      }
    }
    for (const [name, rel] of Object.entries(BUNDLES)) {
      if (rel.endsWith('.css')) continue; // copied asset, not an entry
      if (rel.endsWith('.d.ts')) continue; // declarations, written by the runtime config's plugin (checked below)
      if (rel.endsWith('.py')) continue; // the Python tracer, copied from src/python (checked below)
      assert.ok(outputs.has(rel), `BUNDLES.${name} = ${rel} is not produced by webpack (outputs: ${[...outputs].join(', ')})`);
    }
  });

  it('the runtime declarations exist after a build', () => {
    assert.ok(fs.existsSync(path.join(root, BUNDLES.runtimeTypes)), `${BUNDLES.runtimeTypes} is missing: run npm run build first`);
  });

  it('the Python tracer is copied whole into dist/python', () => {
    const src = path.join(root, 'src/python');
    const files = (fs.readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.py'));
    assert.ok(files.includes('sitecustomize.py'));
    for (const f of files) assert.ok(fs.existsSync(path.join(path.dirname(path.join(root, BUNDLES.pythonTracer)), f)), `dist/python/${f} is missing: run npm run build`);
  });

  it('the runtime and CLI bundles never pull in vscode (they run outside VS Code)', () => {
    for (const rel of [BUNDLES.runtime, BUNDLES.runtimePreload, BUNDLES.cli]) {
      const file = path.join(root, rel);
      assert.ok(fs.existsSync(file), `${rel} is missing: run npm run build first`);
      const text = fs.readFileSync(file, 'utf8');
      assert.ok(!/require\(["']vscode["']\)/.test(text), `${rel} requires vscode`);
    }
  });
});
