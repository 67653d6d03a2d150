# Manager: a server process (SyncManager-1) holds a dict and a list; children change them through
# proxies. Every proxy call is a round trip to the manager process: slower than shared memory,
# but any value works, and the manager can even serve other machines.
from multiprocessing import Manager, Process, current_process


# Python's documentation example f(d, l): the child changes the dict and the list it was given.
def f(d, l):
    d[1] = '1'
    d['2'] = 2
    d[0.25] = None
    l.reverse()


# Each worker adds its name to a list and counts in the dict. d['count'] += 1 is a get and a set,
# two round trips, and another process can run in between: it holds a managed Lock.
def worker(d, names, lock, times):
    names.append(current_process().name)
    for _ in range(times):
        with lock:
            d['count'] += 1


if __name__ == '__main__':
    with Manager() as manager:
        d = manager.dict()
        l = manager.list(range(10))
        p = Process(target=f, args=(d, l))
        p.start()
        p.join()
        print('d:', d)
        print('l:', ', '.join(str(x) for x in l))

        # Four children fill a managed dict and list at once.
        names = manager.list()
        lock = manager.Lock()
        d['count'] = 0
        workers = [Process(target=worker, args=(d, names, lock, 10)) for _ in range(4)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        print('count:', d['count'], '(4 workers x 10 locked increments)')
        print('workers:', ', '.join(sorted(names)))
