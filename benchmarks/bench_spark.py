"""Spark's ``format("newsfmt")`` read against the ``binaryFiles`` recipe, and the files a one-day filter opens.

    python benchmarks/bench_spark.py            # 20,000 entries
    python benchmarks/bench_spark.py --quick    # 1,000 entries

Needs the [spark] extra and Java. One local session (``local[2]``), one run:
after one job that starts the Python workers, each read (a full count, and a
count of one day's rows) is timed, the two ways in turn: newsfmt's best of 2,
the recipe's once. The
``binaryFiles`` recipe is what users wrote before the data source:
``sc.binaryFiles`` over the day folders, ``newsfmt.parse_bytes`` in a map, a
filter on the date in Python (given ``minPartitions``, a split a 100 files). Its
time grows faster than the files: each file of a split reads the whole split's
description again (Spark's ``PortableDataStream``), so on 20,000 files a count
ran for over 45 minutes; the script cancels it after 300 s and says so. The files each one-day read opens
are counted by running it again in a child process under ``strace -f`` (the
JVM and the Python workers both), when strace is installed.
"""

from __future__ import annotations

import argparse
import datetime
import glob
import os
import re
import shutil
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


def session() -> Any:
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers need this environment's newsfmt
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("newsfmt-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.python.filterPushdown.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    newsfmt.spark.register(spark)
    return spark


def _date_or_none(pair: tuple[str, bytes]) -> datetime.date | None:
    try:
        return newsfmt.parse_bytes(pair[1], path=pair[0]).date
    except newsfmt.ParseError:
        return None


def source_count(spark: Any, root: str, day: datetime.date | None) -> int:
    from pyspark.sql.functions import col

    frame = spark.read.format("newsfmt").load(root)
    return int((frame if day is None else frame.where(col("date") == day)).count())


def binary_files_count(spark: Any, root: str, day: datetime.date | None) -> int:
    """The recipe; cancelled after LIMIT seconds (-1): on 20,000 files it runs for tens of minutes."""
    import threading

    context = spark.sparkContext
    context.setJobGroup("recipe", "binaryFiles", interruptOnCancel=True)
    timer = threading.Timer(LIMIT, context.cancelJobGroup, args=("recipe",))
    timer.start()
    try:
        splits = max(1, len(glob.glob(f"{root}/news/*/*/*/*.md")) // 100)
        dates = context.binaryFiles(f"{root}/news/*/*/*/*.md", minPartitions=splits).map(_date_or_none)
        return int(dates.filter(lambda date: date is not None if day is None else date == day).count())
    except Exception:  # the job cancelled at the limit
        return -1
    finally:
        timer.cancel()
        context.setLocalProperty("spark.jobGroup.id", None)


LIMIT = 300.0


WAYS: dict[str, Callable[[Any, str, datetime.date | None], int]] = {
    "newsfmt": source_count,
    "binaryFiles": binary_files_count,
}


def best(function: Callable[[], int], rounds: int = 2) -> tuple[float, int]:
    times, result = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def files_opened(way: str, root: str, day: datetime.date) -> int | None:
    """The entry files (``*.md`` under ``root``) a one-day read opens, counted by strace in a child process."""
    if shutil.which("strace") is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "trace"
        command = [sys.executable, __file__, "--child", way, root, day.isoformat()]
        trace = ["strace", "-f", "-qq", "-e", "trace=open,openat", "-o", str(log), *command]
        subprocess.run(trace, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        opened = re.findall(r'open(?:at)?\((?:[^,]*, )?"([^"]+\.md)"', log.read_text(errors="replace"))
    return len({path for path in opened if path.startswith(root) and not path.endswith("/index.md")})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 entries")
    parser.add_argument("--child", nargs=3, metavar=("WAY", "ROOT", "DAY"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    import newsfmt.spark  # here, so that the message of a missing extra comes first

    if arguments.child:
        way, root, day = arguments.child
        spark = session()
        WAYS[way](spark, root, datetime.date.fromisoformat(day))
        spark.stop()
        return
    count = 1_000 if arguments.quick else 20_000
    with tempfile.TemporaryDirectory() as folder:
        root = str(Path(folder) / "archive")
        generate(Path(root), count)
        days = list(newsfmt.Archive(root).days())
        day = days[len(days) // 2][0]
        spark = session()
        source_count(spark, root, day)  # the Python workers start on the first job
        rows: list[tuple[str, str, float, int]] = []
        for label, one_day in (("count", None), (f"one day ({day})", day)):
            for way, function in WAYS.items():
                rounds = 2 if way == "newsfmt" else 1
                seconds, result = best(lambda f=function, d=one_day: f(spark, root, d), rounds)  # type: ignore[misc]
                rows.append((label, way, seconds, result))
        spark.stop()
        # The recipe reads every file's bytes by construction; strace counts it in the --quick run, where it is fast.
        opened = {way: files_opened(way, root, day) if way == "newsfmt" or count <= 1_000 else None for way in WAYS}
    print(f"{count:,} entries in {len(days):,} day folders; Spark {spark_version()}, local[2]")
    print('| read | `format("newsfmt")` | `binaryFiles` + `parse_bytes` | ratio | rows |')
    print("| --- | ---: | ---: | ---: | ---: |")
    for index in range(0, len(rows), 2):
        (label, _, ours, result), (_, _, theirs, other) = rows[index], rows[index + 1]
        if other < 0:  # cancelled at the limit
            ratio = f"under {ours / LIMIT:.3f}x"
            print(f"| {label} | {ours:.2f} s | over {LIMIT:.0f} s (cancelled) | {ratio} | {result:,} |")
            continue
        assert result == other, f"{label}: the two ways disagree ({result} against {other} rows)"
        print(f"| {label} | {ours:.2f} s | {theirs:.2f} s | {ours / theirs:.2f}x | {result:,} |")
    shown = {way: "not counted" if n is None else f"{n:,} of {count:,}" for way, n in opened.items()}
    print(
        f'files opened for the one-day read: format("newsfmt") {shown["newsfmt"]}, binaryFiles {shown["binaryFiles"]}'
    )


def spark_version() -> str:
    import pyspark

    return str(pyspark.__version__)


if __name__ == "__main__":
    main()
