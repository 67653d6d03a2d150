# A race you can see: 4 processes add 1 to the same shared counter 50,000 times each.
# `counter.value += 1` is a read, then a write (each takes the Value's lock on its own, not the
# two together): two processes can read the same old value, and one of the two increments is
# lost. Holding the counter's lock around the read-modify-write makes it whole again.
from multiprocessing import Barrier, Process, Value

WORKERS = 4
TIMES = 50000


def add_unlocked(counter, ready, times):
    ready.wait()  # line up with the other workers, so that they really run at the same time
    for _ in range(times):
        counter.value += 1  # read, add, write: not atomic


def add_locked(counter, ready, times):
    ready.wait()
    for _ in range(times):
        with counter.get_lock():
            counter.value += 1


def run_all(workers):
    """Starts the workers and waits for every one of them."""
    for w in workers:
        w.start()
    for w in workers:
        w.join()


if __name__ == '__main__':
    expected = WORKERS * TIMES
    plain = Value('i', 0)
    plain_ready = Barrier(WORKERS)
    run_all([Process(target=add_unlocked, args=(plain, plain_ready, TIMES)) for _ in range(WORKERS)])
    unlocked = plain.value
    print('without the lock: {0} of {1}'.format(unlocked, expected)
          + (' ({0} updates lost)'.format(expected - unlocked) if unlocked < expected else ' (no update lost this time: run it again)'))
    guarded = Value('i', 0)
    guarded_ready = Barrier(WORKERS)
    run_all([Process(target=add_locked, args=(guarded, guarded_ready, TIMES)) for _ in range(WORKERS)])
    locked = guarded.value
    print('with the lock:    {0} of {1}'.format(locked, expected)
          + (' (none lost)' if locked == expected else ' ({0} lost!)'.format(expected - locked)))
