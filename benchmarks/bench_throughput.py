"""Archive throughput against the I/O floor, in one run: the goals of issue 17, each as a ratio.

    python benchmarks/bench_throughput.py            # 20,000 and 100,000 entries (minutes)
    python benchmarks/bench_throughput.py --quick    # 1,000 and 5,000 entries

On a seeded archive (examples/make_archive.py) it measures, each the minimum of
interleaved rounds:

- the I/O floor: a ``scandir`` walk that reads every file's bytes, in this process, and the same walk with each
  file decoded and parsed (what any check must do at least);
- ``newsfmt validate -j 1`` and ``newsfmt to-json -j 1`` as subprocesses (per file, and as a multiple of the floor;
  goals 4x and 3.5x), with ``--no-cache`` so that every file is checked;
- the pool: ``-j 1`` against ``-j 2``, wall and CPU time, and the main process's share of the CPU (the workers'
  CPU time comes from the kernel's accounting of the children the main process waited for; goal: the main process
  under 15% of the workers, ``-j 2`` at least 1.6x faster where the machine has two free cores);
- the cache: a warm ``newsfmt validate`` on the unchanged archive (goal: within 2x the floor);
- memory: the peak PSS of ``newsfmt validate -j 2``'s process tree at both sizes (goal: within 20%);
- startup: ``newsfmt validate ONE.md`` against ``python -c "import attrs"`` (goal: 1.5x);
- the peer: ``mdformat --check`` against ``newsfmt validate`` on the archive and on 1,000 files (goals: 50x and 30x).

Every command runs with its modules' bytecode compiled, as pip leaves an install (the script compiles it
first and lets the commands write it, whatever ``PYTHONDONTWRITEBYTECODE`` says).

``--before SRC`` adds, interleaved with the rest, ``validate`` and ``to-json`` of another newsfmt's source
(``python -m newsfmt`` with ``PYTHONPATH=SRC``; say ``git worktree add /tmp/before 4c6663c`` and ``/tmp/before/src``),
so that a change is measured against the code before it on the machine as it is. A newsfmt that has a cache is
run with ``--no-cache`` there too, and its warm cache is timed as well.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from bench_cli import _script, median_time, tree_memory
from make_archive import generate

HERTZ = os.sysconf("SC_CLK_TCK")


def entry_files(root: Path) -> Iterator[str]:
    """The entry files under ``root``, by a plain ``scandir`` walk: the least any tool must do to find them."""
    stack = [str(root)]
    while stack:
        with os.scandir(stack.pop()) as listing:
            for item in listing:
                if item.is_dir():
                    stack.append(item.path)
                elif item.name.endswith(".md") and item.name != "index.md":
                    yield item.path


def io_floor(root: Path) -> int:
    """Walk with scandir and read every entry file's bytes: what any tool must do."""
    count = 0
    for path in entry_files(root):
        with open(path, "rb") as file:
            file.read()
        count += 1
    return count


def read_and_parse(root: Path) -> int:
    """The floor of a check: the I/O floor's walk and reads, each file decoded and parsed, in this process."""
    import newsfmt

    count = 0
    for path in entry_files(root):
        with open(path, "rb") as file:
            newsfmt.parse(file.read().decode("utf-8"))
        count += 1
    return count


