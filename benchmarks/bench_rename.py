"""What a rename costs: ``newsfmt mv`` of an entry that 500 others link to, against ``newsfmt validate``, in one run.

    python benchmarks/bench_rename.py            # 20,000 entries, 500 backlinks
    python benchmarks/bench_rename.py --quick    # 1,000 entries, 50 backlinks

One entry of a generated archive gets a related link from 500 others; then
``newsfmt validate`` of the archive and ``newsfmt mv`` of that entry (to a shorter
name and back, so each run has the same work: find the backlinks, journal, write
501 files) run in turn, best of 3 each. Goal: the rename under 2x ``validate``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import attrs

import newsfmt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from bench_archive import best  # the same timing as the archive's benchmark, this script's neighbour
from make_archive import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 entries, for CI")
    quick = parser.parse_args().quick
    count, linkers = (1_000, 50) if quick else (20_000, 500)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "archive"
        generate(root, count)
        records = [record for record in newsfmt.Archive(root) if record.entry is not None]
        target = records[len(records) // 2]
        assert target.entry is not None
        link = newsfmt.Related(title=target.entry.headline, path=target.path)
        for record in records[:linkers]:
            assert record.entry is not None
            newsfmt.write(attrs.evolve(record.entry, related=[*record.entry.related, link]), record.file)
        assert len(newsfmt.Archive(root).backlinks(target.path)) >= linkers
        old = target.file
        new = str(Path(old).with_name(Path(old).name.split("-")[0] + ".md"))
        validate = [sys.executable, "-m", "newsfmt", "validate", "-q", "--no-cache", "--exit-zero", str(root)]
        plain = renamed = float("inf")
        for _ in range(3):
            plain = min(plain, best(lambda: subprocess.run(validate, check=True, stdout=subprocess.DEVNULL), 1))
            there = [sys.executable, "-m", "newsfmt", "mv", "-q", old, new]
            back = [sys.executable, "-m", "newsfmt", "mv", "-q", new, old]
            renamed = min(renamed, best(lambda: subprocess.run(there, check=True), 1))  # noqa: B023
            subprocess.run(back, check=True)
    print(f"{count:,} entries; the renamed entry has {linkers:,} backlinks")
    print("| what | time | against | ratio | goal |")
    print("| --- | ---: | ---: | ---: | --- |")
    ratio = renamed / plain
    print(f"| `newsfmt mv` | {renamed:.3f} s | `newsfmt validate`: {plain:.3f} s | {ratio:.2f}x | under 2x |")


if __name__ == "__main__":
    main()
