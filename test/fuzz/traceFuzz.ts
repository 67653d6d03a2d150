// The untrusted-trace fuzzer's engine: seeded mutations of valid traces, and one function that opens
// a trace file the way every viewer of the project does (the panel's reader, the CLI's reader for
// `report`/`export`, the packed form the report embeds, the message the panel posts, the webview's
// store/model/index/rows/ticks and its event descriptions, the exporters) and checks what must hold
// for hostile input: no exception other than the readers' one-line errors, every non-blank line
// either the header, an event or counted as skipped, and the result consistent across readers.
// Used by test/fuzz/traces.mjs (10,000 traces, a table) and test/unit/trace/fuzz.test.ts (a few).

import * as fs from 'fs';
import * as path from 'path';
import { readTrace, InputError } from '../../src/cli/traceFiles';
import { readTraceFile, TraceFileError } from '../../src/panel/traceFiles';
import { parseToWebview } from '../../src/protocol/messages';
import { scriptSafeJson } from '../../src/report';
import { toChromeTrace } from '../../src/trace/chrome';
import type { TraceEvent, TraceHeader } from '../../src/trace/events';
import { jsonDeeperThan, parseJsonl, serializeJsonl, sortEvents } from '../../src/trace/jsonl';
import { packEvents, unpackEvents } from '../../src/trace/packed';
import { describeEvent } from '../../src/webview/describe';
import { buildRows, laneIndex } from '../../src/webview/layout/lanes';
import { fit } from '../../src/webview/layout/scale';
import { ticks } from '../../src/webview/layout/ticks';
import { TraceStore } from '../../src/webview/store';

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** A valid trace with the kinds the fixtures lack: threads, objects, waits, holds, errors, run.end. */
function syntheticTrace(): string[] {
  const t0 = 1_764_290_000_000_000;
  const ev: Record<string, unknown>[] = [
    { kind: 'trace.header', version: 1, tool: 'concurrency-lab', ts: t0, file: '/home/me/sync.mjs', context: 'process' },
    { kind: 'process.start', ts: t0 + 10, pid: 500, ppid: 499, name: 'MainProcess' },
    { kind: 'object.create', ts: t0 + 20, pid: 500, objKind: 'lock', objId: '500.0.1', loc: { file: '/home/me/sync.mjs', line: 3, column: 14 } },
    { kind: 'process.start', ts: t0 + 30, pid: 501, ppid: 500, name: 'Process-1' },
    { kind: 'thread.start', ts: t0 + 35, pid: 501, tid: 1, name: 'Thread-1', parentTid: 0 },
    { kind: 'hold.begin', ts: t0 + 40, pid: 500, objKind: 'lock', objId: '500.0.1' },
    { kind: 'wait.begin', ts: t0 + 45, pid: 501, tid: 1, waitId: 1, op: 'Lock.acquire', objKind: 'lock', objId: '500.0.1', timeoutMs: 500, loc: { file: '/home/me/sync.mjs', line: 9 } },
    { kind: 'output', ts: t0 + 50, pid: 501, tid: 1, stream: 'stdout', text: 'waiting\n' },
    { kind: 'message.send', ts: t0 + 55, pid: 500, channel: 'queue', channelId: 'q500:1', msgId: '500.0.1', summary: "'x'", loc: { file: '/home/me/sync.mjs', line: 12 } },
    { kind: 'message.recv', ts: t0 + 60, pid: 501, channel: 'queue', channelId: 'q500:1', msgId: '500.0.1', summary: "'x'" },
    { kind: 'hold.end', ts: t0 + 70, pid: 500, objKind: 'lock', objId: '500.0.1' },
    { kind: 'wait.end', ts: t0 + 71, pid: 501, tid: 1, waitId: 1, outcome: 'ok' },
    { kind: 'hold.spans', ts: t0 + 72, pid: 501, tid: 1, objKind: 'lock', objId: '500.0.1', spans: [[t0 + 72, t0 + 74], [t0 + 75, t0 + 78, 30]] },
    { kind: 'error', ts: t0 + 80, pid: 501, message: 'Error: boom', code: 'CHILD', stack: 'Error: boom\n    at f (/home/me/sync.mjs:20:9)' },
    { kind: 'thread.exit', ts: t0 + 85, pid: 501, tid: 1, exitCode: 0 },
    { kind: 'process.exit', ts: t0 + 90, pid: 501, exitCode: 1, signal: null },
    { kind: 'run.end', ts: t0 + 100, pid: 500, exitCode: 0, signal: null, reason: 'exit', malformed: 0 },
  ];
  return ev.map((e) => JSON.stringify(e));
}

