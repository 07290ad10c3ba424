"""The process pool: work over many items in worker processes, results in order, a crash costing one item.

Nothing here knows about entries: the command (and, later, the archive) hands
it a picklable function and a list of items.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

DIED = "the worker process died on this file"  # what stands for the result of a file that kills its worker
POOL_THRESHOLD = 64  # fewer items than this run in the main process: a pool costs more to start
BATCH = 128
T = TypeVar("T")
R = TypeVar("R")


def run_all(
    work: Callable[[T], R],
    items: Iterable[T],
    jobs: int,
    crashed: Callable[[T], R],
    *,
    batch: int = BATCH,
    threshold: int = POOL_THRESHOLD,
) -> Iterator[R]:
    """``work`` over ``items``, results in the order of the items; a process pool for many items.

    ``items`` are taken as they are needed (a window of batches in flight), so a
    lazy iterable keeps memory flat. A worker is sent ``batch`` items at a time;
    when fewer than ``threshold`` items come, they run in this process. (An item
    that is itself a chunk of files sends 1 and a few.)

    If a worker process dies (a crash in C, the OOM killer), the batch it was on
    runs again one item a process, ``crashed(item)`` stands for the result of an
    item that kills its process again, and the run goes on with a new pool.
    Workers die with the main process, even when it is killed (Linux).
    """
    iterator = iter(items)
    first = list(itertools.islice(iterator, threshold))
    if jobs == 1 or len(first) < threshold:
        yield from map(work, itertools.chain(first, iterator))
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    batches = _batches(itertools.chain(first, iterator), batch)
    again: deque[list[T]] = deque()  # batches a broken pool took with it, to run first in the next one
    while True:
        with ProcessPoolExecutor(jobs, initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            pending: deque[tuple[list[T], Future[list[R]]]] = deque()
            for _ in range(jobs * 4):  # a bounded window of batches keeps memory flat on any tree
                _submit(pool, work, again, batches, pending)
            while pending:
                chosen, future = pending.popleft()
                try:
                    results = future.result()
                except BrokenProcessPool:  # every pending batch fails with it: redo this one, the rest in a new pool
                    yield from (isolated(work, item, crashed) for item in chosen)
                    again.extendleft(reversed([waiting for waiting, _ in pending]))
                    break
                _submit(pool, work, again, batches, pending)
                yield from results
            else:
                return


def _submit(
    pool: Executor,
    work: Callable[[T], R],
    again: deque[list[T]],
    batches: Iterator[list[T]],
    pending: deque[tuple[list[T], Future[list[R]]]],
) -> None:
    """Send the next batch to the pool, if there is one: one to run again first, else a new one."""
    chosen = again.popleft() if again else next(batches, None)
    if chosen is not None:
        pending.append((chosen, pool.submit(_run_batch, work, chosen)))


def _batches(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while chosen := list(itertools.islice(items, size)):
        yield chosen


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
    if sys.platform.startswith("linux"):  # pragma: no branch - the tests run on Linux
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
