"""Baseline: CPython multiprocessing shared Value under a lock.

Usage:
  python3 mp_shared.py locked N P     P processes each do N `v.value += 1` under the Value's own lock (an RLock)
  python3 mp_shared.py threads N P    the same program on threads (multiprocessing.dummy.Process), as
                                      ours runs it in the thread context
  python3 mp_shared.py uncontended N  N Lock acquire + release pairs in one process
Prints one JSON line: {"ops", "ms"} (locked/threads: from the moment every child is ready, at a
start Event, to the last join(): the lock, not process start-up; as bench/snippets/shared.mjs).
"""
import json
import sys
import time
from multiprocessing import Event, Lock, Process, Semaphore, Value


def inc(v, n, ready, go):
    ready.release()
    go.wait()
    lock = v.get_lock()
    for _ in range(n):
        with lock:
            v.value += 1


def main():
    mode, n = sys.argv[1], int(sys.argv[2])
    p = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    if mode == 'locked':
        v = Value('i', 0)  # its default lock, an RLock (v.value takes it too)
        ready, go = Semaphore(0), Event()
        ps = [Process(target=inc, args=(v, n, ready, go)) for _ in range(p)]
        for x in ps:
            x.start()
        for _ in ps:
            ready.acquire()
        t0 = time.perf_counter()
        go.set()
        for x in ps:
            x.join()
        ms = (time.perf_counter() - t0) * 1000
        assert v.value == n * p, v.value
        print(json.dumps({'ops': n * p, 'ms': ms}))
    elif mode == 'threads':
        from multiprocessing.dummy import Process as Thread
        v = Value('i', 0)
        ready, go = Semaphore(0), Event()
        ts = [Thread(target=inc, args=(v, n, ready, go)) for _ in range(p)]
        for x in ts:
            x.start()
        for _ in ts:
            ready.acquire()
        t0 = time.perf_counter()
        go.set()
        for x in ts:
            x.join()
        ms = (time.perf_counter() - t0) * 1000
        assert v.value == n * p
        print(json.dumps({'ops': n * p, 'ms': ms}))
    elif mode == 'uncontended':
        lock = Lock()
        for _ in range(10000):
            lock.acquire()
            lock.release()
        t0 = time.perf_counter()
        for _ in range(n):
            lock.acquire()
            lock.release()
        ms = (time.perf_counter() - t0) * 1000
        print(json.dumps({'ops': n, 'ms': ms}))
    else:
        raise SystemExit('unknown mode ' + mode)


if __name__ == '__main__':
    main()
