// The rules of the Chrome Trace Event Format that Perfetto and chrome://tracing rely on, as a
// checker shared by the export tests (trace/chrome.test.ts) and the CLI tests.
import type { ChromeEvent, ChromeTrace } from '../../../src/trace/chrome';

/** The rules a viewer relies on; returns the problems found. */
export function chromeTraceProblems(trace: ChromeTrace): string[] {
  const problems: string[] = [];
  const evs = trace.traceEvents;
  const named = new Set(evs.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.pid));
  const sorted = new Set(evs.filter((e) => e.ph === 'M' && e.name === 'process_sort_index').map((e) => e.pid));
  const threads = new Set(evs.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => `${e.pid}:${e.tid}`));
  for (const e of evs) {
    if (!['X', 'i', 's', 'f', 'M'].includes(e.ph)) problems.push(`unknown ph ${e.ph}`);
    if (typeof e.pid !== 'number') problems.push(`${e.name}: no pid`);
    if (e.ph === 'M') continue;
    if (typeof e.ts !== 'number' || typeof e.name !== 'string') problems.push(`${e.name}: no ts/name`);
    if (e.ph === 'i' && e.s === 'g') continue;
    if (!named.has(e.pid)) problems.push(`pid ${e.pid} has no process_name`);
    if (!sorted.has(e.pid)) problems.push(`pid ${e.pid} has no process_sort_index`);
    if (typeof e.tid !== 'number') problems.push(`${e.name}: no tid`);
    else if (!threads.has(`${e.pid}:${e.tid}`)) problems.push(`thread ${e.pid}:${e.tid} has no thread_name`);
    if (e.ph === 'X' && !(typeof e.dur === 'number' && e.dur >= 0)) problems.push(`${e.name}: X without dur`);
    if (e.ph === 'i' && !['t', 'p', 'g'].includes(e.s as string)) problems.push(`${e.name}: instant without scope`);
  }
  // Flows: every s has exactly one f with the same id, cat and name, later in time; each sits on a slice.
  const flows = new Map<number, { s?: ChromeEvent; f?: ChromeEvent }>();
  for (const e of evs) {
    if (e.ph !== 's' && e.ph !== 'f') continue;
    if (!Number.isInteger(e.id)) problems.push(`flow ${e.name} without an integer id`);
    const pair = flows.get(e.id as number) ?? {};
    if (pair[e.ph]) problems.push(`flow id ${e.id} has two ${e.ph} events`);
    pair[e.ph] = e;
    flows.set(e.id as number, pair);
    const slice = evs.find((x) => x.ph === 'X' && x.pid === e.pid && x.tid === e.tid && (x.ts as number) <= (e.ts as number) && (e.ts as number) < (x.ts as number) + (x.dur as number));
    if (!slice) problems.push(`flow ${e.ph} ${e.id} is not inside a slice`);
    else if (evs.indexOf(slice) > evs.indexOf(e)) problems.push(`flow ${e.ph} ${e.id} is written before its slice`);
  }
  for (const [id, { s, f }] of flows) {
    if (!s || !f) problems.push(`flow id ${id} lacks its ${s ? 'f' : 's'}`);
    else {
      if (s.cat !== f.cat || s.name !== f.name) problems.push(`flow id ${id}: s and f differ in cat/name`);
      if ((f.ts as number) < (s.ts as number)) problems.push(`flow id ${id} ends before it starts`);
      if (f.bp !== 'e') problems.push(`flow id ${id}: f without bp:e`);
    }
  }
  // X spans on one thread must nest, or a viewer moves them to an overflow track.
  const byThread = new Map<string, ChromeEvent[]>();
  for (const e of evs) if (e.ph === 'X') byThread.set(`${e.pid}:${e.tid}`, [...(byThread.get(`${e.pid}:${e.tid}`) ?? []), e]);
  for (const [k, xs] of byThread) {
    xs.sort((a, b) => (a.ts as number) - (b.ts as number));
    for (let i = 0; i < xs.length; i++)
      for (let j = i + 1; j < xs.length; j++) {
        const [a, b] = [xs[i], xs[j]];
        const aEnd = (a.ts as number) + (a.dur as number);
        const bEnd = (b.ts as number) + (b.dur as number);
        if ((b.ts as number) < aEnd && bEnd > aEnd) problems.push(`${k}: ${a.name} and ${b.name} overlap without nesting`);
      }
  }
  return problems;
}

