# Messages: a Queue/SimpleQueue/JoinableQueue put → get, and a Pipe connection's send → recv, as
# message.send / message.recv with one msgId, so the panel draws an arrow from sender to
# receiver. The id travels with the object: what goes into the channel is the tuple
# (_MARK, msgId, obj), which the receiving side unwraps before returning — the receiver gets
# exactly the object that was sent (pickled once, as before). Only the user's queues and pipes
# are traced: multiprocessing's own (a Pool's task queues, a Queue's inner pipe) are left alone,
# which is decided where they are made. A queue's or pipe's channelId travels with it to spawn
# children (its pickled state carries a tag; a Connection is rebuilt with it).
import _thread
import itertools
import queue
import time

from . import core, waits
from .calls import short, user_created, user_loc_json
from .hooks import wrap

_MARK = '\x00concurrency-lab-msg'
_TAG = '\x00concurrency-lab-chan:'
_queues = itertools.count(1)
_pipes = itertools.count(1)
_msgs = itertools.count(1)
_loads = None  # ForkingPickler.loads, once multiprocessing.queues is imported


def _fork_child():
    global _queues, _pipes, _msgs
    _queues = itertools.count(1)
    _pipes = itertools.count(1)
    _msgs = itertools.count(1)


def _send(channel, chan, obj):
    """The envelope for obj, and the line to write once it is really in the channel (with the
    time it was sent). Hot path: the line is formatted by hand, no dict and no json.dumps, and
    the main thread's msgId prefix and tid field are made once per process."""
    if _get_ident() == core._main_ident:
        msg_id = core.main_msg_prefix + str(next(_msgs))
        tid = ''
    else:
        native = _get_native_id()
        msg_id = '%d.%d.%d' % (core.pid, native, next(_msgs))
        tid = ',"tid":%d' % native
    line = _SEND % (core.now(), core.pid, tid, channel, chan, msg_id, _json_str(short(obj)), user_loc_json(3))
    return (_MARK, msg_id, obj), line


_SEND = '{"kind":"message.send","ts":%d,"pid":%d%s,"channel":"%s","channelId":"%s","msgId":"%s","summary":%s%s}\n'
_RECV = '{"kind":"message.recv","ts":%d,"pid":%d%s,"channel":"%s","channelId":"%s","msgId":"%s"}\n'
_get_ident = _thread.get_ident
_get_native_id = _thread.get_native_id
_json_str = core.json_str


def _received(channel, chan, got, wait_id=0):
    """The object a get/recv returns (got unwrapped), once its message.recv is batched — with the
    wait.end of the wait it ended (waitId), if it blocked: one line pair, one time stamp."""
    # (No summary: the send's is the arrow's; repr-ing every object twice would double the cost.)
    if type(got) is tuple and len(got) == 3 and got[0] == _MARK:
        tid = '' if _get_ident() == core._main_ident else ',"tid":%d' % _get_native_id()
        ts = core.now()
        line = _RECV % (ts, core.pid, tid, channel, chan, got[1])
        if wait_id:
            line = waits.END % (ts, core.pid, tid, wait_id, 'ok') + line
        core.write_line(line.encode(), False)
        return got[2]
    if wait_id:
        waits.end(wait_id, 'ok')
    return got


# ---- queues ----

def _tag_state(getstate):
    def __getstate__(self):
        state = getstate(self)
        chan = self._cl_chan
        return state + (_TAG + chan,) if chan else state

    return __getstate__


def _untag_state(setstate):
    def __setstate__(self, state):
        chan = None
        if state and isinstance(state[-1], str) and state[-1].startswith(_TAG):
            chan = state[-1][len(_TAG):]
            state = state[:-1]
        setstate(self, state)
        self._cl_chan = chan

    return __setstate__


def _queue_init(init):
    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        if user_created():
            self._cl_chan = 'q%d:%d' % (core.pid, next(_queues))

    return __init__


def _kind(q):
    return 'joinableQueue' if type(q).__name__ == 'JoinableQueue' else 'queue'


