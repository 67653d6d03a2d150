# Pool tasks: pool.create/close/terminate/join, and for each task task.submit (in the pool's
# process), task.start and task.end (in the worker that ran it: its pid, or its tid in a
# ThreadPool). A task travels to its worker as _Task(func): the worker calls it exactly as it
# would have called func, so results, errors and callbacks are untouched; _Task writes
# task.start before the function runs (a worker killed mid-task still shows it) and task.end
# after, with the error's message when it raised. A map's chunk is one task, as in Node.
import itertools
import json
import sys
from multiprocessing.reduction import ForkingPickler

from . import core, waits
from .calls import args_summary, fn_name, user_loc, user_loc_json
from .hooks import wrap

_pool_counter = itertools.count(1)
#: The longest a pool worker waits for its next task before Python may run a signal handler.
WAKE_S = 0.1
_loads = ForkingPickler.loads


class _Task(tuple):
    """(func, pool_id, task_id). A tuple: pickled and rebuilt by C code alone (tuple's own
    __getnewargs__), not through a Python __reduce__ in the pool's task thread for every task."""

    __slots__ = ()

    @property
    def task_id(self):
        return self[2]

    def __call__(self, *args, **kwargs):
        func, pool_id, task_id = self
        fn, summary = describe(func, args, kwargs)
        tid = core.thread_id()
        line = ('{"kind":"task.start","ts":%d,"pid":%d%s,"poolId":"%s","taskId":%d,"fn":%s,"args":%s}\n' % (
            core.now(), core.pid, ',"tid":%d' % tid if tid else '', pool_id, task_id, core.json_str(fn), core.json_str(summary))).encode('utf-8', 'replace')
        # A worker killed mid-task still shows its start: in a pool worker the line waits in the
        # batch and its parent writes it if the worker dies first (core.keep_last_words);
        # elsewhere (a ThreadPool's thread) it goes out at once.
        # (Kept after it is batched: if the batch is written in between, the parent may write it
        # twice — the same event — never not at all.)
        core.write_line(line, _in_worker != core.pid)
        if _in_worker == core.pid and not core.keep_last_words(line):
            core.flush()
        try:
            result = func(*args, **kwargs)
        except BaseException as err:
            error = '%s: %s' % (type(err).__name__, err)
            core.write_line(('{"kind":"task.end","ts":%d,"pid":%d%s,"poolId":"%s","taskId":%d,"ok":false,"error":%s}\n' % (
                core.now(), core.pid, core.tid_field(), pool_id, task_id, core.json_str(error))).encode('utf-8', 'replace'), False)
            raise
        # Waits for the next task.start (written with it) or the flusher.
        key = (pool_id, tid)
        rec = _ends.get(key)
        if rec is None or rec.pid != core.pid:
            event = {'kind': 'task.end', 'poolId': pool_id, 'ok': True}
            if tid:
                event['tid'] = tid
            rec = _ends[key] = core.Recorder(event, ['taskId', 'ts'])
        b = rec.buf
        b.append(task_id)
        b.append(core.now())
        return result


#: A worker's task.end (ok) recorders per (pool, thread); a pool's task.submit recorders are
#: on the pool, per (function, call site, thread).
_ends = {}
#: The pid of this process if it is a pool worker.
_in_worker = -1


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


def _submit(pool, func, args, kwargs, loc, tid, task_id=None, handler=0):
    """task.submit, a compact line (function, pool and call site in its template). The arguments'
    summary is the task.start's, written by the worker that runs it (the pool's process is the
    one a busy pool waits on)."""
    if task_id is None:
        task_id = next(pool._cl_tasks)
    name = getattr(func, '__name__', '')
    if name in ('mapstar', 'starmapstar') and len(args) == 1 and isinstance(args[0], tuple) and len(args[0]) == 2:
        fn = fn_name(args[0][0])
    else:
        fn = fn_name(func)
    key = (fn, loc, tid, handler)  # (one appending thread per recorder: the caller's, or the pool's task handler)
    rec = pool._cl_recs.get(key)
    if rec is None or rec.pid != core.pid:
        event = {'kind': 'task.submit', 'poolId': pool._cl_id, 'fn': fn}
        if tid:
            event['tid'] = tid
        if loc:
            event['loc'] = json.loads(loc[7:])  # (',"loc":{…}')
        rec = pool._cl_recs[key] = core.Recorder(event, ['taskId', 'ts'])
    b = rec.buf
    b.append(task_id)
    b.append(core.now())
    return _Task((func, pool._cl_id, task_id))


