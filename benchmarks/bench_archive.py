"""Time newsfmt.Archive against its floors, in the same run, on a generated archive.

    python benchmarks/bench_archive.py            # 20,000 entries
    python benchmarks/bench_archive.py --quick    # 1,000 entries

Four figures, each the best of interleaved rounds:
- reading every entry with ``Archive(root).entries()`` against a plain loop of
  ``os.scandir`` + read + ``newsfmt.parse_bytes`` over the same files (goal: 1.25x);
- ``Archive(root).check(jobs=1)`` against ``newsfmt validate -j 1`` as a subprocess,
  whose time includes the interpreter's start (goal: no slower);
- ``Archive(root).between(day, day)`` for one day against a full iteration (goal:
  under 1%), with the number of files it opened, which must be that day's alone.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import newsfmt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from make_archive import generate


def plain_loop(root: str) -> int:
    """The floor: walk with scandir, read each file, parse its bytes."""
    count = 0
    stack = [root]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as listing:
            for item in listing:
                if item.is_dir():
                    stack.append(item.path)
                elif item.name.endswith(".md") and item.name != "index.md":
                    with open(item.path, "rb") as file:
                        newsfmt.parse_bytes(file.read())
                    count += 1
    return count


def best(function: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 entries, for CI")
    count = 1_000 if parser.parse_args().quick else 20_000
    with tempfile.TemporaryDirectory() as folder:
        root = str(Path(folder) / "archive")
        generate(Path(root), count)
        archive = newsfmt.Archive(root)
        assert plain_loop(root) == sum(1 for _ in archive.entries()) == count
        floor = entries = float("inf")
        for _ in range(5):  # interleaved, so that a busy moment of the machine hits both
            floor = min(floor, best(lambda: plain_loop(root), 1))
            entries = min(entries, best(lambda: sum(1 for _ in newsfmt.Archive(root).entries()), 1))
        check = best(lambda: list(newsfmt.Archive(root).check(jobs=1)), 3)
        command = [sys.executable, "-m", "newsfmt", "validate", "-q", "-j", "1", "--no-cache", root]
        validate = best(lambda: subprocess.run(command, check=False, stdout=subprocess.DEVNULL), 3)
        days = sorted({entry.date for entry in archive.entries()})
        day = days[len(days) // 2]
        opened: list[str] = []
        original = os.open

        def counting(path: str, *arguments: Any, **options: Any) -> int:  # every file read goes through os.open
            opened.append(path)
            return original(path, *arguments, **options)

        os.open = counting  # type: ignore[assignment]
        try:
            one_day = list(archive.between(day, day))
        finally:
            os.open = original
        in_day = sum(1 for entry in archive.entries() if entry.date == day)
        between = best(lambda: list(newsfmt.Archive(root).between(day, day)), 5)
        full = best(lambda: list(newsfmt.Archive(root)), 3)
    print(f"{count:,} entries")
    print("| what | time | against | ratio | goal |")
    print("| --- | ---: | ---: | ---: | --- |")
    rows = [
        ("`Archive.entries()`", f"{entries:.3f} s", f"scandir + read + parse_bytes: {floor:.3f} s", entries / floor),
        ("`Archive.check(jobs=1)`", f"{check:.3f} s", f"`newsfmt validate -j 1`: {validate:.3f} s", check / validate),
    ]
    for what, time_, against, ratio in rows:
        print(f"| {what} | {time_} | {against} | {ratio:.2f}x | {1.25 if 'entries' in what else 1.0:.2f}x |")
    print(
        f"| `Archive.between(day, day)` | {between * 1000:.1f} ms | full iteration: {full:.3f} s | "
        f"{between / full:.2%} | under 1% |"
    )
    print(f"files opened for {day.isoformat()}: {len(opened)}; its entries: {in_day}; records: {len(one_day)}")
    assert len(opened) == in_day == len(one_day), "between() opened files outside its day"


if __name__ == "__main__":
    main()
