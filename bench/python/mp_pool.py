"""Baseline: CPython multiprocessing.Pool throughput on tiny tasks (x*x).

Usage: python3 mp_pool.py MODE N PROCESSES   (MODE: apply_async | map1 | map)
Prints one JSON line: {"ops": N, "ms": elapsed}. The pool is created and warmed (every worker
has run a task) before the clock starts, exactly as the Node side does, so only task traffic is
timed.
"""
import json
import sys
import time
from multiprocessing import Pool


def square(x):
    return x * x


def main():
    mode, n, procs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with Pool(procs) as pool:
        pool.map(square, range(procs * 4), chunksize=1)
        t0 = time.perf_counter()
        if mode == 'apply_async':
            results = [pool.apply_async(square, (i,)) for i in range(n)]
            out = [r.get() for r in results]
        elif mode == 'map1':
            out = pool.map(square, range(n), chunksize=1)
        elif mode == 'map':
            out = pool.map(square, range(n))
        else:
            raise SystemExit(f'unknown mode {mode}')
        ms = (time.perf_counter() - t0) * 1000
    # Checked so a baseline that silently dropped work cannot look fast.
    assert len(out) == n and out[-1] == (n - 1) ** 2
    print(json.dumps({'ops': n, 'ms': ms}))


if __name__ == '__main__':
    main()
