// `npm run test:integration`: (1) the in-host mocha suite inside a real VS Code (code-server +
// headless Chromium), (2) the same with workspace trust on when tests tagged @restricted exist,
// (3) the UI-driven e2e tests (test/e2e, plain Node mocha + playwright). Builds nothing: `npm test`
// builds first. Exits non-zero on a failing test, a crashed extension host, a hang, or a process
// left behind.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { HostError, ensureHost } from './install-host';
import { stopSessionsOnSignals } from './code-server';
import { runInHostSuite } from './in-host-suite';
import { REPO_ROOT } from './paths';
import { endMarked, processesWithEnv } from './proc';
import { watchdog } from './watchdog';

/** Every process this run starts inherits it: the final check finds any that outlived us. */
const OWNER_ENV = 'CONCURRENCY_LAB_IT_OWNER';

const USAGE = `usage: npm run test:integration [-- --only in-host|restricted|e2e] [--verbose]
  env CONCURRENCY_LAB_IT_GREP=<regex>        run only matching in-host tests
  env CONCURRENCY_LAB_IT_TIMEOUT_MS=<ms>     a phase that reports nothing for this long is hung (default 600000)
  env CONCURRENCY_LAB_IT_RESTRICTED=1        run the Restricted Mode session even without @restricted tests`;

type Phase = 'in-host' | 'restricted' | 'e2e';

export async function main(argv: string[]): Promise<number> {
  const only: Phase[] = [];
  let verbose = !!process.env.CONCURRENCY_LAB_IT_VERBOSE;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--verbose') verbose = true;
    else if (a === '--only' && ['in-host', 'restricted', 'e2e'].includes(argv[i + 1])) only.push(argv[++i] as Phase);
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      return 0;
    } else throw new HostError(`unknown argument ${a}\n${USAGE}`);
  }
  const timeoutMs = Number(process.env.CONCURRENCY_LAB_IT_TIMEOUT_MS || 600_000);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new HostError('CONCURRENCY_LAB_IT_TIMEOUT_MS must be a positive number of milliseconds');
  for (const built of ['dist/extension.js', 'dist/runtime/index.js', 'dist/webview/main.js']) {
    if (!fs.existsSync(path.join(REPO_ROOT, built))) throw new HostError(`${built} is missing: run \`npm run build\` first (npm test builds before this tier)`);
  }
  process.env[OWNER_ENV] = String(process.pid);
  // Ctrl-C or a CI cancel: code-server runs in its own process group and would not see the
  // terminal's SIGINT, so end everything this run started before going.
  process.on('exit', () => {
    for (const p of processesWithEnv(OWNER_ENV, String(process.pid))) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  stopSessionsOnSignals();
  await ensureHost((l) => console.log(l));

  const phases: Phase[] = only.length ? only : ['in-host', ...(wantRestricted() ? (['restricted'] as Phase[]) : []), ...(hasE2eTests() ? (['e2e'] as Phase[]) : [])];
  const results: string[] = [];
  let ok = true;
  for (const phase of phases) {
    const started = Date.now();
    console.log(`\n--- ${phaseTitle(phase)}`);
    let res: { ok: boolean; summary: string };
    if (phase === 'e2e') res = await runE2e(timeoutMs);
    else res = await runInHostSuite({ mode: phase === 'restricted' ? 'restricted' : 'trusted', timeoutMs, verbose, write: (t) => process.stdout.write(t) });
    const line = `${phase}: ${res.ok ? 'ok' : 'FAILED'}: ${res.summary} (${((Date.now() - started) / 1000).toFixed(1)} s)`;
    results.push(line);
    if (!res.ok) {
      ok = false;
      console.error(`test:integration: ${line}`);
    }
  }

  // Nothing we started may outlive us (the phases already stopped their own sessions).
  const left = processesWithEnv(OWNER_ENV, String(process.pid));
  if (left.length) {
    ok = false;
    results.push(`left behind: ${left.map((p) => `${p.pid} ${p.cmdline.slice(0, 80)}`).join('; ')}`);
    await endMarked(OWNER_ENV, String(process.pid));
  } else {
    results.push('no process left behind (checked /proc for this run\'s marker)');
  }
  console.log('\n' + results.map((r) => `test:integration: ${r}`).join('\n'));
  return ok ? 0 : 1;
}

function phaseTitle(p: Phase): string {
  return p === 'in-host'
    ? 'in-host suite (test/integration, real VS Code 1.100.3 extension host, workspace trust disabled)'
    : p === 'restricted'
      ? 'in-host suite, Restricted Mode (workspace trust on; tests tagged @restricted)'
      : 'UI e2e tests (test/e2e: command palette and panel DOM in headless Chromium)';
}

function listFiles(dir: string, suffix: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith(suffix)).map((f) => path.join(dir, f));
}

function wantRestricted(): boolean {
  if (process.env.CONCURRENCY_LAB_IT_RESTRICTED === '1') return true;
  return listFiles(path.join(REPO_ROOT, 'test', 'integration'), '.test.ts').some((f) => fs.readFileSync(f, 'utf8').includes('@restricted'));
}

function hasE2eTests(): boolean {
  return listFiles(path.join(REPO_ROOT, 'test', 'e2e'), '.test.ts').length > 0;
}

/** The e2e tests run in their own mocha process; they start and stop their own code-server. */
function runE2e(timeoutMs: number): Promise<{ ok: boolean; summary: string }> {
  return new Promise((resolve) => {
    const mochaBin = require.resolve('mocha/bin/mocha.js');
    const child = spawn(process.execPath, [mochaBin, '--config', path.join(REPO_ROOT, 'test', 'e2e', '.mocharc.cjs')], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    // Relay mocha's report and keep its counts for the summary line.
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      dog.touch();
      tail = (tail + chunk.toString()).slice(-4000);
    });
    const dog = watchdog(timeoutMs);
    void dog.fired.then(() => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // gone
      }
      resolve({ ok: false, summary: `no output for ${Math.round(timeoutMs / 1000)} s (hang)` });
    });
    child.on('exit', (code, sig) => {
      dog.clear();
      const counts = ['passing', 'failing', 'pending'].map((k) => new RegExp(`(\\d+) ${k}`).exec(tail)?.[0]).filter(Boolean).join(', ');
      resolve({ ok: code === 0, summary: `${counts || 'no mocha summary'}${code === 0 ? '' : ` (mocha exit ${code ?? sig})`}` });
    });
  });
}
