// Node module hooks (module.register; they run in Node's loader thread), registered only when the
// snippet needs them (ESM_HOOKS_ENV): the bare `concurrency-lab` resolves to the built runtime from
// an ES module in any folder, and TypeScript loads with no build step. TypeScript's import
// conventions work too: `./util.js` finds util.ts, `./util` finds util.ts / util.mts.
import * as fs from 'fs';
import { fileURLToPath, pathToFileURL } from 'url';
import { RUNTIME_PACKAGE, isTypeScript, loadTypeScript, moduleFormatOf, runtimeEntry } from './shared';

interface ResolveContext {
  parentURL?: string;
  conditions: string[];
  importAttributes?: Record<string, string>;
}
interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
interface LoadContext {
  format?: string | null;
  conditions: string[];
  importAttributes?: Record<string, string>;
}
interface LoadResult {
  format: string;
  source?: string | Buffer;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>;
type NextLoad = (url: string, context?: LoadContext) => Promise<LoadResult>;

const TS_ALTERNATIVES: Record<string, string[]> = { '.js': ['.ts'], '.mjs': ['.mts'], '.cjs': ['.cts'], '': ['.ts', '.mts', '.cts'] };

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<ResolveResult> {
  if (specifier === RUNTIME_PACKAGE) return { url: pathToFileURL(runtimeEntry()).href, format: 'commonjs', shortCircuit: true };
  try {
    return await next(specifier, context);
  } catch (err) {
    const parent = context.parentURL;
    if (!parent?.startsWith('file:') || !isTypeScript(parent) || !/^\.{1,2}\//.test(specifier)) throw err;
    const m = /(\.m?js|\.cjs)?$/.exec(specifier);
    const ext = m?.[1] ?? '';
    const stem = specifier.slice(0, specifier.length - ext.length);
    for (const alt of TS_ALTERNATIVES[ext] ?? []) {
      const url = new URL(stem + alt, parent);
      if (fs.existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true };
    }
    throw err;
  }
}

export async function load(url: string, context: LoadContext, next: NextLoad): Promise<LoadResult> {
  if (!url.startsWith('file:') || !isTypeScript(new URL(url).pathname)) return next(url, context);
  const file = fileURLToPath(url);
  const format = moduleFormatOf(file);
  // CommonJS TypeScript goes to Node's CommonJS loader, where the preload's require hook compiles it.
  if (format === 'commonjs') return { format: 'commonjs', shortCircuit: true };
  const source = fs.readFileSync(file, 'utf8');
  return { format: 'module', source: loadTypeScript().transformTypeScript(source, file, 'module'), shortCircuit: true };
}
