"""How each command ends when it cannot do its work, in process: the exact line it prints and its exit code.

The subprocess tests (test_cli.py, test_reliability.py) run the real command; these reach the paths a
subprocess cannot easily provoke (an interrupt, a bug, a missing optional dependency) and pin every message.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

import newsfmt._cli.validate
import newsfmt._fix
from newsfmt._cli import main

from .test_cli import A_PATH, B_PATH, archive
from .test_format import SAMPLE


def run(capsys: pytest.CaptureFixture[str], *args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        code = main(list(args))
    except SystemExit as stop:  # argparse's usage errors
        code = int(stop.code or 0)
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("raised", "code", "said"),
    [
        (KeyboardInterrupt(), 130, ""),
        (BrokenPipeError(), 1, ""),
        (RuntimeError("boom"), 2, "newsfmt: internal error: RuntimeError: boom\n"),
        (PermissionError(13, "Permission denied", "out/x.json"), 2, "newsfmt: out/x.json: Permission denied\n"),
    ],
    ids=["interrupt", "broken-pipe", "bug", "os-error"],
)
def test_a_run_that_is_stopped_ends_in_one_line_and_its_exit_code(
    raised: BaseException,
    code: int,
    said: str,
    here: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def stopped(arguments: object) -> int:
        raise raised

    monkeypatch.setattr(newsfmt._cli.validate, "validate", stopped)
    assert run(capsys, "validate", ".") == (code, "", said)


def test_from_json_names_its_input_when_it_cannot_read_it(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parquet = pytest.importorskip("pyarrow.parquet", reason="the Parquet inputs need the [arrow] extra")
    import pyarrow

    (here / "bad.json").write_text("[1,")
    (here / "deep.json").write_text("[" * 100_000)
    (here / "x.parquet").write_bytes(b"PAR1 not really PAR1")
    parquet.write_table(pyarrow.table({"a": [1]}), here / "columns.parquet")
    said = {
        name: run(capsys, "from-json", "--out-dir", "out", name)
        for name in ("bad.json", "deep.json", "columns.parquet")
    }
    assert said == {
        "bad.json": (2, "", "newsfmt: bad.json: line 1: not JSON: Expecting value\n"),
        "deep.json": (2, "", "newsfmt: deep.json: not JSON that newsfmt can read: nested too deeply\n"),
        "columns.parquet": (
            2,
            "",
            "newsfmt: columns.parquet: expected a Parquet file with a path column, as to-json writes it\n",
        ),
    }
    code, out, err = run(capsys, "from-json", "--out-dir", "out", "x.parquet")
    assert (code, out) == (2, "") and err.startswith("newsfmt: x.parquet: not a Parquet file newsfmt can read: ")
    assert not (here / "out").exists()


def test_parquet_without_pyarrow_says_what_to_install(
    here: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    archive(here)
    (here / "x.parquet").write_bytes(b"PAR1 not really PAR1")
    for module in ("pyarrow", "pyarrow.parquet"):
        monkeypatch.setitem(sys.modules, module, None)  # as if it were not installed
    assert run(capsys, "from-json", "--out-dir", "out", "x.parquet") == (
        2,
        "",
        'newsfmt: reading Parquet needs pyarrow: pip install "newsfmt[arrow]"\n',
    )
    assert run(capsys, "to-json", "--output-format", "parquet", "-o", "all.parquet", "-j", "1", ".") == (
        2,
        "",
        'newsfmt: newsfmt\'s Arrow functions need pyarrow: pip install "newsfmt[arrow]"\n',
    )
    assert not (here / "all.parquet").exists()


def test_new_says_why_its_input_is_no_json_record(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "new", "-", stdin=b"{") == (
        2,
        "",
        "newsfmt: -: not a JSON record: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)\n",
    )
    assert run(capsys, "new", "-", stdin=b"\xff") == (
        2,
        "",
        "newsfmt: -: not a JSON record: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte\n",
    )
    assert list(here.iterdir()) == []


def test_usage_errors_name_the_option(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", "-j", "0", ".")
    assert (code, out) == (2, "")
    assert err.endswith("newsfmt validate: error: argument -j/--jobs: expected a whole number of 1 or more\n")
    assert run(capsys, "validate", "--fix", "--update-baseline", "--baseline", "b.json", ".") == (
        2,
        "",
        "newsfmt: --update-baseline records findings; fix them first, in a run of its own\n",
    )
    assert list(here.iterdir()) == []


def test_rule_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "rule", "--output-format", "json", "NF101")
    assert (code, err) == (0, "")
    rule = newsfmt.RULES["NF101"]
    assert json.loads(out) == {
        "code": "NF101",
        "name": "date-line",
        "severity": "error",
        "summary": rule.summary,
        "explanation": rule.explanation,
    }


def test_fmt_goes_on_past_a_file_it_cannot_write(
    here: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsfmt._cli.fmt

    (here / "a.md").write_text(SAMPLE + "\n")
    (here / "b.md").write_text(SAMPLE + "\n")
    real = newsfmt.write

    def full_disk(entry: newsfmt.Entry, path: str) -> None:
        if path.endswith("a.md"):
            raise OSError(28, "No space left on device")
        real(entry, path)

    monkeypatch.setattr(newsfmt._cli.fmt, "write", full_disk)
    code, out, err = run(capsys, "fmt", "-j", "1", ".")
    assert (code, out) == (1, "")
    assert err == (
        "a.md:1:1: error: NF007 cannot write the file: No space left on device\n"
        "1 file reformatted, 0 unchanged, 1 failed\n"
    )
    assert (here / "a.md").read_text() == SAMPLE + "\n" and (here / "b.md").read_text() == SAMPLE


def _changed_before_apply(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Plans apply only after ``path`` changes, as when an editor saves it between a plan and its writes."""
    real = newsfmt._fix.Plan.apply

    def apply(plan: newsfmt._fix.Plan) -> None:
        path.write_text(path.read_text() + "\n")
        real(plan)

    monkeypatch.setattr(newsfmt._fix.Plan, "apply", apply)


