# The Python side of Concurrency Lab: traces a real CPython run into the same per-process trace
# files the Node runtime writes (docs/trace-format.md, src/trace/channel.ts), so the runner,
# panel, CLI and report need nothing Python-specific. Installed by ../sitecustomize.py.
from . import core


def install():
    if not core.enabled():
        return
    from . import messages, output, processes, sync
    from .hooks import when_imported

    core.install()
    output.install()
    processes.install()
    messages.install()
    sync.install()
    when_imported('multiprocessing.pool', _lazy('pool', 'patch'))
    when_imported('multiprocessing.queues', _lazy('messages', 'patch_queues'))
    when_imported('multiprocessing.connection', _lazy('messages', 'patch_connection'))
    when_imported('multiprocessing.synchronize', _lazy('sync', 'patch'))
    when_imported('multiprocessing.sharedctypes', _lazy('sync', 'patch_sharedctypes'))
    when_imported('threading', _lazy('threads', 'patch'))


def _lazy(module, function):
    def run(target):
        import importlib

        getattr(importlib.import_module('.' + module, __name__), function)(target)

    return run
