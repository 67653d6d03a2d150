// What a .vsix of this extension must and must not hold (issue #2: built bundles, media and
// manifest files only). Used on the real archive by scripts/package.mjs and on `vsce ls` output
// by test/unit/package.test.ts, so a .vscodeignore mistake fails fast.
import * as fs from 'fs';
import * as path from 'path';
import { BUNDLES } from '../../src/bundlePaths';

/** Folders shipped whole when the repository has them. */
export const SHIPPED_FOLDERS = ['media', 'l10n', 'snippets', 'examples'];
/** Never in a .vsix: sources, tests, dependencies, caches, tooling. */
export const FORBIDDEN_PREFIXES = ['src/', 'test/', 'node_modules/', 'scripts/', 'bench/', 'docs/', '.vscode-test/', '.ci/', '.git/', 'out/', 'test-results/'];

const VSCE_RENAMES: Record<string, string> = { 'readme.md': 'README.md', 'changelog.md': 'CHANGELOG.md', 'LICENSE.txt': 'LICENSE' };

/**
 * Problems with a package's file list (paths relative to the extension root, '/' separated).
 * `repoRoot` is read for package.json's references and for which optional folders exist.
 */
export function vsixProblems(files: string[], repoRoot: string): string[] {
  // Inside the archive vsce renames these three (readme.md, changelog.md, LICENSE.txt).
  const have = new Set(files.map((f) => VSCE_RENAMES[f] ?? f));
  const problems: string[] = [];
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const required = new Set<string>(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', ...Object.values(BUNDLES)]);
  for (const rel of manifestReferences(manifest)) required.add(rel);
  for (const nls of fs.readdirSync(repoRoot).filter((f) => /^package\.nls(\.[\w-]+)?\.json$/.test(f))) required.add(nls);
  // The Python tracer is plain files, all of them needed (BUNDLES names only its entry).
  for (const rel of listTree(repoRoot, 'dist/python')) if (rel.endsWith('.py')) required.add(rel);
  // The native shared-memory module of every platform built (process-context Value, Lock…).
  for (const rel of listTree(repoRoot, 'dist/runtime/native')) if (rel.endsWith('.node')) required.add(rel);
  for (const dir of SHIPPED_FOLDERS) {
    for (const rel of listTree(repoRoot, dir)) required.add(rel);
  }
  for (const rel of required) if (!have.has(rel)) problems.push(`missing ${rel}`);
  for (const f of files) {
    const bad = FORBIDDEN_PREFIXES.find((p) => f.startsWith(p));
    if (bad) problems.push(`must not ship ${f} (${bad} is excluded)`);
    else if (/\.ts$/.test(f) && !f.endsWith('.d.ts')) problems.push(`must not ship TypeScript source ${f}`);
    else if (/(^|\/)\.vsix$|\.vsix$/.test(f)) problems.push(`must not ship another package ${f}`);
  }
  return problems;
}

/** Files package.json points at (main, snippets, walkthrough media, icons given as paths). */
export function manifestReferences(manifest: Record<string, unknown>): string[] {
  const refs: string[] = [];
  const add = (p: unknown) => {
    if (typeof p === 'string' && !p.startsWith('$(') && !/^[a-z]+:/i.test(p)) refs.push(path.posix.normalize(p.replace(/^\.\//, '')));
  };
  add(manifest.main);
  add(manifest.icon);
  const contributes = (manifest.contributes ?? {}) as Record<string, unknown>;
  for (const s of (contributes.snippets as { path?: string }[] | undefined) ?? []) add(s.path);
  for (const w of (contributes.walkthroughs as { steps?: { media?: Record<string, unknown> }[] }[] | undefined) ?? []) {
    for (const step of w.steps ?? []) for (const key of ['image', 'svg', 'markdown']) add(step.media?.[key]);
  }
  return refs;
}

function listTree(root: string, dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).split(path.sep).join('/'));
}