export interface BaseTrace {
  name: string;
  lines: string[];
}

export function baseTraces(root: string): BaseTrace[] {
  const dir = path.join(root, 'test/fixtures/traces');
  const out = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => ({ name: f, lines: fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter((l) => l.trim()) }));
  out.push({ name: 'synthetic-sync', lines: syntheticTrace() });
  return out;
}

// ---- mutations ---------------------------------------------------------------------------------

interface Doc {
  lines: string[];
  /** Byte-level damage applied after joining (invalid UTF-8). */
  bytes: ((b: Buffer, r: Rand) => Buffer)[];
}

const objOf = (line: string): Record<string, unknown> | undefined => {
  // A line a mutation nested deep stays as it is: stringifying it again would overflow the fuzzer's stack.
  if (jsonDeeperThan(line, 64)) return undefined;
  try {
    const v = JSON.parse(line) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};
const eventLines = (d: Doc) => d.lines.map((l, i) => [objOf(l), i] as const).filter(([o]) => o && o.kind !== 'trace.header') as [Record<string, unknown>, number][];
/** Applies `f` to one random event line's object. */
const onEvent = (d: Doc, r: Rand, f: (o: Record<string, unknown>) => void): void => {
  const es = eventLines(d);
  if (!es.length) return;
  const [o, i] = pick(r, es);
  f(o);
  d.lines[i] = JSON.stringify(o);
};
const STRING_FIELDS = ['name', 'text', 'summary', 'args', 'fn', 'message', 'stack', 'op', 'poolId', 'channelId', 'msgId', 'objId', 'detail', 'error', 'code'];
const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  'command:workbench.action.terminal.new',
  '\u202e\u0000\u001b[31m',
  '__proto__',
  '\ud800',
  '',
];
const WEIRD_VALUES: unknown[] = [null, true, false, 0, -1, 1e308, -1e308, 2 ** 53 + 2, 5e-324, '', '1', [], {}, [1, 2], { a: 1 }, 'NaN'];

function deepNest(depth: number, open: string, close: string): string {
  return open.repeat(depth) + close.repeat(depth);
}

