// `npm run package`: builds (vsce runs vscode:prepublish = the production webpack build), packs a
// .vsix without bundling node_modules (webpack already bundled what the extension needs), then
// reads the archive back and checks it holds exactly what it should. Prints the size.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { HostError } from './install-host';
import { REPO_ROOT } from './paths';
import { vsixProblems } from './vsix-contents';

// --no-rewrite-relative-links: the repository URL is a placeholder, so README links stay relative.
const USAGE = 'usage: npm run package [-- --out <file.vsix>]';

export function defaultVsixPath(): string {
  const { name, version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  return path.join(REPO_ROOT, `${name}-${version}.vsix`);
}

/** Packs and verifies; returns the .vsix path. `quiet` hides vsce's and webpack's output. */
export async function packageVsix(out = defaultVsixPath(), quiet = false): Promise<string> {
  const vsce = require.resolve('@vscode/vsce/vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', out], {
    cwd: REPO_ROOT,
    stdio: quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
    // vsce runs `npm run vscode:prepublish`; keep npm from writing debug logs into ~/.npm.
    env: { ...process.env, npm_config_logs_max: '0' },
  });
  if (r.status !== 0) {
    const tail = quiet ? `:\n${`${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-15).join('\n')}` : ' (see above)';
    throw new HostError(`vsce package failed (exit ${r.status})${tail}`);
  }
  const entries = await zipEntries(out);
  // vsce puts the extension under extension/ next to its own manifest files.
  const files = entries.filter((e) => e.startsWith('extension/') && !e.endsWith('/')).map((e) => e.slice('extension/'.length));
  const problems = vsixProblems(files, REPO_ROOT);
  if (problems.length) throw new HostError(`${path.basename(out)} is wrong:\n  ${problems.join('\n  ')}`);
  return out;
}

export async function main(argv: string[]): Promise<number> {
  let out = defaultVsixPath();
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) out = path.resolve(argv[++i]);
    else if (argv[i] === '--help' || argv[i] === '-h') {
      console.log(USAGE);
      return 0;
    } else throw new HostError(`unknown argument ${argv[i]}\n${USAGE}`);
  }
  const vsix = await packageVsix(out);
  const entries = await zipEntries(vsix);
  const size = fs.statSync(vsix).size;
  console.log(`package: ${path.relative(process.cwd(), vsix) || vsix}: ${(size / 1024).toFixed(1)} KiB (${size} bytes), ${entries.filter((e) => !e.endsWith('/')).length} files; contents verified (bundles, media, manifest; no src/, test/, node_modules/)`);
  return 0;
}

/** Entry names of a zip archive, via yauzl (the zip reader vsce itself depends on). */
export function zipEntries(file: string): Promise<string[]> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let yauzl: any;
  try {
    yauzl = require('yauzl');
  } catch {
    throw new HostError('cannot read the .vsix: the yauzl module (a dependency of @vscode/vsce) is missing; run `npm ci`');
  }
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err: Error | null, zip: { readEntry(): void; on(ev: string, cb: (e: { fileName: string }) => void): void; close(): void }) => {
      if (err) return reject(new HostError(`cannot read ${file}: ${err.message}`));
      const names: string[] = [];
      zip.on('entry', (e) => {
        names.push(e.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', (e) => reject(new HostError(`cannot read ${file}: ${(e as unknown as Error).message}`)));
      zip.readEntry();
    });
  });
}
