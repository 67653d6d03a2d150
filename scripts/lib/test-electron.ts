// `npm run test:electron`: the same in-host suite (test/integration/index.js) through
// @vscode/test-electron, for machines that can download desktop VS Code (Linux needs a display:
// run under `xvfb-run -a`). Where the download is impossible, says so in one line and fails.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SilentReporter, downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { HostError } from './install-host';
import { FIXTURE_WORKSPACE } from './in-host-suite';
import { CACHE_DIR, REPO_ROOT, VSCODE_VERSION } from './paths';

export async function main(argv: string[]): Promise<number> {
  if (argv.length) throw new HostError(`takes no arguments (env CONCURRENCY_LAB_IT_GREP=<regex> picks tests; CONCURRENCY_LAB_VSCODE_VERSION overrides ${VSCODE_VERSION})`);
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.js'))) throw new HostError('dist/extension.js is missing: run `npm run build` first');
  const version = process.env.CONCURRENCY_LAB_VSCODE_VERSION || VSCODE_VERSION;
  let executable: string;
  try {
    // Silent: where the download fails, the one error line below is the whole output.
    executable = await downloadAndUnzipVSCode({ version, cachePath: CACHE_DIR, timeout: 30_000, reporter: new SilentReporter() });
  } catch (err) {
    const why = String((err as Error)?.message ?? err).split('\n')[0];
    throw new HostError(`cannot download VS Code ${version} (${why}); this machine cannot reach Microsoft's update server, so use \`npm run test:integration\` (code-server) instead`);
  }
  const restricted = fs
    .readdirSync(path.join(REPO_ROOT, 'test', 'integration'))
    .filter((f) => f.endsWith('.test.ts'))
    .some((f) => fs.readFileSync(path.join(REPO_ROOT, 'test', 'integration', f), 'utf8').includes('@restricted'));
  let failed = false;
  for (const mode of restricted ? (['trusted', 'restricted'] as const) : (['trusted'] as const)) {
    const run = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-el-'));
    const workspace = path.join(run, 'ws');
    fs.cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });
    try {
      console.log(`\n--- in-host suite via @vscode/test-electron (VS Code ${version}, ${mode})`);
      const code = await runTests({
        vscodeExecutablePath: executable,
        extensionDevelopmentPath: REPO_ROOT,
        extensionTestsPath: path.join(REPO_ROOT, 'test', 'integration', 'index.js'),
        extensionTestsEnv: { CONCURRENCY_LAB_IT_MODE: mode },
        launchArgs: [workspace, '--disable-extensions', '--user-data-dir', path.join(run, 'ud'), '--extensions-dir', path.join(run, 'ext'), '--no-sandbox', ...(mode === 'trusted' ? ['--disable-workspace-trust'] : [])],
      });
      if (code !== 0) failed = true;
    } catch (err) {
      console.error(`test:electron: ${mode}: ${String((err as Error)?.message ?? err).split('\n')[0]}`);
      failed = true;
    } finally {
      fs.rmSync(run, { recursive: true, force: true });
    }
  }
  return failed ? 1 : 0;
}
