// The other end of node-ipc.mjs: echoes (pingpong) or counts (oneway) structured-clone messages.
const [mode, nText] = process.argv.slice(2);
const n = Number(nText);
if (mode === 'pingpong') {
  process.on('message', (m) => (m === null ? process.disconnect() : process.send(m)));
} else {
  let count = 0;
  process.on('message', () => {
    if (++count === n) process.send(count, () => process.disconnect());
  });
  process.send('ready');
}
