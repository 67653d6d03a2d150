// TypeScript -> JavaScript for snippets, with no build step and no type check (a type error does
// not stop a run; a syntax error does, reported as file:line:col). Its own bundle
// (dist/runtime/typescript.js), loaded only when a TypeScript file is, so plain JavaScript
// snippets never pay for the compiler. Sucrase keeps line numbers, so stack traces point at the
// user's lines without source maps.
import { transform } from 'sucrase';
import { syntaxErrorAt } from './syntaxError';

export function transformTypeScript(source: string, file: string, format: 'module' | 'commonjs'): string {
  try {
    return transform(source, {
      transforms: format === 'commonjs' ? ['typescript', 'imports'] : ['typescript'],
      filePath: file,
      // Node 20 runs modern JavaScript: only strip types, leave the rest as written.
      disableESTransforms: true,
      // ESM output keeps `import` statements; CJS output gets Node's own interop.
      ...(format === 'commonjs' ? { enableLegacyTypeScriptModuleInterop: false } : {}),
    }).code;
  } catch (err) {
    const loc = (err as { loc?: { line: number; column: number } }).loc;
    if (!loc) throw err;
    throw syntaxErrorAt(file, source, loc.line, loc.column, (err as Error).message.replace(/^Error transforming .*?: /, '').replace(/\s*\(\d+:\d+\)$/, ''));
  }
}
