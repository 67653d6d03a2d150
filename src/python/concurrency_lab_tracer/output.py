# Copies what this process writes to sys.stdout/sys.stderr into the trace as `output` events of
# this pid (as the Node preload does), and — when the runner asks (the CLI on a terminal) —
# prefixes each line with the process that wrote it: only here is it known which process wrote
# which text. Text goes out (and into the trace) a line at a time: print() writes its pieces one
# by one, and with several processes on one pipe those pieces would interleave mid-line. A
# partial line goes out on flush() (input() flushes), before a fork, at exit, or past 8 KiB —
# what line buffering on a terminal does. Capture stops after OUTPUT_CAPTURE_LIMIT bytes per
# process; the output itself is still shown.
import os
import sys

from . import core

OUTPUT_CAPTURE_LIMIT = 4 * 1024 * 1024
_COLORS = (36, 33, 35, 32, 34, 31)

_captured = 0
_truncated = False
_tees = []


def _prefix(mode):
    label = '[%s %d]' % (core.name or core.script_name(), os.getpid())
    if mode == 'color':
        return '\x1b[%dm%s\x1b[0m ' % (_COLORS[os.getpid() % len(_COLORS)], label)
    return label + ' '


class _Tee:
    """Stands in for sys.stdout / sys.stderr: forwards every write, traces the text."""

    def __init__(self, stream, which, prefix_mode):
        self.__dict__['_cl_stream'] = stream
        self.__dict__['_cl_which'] = which
        self.__dict__['_cl_prefix'] = prefix_mode
        self.__dict__['_cl_pending'] = ''
        self.__dict__['_cl_line_start'] = True

    def write(self, text):
        if not isinstance(text, str):
            return self._cl_stream.write(text)  # the stream's own TypeError
        if not text:
            return 0
        pending = self._cl_pending + text
        nl = pending.rfind('\n')
        if nl < 0:
            if len(pending) <= 8192:
                self.__dict__['_cl_pending'] = pending
                return len(text)
            nl = len(pending) - 1
        self.__dict__['_cl_pending'] = pending[nl + 1:]
        self._cl_out(pending[:nl + 1])
        return len(text)

    def _cl_out(self, text):
        mode = self._cl_prefix
        self._cl_stream.write(self._cl_prefixed(text, mode) if mode else text)
        try:
            _trace(self._cl_which, text)
        except Exception:
            pass

    def _cl_prefixed(self, text, mode):
        head = _prefix(mode)
        lines = text.split('\n')
        out = []
        for i, part in enumerate(lines):
            last = i == len(lines) - 1
            if part and (i > 0 or self._cl_line_start):
                out.append(head)
            out.append(part)
            if not last:
                out.append('\n')
        self.__dict__['_cl_line_start'] = text.endswith('\n')
        return ''.join(out)

    def _cl_emit_pending(self):
        pending = self._cl_pending
        if pending:
            self.__dict__['_cl_pending'] = ''
            self._cl_out(pending)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        self._cl_emit_pending()
        return self._cl_stream.flush()

    def __getattr__(self, attr):
        return getattr(self._cl_stream, attr)

    def __setattr__(self, attr, value):
        setattr(self._cl_stream, attr, value)

    def __iter__(self):
        return iter(self._cl_stream)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._cl_stream.__exit__(*exc)


def _trace(which, text):
    global _captured, _truncated
    if _truncated:
        return
    size = len(text)
    if _captured + size > OUTPUT_CAPTURE_LIMIT:
        _truncated = True
        core.emit({'kind': 'error', 'code': 'OUTPUT_TRUNCATED', 'message': 'output after the first %d MiB of this process was shown but not traced' % (OUTPUT_CAPTURE_LIMIT // 1048576)})
        return
    _captured += size
    core.emit({'kind': 'output', 'stream': which, 'text': text})


def _flush_pending():
    for tee in _tees:
        tee._cl_emit_pending()


def _fork_child():
    global _captured, _truncated
    _captured = 0
    _truncated = False
    for tee in _tees:
        # What the parent had not yet traced is the parent's; the child starts a fresh line.
        tee.__dict__['_cl_pending'] = ''
        tee.__dict__['_cl_line_start'] = True


def install():
    mode = os.environ.get(core.OUTPUT_PREFIX_ENV)
    if mode not in ('plain', 'color'):
        mode = None
    for which in ('stdout', 'stderr'):
        stream = getattr(sys, which, None)
        if stream is None or isinstance(stream, _Tee):
            continue
        tee = _Tee(stream, which, mode)
        _tees.append(tee)
        setattr(sys, which, tee)
    core._flush_hooks.append(_flush_pending)
    core._fork_child_hooks.append(_fork_child)
