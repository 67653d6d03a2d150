# Pipe: a child sends a list through its end of a Pipe; the parent receives it on the other end.
from multiprocessing import Process, Pipe


def send(pipe):
    pipe.send(['spam', 42, 'egg'])  # send 传输一个列表 (send a list)
    pipe.close()


if __name__ == '__main__':
    (con1, con2) = Pipe()  # 创建两个 Pipe 实例 (the two ends)
    sender = Process(target=send, args=(con1,))
    sender.start()
    print("con2 got: %s" % con2.recv())  # 管道的另一端 con2 从send收到消息 (the other end receives)
    con2.close()
    sender.join()
