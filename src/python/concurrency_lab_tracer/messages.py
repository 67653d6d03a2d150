# Messages: a Queue/SimpleQueue/JoinableQueue put → get, and a Pipe connection's send → recv, as
# message.send / message.recv with one msgId, so the panel draws an arrow from sender to
# receiver. The payload is not touched: a channel is FIFO, so the n-th message written into it is
# the n-th read out of it, and both sides derive the msgId from that number (`s<n>` for a queue,
# `s<d>.<n>` for direction d of a pipe):
# - a Queue's writes into its pipe are serialized by its write lock (the feeder thread's, or a
#   SimpleQueue's put) and its reads by its read lock: a counter pair in a small shared file of
#   the run's trace folder, taken under those locks, numbers them across every process;
# - a Pipe end's sends are numbered by the one thread that claimed the end's direction (an
#   O_EXCL file in the trace folder: the first process and thread that sends on it); any other
#   sender — a second process or thread using the same end — falls back to carrying its id with
#   the object: the channel then carries (_MARK, msgId, obj), pickled once, which the receiver
#   unwraps. Receives are numbered by a shared counter (untagged messages only), taken in the
#   receiving call (several readers of one end must serialize their recv() anyway).
# Each message is then one (time, number) pair appended to a core.Recorder; a summary (a short
# repr) and the call site are written for the first messages of each end or queue and then at most
# one per SAMPLE_US: a repr of every message cost more than the message itself. Only the user's
# queues and pipes are traced: multiprocessing's own (a Pool's task queues, a Queue's inner pipe)
# are left alone, which is decided where they are made. A queue's or pipe's channelId travels
# with it to spawn children (its pickled state carries a tag; a Connection is rebuilt with it).
import _thread
import collections
import itertools
import mmap
import os
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


#: The first FIRST_SAMPLED messages of an end (or a queue) in a process carry a summary and a
#: call site; after them, one per SAMPLE_US.
FIRST_SAMPLED = 16
SAMPLE_US = 10000


def _fork_child():
    global _queues, _pipes, _msgs
    _queues = itertools.count(1)
    _pipes = itertools.count(1)
    _msgs = itertools.count(1)
    _tx.clear()
    _not_owner.clear()
    _rx_recorders.clear()


_counter_views = {}


def _counters(chan):
    """The channel's shared counters (int64 x 4), a file in the run's trace folder mapped into
    every process that uses the channel (a fork child shares the parent's mapping)."""
    view = _counter_views.get(chan)
    if view is None:
        path = os.path.join(core._dir, 'cl-%s.seq' % chan.replace(':', '-'))
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            if os.fstat(fd).st_size < 32:
                os.ftruncate(fd, 32)  # (zero-filled; a second process's truncate to 32 changes nothing)
            view = _counter_views[chan] = memoryview(mmap.mmap(fd, 32)).cast('q')
        finally:
            os.close(fd)
    return view


_now = core.now


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
    line = _SEND % (core.now(), core.pid, tid, channel, chan, msg_id, ',"summary":' + _json_str(short(obj)), user_loc_json(3))
    return (_MARK, msg_id, obj), line


_SEND = '{"kind":"message.send","ts":%d,"pid":%d%s,"channel":"%s","channelId":"%s","msgId":"%s"%s%s}\n'
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
        if chan:
            self._cl_qs = _QState(chan, self)
            _install(self)

    return __setstate__


def _queue_init(init):
    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        if user_created():
            self._cl_chan = 'q%d:%d' % (core.pid, next(_queues))
            self._cl_qs = _QState(self._cl_chan, self)
            _install(self)

    return __init__


def _after_fork(after_fork):
    def _after_fork_(self):
        after_fork(self)
        _install(self)

    return _after_fork_


