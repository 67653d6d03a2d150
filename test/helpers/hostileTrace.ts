// A trace whose every string field tries to run something: HTML that executes when parsed as
// markup, `javascript:` and `command:` URIs (as links, as Go to source locations), markdown
// command links for notifications. Viewers must show all of it as text. Shared by the webview,
// report and in-host tests. A payload that runs sets `__pwned` on the page's global object.
import type { TraceEvent, TraceHeader } from '../../src/trace/events';

/** The command a payload would run if a viewer turned trace text into a command link. */
export const CANARY_COMMAND = 'concurrencyLabTest.canary';

export const PAYLOADS = [
  '<img src=x onerror="globalThis.__pwned=(globalThis.__pwned||0)+1">',
  '<script>globalThis.__pwned=1</script>',
  '</script><script>globalThis.__pwned=1</script><!--',
  '<svg onload="globalThis.__pwned=1"></svg>',
  '<a href="javascript:globalThis.__pwned=1">click</a>',
  'javascript:globalThis.__pwned=1',
  `command:${CANARY_COMMAND}`,
  `[open](command:${CANARY_COMMAND})`,
  '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
  '${globalThis.__pwned=1}{{constructor.constructor("globalThis.__pwned=1")()}}',
];

/** Payload `i` (cycling), tagged so a test can find where each field is shown. */
const p = (i: number) => PAYLOADS[i % PAYLOADS.length]!;

export function hostileTrace(): { header: TraceHeader; events: TraceEvent[] } {
  const t0 = 1_764_290_000_000_000;
  const main = 61000;
  const child = 61001;
  const header: TraceHeader = { kind: 'trace.header', version: 1, tool: 'concurrency-lab', ts: t0, file: p(0), argv: [p(1), p(2)], context: 'process' };
  const events: TraceEvent[] = [];
  const at = (dt: number) => t0 + dt * 1000;
  events.push({ kind: 'process.start', ts: at(0), pid: main, ppid: 1, name: p(0) });
  events.push({ kind: 'pool.create', ts: at(1), pid: main, poolId: p(1), processes: 1, loc: { file: p(6), line: 1 } });
  PAYLOADS.forEach((_, i) => {
    events.push({ kind: 'process.start', ts: at(2 + i), pid: child + i, ppid: main, name: p(i) });
    events.push({ kind: 'output', ts: at(3 + i), pid: child + i, stream: i % 2 ? 'stderr' : 'stdout', text: `${p(i)}\n` });
    events.push({ kind: 'task.submit', ts: at(4 + i), pid: main, poolId: p(1), taskId: i, fn: p(i), args: `(${p(i + 1)})`, loc: { file: p(i + 5), line: 3, column: 7 } });
    events.push({ kind: 'task.start', ts: at(5 + i), pid: child + i, poolId: p(1), taskId: i, fn: p(i), args: `(${p(i + 1)})` });
    events.push({ kind: 'task.end', ts: at(30 + i), pid: child + i, poolId: p(1), taskId: i, ok: i % 3 !== 0, ...(i % 3 === 0 ? { error: p(i + 2) } : {}) });
    events.push({ kind: 'message.send', ts: at(6 + i), pid: main, channel: 'queue', channelId: p(i + 3), msgId: p(i + 4), summary: p(i), loc: { file: p(i + 6), line: 9 } });
    events.push({ kind: 'message.recv', ts: at(8 + i), pid: child + i, channel: 'queue', channelId: p(i + 3), msgId: p(i + 4), summary: p(i) });
    events.push({ kind: 'object.create', ts: at(7 + i), pid: main, objKind: 'lock', objId: p(i + 7), detail: p(i), loc: { file: p(i + 8), line: 2 } });
    events.push({ kind: 'wait.begin', ts: at(9 + i), pid: child + i, waitId: 1, op: p(i), objKind: 'lock', objId: p(i + 7), loc: { file: p(i + 9), line: 4 } });
    events.push({ kind: 'wait.end', ts: at(12 + i), pid: child + i, waitId: 1, outcome: 'ok' });
    events.push({ kind: 'error', ts: at(40 + i), pid: child + i, message: p(i), code: p(i + 1), stack: `${p(i + 2)}\n    at ${p(i + 3)}` });
    events.push({ kind: 'process.exit', ts: at(50 + i), pid: child + i, exitCode: i % 2 ? 1 : null, signal: i % 2 ? null : p(i) });
  });
  events.push({ kind: 'run.end', ts: at(80), pid: main, exitCode: 0, signal: null, reason: 'exit' });
  events.sort((a, b) => a.ts - b.ts);
  return { header, events };
}
