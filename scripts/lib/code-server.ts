// Starts and stops one code-server (VS Code 1.100.3 server + web workbench) on 127.0.0.1, with
// every bit of state in a throwaway run folder under the OS temp folder. Used by the integration
// runner, the e2e tests and `npm start`. Recipe: ../shared/notes/real-vscode-host.md.
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { HostError, ensureHost } from './install-host';
import { RUN_ID_ENV } from '../../src/trace/channel';
import { endMarked, processesWithEnv, type OwnedProcess } from './proc';

/** Marks every process of one session (code-server, extension host, snippets, Chromium). */
export const SESSION_ENV = 'CONCURRENCY_LAB_HOST_SESSION';

export interface CodeServerOptions {
  /**
   * Keep workspace trust on (Restricted Mode for the opened folder) instead of passing
   * --disable-workspace-trust. Only tests about Restricted Mode want this.
   */
  trust?: boolean;
  /** Extra environment for code-server; it reaches the extension host and what it spawns. */
  env?: NodeJS.ProcessEnv;
  /** `.vsix` files to install into this session's extensions folder before it starts. */
  vsix?: string[];
  /** Run folder; default: a fresh one under the OS temp folder, removed by stop(). */
  runDir?: string;
  /** Persistent user data / extensions folders (default: inside the run folder). */
  userDataDir?: string;
  extensionsDir?: string;
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** User settings (settings.json) for the session. */
  settings?: Record<string, unknown>;
  log?: (line: string) => void;
}

export interface CodeServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly host: string;
  readonly runDir: string;
  /** Value of SESSION_ENV for this session's processes. */
  readonly session: string;
  readonly pid: number;
  /** Environment for other processes of this session (Chromium): temp dirs, HOME, the marker. */
  readonly childEnv: NodeJS.ProcessEnv;
  /** Workbench URL opening `folder`, optionally with a payload (extensionDevelopmentPath etc.). */
  workbenchUrl(folder: string, payload?: [string, string][]): string;
  /** `vscode-remote://` URI of a server-side path (a plain path would be taken as browser-side). */
  remoteUri(absPath: string): string;
  /**
   * Processes of this session started by a Concurrency Lab run (they carry the runner's run id):
   * after a test they must all be gone, or a test leaked them.
   */
  runProcesses(): OwnedProcess[];
  /** Resolves when code-server exits (for whatever reason). */
  readonly exited: Promise<number | null>;
  /** Ends the whole tree; returns processes that needed SIGKILL and any still alive after it. */
  stop(): Promise<{ killed: OwnedProcess[]; leftover: OwnedProcess[] }>;
}

const HEALTH_TIMEOUT_MS = 90_000;

/** Sessions started by this process and not stopped yet: `exit` must not leave them running. */
const liveSessions = new Map<string, { pid: number; runDir?: string }>();
let exitHookInstalled = false;

/**
 * SIGKILLs every process of every session this process started and has not stopped, at once
 * and synchronously (usable in an `exit` handler or a signal handler before process.exit).
 */
export function killLiveSessionsSync(): void {
  for (const [session, { pid, runDir }] of liveSessions) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // group already gone
    }
    for (const p of processesWithEnv(SESSION_ENV, session)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
  }
  liveSessions.clear();
}

