"""A baseline: old findings passed over, new ones reported, stale entries reported so the baseline only shrinks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import newsfmt
from newsfmt import Baseline, Finding

from .test_cli import run

E = "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO\n"  # NF207
DUPLICATES = (
    "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO \n\n### Source:\n\n"
    "1. [A](http://a)\n2. [A](http://a)\n3. [A](http://a)\n"
)  # NF304 twice: the second and the third item repeat the first


def test_update_then_validate_reports_nothing_then_only_what_is_new(tmp_path: Path) -> None:
    (tmp_path / "old.md").write_text(E)
    update = run("validate", "--baseline", "base.json", "--update-baseline", cwd=tmp_path)
    assert (update.returncode, update.stdout) == (0, "")
    assert update.stderr == "base.json: 1 finding in the baseline\n1 file, 0 errors, 0 warnings\n"
    entries = json.loads((tmp_path / "base.json").read_text())["findings"]
    assert entries == [
        {"path": "old.md", "code": "NF207", "message": "expected a space after the headline, found none"}
    ]
    assert run("validate", "--baseline", "base.json", cwd=tmp_path).returncode == 0
    (tmp_path / "new.md").write_text("broken\n")
    new = run("validate", "--baseline", "base.json", cwd=tmp_path)
    assert new.returncode == 1 and {line.split(":")[0] for line in new.stdout.splitlines()} == {"new.md"}


def test_an_edit_elsewhere_in_the_file_does_not_bring_old_findings_back(tmp_path: Path) -> None:
    (tmp_path / "dup.md").write_text(DUPLICATES)
    run("validate", "--baseline", "base.json", "--update-baseline", cwd=tmp_path)
    (tmp_path / "dup.md").write_text(DUPLICATES.replace("# NATO \n", "# NATO \n\nA body.\n"))  # the list moves down
    assert run("validate", "dup.md", cwd=tmp_path).stdout.count("NF304") == 2  # still there, on other lines
    moved = run("validate", "--baseline", "base.json", cwd=tmp_path)
    assert (moved.returncode, moved.stdout) == (0, "")
    (tmp_path / "sub").mkdir()  # from another working folder: paths are kept from the baseline's folder
    elsewhere = run("validate", "..", "--baseline", "../base.json", cwd=tmp_path / "sub")
    assert (elsewhere.returncode, elsewhere.stdout) == (0, "")


def test_alike_findings_count_and_a_stale_entry_is_reported_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "dup.md").write_text(DUPLICATES)
    run("validate", "--baseline", "base.json", "--update-baseline", cwd=tmp_path)
    codes = [entry["code"] for entry in json.loads((tmp_path / "base.json").read_text())["findings"]]
    assert codes == ["NF205", "NF304", "NF304"]  # sorted, one a line: lines 2, 3 and 4 of the file
    (tmp_path / "dup.md").write_text(DUPLICATES.replace("3. [A](http://a)\n", ""))  # one duplicate fixed
    result = run("validate", "--baseline", "base.json", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        "base.json:3:1: warning: NF008 no NF304 in dup.md matches any more: "
        "expected each source once, found http://a again"
    ]
    (tmp_path / "dup.md").write_text(DUPLICATES.replace("3. [A](http://a)\n", "3. [A](http://a)\n4. [A](http://a)\n"))
    more = run("validate", "--baseline", "base.json", cwd=tmp_path)  # a third alike finding: it is new
    assert more.stdout.splitlines() == ["dup.md:10:1: warning: NF304 expected each source once, found http://a again"]


def test_stale_entries_only_for_files_checked_and_codes_selected(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a/x.md").write_text(E)
    (tmp_path / "b/y.md").write_text(E)
    run("validate", "--baseline", "base.json", "--update-baseline", cwd=tmp_path)
    assert run("validate", "a", "--baseline", "base.json", cwd=tmp_path).stdout == ""  # b not checked: not stale
    assert run("validate", "--select", "NF1", "--baseline", "base.json", cwd=tmp_path).stdout == ""  # NF207 not run


def test_a_missing_or_broken_baseline_is_a_usage_error(tmp_path: Path) -> None:
    missing = run("validate", "--baseline", "none.json", cwd=tmp_path)
    assert (missing.returncode, missing.stderr) == (
        2,
        "newsfmt: none.json: no such baseline (--update-baseline makes it)\n",
    )
    (tmp_path / "bad.json").write_text('{"version": 2, "findings": []}')
    bad = run("validate", "--baseline", "bad.json", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith("newsfmt: bad.json: not a newsfmt baseline: expected ")
    alone = run("validate", "--update-baseline", cwd=tmp_path)
    assert (alone.returncode, alone.stderr) == (
        2,
        "newsfmt: --update-baseline writes the file --baseline FILE names: give it\n",
    )


def test_the_library_baseline_round_trips_through_its_file(tmp_path: Path) -> None:
    findings = [
        Finding(str(tmp_path / "a.md"), 3, 7, "NF207", "m"),
        Finding(str(tmp_path / "a.md"), 9, 1, "NF304", "n"),
        Finding(str(tmp_path / "a.md"), 12, 1, "NF304", "n"),
    ]
    baseline = Baseline.of(findings, tmp_path / "b.json")
    baseline.write()
    assert Baseline.load(tmp_path / "b.json") == baseline
    assert baseline.apply(findings) == []
    third = Finding(str(tmp_path / "a.md"), 20, 1, "NF304", "n")
    assert baseline.apply([*findings, third]) == [third]
    stale = baseline.apply(findings[:2])
    assert [(f.path, f.line, f.code) for f in stale] == [(str(tmp_path / "b.json"), 3, "NF008")]
    with pytest.raises(ValueError, match=r"not a newsfmt baseline: missing key 'message'"):
        (tmp_path / "c.json").write_text('{"version": 1, "findings": [{"path": "a", "code": "NF1"}]}')
        Baseline.load(tmp_path / "c.json")
    assert newsfmt.RULES["NF008"].name == "stale-baseline"


def test_standard_input_and_files_outside_the_baseline_s_folder_keep_their_findings(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    findings = [Finding("-", 1, 1, "NF203", "m"), Finding(str(tmp_path / "other/a.md"), 1, 1, "NF203", "m")]
    baseline = Baseline.of(findings, tmp_path / "sub/b.json")
    baseline.write()
    assert json.loads((tmp_path / "sub/b.json").read_text())["findings"] == [
        {"path": "-", "code": "NF203", "message": "m"},
        {"path": "../other/a.md", "code": "NF203", "message": "m"},
    ]
    assert Baseline.load(tmp_path / "sub/b.json").apply(findings) == []
    (tmp_path / "c.json").write_text('{"version": 1, "findings": [{"path": "a", "code": "NF1", "message": 5}]}')
    with pytest.raises(
        ValueError, match=r"c\.json: not a newsfmt baseline: expected strings for path, code and message$"
    ):
        Baseline.load(tmp_path / "c.json")