def _full(q):
    """Whether a bounded Queue has no free slot (its semaphore counts them), as far as this
    platform can tell (macOS cannot read a semaphore's value: never a wait there)."""
    sem = getattr(q, '_sem', None)
    if sem is None or getattr(q, '_maxsize', 0) <= 0:
        return False
    try:
        return sem._semlock._get_value() == 0
    except (NotImplementedError, AttributeError, OSError):
        return False


def _put(put):
    def put_(self, obj, *args, **kwargs):
        chan = self._cl_chan
        if not chan:
            return put(self, obj, *args, **kwargs)
        envelope, line = _send('queue', chan, obj)
        block = args[0] if args else kwargs.get('block', True)
        core.sending = True
        try:
            if block and _full(self):
                # A bounded queue with no free slot: a wait until a get makes room.
                timeout = args[1] if len(args) > 1 else kwargs.get('timeout')
                result = waits.traced_call(put, (self, envelope) + args, kwargs, 'Queue.put', _kind(self), chan, timeout)
            else:
                result = put(self, envelope, *args, **kwargs)
        except BaseException:
            core.sent()
            raise
        core.write_line(line.encode('utf-8', 'replace'), False)
        core.sent()
        return result

    return put_


def _get(get):
    def get_(self, *args, **kwargs):
        chan = self._cl_chan
        if not chan:
            return get(self, *args, **kwargs)
        block = args[0] if args else kwargs.get('block', True)
        if block and _lockable(self):
            timeout = args[1] if len(args) > 1 else kwargs.get('timeout')
            got, wait_id = _blocking_get(self, timeout, chan)
            return _received('queue', chan, got, wait_id)
        elif block and not self._poll():
            # About to block: a wait (whose wait.begin writes what this process traced so far).
            timeout = args[1] if len(args) > 1 else kwargs.get('timeout')
            got = waits.traced_call(get, (self,) + args, kwargs, 'Queue.get', _kind(self), chan, timeout)
        else:
            got = get(self, *args, **kwargs)
        return _received('queue', chan, got)

    return get_


def _lockable(q):
    """Whether a blocking get can be done here as multiprocessing does it (its read lock, poll and
    read are where they have been since 3.8; anything else takes the plain path)."""
    d = q.__dict__
    return '_rlock' in d and '_poll' in d and '_reader' in d and not d.get('_closed', False)


def _blocking_get(q, timeout, chan):
    """A blocking Queue.get (or SimpleQueue.get), multiprocessing's own steps, with 'does it block'
    decided under the queue's read lock: a poll before taking the lock is a race when several
    processes read one queue (it sees the item another reader is taking, then blocks unrecorded
    — a starved worker the deadlock watch could not see). It blocks when another reader holds the
    lock, or when the queue is empty once this one holds it."""
    rlock = q._rlock
    kind = _kind(q)
    deadline = None if timeout is None else time.monotonic() + timeout
    wait_id = None
    if not rlock.acquire(False):
        wait_id = waits.begin('Queue.get', kind, chan, timeout)
        try:
            got_lock = rlock.acquire() if timeout is None else rlock.acquire(True, max(0.0, timeout))
        except BaseException as exc:
            waits.end(wait_id, waits.outcome_of(exc))
            raise
        if not got_lock:
            waits.end(wait_id, 'timeout')
            raise queue.Empty
    try:
        try:
            if not core.readable(q._reader):
                if wait_id is None:
                    wait_id = waits.begin('Queue.get', kind, chan, timeout)
                if deadline is not None and not q._poll(max(0.0, deadline - time.monotonic())):
                    raise queue.Empty
            res = q._recv_bytes() if '_recv_bytes' in q.__dict__ else q._reader.recv_bytes()
            sem = q.__dict__.get('_sem')
            if sem is not None:
                sem.release()
        finally:
            rlock.release()
    except BaseException as exc:
        if wait_id is not None:
            waits.end(wait_id, waits.outcome_of(exc))
        raise
    # (Unpickled after the lock is released, as multiprocessing does; an unpickling error ends
    # the wait as an error, as the plain get's would.)
    if wait_id is None:
        return _loads(res), 0
    try:
        return _loads(res), wait_id
    except BaseException as exc:
        waits.end(wait_id, waits.outcome_of(exc))
        raise


