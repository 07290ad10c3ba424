"""The fast paths of issue 17 change no finding: a seeded broken archive against the findings recorded before them.

tests/data/broken_archive_findings.json holds what newsfmt 4c6663c (before the fast paths, the pool's new
results and the cache) found on ``broken_archive.make``'s archive, checked from inside the archive and from
its parent folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import newsfmt

from .broken_archive import make

GOLDEN = Path(__file__).parent / "data" / "broken_archive_findings.json"
EVERY_CODE = ["NF0", "NF1", "NF2", "NF3"]  # NF307 is opt-in; NF4xx render Markdown, unchanged here


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("broken")
    make(root / "a")
    return root


@pytest.fixture
def inside(broken: Path) -> Iterator[Path]:
    here = os.getcwd()
    os.chdir(broken)
    try:
        yield broken
    finally:
        os.chdir(here)


def _lines(findings: Iterator[newsfmt.Finding]) -> list[str]:
    return [str(finding) for finding in sorted(findings, key=lambda f: (f.path, f.line, f.column, f.code))]


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_findings_are_those_recorded_before_the_fast_paths(inside: Path, jobs: int, where: str) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))[where]
    if where == "inside":
        os.chdir(inside / "a")
    files = newsfmt.find_files(["." if where == "inside" else "a"])
    assert _lines(newsfmt.check_files(files, select=EVERY_CODE, jobs=jobs)) == expected
    codes = {line.split(": ")[2].split()[0] for line in expected}
    assert {"NF301", "NF302", "NF303", "NF304", "NF305", "NF306", "NF307", "NF308"} <= codes  # the data covers them


def test_the_command_prints_the_recorded_findings(broken: Path) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))["outside"]
    command = [sys.executable, "-m", "newsfmt", "validate", "-j", "2", "--select", ",".join(EVERY_CODE), "a"]
    run = subprocess.run(command, cwd=broken, capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert run.stdout.splitlines() == expected