class _QState:
    """A traced queue's numbering: its shared counters ([0] writes, [1] reads), and this
    process's recorders and sampling."""

    __slots__ = ('chan', 'ctr', 'seq', 'simple', 'bounded', 'buffer', 'stash', 'tx', 'rx', 'count', 'sample_at')

    def __init__(self, chan, q):
        self.chan = chan
        # (Without a write lock — Windows' queues — writes are not serialized: ids travel with the objects.)
        self.seq = getattr(q, '_wlock', None) is not None and getattr(q, '_rlock', None) is not None
        self.ctr = _counters(chan) if self.seq else None
        self.simple = '_buffer' not in q.__dict__ and '_notempty' not in q.__dict__
        maxsize = getattr(q, '_maxsize', 0)
        try:
            import _multiprocessing

            self.bounded = 0 < maxsize < _multiprocessing.SemLock.SEM_VALUE_MAX
        except (ImportError, AttributeError):
            self.bounded = maxsize > 0
        self.buffer = None
        self.stash = {}
        self.tx = self.rx = None
        self.count = 0
        self.sample_at = 0

    def recorder(self, side):
        """This process's recorder of the queue's sends (side 'tx') or receives ('rx'): made on first
        use, and anew in a forked child (its buffer is the child's own). The hot paths inline the
        check and call this only when it fails."""
        kind = 'message.send' if side == 'tx' else 'message.recv'
        rec = core.Recorder({'kind': kind, 'channel': 'queue', 'channelId': self.chan, 'msgId': 's'}, ['ts', 'msgId'])
        setattr(self, side, rec)
        return rec

    def sample(self, obj, t, depth):
        """The summary and call site of a put, when one is due (else None)."""
        if t < self.sample_at:
            return None
        self.count += 1
        if self.count >= FIRST_SAMPLED:
            self.sample_at = t + SAMPLE_US
        return ',"summary":' + _json_str(short(obj)), user_loc_json(depth)


class _Stamped(collections.deque):
    """A Queue's buffer (put appends, the feeder thread pops): each item's put time (and, when
    sampled or put by another thread than the main one, its thread, summary and call site) in a
    parallel deque, so the feeder knows them when it writes the item into the pipe."""

    __slots__ = ('qs', 'meta', 'cur')

    def append(self, obj):
        qs = self.qs
        t = _now()
        m = qs.sample(obj, t, 2) if t >= qs.sample_at else None
        if m is not None or _get_ident() != core._main_ident:
            m = (t, core.tid_field()) + (m or ('', ''))
        else:
            m = t
        # (The item's time before the item: the feeder pops without the queue's lock.)
        self.meta.append(m)
        _deque_append(self, obj)

    def popleft(self):
        obj = _deque_popleft(self)
        self.cur = self.meta.popleft()
        return obj

    def clear(self):
        _deque_clear(self)
        self.meta.clear()


_deque_append = collections.deque.append
_deque_popleft = collections.deque.popleft
_deque_clear = collections.deque.clear


def _install(q):
    """Numbers a traced queue's writes and reads (again after a fork: the queue rebinds its pipe's
    methods and makes a new buffer)."""
    qs = q.__dict__.get('_cl_qs')
    if qs is None or not qs.seq:
        return
    writer, reader = q._writer, q._reader
    sb = _writes(qs, type(writer).send_bytes.__get__(writer))
    rb = _reads(qs, type(reader).recv_bytes.__get__(reader))
    writer.send_bytes = sb
    reader.recv_bytes = rb
    d = q.__dict__
    if '_send_bytes' in d:
        q._send_bytes = sb
    if '_recv_bytes' in d:
        q._recv_bytes = rb
    buf = d.get('_buffer')
    if buf is not None and type(buf) is collections.deque:
        stamped = _Stamped()
        stamped.qs = qs
        stamped.meta = collections.deque()
        stamped.cur = 0
        for x in buf:  # (normally empty here)
            stamped.meta.append(_now())
            _deque_append(stamped, x)
        q._buffer = stamped
        qs.buffer = stamped


def _writes(qs, send_bytes):
    """The queue's pipe's send_bytes, numbering each write (called under the queue's write lock:
    by the feeder thread of a Queue, by a SimpleQueue's put)."""
    chan = qs.chan

    def send_bytes_(*args):
        send_bytes(*args)
        ctr = qs.ctr
        n = ctr[0] + 1
        ctr[0] = n
        if qs.simple:
            m = qs.stash.pop(_get_ident(), None) if qs.stash else None
            if m is None:
                m = _now() if _get_ident() == core._main_ident else (_now(), core.tid_field(), '', '')
        else:
            m = qs.buffer.cur
        if type(m) is int:
            tx = qs.tx
            b = (tx if tx is not None and tx.pid == core.pid else qs.recorder('tx')).buf
            b.append(m)
            b.append(n)
        else:
            ts, tid, summary, loc = m
            core.write_line((_SEND % (ts, core.pid, tid, 'queue', chan, 's%d' % n, summary, loc)).encode('utf-8', 'replace'), False)

    return send_bytes_


