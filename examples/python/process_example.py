# Process: the parent prints its pid, starts 5 children that print their name and pid.
# The seed joins only the last child (p.join() after the loop); every child is joined here, so
# "Process close" really comes after all of them.
import multiprocessing
import os


def run_proc(name):
    print('Child process {0} {1} Running '.format(name, os.getpid()))


if __name__ == '__main__':
    print('Parent process {0} is Running'.format(os.getpid()))
    children = []
    for i in range(5):
        p = multiprocessing.Process(target=run_proc, args=(str(i),))
        print('process start')
        p.start()
        children.append(p)
    for p in children:
        p.join()
    print('Process close')
