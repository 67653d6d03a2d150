# Pool.map, imap and imap_unordered: the same work, three orders of results.
# slow_square(x) takes longer for small x, so later inputs finish first.
import multiprocessing
import os
import time


def slow_square(x):
    time.sleep((6 - x) * 0.15)
    print('square({0}) done in pid {1}'.format(x, os.getpid()))
    return x * x


if __name__ == '__main__':
    inputs = [0, 1, 2, 3, 4, 5]
    pool = multiprocessing.Pool(processes=3)

    # map: waits for every result, returns one list in input order. chunksize 1 sends each item
    # as its own task (a bigger chunksize sends fewer, larger tasks: faster for big inputs).
    print('map ->', pool.map(slow_square, inputs, 1))

    # imap: results one by one as soon as they can be given IN INPUT ORDER
    # (a fast result waits for the slower ones before it).
    for y in pool.imap(slow_square, inputs, 1):
        print('imap ->', y)

    # imap_unordered: results one by one IN COMPLETION ORDER (the fastest first).
    for y in pool.imap_unordered(slow_square, inputs, 1):
        print('imap_unordered ->', y)

    # AsyncResult.get(timeout) raises TimeoutError when the result is not ready in time; the
    # task keeps running, and a later get() still returns its result.
    slow = pool.apply_async(slow_square, (0,))
    try:
        slow.get(0.1)
    except multiprocessing.TimeoutError:
        print('get(0.1) -> TimeoutError; ready() is {0}'.format(slow.ready()))
    print('get() -> {0}; successful() is {1}'.format(slow.get(), slow.successful()))

    pool.close()
    pool.join()
