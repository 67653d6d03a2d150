# The trace writer: appends this process's events, one JSON object per line, to
# <dir>/<pid>-0.jsonl (the transport of src/trace/channel.ts: one file per process, which the
# runner tails and merges on `ts`). Events of other threads carry `tid`. Times are µs since the
# Unix epoch on the run's one clock (src/trace/clock.ts): CLOCK_MONOTONIC, which every process
# of the machine shares, plus the offset to the wall clock the runner measured once. Safe across fork: the child gets its own file.
import json
import os
import re
import sys
import time
import _thread

TRACE_DIR_ENV = 'CONCURRENCY_LAB_TRACE_DIR'
MAX_PROCESSES_ENV = 'CONCURRENCY_LAB_MAX_PROCESSES'
RUNNER_PID_ENV = 'CONCURRENCY_LAB_RUNNER_PID'
OUTPUT_PREFIX_ENV = 'CONCURRENCY_LAB_OUTPUT_PREFIX'
CLOCK_OFFSET_ENV = 'CONCURRENCY_LAB_CLOCK_OFFSET_US'
_OFFSET_RE = re.compile(r'-?[0-9]{1,18}\Z', re.ASCII)
_MAX_SAFE_INTEGER = 2 ** 53 - 1  # JavaScript's Number.MAX_SAFE_INTEGER


def _clock_offset_us():
    # The runner's offset, so Node and Python processes of one run stamp one clock; outside a
    # run, measured here (and handed down to children through the environment).
    # Accepted exactly as parseClockOffset (src/trace/clock.ts) accepts it: an optional minus and
    # 1-18 ASCII digits. int() alone would also take ' 12', '1_2' or full-width digits, so a
    # value the Node processes reject would put this process on another clock.
    value = os.environ.get(CLOCK_OFFSET_ENV, '')
    if _OFFSET_RE.match(value) and abs(int(value)) <= _MAX_SAFE_INTEGER:
        return int(value)
    offset = time.time_ns() // 1000 - time.monotonic_ns() // 1000
    os.environ[CLOCK_OFFSET_ENV] = str(offset)
    return offset


_clock_offset = _clock_offset_us()
_monotonic_ns = time.monotonic_ns

_dir = os.environ.get(TRACE_DIR_ENV) or ''
_lock = _thread.allocate_lock()
_fd = -1
_fd_pid = -1
_main_ident = _thread.get_ident()
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(',', ':'), default=repr).encode

#: This process's pid (os.getpid() is a system call; this is refreshed in a fork child).
pid = os.getpid()
#: A message's msgId up to its number, for the main thread ('<pid>.0.'; another thread's has its tid).
main_msg_prefix = '%d.0.' % pid
#: JSON text of a string (C-accelerated), for lines formatted by hand on hot paths.
json_str = json.encoder.encode_basestring

#: This process's name in the trace (MainProcess, Process-1, PoolWorker-2…); set when its
#: process.start is written.
name = ''
#: Whether process.start was written for this pid (a multiprocessing child writes it only once
#: its Process object is known, in BaseProcess._bootstrap).
started = False
#: Callbacks run in a fork child before anything else (each module resets its own state).
_fork_child_hooks = []
#: Callbacks run before a fork and at exit, to write what is pending (partial output lines).
_flush_hooks = []
#: Callbacks the flusher thread runs every FLUSH_S (batched records such as lock holds).
batch_hooks = []
#: Callbacks run once at exit, before the last flush (a lock still held is written as held).
exit_hooks = []


def enabled():
    return bool(_dir)


def now():
    """Now in whole µs since the Unix epoch, on the run's clock."""
    return _monotonic_ns() // 1000 + _clock_offset


