# multiprocessing's shared-memory sync objects, traced as the Node runtime traces its own
# (docs/shared-state.md, docs/trace-format.md):
# - each Lock, RLock, Semaphore, BoundedSemaphore, Event, Condition and Barrier the user makes is
#   announced by object.create (objId "<pid>.<tid>.s<n>"; the id travels to spawn children in the
#   object's pickled state, and fork children inherit it);
# - a call that blocks on one is a wait (Lock.acquire on a held lock, Event.wait on an unset
#   event, Barrier.wait before the last party, Condition.wait);
# - a Lock's, an RLock's and a Condition's lock's holds are batched into hold.spans records (the
#   flusher thread writes them every FLUSH_S, and before a wait, a fork or the exit; a hold still
#   open at exit is written as a hold.begin; so is one still open when its thread blocks in a
#   wait — written with that wait.begin, then ended by a hold.end — so the deadlock watch knows a
#   lock's live holder, as the Node runtime does). An RLock taken again inside its hold is one hold.
# multiprocessing's own objects (an Event's inner Condition, a Queue's locks) are not drawn. A
# synchronized Value's or Array's lock is the user's (`with counter.get_lock():`), but the
# locking around each `.value` read and write is not recorded: two holds per access would cost
# more than the access and tell nothing the user wrote.
import collections
import itertools
import os
import sys
import _thread

from . import core, waits
from .calls import user_created, user_loc
from .hooks import wrap

_TAG = '\x00concurrency-lab-obj:'
_objs = itertools.count(1)
_OPS = {
    'lock': 'Lock.acquire',
    'rlock': 'RLock.acquire',
    'semaphore': 'Semaphore.acquire',
    'boundedSemaphore': 'BoundedSemaphore.acquire',
    'condition': 'Condition.acquire',
}
_HOLDS = ('lock', 'rlock', 'condition')
_MP = os.path.join(os.path.dirname(os.__file__), 'multiprocessing')
_HERE = os.path.dirname(os.path.abspath(__file__))
MAX_SPANS_PER_RECORD = 4096


def _announce(obj_kind):
    obj_id = '%d.%d.s%d' % (core.pid, core.thread_id(), next(_objs))
    event = {'kind': 'object.create', 'objKind': obj_kind, 'objId': obj_id}
    loc = user_loc(2)
    if loc:
        event['loc'] = loc
    core.emit(event, urgent=False)
    return obj_id


# ---- holds ----

class _Holds:
    """One thread's holds of one lock: spans not written yet, and the open one (-1: none)."""

    __slots__ = ('kind', 'obj_id', 'tid', 'spans', 'open', 'announced')

    def __init__(self, kind, obj_id, tid):
        self.kind = kind
        self.obj_id = obj_id
        self.tid = tid
        self.spans = collections.deque()
        self.open = -1
        #: The open hold was written as a hold.begin (its thread blocked while holding it).
        self.announced = False


_holders = {}
_exited = False


def _begin_hold(kind, obj_id):
    key = (_thread.get_ident(), obj_id)
    h = _holders.get(key)
    if h is None:
        h = _holders[key] = _Holds(kind, obj_id, core.thread_id())
        core.ensure_flusher()
    h.open = core.now()


def _end_hold(obj_id):
    h = _holders.get((_thread.get_ident(), obj_id))
    if h is not None and h.open >= 0:
        if h.announced:
            # Its begin is in the trace already: close it with a line (rare: only holds a thread
            # blocked in).
            h.announced = False
            h.open = -1
            core.write_line(((_head(h, 'hold.end') % core.now()) + '}\n').encode(), False)
            return
        h.spans.append((h.open, core.now()))
        h.open = -1


def _head(h, kind):
    return '{"kind":"%s","ts":%%d,"pid":%d%s,"objKind":"%s","objId":%s' % (
        kind, core.pid, ',"tid":%d' % h.tid if h.tid else '', h.kind, core.json_str(h.obj_id))


def _write(h):
    # popleft is atomic: the holder may append while another thread writes.
    items = []
    pop = h.spans.popleft
    try:
        while True:
            items.append(pop())
    except IndexError:
        pass
    head = None
    for i in range(0, len(items), MAX_SPANS_PER_RECORD):
        chunk = items[i:i + MAX_SPANS_PER_RECORD]
        head = head or _head(h, 'hold.spans')
        line = (head % chunk[0][0]) + ',"spans":[%s]}\n' % ','.join(['[%d,%d]' % s for s in chunk])
        core.write_line(line.encode(), False)


