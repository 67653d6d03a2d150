// Compact transport lines (src/trace/compact.ts): a template defined once, then one array per
// event; everything malformed is rejected, never half-accepted.
import { strict as assert } from 'assert';
import { TransportDecoder } from '../../../src/trace/compact';

const template = { kind: 'trace.template', id: 3, event: { kind: 'task.submit', poolId: '1:1', fn: 'square', loc: { file: '/s.mjs', line: 4 }, pid: 9 }, fields: ['taskId', 'args', 'ts'] };

describe('compact transport lines', () => {
  it('expand to the same event the full line would give', () => {
    const d = new TransportDecoder();
    assert.equal(d.decode(template), 'template');
    const full = { kind: 'task.submit', poolId: '1:1', fn: 'square', loc: { file: '/s.mjs', line: 4 }, pid: 9, taskId: 41, args: '(41)', ts: 1795838772913553 };
    assert.deepEqual(d.decode([3, 41, '(41)', 1795838772913553]), { event: full, compact: true });
    assert.deepEqual(d.decode(full), { event: full, compact: false });
    // Each event is its own object: expanding must not share or alter the template.
    const eventOf = (v: unknown) => (d.decode(v) as { event: unknown }).event as Record<string, unknown>;
    eventOf([3, 1, '(1)', 5]).fn = 'changed';
    assert.equal(eventOf([3, 2, '(2)', 6]).fn, 'square');
  });

  it("a number on the line after a template's string is appended to it (a Python message's msgId)", () => {
    const d = new TransportDecoder();
    d.decode({ kind: 'trace.template', id: 1, event: { kind: 'message.send', pid: 9, channel: 'pipe', channelId: 'p9:1', msgId: 's0.' }, fields: ['ts', 'msgId'] });
    assert.deepEqual(d.decode([1, 1795838772913553, 41]), {
      event: { kind: 'message.send', pid: 9, channel: 'pipe', channelId: 'p9:1', msgId: 's0.41', ts: 1795838772913553 },
      compact: true,
    });
    // A string on the line replaces the template's, as any field's value does.
    assert.equal((d.decode([1, 5, 'x.1']) as { event: { msgId: string } }).event.msgId, 'x.1');
  });

  it('rejects unknown templates, wrong arity, invalid expansions and malformed definitions', () => {
    const d = new TransportDecoder();
    assert.equal(d.decode([3, 41, '(41)', 1]), undefined, 'used before it is defined');
    d.decode(template);
    assert.equal(d.decode([3, 41, 1]), undefined, 'too few values');
    assert.equal(d.decode([3, 41, '(41)', 1, 2]), undefined, 'too many values');
    assert.equal(d.decode([3, 'x', '(41)', 1]), undefined, 'taskId must be a number (parseEvent)');
    assert.equal(d.decode([4, 1, '(1)', 1]), undefined);
    for (const bad of [
      { ...template, id: 'x' },
      { ...template, event: null },
      { ...template, event: [] },
      { ...template, fields: [] },
      { ...template, fields: ['taskId', 7] },
      { ...template, fields: ['kind', 'ts'] },
    ])
      assert.equal(d.decode(bad), undefined, JSON.stringify(bad));
    assert.equal(new TransportDecoder().decode([3, 41, '(41)', 1]), undefined, 'templates belong to one decoder (one file)');
  });
});
