# Processes: this process's own process.start, and the exit of every child it starts, written
# by the parent when it sees the child end (so a child killed by SIGKILL still has its exit).
#
# - A plain process (the script the runner started, or any `python` it runs) reports its start
#   at once: MainProcess when its parent is the runner, else the script's file name.
# - A multiprocessing child reports its start from BaseProcess._bootstrap, where its name
#   (Process-1, PoolWorker-3…) and its parent (the process that called start(), also under
#   forkserver, whose children the fork server forks) are known: the same tree for every start
#   method. multiprocessing's helper processes (the fork server, the resource tracker) are its
#   machinery, not the user's: they are not drawn (the runner still ends them with the run).
# - Exits: a watcher thread polls live children every WATCH_S with WNOHANG, as
#   Process.is_alive() would, so an exit is seen when it happens rather than when the script
#   joins; Popen.poll is wrapped so whoever sees it first writes it, once.
# - The run's cap on live processes (--max-processes) is checked before each start, under a
#   lock file shared with the Node runtime's, as src/runtime/tracing/captureProcesses.ts does.
import os
import signal
import sys
import time
import _thread

from . import core, waits
from .calls import user_created
from .hooks import when_imported, wrap

WATCH_S = 0.02

_helper = False
_launching = False
_live = []
_live_lock = _thread.allocate_lock()
_watching = False
_orig_polls = {}


def _cmdline():
    try:
        with open('/proc/self/cmdline', 'rb') as f:
            return f.read().decode('utf-8', 'replace')
    except OSError:
        return ' '.join(getattr(sys, 'argv', []))


def _is_helper(cmd):
    return 'multiprocessing.forkserver import main' in cmd or 'multiprocessing.resource_tracker import main' in cmd or 'multiprocessing.semaphore_tracker import main' in cmd


def _plain_name(ppid):
    return 'MainProcess' if str(ppid) == os.environ.get(core.RUNNER_PID_ENV) else core.script_name()


# ---- exits ----

def _signal_name(n):
    try:
        return signal.Signals(n).name
    except ValueError:
        return 'SIG%d' % n


def report_exit(pid, returncode, ts=None):
    if returncode is None:
        return
    event = {'kind': 'process.exit', 'pid': pid, 'exitCode': returncode if returncode >= 0 else None, 'signal': _signal_name(-returncode) if returncode < 0 else None}
    if ts is not None:
        event['ts'] = ts
    if returncode < 0:
        # A pool worker killed before it wrote its batch: its last task.start (core.keep_last_words).
        line = core.take_last_words(pid)
        if line.endswith(b'\n') and line.startswith(b'{'):
            core.write_line(line, False)
    core.emit(event, own_thread=False)


def _seen(popen, rc):
    if rc is None or popen.__dict__.get('_cl_reported'):
        return
    popen._cl_reported = True
    report_exit(popen.pid, rc)


def _orig_poll(popen):
    for klass in type(popen).__mro__:
        fn = _orig_polls.get(klass)
        if fn is not None:
            return fn
    return None


def _watch():
    global _watching
    while True:
        time.sleep(WATCH_S)
        with _live_lock:
            if not _live:
                _watching = False
                return
            items = list(_live)
        done = []
        for popen in items:
            if popen.returncode is not None:
                done.append(popen)
                continue
            lock = popen.__dict__.get('_cl_lock')
            poll = _orig_poll(popen)
            if lock is None or poll is None or not lock.acquire(False):
                continue  # another thread is in poll()/wait(): it reports the exit
            try:
                rc = poll(popen, os.WNOHANG)
            except Exception:
                rc = None
            finally:
                lock.release()
            if rc is not None:
                _seen(popen, rc)
                done.append(popen)
        if done:
            with _live_lock:
                for popen in done:
                    if popen in _live:
                        _live.remove(popen)


def _watch_popen(popen):
    global _watching
    with _live_lock:
        _live.append(popen)
        if not _watching:
            _watching = True
            core.start_thread(_watch)


def _patch_poll(klass):
    def make(poll):
        _orig_polls[klass] = poll

        def wrapper(self, *args, **kwargs):
            lock = self.__dict__.get('_cl_lock')
            if lock is None:
                rc = poll(self, *args, **kwargs)
            else:
                with lock:
                    rc = poll(self, *args, **kwargs)
            _seen(self, rc)
            return rc

        return wrapper

    wrap(klass, 'poll', make)


# ---- the cap on live processes ----

class MaxProcessesError(RuntimeError):
    code = 'MAX_PROCESSES'


def _stat_fields(text):
    close = text.rfind(')')
    return text[close + 2:].split(' ') if close >= 0 else None


def _own_group():
    try:
        with open('/proc/self/stat') as f:
            return _stat_fields(f.read())[2]
    except (OSError, TypeError, IndexError):
        return None


def _live_in_group(pgrp):
    n = 0
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry) as f:
                fields = _stat_fields(f.read())
        except OSError:
            continue
        if fields and fields[2] == pgrp and fields[0] not in ('Z', 'X'):
            n += 1
    return n