export const MUTATIONS: Record<string, (d: Doc, r: Rand) => void> = {
  truncateLine: (d, r) => {
    const i = int(r, 0, d.lines.length - 1);
    d.lines[i] = d.lines[i]!.slice(0, int(r, 0, d.lines[i]!.length - 1));
  },
  truncateFile: (d, r) => {
    const joined = d.lines.join('\n');
    d.lines = joined.slice(0, int(r, 0, joined.length)).split('\n');
  },
  wrongType: (d, r) =>
    onEvent(d, r, (o) => {
      const keys = Object.keys(o);
      o[pick(r, keys)] = pick(r, WEIRD_VALUES);
    }),
  hugeNumber: (d, r) =>
    onEvent(d, r, (o) => {
      const nums = Object.keys(o).filter((k) => typeof o[k] === 'number');
      if (nums.length) o[pick(r, nums)] = pick(r, [1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1e21, -0, 5e-324, 4294967296]);
    }),
  badTime: (d, r) => {
    const es = eventLines(d);
    if (!es.length) return;
    const [o, i] = pick(r, es);
    const v = pick(r, ['-1', '-1764290000000000', 'NaN', 'Infinity', '-Infinity', 'null', '"soon"', '1e400', '0']);
    o.ts = '__TS__';
    d.lines[i] = JSON.stringify(o).replace('"__TS__"', v);
  },
  unknownKind: (d, r) => onEvent(d, r, (o) => (o.kind = pick(r, ['process.fork', 'constructor', '__proto__', 'toString', 'trace.template', '', 'PROCESS.START', 'task.start ']))),
  deepArgs: (d, r) => {
    const es = eventLines(d);
    if (!es.length) return;
    const [o, i] = pick(r, es);
    const depth = pick(r, [20, 200, 5_000, 100_000]);
    const field = pick(r, ['args', 'loc', 'extra', 'summary']);
    o[field] = '__DEEP__';
    d.lines[i] = JSON.stringify(o).replace('"__DEEP__"', r() < 0.5 ? deepNest(depth, '[', ']') : deepNest(depth, '{"a":', '}').replace(/\{"a":\}/, '{}'));
  },
  hugeString: (d, r) =>
    onEvent(d, r, (o) => {
      const keys = Object.keys(o).filter((k) => typeof o[k] === 'string' && k !== 'kind');
      const key = keys.length ? pick(r, keys) : 'text';
      o[key] = pick(r, ['x', '<', '\u00e9', '\n']).repeat(10 * 1024 * 1024);
    }),
  hostileString: (d, r) =>
    onEvent(d, r, (o) => {
      const keys = Object.keys(o).filter((k) => STRING_FIELDS.includes(k));
      if (keys.length) o[pick(r, keys)] = pick(r, HOSTILE);
      if (o.loc && typeof o.loc === 'object') (o.loc as Record<string, unknown>).file = pick(r, ['command:workbench.action.reloadWindow', 'javascript:alert(1)', '../../../../etc/passwd', '\\\\server\\share\\x.js', 'file:///etc/passwd', '']);
    }),
  invalidUtf8: (d) => {
    d.bytes.push((b, r) => {
      const out = Buffer.from(b);
      const n = int(r, 1, 8);
      for (let k = 0; k < n && out.length; k++) out[int(r, 0, out.length - 1)] = pick(r, [0x80, 0xbf, 0xc0, 0xc1, 0xf5, 0xff, 0xed, 0xfe]);
      return out;
    });
  },
  lineOfGarbageBytes: (d) => {
    d.bytes.push((b, r) => {
      const junk = Buffer.from(Array.from({ length: int(r, 1, 200) }, () => int(r, 0, 255)));
      return Buffer.concat([b, Buffer.from('\n'), junk, Buffer.from('\n')]);
    });
  },
  duplicatePid: (d, r) => {
    const starts = eventLines(d).filter(([o]) => o.kind === 'process.start');
    if (!starts.length) return;
    const [o] = pick(r, starts);
    const copy = { ...o, name: pick(r, ['Impostor', o.name]), ppid: pick(r, [o.pid, 1, 0, o.ppid]), ts: (o.ts as number) + int(r, -5000, 5000) };
    d.lines.splice(int(r, 0, d.lines.length), 0, JSON.stringify(copy));
    const exits = eventLines(d).filter(([e]) => e.kind === 'process.exit');
    if (exits.length) d.lines.push(JSON.stringify(pick(r, exits)[0]));
  },
  ppidCycle: (d, r) => {
    const starts = eventLines(d).filter(([o]) => o.kind === 'process.start');
    if (starts.length < 1) return;
    const pids = starts.map(([o]) => o.pid);
    for (const [o, i] of starts) {
      o.ppid = r() < 0.3 ? o.pid : pick(r, pids);
      d.lines[i] = JSON.stringify(o);
    }
  },
  recvBeforeSend: (d, r) => {
    const sends = eventLines(d).filter(([o]) => o.kind === 'message.send');
    if (!sends.length) return;
    const [s, si] = pick(r, sends);
    const recv = eventLines(d).find(([o]) => o.kind === 'message.recv' && o.msgId === s.msgId);
    if (recv && r() < 0.7) {
      const [o, i] = recv;
      [o.ts, s.ts] = [s.ts, o.ts];
      d.lines[i] = JSON.stringify(o);
      d.lines[si] = JSON.stringify(s);
    } else d.lines.splice(si, 1);
  },
  orphanEnds: (d, r) => {
    const t = (objOf(d.lines[d.lines.length - 1] ?? '') ?? { ts: 1 }).ts;
    const pid = int(r, 1, 70000);
    const orphans = [
      { kind: 'wait.end', ts: t, pid, waitId: 7, outcome: 'ok' },
      { kind: 'hold.end', ts: t, pid, objKind: 'lock', objId: 'nope' },
      { kind: 'task.end', ts: t, pid, poolId: 'ghost', taskId: 3, ok: false, error: 'x' },
      { kind: 'thread.exit', ts: t, pid, tid: 9, exitCode: -15 },
      { kind: 'process.exit', ts: t, pid, exitCode: null, signal: 'SIGKILL' },
      { kind: 'hold.begin', ts: t, pid, objKind: 'rlock', objId: 'r' },
    ];
    for (let k = int(r, 1, 6); k > 0; k--) d.lines.splice(int(r, 0, d.lines.length), 0, JSON.stringify(pick(r, orphans)));
  },
  shuffle: (d, r) => {
    for (let i = d.lines.length - 1; i > 0; i--) {
      const j = int(r, 0, i);
      [d.lines[i], d.lines[j]] = [d.lines[j]!, d.lines[i]!];
    }
  },
  duplicateLines: (d, r) => {
    for (let k = int(r, 1, 20); k > 0; k--) d.lines.splice(int(r, 0, d.lines.length), 0, pick(r, d.lines) ?? '');
  },
  headerDamage: (d, r) => {
    const h = pick(r, [
      () => d.lines.shift(),
      () => d.lines.unshift(d.lines[0] ?? ''),
      () => (d.lines[0] = JSON.stringify({ kind: 'trace.header', version: 'one', tool: 'x', ts: -1 })),
      () => (d.lines[0] = JSON.stringify({ kind: 'trace.header', version: 99, tool: 'concurrency-lab', ts: 1, file: ['<b>'], argv: 'x', context: 'gpu' })),
      () => d.lines.push(d.lines[0] ?? ''),
    ]);
    h();
  },
  whitespaceAndCrlf: (d, r) => {
    d.lines = d.lines.map((l) => (r() < 0.3 ? `  ${l}\r` : l));
    d.lines.splice(int(r, 0, d.lines.length), 0, '', '   ', '\t');
  },
  compactTransportLines: (d, r) => {
    d.lines.splice(int(r, 0, d.lines.length), 0, '[1,0,1795828486102345]', JSON.stringify({ kind: 'trace.template', id: 1, event: { kind: 'task.start' }, fields: ['ts'] }));
  },
  protoKeys: (d, r) => {
    const es = eventLines(d);
    if (!es.length) return;
    const [, i] = pick(r, es);
    d.lines[i] = d.lines[i]!.replace(/^\{/, pick(r, ['{"__proto__":{"polluted":1},', '{"constructor":{"prototype":{"polluted":1}},', '{"toString":1,"hasOwnProperty":2,']));
  },
  tidChaos: (d, r) =>
    onEvent(d, r, (o) => {
      o.tid = pick(r, [-1, 0.5, 1e20, 2 ** 31, '1', null, 7]);
    }),
  manyEvents: (d, r) => {
    // Copies of a short line only: 20,000 copies of a 10 MB one would test the fuzzer, not the reader.
    const es = eventLines(d).filter(([, i]) => d.lines[i]!.length < 10_000);
    if (!es.length) return;
    const [o] = pick(r, es);
    const base = typeof o.ts === 'number' ? o.ts : 1;
    for (let k = 0; k < 20_000; k++) d.lines.push(JSON.stringify({ ...o, ts: base + k, msgId: `m${k}`, taskId: k, waitId: k }));
  },
};
const MUTATION_NAMES = Object.keys(MUTATIONS);
/** Costly mutations are kept rarer so 10,000 traces take minutes, not hours. */
const RARE = new Set(['hugeString', 'manyEvents']);

export interface FuzzCase {
  index: number;
  base: string;
  format: 'jsonl' | 'chrome';
  mutations: string[];
  bytes: Buffer;
}

/** Case `index` of run `seed`: the same bytes for the same (seed, index) on every machine. */
export function makeCase(bases: readonly BaseTrace[], seed: number, index: number, opts: { cheap?: boolean } = {}): FuzzCase {
  const r = rng((seed * 1_000_003) ^ (index * 7_919) ^ 0x9e3779b9);
  const base = pick(r, bases);
  const d: Doc = { lines: [...base.lines], bytes: [] };
  const mutations: string[] = [];
  for (let k = int(r, 1, 4); k > 0; k--) {
    let name = pick(r, MUTATION_NAMES);
    if (RARE.has(name) && (opts.cheap || r() > 0.05)) name = pick(r, MUTATION_NAMES.filter((n) => !RARE.has(n)));
    mutations.push(name);
    MUTATIONS[name]!(d, r);
  }
  // One case in five is the same damage to a Chrome export of the trace (the other format users open).
  const format = r() < 0.2 ? 'chrome' : 'jsonl';
  let text = d.lines.join('\n') + '\n';
  if (format === 'chrome') {
    const parsed = parseJsonl(text);
    const header = parsed.header ?? { kind: 'trace.header' as const, version: 1, tool: 'concurrency-lab' as const, ts: 1 };
    const chrome = JSON.stringify(toChromeTrace(header, parsed.events));
    // Then break the JSON text itself sometimes: cut it, or splice a deep nest into it.
    const cut = r();
    text = cut < 0.2 ? chrome.slice(0, int(r, 0, chrome.length)) : cut < 0.3 ? chrome.replace('"traceEvents":[', `"traceEvents":[${deepNest(pick(r, [40, 100_000]), '[', ']')},`) : chrome;
  }
  let bytes: Buffer = Buffer.from(text, 'utf8');
  for (const f of d.bytes) bytes = f(bytes, r);
  return { index, base: base.name, format, mutations, bytes };
}

// ---- opening a case the way the viewers do -----------------------------------------------------

export type Verdict =
  /** Opened: events shown, `skipped` lines counted. */
  | { kind: 'opened'; events: number; skipped: number }
  /** Refused with a one-line reason (nothing usable remained). */
  | { kind: 'refused'; reason: string }
  /** Anything else: an exception that escaped, or an invariant that did not hold. */
  | { kind: 'crash'; message: string };

/**
 * Milliseconds a user waits, per way of opening: the panel (read the file, post it, the webview
 * builds its view) and the report (read, pack into the page, the page unpacks and builds its view).
 */
export interface Timings {
  panel: number;
  report: number;
}

const fail = (message: string): Verdict => ({ kind: 'crash', message });

/** Non-blank lines as readers count them (UTF-8 decoding as fs.readFile does it). */
function nonBlankLines(text: string): number {
  let n = 0;
  for (const l of text.split('\n')) if (l.trim()) n++;
  return n;
}

/** Everything the webview does with a trace short of touching the DOM. */
function viewLikeTheWebview(header: TraceHeader | undefined, events: readonly TraceEvent[]): void {
  const store = new TraceStore();
  store.reset(header);
  store.add(events);
  const tree = store.model.tree();
  store.model.summary();
  store.model.openWaitSpans();
  store.model.openHoldSpans();
  const rows = buildRows(tree);
  laneIndex(rows);
  store.getIndex(0, true);
  const view = fit(0, store.duration);
  ticks(view, 1200);
  ticks({ t0: view.t0, t1: view.t0 + 10 }, 1200);
  const sorted = store.sorted();
  for (let i = 0; i < sorted.length; i += Math.max(1, Math.floor(sorted.length / 500))) describeEvent(sorted[i]!);
  buildRows(tree, store.origin + store.duration / 2);
}

/**
 * Opens `file` through every reader and view; `crash` means a bug. Both readers must agree: the
 * panel's (`readTraceFile`) and the CLI's (`readTrace`, which `report` and `export` use).
 */
export async function openEverywhere(file: string, format: 'jsonl' | 'chrome', timings: Timings = { panel: 0, report: 0 }): Promise<Verdict> {
  try {
    let t = performance.now();
    let panel: Awaited<ReturnType<typeof readTraceFile>> | undefined;
    let refusal: string | undefined;
    try {
      panel = await readTraceFile(file);
    } catch (e) {
      if (!(e instanceof TraceFileError)) return fail(`panel reader threw ${(e as Error).name}: ${(e as Error).message.slice(0, 200)}`);
      refusal = e.message;
    }
    timings.panel = performance.now() - t;
    t = performance.now();
    let cli: ReturnType<typeof readTrace> | undefined;
    try {
      cli = readTrace(file);
    } catch (e) {
      if (!(e instanceof InputError)) return fail(`CLI reader threw ${(e as Error).name}: ${(e as Error).message.slice(0, 200)}`);
      if (!refusal) return fail(`the CLI refused what the panel opened: ${e.message.slice(0, 200)}`);
      refusal = e.message;
    }
    timings.report = performance.now() - t;
    if (!panel || !cli) {
      if (panel || cli) return fail('one reader opened what the other refused');
      if (!refusal || refusal.includes('\n') || refusal.length > 300) return fail(`refusal is not one short line: ${JSON.stringify(refusal?.slice(0, 300))}`);
      return { kind: 'refused', reason: refusal };
    }
    if (panel.events.length !== cli.events.length || panel.malformed !== cli.malformed) return fail(`readers disagree: panel ${panel.events.length}/${panel.malformed}, CLI ${cli.events.length}/${cli.malformed}`);
    if (panel.events.length === 0) return fail('opened a trace with no events');
    if (format === 'jsonl') {
      const lines = nonBlankLines(fs.readFileSync(file, 'utf8'));
      const counted = panel.events.length + panel.malformed + (panel.header ? 1 : 0);
      if (counted !== lines) return fail(`line accounting: ${lines} non-blank lines, ${counted} counted (events + skipped + header)`);
    }
    // The report: packed, embedded as script-safe JSON, read back by the page.
    t = performance.now();
    const embedded = JSON.parse(scriptSafeJson({ packed: packEvents(sortEvents(cli.events)) })) as { packed: unknown };
    const back = unpackEvents(embedded.packed);
    if (!back || back.malformed || back.events.length !== cli.events.length) return fail(`report round trip: ${back?.events.length}/${back?.malformed} of ${cli.events.length}`);
    viewLikeTheWebview(cli.header, back.events);
    timings.report += performance.now() - t;
    // The panel: a structured-clone message the webview validates again.
    t = performance.now();
    const msg = parseToWebview(structuredClone({ type: 'reset', title: path.basename(file), header: panel.header ?? null, source: { kind: 'file', path: file }, run: { live: false, canRerun: false }, total: panel.events.length, events: panel.events }));
    if (!msg || msg.type !== 'reset' || msg.events.length !== panel.events.length) return fail('the panel message did not validate in the webview');
    viewLikeTheWebview(msg.header, msg.events);
    timings.panel += performance.now() - t;
    // Export both ways (the panel's Export and `concurrency-lab export`).
    JSON.stringify(toChromeTrace(cli.header, cli.events));
    serializeJsonl(cli.header, cli.events);
    return { kind: 'opened', events: panel.events.length, skipped: panel.malformed };
  } catch (e) {
    return fail(`${(e as Error).name}: ${(e as Error).message.slice(0, 200)}`);
  }
}
