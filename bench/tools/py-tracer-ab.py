"""The Python tracer alone (no runner, no CLI), two versions against untraced CPython.

Usage: python3 bench/tools/py-tracer-ab.py N REPS MODE BEFORE_DIR AFTER_DIR
  MODE: pingpong or oneway (bench/python/mp_pipe.py), queue (bench/python/mp_queue.py), pool
  (bench/python/mp_pool.py apply_async N 2); *_DIR: a tracer folder (src/python of a
  commit, e.g. `git archive <commit> src/python | tar -x -C /tmp/before`).
Each rep runs untraced, BEFORE and AFTER in turn; prints medians of the wall time per operation
(the script's own loop) and of the CPU per operation (user + sys of the whole process tree, from
getrusage(RUSAGE_CHILDREN)), and the count of message lines (and compact lines) in the trace as a check.
"""
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile

n, reps, mode, before, after = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
here = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'python')
if mode == 'queue':
    command = [os.path.join(here, 'mp_queue.py')]
elif mode == 'pool':
    command = [os.path.join(here, 'mp_pool.py'), 'apply_async']
else:
    command = [os.path.join(here, 'mp_pipe.py'), mode]
variants = {'untraced': None, 'before': before, 'after': after}


def run(src):
    env = dict(os.environ)
    trace = tempfile.mkdtemp(prefix='py-tracer-ab-')
    if src:
        env['CONCURRENCY_LAB_TRACE_DIR'] = trace
        env['PYTHONPATH'] = src
    b = resource.getrusage(resource.RUSAGE_CHILDREN)
    tail = [str(n), '2'] if mode == 'pool' else [str(n)]
    out = subprocess.run([sys.executable] + command + tail, env=env, capture_output=True, text=True, check=True).stdout
    a = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = 0
    for f in [x for x in os.listdir(trace) if x.endswith(".jsonl")]:
        with open(os.path.join(trace, f)) as fh:
            lines += sum(1 for line in fh if '"message.' in line or line.startswith('['))
    shutil.rmtree(trace, ignore_errors=True)
    ms = json.loads(out.strip().splitlines()[-1])['ms']
    return ms * 1000 / n, (a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime) * 1e6 / n, lines


res = {k: [] for k in variants}
for _ in range(reps):
    for k, src in variants.items():
        res[k].append(run(src))
plain = statistics.median(r[0] for r in res['untraced'])
for k in variants:
    wall = statistics.median(r[0] for r in res[k])
    cpu = statistics.median(r[1] for r in res[k])
    print('%-9s wall/op %7.1f us  cpu/op %7.1f us  vs untraced %.2fx  message lines %s' % (k, wall, cpu, plain / wall, sorted({r[2] for r in res[k]})))