def flush_holds():
    if not _holders:
        return  # (before every wait: a script without locks pays one test)
    for h in list(_holders.values()):
        if h.spans:
            _write(h)


def _announce_open_holds():
    """Before this thread blocks: what it holds now, as hold.begin (after the spans before it,
    which flush_holds has just written), so the deadlock watch knows who holds the lock."""
    if not _holders:
        return
    me = _thread.get_ident()
    for (ident, _), h in list(_holders.items()):
        if ident == me and h.open >= 0 and not h.announced:
            h.announced = True
            core.write_line(((_head(h, 'hold.begin') % h.open) + '}\n').encode(), False)


def _exit_holds():
    global _exited
    if _exited:
        return
    _exited = True
    for h in list(_holders.values()):
        if h.spans:
            _write(h)
        if h.open >= 0 and not h.announced:
            core.write_line(((_head(h, 'hold.begin') % h.open) + '}\n').encode(), False)


def _fork_child():
    global _exited
    _holders.clear()  # (the parent wrote its spans before the fork)
    _exited = False


# ---- locks and semaphores ----

def _attach(lock, kind, obj_id):
    """Traces one SemLock from now on: its acquire/release (instance attributes, as
    multiprocessing's own _make_methods sets them) and, through the class, `with lock:`."""
    sl = lock._semlock
    raw_acquire = sl.acquire
    raw_release = sl.release
    count = sl._count
    op = _OPS[kind]
    holds = kind in _HOLDS

    def acquire(block=True, timeout=None):
        if not raw_acquire(False):
            if not block:
                return False
            wait_id = waits.begin(op, kind, obj_id, timeout)
            try:
                got = raw_acquire(True, timeout)
            except BaseException as exc:
                waits.end(wait_id, waits.outcome_of(exc))
                raise
            waits.end(wait_id, 'ok' if got else 'timeout')
            if not got:
                return False
        if holds and count() == 1:
            _begin_hold(kind, obj_id)
        return True

    def release():
        if holds and count() == 1:
            _end_hold(obj_id)  # before the release: the next holder's hold begins after it
        raw_release()

    lock.acquire = acquire
    lock.release = release
    lock._cl_id = obj_id
    lock._cl_kind = kind


def _enter(enter):
    def __enter__(self):
        if self.__dict__.get('_cl_id') is None:
            return enter(self)
        return self.acquire()

    return __enter__


def _exit(exit_):
    def __exit__(self, *args):
        if self.__dict__.get('_cl_id') is None:
            return exit_(self, *args)
        self.release()

    return __exit__


def _semlock_init(kind):
    def make(init):
        def __init__(self, *args, **kwargs):
            init(self, *args, **kwargs)
            if user_created():
                _attach(self, kind, _announce(kind))

        return __init__

    return make


def _tag_state(getstate):
    def __getstate__(self):
        state = getstate(self)
        obj_id = self.__dict__.get('_cl_id')
        if obj_id is None:
            return state
        return tuple(state) + ('%s%s:%s' % (_TAG, self.__dict__.get('_cl_kind', ''), obj_id),)

    return __getstate__


def _split_tag(state):
    if type(state) is tuple and state and isinstance(state[-1], str) and state[-1].startswith(_TAG):
        kind, _, obj_id = state[-1][len(_TAG):].partition(':')
        return state[:-1], kind, obj_id
    return state, None, None


def _semlock_setstate(setstate):
    def __setstate__(self, state):
        state, kind, obj_id = _split_tag(state)
        setstate(self, state)
        if obj_id:
            _attach(self, kind, obj_id)

    return __setstate__


def _object_setstate(setstate):
    def __setstate__(self, state):
        state, kind, obj_id = _split_tag(state)
        setstate(self, state)
        if obj_id:
            self._cl_id = obj_id
            self._cl_kind = kind

    return __setstate__


# ---- a synchronized Value's / Array's lock ----

