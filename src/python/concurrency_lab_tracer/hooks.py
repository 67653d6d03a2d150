# Post-import hooks: patch a standard module right after it is first imported, so a process that
# never uses multiprocessing does not pay for importing it. (Modules already imported when the
# tracer installs are patched at once.)
import sys

_pending = {}


class _Loader:
    def __init__(self, loader, name):
        self._loader = loader
        self._name = name

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _run(self._name, module)

    def __getattr__(self, attr):
        return getattr(self._loader, attr)


class _Finder:
    """A meta path finder that only wraps the loader of the modules waiting for a patch."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in _pending:
            return None
        import importlib.machinery

        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _Loader(spec.loader, fullname)
        return spec

    def invalidate_caches(self):
        pass


_finder = _Finder()


def _run(name, module):
    for patch in _pending.pop(name, ()):
        try:
            patch(module)
        except Exception:
            if _debug():
                raise


def _debug():
    import os

    return bool(os.environ.get('CONCURRENCY_LAB_DEBUG'))


def when_imported(name, patch):
    """Calls patch(module) once `name` is imported (now, if it already is)."""
    module = sys.modules.get(name)
    if module is not None:
        try:
            patch(module)
        except Exception:
            if _debug():
                raise
        return
    _pending.setdefault(name, []).append(patch)
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)


def wrap(owner, attr, make):
    """Replaces owner.attr with make(original), once (a module may be patched in a parent and
    inherited by a fork child)."""
    original = getattr(owner, attr)
    if getattr(original, '__concurrency_lab__', False):
        return
    wrapper = make(original)
    wrapper.__concurrency_lab__ = True
    wrapper.__wrapped__ = original
    for a in ('__name__', '__qualname__', '__doc__', '__module__'):
        try:
            setattr(wrapper, a, getattr(original, a))
        except (AttributeError, TypeError):
            pass
    setattr(owner, attr, wrapper)
