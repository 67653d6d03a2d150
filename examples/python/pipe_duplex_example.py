# Duplex Pipe: the child sends a dict, the parent replies with a set; both ends send and receive.
from multiprocessing import Process, Pipe


def talk(pipe):
    pipe.send(dict(name='Bob', spam=42))  # 传输一个字典 (send a dict)
    reply = pipe.recv()  # 接收传输的数据 (receive the reply)
    print('talker got:', reply)


if __name__ == '__main__':
    (parentEnd, childEnd) = Pipe()
    child = Process(target=talk, args=(childEnd,))
    child.start()
    print('parent got:', parentEnd.recv())
    parentEnd.send({x * 2 for x in 'spam'})
    child.join()
    print('parent exit')
