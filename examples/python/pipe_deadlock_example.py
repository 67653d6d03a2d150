# Deadlock: both ends of a Pipe call recv() first. Each waits for a message the other would send
# only after its own recv() returns, so nothing ever moves. Concurrency Lab sees it live and names
# both waits (the panel's banner, or `concurrency-lab run pipe_deadlock_example.py --on-deadlock stop`,
# which stops the run with exit code 3).
# The fix: one side speaks first — here the child sends before it receives. Run the fixed variant
# with `concurrency-lab run pipe_deadlock_example.py fixed`, or set FIXED to True.
import sys
from multiprocessing import Pipe, Process

FIXED = 'fixed' in sys.argv[1:]


def child(conn, fixed):
    if fixed:
        conn.send('hello from the child')
    msg = conn.recv()  # deadlocked here: the parent is in recv() too
    print('child got:', msg)
    if not fixed:
        conn.send('hello from the child')


if __name__ == '__main__':
    parent_end, child_end = Pipe()
    p = Process(target=child, args=(child_end, FIXED))
    p.start()
    msg = parent_end.recv()  # deadlocked here: the child is in recv() too
    print('parent got:', msg)
    parent_end.send('hello from the parent')
    p.join()
    print('parent exit')