def patch(module):
    Pool = module.Pool

    def make_init(init):
        def __init__(self, *args, **kwargs):
            self._cl_id = _pool_id()
            self._cl_tasks = itertools.count(0)
            self._cl_recs = {}
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
            task = _submit(self, func, tuple(args), kwds, user_loc_json(), core.thread_id())
            result = apply_async(self, task, args, kwds, *rest, **kw)
            result._cl_id = '%s/%d' % (self._cl_id, task.task_id)
            return result

        return apply_async_

    def make_generation(generation):
        # map, map_async, starmap, imap, imap_unordered: their tasks come from this generator,
        # which the pool's task thread consumes; the call site is known only here, at the call.
        def _guarded_task_generation(self, result_job, func, iterable):
            tasks = generation(self, result_job, func, iterable)
            if getattr(self, '_cl_id', None) is None:
                return tasks
            loc = user_loc_json()
            tid = core.thread_id()
            pool = self
            # The result (a MapResult, an IMapIterator: already in the pool's cache) is named in
            # waits after its first chunk's task, whose id is taken now, at the call (the chunks
            # are made later, in the pool's task thread).
            first = next(self._cl_tasks)
            result = self._cache.get(result_job) if isinstance(getattr(self, '_cache', None), dict) else None
            if result is not None:
                result._cl_id = '%s/%d' % (self._cl_id, first)
                result._cl_pool = self._cl_id

            def traced():
                task_id = first
                for job, i, f, args, kwds in tasks:
                    yield (job, i, _submit(pool, f, args, kwds, loc, tid, task_id, 1), args, kwds)
                    task_id = None

            return traced()

        return _guarded_task_generation

    def state_event(kind):
        def make(method):
            def wrapper(self, *args, **kwargs):
                pool_id = getattr(self, '_cl_id', None)
                if pool_id is not None:
                    core.emit({'kind': kind, 'poolId': pool_id})
                return method(self, *args, **kwargs)

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
                # SimpleQueue.get's own steps, never one unbounded wait: a SIGTERM handled just
                # before a blocking call does not interrupt it, and Python runs the handler (which
                # writes what waits, then dies) only between bytecodes — so the worker waits in
                # slices of WAKE_S (Pool.terminate() holds this lock from then on). "Does it
                # block" is decided under the lock: a poll before it may see the task another
                # worker is taking, and this one would then block with its task.end unwritten.
                if not rlock.acquire(False):
                    core.flush()
                    while not rlock.acquire(True, WAKE_S):
                        pass
                try:
                    if not core.readable(reader):
                        core.flush()
                        while not core.readable(reader, WAKE_S):
                            pass
                    res = reader.recv_bytes()
                finally:
                    rlock.release()
                return _loads(res)

            def put_(obj):
                if core.has_pending() and not core.readable(reader):
                    core.flush()
                return put(obj)

            global _in_worker
            _in_worker = core.pid
            core.flush_on_sigterm()
            if reader is not None and rlock is not None:
                try:
                    inqueue.get = get_
                    outqueue.put = put_
                except AttributeError:
                    pass  # a ThreadPool's queue.SimpleQueue: its threads are never killed
            return worker(inqueue, outqueue, *args, **kwargs)

        return worker_

    def make_join(join):
        # Pool.join: a wait while the pool's threads or workers are still running (after close()
        # or terminate(); on a running pool it raises at once, unrecorded).
        def join_(self):
            pool_id = getattr(self, '_cl_id', None)
            if pool_id is None or self._state not in (module.CLOSE, module.TERMINATE) or not _pool_alive(self):
                result = join(self)
            else:
                result = waits.traced_call(join, (self,), {}, 'Pool.join', 'pool', pool_id)
            if pool_id is not None:
                core.emit({'kind': 'pool.join', 'poolId': pool_id})
            return result

        return join_

    _patch_results(module)
    wrap(module, 'worker', make_worker)
    wrap(Pool, '__init__', make_init)
    wrap(Pool, 'apply_async', make_apply_async)
    wrap(Pool, '_guarded_task_generation', make_generation)
    wrap(Pool, 'close', state_event('pool.close'))
    wrap(Pool, 'terminate', state_event('pool.terminate'))
    wrap(Pool, 'join', make_join)


