// Checks a snippet before running it, so each kind of bad input gets one clear line instead of a
// stack trace: missing, a directory, unreadable, an extension we cannot run.
import * as fs from 'fs';
import * as path from 'path';

export const SNIPPET_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.py'] as const;
const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

/** Thrown by startRun when it refuses to start; `message` is one line meant for the user. */
export class RunInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunInputError';
  }
}

export interface SnippetInfo {
  file: string;
  source: string;
  typescript: boolean;
  /** Loaded as an ES module (by extension, or the nearest package.json's "type"). */
  esm: boolean;
  /** A Python script (.py), run by a Python interpreter with the Python tracer. */
  python: boolean;
}

export function checkSnippet(file: string): SnippetInfo {
  const ext = path.extname(file).toLowerCase();
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new RunInputError(`${file}: no such file`);
    throw new RunInputError(`${file}: cannot read it (${code ?? String(err)})`);
  }
  if (stat.isDirectory()) throw new RunInputError(`${file}: is a directory, not a snippet file`);
  if (!(SNIPPET_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new RunInputError(`${file}: cannot run ${ext ? `"${ext}"` : 'extensionless'} files (supported: ${SNIPPET_EXTENSIONS.join(', ')})`);
  }
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RunInputError(`${file}: cannot read it (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(err))})`);
  }
  const typescript = TS_EXTENSIONS.has(ext);
  const esm = ext === '.mjs' || ext === '.mts' || ((ext === '.js' || ext === '.ts') && packageType(path.dirname(file)) === 'module');
  return { file, source, typescript, esm, python: ext === '.py' };
}

/** The "type" of the nearest package.json, as Node resolves it. */
function packageType(dir: string): string | undefined {
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        const t = (JSON.parse(fs.readFileSync(pj, 'utf8')) as { type?: unknown }).type;
        return typeof t === 'string' ? t : undefined;
      } catch {
        return undefined;
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** `from 'concurrency-lab'`, `import 'concurrency-lab'`, `import('concurrency-lab')`, `require(…)`. */
const IMPORTS_RUNTIME = /\b(?:from|import|require)\s*\(?\s*(['"])concurrency-lab\1/;

/** Whether the snippet needs the ESM hooks (see ESM_HOOKS_ENV): an ES module in TypeScript, or a
 *  snippet whose children the runtime will start by importing it (it imports `concurrency-lab`;
 *  a mere mention in a comment does not count). Others skip the ~30 ms the loader thread costs. */
export function needsEsmHooks(s: SnippetInfo): boolean {
  if (s.python) return false;
  // An ES module in TypeScript needs the load hook to be compiled at all. A CommonJS one is
  // compiled by the in-thread require hook, unless the runtime will import() it in its children.
  if (s.typescript && s.esm) return true;
  return (s.esm || s.typescript) && importsRuntime(s.file, s.source);
}

const RELATIVE_IMPORT = /\b(?:from|import)\s*\(?\s*(['"])(\.{1,2}\/[^'"]+)\1/g;

/** The snippet, or a local module it imports (transitively, up to `limit` files), imports the runtime. */
function importsRuntime(file: string, source: string, limit = 30): boolean {
  const seen = new Set<string>([file]);
  const queue: [string, string][] = [[file, source]];
  while (queue.length) {
    const [f, text] = queue.shift() as [string, string];
    if (IMPORTS_RUNTIME.test(text)) return true;
    for (const m of text.matchAll(RELATIVE_IMPORT)) {
      const dep = path.resolve(path.dirname(f), m[2]);
      if (seen.has(dep) || seen.size >= limit) continue;
      seen.add(dep);
      try {
        queue.push([dep, fs.readFileSync(dep, 'utf8')]);
      } catch {
        // not a file we can read (a directory, a missing file): Node will say so itself
      }
    }
  }
  return false;
}
