// Prints a saved run (bench/out/*.json, written by bench/run.mjs) as the Markdown block that
// bench/RESULTS.md records, so recorded numbers are copied from the run, never retyped.
// Usage: node bench/tools/results-md.mjs bench/out/latest.json
import * as fs from 'node:fs';
import { printTable } from '../lib/harness.mjs';

// Piped into `head`: stop quietly when the reader goes away.
process.stdout.on('error', () => process.exit(0));

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/tools/results-md.mjs RUN.json');
  process.exit(2);
}
let run;
try {
  run = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`results-md: cannot read ${file}: ${e.message}`);
  process.exit(1);
}
console.log(`- date: ${run.date}`);
console.log(`- machine: ${run.machine}`);
console.log(`- command: \`${run.command ?? 'node bench/run.mjs'}\`\n`);
printTable(run.rows.map((r) => ({ ...r, what: r.what.replace(/\|/g, '\\|') })));
