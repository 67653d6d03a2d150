import net from 'net';
let calls = 0, bytes = 0;
const orig = net.Socket.prototype.write;
net.Socket.prototype.write = function (d, ...r) { calls++; bytes += d.length; return orig.call(this, d, ...r); };
process.on('exit', () => console.error(`parent socket writes: ${calls}, bytes ${bytes}`));
await import('./poolcopy.mjs');
