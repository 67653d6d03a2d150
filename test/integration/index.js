// The in-host suite's entry point (extensionTestsPath): VS Code's extension host requires this
// file and awaits run(). It must be plain JavaScript (nothing compiles it first); the tests
// themselves are TypeScript, compiled on the fly by sucrase. Run by scripts/test-integration.mjs
// (code-server) and scripts/test-electron.mjs (@vscode/test-electron).
'use strict';
const fs = require('fs');
const path = require('path');

/** Printed when mocha starts: the runner relays the host's console from here on. */
const START_MARKER = 'CONCURRENCY_LAB_SUITE_START';
/** Printed last, with the counts: the runner treats a finished workbench without it as a crash. */
const DONE_MARKER = 'CONCURRENCY_LAB_SUITE_DONE';
/** Tests whose title contains this run only in the session with workspace trust enabled. */
const RESTRICTED_TAG = '@restricted';

function testFiles(dir) {
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => path.join(dir, f));
}

exports.run = async function run() {
  // Whether our extension was already active before any test ran: nothing may activate it at
  // startup (issue #2: activation only on demand). Recorded here, asserted by a test.
  const vscode = require('vscode');
  const ext = vscode.extensions.all.find((e) => e.packageJSON && e.packageJSON.name === 'concurrency-lab');
  globalThis.__concurrencyLabStartup = { activeBeforeTests: ext ? ext.isActive : undefined };

  require('sucrase/register/ts');
  const Mocha = require('mocha');
  const restricted = process.env.CONCURRENCY_LAB_IT_MODE === 'restricted';
  const userGrep = process.env.CONCURRENCY_LAB_IT_GREP || '';
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    // The reporter's output is relayed as plain text (browser console / log file): no ANSI colours.
    color: false,
    timeout: Number(process.env.CONCURRENCY_LAB_IT_TEST_TIMEOUT_MS || 60000),
    // Each session runs only the tests meant for its trust mode, narrowed by an optional grep.
    grep: new RegExp(`^${restricted ? `(?=.*${RESTRICTED_TAG})` : `(?!.*${RESTRICTED_TAG})`}(?=.*(?:${userGrep}))`),
  });
  for (const f of testFiles(__dirname)) mocha.addFile(f);

  console.log(START_MARKER);
  let stats = { tests: 0, passes: 0, failures: 0, pending: 0 };
  let failures;
  try {
    failures = await new Promise((resolve) => {
      const runner = mocha.run(resolve);
      runner.on('end', () => (stats = { ...runner.stats }));
    });
  } catch (err) {
    // A test file that fails to load (syntax error, bad import) lands here.
    console.error(`in-host suite could not run: ${err && err.stack ? err.stack : err}`);
    failures = 1;
  }
  console.log(`${DONE_MARKER} ${JSON.stringify({ failures, tests: stats.tests, passes: stats.passes, pending: stats.pending, mode: restricted ? 'restricted' : 'trusted' })}`);
  if (failures > 0) throw new Error(`${failures} in-host test(s) failed`);
};
