# Loaded by every Python process of a Concurrency Lab run: the runner puts this folder first on
# PYTHONPATH, and Python imports `sitecustomize` at startup (site.py), so children started by
# fork, spawn and forkserver — and any `python` a snippet starts — trace themselves. The user's
# script is never edited. Standard library only.
import os
import sys


def _chain():
    # This file shadows any other sitecustomize (Debian ships one): run the next one on sys.path.
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        import importlib.machinery
        import importlib.util

        rest = [p for p in sys.path if os.path.abspath(p or '.') != here]
        spec = importlib.machinery.PathFinder.find_spec('sitecustomize', rest)
        if spec is None or spec.loader is None:
            return
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except Exception:
        pass


if os.environ.get('CONCURRENCY_LAB_TRACE_DIR'):
    try:
        import concurrency_lab_tracer

        concurrency_lab_tracer.install()
    except Exception as _err:  # tracing must never stop the user's script
        if os.environ.get('CONCURRENCY_LAB_DEBUG'):
            raise
        sys.stderr.write('concurrency-lab: tracing is off in this process: %s\n' % (_err,))
_chain()
