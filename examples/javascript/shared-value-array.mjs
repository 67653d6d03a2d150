// Shared memory: a Value and an Array that parent and child both see (Python's docs, f(n, a)).
// The child writes n.value and negates every a[i]; the parent, after join(), sees the changes,
// because both processes map the same memory: nothing is copied or sent back.
import { Process, SharedArray, Value, isMainProcess } from 'concurrency-lab';

export function f(n, a) {
  n.value = 3.1415927; // a 'd' Value: a C double
  for (let i = 0; i < a.length; i++) {
    a[i] = -a[i];
  }
}

if (isMainProcess()) {
  const num = new Value('d', 0.0); // Python: Value('d', 0.0)
  const arr = new SharedArray('i', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // Python: Array('i', range(10))
  const p = new Process({ target: f, args: [num, arr] });
  p.start();
  await p.join();
  console.log(num.value);
  console.log(`[${arr.slice().join(', ')}]`); // as Python prints arr[:]
}
