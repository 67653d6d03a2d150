// dist/runtime/index.js is a facade over dist/runtime/core.js (see src/runtime/facade.ts): it
// must re-export exactly the public API, as the same objects. Run after the build.
import { strict as assert } from 'assert';
import * as path from 'path';
import { BUNDLES } from '../../../src/bundlePaths';

const root = path.resolve(__dirname, '../../..');

describe('runtime entry facade', () => {
  it('re-exports every export of the runtime core, identically', () => {
    const facade = require(path.join(root, BUNDLES.runtime)) as Record<string, unknown>;
    const core = require(path.join(root, BUNDLES.runtimeCore)) as Record<string, unknown>;
    const names = (m: Record<string, unknown>) => Object.keys(m).filter((k) => k !== '__esModule').sort();
    assert.deepEqual(names(facade), names(core));
    for (const k of names(core)) assert.equal(facade[k], core[k], k);
  });
});
