# What the trace says about a call: a short repr of a value or of arguments (reprlib, so a huge
# list costs what its first items do), and the user's call site (`loc`): the first frame outside
# the standard library's concurrency modules and this tracer.
import os
import reprlib
import sys

_repr = reprlib.Repr()
_repr.maxstring = 40
_repr.maxother = 40
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxfrozenset = _repr.maxdict = 6
MAX_SUMMARY = 80


def short(value):
    try:
        text = _repr.repr(value)
    except Exception:
        text = '<%s>' % type(value).__name__
    return text if len(text) <= MAX_SUMMARY else text[:MAX_SUMMARY - 3] + '...'


def args_summary(args, kwargs=None):
    """`(3, 'a')`: the call's arguments as Python would write them."""
    parts = [short(a) for a in args]
    if kwargs:
        parts.extend('%s=%s' % (k, short(v)) for k, v in kwargs.items())
    text = '(%s)' % ', '.join(parts)
    return text if len(text) <= MAX_SUMMARY else text[:MAX_SUMMARY - 4] + '...)'


def fn_name(fn):
    return getattr(fn, '__qualname__', None) or getattr(fn, '__name__', None) or type(fn).__name__


_HERE = os.path.dirname(os.path.abspath(__file__))
_STDLIB = os.path.dirname(os.__file__)
_SKIP = tuple(os.path.join(_STDLIB, m) for m in ('multiprocessing', 'threading.py', 'concurrent', 'queue.py', 'reprlib.py')) + (_HERE,)


def user_loc(depth=2):
    """{file, line} of the nearest caller that is the user's code, or None."""
    try:
        f = sys._getframe(depth)
    except ValueError:
        return None
    while f is not None:
        name = f.f_code.co_filename
        if not name.startswith(_SKIP) and not name.startswith('<'):
            return {'file': os.path.abspath(name), 'line': f.f_lineno}
        f = f.f_back
    return None


def user_created(depth=2):
    """Whether the object being made is the user's (not multiprocessing's own plumbing: a Pool's
    queues, a Queue's pipe). The nearest caller outside multiprocessing.context decides."""
    try:
        f = sys._getframe(depth)
    except ValueError:
        return True
    while f is not None and f.f_code.co_filename.endswith(os.path.join('multiprocessing', 'context.py')):
        f = f.f_back
    if f is None:
        return True
    name = f.f_code.co_filename
    return not (name.startswith(_SKIP[0]) or name.startswith(_SKIP[2]))
