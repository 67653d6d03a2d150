# Processes vs threads: the same Pool workload with processes (multiprocessing.Pool) and with
# threads (multiprocessing.dummy, the same API on threads). What the seed weighs:
#
#                    processes                          threads
#   memory           separate address spaces            shared by the whole process
#   create/destroy   costly                             cheap
#   switching        slower                             faster
#   a crash          stays in its process               takes the whole process down
#   communication    IPC: pipes, queues, sockets, ...   shared data
#   choose for       stability, safety, many machines   speed, many cores, frequent creation
import multiprocessing
import multiprocessing.dummy
import os
import threading
import time


def run_task(name):
    print('Task {0} pid {1} thread {2} is running'.format(name, os.getpid(), threading.get_ident()))
    time.sleep(0.5)
    return os.getpid(), threading.get_ident()


if __name__ == '__main__':
    for kind, module in (('process', multiprocessing), ('thread', multiprocessing.dummy)):
        started = time.monotonic()
        pool = module.Pool(processes=3)
        pending = [pool.apply_async(run_task, (i,)) for i in range(6)]
        ran = [r.get() for r in pending]
        pool.close()
        pool.join()
        pids = {pid for pid, _ in ran}
        print('{0} context: {1} workers in {2} process(es), {3} ms including start-up'.format(kind, len(set(ran)), len(pids), round((time.monotonic() - started) * 1000)))
