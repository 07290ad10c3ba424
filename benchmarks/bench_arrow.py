"""Entries as Arrow tables and Parquet files, against the JSON the same run writes.

    python benchmarks/bench_arrow.py            # 20,000 entries
    python benchmarks/bench_arrow.py --quick    # 1,000 entries, for CI

Two ratios, each measured in one run, best of interleaved rounds: ``to_arrow`` of
the entries against ``[to_dict(e) for e in entries]`` (goal 1.5x), and
``newsfmt to-json --output-format parquet -o FILE`` against ``newsfmt to-json >
/dev/null`` on the same archive (goal 1.3x).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import newsfmt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from bench_archive import best  # the same timing as the archive's benchmark, this script's neighbour
from make_archive import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 entries, for CI")
    count = 1_000 if parser.parse_args().quick else 20_000
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "archive"
        generate(root, count)
        entries = list(newsfmt.Archive(root).entries())
        dicts = arrow = float("inf")
        for _ in range(5):  # interleaved, so that a busy moment of the machine hits both
            dicts = min(dicts, best(lambda: [newsfmt.to_dict(entry) for entry in entries], 1))
            arrow = min(arrow, best(lambda: newsfmt.to_arrow(entries), 1))
        out = Path(folder) / "out.parquet"
        command = [sys.executable, "-m", "newsfmt", "to-json", "-q", str(root)]
        to_parquet = [*command, "--output-format", "parquet", "-o", str(out)]
        json_time = parquet = float("inf")
        for _ in range(3):
            json_time = min(json_time, best(lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL), 1))
            parquet = min(parquet, best(lambda: subprocess.run(to_parquet, check=True), 1))
        size = out.stat().st_size
    print(f"{count:,} entries; Parquet file {size / 1e6:.1f} MB")
    print("| what | time | against | ratio | goal |")
    print("| --- | ---: | ---: | ---: | --- |")
    rows = [
        ("`to_arrow(entries)`", arrow, f"`[to_dict(e) for e in entries]`: {dicts:.3f} s", arrow / dicts, "1.5x"),
        (
            "`to-json --output-format parquet -o F`",
            parquet,
            f"`to-json > /dev/null`: {json_time:.3f} s",
            parquet / json_time,
            "1.3x",
        ),
    ]
    for what, seconds, against, ratio, goal in rows:
        print(f"| {what} | {seconds:.3f} s | {against} | {ratio:.2f}x | {goal} |")


if __name__ == "__main__":
    main()