def _pool_alive(pool):
    try:
        if any(t.is_alive() for t in (pool._worker_handler, pool._task_handler, pool._result_handler)):
            return True
        return any(p.is_alive() for p in pool._pool)
    except Exception:
        return True


def _patch_results(module):
    """AsyncResult.get/wait (and Pool.apply/map/starmap, which are a get() on their own result)
    and an imap iterator's next(): a wait when the result is not ready yet."""
    Pool = module.Pool
    orig = getattr(module.ApplyResult.get, '__wrapped__', module.ApplyResult.get)
    # get() on behalf of these Pool methods is named after them, as the Node runtime names it.
    ops = {}
    for name in ('apply', 'map', 'starmap'):
        code = getattr(getattr(getattr(Pool, name, None), '__wrapped__', getattr(Pool, name, None)), '__code__', None)
        if code is not None:
            ops[code] = 'Pool.' + name
    inner = {getattr(orig, '__code__', None)}

    def make_get(get):
        def get_(self, timeout=None):
            obj_id = self.__dict__.get('_cl_id')
            if obj_id is None or self.ready():
                return get(self, timeout)
            op = ops.get(sys._getframe(1).f_code, 'AsyncResult.get')
            wait_id = waits.begin(op, 'asyncResult', obj_id, timeout)
            try:
                value = get(self, timeout)
            except BaseException as exc:
                # The task's own error is an error whatever its type; not ready: a timeout.
                waits.end(wait_id, waits.interrupted_or(exc, 'error' if self.ready() else 'timeout'))
                raise
            waits.end(wait_id, 'ok')
            return value

        return get_

    def make_wait(wait):
        def wait_(self, timeout=None):
            obj_id = self.__dict__.get('_cl_id')
            # (get() waits through wait(): that is get's wait, not a second one.)
            if obj_id is None or self.ready() or sys._getframe(1).f_code in inner:
                return wait(self, timeout)
            return waits.traced_call(wait, (self, timeout), {}, 'AsyncResult.wait', 'asyncResult', obj_id, timeout, ok=lambda _: self.ready())

        return wait_

    unordered = module.IMapUnorderedIterator

    def make_next(next_):
        def next__(self, timeout=None):
            pool_id = self.__dict__.get('_cl_pool')
            if pool_id is None or self._items or self._index == self._length:
                return next_(self, timeout)
            op = 'Pool.imapUnordered' if isinstance(self, unordered) else 'Pool.imap'
            wait_id = waits.begin(op, 'pool', pool_id, timeout)
            try:
                value = next_(self, timeout)
            except StopIteration:
                waits.end(wait_id, 'ok')
                raise
            except BaseException as exc:
                waits.end(wait_id, waits.outcome_of(exc))
                raise
            waits.end(wait_id, 'ok')
            return value

        return next__

    wrap(module.ApplyResult, 'get', make_get)
    wrap(module.ApplyResult, 'wait', make_wait)
    # (__next__ is the same function under a second name: each gets its wrapper; the unordered
    # iterator inherits both.)
    wrap(module.IMapIterator, 'next', make_next)
    wrap(module.IMapIterator, '__next__', make_next)
