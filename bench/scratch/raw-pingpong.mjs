// Floor for a Node ping-pong over a socketpair (fork stdio 'pipe'): one byte each way.
import { fork } from 'child_process';
import net from 'net';
if (process.argv[2] === 'child') {
  const s = new net.Socket({ fd: 4, readable: true, writable: true });
  s.on('data', (d) => s.write(d));
} else {
  const n = 5000;
  const c = fork(new URL(import.meta.url).pathname, ['child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc', 'pipe'] });
  const s = c.stdio[4];
  let i = 0;
  let t0;
  s.on('data', () => {
    if (++i === 100) t0 = performance.now();
    if (i === n + 100) {
      console.log(JSON.stringify({ rtt_us: ((performance.now() - t0) * 1000) / n }));
      c.kill();
      process.exit(0);
    }
    s.write('x');
  });
  s.write('x');
}
