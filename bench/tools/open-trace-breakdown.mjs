// Where Open Trace File…'s time goes outside the browser (issue #14): the extension host's steps
// (read, parse + validate + sort, pack + stringify per message) and the webview's decode
// (JSON.parse + unpack + parseEvent) and TraceModel build, in plain Node on one generated trace.
// Medians of --reps runs; a breakdown to find the big costs, not the user-path figure
// (that is bench/webview-host.mjs).
//   node bench/tools/open-trace-breakdown.mjs [--events 100000] [--reps 3]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { writeTraceFile } from '../webview-trace.mjs';

const require = createRequire(import.meta.url);
require('sucrase/register/ts');
const { readTraceFile } = require('../../src/panel/traceFiles.ts');
const { toWire, parseToWebview, EVENTS_PER_MESSAGE } = require('../../src/protocol/messages.ts');
const { TraceModel } = require('../../src/trace/model.ts');
const { ViewerSession } = require('../../src/panel/session.ts');
const { decodeTraceText } = require('../../src/trace/file.ts');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const events = arg('--events', 100_000);
const reps = arg('--reps', 3);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-breakdown-'));
const file = path.join(dir, 'run.jsonl');
writeTraceFile(file, { events, processes: 64, pairs: Math.round(events / 5) });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const steps = {};
// CPU time of this process next to the wall time: on a loaded machine the wall time is mostly
// waiting for a core, the CPU time is the work.
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const record = (name, t, c) => {
  (steps[name] ??= { wall: [], cpu: [] }).wall.push(performance.now() - t);
  steps[name].cpu.push(cpuMs() - c);
};
const time = (name, fn) => {
  const [t, c] = [performance.now(), cpuMs()];
  const r = fn();
  record(name, t, c);
  return r;
};
const timeAsync = async (name, fn) => {
  const [t, c] = [performance.now(), cpuMs()];
  const r = await fn();
  record(name, t, c);
  return r;
};
try {
  for (let r = 0; r < reps; r++) {
    const trace = await timeAsync('host: readTraceFile (read, parse, validate, sort)', () => readTraceFile(file));
    const wire = [];
    time('host: session.load + toWire (pack, stringify) of every message', () => {
      const s = new ViewerSession({ post: (m) => wire.push(JSON.parse(JSON.stringify(toWire(m)))) });
      s.webviewReady();
      s.load({ title: 't', header: trace.header, source: { kind: 'file', path: file }, events: trace.events });
    });
    const msgs = time('webview: parseToWebview (JSON.parse, unpack, parseEvent)', () => wire.map((m) => parseToWebview(m)));
    time('webview: TraceModel.add of every event', () => {
      const m = new TraceModel();
      for (const msg of msgs) for (const e of msg.events ?? []) m.add(e);
    });
    // Since the file's bytes go to the webview (FileMessage): the host only reads them, the
    // webview decodes them with the host's decoder and builds its model.
    const bytes = await timeAsync('bytes path — host: read the file', () => fs.promises.readFile(file));
    const decoded = time('bytes path — webview: TextDecoder + decodeTraceText (parse, validate, sort)', () => decodeTraceText('jsonl', new TextDecoder().decode(bytes)));
    time('bytes path — webview: TraceModel.add of every event', () => {
      const m = new TraceModel();
      for (const e of decoded.events) m.add(e);
    });
  }
  console.log(`${events} events, ${fs.statSync(file).size} bytes, ${Math.ceil(events / EVENTS_PER_MESSAGE)} messages; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const [k, v] of Object.entries(steps)) console.log(`${k}: wall ${median(v.wall).toFixed(0)} ms, cpu ${median(v.cpu).toFixed(0)} ms (wall ${v.wall.map((x) => x.toFixed(0)).join(', ')})`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
