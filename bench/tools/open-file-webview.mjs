// The webview's share of Open Trace File… (issue #14), in headless Chromium on the panel's real
// page (test/webview/harness.ts), and the host's share in this Node process, for the two ways the
// panel has sent an opened file:
//   bytes  — the file's bytes in one FileMessage; the page decodes them (src/trace/file.ts);
//            host: read the file;
//   packed — the host reads, parses, validates, sorts and packs (toWire) the events, in chunks of
//            20k (reset + events); the page unpacks them.
// Page time: from posting the message(s) (already in the page, bytes already encoded) to the
// viewer's data-ready="true", and the part of it spent in frames; host: the CPU time of its work
// (for `packed` all of it precedes the last chunk). The two ways alternate; medians of --reps. Not the user's figure
// (that is bench/webview-host.mjs, with VS Code's channel): a breakdown of where the time goes.
//   node bench/tools/open-file-webview.mjs [--events 100000] [--reps 5]
/* global document, window, MutationObserver -- the evaluate callback runs inside the page */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { writeTraceFile } from '../webview-trace.mjs';

const require = createRequire(import.meta.url);
require('sucrase/register/ts');
const { openViewer } = require('../../test/webview/harness.ts');
const { readTraceFile } = require('../../src/panel/traceFiles.ts');
const { toWire } = require('../../src/protocol/messages.ts');
const { ViewerSession } = require('../../src/panel/session.ts');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const events = arg('--events', 100_000);
const reps = arg('--reps', 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-open-webview-'));
const file = path.join(dir, 'run.jsonl');
writeTraceFile(file, { events, processes: 64, pairs: Math.round(events / 5) });
const text = fs.readFileSync(file, 'utf8');
const source = { kind: 'file', path: file };
const host = { bytes: [], packed: [] };
const page = { bytes: [], packed: [] };
const frames = { bytes: [], packed: [] };
const counts = { bytes: [], packed: [] };

/** The host's messages for the packed way (every paced chunk), and its CPU time. */
async function packedMessages() {
  const c = cpuMs();
  const trace = await readTraceFile(file);
  const wire = [];
  const timers = [];
  const s = new ViewerSession({ post: (m) => wire.push(toWire(m)), setTimer: (fn) => timers.push(fn), clearTimer: () => undefined });
  s.webviewReady();
  s.load({ title: 'packed.jsonl', header: trace.header, source, events: trace.events });
  while (timers.length) timers.shift()();
  host.packed.push(cpuMs() - c);
  return wire;
}

const v = await openViewer({ width: 1400, height: 900 });
try {
  await v.page.evaluate((t) => {
    globalThis.__text = t;
  }, text);
  for (let r = 0; r < reps; r++) {
    for (const way of ['bytes', 'packed']) {
      let msgs;
      if (way === 'bytes') {
        const c = cpuMs();
        await fs.promises.readFile(file);
        host.bytes.push(cpuMs() - c);
      } else msgs = await packedMessages();
      const ms = await v.page.evaluate(
        ([w, m, title]) =>
          new Promise((resolve) => {
            const root = document.getElementById('root');
            const bytes = w === 'bytes' ? new TextEncoder().encode(globalThis.__text) : undefined;
            globalThis.__concurrencyLabFrames = [];
            const t0 = performance.now();
            const seen = new MutationObserver(() => {
              if (root.dataset.ready === 'true' && document.querySelector('.toolbar .title')?.textContent === title) {
                seen.disconnect();
                const frames = globalThis.__concurrencyLabFrames;
                resolve({ ms: performance.now() - t0, frames: frames.length, frameMs: frames.reduce((a, b) => a + b, 0) });
              }
            });
            seen.observe(root, { attributes: true, attributeFilter: ['data-ready'] });
            if (bytes) window.postMessage({ type: 'file', title, source: { kind: 'file', path: `/${title}` }, format: 'jsonl', bytes }, '*');
            else for (const x of m) window.postMessage({ ...x, title }, '*');
          }),
        [way, msgs ?? [], `${way}-${r}.jsonl`],
      );
      page[way].push(ms.ms);
      frames[way].push(ms.frameMs);
      counts[way].push(ms.frames);
    }
  }
} finally {
  await v.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(`${events} events, ${text.length} bytes; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; medians of ${reps}`);
for (const way of ['bytes', 'packed']) {
  console.log(`${way}: page, messages posted → data-ready ${median(page[way]).toFixed(0)} ms (${page[way].map((x) => x.toFixed(0)).join(', ')}); of which frames ${median(frames[way]).toFixed(0)} ms (${median(counts[way])} frames); host CPU ${median(host[way]).toFixed(0)} ms (${host[way].map((x) => x.toFixed(0)).join(', ')})`);
}
