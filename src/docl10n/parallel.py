"""Stage work over pages in worker processes.

Stage work is CPU-bound pure Python, so threads would not help; each
worker reads and writes its own files and returns only small values, and
large read-only data (a locale's translation memory) is sent to each worker
once rather than with every page.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable

Progress = Callable[[int], None] | None
SERIAL_BELOW = 8  # fewer items than this: worker processes cost more than they save
_SHARED: dict[str, object] = {}  # large read-only data, sent once to each worker
# Stage work makes many short-lived objects (tokens, entries) and few cycles:
# collecting the youngest generation every 700 allocations cost ~10 % of a build.
YOUNG_THRESHOLD = 50_000


def _share(shared: dict[str, object]) -> None:
    _SHARED.clear()
    _SHARED.update(shared)
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def run(
    fn: Callable,
    items: list,
    jobs: int | None,
    progress: Progress,
    shared: dict | None = None,
    probe: Callable | None = None,
    before_work: Callable[[], None] | None = None,
) -> list:
    """``fn`` over ``items``, in ``jobs`` worker processes (default: every core); results in order.

    Stage work is CPU-bound pure Python, so threads would not help; each
    worker reads and writes its own files and returns only small values.
    ``probe`` answers from the cache in this process (None: work to do), so
    a run with nothing to do starts no workers. ``before_work`` is called
    once, when there is work, before any of it.
    """
    results: list = [None] * len(items)
    todo = list(range(len(items)))
    if probe is not None:
        todo = []
        for i, x in enumerate(items):
            results[i] = probe(x)
            if results[i] is None:
                todo.append(i)
            elif progress:
                progress(1)
    if todo and before_work is not None:
        before_work()
    n = max(1, jobs or os.cpu_count() or 1)
    if n == 1 or len(todo) < SERIAL_BELOW:
        threshold = gc.get_threshold()
        _share(shared or {})
        try:
            for i in todo:
                results[i] = fn(items[i])
                if progress:
                    progress(1)
            return results
        finally:
            _SHARED.clear()
            gc.set_threshold(*threshold)
    from concurrent.futures import ProcessPoolExecutor  # not loaded when nothing needs workers

    with ProcessPoolExecutor(min(n, len(todo)), initializer=_share, initargs=(shared or {},)) as pool:
        chunk = max(1, min(16, len(todo) // (n * 8)))
        for i, r in zip(todo, pool.map(fn, [items[i] for i in todo], chunksize=chunk)):
            results[i] = r
            if progress:
                progress(1)
    return results


def shared(name: str) -> object:
    """A value handed to every worker by ``run(shared=...)``; None when absent."""
    return _SHARED.get(name)
