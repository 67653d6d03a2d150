// CPU-bound work for the speedup benchmark: a fixed number of iterations (calibrated once by
// the driver to take ~20 ms), never a wall-clock spin, so two workers sharing one core cannot
// look parallel.
export function spin(iters) {
  let x = 1;
  for (let i = 0; i < iters; i++) x = (x * 1103515245 + 12345) % 2147483648;
  return x;
}

/** Iterations of spin() that take about `ms` on this machine right now (median of 5 probes). */
export function calibrate(ms) {
  const probe = 2_000_000;
  spin(probe); // let the JIT settle first
  const times = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    spin(probe);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Math.round((probe * ms) / times[2]);
}
