// What the CommonJS hooks (in the snippet's thread) and the ESM hooks (in Node's loader thread)
// both need: where the built runtime is, how to load the TypeScript transform, and which module
// format a TypeScript file has.
import * as fs from 'fs';
import * as path from 'path';

/** The bare specifier snippets import. */
export const RUNTIME_PACKAGE = 'concurrency-lab';

/** The folder of the runtime bundles: this code runs from dist/runtime/{preload,loader}.js. */
const bundleDir = __dirname;
declare const __non_webpack_require__: NodeRequire | undefined;
/** Node's own require, for a bundle loaded at run time (webpack turns `require` and even
 *  `createRequire()` into its own module system inside the bundle). */
function nodeRequire(id: string): unknown {
  if (typeof __non_webpack_require__ !== 'function') throw new Error(`cannot load ${id} outside the built runtime bundle`);
  return __non_webpack_require__(id);
}

export function runtimeEntry(): string {
  return path.join(bundleDir, 'index.js');
}

export function loadTypeScript(): typeof import('./typescript') {
  return nodeRequire(path.join(bundleDir, 'typescript.js')) as typeof import('./typescript');
}

const TS_FILE = /\.(m|c)?ts$/;
export const isTypeScript = (file: string) => TS_FILE.test(file);

/** Node's rule: .mts is ESM, .cts CommonJS, .ts follows the nearest package.json's "type". */
export function moduleFormatOf(file: string): 'module' | 'commonjs' {
  if (file.endsWith('.mts')) return 'module';
  if (file.endsWith('.cts')) return 'commonjs';
  for (let dir = path.dirname(file); ; ) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        return (JSON.parse(fs.readFileSync(pj, 'utf8')) as { type?: unknown }).type === 'module' ? 'module' : 'commonjs';
      } catch {
        return 'commonjs';
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return 'commonjs';
    dir = up;
  }
}
