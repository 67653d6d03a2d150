// Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time,
// and self time per script, so a missed goal can be explained by what dominates. Frames in a
// minified bundle with a `.map` next to it (our dist/ builds) are mapped back to their sources.
// Usage: node bench/tools/cpuprof-top.mjs FILE.cpuprofile [N=25]
import * as fs from 'node:fs';
import { SourceMap } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const [file, nText = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/tools/cpuprof-top.mjs FILE.cpuprofile [N]');
  process.exit(2);
}
let profile;
try {
  profile = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`cpuprof-top: cannot read ${file}: ${e.message}`);
  process.exit(1);
}

// Self time per node = its share of samples times the sampling interval.
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i + 1] ?? 0;
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fnTime = new Map();
const scriptTime = new Map();
const maps = new Map();
/** The SourceMap of a script, if it has a readable `.map` beside it. */
function mapFor(url) {
  if (!maps.has(url)) {
    let map;
    try {
      const file = url.startsWith('file:') ? fileURLToPath(url) : url;
      map = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = undefined;
    }
    maps.set(url, map);
  }
  return maps.get(url);
}

/** "function  script:line", through the source map when there is one. */
function where({ functionName, url, lineNumber, columnNumber }) {
  const fn = functionName || '(anonymous)';
  if (!url) return { key: `${fn}  (native/vm)`, script: '(native/vm)' };
  const entry = lineNumber >= 0 ? mapFor(url)?.findEntry(lineNumber, columnNumber) : undefined;
  if (entry?.originalSource) {
    const src = entry.originalSource.replace(/^webpack:\/\/[^/]*\//, '').replace(/^(\.\.\/)+/, '');
    return { key: `${entry.name || fn}  ${src}:${entry.originalLine + 1}`, script: src };
  }
  const script = path.basename(url);
  return { key: `${fn}  ${script}:${lineNumber + 1}`, script };
}

for (const [id, us] of self) {
  const { key, script } = where(byId.get(id).callFrame);
  fnTime.set(key, (fnTime.get(key) ?? 0) + us);
  scriptTime.set(script, (scriptTime.get(script) ?? 0) + us);
}
const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(1).padStart(8)} ms`;
const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
console.log(`total sampled: ${(total / 1000).toFixed(1)} ms`);
console.log('\nself time by function:');
for (const [k, us] of top(fnTime, Number(nText))) console.log(`${pct(us)}  ${k}`);
console.log('\nself time by script:');
for (const [k, us] of top(scriptTime, 12)) console.log(`${pct(us)}  ${k}`);
