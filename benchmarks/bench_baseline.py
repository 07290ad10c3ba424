"""What a baseline costs: ``newsfmt validate --baseline`` against plain ``validate``, in one run.

    python benchmarks/bench_baseline.py            # 20,000 entries, 10,000 of them with a finding
    python benchmarks/bench_baseline.py --quick    # 1,000 entries

Half the files of a generated archive lose the space that ends their headline
line (NF207), and a baseline records those findings; then ``validate`` and
``validate --baseline`` (which reports nothing) run in turn, best of 3 each.
Goal: the baseline costs under 10% over plain ``validate``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

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
        for number, path in enumerate(sorted(root.rglob("*.md"))):
            if number % 2 == 0 and path.name != "index.md":
                lines = path.read_text(encoding="utf-8").split("\n")
                lines[2] = lines[2].rstrip()  # the headline line: NF207
                path.write_text("\n".join(lines), encoding="utf-8")
        baseline = Path(folder) / "baseline.json"
        command = [sys.executable, "-m", "newsfmt", "validate", "-q", "--no-cache", "--ignore", "NF3", str(root)]
        subprocess.run([*command, "--baseline", str(baseline), "--update-baseline"], check=True)
        held = baseline.read_text(encoding="utf-8").count("\n") - 1
        plain = with_baseline = float("inf")
        for _ in range(3):
            plain = min(plain, best(lambda: subprocess.run(command, stdout=subprocess.DEVNULL), 1))
            run = [*command, "--baseline", str(baseline)]
            with_baseline = min(with_baseline, best(lambda: subprocess.run(run, check=True), 1))  # noqa: B023
    print(f"{count:,} entries; the baseline holds {held:,} findings")
    print("| what | time | against | ratio | goal |")
    print("| --- | ---: | ---: | ---: | --- |")
    ratio = with_baseline / plain
    print(f"| `validate --baseline` | {with_baseline:.3f} s | `validate`: {plain:.3f} s | {ratio:.2f}x | under 1.10x |")


if __name__ == "__main__":
    main()