MOVE = ["mv", B_PATH, "news/2016/04/20/nato-reopens.md"]  # B moves; A, which links to it, changes too


@pytest.mark.parametrize(
    ("command", "changed"),
    [
        (["validate", "--fix", "--no-cache", "-j", "1", "."], "news/2016/04/8/a-headline.md"),
        (MOVE, A_PATH),
        (MOVE, B_PATH),
    ],
)
def test_a_file_changed_between_the_plan_and_its_writes_stops_the_run_before_any_write(
    command: list[str], changed: str, here: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    archive(here, {"news/2016/04/8/a-headline.md": SAMPLE + "\n"})
    before = {path: path.read_bytes() for path in here.rglob("*") if path.is_file()}
    _changed_before_apply(monkeypatch, here / changed)
    code, out, err = run(capsys, *command)
    assert (code, out) == (2, "")
    assert err == f"newsfmt: {changed}: changed since the plan was made; plan again\n"
    after = {path: path.read_bytes() for path in here.rglob("*") if path.is_file()}
    assert after == {**before, here / changed: before[here / changed] + b"\n"}  # only the editor's change


def test_quiet_fixes_print_no_summary(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive(here, {"news/2016/04/8/a-headline.md": SAMPLE + "\n"})
    assert run(capsys, "validate", "--fix", "--diff", "-q", "-j", "1", "--ignore", "NF3", ".")[2] == ""
    assert run(capsys, "validate", "--fix", "-q", "-j", "1", "--ignore", "NF3", ".") == (0, "", "")
    assert (here / "news/2016/04/8/a-headline.md").read_text() == SAMPLE


def test_a_fix_that_cannot_be_made_is_said_and_not_counted(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    taken = "news/2016/04/8/another.md"  # A again, with trailing whitespace; its own name is taken by A
    archive(here)
    text = (here / A_PATH).read_text()
    (here / taken).write_text(text.replace("# NATO will meet Russia \n", "# NATO will meet Russia  \n"))
    code, out, err = run(capsys, "validate", "--fix", "--unsafe-fixes", "--no-cache", "-j", "1", ".")
    assert (code, out) == (
        0,
        "news/2016/04/8/another.md:3:3: warning: NF302 expected the file name to start the headline's slug "
        "nato-will-meet-russia..., found another\n",
    )
    assert err.splitlines() == [
        f"newsfmt: {taken}: cannot move to {A_PATH}, which exists",
        "1 finding fixed, 1 file written",
        "3 files, 0 errors, 1 warning",
    ]
    assert (here / taken).read_text() == text  # the safe fix, made


def test_quiet_runs_print_no_summary_of_a_baseline_or_a_conversion(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive(here)
    assert run(capsys, "validate", "--baseline", "b.json", "--update-baseline", "-q", ".") == (0, "", "")
    assert json.loads((here / "b.json").read_text())  # written all the same
    assert run(capsys, "to-json", "-q", "-o", "entries.jsonl", ".") == (0, "", "")
    written = f"copy/{B_PATH}\ncopy/{A_PATH}\n"  # the files written are its output; only the summary goes
    assert run(capsys, "from-json", "-q", "--out-dir", "copy", "entries.jsonl") == (0, written, "")
