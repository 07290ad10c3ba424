"""Where a check's time goes, part by part, in this process: why issue 17's ratios stand where they do.

    python benchmarks/bench_parts.py            # 20,000 entries
    python benchmarks/bench_parts.py --quick    # 1,000 entries

On a seeded archive (examples/make_archive.py), each part timed alone over every
file, best of 3, in microseconds a file:

- a cold check: reading the bytes by the command's rules, ``parse``, ``local_check``
  (parse, the canonical text, the layout and the file's own archive checks) and
  ``target_findings`` (the related links against the folders);
- a warm check, from a cache the script fills first: the status signature (one
  ``lstat``), loading the cache's JSON shards, the records' findings and links,
  ``target_findings`` again, and a whole worker's chunk (``_check_chunk``) as the
  pool runs it;
- the main process of ``check_files(jobs=2)``: its CPU time, without its imports,
  with workers that check nothing (they return empty results at once), against the
  same walk and chunking with no pool; and how much of it the pool's feeder and
  manager threads take.

These are private functions of newsfmt, timed to explain the end-to-end figures of
``bench_throughput.py``; their names may change with the code.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from make_archive import generate


def per_file(function: Callable[[], Any], count: int, rounds: int = 3) -> float:
    """The best of ``rounds`` runs of ``function``, in microseconds per file.

    The objects alive before are frozen out of the garbage collector's sight first: the inputs this script keeps
    for every file would otherwise be scanned again and again, which a worker, holding one chunk, does not pay.
    """
    gc.collect()
    gc.freeze()
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best / count * 1e6


def _nothing(item: Any) -> Any:
    return [([], None)] * len(item[1])


def main_process(jobs: int) -> tuple[float, dict[str, float]]:
    """CPU seconds of this process for ``check_files`` with workers that check nothing, and its threads' shares."""
    import concurrent.futures.process

    import newsfmt
    import newsfmt._files

    threads: dict[str, float] = {}
    executor_thread = concurrent.futures.process._ExecutorManagerThread
    feeder: Any = threading.Thread.run
    manager: Any = executor_thread.run

    def timed(run: Any, name: str) -> Any:
        def wrapped(self: threading.Thread) -> None:
            try:
                run(self)
            finally:
                threads[name] = threads.get(name, 0.0) + time.thread_time()

        return wrapped

    checked = newsfmt._files._check_chunk
    threading.Thread.run = timed(feeder, "feeder")  # type: ignore[method-assign] # the queue's feeder: a Thread
    executor_thread.run = timed(manager, "manager")  # type: ignore[method-assign]
    newsfmt._files._check_chunk = _nothing  # the workers are forked: they see it too
    try:
        start = time.process_time()
        files = newsfmt.iter_files(["."], settings=newsfmt.find_settings)
        for _ in newsfmt.check_files(files, jobs=jobs):
            pass
        return time.process_time() - start, threads
    finally:
        newsfmt._files._check_chunk = checked
        threading.Thread.run = feeder  # type: ignore[method-assign]
        executor_thread.run = manager  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 entries")
    count = 1_000 if parser.parse_args().quick else 20_000

    import newsfmt
    import newsfmt._cache as cache_module
    from newsfmt._cache import Shard, signature
    from newsfmt._check import forget_listings, local_check, target_findings
    from newsfmt._files import CHUNK, _check_chunk, _chunks
    from newsfmt._io import decode
    from newsfmt._rules import Selection

    work = Path(tempfile.mkdtemp(prefix="newsfmt-parts-"))
    here = os.getcwd()
    try:
        generate(work / "archive", count)
        os.chdir(work / "archive")
        files = list(newsfmt.iter_files(["."], settings=newsfmt.find_settings))
        texts = [(file.name, decode(file.read_bytes())) for file in files]
        checked = [local_check(text, name, markdown=False) for name, text in texts]

        def targets(links: list[Any]) -> None:
            forget_listings()
            for item in links:
                target_findings(item)

        cold = {
            "read the bytes (`InputFile.read_bytes`)": lambda: [file.read_bytes() for file in files],
            "`parse`": lambda: [newsfmt.parse(text) for _, text in texts],
            "`local_check` (parse, layout, the file's archive checks)": lambda: [
                local_check(text, name, markdown=False) for name, text in texts
            ],
            "`target_findings` (related links against the folders)": lambda: targets([c[2] for c in checked]),
        }
        cache = str(work / "cache")
        selection = Selection.of(None, ())
        chunks = list(_chunks(((selection, file) for file in files), CHUNK))
        cache_module.SETTLED = 0  # every file's status vouches for it at once: the warm path as it is after 2 s
        for chunk in chunks:
            _check_chunk((cache, chunk))  # cold: the records made
        for chunk in chunks:
            _check_chunk((cache, chunk))  # the records signed
        folders = sorted({os.path.dirname(file.path) for file in files})
        shards = {folder: Shard(cache, os.path.abspath(folder), folder) for folder in folders}
        statuses = [signature(file.path, file.max_file_size) for file in files]
        records = [
            shards[os.path.dirname(file.path)].get(os.path.basename(file.path), file.name, None, False, False, status)
            for file, status in zip(files, statuses, strict=True)
        ]
        assert all(record is not None for record in records), "a warm record was not served"

        def chunk_all() -> None:
            forget_listings()
            for chunk in chunks:
                _check_chunk((cache, chunk))

        warm = {
            "the status signature (one `lstat`)": lambda: [signature(f.path, f.max_file_size) for f in files],
            "load the cache's JSON shards": lambda: [
                Shard(cache, os.path.abspath(folder), folder) for folder in folders
            ],
            "the records' findings and links (`Shard.get`)": lambda: [
                shards[os.path.dirname(f.path)].get(os.path.basename(f.path), f.name, None, False, False, s)
                for f, s in zip(files, statuses, strict=True)
            ],
            "`target_findings`": lambda: targets([record[1] for record in records if record is not None]),
            "a worker's whole part (`_check_chunk` of every chunk)": chunk_all,
        }
        shard_bytes = sum(os.path.getsize(path) for path in Path(cache).rglob("*.json"))
        print(f"Archive: {count:,} entries in {len(folders):,} folders; best of 3, µs a file.\n")
        print("| part | µs a file |\n| --- | ---: |")
        print("| **cold** | |")
        for name, function in cold.items():
            print(f"| {name} | {per_file(function, count):.2f} |")
        print(f"| **warm** (shards: {shard_bytes / len(folders) / 1e3:.1f} KB a folder) | |")
        for name, function in warm.items():
            print(f"| {name} | {per_file(function, count):.2f} |")

        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        alone, _ = min((main_process(1) for _ in range(3)), key=lambda result: result[0])
        pooled, threads = min((main_process(2) for _ in range(3)), key=lambda result: result[0])
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        children = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        print(
            f"\nMain process of `check_files`, workers checking nothing, CPU without imports (best of 3):"
            f" {alone:.3f} s with no pool (the walk, the InputFiles, the chunks), {pooled:.3f} s with -j 2,"
            f" of which the feeder thread {threads.get('feeder', 0):.3f} s and the manager thread"
            f" {threads.get('manager', 0):.3f} s (workers, all rounds: {children:.3f} s)."
        )
    finally:
        os.chdir(here)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
