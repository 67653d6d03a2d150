// Where the HTML report's first frame goes (issue #14): `concurrency-lab report` of the benchmark
// trace (bench/webview-trace.mjs), opened from file:// in headless Chromium with the CDP CPU
// profiler running from before the navigation to the paint after data-ready="true". Prints, per
// rep: the first-frame time, the page's User Timing measures (the viewer's `cl:` marks, if the
// build has them), the CPU profile's self time per function (mapped back to the sources through
// dist/webview/main.js.map: the report inlines that bundle) and per category (GC, parser, …).
//   node bench/tools/report-profile.mjs [--events 100000] [--reps 3] [--top 25] [--save DIR] [--html FILE]
// --html FILE profiles an existing report instead of writing one. Needs `npm run build`.
/* global window -- the waitForFunction/evaluate callbacks run inside the page */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SourceMap } from 'node:module';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { writeTraceFile } from '../webview-trace.mjs';
import { installProbes } from '../webview-measure.mjs';
import { CHROMIUM_ARGS } from '../webview.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const events = Number(arg('events', 100_000));
const reps = Number(arg('reps', 3));
const top = Number(arg('top', 25));
const save = arg('save', undefined);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-report-profile-'));
let html = arg('html', undefined);
if (!html) {
  const jsonl = path.join(dir, 'run.jsonl');
  html = path.join(dir, 'run.html');
  writeTraceFile(jsonl, { events, processes: 64, pairs: Math.round(events / 5) });
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'report', jsonl, html], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`report failed: ${r.stderr || r.stdout}`);
}
const htmlText = fs.readFileSync(html, 'utf8');
// The viewer's inline script: the line of the HTML where the bundle's text begins.
const scriptLine = htmlText.slice(0, htmlText.lastIndexOf('<script nonce=')).split('\n').length;
let map;
try {
  map = new SourceMap(JSON.parse(fs.readFileSync(path.join(ROOT, 'dist/webview/main.js.map'), 'utf8')));
} catch {
  map = undefined;
}

function where(cf) {
  const { functionName, url, lineNumber, columnNumber } = cf;
  if (url.endsWith('.html') && lineNumber >= scriptLine && map) {
    const e = map.findEntry(lineNumber - scriptLine, columnNumber);
    if (e && e.originalSource) return `${e.name || functionName || '(anonymous)'}  ${e.originalSource.replace(/^.*?\/src\//, 'src/')}:${e.originalLine + 1}`;
  }
  if (!url) return functionName || '(native)';
  return `${functionName || '(anonymous)'}  ${url.replace(/^.*\//, '')}:${lineNumber + 1}`;
}

function summarise(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const fn = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (n.callFrame.functionName === '(idle)') continue;
    total += us;
    const k = where(n.callFrame);
    fn.set(k, (fn.get(k) ?? 0) + us);
  }
  return { total, fn: [...fn].sort((a, b) => b[1] - a[1]) };
}

const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 } });
try {
  await context.addInitScript(installProbes);
  const frames = [];
  for (let rep = 0; rep < reps; rep++) {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    await page.goto(pathToFileURL(html).href, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__clBench && window.__clBench.readyAt !== undefined, undefined, { timeout: 120_000, polling: 50 });
    const { profile } = await cdp.send('Profiler.stop');
    const info = await page.evaluate(() => ({
      readyAt: window.__clBench.readyAt,
      nav: performance.getEntriesByType('navigation').map((n) => ({ responseEnd: n.responseEnd, domInteractive: n.domInteractive, domContentLoaded: n.domContentLoadedEventStart })),
      measures: performance.getEntriesByType('measure').map((m) => ({ name: m.name, start: m.startTime, ms: m.duration })),
      marks: performance.getEntriesByType('mark').map((m) => ({ name: m.name, at: m.startTime })),
    }));
    frames.push(info.readyAt);
    console.log(`rep ${rep + 1}: first complete frame ${info.readyAt.toFixed(0)} ms; load ${os.loadavg()[0].toFixed(2)}; nav ${JSON.stringify(info.nav.map((n) => Object.fromEntries(Object.entries(n).map(([k, v]) => [k, Math.round(v)]))))}`);
    for (const m of info.marks) console.log(`  mark ${m.name} @ ${m.at.toFixed(0)}`);
    for (const m of info.measures) console.log(`  measure ${m.name}: ${m.ms.toFixed(1)} ms (from ${m.start.toFixed(0)})`);
    const s = summarise(profile);
    console.log(`  CPU (not idle) ${(s.total / 1000).toFixed(0)} ms; top self times:`);
    for (const [k, us] of s.fn.slice(0, top)) console.log(`    ${(us / 1000).toFixed(1).padStart(7)} ms  ${k}`);
    if (save) {
      fs.mkdirSync(save, { recursive: true });
      fs.writeFileSync(path.join(save, `report-${events}-${rep + 1}.cpuprofile`), JSON.stringify(profile));
    }
    await page.close();
  }
  console.log(`first complete frame, median of ${frames.length}: ${median(frames).toFixed(0)} ms (${frames.map((x) => x.toFixed(0)).join(', ')}); html ${(fs.statSync(html).size / 1048576).toFixed(1)} MB`);
} finally {
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
