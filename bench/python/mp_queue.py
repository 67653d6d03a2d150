"""Baseline: CPython multiprocessing.Queue one-way throughput, parent -> child.

Usage: python3 mp_queue.py N
The child signals ready on a second queue, then the parent puts N small dicts and waits for the
child's count. Prints one JSON line: {"ops": N, "ms": elapsed}.
"""
import json
import sys
import time
from multiprocessing import Process, Queue


def message(i):
    return {'id': i, 'name': 'msg', 'values': [1, 2, 3], 'nested': {'ok': True}}


def consumer(q, done, n):
    done.put('ready')
    count = 0
    for _ in range(n):
        q.get()
        count += 1
    done.put(count)


def main():
    n = int(sys.argv[1])
    q, done = Queue(), Queue()
    p = Process(target=consumer, args=(q, done, n))
    p.start()
    assert done.get() == 'ready'
    t0 = time.perf_counter()
    for i in range(n):
        q.put(message(i))
    count = done.get()
    ms = (time.perf_counter() - t0) * 1000
    assert count == n
    p.join()
    print(json.dumps({'ops': n, 'ms': ms}))


if __name__ == '__main__':
    main()
