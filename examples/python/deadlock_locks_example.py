# Deadlock: two processes take the same two locks in opposite order. Each holds its first lock
# and waits for its second, which the other holds: neither can go on, and the run never ends.
# Concurrency Lab sees it live and names both waits (the panel's banner, or
# `concurrency-lab run deadlock_locks_example.py --on-deadlock stop`, which stops the run with exit code 3).
# The fix: every process takes the locks in ONE agreed order (a, then b). Run the fixed variant
# with `concurrency-lab run deadlock_locks_example.py fixed`, or set FIXED to True.
import sys
from multiprocessing import Barrier, Lock, Process, current_process

FIXED = 'fixed' in sys.argv[1:]


def transfer(first, second, both_hold_one):
    name = current_process().name
    first.acquire()
    print('%s holds its first lock' % name)
    # Waits until the other one holds its first lock too: the unlucky timing, made certain. (Without
    # it the deadlock only happens sometimes, which is worse: the bug hides.)
    if both_hold_one is not None:
        both_hold_one.wait()
    second.acquire()  # deadlocked here: the other process holds `second`
    print('%s holds both locks' % name)
    second.release()
    first.release()


if __name__ == '__main__':
    a = Lock()
    b = Lock()
    both_hold_one = None if FIXED else Barrier(2)
    p1 = Process(target=transfer, args=(a, b, both_hold_one))
    # The bug: Process-2 takes b first. The fix: it takes a first too, like Process-1.
    p2 = Process(target=transfer, args=(a, b, None) if FIXED else (b, a, both_hold_one))
    p1.start()
    p2.start()
    p1.join()
    p2.join()
    print('both transfers done')
