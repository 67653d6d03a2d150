// recv()'s blocking wait (src/runtime/transport/spin.ts, blockUntil; docs/transport.md): when a
// thread has nothing else to do it sleeps in the read of the one socket its reply comes from. It
// must deliver frames whole and in order (mixed with the stream's own reads), and must not block
// while anything else of this thread is pending: a timer, or another wait of ours. Sends in later
// ticks never overtake a large frame still being written.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { SocketEndpoint } from '../../../src/runtime/transport/frames';
import { blockBudget, blockUntil, provideReadWait, setBlockBudget, waitBegins, waitEnds, type ReadWait } from '../../../src/runtime/transport/spin';

// The native module is built by `npm run build` (scripts/build-native.mjs); the fixtures need dist/ too.
const NATIVE = path.resolve(__dirname, '../../../dist/runtime/native', `${process.platform}-${process.arch}`, 'shm.node');

async function pair(name: string): Promise<{ reader: SocketEndpoint; writer: SocketEndpoint; received: unknown[]; close(): void }> {
  const address = `\0concurrency-lab-block-${name}-${process.pid}`;
  const received: unknown[] = [];
  let reader!: SocketEndpoint;
  const server = net.createServer((socket) => {
    reader = new SocketEndpoint(socket);
    reader.onMessage((m) => received.push(m));
  });
  await new Promise<void>((r) => server.listen(address, r));
  const writer = new SocketEndpoint(net.connect(address));
  while (!reader) await new Promise((r) => setImmediate(r));
  server.close();
  return {
    reader,
    writer,
    received,
    close() {
      writer.close();
      reader.close();
    },
  };
}

/** Resolves once the writer's frames are all in the kernel (no write of this thread pending). */
async function written(writer: SocketEndpoint): Promise<void> {
  await writer.drain();
  while (process.getActiveResourcesInfo().some((r) => r.endsWith('WriteWrap'))) await new Promise((r) => setImmediate(r));
}

/**
 * mocha arms a timer for every async test, which counts as a pending timer of this thread (so
 * nothing would block): let it not hold the event loop, as an unref'd timer of a snippet would not.
 */
function unrefMochaTimer(ctx: Mocha.Context): void {
  (ctx.runnable() as unknown as { timer?: NodeJS.Timeout }).timer?.unref();
}

describe('runtime blocking recv wait', function () {
  let budgetBefore = 0;
  before(function () {
    if (process.platform !== 'linux' || !fs.existsSync(NATIVE)) {
      // Without the native module (another OS, or dist/ not built) recv() never blocks: nothing to test.
      this.skip();
    }
    const native = require(NATIVE) as { readWait?: ReadWait };
    provideReadWait(() => native.readWait);
    budgetBefore = blockBudget();
    // Off by default (CONCURRENCY_LAB_BLOCK_US): on, with a budget far above the 2 ms a run would
    // set — these tests are about order and when not to block, and a 2 ms budget ran out under
    // CI at load 15 (the read returned 'timeout', and the miss's skip then failed the next test).
    setBlockBudget(5_000_000);
  });
  after(() => setBlockBudget(budgetBefore));

  it('delivers what is waiting at once, whole and in order, when nothing else is pending', async function () {
    const { reader, writer, received, close } = await pair('order');
    // Two frames larger than one read (64 KB), all of it within the socket's buffer.
    const pad = (i: number) => 'x'.repeat(i % 30 === 0 ? 70_000 : i % 37);
    for (let i = 0; i < 60; i++) writer.send({ i, pad: pad(i) });
    await written(writer);
    unrefMochaTimer(this);
    waitBegins();
    try {
      // Read synchronously until the last frame is in: no event loop turn in between.
      const ok = blockUntil(reader, () => received.length === 60);
      assert.equal(ok, true);
      assert.deepEqual(
        received.map((m) => (m as { i: number }).i),
        Array.from({ length: 60 }, (_, i) => i),
      );
      assert.ok(received.every((m, i) => (m as { pad: string }).pad === pad(i)));
    } finally {
      waitEnds();
      close();
    }
  });

  it('does not block while a timer of this thread is pending, nor while another wait of ours is', async function () {
    const { reader, writer, received, close } = await pair('policy');
    writer.send({ i: 1 });
    await written(writer);
    unrefMochaTimer(this);
    waitBegins();
    const timer = setTimeout(() => undefined, 60_000);
    try {
      assert.equal(blockUntil(reader, () => received.length > 0), false);
      assert.equal(received.length, 0, 'the frame was left to the event loop');
      clearTimeout(timer);
      waitBegins(); // a second wait outstanding (e.g. a queue get beside the recv)
      assert.equal(blockUntil(reader, () => received.length > 0), false);
      assert.equal(received.length, 0);
      waitEnds();
      assert.equal(blockUntil(reader, () => received.length > 0), true);
      assert.deepEqual(received, [{ i: 1 }]);
    } finally {
      clearTimeout(timer);
      waitEnds();
      close();
    }
  });

  it('returns (to the event loop) when the peer closes while it waits', async function () {
    const { reader, writer, received, close } = await pair('eof');
    writer.send({ last: true });
    writer.close();
    await new Promise<void>((r) => writer.socket.once('close', () => r()));
    unrefMochaTimer(this);
    waitBegins();
    try {
      // The frame, then EOF: never ready, so it returns when the read says the socket ended.
      assert.equal(blockUntil(reader, () => false), false);
      assert.deepEqual(received, [{ last: true }]);
    } finally {
      waitEnds();
      close();
    }
  });

  it('keeps the order of sends in later ticks behind a large frame still being written', async () => {
    const { writer, received, close } = await pair('writes');
    const big = 'y'.repeat(4 * 1024 * 1024); // more than a socket buffer: the stream writes the rest
    writer.send({ i: 0, big });
    for (let i = 1; i <= 200; i++) {
      writer.send({ i });
      if (i % 10 === 0) await new Promise((r) => setImmediate(r)); // flushes in later ticks
    }
    while (received.length < 201) await new Promise((r) => setImmediate(r));
    close();
    assert.equal((received[0] as { big: string }).big.length, big.length);
    assert.deepEqual(
      received.map((m) => (m as { i: number }).i),
      Array.from({ length: 201 }, (_, i) => i),
    );
  });
});
