"""Baseline: CPython multiprocessing.Manager dict, set + get round trips from the main process.

Usage: python3 mp_manager.py N
Starts a Manager, makes a dict, warms it up, then times N pairs of `d['k'] = message(i)` and
`d['k']`. Prints one JSON line: {"ops": N, "ms": elapsed} (one op = one set + get pair).
"""
import json
import sys
import time
from multiprocessing import Manager


def message(i):
    return {'id': i, 'name': 'msg', 'values': [1, 2, 3], 'nested': {'ok': True}}


def main():
    n = int(sys.argv[1])
    with Manager() as m:
        d = m.dict()
        for i in range(200):
            d['k'] = message(i)
            d['k']
        t0 = time.perf_counter()
        for i in range(n):
            d['k'] = message(i)
            got = d['k']
        ms = (time.perf_counter() - t0) * 1000
        assert got['id'] == n - 1
    print(json.dumps({'ops': n, 'ms': ms}))


if __name__ == '__main__':
    main()
