# A starved worker: two workers take jobs from one queue until they get the "no more work" mark
# (None). The parent puts 6 jobs but only ONE mark: the worker that gets it stops, and the other
# waits in q.get() for work that never comes — while the parent waits to join it. Concurrency Lab
# sees that nobody alive will ever put to the queue and says so (the panel's banner, or
# `concurrency-lab run starved_worker_example.py --on-deadlock stop`, which stops it with exit code 3).
# The fix: one mark per worker. Run the fixed variant with
# `concurrency-lab run starved_worker_example.py fixed`, or set FIXED to True.
import sys
from multiprocessing import Process, Queue

FIXED = 'fixed' in sys.argv[1:]
WORKERS = 2
JOBS = 6


def worker(name, q):
    while True:
        job = q.get()  # starved here: the queue stays empty
        if job is None:  # the "no more work" mark
            break
        print('%s did job %s' % (name, job))
    print('%s stops' % name)


if __name__ == '__main__':
    q = Queue()
    workers = [Process(target=worker, args=('worker %d' % (i + 1), q)) for i in range(WORKERS)]
    for w in workers:
        w.start()
    for job in range(1, JOBS + 1):
        q.put(job)
    # The bug: one mark for two workers. The fix: one per worker.
    for _ in range(WORKERS if FIXED else 1):
        q.put(None)
    for w in workers:
        w.join()
    print('all workers stopped')
