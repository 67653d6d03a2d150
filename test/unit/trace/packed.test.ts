// The packed form (src/trace/packed.ts): every event comes back exactly (fields, their order,
// times to the last bit), it is much smaller than the events' JSON, and hostile input is counted,
// never thrown or turned into something the schema would refuse.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { TraceEvent } from '../../../src/trace/events';
import { parseJsonl } from '../../../src/trace/jsonl';
import { packEvents, unpackEvents } from '../../../src/trace/packed';

const TRACES = path.resolve(__dirname, '../../fixtures/traces');

function seeded(seed: number): () => number {
  let s = seed;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
}

/** A busy trace: fractional times, out-of-order neighbours, shared locations, nulls and booleans. */
function busy(n: number, seed = 7): TraceEvent[] {
  const rnd = seeded(seed);
  const T = 1_764_290_000_000_000;
  const loc = { file: '/w/busy.mjs', line: 4, column: 9 };
  const out: TraceEvent[] = [{ kind: 'process.start', ts: T, pid: 10, ppid: 1, name: 'MainProcess' }];
  for (let i = 0; i < n; i++) {
    const ts = T + Math.round(rnd() * 1e10) / 1000;
    const r = i % 6;
    if (r === 0) out.push({ kind: 'task.submit', ts, pid: 10, poolId: '10:1', taskId: i, fn: 'crunch', args: `(${i})`, loc });
    else if (r === 1) out.push({ kind: 'task.end', ts, pid: 11, poolId: '10:1', taskId: i - 1, ok: i % 5 !== 0, ...(i % 5 === 0 ? { error: 'Error: x' } : {}) });
    else if (r === 2) out.push({ kind: 'message.send', ts, pid: 12, tid: 3, channel: 'pipe', channelId: 'p1', msgId: String(i), summary: `'item ${i}'`, loc });
    else if (r === 3) out.push({ kind: 'output', ts, pid: 12, stream: 'stderr', text: `line ${i}\n` });
    else if (r === 4) out.push({ kind: 'process.exit', ts, pid: 13, exitCode: null, signal: 'SIGTERM' });
    else out.push({ kind: 'run.end', ts, pid: 10, exitCode: 0, signal: null, reason: 'exit', malformed: 0 });
  }
  return out;
}

describe('trace: packed events', () => {
  it('gives every event of every fixture back exactly, fields in their order', () => {
    for (const name of fs.readdirSync(TRACES)) {
      const { events } = parseJsonl(fs.readFileSync(path.join(TRACES, name), 'utf8'));
      const back = unpackEvents(JSON.parse(JSON.stringify(packEvents(events))));
      assert.ok(back, name);
      assert.equal(back.malformed, 0, name);
      assert.equal(JSON.stringify(back.events), JSON.stringify(events), name);
    }
  });

  it('keeps out-of-order and fractional times exact, and is several times smaller than JSON lines', () => {
    const events = busy(20_000);
    const packed = JSON.stringify(packEvents(events));
    const back = unpackEvents(JSON.parse(packed))!;
    assert.equal(back.malformed, 0);
    assert.equal(back.events.length, events.length);
    for (let i = 0; i < events.length; i++) assert.equal(back.events[i]!.ts, events[i]!.ts, `ts of event ${i}`);
    assert.equal(JSON.stringify(back.events), JSON.stringify(events));
    const lines = events.map((e) => JSON.stringify(e)).join('\n');
    assert.ok(packed.length * 3 < lines.length, `packed ${packed.length} vs ${lines.length} bytes`);
  });

  it('returns undefined for what is not a packed list, and counts broken records instead of throwing', () => {
    for (const v of [null, 1, 'x', [], {}, { v: 2, data: [] }, { v: 1, data: {} }, { v: 1, data: [], strings: 'x', shapes: [] }]) assert.equal(unpackEvents(v), undefined, JSON.stringify(v));
    const good = packEvents(busy(50));
    // A string index out of range, a wrong type, a shape index that does not exist.
    const r1 = unpackEvents({ ...good, strings: good.strings.slice(0, 1) })!;
    assert.equal(r1.events.length + r1.malformed, 51);
    assert.ok(r1.malformed >= 1);
    const r2 = unpackEvents({ ...good, data: [...good.data, 99, 1, 2] })!;
    assert.equal(r2.events.length, 51);
    assert.equal(r2.malformed, 1);
    const r3 = unpackEvents({ ...good, shapes: [['process.start', 'ts:q'], ...good.shapes.slice(1)] })!;
    assert.ok(r3.malformed >= 1);
  });

  it('passes every record through the schema: a wrong field type or kind is dropped', () => {
    const hostile = {
      v: 1,
      strings: ['x', '{"file":"/a","line":1}', 'not json {'],
      shapes: [
        ['process.start', 'ts:d', 'pid:n', 'ppid:n', 'name:s'],
        ['process.start', 'ts:d', 'pid:s', 'ppid:n', 'name:s'],
        ['nope', 'ts:d', 'pid:n'],
        ['output', 'ts:d', 'pid:n', 'stream:s', 'text:s', 'loc:j'],
        ['process.start', 'ts:d', 'pid:n', 'ppid:n', 'name:s', '__proto__:j'],
      ],
      data: [
        ...[0, 1, 7, 1, 0], // valid
        ...[1, 1, 0, 1, 0], // pid is a string
        ...[2, 1, 7], // unknown kind
        ...[3, 1, 7, 0, 0, 2], // stream 'x', location not JSON
        ...[3, 1, 7, 0, 0, 9], // string index out of range
        ...[4, 1, 8, 1, 0, 1], // valid, with a field named __proto__
        ...[0, 1, 9, 1], // cut short
      ],
    };
    const r = unpackEvents(hostile)!;
    // Kept: the first process.start and the last one (whose __proto__ field stays a plain field).
    assert.deepEqual(
      r.events.map((e) => [e.kind, e.pid]),
      [
        ['process.start', 7],
        ['process.start', 8],
      ],
    );
    assert.equal(r.malformed, 5);
    assert.equal(Object.getPrototypeOf(r.events[1]), Object.prototype);
    assert.deepEqual(Object.keys(r.events[1]!), ['kind', 'ts', 'pid', 'ppid', 'name', '__proto__']);
  });
});