def _unfinished(q):
    """Whether a JoinableQueue has tasks not marked done (its join() would block)."""
    try:
        return not q._unfinished_tasks._semlock._is_zero()
    except (AttributeError, NotImplementedError, OSError):
        return True


def _join(join):
    def join_(self):
        chan = self._cl_chan
        if not chan or not _unfinished(self):
            return join(self)
        # Until every task put so far is marked done (task_done) by whoever got it.
        return waits.traced_call(join, (self,), {}, 'JoinableQueue.join', 'joinableQueue', chan)

    return join_


def patch_queues(module):
    global _loads
    from multiprocessing.reduction import ForkingPickler

    _loads = ForkingPickler.loads
    for klass in (module.Queue, module.SimpleQueue):
        klass._cl_chan = None
        wrap(klass, '__init__', _queue_init)
        wrap(klass, '__getstate__', _tag_state)
        wrap(klass, '__setstate__', _untag_state)
        wrap(klass, 'put', _put)
        wrap(klass, 'get', _get)
    # JoinableQueue: its own put, and its __init__ calls Queue's from inside multiprocessing
    # (the tag in its state is handled by Queue's __getstate__/__setstate__, which it calls).
    wrap(module.JoinableQueue, '__init__', _queue_init)
    wrap(module.JoinableQueue, 'put', _put)
    wrap(module.JoinableQueue, 'join', _join)


# ---- pipes ----

def _rebuild(rebuild, args, chan):
    conn = rebuild(*args)
    conn._cl_chan = chan
    return conn


def patch_connection(module):
    base = module._ConnectionBase
    base._cl_chan = None

    def make_pipe(pipe):
        def Pipe(duplex=True):
            ends = pipe(duplex)
            if user_created():
                chan = 'p%d:%d' % (core.pid, next(_pipes))
                for end in ends:
                    end._cl_chan = chan
            return ends

        return Pipe

    def make_send(send):
        def send_(self, obj):
            chan = self._cl_chan
            if not chan:
                return send(self, obj)
            envelope, line = _send('pipe', chan, obj)
            core.sending = True
            try:
                send(self, envelope)
            except BaseException:
                core.sent()
                raise
            core.write_line(line.encode('utf-8', 'replace'), False)
            core.sent()

        return send_

    def make_recv(recv):
        def recv_(self):
            chan = self._cl_chan
            if not chan:
                return recv(self)
            if core.readable(self):
                return _received('pipe', chan, recv(self))
            # Nothing to read: a wait (an EOFError when the other end closes is its error).
            wait_id = waits.begin('Connection.recv', 'pipe', chan)
            try:
                got = recv(self)
            except BaseException as exc:
                waits.end(wait_id, waits.outcome_of(exc))
                raise
            return _received('pipe', chan, got, wait_id)

        return recv_

    wrap(module, 'Pipe', make_pipe)
    wrap(base, 'send', make_send)
    wrap(base, 'recv', make_recv)
    # A connection pickled for a spawn child keeps its channel.
    from multiprocessing import reduction

    reducers = reduction.ForkingPickler._extra_reducers
    for klass, reduce in list(reducers.items()):
        if isinstance(klass, type) and issubclass(klass, base) and not getattr(reduce, '__concurrency_lab__', False):
            reducers[klass] = _tagged_reducer(reduce)


def _tagged_reducer(reduce):
    def reduce_connection(conn):
        rebuild, args = reduce(conn)[:2]
        chan = conn._cl_chan
        return (_rebuild, (rebuild, args, chan)) if chan else (rebuild, args)

    reduce_connection.__concurrency_lab__ = True
    return reduce_connection


def install():
    core._fork_child_hooks.append(_fork_child)