/** Ends the process on these signals after killing the live sessions (mocha installs no handler). */
export function stopSessionsOnSignals(): void {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killLiveSessionsSync();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

export async function startCodeServer(opts: CodeServerOptions = {}): Promise<CodeServer> {
  const log = opts.log ?? (() => undefined);
  const entry = await ensureHost(log);
  const ownRunDir = !opts.runDir;
  const runDir = opts.runDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cl-h-'));
  const session = `${process.pid}-${path.basename(runDir)}`;
  const dirs = {
    userData: opts.userDataDir ?? path.join(runDir, 'ud'),
    extensions: opts.extensionsDir ?? path.join(runDir, 'ext'),
    home: path.join(runDir, 'home'),
    tmp: path.join(runDir, 'tmp'),
    runtime: path.join(runDir, 'rt'),
    config: path.join(runDir, 'xdg', 'config'),
    data: path.join(runDir, 'xdg', 'data'),
    cache: path.join(runDir, 'xdg', 'cache'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
  const settingsFile = path.join(dirs.userData, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  // An existing settings.json (a persistent user data folder) is the user's: keep it.
  if (!opts.userDataDir || !fs.existsSync(settingsFile)) fs.writeFileSync(settingsFile, JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, ...opts.settings }, null, 2));

  // Everything a well-behaved tool writes goes into the run folder, never the user's home.
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...opts.env,
    HOME: dirs.home,
    TMPDIR: dirs.tmp,
    XDG_RUNTIME_DIR: dirs.runtime,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    [SESSION_ENV]: session,
  };
  const serverEnv: NodeJS.ProcessEnv = {
    ...childEnv,
    EXTENSIONS_GALLERY: '{}', // offline: no marketplace requests
    VSCODE_CLI: '1', // skips a slow login-shell environment probe
  };
  const configFile = path.join(runDir, 'config.yaml');
  const common = ['--auth', 'none', '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--config', configFile, '--disable-telemetry', '--disable-update-check'];

  for (const vsix of opts.vsix ?? []) {
    fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
    const r = spawnSync(process.execPath, [entry, ...common, '--install-extension', vsix, '--force'], { env: serverEnv, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) {
      if (ownRunDir) fs.rmSync(runDir, { recursive: true, force: true });
      throw new HostError(`installing ${path.basename(vsix)} into code-server failed: ${(r.stderr || r.stdout || r.error?.message || '').trim().split('\n').pop()}`);
    }
  }

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = opts.port ?? (await freePort());
    fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
    const args = [
      entry,
      ...common,
      '--bind-addr',
      `127.0.0.1:${port}`,
      ...(opts.trust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
    ];
    const logFile = path.join(runDir, `code-server-${attempt}.log`);
    const out = fs.openSync(logFile, 'w');
    // detached: its own process group, so stop() can signal the whole tree at once.
    const child = spawn(process.execPath, args, { env: serverEnv, detached: true, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, sig) => resolve(code ?? (sig ? 128 : null))));
    child.on('error', () => undefined);
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitHealthy(url, child, exited);
    } catch (err) {
      lastError = err;
      await endMarked(SESSION_ENV, session, child.pid);
      const text = fs.readFileSync(logFile, 'utf8');
      if (/EADDRINUSE/.test(text) && !opts.port) continue; // lost the race for the port: try another
      throw new HostError(`code-server did not start: ${(err as Error).message}; its log (${logFile}):\n${text.trim().split('\n').slice(-10).join('\n')}`);
    }
    log(`vscode-host: code-server ${url} (pid ${child.pid}, run folder ${runDir})`);
    liveSessions.set(session, { pid: child.pid!, runDir: ownRunDir ? runDir : undefined });
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', killLiveSessionsSync);
    }
    return makeHandle(child, exited, url, runDir, ownRunDir, session, childEnv);
  }
  throw new HostError(`code-server did not start: ${(lastError as Error)?.message}`);
}

function makeHandle(child: ChildProcess, exited: Promise<number | null>, url: string, runDir: string, ownRunDir: boolean, session: string, childEnv: NodeJS.ProcessEnv): CodeServer {
  const host = url.replace(/^http:\/\//, '');
  let stopping: Promise<{ killed: OwnedProcess[]; leftover: OwnedProcess[] }> | undefined;
  return {
    url,
    host,
    runDir,
    session,
    pid: child.pid!,
    childEnv,
    exited,
    runProcesses: () => processesWithEnv(SESSION_ENV, session, RUN_ID_ENV),
    remoteUri: (absPath) => `vscode-remote://${host}${absPath.split(path.sep).map(encodeURIComponent).join('/')}`,
    workbenchUrl(folder, payload) {
      const q = new URLSearchParams({ folder });
      if (payload) q.set('payload', JSON.stringify(payload));
      return `${url}/?${q.toString()}`;
    },
    stop() {
      stopping ??= (async () => {
        const killed = await endMarked(SESSION_ENV, session, child.pid);
        liveSessions.delete(session);
        const leftover = processesWithEnv(SESSION_ENV, session);
        if (ownRunDir && !leftover.length) fs.rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
        return { killed, leftover };
      })();
      return stopping;
    },
  };
}

async function waitHealthy(url: string, child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`it exited with code ${exitCode}`);
    if (await healthz(url)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGTERM');
  throw new Error(`/healthz did not answer within ${HEALTH_TIMEOUT_MS / 1000} s`);
}

function healthz(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthz`, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
