# What the trace says about a call: a short repr of a value or of arguments (reprlib, so a huge
# list costs what its first items do), and the user's call site (`loc`): the first frame outside
# the standard library's concurrency modules and this tracer.
import json
import os
import reprlib
import sys

_repr = reprlib.Repr()
_repr.maxstring = 40
_repr.maxother = 40
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxfrozenset = _repr.maxdict = 6
MAX_SUMMARY = 80


_PLAIN = (int, float, bool, type(None))


def short(value):
    t = type(value)
    if t in _PLAIN or (t is str and len(value) <= _repr.maxstring):
        return repr(value)
    try:
        # Small containers: repr is many times faster than reprlib; big ones: reprlib, so a
        # million-item list costs what its first items do.
        text = repr(value) if t in _CONTAINERS and _small(value, False) else _repr.repr(value)
    except Exception:
        text = '<%s>' % type(value).__name__
    return text if len(text) <= MAX_SUMMARY else text[:MAX_SUMMARY - 3] + '...'


_SIMPLE = frozenset((int, float, bool, type(None), str, bytes))
_CONTAINERS = frozenset((list, tuple, dict, set, frozenset))
_all_simple = _SIMPLE.issuperset


def _small(c, nested=False):
    """Small enough to repr directly: at most 8 items of plain values, or of containers of plain
    values (checked by C-speed set operations; this runs for every message sent). Anything bigger
    goes through reprlib, so a huge value costs what its first items do."""
    if len(c) > 8:
        return False
    if type(c) is dict:
        if not _all_simple(map(type, c)):
            return False
        c = c.values()
    for v in c:
        t = type(v)
        if t in _SIMPLE:
            continue
        if nested or t not in _CONTAINERS or len(v) > 8:
            return False
        if t is dict:
            if not (_all_simple(map(type, v)) and _all_simple(map(type, v.values()))):
                return False
        elif not _all_simple(map(type, v)):
            return False
    return True


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


_skip_code = {}


def _skipped(code):
    skip = _skip_code.get(code)
    if skip is None:
        name = code.co_filename
        skip = _skip_code[code] = name.startswith(_SKIP) or name.startswith('<')
    return skip


def user_loc(depth=2):
    """{file, line} of the nearest caller that is the user's code, or None."""
    try:
        f = sys._getframe(depth)
    except ValueError:
        return None
    while f is not None:
        if not _skipped(f.f_code):
            return {'file': os.path.abspath(f.f_code.co_filename), 'line': f.f_lineno}
        f = f.f_back
    return None


_loc_json = {}


def user_loc_json(depth=2):
    """user_loc() as the JSON text of a `,"loc":{…}` field ('' when unknown), for hand-written lines.
    Cached per code object and instruction (f_lasti: no line-table lookup on a hit), so a send in
    a loop costs two dict lookups."""
    try:
        f = sys._getframe(depth)
    except ValueError:
        return ''
    while f is not None:
        key = (f.f_code, f.f_lasti)
        text = _loc_json.get(key)
        if text is None:
            code = f.f_code
            text = _loc_json[key] = '' if _skipped(code) else ',"loc":{"file":%s,"line":%d}' % (
                json.encoder.encode_basestring(os.path.abspath(code.co_filename)), f.f_lineno)
        if text:
            return text
        f = f.f_back
    return ''


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
