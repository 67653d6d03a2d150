// Installs code-server (the real VS Code host for our integration tests and `npm start`) into the
// git-ignored .vscode-test/ folder on demand, as ../shared/notes/real-vscode-host.md describes.
// It is deliberately not a package.json dependency: it is ~300 MB and only the tests and
// `npm start` need it. Fast path: a stamp file written after a complete install.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CACHE_DIR, CODE_SERVER_VERSION, HOST_DIR, HOST_ENTRY, HOST_STAMP } from './paths';
import { isAlive } from './proc';

/** One-line, user-facing failure: callers print `message` and exit non-zero, no stack trace. */
export class HostError extends Error {}

// code-server 4.100.3's @vscode/ripgrep postinstall downloads rg from GitHub, which these
// machines cannot reach; it uses a tarball from this cache path instead when one exists.
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_RELEASE = 'v13.0.0-10';
const RIPGREP_TARGETS: Record<string, string> = {
  x64: 'x86_64-unknown-linux-musl',
  arm64: 'aarch64-unknown-linux-musl',
};

export function hostInstalled(): boolean {
  return fs.existsSync(HOST_STAMP) && fs.existsSync(HOST_ENTRY);
}

/** Returns the path of code-server's entry script, installing it first if needed. */
export async function ensureHost(log: (line: string) => void = (l) => console.log(l)): Promise<string> {
  if (hostInstalled()) return HOST_ENTRY;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const release = await acquireLock(path.join(CACHE_DIR, 'install.lock'), log);
  try {
    // Another process may have finished the install while we waited for the lock.
    if (!hostInstalled()) await install(log);
  } finally {
    release();
  }
  return HOST_ENTRY;
}

async function install(log: (line: string) => void): Promise<void> {
  preflight();
  const started = Date.now();
  log(`vscode-host: installing code-server ${CODE_SERVER_VERSION} into ${path.relative(process.cwd(), HOST_DIR) || HOST_DIR} (once, about 1-2 minutes)`);
  // A half-finished earlier attempt has no stamp; start over rather than trust it.
  fs.rmSync(HOST_DIR, { recursive: true, force: true });
  fs.mkdirSync(HOST_DIR, { recursive: true });
  fs.writeFileSync(
    path.join(HOST_DIR, 'package.json'),
    JSON.stringify({ name: 'concurrency-lab-vscode-host', private: true, description: 'code-server for the integration tests; see scripts/lib/install-host.ts' }, null, 2),
  );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-host-install-'));
  const logFile = path.join(CACHE_DIR, 'install.log');
  try {
    seedRipgrepCache(tmp);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // The postinstall refuses to run as root without unsafe_perm; its nested `npx node-gyp` needs yes.
      npm_config_yes: 'true',
      npm_config_unsafe_perm: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      // Keep every cache inside the repo or the temp folder (the user's ~/.npm, ~/.cache stay untouched).
      npm_config_cache: path.join(CACHE_DIR, 'npm-cache'),
      npm_config_devdir: path.join(CACHE_DIR, 'node-gyp'),
      TMPDIR: tmp,
      XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
      XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
      XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    };
    // node-gyp would download Node's headers from nodejs.org; use the installed ones when present.
    const nodeDir = path.resolve(path.dirname(process.execPath), '..');
    if (fs.existsSync(path.join(nodeDir, 'include', 'node', 'common.gypi'))) env.npm_config_nodedir = nodeDir;
    const out = fs.openSync(logFile, 'w');
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('npm', ['install', '--no-save', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`], {
        cwd: HOST_DIR,
        env,
        stdio: ['ignore', out, out],
      });
      child.on('error', reject);
      child.on('exit', (c) => resolve(c));
    });
    fs.closeSync(out);
    if (code !== 0 || !fs.existsSync(HOST_ENTRY)) {
      const tail = fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-15).join('\n');
      throw new HostError(`installing code-server ${CODE_SERVER_VERSION} failed (npm exit ${code}); last lines of ${logFile}:\n${tail}`);
    }
    fs.writeFileSync(HOST_STAMP, `${CODE_SERVER_VERSION}\n${new Date().toISOString()}\n`);
    log(`vscode-host: code-server ${CODE_SERVER_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Fails early, in one line, when a tool the install needs is missing. */
function preflight(): void {
  const missing = ['npm', 'rg', 'tar', 'make', 'g++', 'python3', 'pkg-config'].filter((cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0);
  if (missing.length) throw new HostError(`code-server's install needs ${missing.join(', ')} on PATH: run \`bash scripts/setup.sh\` first`);
  const pc = spawnSync('pkg-config', ['--exists', 'x11', 'xkbfile', 'libsecret-1']);
  if (pc.status !== 0) throw new HostError('code-server\'s native modules need libx11-dev libxkbfile-dev libsecret-1-dev: run `bash scripts/setup.sh` first');
}

/** Puts Debian's rg where @vscode/ripgrep's postinstall looks for a cached download. */
function seedRipgrepCache(tmp: string): void {
  const target = RIPGREP_TARGETS[process.arch];
  if (!target) throw new HostError(`no ripgrep mapping for CPU architecture ${process.arch}`);
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  const staging = path.join(tmp, 'rg-staging');
  fs.mkdirSync(staging, { recursive: true });
  fs.copyFileSync(fs.realpathSync(rg), path.join(staging, 'rg'));
  fs.chmodSync(path.join(staging, 'rg'), 0o755);
  const cacheDir = path.join(tmp, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const tarball = path.join(cacheDir, `ripgrep-${RIPGREP_RELEASE}-${target}.tar.gz`);
  const tar = spawnSync('tar', ['-czf', tarball, '-C', staging, 'rg'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new HostError(`could not pack Debian's rg for the ripgrep cache: ${tar.stderr.trim()}`);
}

/**
 * A directory lock so two concurrent test runs do not install into the same folder at once.
 * A lock left by a dead process is taken over.
 */
async function acquireLock(lockDir: string, log: (line: string) => void): Promise<() => void> {
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      return () => fs.rmSync(lockDir, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(readOr(path.join(lockDir, 'pid'), '0'));
    if (!holder || !isAlive(holder)) {
      // Either the holder died, or it has not written its pid yet: give it a moment, then take over.
      await sleep(500);
      const again = Number(readOr(path.join(lockDir, 'pid'), '0'));
      if (!again || !isAlive(again)) fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!told) log(`vscode-host: waiting for another install (pid ${holder}) to finish`);
    told = true;
    await sleep(1000);
  }
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