def _users_value():
    """Whether the Value being made is the user's: the nearest caller outside multiprocessing
    and this tracer is not the standard library's concurrency code."""
    f = sys._getframe(2)
    while f is not None and f.f_code.co_filename.startswith((_MP, _HERE)):
        f = f.f_back
    return f is not None and user_created_frame(f)


def user_created_frame(f):
    name = f.f_code.co_filename
    return not name.startswith(os.path.join(os.path.dirname(os.__file__), 'concurrent'))


def _synchronized_init(init):
    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        lock = self._lock
        sl = getattr(lock, '_semlock', None)
        if sl is None:
            return
        if lock.__dict__.get('_cl_id') is None and _users_value():
            kind = 'rlock' if sl.kind == 0 else 'lock'  # (0: RECURSIVE_MUTEX)
            _attach(lock, kind, _announce(kind))
        # `.value` reads and writes lock with the raw methods: not recorded.
        self.acquire = sl.acquire
        self.release = sl.release

    return __init__


# ---- Event, Condition, Barrier ----

def _announcing_init(kind, after=None):
    def make(init):
        def __init__(self, *args, **kwargs):
            init(self, *args, **kwargs)
            if user_created():
                self._cl_id = _announce(kind)
                self._cl_kind = kind
                if after is not None:
                    after(self)

        return __init__

    return make


def _condition_lock(cond):
    # The condition's own lock (made inside multiprocessing) is held as the condition; a lock the
    # user passed in is traced as that lock already.
    lock = cond._lock
    if getattr(lock, '_semlock', None) is not None and lock.__dict__.get('_cl_id') is None:
        _attach(lock, 'condition', cond._cl_id)
        cond._make_methods()


def _waiting(op, kind, blocks, ok=None, parties=None):
    """Wraps a wait(timeout=None) method: traced when the object is the user's and it blocks.
    `parties(obj)`: a Barrier's party count, written on its waits."""
    def make(wait):
        def wait_(self, timeout=None):
            obj_id = self.__dict__.get('_cl_id')
            if obj_id is None or not blocks(self):
                return wait(self, timeout)
            n = parties(self) if parties is not None else None
            return waits.traced_call(wait, (self, timeout), {}, op, kind, obj_id, timeout, ok=ok, parties=n)

        return wait_

    return make


def patch(module):
    """Patches multiprocessing.synchronize (and the synchronized Value/Array of sharedctypes)."""
    wrap(module.SemLock, '__enter__', _enter)
    wrap(module.SemLock, '__exit__', _exit)
    wrap(module.SemLock, '__getstate__', _tag_state)
    wrap(module.SemLock, '__setstate__', _semlock_setstate)
    for klass, kind in ((module.Lock, 'lock'), (module.RLock, 'rlock'), (module.Semaphore, 'semaphore'), (module.BoundedSemaphore, 'boundedSemaphore')):
        wrap(klass, '__init__', _semlock_init(kind))

    wrap(module.Event, '__init__', _announcing_init('event'))
    wrap(module.Event, 'wait', _waiting('Event.wait', 'event', lambda e: not e.is_set(), ok=bool))

    wrap(module.Condition, '__init__', _announcing_init('condition', _condition_lock))
    wrap(module.Condition, '__getstate__', _tag_state)
    wrap(module.Condition, '__setstate__', _object_setstate)
    wrap(module.Condition, 'wait', _waiting('Condition.wait', 'condition', lambda c: True, ok=bool))

    wrap(module.Barrier, '__init__', _announcing_init('barrier'))
    wrap(module.Barrier, '__getstate__', _tag_state)
    wrap(module.Barrier, '__setstate__', _object_setstate)
    # The last party to arrive does not wait.
    wrap(module.Barrier, 'wait', _waiting('Barrier.wait', 'barrier', lambda b: b.n_waiting < b.parties - 1, parties=lambda b: b.parties))


def patch_sharedctypes(module):
    wrap(module.SynchronizedBase, '__init__', _synchronized_init)


def install():
    core._fork_child_hooks.append(_fork_child)
    core._flush_hooks.insert(0, flush_holds)
    core.batch_hooks.append(flush_holds)
    core.exit_hooks.append(_exit_holds)
    waits.before_block.append(flush_holds)
    waits.before_block.append(_announce_open_holds)
