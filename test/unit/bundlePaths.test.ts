// webpack.config.js and src/bundlePaths.ts must agree: every bundle the code loads by path is
// one webpack emits. Run after `npm run build` (npm test builds first).
import { strict as assert } from 'assert';
import * as path from 'path';
import { BUNDLES } from '../../src/bundlePaths';

const root = path.resolve(__dirname, '../..');

describe('bundle paths', () => {
  it('every path in BUNDLES is an output of webpack.config.js', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
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
      assert.ok(outputs.has(rel), `BUNDLES.${name} = ${rel} is not produced by webpack (outputs: ${[...outputs].join(', ')})`);
    }
  });

  it('the runtime bundle never pulls in vscode', () => {
    const configs = require(path.join(root, 'webpack.config.js'))({}, { mode: 'production' }) as { name: string; target: string }[];
    const runtime = configs.find((c) => c.name === 'runtime');
    assert.ok(runtime, 'webpack.config.js has a runtime config');
    assert.equal(runtime.target, 'node20');
  });
});
