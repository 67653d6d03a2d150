// Prints saved runs (bench/out/*.json, written by bench/run.mjs) as the Markdown blocks that
// bench/RESULTS.md records, so recorded numbers are copied from the run, never retyped. Each file
// becomes one block: a heading saying quiet or under load, the machine, the command, the table.
// Usage: node bench/tools/results-md.mjs RUN.json [RUN.json…]
import * as fs from 'node:fs';
import { printTable, verdictOf } from '../lib/harness.mjs';

// Piped into `head`: stop quietly when the reader goes away.
process.stdout.on('error', () => process.exit(0));

const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: node bench/tools/results-md.mjs RUN.json [RUN.json…]');
  process.exit(2);
}
for (const [i, file] of files.entries()) {
  let run;
  try {
    run = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`results-md: cannot read ${file}: ${e.message}`);
    process.exit(1);
  }
  const count = (v) => run.rows.filter((r) => verdictOf(r) === v).length;
  if (i > 0) console.log('');
  console.log(`### ${run.load ? `Under load (${run.load} busy process${run.load > 1 ? 'es' : ''} beside every measurement)` : 'Quiet'}${run.quick ? ' — QUICK smoke run, not for quoting' : ''}\n`);
  console.log(`- date: ${run.date}`);
  console.log(`- machine: ${run.machine}`);
  if (run.machineInfo?.loadavgEnd) console.log(`- load average at the end: ${run.machineInfo.loadavgEnd.map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`- command: \`${run.command ?? 'node bench/run.mjs'}\``);
  console.log(`- goals met in every rep: ${count('yes')}, missed: ${count('NO')}, not measured or inconclusive: ${count('n/a')}\n`);
  printTable(run.rows);
}
