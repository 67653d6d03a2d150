# threading.Thread as threads: thread.start (tid = the thread's native id, name, parentTid) when
# it begins running and thread.exit when its run() returns, both written by the thread itself.
# multiprocessing's and concurrent.futures' plumbing threads (a Pool's handlers, a Queue's
# feeder) are not the user's and are not drawn; a ThreadPool's workers (DummyProcess) are.
import os

from . import core
from .hooks import wrap

_INTERNAL = (os.path.join(os.path.dirname(os.__file__), 'multiprocessing'), os.path.join(os.path.dirname(os.__file__), 'concurrent'))


def _is_users(thread):
    if type(thread).__name__ == 'DummyProcess':
        return True
    target = getattr(thread, '_target', None)
    code = getattr(target, '__code__', None) or getattr(getattr(target, '__func__', None), '__code__', None)
    if code is not None:
        return not code.co_filename.startswith(_INTERNAL)
    module = getattr(type(thread), '__module__', '') or ''
    return not (module.startswith('multiprocessing') or module.startswith('concurrent'))


def patch(module):
    def make_start(start):
        def start_(self, *args, **kwargs):
            self._cl_parent_tid = core.thread_id()
            return start(self, *args, **kwargs)

        return start_

    def make_bootstrap_inner(bootstrap_inner):
        def _bootstrap_inner(self):
            traced = _is_users(self)
            if traced:
                tid = core.thread_id()
                core.emit({'kind': 'thread.start', 'tid': tid, 'name': self.name, 'parentTid': getattr(self, '_cl_parent_tid', 0)})
            try:
                bootstrap_inner(self)
            finally:
                if traced:
                    core.emit({'kind': 'thread.exit', 'tid': tid, 'exitCode': 0})

        return _bootstrap_inner

    wrap(module.Thread, 'start', make_start)
    wrap(module.Thread, '_bootstrap_inner', make_bootstrap_inner)
