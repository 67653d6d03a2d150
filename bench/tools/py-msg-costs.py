"""Where a traced message's Python time goes: the pieces of a traced Pipe send/recv and Queue
put/get, timed in one process with the tracer loaded (no runner, no second process).

Usage: python3 bench/tools/py-msg-costs.py [TRACER_DIR]   (default: src/python of this checkout)
Prints, per call, the minimum over 7 loops of CPU time (time.thread_time_ns) per call, and the
traced vs untraced cost of send, recv, put and get (batches of 40, so a pipe never fills). These
are hot-cache numbers; the last part times the parent's send and recv in a Pipe ping-pong with a
child (CPU of the calling thread around each call; traced, then untraced), where each process
sleeps between messages and the same code costs about twice as much.
"""
import os
import shutil
import sys
import tempfile
import time
import timeit

here = os.path.dirname(os.path.abspath(__file__))
tracer = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', '..', 'src', 'python')
trace_dir = tempfile.mkdtemp(prefix='py-msg-costs-')
os.environ['CONCURRENCY_LAB_TRACE_DIR'] = trace_dir
sys.path.insert(0, tracer)
import concurrency_lab_tracer  # noqa: E402

concurrency_lab_tracer.install()
from multiprocessing import Pipe, Process, Queue  # noqa: E402

from concurrency_lab_tracer import calls, core, messages  # noqa: E402

MSG = {'id': 1, 'name': 'msg', 'values': [1, 2, 3], 'nested': {'ok': True}}  # bench/python's message
B = 40


def per_call(label, stmt, g, n=50000):
    best = min(timeit.repeat(stmt, globals=g, number=n, repeat=7, timer=time.thread_time_ns)) / n / 1000
    print('  %-46s %6.2f us' % (label, best))


def pairs(label, first, second, rounds=400):
    """CPU per call of first() and second(), each run B times in a row, min over 7 loops."""
    best = [1e9, 1e9]
    for _ in range(7):
        t = [0, 0]
        for _ in range(rounds):
            a = time.thread_time_ns()
            for _ in range(B):
                first()
            b = time.thread_time_ns()
            for _ in range(B):
                second()
            t[0] += b - a
            t[1] += time.thread_time_ns() - b
        core.flush()
        best = [min(best[i], t[i] / rounds / B / 1000) for i in (0, 1)]
    print('  %-46s %6.2f us  %6.2f us' % (label, best[0], best[1]))


def main():
    a, b = Pipe()
    ua, ub = Pipe()
    ua._cl_chan = ub._cl_chan = None  # untraced (as multiprocessing's own pipes are)
    q, uq = Queue(), Queue()
    uq._cl_chan = None
    print('whole calls (CPU per call)                          first     second')
    pairs('Pipe send, recv: untraced', lambda: ua.send(MSG), ub.recv)
    pairs('Pipe send, recv: traced', lambda: a.send(MSG), b.recv)
    pairs('Queue put, get: untraced', lambda: uq.put(MSG), uq.get)
    pairs('Queue put, get: traced', lambda: q.put(MSG), q.get)
    envelope, line = messages._send('pipe', 'p1:1', MSG)
    data = line.encode()
    g = dict(calls=calls, core=core, messages=messages, MSG=MSG, envelope=envelope, line=line, data=data, b=b)
    print('pieces of a traced send')
    per_call('_send (all of the below but the write)', 'messages._send("pipe", "p1:1", MSG)', g)
    per_call('summary: short(msg)', 'calls.short(MSG)', g)
    per_call('  of which repr(msg)', 'repr(MSG)', g)
    per_call('summary as JSON text', 'core.json_str("{\'id\': 1, \'name\': \'msg\'}")', g)
    per_call('call site loc (cached)', 'calls.user_loc_json(1)', g)
    per_call('time stamp: now()', 'core.now()', g)
    per_call('line.encode()', 'line.encode("utf-8", "replace")', g)
    per_call('write_line (batched, lock + append)', 'core.write_line(data, False)', g)
    core.flush()
    from multiprocessing.reduction import ForkingPickler

    g['ForkingPickler'] = ForkingPickler
    per_call('pickle the message', 'ForkingPickler.dumps(MSG)', g)
    per_call('pickle its envelope (marker, msgId, msg)', 'ForkingPickler.dumps(envelope)', g)
    print('pieces of a traced recv')
    per_call('readable(conn): one poll(2)', 'core.readable(b)', g)
    per_call('_received (unwrap, line, write_line)', 'messages._received("pipe", "p1:1", envelope)', g)
    core.flush()


def _echo(conn):
    while True:
        m = conn.recv()
        if m is None:
            return
        conn.send(m)


def pingpong(traced, n=5000):
    parent, child = Pipe()
    if not traced:
        parent._cl_chan = child._cl_chan = None
    p = Process(target=_echo, args=(child,))
    p.start()
    tt = time.thread_time_ns
    ts = tr = 0
    for i in range(n + 100):
        a = tt()
        parent.send(MSG)
        b = tt()
        parent.recv()
        if i >= 100:  # (warm-up)
            ts += b - a
            tr += tt() - b
    parent.send(None)
    p.join()
    print('  %-46s %6.2f us  %6.2f us' % ('ping-pong, parent: send, recv (%s)' % ('traced' if traced else 'untraced'), ts / n / 1000, tr / n / 1000))


try:
    main()
    print('cold: a Pipe ping-pong with a child                 send      recv')
    pingpong(True)
    pingpong(False)
finally:
    shutil.rmtree(trace_dir, ignore_errors=True)
