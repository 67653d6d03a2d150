"""Baseline: CPython multiprocessing.Pipe latency and throughput.

Usage: python3 mp_pipe.py pingpong N   (round trips; reports the mean round trip)
       python3 mp_pipe.py oneway N     (parent sends N, child acknowledges the count)
Prints one JSON line: {"ops": N, "ms": elapsed}. Messages are small dicts (pickled), the same
shape the Node side sends as structured-clone values.
"""
import json
import sys
import time
from multiprocessing import Pipe, Process


def message(i):
    return {'id': i, 'name': 'msg', 'values': [1, 2, 3], 'nested': {'ok': True}}


def echo(conn):
    while True:
        m = conn.recv()
        if m is None:
            return
        conn.send(m)


def sink(conn, n):
    conn.send('ready')
    count = 0
    for _ in range(n):
        conn.recv()
        count += 1
    conn.send(count)


def main():
    mode, n = sys.argv[1], int(sys.argv[2])
    parent, child = Pipe()
    if mode == 'pingpong':
        p = Process(target=echo, args=(child,))
        p.start()
        for i in range(100):  # warm up both ends
            parent.send(message(i))
            parent.recv()
        t0 = time.perf_counter()
        for i in range(n):
            parent.send(message(i))
            parent.recv()
        ms = (time.perf_counter() - t0) * 1000
        parent.send(None)
    elif mode == 'oneway':
        p = Process(target=sink, args=(child, n))
        p.start()
        assert parent.recv() == 'ready'
        t0 = time.perf_counter()
        for i in range(n):
            parent.send(message(i))
        count = parent.recv()
        ms = (time.perf_counter() - t0) * 1000
        assert count == n
    else:
        raise SystemExit(f'unknown mode {mode}')
    p.join()
    print(json.dumps({'ops': n, 'ms': ms}))


if __name__ == '__main__':
    main()
