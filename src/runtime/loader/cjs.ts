// In-thread CommonJS hooks (cheap, always on in a traced run): `require('concurrency-lab')`
// resolves to the built runtime next to this preload, from a snippet in any folder with no npm
// install; and `.ts`/`.cts` files load through the TypeScript transform, which is itself loaded
// only when the first such file is.
import Module from 'module';
import { RUNTIME_PACKAGE, runtimeEntry, loadTypeScript } from './shared';

interface ModuleInternals {
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _extensions: Record<string, (module: { _compile(code: string, file: string): void }, file: string) => void>;
}

export function installCommonJsHooks(): void {
  const M = Module as unknown as ModuleInternals;
  const resolve = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: [unknown, boolean, unknown?]) {
    if (request === RUNTIME_PACKAGE) return runtimeEntry();
    return resolve.call(this, request, ...rest);
  };
  const compileTs = (module: { _compile(code: string, file: string): void }, file: string) => {
    const fs = require('fs') as typeof import('fs');
    const source = fs.readFileSync(file, 'utf8');
    module._compile(loadTypeScript().transformTypeScript(source, file, 'commonjs'), file);
  };
  M._extensions['.ts'] = compileTs;
  M._extensions['.cts'] = compileTs;
}