def run(
    command: list[str], cwd: Path, memory: bool = False, environment: dict[str, str] | None = None
) -> tuple[float, float, float, int]:
    """Wall seconds, the main process's CPU seconds, its children's CPU seconds, peak tree PSS (bytes) of one run."""
    peak = 0
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_memory(process.pid)[0])
            time.sleep(0.02)

    sampler = threading.Thread(target=sample) if memory else None
    if sampler:
        sampler.start()
    os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)  # a zombie still shows its CPU times
    seconds = time.perf_counter() - start
    with open(f"/proc/{process.pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / HERTZ
    children = (int(fields[13]) + int(fields[14])) / HERTZ
    process.wait()
    done.set()
    if sampler:
        sampler.join()
    return seconds, own, children, peak


def best(results: list[tuple[float, float, float, int]]) -> tuple[float, float, float, int]:
    fastest = min(results)
    return fastest[0], fastest[1], fastest[2], max(result[3] for result in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 and 5,000 entries")
    parser.add_argument("--before", metavar="SRC", help="also time the newsfmt whose source is in SRC")
    options = parser.parse_args()
    quick = options.quick
    # As pip leaves an install: the modules' bytecode compiled once, not compiled anew by every run (a machine that
    # sets PYTHONDONTWRITEBYTECODE, as this project's does, would otherwise add some 26 ms to every command).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    import compileall

    import newsfmt as installed

    compileall.compile_dir(os.path.dirname(installed.__file__), quiet=1)
    if options.before:
        compileall.compile_dir(options.before, quiet=1)
    count, large = (1_000, 5_000) if quick else (20_000, 100_000)
    rounds = 3 if quick else 5
    newsfmt = _script("newsfmt") or "newsfmt"
    mdformat = _script("mdformat")
    work = Path(tempfile.mkdtemp(prefix="newsfmt-bench-"))
    try:
        archive = work / "archive"
        generate(archive, count)
        commands = {
            "validate -j 1": [newsfmt, "validate", "-q", "-j", "1", "--no-cache", "."],
            "to-json -j 1": [newsfmt, "to-json", "-j", "1", "."],
            "validate -j 2": [newsfmt, "validate", "-q", "-j", "2", "--no-cache", "."],
            "to-json -j 2": [newsfmt, "to-json", "-j", "2", "."],
            "validate, warm cache": [newsfmt, "validate", "-q", "-j", "2", "."],
        }
        before = None
        if options.before:
            before = {**os.environ, "PYTHONPATH": os.path.abspath(options.before)}
            sources = Path(options.before, "newsfmt").rglob("*.py")
            cached = any("--no-cache" in source.read_text(encoding="utf-8") for source in sources)
            no_cache = ["--no-cache"] if cached else []  # a newsfmt with a cache: checked without it, as above
            module = [sys.executable, "-m", "newsfmt"]
            commands["validate -j 1, before"] = [*module, "validate", "-q", "-j", "1", *no_cache, "."]
            commands["to-json -j 1, before"] = [*module, "to-json", "-j", "1", "."]
            commands["validate -j 2, before"] = [*module, "validate", "-q", "-j", "2", *no_cache, "."]
            if cached:
                commands["validate, warm cache, before"] = [*module, "validate", "-q", "-j", "2", "."]
        subprocess.run(commands["validate, warm cache"], cwd=archive, stdout=subprocess.DEVNULL, check=False)
        floors: list[float] = []
        parses: list[float] = []
        times: dict[str, list[tuple[float, float, float, int]]] = {name: [] for name in commands}
        for _ in range(rounds):  # interleaved, so that a busy moment of the machine weighs on all alike
            began = time.perf_counter()
            io_floor(archive)
            floors.append(time.perf_counter() - began)
            began = time.perf_counter()
            read_and_parse(archive)
            parses.append(time.perf_counter() - began)
            for name, command in commands.items():
                times[name].append(run(command, archive, environment=before if name.endswith("before") else None))
        floor = min(floors)
        print(f"Archive: {count:,} entries; {os.cpu_count()} cores; minimum of {rounds} interleaved rounds.\n")
        print("| what | wall | per file | / I/O floor | CPU: main | CPU: workers | goal |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        print(f"| I/O floor: scandir + read | {floor:.3f} s | {floor / count * 1e6:.1f} µs | 1.00x | | | |")
        parse = min(parses)
        print(
            f"| read + decode + `newsfmt.parse`, one process | {parse:.3f} s | {parse / count * 1e6:.1f} µs |"
            f" {parse / floor:.2f}x | | | |"
        )
        goals = {"validate -j 1": "4x", "to-json -j 1": "3.5x", "validate, warm cache": "2x"}
        summary = {name: best(results) for name, results in times.items()}
        for name, (seconds, own, children, _) in summary.items():
            per_file = f"{seconds / count * 1e6:.1f} µs"
            shown = (
                f"`newsfmt {name.removesuffix(', before')}`, before" if name.endswith("before") else f"`newsfmt {name}`"
            )
            print(
                f"| {shown} | {seconds:.3f} s | {per_file} | {seconds / floor:.2f}x | {own:.2f} s |"
                f" {children:.2f} s | {goals.get(name, '')} |"
            )
        print()
        for kind in ("validate", "to-json"):
            one, two = summary[f"{kind} -j 1"], summary[f"{kind} -j 2"]
            share = two[1] / two[2] if two[2] else float("nan")
            print(
                f"Pool, {kind}: -j 2 is {one[0] / two[0]:.2f}x as fast as -j 1 (goal 1.6x);"
                f" main process CPU {share:.0%} of the workers' (goal under 15%)."
            )

        peaks = {}
        generate(work / "large", large, seed=1)
        for size, folder in ((count, archive), (large, work / "large")):
            peaks[size] = run([newsfmt, "validate", "-q", "-j", "2", "--no-cache", "."], folder, memory=True)
        (small_seconds, *_, small_peak), (large_seconds, *_, large_peak) = peaks.values()
        print(
            f"\nMemory, `newsfmt validate -j 2` peak PSS of the process tree: {small_peak / 1e6:.0f} MB at"
            f" {count:,} files ({small_seconds:.1f} s), {large_peak / 1e6:.0f} MB at {large:,} ({large_seconds:.1f} s):"
            f" {large_peak / small_peak:.2f}x (goal within 20%)."
        )

        single = next((archive / "news").rglob("*.md"))
        starts = {
            "import attrs": median_time([sys.executable, "-c", "import attrs"], 21),
            "validate ONE.md": median_time([newsfmt, "validate", "-q", "--no-cache", str(single)], 21),
        }
        attrs_time, one_time = starts.values()
        print(
            f"\nStartup, median of 21: `newsfmt validate ONE.md` {one_time * 1000:.1f} ms, `python -c 'import attrs'`"
            f" {attrs_time * 1000:.1f} ms: {one_time / attrs_time:.2f}x (goal 1.5x)."
        )

        if not mdformat:
            print("\n(mdformat is not installed: pip install mdformat to compare with it.)")
            return
        small = work / "small"
        generate(small, 1_000, seed=3)
        print()
        for size, folder, goal in ((count, archive, 50), (1_000, small, 30)):
            cold = min(run([newsfmt, "validate", "-q", "--no-cache", "."], folder)[0] for _ in range(3))
            warm_command = [newsfmt, "validate", "-q", f"--cache-dir={work / 'peer-cache'}", "."]
            run(warm_command, folder)
            warm = min(run(warm_command, folder)[0] for _ in range(3))
            theirs = run([mdformat, "--check", "."], folder)[0]
            print(
                f"Peer, {size:,} files: `mdformat --check` {theirs:.2f} s; `newsfmt validate --no-cache` {cold:.2f} s,"
                f" {theirs / cold:.0f}x; `newsfmt validate`, its cache warm, {warm:.2f} s, {theirs / warm:.0f}x"
                f" (goal {goal}x)."
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
