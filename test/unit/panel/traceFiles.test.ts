// Open and Export of the panel: native and Chrome traces round-trip; bad files give one-line errors.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bytesForViewer, decodeTraceFile, decodeViewerBytes, readTraceBytes, readTraceFile, viewerParts, writeTraceFile, type ViewerPart } from '../../../src/panel/traceFiles';
import { JsonlPartsDecoder } from '../../../src/trace/file';
import { parseJsonl } from '../../../src/trace/jsonl';

const FIXTURE = path.resolve(__dirname, '../../fixtures/traces/queue.jsonl');

describe('panel: trace files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-tracefiles-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a native trace, and exports it as native and as Chrome JSON that reopens the same', async () => {
    const original = parseJsonl(fs.readFileSync(FIXTURE, 'utf8'));
    const t = await readTraceFile(FIXTURE);
    assert.strictEqual(t.events.length, original.events.length);
    assert.deepStrictEqual(t.header, original.header);

    const native = path.join(dir, 'out.jsonl');
    await writeTraceFile(native, t.header, t.events);
    assert.deepStrictEqual((await readTraceFile(native)).events, t.events);
    // Written again over itself: replaced whole (via a temp file renamed over it), no temp left.
    await writeTraceFile(native, t.header, t.events.slice(0, 3));
    assert.deepStrictEqual((await readTraceFile(native)).events, t.events.slice(0, 3));
    assert.deepStrictEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);

    const chrome = path.join(dir, 'out.json');
    await writeTraceFile(chrome, t.header, t.events);
    const json = JSON.parse(fs.readFileSync(chrome, 'utf8')) as { traceEvents: { ph: string }[] };
    assert.ok(json.traceEvents.some((e) => e.ph === 's') && json.traceEvents.some((e) => e.ph === 'f'), 'message arrows are flow events');
    const back = await readTraceFile(chrome);
    assert.deepStrictEqual(
      back.events.map((e) => [e.kind, e.pid]),
      t.events.map((e) => [e.kind, e.pid]),
    );
  });

  it('sends the viewer a Chrome trace as the native .jsonl inside it, decoded as the file itself is', async () => {
    const t = await readTraceFile(FIXTURE);
    const chrome = path.join(dir, 'out.json');
    await writeTraceFile(chrome, t.header, t.events);
    const read = await readTraceBytes(chrome);
    const sent = bytesForViewer(read.format, read.bytes);
    assert.strictEqual(sent.format, 'jsonl');
    assert.ok(sent.fromChrome && sent.bytes.byteLength < read.bytes.byteLength / 1.5, 'half the bytes or less');
    const viewer = decodeTraceFile(chrome, sent.format, sent.bytes);
    const host = decodeViewerBytes(chrome, sent, read.bytes);
    const full = await readTraceFile(chrome);
    assert.deepStrictEqual(viewer.events, full.events);
    assert.deepStrictEqual(host, full);
    // A .jsonl, and a .json the scan does not take, go as read; failures are worded for the file.
    assert.deepStrictEqual(bytesForViewer('jsonl', read.bytes), { format: 'jsonl', bytes: read.bytes, fromChrome: false });
    const other = Buffer.from('{"traceEvents": []}');
    const otherSent = bytesForViewer('chrome', other);
    assert.deepStrictEqual(otherSent, { format: 'chrome', bytes: other, fromChrome: false });
    assert.throws(() => decodeViewerBytes(path.join(dir, 'other.json'), otherSent, other), /^Error: other\.json: .*concurrencyLab/);
    // Values that are not events: counted as the file's decode counts them, with no line number of a file that was never read.
    const bad = Buffer.from(read.bytes.toString('utf8').replace('"traceEvents":[', '"traceEvents":[{"args":{"event":{"kind":"nope"}}},'));
    const badSent = bytesForViewer('chrome', bad);
    assert.ok(badSent.fromChrome);
    const badHost = decodeViewerBytes(chrome, badSent, bad);
    assert.strictEqual(badHost.malformed, 1);
    assert.strictEqual(badHost.firstMalformedLine, undefined);
    assert.deepStrictEqual(badHost, decodeTraceFile(chrome, 'chrome', bad));
  });

  it('sends a big file in parts of whole lines that decode, in order, to what the whole file decodes to (.jsonl and Chrome .json)', async () => {
    const t = await readTraceFile(FIXTURE);
    const chrome = path.join(dir, 'out.json');
    await writeTraceFile(chrome, t.header, t.events);
    const decodeParts = (parts: ViewerPart[]) => {
      const d = new JsonlPartsDecoder();
      const utf8 = new TextDecoder();
      for (const p of parts) d.push(utf8.decode(p.bytes, { stream: !p.last }));
      return d.finish();
    };
    const run = (gen: Generator<ViewerPart, 'ok' | 'whole'>) => {
      const parts: ViewerPart[] = [];
      for (;;) {
        const r = gen.next();
        if (r.done) return { parts, how: r.value };
        parts.push(r.value);
      }
    };
    for (const file of [FIXTURE, chrome]) {
      const read = await readTraceBytes(file);
      const whole = decodeViewerBytes(file, bytesForViewer(read.format, read.bytes), read.bytes);
      for (const size of [1, 100, 1000, 1 << 20]) {
        const { parts, how } = run(viewerParts(read.format, read.bytes, size));
        assert.strictEqual(how, 'ok');
        assert.ok(parts.length >= 1);
        assert.deepStrictEqual(parts.map((p) => p.last), parts.map((_, i) => i === parts.length - 1), 'last on the last part only');
        for (const p of parts) assert.strictEqual(p.bytes[p.bytes.length - 1], 0x0a, 'whole lines');
        if (size === 1000) assert.ok(parts.length > 3, `${parts.length} parts of ${read.bytes.byteLength} bytes`);
        const got = decodeParts(parts);
        assert.deepStrictEqual([got.header, got.events, got.malformed], [whole.header, whole.events, whole.malformed], `${path.basename(file)}, parts of ${size}`);
        // What the host decodes: the parts joined.
        const joined = { format: 'jsonl' as const, bytes: Buffer.concat(parts.map((p) => p.bytes)), fromChrome: read.format === 'chrome' };
        assert.deepStrictEqual(decodeViewerBytes(file, joined, read.bytes), whole);
      }
    }
    // A Chrome trace the scan is not sure of (here: a duplicate key near its end) goes whole, whatever parts were made.
    const read = await readTraceBytes(chrome);
    const dup = Buffer.from(read.bytes.toString('utf8').replace(/\}\s*$/, ',"traceEvents":[]}'));
    const { parts, how } = run(viewerParts('chrome', dup, 100));
    assert.strictEqual(how, 'whole');
    assert.ok(parts.length > 0 && parts.every((p) => !p.last), 'parts were sent before the scan knew');
  });

  it('puts events in time order, equal times in file order', async () => {
    const file = path.join(dir, 'order.jsonl');
    const T = 1_764_290_000_000_000;
    const lines = [
      { kind: 'trace.header', version: 1, tool: 'concurrency-lab', ts: T },
      { kind: 'output', ts: T + 5, pid: 1, stream: 'stdout', text: 'b\n' },
      { kind: 'output', ts: T + 1, pid: 1, stream: 'stdout', text: '进程 ✓ é\n' },
      { kind: 'output', ts: T + 5, pid: 1, stream: 'stdout', text: 'c\n' },
      { kind: 'output', ts: T + 5, pid: 1, stream: 'stdout', text: 'd\n' },
    ];
    fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const t = await readTraceFile(file);
    assert.deepStrictEqual(
      t.events.map((e) => (e.kind === 'output' ? e.text : '')),
      ['进程 ✓ é\n', 'b\n', 'c\n', 'd\n'],
    );
  });

  it('explains in one line what is wrong with a file', async () => {
    const cases: [string, string | undefined, RegExp][] = [
      ['missing.jsonl', undefined, /missing\.jsonl: no such file$/],
      ['notes.txt', 'hello', /^notes\.txt: not a trace file \(expected \.jsonl or \.json\)$/],
      ['empty.jsonl', 'garbage\n', /^empty\.jsonl: no trace events found \(1 line skipped: 1 not JSON\)$/],
      ['bad.json', '{nope', /^bad\.json: not valid JSON/],
      ['other.json', '{"traceEvents": []}', /^other\.json: .*concurrencyLab/],
    ];
    for (const [name, content, re] of cases) {
      const file = path.join(dir, name);
      if (content !== undefined) fs.writeFileSync(file, content);
      await assert.rejects(readTraceFile(file), (e: Error) => {
        assert.match(e.message, re);
        assert.ok(!e.message.includes('\n'), 'one line');
        return true;
      });
    }
    await assert.rejects(readTraceFile(dir + path.sep + 'sub.jsonl'), /no such file/);
    fs.mkdirSync(path.join(dir, 'd.jsonl'));
    await assert.rejects(readTraceFile(path.join(dir, 'd.jsonl')), /is a directory/);
  });

  it('names the first skipped line of a .jsonl and keeps every valid line, from text and from bytes alike', async () => {
    const T = 1_764_290_000_000_000;
    const text = [
      JSON.stringify({ kind: 'trace.header', version: 1, tool: 'concurrency-lab', ts: T }),
      JSON.stringify({ kind: 'process.start', ts: T + 1, pid: 7, ppid: 1, name: 'main' }),
      '',
      '{"kind":"output","ts":', // cut short: line 4
      JSON.stringify({ kind: 'output', ts: T + 2, pid: 7, stream: 'stdout', text: 'ok\n' }),
      JSON.stringify({ kind: 'no.such.kind', ts: T + 3, pid: 7 }),
      '',
    ].join('\n');
    const file = path.join(dir, 'partly.jsonl');
    fs.writeFileSync(file, text);
    const t = await readTraceFile(file);
    assert.deepStrictEqual([t.events.length, t.malformed, t.firstMalformedLine], [2, 2, 4]);
    assert.deepStrictEqual(decodeTraceFile(file, 'jsonl', new TextEncoder().encode(text)), t, 'the bytes the viewer gets decode the same');
    assert.deepStrictEqual(decodeTraceFile(file, 'jsonl', text), t);
    // In parts cut anywhere (inside a line, a character, between line breaks): the same, line numbers included.
    const bytes = new TextEncoder().encode(text.replace('ok\n', '进程 ✓ é\n'));
    const once = decodeTraceFile(file, 'jsonl', bytes);
    for (let cut = 0; cut <= bytes.length; cut++) {
      for (const cut2 of [cut, Math.min(bytes.length, cut + 3)]) {
        const d = new JsonlPartsDecoder();
        const utf8 = new TextDecoder();
        for (const [a, b] of [[0, cut], [cut, cut2], [cut2, bytes.length]] as const) d.push(utf8.decode(bytes.subarray(a, b), { stream: b < bytes.length }));
        assert.deepStrictEqual(d.finish(), once, `cut at ${cut}, ${cut2}`);
      }
    }
    assert.strictEqual((await readTraceFile(FIXTURE)).firstMalformedLine, undefined, 'nothing skipped, nothing named');
  });
});

