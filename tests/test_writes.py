"""Writes never damage the archive: `newsfmt fmt` killed with SIGKILL at random moments."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsfmt._atomic import TEMPORARY

from .test_format import SAMPLE, TOLERATED

OLD = TOLERATED["crlf line endings"].encode()
NEW = SAMPLE.encode()


def kill_fmt_repeatedly(root: Path, kills: int, files: int) -> int:
    """Kill `newsfmt fmt` at random moments, then check every file; returns the kills that hit a running fmt."""
    folder = root / "news/2016/04/8"
    folder.mkdir(parents=True)
    for number in range(files):
        (folder / f"entry-{number:04d}.md").write_bytes(OLD)
    rng = random.Random(2016)
    hits = 0
    for _ in range(kills):
        # Its own session, so that the kill takes the pool's workers too, as a killed CI job would.
        process = subprocess.Popen(
            [sys.executable, "-m", "newsfmt", "fmt", "-q", "-j", "2"], cwd=root, start_new_session=True
        )
        time.sleep(rng.uniform(0.05, 0.5))
        if process.poll() is None:
            hits += 1
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        for path in folder.iterdir():
            if TEMPORARY.fullmatch(path.name):
                continue  # left by the kill; the next run removes it
            assert path.read_bytes() in (OLD, NEW), f"{path} is damaged"
        for path in folder.iterdir():  # start again from the old bytes, so every run has work to do
            if not TEMPORARY.fullmatch(path.name) and rng.random() < 0.5:
                path.write_bytes(OLD)
    finished = subprocess.run([sys.executable, "-m", "newsfmt", "fmt", "-q"], cwd=root, check=False)
    assert finished.returncode == 0
    assert sorted(path.read_bytes() == NEW for path in folder.iterdir()) == [True] * files  # and no temporaries
    return hits


def test_fmt_killed_at_random_moments_leaves_old_or_new_bytes(tmp_path: Path) -> None:
    assert kill_fmt_repeatedly(tmp_path, kills=4, files=1500) >= 1


@pytest.mark.slow
def test_fmt_killed_many_times_leaves_old_or_new_bytes(tmp_path: Path) -> None:
    hits = kill_fmt_repeatedly(tmp_path, kills=40, files=3000)
    print(f"{hits} of 40 kills hit a running fmt")
    assert hits >= 20
