// A busy neighbour for `npm run bench -- --load`: keeps one core busy until the driver kills it.
// It also ends itself as soon as its parent is gone (the driver killed with SIGKILL cannot clean
// up), checking every ~20 ms, so even then nothing is left spinning.
const parent = process.ppid;
let sink = 1;

function slice() {
  const end = performance.now() + 20;
  while (performance.now() < end) for (let i = 0; i < 10_000; i++) sink = (sink * 1103515245 + 12345) % 2147483648;
  if (process.ppid !== parent) process.exit(0);
  setImmediate(slice);
}

slice();
