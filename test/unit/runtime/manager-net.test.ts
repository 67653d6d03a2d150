// The network form of managers (Python's BaseManager) between separate `node` processes: served
// objects used with the right authkey, refused with a wrong one; and a server that hostile or
// broken clients cannot crash or read: garbage, huge lengths, half handshakes, floods, and
// authenticated clients that send nonsense. Runs test/fixtures/runtime/manager_net.mjs.
import { strict as assert } from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as crypto from 'crypto';
import * as net from 'net';
import * as path from 'path';
import { FIXTURES } from './run';

const FIXTURE = path.join(FIXTURES, 'manager_net.mjs');
const KEY = 'the right key';

interface Started {
  child: ChildProcess;
  first: Record<string, unknown>;
  lines: string[];
  exited: Promise<number | null>;
}

/** Starts the fixture in `mode` and resolves with its first JSON line (a server prints its port). */
function start(args: string[], env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, [FIXTURE, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        lines.push(buf.slice(0, nl));
        if (lines.length === 1) resolve({ child, first: JSON.parse(lines[0]), lines, exited });
        buf = buf.slice(nl + 1);
      }
    });
    void exited.then((code) => reject(new Error(`fixture exited (${code}) before printing: ${stderr}`)));
  });
}

/** Runs the fixture to its end and parses its last line. */
async function runToEnd(args: string[]): Promise<Record<string, unknown>> {
  const s = await start(args);
  const code = await s.exited;
  assert.equal(code, 0);
  return JSON.parse(s.lines[s.lines.length - 1]);
}

const MAGIC = Buffer.from('#CLAB-MANAGER-1#');
function frame(body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** A raw connection that records what the server sends and when it closes. */
function rawConnect(port: number): Promise<{ socket: net.Socket; received: () => Buffer; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const t0 = Date.now();
    const closed = new Promise<number>((r) => socket.on('close', () => r(Date.now() - t0)));
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => Buffer.concat(chunks), closed }));
    socket.once('error', reject);
  });
}

const waitFor = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return cond();
};

/** Does the client side of the handshake with `key`; resolves once authenticated (or with the server's verdict bytes). */
async function authenticate(port: number, key: string): Promise<{ socket: net.Socket; received: () => Buffer; closed: Promise<number> }> {
  const conn = await rawConnect(port);
  assert.ok(await waitFor(() => conn.received().length >= 4 + 48), 'the server challenges first');
  const challenge = conn.received().subarray(4 + MAGIC.length, 4 + 48);
  const proof = crypto.createHmac('sha256', key).update('client').update(':').update(challenge).digest();
  const nonce = crypto.randomBytes(32);
  conn.socket.write(frame(Buffer.concat([MAGIC, proof, nonce])));
  // The verdict frame, whole: its length, then #WELCOME#, the server's proof and its info.
  assert.ok(await waitFor(() => conn.received().length >= 4 + 48 + 4 && conn.received().length >= 4 + 48 + 4 + conn.received().readUInt32BE(4 + 48)));
  return conn;
}

