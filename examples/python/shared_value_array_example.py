# Shared memory: a Value and an Array that parent and child both see (Python's docs, f(n, a)).
# The child writes n.value and negates every a[i]; the parent, after join(), sees the changes,
# because both processes map the same memory: nothing is copied or sent back.
from multiprocessing import Array, Process, Value


def f(n, a):
    n.value = 3.1415927  # a 'd' Value: a C double
    for i in range(len(a)):
        a[i] = -a[i]


if __name__ == '__main__':
    num = Value('d', 0.0)
    arr = Array('i', range(10))
    p = Process(target=f, args=(num, arr))
    p.start()
    p.join()
    print(num.value)
    print(arr[:])
