"""The process pool: work over many items in worker processes, results in order, a crash costing one item.

Nothing here knows about entries: the command (and, later, the archive) hands
it a picklable function and a list of items.
"""

from __future__ import annotations

import itertools
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

DIED = "the worker process died on this file"  # what stands for the result of a file that kills its worker
POOL_THRESHOLD = 64  # fewer items than this run in the main process: a pool costs more to start
BATCH = 32
T = TypeVar("T")
R = TypeVar("R")


def run_all(
    work: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    crashed: Callable[[T], R],
    *,
    batch: int = BATCH,
    threshold: int = POOL_THRESHOLD,
) -> Iterator[R]:
    """``work`` over ``items``, results in the order of the items; a process pool for many items.

    A worker is sent ``batch`` items at a time; fewer than ``threshold`` items run
    in this process. (An item that is itself a chunk of files sends 1 and 2.)

    If a worker process dies (a crash in C, the OOM killer), the batch it was on
    runs again one item a process, ``crashed(item)`` stands for the result of an
    item that kills its process again, and the run goes on with a new pool.
    Workers die with the main process, even when it is killed (Linux).
    """
    if jobs == 1 or len(items) < threshold:
        yield from map(work, items)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    batches = [items[start : start + batch] for start in range(0, len(items), batch)]
    done = 0
    while done < len(batches):
        with ProcessPoolExecutor(jobs, initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            upcoming = iter(range(done, len(batches)))
            first = itertools.islice(upcoming, jobs * 4)
            pending = deque((index, pool.submit(_run_batch, work, batches[index])) for index in first)
            while pending:  # a bounded window of batches keeps memory flat on any tree
                index, future = pending.popleft()
                try:
                    results = future.result()
                except BrokenProcessPool:  # every pending batch fails with it: redo this one, then a new pool
                    yield from (isolated(work, item, crashed) for item in batches[index])
                    done = index + 1
                    break
                following = next(upcoming, None)
                if following is not None:
                    pending.append((following, pool.submit(_run_batch, work, batches[following])))
                yield from results
                done = index + 1


def isolated(work: Callable[[T], R], item: T, crashed: Callable[[T], R]) -> R:
    """``work(item)`` in a process of its own, or ``crashed(item)`` if that process dies too."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(1, initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
        try:
            return pool.submit(work, item).result()
        except BrokenProcessPool:
            return crashed(item)


def _run_batch(work: Callable[[T], R], batch: Sequence[T]) -> list[R]:
    return [work(item) for item in batch]


def die_with_parent(parent: int) -> None:
    """In a worker: ask the kernel for SIGKILL when the parent dies, so no worker outlives a killed run.

    Linux only (prctl PR_SET_PDEATHSIG); elsewhere a worker blocked on its queue
    ends when the queue's pipe closes. If the parent died before this ran, exit now.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
