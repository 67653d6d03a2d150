# Queue: two writer processes put URLs, one reader loops forever on get; the parent joins the
# writers and terminates the reader. First, what a full and an empty queue do.
from multiprocessing import Process, Queue
import os
import queue
import random
import time


# 写数据进程执行的代码 (the writers):
def proc_write(q, urls):
    print('Process(%s) is writing...' % os.getpid())
    for url in urls:
        q.put(url)
        print('Put %s to queue...' % url)
        time.sleep(random.random())


# 读数据进程执行的代码 (the reader):
def proc_read(q):
    print('Process(%s) is reading...' % os.getpid())
    while True:
        url = q.get(True)
        print('Get %s from queue.' % url)


if __name__ == '__main__':
    # put and get with block=False or a timeout raise queue.Full and queue.Empty.
    small = Queue(1)
    small.put('x')
    try:
        small.put('y', block=False)
    except queue.Full:
        print('put(block=False) on a full queue -> Full')
    try:
        small.put('y', timeout=0.2)
    except queue.Full:
        print('put(timeout=0.2) still full after 0.2 s -> Full')
    small.get()
    try:
        small.get(block=False)
    except queue.Empty:
        print('get(block=False) on an empty queue -> Empty')
    try:
        small.get(timeout=0.2)
    except queue.Empty:
        print('get(timeout=0.2) still empty after 0.2 s -> Empty')

    # 父进程创建Queue,并传给各个子进程 (the parent makes the Queue and gives it to every child):
    q = Queue()
    proc_writer1 = Process(target=proc_write, args=(q, ['url_1', 'url_2', 'url_3']))
    proc_writer2 = Process(target=proc_write, args=(q, ['url_4', 'url_5', 'url_6']))
    proc_reader = Process(target=proc_read, args=(q,))
    proc_writer1.start()
    proc_writer2.start()
    proc_reader.start()
    proc_writer1.join()
    proc_writer2.join()
    # The reader loops forever: wait until it has taken everything, then end it.
    while not q.empty():
        time.sleep(0.05)
    time.sleep(0.2)
    # proc_reader进程里是死循环,无法等待其结束,只能强行终止 (terminate the endless reader):
    proc_reader.terminate()
    proc_reader.join()
    print('reader exit code %d (-15: ended by SIGTERM)' % proc_reader.exitcode)