def _reads(qs, recv_bytes):
    """The queue's pipe's recv_bytes, numbering each read (called under the queue's read lock)."""
    chan = qs.chan

    def recv_bytes_(*args):
        res = recv_bytes(*args)
        ctr = qs.ctr
        n = ctr[1] + 1
        ctr[1] = n
        t = _now()
        if _get_ident() == core._main_ident:
            rx = qs.rx
            b = (rx if rx is not None and rx.pid == core.pid else qs.recorder('rx')).buf
            b.append(t)
            b.append(n)
        else:
            core.write_line((_RECV % (t, core.pid, core.tid_field(), 'queue', chan, 's%d' % n)).encode(), False)
        return res

    return recv_bytes_


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
        qs = self._cl_qs
        if qs.seq:
            # The object goes in untouched; its write into the pipe is numbered (_writes).
            if qs.simple:
                t = _now()
                m = qs.sample(obj, t, 2) if t >= qs.sample_at else None
                if m is not None:
                    # For its write (_writes), in this thread; dropped if the put fails before it.
                    ident = _get_ident()
                    qs.stash[ident] = (t, core.tid_field()) + m
                    try:
                        return put(self, obj, *args, **kwargs)
                    finally:
                        qs.stash.pop(ident, None)
            if qs.bounded:
                block = args[0] if args else kwargs.get('block', True)
                if block and _full(self):
                    # A bounded queue with no free slot: a wait until a get makes room.
                    timeout = args[1] if len(args) > 1 else kwargs.get('timeout')
                    return waits.traced_call(put, (self, obj) + args, kwargs, 'Queue.put', _kind(self), chan, timeout)
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
    qs = q._cl_qs
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
            # (Counted writes not yet read: a whole message waits, no poll(2) needed.)
            if not (qs is not None and qs.seq and qs.ctr[0] > qs.ctr[1]) and not core.readable(q._reader):
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
    wrap(module.Queue, '_after_fork', _after_fork)
    for klass in (module.Queue, module.SimpleQueue):
        klass._cl_chan = None
        klass._cl_qs = None
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

def _rebuild(rebuild, args, chan, side=0):
    conn = rebuild(*args)
    conn._cl_chan = chan
    conn._cl_side = side
    return conn


class _Tx:
    """The sending direction of a pipe end that this process and thread claimed: its sequence."""

    __slots__ = ('pid', 'ident', 'seq', 'buf', 'fast_until', 'count', 'sample_at', 'msg_prefix', 'ctr', 'slot')

    def __init__(self, chan, side, ident):
        self.pid = core.pid
        self.ident = ident
        self.seq = 0
        # Its sends so far, in the channel's shared counters (slot 2 + direction): a receiver that
        # sees more sent than received knows a message waits, without a poll(2) (make_recv).
        self.ctr = _counters(chan)
        self.slot = 2 + side
        self.msg_prefix = 's%d.' % side
        rec = core.Recorder({'kind': 'message.send', 'channel': 'pipe', 'channelId': chan, 'msgId': self.msg_prefix, **_tid_of(ident)}, ['ts', 'msgId'])
        self.buf = rec.buf
        self.fast_until = 0
        self.count = 0
        self.sample_at = 0


class _Rx:
    __slots__ = ('pid', 'ctr', 'slot', 'buf', 'msg_prefix')


#: This process's claimed sending directions, (channelId, side) → _Tx; and those it found
#: claimed by another process or thread, (channelId, side, thread ident).
_tx = {}
_not_owner = set()
_rx_recorders = {}


def _tid_of(ident):
    return {} if ident == core._main_ident else {'tid': _get_native_id()}


def _claim(chan, side, ident):
    """Whether this process and thread may number the sends of `side` of pipe `chan`: the first
    to send on it claims it for the run (a file made by link(2), atomic across processes, holding
    the claimant's pid and thread)."""
    me = '%d.%d' % (core.pid, ident)
    path = os.path.join(core._dir, 'cl-%s.tx%d' % (chan.replace(':', '-'), side))
    tmp = '%s.%s' % (path, me)
    try:
        with open(tmp, 'w') as f:
            f.write(me)
        try:
            os.link(tmp, path)
            return True
        except FileExistsError:
            with open(path) as f:
                return f.read() == me
        finally:
            os.unlink(tmp)
    except OSError:
        return False


