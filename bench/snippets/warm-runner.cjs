// Ours, the way the extension uses it: startRun() from an already-running process, against a
// plain spawn of `node FILE` from the same process. Both are timed from the call to the end
// (run done / child exit), alternately, K times each (the first of each is warm-up, dropped).
// Loads src/runner from source via sucrase: compiled once at require time, before any timing.
// Usage: node warm-runner.cjs FILE K  ->  {"runner": [ms...], "bare": [ms...]}
'use strict';
require('sucrase/register/ts');
const { spawn } = require('child_process');
const { startRun } = require('../../src/runner');

async function main() {
  const [file, kText] = process.argv.slice(2);
  const k = Number(kText);
  const runner = [];
  const bare = [];
  for (let i = 0; i <= k; i++) {
    let t0 = performance.now();
    const result = await startRun({ file }).done;
    if (result.summary.exitCode !== 0) throw new Error(`snippet exited ${result.summary.exitCode} (${result.summary.reason})`);
    if (i > 0) runner.push(performance.now() - t0);
    t0 = performance.now();
    await new Promise((resolve, reject) => spawn(process.execPath, [file], { stdio: 'ignore' }).on('exit', resolve).on('error', reject));
    if (i > 0) bare.push(performance.now() - t0);
  }
  console.log(JSON.stringify({ runner, bare }));
}

main().catch((e) => {
  console.error(`warm-runner: ${e.message}`);
  process.exit(1);
});
