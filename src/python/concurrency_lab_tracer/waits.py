# Waits: a call that really blocks (a Queue.get on an empty queue, a Connection.recv with nothing
# to read, a Process.join of a live child, a Lock.acquire of a held lock, an Event.wait on an
# unset event, a Barrier.wait before the last party) writes wait.begin before it blocks and
# wait.end when it returns — the records of the Node runtime (docs/trace-format.md), so the panel
# draws Python's waits and deadlock detection sees them. A call that does not block writes
# nothing. wait.begin goes out at once (with what was pending): a process stuck forever must
# still show what it waits for. Its wait.end may wait for the next batch.
import itertools

from . import core
from .calls import user_loc_json

_ids = itertools.count(1)

#: Called before a wait.begin is written (the holds module writes its pending spans: a lock
#: released just before a wait must not appear to be held during it).
before_block = []


def begin(op, obj_kind, obj_id, timeout=None, target_pid=None, parties=None):
    """Writes wait.begin; returns the waitId. `timeout` in seconds, as Python takes it; `parties`:
    a Barrier's party count."""
    wait_id = next(_ids)
    for hook in before_block:
        hook()
    extra = ''
    if timeout is not None:
        try:
            extra += ',"timeoutMs":%s' % _ms(timeout)
        except (TypeError, ValueError):
            pass
    if target_pid is not None:
        extra += ',"targetPid":%d' % target_pid
    if parties is not None:
        extra += ',"parties":%d' % parties
    line = '{"kind":"wait.begin","ts":%d,"pid":%d%s,"waitId":%d,"op":"%s","objKind":"%s","objId":%s%s%s}\n' % (
        core.now(), core.pid, core.tid_field(), wait_id, op, obj_kind, core.json_str(obj_id), extra, user_loc_json(2))
    # At once, with what is batched: a process stuck forever shows what it waits for, and a child
    # ended by SIGTERM while it waits has written everything before it. (Batching it, with a
    # SIGTERM handler in every child to flush, made a Pipe ping-pong cheaper but could leave a
    # terminated child running forever: a signal handled just before the blocking call starts
    # does not interrupt it, and Python runs its handler only then. docs/python.md.)
    core.write_line(line.encode('utf-8', 'replace'), True)
    return wait_id


END = '{"kind":"wait.end","ts":%d,"pid":%d%s,"waitId":%d,"outcome":"%s"}\n'


def end(wait_id, outcome):
    core.write_line((END % (core.now(), core.pid, core.tid_field(), wait_id, outcome)).encode(), False)


def _ms(timeout):
    ms = max(0.0, float(timeout)) * 1000
    return '%d' % ms if ms == int(ms) else '%.3f' % ms


_INTERRUPTS = (KeyboardInterrupt, SystemExit)


def outcome_of(exc):
    """A raised call's outcome: Empty/Full/TimeoutError are timeouts, KeyboardInterrupt (Ctrl-C,
    a SIGINT) and SystemExit (sys.exit in a signal handler) interrupt it, anything else is an
    error."""
    if isinstance(exc, _INTERRUPTS):
        return 'interrupted'
    return 'timeout' if type(exc).__name__ in ('Empty', 'Full', 'TimeoutError') else 'error'


def interrupted_or(exc, outcome):
    """`outcome` for a call that raised exc, unless exc interrupted it."""
    return 'interrupted' if isinstance(exc, _INTERRUPTS) else outcome


def traced_call(fn, args, kwargs, op, obj_kind, obj_id, timeout=None, target_pid=None, ok=None, parties=None):
    """Runs a call that is known to block, between wait.begin and wait.end. `ok(result)` tells a
    timeout that returns (False, None…) from success."""
    wait_id = begin(op, obj_kind, obj_id, timeout, target_pid, parties)
    try:
        result = fn(*args, **kwargs)
    except BaseException as exc:
        end(wait_id, outcome_of(exc))
        raise
    end(wait_id, 'ok' if ok is None or ok(result) else 'timeout')
    return result
