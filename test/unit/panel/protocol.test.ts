// The typed protocol's validators: only known, well-formed messages cross the webview boundary.
import * as assert from 'assert';
import { parseFromWebview, parseToWebview, parseViewerState, toWire } from '../../../src/protocol/messages';
import type { TraceEvent } from '../../../src/trace/events';

describe('protocol: message validation', () => {
  it('accepts every known webview message, rebuilt without extra fields', () => {
    assert.deepStrictEqual(parseFromWebview({ type: 'ready', extra: 1 }), { type: 'ready' });
    assert.deepStrictEqual(parseFromWebview({ type: 'stop' }), { type: 'stop' });
    assert.deepStrictEqual(parseFromWebview({ type: 'rerun' }), { type: 'rerun' });
    assert.deepStrictEqual(parseFromWebview({ type: 'openSource', loc: { file: '/a/b.mjs', line: 3, column: 2, evil: true } }), { type: 'openSource', loc: { file: '/a/b.mjs', line: 3, column: 2 } });
    assert.deepStrictEqual(parseFromWebview({ type: 'export', requestId: 4, format: 'chrome' }), { type: 'export', requestId: 4, format: 'chrome' });
    assert.deepStrictEqual(parseFromWebview({ type: 'openTrace', requestId: 5 }), { type: 'openTrace', requestId: 5 });
  });

  it('rejects unknown types and malformed fields', () => {
    for (const bad of [null, 'ready', [], { type: 'runCommand', command: 'x' }, { type: 'openSource', loc: { file: '/a', line: 0 } }, { type: 'openSource', loc: { file: '', line: 1 } }, { type: 'export', requestId: 1, format: 'exe' }, { type: 'export', format: 'jsonl' }, { type: 'openTrace', requestId: 1.5 }]) {
      assert.strictEqual(parseFromWebview(bad), undefined, JSON.stringify(bad));
    }
  });

  it('validates host messages and drops invalid events inside them', () => {
    const m = parseToWebview({ type: 'reset', title: 't', source: { kind: 'run' }, run: { live: true, canRerun: false }, total: 2, events: [{ kind: 'process.start', ts: 1, pid: 2, ppid: 1, name: 'p' }, { kind: 'x' }] });
    assert.ok(m && m.type === 'reset');
    assert.strictEqual(m.events.length, 1);
    assert.strictEqual(parseToWebview({ type: 'reset', title: 't', source: { kind: 'run' }, run: { live: true }, total: 0, events: [] }), undefined);
    assert.deepStrictEqual(parseToWebview({ type: 'reply', requestId: 3, error: 'no' }), { type: 'reply', requestId: 3, error: 'no' });
  });

  it('sends events as one packed string and reads them back exactly; a broken string drops the message', () => {
    const events: TraceEvent[] = [
      { kind: 'process.start', ts: 1_764_290_000_000_001, pid: 2, ppid: 1, name: 'p', loc: { file: '/a.mjs', line: 3 } },
      { kind: 'message.send', ts: 1_764_290_000_000_123.5, pid: 2, channel: 'queue', channelId: 'q', msgId: '1', summary: "'x'" },
    ];
    const reset = { type: 'reset' as const, title: 't', header: undefined, source: { kind: 'run' as const }, run: { live: true, canRerun: false }, total: 2, events };
    const wire = toWire(reset) as Record<string, unknown>;
    assert.strictEqual(typeof wire.packed, 'string');
    assert.strictEqual(wire.events, undefined);
    assert.deepStrictEqual(parseToWebview(JSON.parse(JSON.stringify(wire))), reset);
    const batch = toWire({ type: 'events', events }) as Record<string, unknown>;
    assert.deepStrictEqual(parseToWebview(batch), { type: 'events', events });
    assert.deepStrictEqual(toWire({ type: 'runState', run: { live: false, canRerun: true } }), { type: 'runState', run: { live: false, canRerun: true } });
    assert.strictEqual(parseToWebview({ type: 'events', packed: '{"v":1,' }), undefined);
    assert.strictEqual(parseToWebview({ type: 'events', packed: '"no"' }), undefined);
  });

  it('keeps an opened file\'s bytes and their encoding (deflate-raw or none); refuses another encoding', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const file = { type: 'file', title: 't.jsonl', source: { kind: 'file', path: '/t.jsonl' }, format: 'jsonl', bytes };
    assert.deepStrictEqual(parseToWebview(file), file);
    assert.deepStrictEqual(parseToWebview({ ...file, encoding: 'deflate-raw' }), { ...file, encoding: 'deflate-raw' });
    assert.strictEqual(parseToWebview({ ...file, encoding: 'gzip' }), undefined);
    // A file in parts: index and last kept; only .jsonl comes in parts; nothing else is a part.
    assert.deepStrictEqual(parseToWebview({ ...file, part: { index: 2, last: true } }), { ...file, part: { index: 2, last: true } });
    for (const part of [null, {}, { index: -1, last: false }, { index: 1.5, last: false }, { index: 0, last: 'no' }, 3]) assert.strictEqual(parseToWebview({ ...file, part }), undefined, JSON.stringify(part));
    assert.strictEqual(parseToWebview({ ...file, format: 'chrome', part: { index: 0, last: false } }), undefined);
  });

  it('restores saved viewer state only when it is well formed', () => {
    assert.deepStrictEqual(parseViewerState({ source: { kind: 'file', path: '/t.jsonl' }, view: { t0: 1, t1: 5 }, selectedPid: 3, cursor: 2 }), { source: { kind: 'file', path: '/t.jsonl' }, view: { t0: 1, t1: 5 }, selectedPid: 3, cursor: 2 });
    assert.deepStrictEqual(parseViewerState({ source: { kind: 'empty' }, view: { t0: 5, t1: 1 } }), { source: { kind: 'empty' } });
    assert.strictEqual(parseViewerState({ view: {} }), undefined);
    assert.deepStrictEqual(parseViewerState({ source: { kind: 'empty' }, split: 0.8 }), { source: { kind: 'empty' }, split: 0.8 });
    assert.deepStrictEqual(parseViewerState({ source: { kind: 'empty' }, split: 3 }), { source: { kind: 'empty' } });
  });
});
