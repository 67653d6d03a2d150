# Waiting together: an Event lets the parent start every worker at once, and a Barrier makes the
# workers wait for each other. Each worker takes a different time for its first step; none
# starts its second step before all have finished the first (the trace shows who waited, how long).
import time
from multiprocessing import Barrier, Event, Process

WORKERS = 3


def worker(start, barrier, id):
    print('worker {0} waits for the start signal'.format(id))
    start.wait()  # blocks until the parent calls start.set()
    time.sleep(0.2 * (id + 1))  # step 1: takes 0.2, 0.4, 0.6 s
    print('worker {0} finished step 1'.format(id))
    arrival = barrier.wait()  # blocks until all WORKERS arrived
    print('worker {0} passed the barrier (arrived {1})'.format(id, arrival))


if __name__ == '__main__':
    start = Event()
    barrier = Barrier(WORKERS)
    workers = [Process(target=worker, args=(start, barrier, id)) for id in range(WORKERS)]
    for w in workers:
        w.start()
    time.sleep(0.3)
    print('main: start!')
    start.set()  # wakes every worker waiting on the event
    for w in workers:
        w.join()
    print('all workers passed the barrier')
