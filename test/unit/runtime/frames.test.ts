// SocketEndpoint framing over a real unix socket: many small messages written in one go, and
// frames far larger than one read, arrive whole and in order.
import { strict as assert } from 'assert';
import * as net from 'net';
import { SocketEndpoint } from '../../../src/runtime/frames';

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
});