describe('Manager over the network (BaseManager, separate node processes)', function () {
  this.timeout(60000);
  let server: Started | undefined;
  let port = 0;

  // A fresh server per test: every test must end with no process of its own left.
  beforeEach(async () => {
    server = await start(['serve', KEY, '300']);
    port = server.first.port as number;
    assert.equal(server.first.host, '127.0.0.1', 'binds 127.0.0.1 unless told otherwise');
  });

  afterEach(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    await server?.exited;
  });

  it('a client with a wrong authkey gets AuthenticationError and nothing is served', async () => {
    const out = await runToEnd(['client', String(port), 'not the key']);
    assert.equal(out.error, 'AuthenticationError');
    assert.match(out.message as string, /refused this client: its authkey differs/);
  });

  it('a raw client without the key reads only the challenge, then FAILURE, then the connection closes', async () => {
    const conn = await rawConnect(port);
    assert.ok(await waitFor(() => conn.received().length >= 52));
    conn.socket.write(frame(Buffer.concat([MAGIC, crypto.randomBytes(64)])));
    await conn.closed;
    const got = conn.received();
    assert.equal(got.length, 4 + 48 + 4 + 9, 'challenge + #FAILURE#, nothing else');
    assert.equal(got.subarray(4 + 48 + 4).toString(), '#FAILURE#');
  });

  it('hostile input before authentication: garbage, a huge length, an oversized answer, a half handshake, a flood — each closed, none crashes the server', async () => {
    const garbage = await rawConnect(port);
    garbage.socket.write(crypto.randomBytes(300));
    const huge = await rawConnect(port);
    huge.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]));
    const oversized = await rawConnect(port);
    oversized.socket.write(frame(crypto.randomBytes(200)));
    const silent = await rawConnect(port);
    const half = await rawConnect(port);
    half.socket.write(Buffer.from([0, 0, 0, 80, 1, 2, 3]));
    for (const c of [garbage, huge, oversized]) assert.ok((await c.closed) < 2000, 'malformed: closed at once');
    // The handshake limit is 300 ms in this server (handshakeTimeoutMs).
    for (const c of [silent, half]) {
      const ms = await c.closed;
      assert.ok(ms >= 250 && ms < 3000, `a connection that never completes its handshake is dropped after the limit (${ms} ms)`);
    }
    const flood = await Promise.all(Array.from({ length: 150 }, () => rawConnect(port).catch(() => undefined)));
    await Promise.all(flood.map((c) => c?.closed));
    const out = await runToEnd(['client', String(port), 'not the key']);
    assert.equal(out.error, 'AuthenticationError', 'the server still answers');
    assert.equal(server?.child.exitCode, null, 'the server process is alive');
  });

  it('hostile input after authentication: nonsense messages, a huge frame, methods that are not exposed — refused, the server keeps serving', async () => {
    const conn = await authenticate(port, KEY);
    const verdict = conn.received().subarray(4 + 48 + 4, 4 + 48 + 4 + 9).toString();
    assert.equal(verdict, '#WELCOME#');
    const info = JSON.parse(conn.received().subarray(4 + 48 + 4 + 9 + 32).toString());
    assert.deepEqual(info.typeids.sort(), ['get_control', 'get_counter', 'get_dict', 'get_queue']);
    // A well-formed call of something not exposed: an error reply, not a crash.
    const json = (o: unknown) => frame(Buffer.concat([Buffer.from('J'), Buffer.from(JSON.stringify(o))]));
    const before = conn.received().length;
    conn.socket.write(json({ r: 1, t: 'new', k: 'get_counter', a: [] }));
    assert.ok(await waitFor(() => conn.received().length > before));
    const made = JSON.parse(conn.received().subarray(before + 5).toString());
    assert.equal(made.r, 1);
    for (const [r, m] of [
      [2, 'constructor'],
      [3, '_secret'],
      [4, '__proto__'],
      [5, 'toString'],
    ] as const) {
      const at = conn.received().length;
      conn.socket.write(json({ r, o: made.v.o, m, a: [] }));
      assert.ok(await waitFor(() => conn.received().length > at));
      const reply = JSON.parse(conn.received().subarray(at + 5).toString());
      assert.equal(reply.x?.name, 'AttributeError', `${m}: ${JSON.stringify(reply)}`);
    }
    // Nonsense: the connection is closed.
    conn.socket.write(json({ r: 'x', surprise: true }));
    await conn.closed;
    const bad = await authenticate(port, KEY);
    bad.socket.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0x4a]));
    assert.ok((await bad.closed) < 3000, 'a frame over the limit closes the connection');
    const undecodable = await authenticate(port, KEY);
    undecodable.socket.write(frame(Buffer.from('J{not json')));
    await undecodable.closed;
    const v8garbage = await authenticate(port, KEY);
    v8garbage.socket.write(frame(Buffer.concat([Buffer.from('V'), crypto.randomBytes(64)])));
    await v8garbage.closed;
    assert.equal(server?.child.exitCode, null, 'the server process is alive');
  });

  it('the right key: a Queue, a Map and an object with methods served from one process are used from another; errors keep their type', async () => {
    const out = await runToEnd(['client', String(port), KEY]);
    assert.deepEqual(out.fromQueue, { from: 'client', n: [1, 2] });
    assert.equal(out.emptyQueue, 'Empty');
    assert.equal(out.greeting, 'hello');
    assert.deepEqual(out.counter, [1, 6, 6], 'the served object keeps its state between calls');
    assert.equal(out.userError, 'RangeError: counter says no');
    assert.equal(out.userErrorFrame, true, "the error's stack shows where it was raised in the server");
    assert.equal(out.hidden, 'undefined', '_private methods are not exposed');
    assert.equal(out.sameQueue, true, 'a registered callable that returns the same object serves it under one id');
    // The client stopped the server through its control object.
    assert.equal(await server?.exited, 0);
    assert.deepEqual(JSON.parse(server?.lines[server.lines.length - 1] as string), { stopped: true, counter: 6, queued: 0 });
  });

  it('Manager.start({ address, authkey }) serves dict(), list() to a client on another process; shutdown() is only for the owner', async () => {
    const owner = await start(['sync', KEY]);
    try {
      const out = await runToEnd(['syncClient', String(owner.first.port), KEY]);
      assert.deepEqual(out, { d: { made: 'remotely' }, l: [1, 2, 3], shutdown: 'ProcessError' });
    } finally {
      owner.child.kill('SIGTERM');
      await owner.exited;
    }
  });

  it('BaseManager.start(): the server is a child process that imports the snippet for its registered callables', async () => {
    const out = await runToEnd(['child', KEY]);
    assert.deepEqual(out, { greeting: 'hello', keys: ['greeting', 'child'], serverIsChild: true, serverKeys: ['greeting', 'child'] });
  });
});