def _open():
    global _fd, _fd_pid
    if _fd_pid != pid:
        _fd = os.open(os.path.join(_dir, '%d-0.jsonl' % pid), os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        _fd_pid = pid
    return _fd


#: Lines waiting to be written, and their size. Hot events (a task's submit and end, a message's
#: send and receive) wait here for up to FLUSH_S, so a 100k-task run does not pay a write() per
#: event; every other event (and a task.start, which must survive a worker killed mid-task) goes
#: out at once, together with whatever waits.
_pending = []
_pending_bytes = 0
FLUSH_S = 0.02
FLUSH_BYTES = 64 * 1024
_flusher_pid = -1


_SIGNALS = None


def start_thread(fn, args=()):
    """Starts one of the tracer's own threads (a bare _thread) with SIGTERM and SIGINT blocked in
    it, so the kernel hands those signals to the script's threads: one delivered to a tracer
    thread would not interrupt a blocking call of the main thread, where Python runs handlers."""
    global _SIGNALS
    try:
        import signal

        if _SIGNALS is None:
            _SIGNALS = {signal.SIGTERM, signal.SIGINT}
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    except (AttributeError, OSError, ValueError):
        old = None
    try:
        _thread.start_new_thread(fn, args)
    finally:
        if old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


class Recorder:
    """The hottest events (a message's send or receive) of one kind, channel and thread: a
    compact template (docs/trace-format.md) written once per process, then only each event's
    time stamp and sequence number, appended as a pair to `buf` (a plain list: an append is the
    whole cost on the hot path). Drained into `[id,ts,n]` lines under the writer's lock, with one
    %-format per batch, whenever this process writes (the flusher, a wait's begin, a fork, exit)."""

    __slots__ = ('buf', 'fmt', 'pid')

    def __init__(self, event, fields):
        # (Two integer fields: the buffer holds pairs.)
        tid = template(event, fields)
        self.pid = pid
        self.buf = []
        self.fmt = ('[%d' % tid).encode() + b',%d' * len(fields) + b']\n'
        with _lock:
            _recorders.append(self)
        ensure_flusher()


def template(event, fields):
    """Defines a compact-line template in this process's file (batched: it goes out before any
    line that uses it); returns its id. `event` gets this process's pid."""
    tid = next(_template_ids)
    line = _dumps({'kind': 'trace.template', 'id': tid, 'event': dict(event, pid=pid), 'fields': fields}) + '\n'
    with _lock:
        _pending.append(line.encode('utf-8', 'replace'))
    return tid


_recorders = []
_template_ids = None


def _reset_templates():
    global _template_ids
    import itertools

    _template_ids = itertools.count(1)


_reset_templates()


def _drain():
    """The recorders' pairs into _pending (under _lock). A pair may be half-appended by another
    thread: only whole pairs are taken (appends only ever add at the end)."""
    global _pending_bytes
    for r in _recorders:
        buf = r.buf
        n = len(buf) & ~1
        if n:
            values = tuple(buf[:n])
            del buf[:n]
            data = r.fmt * (n >> 1) % values
            _pending.append(data)
            _pending_bytes += len(data)


def _write_pending():
    global _pending_bytes
    if _recorders:
        _drain()
    if not _pending:
        return
    data = b''.join(_pending)
    del _pending[:]
    _pending_bytes = 0
    try:
        fd = _open()
        while data:
            n = os.write(fd, data)
            data = data[n:]
        if _last_words is not None and _last_words[0]:
            _last_words[:8] = _ZERO8  # (written: nothing for the parent to add)
    except OSError:
        pass  # the run's folder is gone (the runner ended): never break the script


#: A pool worker's task.start waits in the batch like the other hot events (a write() per task
#: cost more than the task); its bytes are also kept in a small shared file, `cl-start-<pid>` in
#: the trace folder, until the batch is written. If the worker dies by a signal before that, the
#: parent, which writes its process.exit, writes that line for it (docs/python.md): a worker
#: killed mid-task still shows its start.
_last_words = None
_ZERO8 = bytes(8)
LAST_WORDS_MAX = 4096


def last_words_path(of_pid):
    return os.path.join(_dir, 'cl-start-%d' % of_pid)


def keep_last_words(data):
    """Keeps `data` (one line, already in the batch) for the parent if this process dies by a
    signal before the batch is written. False when it cannot (the caller writes it at once)."""
    global _last_words
    n = len(data)
    if n > LAST_WORDS_MAX - 8:
        return False
    lw = _last_words
    if lw is None or _last_words_pid != pid:
        if not _open_last_words():
            return False
        lw = _last_words
    lw[8:8 + n] = data
    lw[:8] = n.to_bytes(8, 'little')
    return True


_last_words_pid = -1


_last_words_lock = _thread.allocate_lock()


def _open_last_words():
    # Under a lock and never with O_TRUNC: the threads of a ThreadPool start tasks at once, and a
    # second open truncating the file under the first one's mapping made its next write a SIGBUS
    # (the whole process died with 135 in CI).
    global _last_words, _last_words_pid
    import mmap

    with _last_words_lock:
        if _last_words is not None and _last_words_pid == pid:
            return True
        try:
            fd = os.open(last_words_path(pid), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                if os.fstat(fd).st_size < LAST_WORDS_MAX:
                    os.ftruncate(fd, LAST_WORDS_MAX)
                lw = mmap.mmap(fd, LAST_WORDS_MAX)
            finally:
                os.close(fd)
        except (OSError, ValueError):
            return False
        lw[:8] = _ZERO8  # a file left by an earlier process with this pid says nothing of this one
        _last_words = lw
        _last_words_pid = pid
    return True


def take_last_words(of_pid):
    """The line a child died before writing (keep_last_words), or b''; removes its file."""
    path = last_words_path(of_pid)
    try:
        with open(path, 'rb') as f:
            data = f.read(LAST_WORDS_MAX)
        os.unlink(path)
    except OSError:
        return b''
    n = int.from_bytes(data[:8], 'little') if len(data) >= 8 else 0
    return data[8:8 + n] if 0 < n <= len(data) - 8 else b''


def _flusher():
    while True:
        time.sleep(FLUSH_S)
        if _flusher_pid != pid:
            return  # (a fork child's copy of this loop never runs; defensive)
        for hook in batch_hooks:
            try:
                hook()
            except Exception:
                pass
        if _pending or _recorders:
            with _lock:
                _write_pending()


def write_line(data, urgent=True):
    """Appends one encoded line (a SIGKILL never leaves half of one: lines go out whole)."""
    global _pending_bytes, _flusher_pid
    with _lock:
        _pending.append(data)
        _pending_bytes += len(data)
        if urgent or _pending_bytes >= FLUSH_BYTES:
            _write_pending()
        elif _flusher_pid != pid:
            _flusher_pid = pid
            start_thread(_flusher)


def ensure_flusher():
    """Starts this process's flusher thread if it does not run yet (for batch_hooks)."""
    global _flusher_pid
    if _flusher_pid != pid:
        with _lock:
            if _flusher_pid != pid:
                _flusher_pid = pid
                start_thread(_flusher)


def flush():
    """Writes what waits (before blocking, forking or exiting)."""
    if _pending or _recorders:
        with _lock:
            _write_pending()


def readable(conn, timeout=0):
    """Whether a multiprocessing Connection has something to read, or its other end closed: a
    recv() would not block (waiting up to `timeout` s for it). One poll(2) on a poll object kept
    on the connection: its own poll() builds a selector on every call, which cost more than
    tracing the message."""
    if getattr(conn, '_handle', 0) is None:
        return True  # closed (Connection.closed): recv raises at once
    poll = conn.__dict__.get('_cl_poll')
    if poll is None:
        import select

        if not hasattr(select, 'poll'):
            return conn.poll(timeout)
        p = select.poll()
        try:
            p.register(conn.fileno(), select.POLLIN)
        except (OSError, ValueError):
            return True  # closed: recv raises at once
        poll = conn._cl_poll = p.poll
    return bool(poll(timeout * 1000 if timeout else 0))


def flush_from_signal_handler():
    """flush() for a signal handler: it may run while this thread holds the writer's lock (the
    handler interrupts it between two bytecodes), so the lock is waited for only a moment."""
    if (_pending or _recorders) and _lock.acquire(True, 0.05):
        try:
            _write_pending()
        finally:
            _lock.release()


#: A traced send is under way: its message may be in the channel before its line is buffered.
sending = False
#: This process ends by SIGTERM only once a traced send's line is buffered (a pool worker).
term_guard = False
#: SIGTERM came during such a send: the process dies once its line is buffered (sent()).
_term_pending = False


def sent():
    """Ends a traced send (its line is buffered, or it raised)."""
    global sending
    sending = False
    if _term_pending:
        _die()


def _on_sigterm(signum, frame):
    # Process.terminate(), Pool.terminate() (and `with Pool()`) end a child with SIGTERM: what it
    # has not written yet (batched messages, waits, a task.end) goes out first, then SIGTERM ends
    # it as before (killed by the signal, the same exit status).
    global _term_pending
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sending:
        # In the middle of a traced send: its message may already be with the parent, which is
        # why it terminates this process, and its line is not buffered yet. It dies once the line
        # is (sent()), or in 50 ms at the latest.
        _term_pending = True
        start_thread(_die, (0.05,))
        return
    _die()


def _die(delay=0):
    if delay:
        time.sleep(delay)
    flush_from_signal_handler()
    os.kill(os.getpid(), 15)  # SIGTERM, its default action now


def flush_on_sigterm():
    """In a pool worker's main thread: SIGTERM writes what waits first (when the script has not
    set a SIGTERM handler of its own). Known risk (docs/python.md): a SIGTERM handled just before
    the worker blocks on its task queue's lock does not interrupt that wait."""
    global term_guard
    import signal

    term_guard = True
    try:
        if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):
        pass  # not the main thread (a ThreadPool), or no SIGTERM here


def has_pending():
    return bool(_pending) or any(r.buf for r in _recorders)


def emit(event, own_thread=True, urgent=True):
    """Writes one event (a dict with `kind`); completes ts, pid and (for an event of this
    thread, not of another process) tid in place. Not urgent: it may wait up to FLUSH_S."""
    if 'ts' not in event:
        event['ts'] = now()
    if 'pid' not in event:
        event['pid'] = pid
    if own_thread and 'tid' not in event:
        if _thread.get_ident() != _main_ident:
            event['tid'] = _thread.get_native_id()
    write_line((_dumps(event) + '\n').encode('utf-8', 'replace'), urgent)


def tid_field():
    """`,"tid":N` for a line written by hand, or '' on the main thread."""
    return '' if _thread.get_ident() == _main_ident else ',"tid":%d' % _thread.get_native_id()


def thread_id():
    """The trace's tid of the calling thread: its native id, 0 for the main thread."""
    return 0 if _thread.get_ident() == _main_ident else _thread.get_native_id()


def script_name():
    argv = getattr(sys, 'argv', None) or ['python']
    return os.path.basename(argv[0]) or 'python'


def report_start(process_name, ppid):
    global name, started
    name = process_name
    started = True
    emit({'kind': 'process.start', 'ppid': ppid, 'name': process_name})


def run_flush_hooks():
    for hook in _flush_hooks:
        try:
            hook()
        except Exception:
            pass
    flush()


def _before_fork():
    run_flush_hooks()
    _lock.acquire()


def _after_fork_parent():
    _lock.release()


def _after_fork_child():
    global _lock, _main_ident, started, name, _pending_bytes, pid, _term_pending, sending, main_msg_prefix, _last_words
    pid = os.getpid()
    main_msg_prefix = '%d.0.' % pid
    _lock = _thread.allocate_lock()
    _term_pending = False
    sending = False
    del _pending[:]  # (flushed before the fork: nothing of the parent's is left to write twice)
    _pending_bytes = 0
    _last_words = None  # (the parent's; a child keeps its own)
    del _recorders[:]  # (the parent's: their templates are in the parent's file)
    _reset_templates()
    _main_ident = _thread.get_ident()
    started = False
    for hook in _fork_child_hooks:
        try:
            hook()
        except Exception:
            pass


def install():
    os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_parent, after_in_child=_after_fork_child)
    # os._exit skips atexit: what is pending is written first (a multiprocessing fork child
    # always leaves through it).
    real_exit = os._exit

    def _exit(code):
        _at_exit()
        real_exit(code)

    _exit.__wrapped__ = real_exit
    os._exit = _exit
    import atexit

    atexit.register(_at_exit)


def _at_exit():
    for hook in exit_hooks:
        try:
            hook()
        except Exception:
            pass
    run_flush_hooks()
