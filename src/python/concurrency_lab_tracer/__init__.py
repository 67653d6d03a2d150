# The Python side of Concurrency Lab: traces a real CPython run into the same per-process trace
# files the Node runtime writes (docs/trace-format.md, src/trace/channel.ts), so the runner,
# panel, CLI and report need nothing Python-specific. Installed by ../sitecustomize.py.
from . import core


def install():
    if not core.enabled():
        return
    from . import output, processes

    core.install()
    output.install()
    processes.install()
