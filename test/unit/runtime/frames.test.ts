// SocketEndpoint framing over a real unix socket: many small messages written in one go, and
// frames far larger than one read, arrive whole and in order.
import { strict as assert } from 'assert';
import * as net from 'net';
import { SocketEndpoint } from '../../../src/runtime/transport/frames';
import { spinUntil } from '../../../src/runtime/transport/spin';

describe('runtime socket framing', () => {
  it('delivers batched small frames and multi-megabyte frames intact and in order', async () => {
    const address = `\0concurrency-lab-frames-test-${process.pid}`;
    const received: unknown[] = [];
    let done!: () => void;
    const all = new Promise<void>((r) => (done = r));
    const server = net.createServer((socket) => {
      const ep = new SocketEndpoint(socket);
      ep.onMessage((m) => {
        received.push(m);
        if (received.length === 1003) done();
      });
    });
    await new Promise<void>((r) => server.listen(address, r));
    const client = new SocketEndpoint(net.connect(address));
    const big = Array.from({ length: 300000 }, (_, i) => i); // ~2 MB of JSON
    const bigMap = new Map(big.slice(0, 50000).map((i) => [i, `v${i}`])); // V8-encoded
    for (let i = 0; i < 1000; i++) client.send({ i });
    client.send({ big });
    client.send({ bigMap });
    client.send({ last: true });
    await all;
    await client.drain();
    client.close();
    server.close();
    assert.deepEqual(received.slice(0, 1000), Array.from({ length: 1000 }, (_, i) => ({ i })));
    assert.deepEqual((received[1000] as { big: number[] }).big, big);
    assert.deepEqual((received[1001] as { bigMap: Map<number, string> }).bigMap, bigMap);
    assert.deepEqual(received[1002], { last: true });
  });

  it('reads ahead synchronously (the spin before recv sleeps) without reordering or splitting frames', async () => {
    const address = `\0concurrency-lab-frames-spin-${process.pid}`;
    const received: number[] = [];
    let reader!: SocketEndpoint;
    const connected = new Promise<void>((r) => {
      const server = net.createServer((socket) => {
        reader = new SocketEndpoint(socket);
        reader.onMessage((m) => received.push(m.i as number));
        server.close();
        r();
      });
      server.listen(address);
    });
    const writer = new SocketEndpoint(net.connect(address));
    await connected;
    // Frames of varied size (some larger than one read) so reads end mid-frame; sync reads and
    // stream 'data' events interleave, both feeding the same frame parser.
    const N = 3000;
    const pad = (i: number) => 'x'.repeat(i % 100 === 0 ? 70_000 : i % 50);
    let sent = 0;
    const sendSome = () => {
      for (let k = 0; k < 25 && sent < N; k++, sent++) writer.send({ i: sent, pad: pad(sent) });
    };
    let spun = 0;
    while (received.length < N) {
      sendSome();
      writer.flush();
      const before = received.length;
      spinUntil(reader, () => received.length >= sent);
      if (received.length > before) spun++;
      await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual(received, Array.from({ length: N }, (_, i) => i));
    assert.ok(spun > 0, 'the synchronous path delivered at least once');
    writer.close();
    reader.close();
  });

  it('never reads ahead while a frame is being delivered (a recv() called from a message callback)', async () => {
    const address = `\0concurrency-lab-frames-nested-${process.pid}`;
    const order: number[] = [];
    let nestedAllowed: boolean | undefined;
    let reader!: SocketEndpoint;
    const connected = new Promise<void>((r) => {
      const server = net.createServer((socket) => {
        reader = new SocketEndpoint(socket);
        reader.onMessage((m) => {
          order.push(m.i as number);
          if (m.i === 0) nestedAllowed = reader.canReadSync();
        });
        server.close();
        r();
      });
      server.listen(address);
    });
    const writer = new SocketEndpoint(net.connect(address));
    await connected;
    for (let i = 0; i < 3; i++) writer.send({ i });
    await writer.drain();
    while (order.length < 3) await new Promise((r) => setImmediate(r));
    assert.equal(nestedAllowed, false);
    assert.deepEqual(order, [0, 1, 2]);
    assert.equal(reader.canReadSync(), true, 'outside delivery the endpoint may be read ahead');
    writer.close();
    reader.close();
  });
});