def _send_slow(conn, send, obj):
    """A send that is not a plain numbered one: the first of this thread on this end, a sampled
    one (summary and call site), one in a pool worker (SIGTERM-safe), or one by a thread that does
    not own the end's direction (its id travels with the object)."""
    chan = conn._cl_chan
    side = conn._cl_side
    ident = _get_ident()
    tx = _tx.get((chan, side))
    if tx is None or tx.ident != ident:
        key = (chan, side, ident)
        if tx is not None or key in _not_owner or not _claim(chan, side, ident):
            _not_owner.add(key)
            envelope, line = _send('pipe', chan, obj)
            core.sending = True
            try:
                send(conn, envelope)
            except BaseException:
                core.sent()
                raise
            core.write_line(line.encode('utf-8', 'replace'), False)
            core.sent()
            return
        tx = _tx[(chan, side)] = _Tx(chan, side, ident)
    conn._cl_tx = tx
    t = _now()
    sample = None
    if t >= tx.sample_at:
        sample = ',"summary":' + _json_str(short(obj)), user_loc_json(3)
        tx.count += 1
        if tx.count >= FIRST_SAMPLED:
            tx.sample_at = t + SAMPLE_US
    # (A pool worker ends by SIGTERM once a send's line is buffered: never the fast path there.)
    tx.fast_until = 0 if core.term_guard else tx.sample_at
    core.sending = True
    try:
        send(conn, obj)
    except BaseException:
        core.sent()
        raise
    tx.seq = n = tx.seq + 1
    tx.ctr[tx.slot] = n
    if sample is None:
        b = tx.buf
        b.append(t)
        b.append(n)
    else:
        tid = '' if ident == core._main_ident else ',"tid":%d' % _get_native_id()
        core.write_line((_SEND % (t, core.pid, tid, 'pipe', chan, tx.msg_prefix + str(n), sample[0], sample[1])).encode('utf-8', 'replace'), False)
    core.sent()


def _rx(conn):
    """This process's numbering of the receives on a pipe end (the counter shared by every process
    that receives on it), and the recorder of its main thread."""
    chan = conn._cl_chan
    d = 1 - conn._cl_side
    rx = _Rx()
    rx.pid = core.pid
    rx.ctr = _counters(chan)
    rx.slot = d
    rx.msg_prefix = 's%d.' % d
    rec = _rx_recorders.get((chan, d))
    if rec is None or rec.pid != core.pid:
        rec = _rx_recorders[(chan, d)] = core.Recorder({'kind': 'message.recv', 'channel': 'pipe', 'channelId': chan, 'msgId': rx.msg_prefix}, ['ts', 'msgId'])
    rx.buf = rec.buf
    conn._cl_rx = rx
    return rx


def patch_connection(module):
    base = module._ConnectionBase
    base._cl_chan = None
    base._cl_side = 0
    base._cl_tx = None
    base._cl_rx = None

    def make_pipe(pipe):
        def Pipe(duplex=True):
            ends = pipe(duplex)
            if user_created():
                chan = 'p%d:%d' % (core.pid, next(_pipes))
                # The first end receives what the second sends (duplex: both ways).
                for side, end in ((1, ends[0]), (0, ends[1])):
                    end._cl_chan = chan
                    end._cl_side = side
            return ends

        return Pipe

    def make_send(send):
        def send_(self, obj):
            chan = self._cl_chan
            if not chan:
                return send(self, obj)
            tx = self._cl_tx
            if tx is not None and tx.pid == core.pid and tx.ident == _get_ident():
                t = _now()
                if t < tx.fast_until:
                    # The hot path: this thread owns the end's direction; a pair of integers.
                    send(self, obj)
                    tx.seq = n = tx.seq + 1
                    tx.ctr[tx.slot] = n
                    b = tx.buf
                    b.append(t)
                    b.append(n)
                    return
            return _send_slow(self, send, obj)

        return send_

    def make_recv(recv):
        def recv_(self):
            chan = self._cl_chan
            if not chan:
                return recv(self)
            wait_id = 0
            rx = self._cl_rx
            if rx is None or rx.pid != core.pid:
                rx = _rx(self)
            ctr = rx.ctr
            i = rx.slot
            # More sent (by the end's numbering owner) than received: a whole message waits, no
            # poll(2) needed. (Readers of one end serialize their recv(), as multiprocessing
            # requires: the count cannot be taken by another reader meanwhile.)
            if ctr[i + 2] > ctr[i] or core.readable(self):
                got = recv(self)
            else:
                # Nothing to read: a wait (an EOFError when the other end closes is its error).
                wait_id = waits.begin('Connection.recv', 'pipe', chan)
                try:
                    got = recv(self)
                except BaseException as exc:
                    waits.end(wait_id, waits.outcome_of(exc))
                    raise
            if type(got) is tuple and len(got) == 3 and got[0] == _MARK:
                return _received('pipe', chan, got, wait_id)  # sent by a thread that did not own the end
            n = ctr[i] + 1
            ctr[i] = n
            t = _now()
            if wait_id:
                waits.end(wait_id, 'ok')
            if _get_ident() == core._main_ident:
                b = rx.buf
                b.append(t)
                b.append(n)
            else:
                core.write_line((_RECV % (t, core.pid, core.tid_field(), 'pipe', chan, rx.msg_prefix + str(n))).encode(), False)
            return got

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
        return (_rebuild, (rebuild, args, chan, conn._cl_side)) if chan else (rebuild, args)

    reduce_connection.__concurrency_lab__ = True
    return reduce_connection


def install():
    core._fork_child_hooks.append(_fork_child)
