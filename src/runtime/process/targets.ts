// Spawn semantics: a child imports the snippet module again and looks its target up by export
// name, so the parent must refuse, at start()/submit time, any function a child cannot find.
// ESM exports cannot be read synchronously while the snippet is still running its top level, so
// the parent reads the module's source and lists its export names (regexes cover the forms that
// declare named exports; when the file cannot be read the child's own check still reports).
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { MESSAGES, ProcessError } from '../errors';
import { mainModule } from './identity';

const exportNamesCache = new Map<string, Set<string> | null>();

const ESM_DECL = /\bexport\s+(?:declare\s+)?(?:async\s+)?(?:function\s*\*?|const|let|var|class)\s*([A-Za-z_$][\w$]*)/g;
const ESM_LIST = /\bexport\s*(?:type\s*)?\{([^}]*)\}/g;
const CJS_PROP = /\b(?:module\.)?exports\s*\.\s*([A-Za-z_$][\w$]*)\s*=/g;
const CJS_BRACKET = /\b(?:module\.)?exports\s*\[\s*['"]([^'"]+)['"]\s*\]\s*=/g;
const CJS_OBJECT = /\bmodule\.exports\s*=\s*\{([^}]*)\}/g;

/** Names a module exports, read from its source; null when the source cannot be read. */
export function scanExportNames(file: string): Set<string> | null {
  if (exportNamesCache.has(file)) return exportNamesCache.get(file) ?? null;
  let names: Set<string> | null = null;
  try {
    const src = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
    names = new Set<string>();
    for (const m of src.matchAll(ESM_DECL)) names.add(m[1]);
    for (const re of [ESM_LIST, CJS_OBJECT]) {
      for (const m of src.matchAll(re)) {
        for (const part of m[1].split(',')) {
          // `a`, `a as b`, `b: a`, `a() {}` (shorthand method), `...x` (unknown: skipped)
          const item = part.trim();
          const as = /\bas\s+([A-Za-z_$][\w$]*)$/.exec(item);
          const key = /^([A-Za-z_$][\w$]*)/.exec(item);
          if (as) names.add(as[1]);
          else if (key) names.add(key[1]);
        }
      }
    }
    for (const re of [CJS_PROP, CJS_BRACKET]) for (const m of src.matchAll(re)) names.add(m[1]);
  } catch {
    names = null;
  }
  exportNamesCache.set(file, names);
  return names;
}

const checked = new WeakMap<object, string>();

/**
 * The export name under which a child can find `fn`, or a ProcessError saying what to do.
 * `what` names the role in messages ("target", "initializer", "map function").
 */
export function exportNameOf(fn: unknown, what: string): string {
  if (typeof fn === 'function') {
    const hit = checked.get(fn);
    if (hit) return hit;
  }
  if (typeof fn !== 'function') throw new ProcessError(MESSAGES.notAFunction(what, fn === null ? 'null' : typeof fn));
  const name = fn.name;
  if (!name || name === 'anonymous' || !/^[A-Za-z_$][\w$]*$/.test(name)) {
    if (name.startsWith('bound ')) throw new ProcessError(MESSAGES.bound(name));
    throw new ProcessError(MESSAGES.anonymous(what));
  }
  const file = mainModule();
  if (!file) throw new ProcessError(MESSAGES.noMainModule);
  const names = scanExportNames(file);
  if (names && !names.has(name)) {
    const arrow = !('prototype' in fn) && /^(async\s*)?(\([^)]*\)|[\w$]+)\s*=>/.test(Function.prototype.toString.call(fn));
    throw new ProcessError((arrow ? MESSAGES.notExportedArrow : MESSAGES.notExported)(name, path.basename(file)));
  }
  checked.set(fn, name);
  return name;
}

const moduleCache = new Map<string, Promise<Record<string, unknown>>>();

/** Imports the snippet module in a child (ESM or CommonJS, via the same loaders as the parent). */
export function importModule(file: string): Promise<Record<string, unknown>> {
  let p = moduleCache.get(file);
  if (!p) {
    p = import(/* webpackIgnore: true */ pathToFileURL(file).href) as Promise<Record<string, unknown>>;
    moduleCache.set(file, p);
  }
  return p;
}

/** Looks an exported function up by name in an imported module (CommonJS exports sit on `default` too). */
export function findExport(ns: Record<string, unknown>, name: string, file: string): (...args: unknown[]) => unknown {
  let fn = ns[name];
  if (typeof fn !== 'function') {
    const def = ns.default as Record<string, unknown> | undefined;
    if (def && (typeof def === 'object' || typeof def === 'function')) fn = def[name];
  }
  if (typeof fn !== 'function') throw new ProcessError(MESSAGES.notExportedInChild(name, path.basename(file)));
  return fn as (...args: unknown[]) => unknown;
}
