"""Time `newsfmt validate` on a generated archive against `mdformat --check`, in the same run.

    python benchmarks/bench_cli.py            # 20,000 entries, and 100,000 for memory (minutes)
    python benchmarks/bench_cli.py --quick    # 1,000 entries, and 5,000 for memory

It writes a seeded archive of entries of the example's sizes into a temporary
folder, then times each command end to end as a subprocess (best of 3; newsfmt
with ``--no-cache``, so that every file is checked, and once with its cache warm), with
the peak memory of its whole process tree (main process and pool workers,
sampled from /proc every 20 ms, as PSS and as RSS). mdformat (the `dev` extra) is the Markdown
tool an archive keeper would otherwise reach for. Last, it times
`newsfmt validate` on one file against `python -c "import attrs"`. Commands run with their bytecode compiled,
as pip leaves an install.
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
from pathlib import Path

# The archive generator is an example script, for the cookbook's readers too.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from make_archive import generate


def tree_memory(pid: int) -> tuple[int, int]:
    """PSS and RSS of a process and its descendants, in bytes.

    PSS splits each shared page between the processes that share it, so it adds
    up across a process tree; RSS counts the interpreter's shared pages once a process.
    """
    pss = rss = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith(("Pss:", "Rss:")):
                        kilobytes = int(line.split()[1]) * 1024
                        pss, rss = (pss + kilobytes, rss) if line.startswith("Pss:") else (pss, rss + kilobytes)
            with open(f"/proc/{current}/task/{current}/children") as children:
                stack.extend(int(child) for child in children.read().split())
        except OSError:
            continue
    return pss, rss


def measure(command: list[str], cwd: Path) -> tuple[float, tuple[int, int], int]:
    """Seconds, peak PSS and RSS of the process tree, and exit code of one run."""
    peak = (0, 0)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            pss, rss = tree_memory(process.pid)
            peak = (max(peak[0], pss), max(peak[1], rss))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    code = process.wait()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return seconds, peak, code


def median_time(command: list[str], runs: int) -> float:
    """The median wall time of ``runs`` runs of a command, its output dropped."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - began)
    return sorted(times)[runs // 2]


def best_of(command: list[str], cwd: Path, runs: int) -> tuple[float, tuple[int, int], int]:
    results = [measure(command, cwd) for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results), results[0][2]


def _script(name: str) -> str | None:
    """A console script beside this interpreter (a venv that is not activated), else on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 entries and 5,000 for memory")
    quick = parser.parse_args().quick
    # As pip leaves an install: bytecode compiled once (this machine sets PYTHONDONTWRITEBYTECODE, which would make
    # every command compile newsfmt anew, some 26 ms a run).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    import compileall

    import newsfmt

    compileall.compile_dir(os.path.dirname(newsfmt.__file__), quiet=1)
    count, memory_count = (1_000, 5_000) if quick else (20_000, 100_000)
    newsfmt_command = [_script("newsfmt") or "newsfmt"]
    mdformat = _script("mdformat")
    work = Path(tempfile.mkdtemp(prefix="newsfmt-bench-"))
    try:
        size = generate(work / "archive", count)
        print(f"Archive: {count:,} entries, {size / 1e6:.1f} MB, seed 2016; {os.cpu_count()} cores; best of 3 runs.\n")
        print("| command | time | files per second | peak memory: PSS (RSS) | exit | / newsfmt's time |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        rows = [("`newsfmt validate -j 2`", [*newsfmt_command, "validate", "-j", "2", "-q", "--no-cache", "."])]
        rows.append(("`newsfmt validate -j 1`", [*newsfmt_command, "validate", "-j", "1", "-q", "--no-cache", "."]))
        warm = [*newsfmt_command, "validate", "-j", "2", "-q", f"--cache-dir={work / 'cache'}", "."]
        subprocess.run(warm, cwd=work / "archive", stdout=subprocess.DEVNULL, check=False)  # the cache, made
        rows.append(("`newsfmt validate -j 2`, its cache warm", warm))
        markdown = [*newsfmt_command, "validate", "-j", "2", "-q", "--no-cache", "--select", "NF,NF4", "."]
        rows.append(("`newsfmt validate -j 2 --select NF,NF4` (Markdown checks)", markdown))
        if mdformat:
            rows.append(("`mdformat --check`", [mdformat, "--check", "."]))
        baseline = None
        for name, command in rows:
            slow = "mdformat" in name or "NF4" in name  # one run of these is enough at full size
            seconds, peak, code = best_of(command, work / "archive", 1 if slow and not quick else 3)
            baseline = baseline or seconds
            speed, ratio = f"{count / seconds:,.0f}", f"{seconds / baseline:.1f}x"
            memory = f"{peak[0] / 1e6:.0f} MB ({peak[1] / 1e6:.0f} MB)"
            print(f"| {name} | {seconds:.2f} s | {speed} | {memory} | {code} | {ratio} |")
        if not mdformat:
            print("\n(mdformat is not installed: pip install mdformat to time it too.)")

        generate(work / "memory", memory_count, seed=1)
        memory_command = [*newsfmt_command, "validate", "-j", "2", "-q", "--no-cache", "."]
        seconds, peak, code = measure(memory_command, work / "memory")
        print(f"\nMemory: `newsfmt validate -j 2` on {memory_count:,} files: {seconds:.1f} s, ", end="")
        print(f"peak {peak[0] / 1e6:.0f} MB PSS ({peak[1] / 1e6:.0f} MB RSS) for the process tree.")

        one = next((work / "archive" / "news").rglob("*.md"))
        start_times = {
            "import attrs": median_time([sys.executable, "-c", "import attrs"], 15),
            "validate ONE.md": median_time([*newsfmt_command, "validate", "-q", "--no-cache", str(one)], 15),
        }
        attrs_time, one_time = start_times.values()
        print(f"\nOne file: median of 15 runs, `newsfmt validate ONE.md` {one_time * 1000:.0f} ms, ", end="")
        print(f"`python -c 'import attrs'` {attrs_time * 1000:.0f} ms: {one_time / attrs_time:.2f}x.")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