def _stale(lock):
    try:
        with open(lock) as f:
            owner = f.read()
        if not owner:
            return False
        with open('/proc/%s/stat' % owner) as f:
            fields = _stat_fields(f.read())
        return not fields or fields[0] in ('Z', 'X')
    except FileNotFoundError:
        return os.path.exists(lock)
    except OSError:
        return False


def _with_spawn_lock(fn):
    """Counts and starts under the run's spawn lock (the same file the Node runtime uses), so
    two processes starting children at once cannot both see room for one more."""
    lock = os.path.join(core._dir, 'spawn.lock')
    deadline = time.monotonic() + 2
    fd = None
    while fd is None:
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            os.write(fd, str(os.getpid()).encode())
        except FileExistsError:
            if time.monotonic() > deadline:
                break
            if _stale(lock):
                try:
                    os.unlink(lock)
                except OSError:
                    pass
                continue
            time.sleep(0.001)
        except OSError:
            break
    try:
        return fn()
    finally:
        if fd is not None:
            os.close(fd)
            try:
                os.unlink(lock)
            except OSError:
                pass


def _check_cap():
    try:
        cap = int(os.environ.get(core.MAX_PROCESSES_ENV, ''))
    except ValueError:
        return
    pgrp = _own_group()
    if cap < 1 or pgrp is None:
        return
    try:
        live = _live_in_group(pgrp)
    except OSError:
        return
    if live + 1 <= cap:
        return
    message = 'cannot start another process: the run already has %d live processes (the cap set by --max-processes / concurrencyLab.maxProcesses)' % cap
    core.emit({'kind': 'error', 'code': MaxProcessesError.code, 'message': message})
    sys.stderr.write('concurrency-lab: %s\n' % message)
    raise MaxProcessesError(message)


# ---- multiprocessing ----

def _patch_process(module):
    def make_bootstrap(bootstrap):
        def _bootstrap(self, *args, **kwargs):
            global _helper
            _helper = False
            if not core.started:
                core.report_start(self.name, getattr(self, '_parent_pid', None) or os.getppid())
            try:
                return bootstrap(self, *args, **kwargs)
            finally:
                core.run_flush_hooks()

        return _bootstrap

    wrap(module.BaseProcess, '_bootstrap', make_bootstrap)

    def make_join(join):
        def join_(self, timeout=None):
            popen = self._popen
            # A wait when the user's code joins a child that is still running (not the joins
            # inside multiprocessing: a Pool's, a Manager's).
            if popen is None or popen.poll() is not None or not user_created():
                return join(self, timeout)
            return waits.traced_call(join, (self, timeout), {}, 'Process.join', 'process', str(popen.pid), timeout,
                                     target_pid=popen.pid, ok=lambda _: self.exitcode is not None)

        return join_

    wrap(module.BaseProcess, 'join', make_join)


def _patch_popen_fork(module):
    def make_init(init):
        def __init__(self, process_obj):
            global _launching
            self._cl_lock = _thread.allocate_lock()
            _launching = True
            try:
                if core._dir and os.environ.get(core.MAX_PROCESSES_ENV):
                    _with_spawn_lock(lambda: (_check_cap(), init(self, process_obj)))
                else:
                    init(self, process_obj)
            finally:
                _launching = False
            _watch_popen(self)

        return __init__

    wrap(module.Popen, '__init__', make_init)
    _patch_poll(module.Popen)


def _patch_popen_forkserver(module):
    _patch_poll(module.Popen)


def _subprocess_exit(handle):
    def _handle_exitstatus(self, *args, **kwargs):
        result = handle(self, *args, **kwargs)
        if self.returncode is not None and not self.__dict__.get('_cl_reported'):
            self._cl_reported = True
            report_exit(self.pid, self.returncode)
        return result

    return _handle_exitstatus


# ---- fork ----

def _fork_child():
    global _helper, _launching, _watching
    with_start = not _launching and not _helper
    _helper = False
    _launching = False
    del _live[:]
    _watching = False
    globals()['_live_lock'] = _thread.allocate_lock()
    if with_start:
        # A bare os.fork(): a process of its own, named after the script.
        core.report_start(core.script_name(), os.getppid())


def install():
    global _helper
    core._fork_child_hooks.append(_fork_child)
    cmd = _cmdline()
    if _is_helper(cmd):
        _helper = True
    elif '--multiprocessing-fork' not in cmd:
        ppid = os.getppid()
        core.report_start(_plain_name(ppid), ppid)
    # (a spawn child reports its start in _bootstrap, once its Process is unpickled)
    when_imported('multiprocessing.process', _patch_process)
    when_imported('multiprocessing.popen_fork', _patch_popen_fork)
    when_imported('multiprocessing.popen_forkserver', _patch_popen_forkserver)
    when_imported('subprocess', lambda m: wrap(m.Popen, '_handle_exitstatus', _subprocess_exit) if hasattr(m.Popen, '_handle_exitstatus') else None)
