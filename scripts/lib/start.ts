// `npm start` without desktop VS Code: packs the .vsix, installs it into a code-server whose
// user data and extensions live in .vscode-test/start/, opens a copy of examples/, prints the
// URL, and on Ctrl-C / SIGTERM / SIGHUP stops the whole process tree (checked via /proc).
import * as fs from 'fs';
import * as path from 'path';
import { startCodeServer } from './code-server';
import { HostError } from './install-host';
import { packageVsix } from './package';
import { CACHE_DIR, REPO_ROOT } from './paths';

const USAGE = `usage: npm start [-- --port <n>]   (env CONCURRENCY_LAB_PORT=<n> works too)`;
// CONCURRENCY_LAB_START_DIR moves all of npm start's state elsewhere (test/e2e/start.test.ts).
const STATE_DIR = process.env.CONCURRENCY_LAB_START_DIR || CACHE_DIR;
const START_DIR = path.join(STATE_DIR, 'start');
/** The examples workspace: a copy, so the repository's examples/ stay pristine. */
const WORKSPACE = path.join(STATE_DIR, 'examples-workspace');

export async function main(argv: string[]): Promise<number> {
  let port = process.env.CONCURRENCY_LAB_PORT ? Number(process.env.CONCURRENCY_LAB_PORT) : undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port' && argv[i + 1]) port = Number(argv[++i]);
    else if (argv[i] === '--help' || argv[i] === '-h') {
      console.log(USAGE);
      return 0;
    } else throw new HostError(`unknown argument ${argv[i]}\n${USAGE}`);
  }
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new HostError(`port must be an integer from 1 to 65535\n${USAGE}`);

  console.log('start: packaging the extension');
  fs.mkdirSync(START_DIR, { recursive: true });
  const vsix = await packageVsix(path.join(START_DIR, 'concurrency-lab.vsix'), true);
  prepareWorkspace();

  console.log('start: starting code-server (VS Code 1.100.3) with the extension installed');
  const server = await startCodeServer({
    vsix: [vsix],
    userDataDir: path.join(START_DIR, 'user-data'),
    extensionsDir: path.join(START_DIR, 'extensions'),
    port,
    // The workspace sits inside this repository's checkout: don't offer to open that repository.
    settings: { 'git.openRepositoryInParentFolders': 'never' },
    log: (l) => console.log(l),
  });
  const url = server.workbenchUrl(WORKSPACE);
  console.log(`\nConcurrency Lab is running in code-server. Open:\n\n  ${url}\n\nExamples workspace: ${WORKSPACE}\nPress Ctrl-C to stop.`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (why: string, code: number) => {
      if (stopping) return;
      stopping = true;
      console.log(`\nstart: ${why}: stopping code-server`);
      const { leftover } = await server.stop();
      if (leftover.length) {
        console.error(`start: ${leftover.length} process(es) survived SIGKILL: ${leftover.map((p) => p.pid).join(', ')}`);
        resolve(1);
      } else {
        console.log('start: stopped; no process left behind');
        resolve(code);
      }
    };
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void stop(sig, 0));
    void server.exited.then((c) => stop(`code-server exited on its own (code ${c})`, 1));
  });
}

/** Copies examples/ into the workspace; files the user already has there are kept as they are. */
function prepareWorkspace(): void {
  const examples = path.join(REPO_ROOT, 'examples');
  fs.mkdirSync(WORKSPACE, { recursive: true });
  if (fs.existsSync(examples)) fs.cpSync(examples, WORKSPACE, { recursive: true, force: false, errorOnExist: false });
}
