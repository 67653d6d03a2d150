# Pool tasks: pool.create/close/terminate/join, and for each task task.submit (in the pool's
# process), task.start and task.end (in the worker that ran it: its pid, or its tid in a
# ThreadPool). A task travels to its worker as _Task(func): the worker calls it exactly as it
# would have called func, so results, errors and callbacks are untouched; _Task writes
# task.start before the function runs (a worker killed mid-task still shows it) and task.end
# after, with the error's message when it raised. A map's chunk is one task, as in Node.
import itertools
import os
import signal
from multiprocessing.reduction import ForkingPickler

from . import core
from .calls import args_summary, fn_name, user_loc, user_loc_json
from .hooks import wrap

_pool_counter = itertools.count(1)
_loads = ForkingPickler.loads


class _Task:
    __slots__ = ('func', 'pool_id', 'task_id')

    def __init__(self, func, pool_id, task_id):
        self.func = func
        self.pool_id = pool_id
        self.task_id = task_id

    def __reduce__(self):
        return (_Task, (self.func, self.pool_id, self.task_id))

    def __call__(self, *args, **kwargs):
        fn, summary = describe(self.func, args, kwargs)
        head = '"pid":%d%s,"poolId":"%s","taskId":%d' % (core.pid, core.tid_field(), self.pool_id, self.task_id)
        # At once (with the previous task's end): a worker killed mid-task still shows its start.
        core.write_line(('{"kind":"task.start","ts":%d,%s,"fn":%s,"args":%s}\n' % (core.now(), head, core.json_str(fn), core.json_str(summary))).encode('utf-8', 'replace'))
        try:
            result = self.func(*args, **kwargs)
        except BaseException as err:
            error = '%s: %s' % (type(err).__name__, err)
            core.write_line(('{"kind":"task.end","ts":%d,%s,"ok":false,"error":%s}\n' % (core.now(), head, core.json_str(error))).encode('utf-8', 'replace'), False)
            raise
        # Waits for the next task.start (written with it) or the flusher.
        core.write_line(('{"kind":"task.end","ts":%d,%s,"ok":true}\n' % (core.now(), head)).encode(), False)
        return result


def _on_sigterm(signum, frame):
    # Pool.terminate() (and `with Pool()`) end the workers with SIGTERM: what this worker has
    # not written yet (its last task.end) goes out first, then SIGTERM ends it as before.
    core.flush_from_signal_handler()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def _flush_on_sigterm():
    """In a pool worker process (not a ThreadPool's thread): SIGTERM writes what waits first."""
    try:
        if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):
        pass  # not the main thread (a ThreadPool), or no SIGTERM here


def describe(func, args, kwargs=None):
    """The function and arguments a task shows: a map chunk (mapstar/starmapstar(fn, chunk)) is
    its function and its number of items, or its one call."""
    name = getattr(func, '__name__', '')
    if name in ('mapstar', 'starmapstar') and len(args) == 1 and isinstance(args[0], tuple) and len(args[0]) == 2:
        inner, chunk = args[0]
        if len(chunk) == 1:  # a chunk of one (map's default for short lists) is that call
            item = chunk[0]
            return fn_name(inner), args_summary(tuple(item) if name == 'starmapstar' else (item,))
        return fn_name(inner), '(%d items)' % len(chunk)
    return fn_name(func), args_summary(args, kwargs)


def _pool_id():
    tid = core.thread_id()
    n = next(_pool_counter)
    return '%d.%d:%d' % (core.pid, tid, n) if tid else '%d:%d' % (core.pid, n)


def _submit(pool, func, args, kwargs, loc, tid):
    task_id = next(pool._cl_tasks)
    fn, summary = describe(func, args, kwargs)
    core.write_line(('{"kind":"task.submit","ts":%d,"pid":%d%s,"poolId":"%s","taskId":%d,"fn":%s,"args":%s%s}\n' % (
        core.now(), core.pid, tid, pool._cl_id, task_id, core.json_str(fn), core.json_str(summary), loc)).encode('utf-8', 'replace'), False)
    return _Task(func, pool._cl_id, task_id)


