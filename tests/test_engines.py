"""The Ray Data and Apache Beam recipes of docs/scale.md, run as the page gives them, on a generated archive.

Ray runs where it is installed (CI installs it with [dev]). Apache Beam pins a
pyarrow older than newsfmt's [arrow] extra's newest, so it lives in an
environment of its own: the test runs the recipe with the Python that
``NEWSFMT_BEAM_PYTHON`` names (CI makes one), or with this one if it has Beam.
"""

from __future__ import annotations

import datetime
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import newsfmt

EXAMPLES = Path(__file__).parent.parent / "examples"
BROKEN = 'NF101 expected the date line "### [YYYY-MM-DD](/news/YYYY/MM/D/index.md)", found "broken"'
LATIN = "NF002 expected UTF-8 text, found the byte 0xE9"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Sixty entries over two months, a broken file and a file that is not UTF-8."""
    root = tmp_path / "archive"
    for number in range(60):
        date = datetime.date(2016, 4, 1) + datetime.timedelta(days=number * 3 % 50)
        newsfmt.write_to_archive(newsfmt.Entry(date=date, headline=f"Entry {number}"), root)
    (root / "news/2016/04/2/broken.md").write_text("broken\n")
    (root / "news/2016/04/3/latin.md").write_bytes(b"\xe9\n")
    return root


def _expected(root: Path) -> list[tuple[str, newsfmt.Entry]]:
    return sorted((record.path, record.entry) for record in newsfmt.Archive(root) if record.entry is not None)


def test_the_ray_job_writes_the_entries_as_parquet_and_reports_the_errors(root: Path, tmp_path: Path) -> None:
    if importlib.util.find_spec("ray") is None:
        pytest.skip('the Ray recipe needs Ray Data: pip install "ray[data]" (CI installs it with [dev])')
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    command = [sys.executable, str(EXAMPLES / "ray_job.py"), str(root), str(out)]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        f"{root}/news/2016/04/2/broken.md: {BROKEN}",
        f"{root}/news/2016/04/3/latin.md: {LATIN}",
    ]
    table = pq.read_table(out)
    assert sorted(zip(table.column("path").to_pylist(), newsfmt.from_arrow(table), strict=True)) == _expected(root)


def beam_python() -> str | None:
    given = os.environ.get("NEWSFMT_BEAM_PYTHON")
    if given:
        return given
    return sys.executable if importlib.util.find_spec("apache_beam") is not None else None


def test_the_beam_job_writes_what_to_json_writes_and_reports_the_errors(root: Path, tmp_path: Path) -> None:
    python = beam_python()
    if python is None:
        pytest.skip(
            "the Beam recipe needs a Python with apache-beam and newsfmt: set NEWSFMT_BEAM_PYTHON to it "
            "(Beam pins pyarrow below 26, so it gets an environment of its own; CI makes .venv-beam)"
        )
    out = tmp_path / "out"
    result = subprocess.run(
        [python, str(EXAMPLES / "beam_job.py"), str(root), str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        f"{root}/news/2016/04/2/broken.md: {BROKEN}",
        f"{root}/news/2016/04/3/latin.md: {LATIN}",
    ]
    records = [json.loads(line) for line in Path(f"{out}.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted((r["path"], newsfmt.from_dict(r["entry"])) for r in records) == _expected(root)
    rebuilt = tmp_path / "rebuilt"
    back = subprocess.run(
        [sys.executable, "-m", "newsfmt", "from-json", f"{out}.jsonl", "--out-dir", str(rebuilt), "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert back.returncode == 0, back.stderr
    for path, _ in _expected(root):
        assert (rebuilt / path[1:]).read_bytes() == (root / path[1:]).read_bytes()