def patch(module):
    Pool = module.Pool

    def make_init(init):
        def __init__(self, *args, **kwargs):
            self._cl_id = _pool_id()
            self._cl_tasks = itertools.count(0)
            ts = core.now()
            loc = user_loc()
            init(self, *args, **kwargs)
            event = {'kind': 'pool.create', 'ts': ts, 'poolId': self._cl_id, 'processes': self._processes}
            if loc:
                event['loc'] = loc
            core.emit(event)

        return __init__

    def make_apply_async(apply_async):
        def apply_async_(self, func, args=(), kwds={}, *rest, **kw):
            if getattr(self, '_cl_id', None) is None or self._state != module.RUN:
                return apply_async(self, func, args, kwds, *rest, **kw)
            task = _submit(self, func, tuple(args), kwds, user_loc_json(), core.tid_field())
            return apply_async(self, task, args, kwds, *rest, **kw)

        return apply_async_

    def make_generation(generation):
        # map, map_async, starmap, imap, imap_unordered: their tasks come from this generator,
        # which the pool's task thread consumes; the call site is known only here, at the call.
        def _guarded_task_generation(self, result_job, func, iterable):
            tasks = generation(self, result_job, func, iterable)
            if getattr(self, '_cl_id', None) is None:
                return tasks
            loc = user_loc_json()
            tid = core.tid_field()
            pool = self

            def traced():
                for job, i, f, args, kwds in tasks:
                    yield (job, i, _submit(pool, f, args, kwds, loc, tid), args, kwds)

            return traced()

        return _guarded_task_generation

    def state_event(kind, after=False):
        def make(method):
            def wrapper(self, *args, **kwargs):
                pool_id = getattr(self, '_cl_id', None)
                if pool_id is not None and not after:
                    core.emit({'kind': kind, 'poolId': pool_id})
                result = method(self, *args, **kwargs)
                if pool_id is not None and after:
                    core.emit({'kind': kind, 'poolId': pool_id})
                return result

            return wrapper

        return make

    def make_worker(worker):
        # A worker's last task.end waits in its buffer; the pool may then end the worker with
        # SIGTERM (terminate(), `with Pool()`), which loses it. So a worker writes what waits
        # before it can block for its next task, and before it sends a result when no task waits
        # (the result can make the pool's owner terminate it at once).
        def worker_(inqueue, outqueue, *args, **kwargs):
            get = inqueue.get
            put = outqueue.put
            reader = getattr(inqueue, '_reader', None)
            rlock = getattr(inqueue, '_rlock', None)

            def get_():
                if not core.has_pending():
                    return get()
                # Decided under the queue's read lock (SimpleQueue.get's own steps): a poll
                # before it may see the task another worker is taking, and this one would then
                # block on the lock with its task.end unwritten.
                if not rlock.acquire(False):
                    core.flush()
                    return get()
                try:
                    if not core.readable(reader):
                        core.flush()
                    res = reader.recv_bytes()
                finally:
                    rlock.release()
                return _loads(res)

            def put_(obj):
                if core.has_pending() and not core.readable(reader):
                    core.flush()
                return put(obj)

            _flush_on_sigterm()
            if reader is not None and rlock is not None:
                try:
                    inqueue.get = get_
                    outqueue.put = put_
                except AttributeError:
                    pass  # a ThreadPool's queue.SimpleQueue: its threads are never killed
            return worker(inqueue, outqueue, *args, **kwargs)

        return worker_

    wrap(module, 'worker', make_worker)
    wrap(Pool, '__init__', make_init)
    wrap(Pool, 'apply_async', make_apply_async)
    wrap(Pool, '_guarded_task_generation', make_generation)
    wrap(Pool, 'close', state_event('pool.close'))
    wrap(Pool, 'terminate', state_event('pool.terminate'))
    wrap(Pool, 'join', state_event('pool.join', after=True))
