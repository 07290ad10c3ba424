"""The newsfmt command, end to end through `python -m newsfmt` on archives built in temporary folders."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from newsfmt import Entry, Related, Source, serialize
from newsfmt._cli.output import _github_data, _github_property
from newsfmt._rules import RULES

from .test_check import STYLE_CODES
from .test_format import CODE_OF, ERRORS, SAMPLE, TOLERATED
from .test_markdown import CASES as MARKDOWN_CASES
from .test_markdown import case_entry

A_PATH = "news/2016/04/8/nato-will-meet-russia.md"
B_PATH = "news/2016/04/20/nato-reopens-talks.md"
A = Entry(
    date=datetime.date(2016, 4, 8),
    headline="NATO will meet Russia",
    body="Ambassadors will meet in Brussels.",
    sources=[Source(name="Reuters", url="https://example.com/a")],
    related=[Related(title="NATO reopens talks", path="/" + B_PATH, context=["NATO", "Russia"])],
)
B = Entry(
    date=datetime.date(2016, 4, 20),
    headline="NATO reopens talks",
    related=[Related(title="NATO will meet Russia", path="/" + A_PATH)],
)


def run(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    # As on a reader's machine: not on GitHub Actions, no colour asked for or forbidden.
    env = {key: value for key, value in os.environ.items() if key not in ("GITHUB_ACTIONS", "FORCE_COLOR", "NO_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "newsfmt", *args], cwd=cwd, input=stdin, capture_output=True, text=True, env=env
    )


def archive(root: Path, files: Mapping[str, str | bytes] | None = None) -> Path:
    """A canonical archive of two entries linking each other, plus ``files``."""
    for path, entry in ((A_PATH, A), (B_PATH, B)):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(serialize(entry).encode())
    (root / "news/2016/04/8/index.md").write_text("The day page is not an entry.\n")
    for path, content in (files or {}).items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        data = content.encode() if isinstance(content, str) else content
        (root / path).write_bytes(data)
    return root


def codes(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The codes of the concise lines, PATH:LINE:COLUMN: SEVERITY: CODE MESSAGE."""
    return [line.split(": ", 3)[2].split(" ")[0] for line in result.stdout.splitlines()]


def test_a_canonical_archive_has_no_findings(tmp_path: Path) -> None:
    result = run("validate", cwd=archive(tmp_path))
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == "2 files, 0 errors, 0 warnings\n"


# Every code fires on a file made to trigger it.

TRIGGERS: dict[str, tuple[str, str | bytes]] = {
    "NF002": ("entry.md", SAMPLE.encode().replace(b"Reuters", b"Reu\xfcters")),
    **{code: ("entry.md", ERRORS[next(name for name in ERRORS if CODE_OF[name] == code)][0]) for code in set(CODE_OF.values())},
    **{code: ("entry.md", TOLERATED[next(name for name, found in STYLE_CODES.items() if code in found)]) for code in {c for found in STYLE_CODES.values() for c in found}},
    "NF301": ("news/2016/04/9/nato-will-meet-russia.md", serialize(A)),
    "NF302": ("news/2016/04/8/another-name.md", serialize(A)),
    "NF303": (A_PATH, serialize(A).replace("/04/20/nato-reopens-talks.md", "/04/19/nato-reopens-talks.md")),
    "NF304": (A_PATH, serialize(A).replace("https://example.com/a)\n", "https://example.com/a)\n2. [Again](https://example.com/a)\n")),
    "NF305": (B_PATH, serialize(B) + f"2. [Again ](/{A_PATH})\n"),
    "NF306": (A_PATH, serialize(A).replace("/04/20/nato-reopens-talks.md", "/04/8/nato-will-meet-russia.md")),
    "NF307": (A_PATH, serialize(A).replace("[NATO reopens talks ]", "[NATO reopens its talks ]")),
    "NF308": (B_PATH, serialize(B) + "2. [Later ](/news/2016/05/1/later.md)\n"),
    **{code: ("entry.md", serialize(case_entry(change))) for _, change, (_, _, code), _ in reversed(MARKDOWN_CASES)},
}  # fmt: skip


def test_every_rule_but_the_file_system_ones_has_a_trigger() -> None:
    # NF001 and NF003-NF006 are made on the file system in tests/test_files.py, NF007 in tests/test_reliability.py;
    # NF000 in test_check.py; NF008 (a stale baseline entry) in test_baseline.py.
    made_elsewhere = {"NF000", "NF001", "NF003", "NF004", "NF005", "NF006", "NF007", "NF008"}
    assert sorted(TRIGGERS) == sorted(set(RULES) - made_elsewhere)


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_each_code_fires_on_its_trigger(tmp_path: Path, code: str) -> None:
    path, content = TRIGGERS[code]
    archive(tmp_path, {path: content})
    result = run("validate", "--select", code, "--output-format", "json", cwd=tmp_path)
    found = json.loads(result.stdout)
    assert found and {finding["code"] for finding in found} == {code}, result.stdout
    assert result.returncode == (1 if RULES[code].severity == "error" else 0)


def test_an_unreadable_file_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    archive(tmp_path)
    (tmp_path / "news/2016/04/8/gone.md").symlink_to(tmp_path / "nowhere.md")
    result = run("validate", cwd=tmp_path)
    assert result.stdout.startswith("news/2016/04/8/gone.md:1:1: error: NF001 cannot read the file: No such file")
    assert result.returncode == 1 and "3 files, 1 error, 0 warnings" in result.stderr


# Output formats.


def test_the_concise_format(tmp_path: Path) -> None:
    (tmp_path / "entry.md").write_text(SAMPLE.replace("http://example.com/a", "http://example.com/a b"))
    result = run("validate", "entry.md", cwd=tmp_path)
    assert (
        result.stdout
        == 'entry.md:13:15: error: NF111 expected a URL without whitespace, found "http://example.com/a b"\n'
    )
    assert result.stderr == "1 file, 1 error, 0 warnings\n"


def test_the_json_format(tmp_path: Path) -> None:
    (tmp_path / "entry.md").write_text(SAMPLE.replace("### Source:", "### Sources:") + "\n")
    found = json.loads(run("validate", "--output-format", "json", cwd=tmp_path).stdout)
    assert found == [
        {"path": "entry.md", "line": 11, "column": 5, "code": "NF208", "name": "sources-heading", "severity": "warning", "message": 'expected "### Source:", found "### Sources:"', "fix": {"safe": True, "message": "rewrite the file in the canonical layout"}},
        {"path": "entry.md", "line": 20, "column": 1, "code": "NF203", "name": "end-of-file", "severity": "warning", "message": "expected the file to end after its last line, found blank lines", "fix": {"safe": True, "message": "rewrite the file in the canonical layout"}},
    ]  # fmt: skip


def test_the_github_format_escapes_what_github_requires(tmp_path: Path) -> None:
    (tmp_path / "a,b:c%.md").write_text(SAMPLE.replace("Reuters", ""))
    result = run("validate", "--output-format", "github", cwd=tmp_path)
    assert result.stdout == (
        "::error file=a%2Cb%3Ac%25.md,line=14,col=5,title=NF110 invalid-link-text::expected text, found an empty string\n"
    )
    assert _github_data("100% a:b, c\r\nd") == "100%25 a:b, c%0D%0Ad"
    assert _github_property("100% a:b, c\nd") == "100%25 a%3Ab%2C c%0Ad"


def test_github_is_the_default_on_github_actions(tmp_path: Path) -> None:
    (tmp_path / "entry.md").write_text(SAMPLE + "\n")
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    result = subprocess.run(
        [sys.executable, "-m", "newsfmt", "validate"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert result.stdout.startswith("::warning file=entry.md,line=20,col=1,title=NF203 end-of-file::")


def test_the_sarif_format(tmp_path: Path) -> None:
    (tmp_path / "entry.md").write_text(SAMPLE.replace("(/news/2015/12/2/", "(/news/2015/12/02/"))
    log = json.loads(run("validate", "--output-format", "sarif", cwd=tmp_path).stdout)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "newsfmt" and [rule["id"] for rule in driver["rules"]] == sorted(RULES)
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "NF112" and driver["rules"][result["ruleIndex"]]["id"] == "NF112"
    assert result["level"] == "error" and result["message"]["text"].startswith("expected a related link path")
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "entry.md"},
        "region": {"startLine": 19, "startColumn": 16},
    }


def test_findings_are_sorted_by_path_line_and_column_and_the_same_with_one_or_two_jobs(tmp_path: Path) -> None:
    files = {
        f"news/2016/04/8/entry-{number:03d}.md": TOLERATED[name]
        for number, name in zip(range(90), list(TOLERATED) * 4, strict=False)
    }
    files["news/2016/04/8/broken.md"] = SAMPLE.replace("### Source:", "### Notes:")
    archive(tmp_path, files)
    one = run("validate", "--jobs", "1", "--ignore", "NF3", cwd=tmp_path)
    two = run("validate", "--jobs", "2", "--ignore", "NF3", cwd=tmp_path)
    assert one.stdout == two.stdout and one.stdout.count("\n") > 90
    keys = [(line.split(":")[0], int(line.split(":")[1]), int(line.split(":")[2])) for line in one.stdout.splitlines()]
    assert keys == sorted(keys)


# Exit codes, selection and configuration.


def test_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "warning.md").write_text(SAMPLE + "\n")
    assert run("validate", "warning.md", cwd=tmp_path).returncode == 0
    assert run("validate", "warning.md", "--strict", cwd=tmp_path).returncode == 1
    assert run("validate", "missing.md", cwd=tmp_path).returncode == 2
    bad = run("validate", "--select", "XX9", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr == "newsfmt: --select: no rule has the code or prefix 'XX9'\n"
    usage = run("validate", "--no-such-option", cwd=tmp_path)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_select_ignore_and_pyproject_configuration(tmp_path: Path) -> None:
    (tmp_path / "entry.md").write_text(
        SAMPLE.replace("### Source:", "### Sources:").replace("2. [Reuters]", "5. [Reuters]")
    )
    assert codes(run("validate", cwd=tmp_path)) == ["NF208", "NF210"]
    assert codes(run("validate", "--ignore", "NF208", cwd=tmp_path)) == ["NF210"]
    assert codes(run("validate", "--select", "NF1,NF208", cwd=tmp_path)) == ["NF208"]
    (tmp_path / "sub").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.newsfmt]\nignore = ["NF210"]\nstrict = true\n')
    result = run("validate", str(tmp_path / "entry.md"), cwd=tmp_path / "sub")
    assert codes(result) == ["NF208"] and result.returncode == 1


def test_folders_skip_index_pages_git_and_virtual_environments_and_exclude_globs(tmp_path: Path) -> None:
    broken = SAMPLE.replace("### Source:", "### Notes:")
    archive(
        tmp_path,
        {".git/x.md": broken, "venv/x.md": broken, "env/pyvenv.cfg": "", "env/x.md": broken, "drafts/x.md": broken},
    )
    result = run("validate", "--exclude", "drafts", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "2 files, 0 errors, 0 warnings\n")


def test_stdin_with_a_file_name(tmp_path: Path) -> None:
    archive(tmp_path)
    text = serialize(A).replace("# NATO will meet Russia ", "# NATO will meet Russia")
    result = run("validate", "-", "--stdin-filename", A_PATH, cwd=tmp_path, stdin=text)
    assert result.stdout == f"{A_PATH}:3:24: warning: NF207 expected a space after the headline, found none\n"


# fmt


def test_fmt_rewrites_only_what_parses_and_is_not_canonical_and_is_idempotent(tmp_path: Path) -> None:
    messy = TOLERATED["### Sources: for ### Source:"]
    broken = SAMPLE.replace("### Source:", "### Notes:").replace("\n", "\r\n")
    archive(tmp_path, {"news/2016/04/8/messy.md": messy, "news/2016/04/8/broken.md": broken})
    (tmp_path / "news/2016/04/8/messy.md").chmod(0o640)
    check = run("fmt", "--check", cwd=tmp_path)
    assert check.returncode == 1 and check.stdout == "would reformat news/2016/04/8/messy.md\n"
    assert (tmp_path / "news/2016/04/8/messy.md").read_bytes() == messy.encode()
    diff = run("fmt", "--diff", cwd=tmp_path)
    assert (
        diff.returncode == 1
        and "--- news/2016/04/8/messy.md" in diff.stdout
        and "\n-### Sources:\n+### Source:\n" in diff.stdout
    )
    result = run("fmt", cwd=tmp_path)
    assert result.returncode == 1  # the broken file failed
    assert "news/2016/04/8/broken.md:11:1: error: NF106" in result.stderr
    assert result.stderr.endswith("1 file reformatted, 2 unchanged, 1 failed\n")
    assert (tmp_path / "news/2016/04/8/messy.md").read_bytes() == SAMPLE.encode()
    assert (tmp_path / "news/2016/04/8/messy.md").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "news/2016/04/8/broken.md").read_bytes() == broken.encode()
    again = run("fmt", "--check", "--exclude", "broken.md", cwd=tmp_path)
    assert (again.returncode, again.stdout) == (0, "")


def test_fmt_of_stdin_writes_the_canonical_text(tmp_path: Path) -> None:
    result = run("fmt", "-", cwd=tmp_path, stdin=TOLERATED["whitespace around tags"])
    assert (result.returncode, result.stdout) == (0, SAMPLE)


# to-json and from-json


def test_to_json_then_from_json_rebuilds_the_archive_byte_for_byte(tmp_path: Path) -> None:
    source = archive(tmp_path / "source")
    lines = run("to-json", "news", cwd=source)
    assert lines.returncode == 0
    records = [json.loads(line) for line in lines.stdout.splitlines()]
    assert [record["path"] for record in records] == [B_PATH, A_PATH]
    assert records[0]["entry"]["headline"] == "NATO reopens talks"
    (tmp_path / "entries.jsonl").write_text(lines.stdout)
    rebuilt = run("from-json", "entries.jsonl", "--out-dir", "rebuilt", cwd=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    for path in (A_PATH, B_PATH):
        assert (tmp_path / "rebuilt" / path).read_bytes() == (source / path).read_bytes()
    again = run("from-json", "entries.jsonl", "--out-dir", "rebuilt", cwd=tmp_path)
    assert again.stdout == "" and "0 files written, 2 unchanged, 0 failed" in again.stderr


def test_to_json_as_one_array_to_a_file_and_invalid_files(tmp_path: Path) -> None:
    archive(tmp_path, {"news/2016/04/8/broken.md": SAMPLE.replace("### Source:", "### Notes:")})
    result = run("to-json", "--format", "json", "-o", "out.json", cwd=tmp_path)
    assert result.returncode == 1 and "broken.md:11:1: error: NF106" in result.stderr
    assert [record["path"] for record in json.loads((tmp_path / "out.json").read_text())] == [B_PATH, A_PATH]
    assert run("to-json", "--skip-invalid", "-o", "out.jsonl", cwd=tmp_path).returncode == 0


def test_from_json_never_replaces_a_different_file_unless_asked_and_reports_bad_records(tmp_path: Path) -> None:
    entry: dict[str, Any] = json.loads(run("to-json", cwd=archive(tmp_path / "a")).stdout.splitlines()[1])["entry"]
    record: dict[str, Any] = {"path": A_PATH, "entry": entry}
    changed = {**record, "entry": {**record["entry"], "body": "Changed."}}
    bad = {"entry": {**record["entry"], "date": "2016-02-30"}}
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(item) for item in (record, changed, bad)) + "\nnot json\n")
    result = run("from-json", "in.jsonl", "--out-dir", "out", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == f"out/{A_PATH}\n"
    assert f"in.jsonl:2: out/{A_PATH} exists and differs (--overwrite replaces it)" in result.stderr
    assert 'in.jsonl:3: /date: expected a date "YYYY-MM-DD", found "2016-02-30"' in result.stderr
    assert "in.jsonl:4: not JSON" in result.stderr
    forced = run("from-json", "in.jsonl", "--out-dir", "out", "--overwrite", cwd=tmp_path)
    assert "Changed." in (tmp_path / "out" / A_PATH).read_text() and forced.returncode == 1


# The command's cost.


def test_the_console_script_is_installed() -> None:
    assert shutil.which("newsfmt", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))


def test_one_file_starts_no_process_pool_and_no_markdown_it(tmp_path: Path) -> None:
    (tmp_path / "entry.md").write_text(SAMPLE)
    code = (
        "import sys; from newsfmt._cli import main; main(['validate', '-q', 'entry.md']); "
        "print(sorted(m for m in ('markdown_it', 'concurrent.futures.process', 'tqdm') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


def test_docs_rules_lists_every_rule_once() -> None:
    import re

    text = (Path(__file__).parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    headings = re.findall(r"^### (NF[0-9]{3}) ([a-z0-9-]+)$", text, re.MULTILINE)
    assert headings == [(code, rule.name) for code, rule in sorted(RULES.items())]


def test_the_pre_commit_hooks_run_the_command() -> None:
    text = (Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "- id: newsfmt-validate\n" in text and "  entry: newsfmt validate\n" in text
    assert "- id: newsfmt-fmt\n" in text and "  entry: newsfmt fmt\n" in text


def test_the_progress_bar_shows_only_for_people_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    from newsfmt._cli.files import show_progress

    shown = argparse.Namespace(quiet=False, no_progress=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert show_progress(shown, for_people=True)
    assert not show_progress(shown, for_people=False)  # json, github, sarif
    assert not show_progress(argparse.Namespace(quiet=True, no_progress=False), True)
    assert not show_progress(argparse.Namespace(quiet=False, no_progress=True), True)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert not show_progress(shown, for_people=True)


def test_every_run_over_files_has_one_progress_bar_that_counts_its_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import newsfmt

    files = newsfmt.find_files([str(archive(tmp_path))])
    runs: dict[str, Callable[[bool], object]] = {
        "map_files": lambda progress: list(newsfmt.map_files(str, files, progress=progress)),
        "check_files": lambda progress: list(
            newsfmt.check_files(newsfmt.iter_files([str(tmp_path)]), progress=progress)
        ),
        "read_record_batches": lambda progress: list(newsfmt.read_record_batches(files, progress=progress)),
        "Archive.map": lambda progress: list(newsfmt.Archive(tmp_path).map(str, progress=progress)),
        "Archive.check": lambda progress: list(newsfmt.Archive(tmp_path).check(progress=progress)),
    }
    for name, run_over in runs.items():
        run_over(False)
        assert capsys.readouterr().err == "", name
        run_over(True)
        shown = capsys.readouterr().err
        assert "file/s]" in shown and shown.endswith("\r"), name  # a bar of files, cleared at the end (leave=False)
    list(newsfmt.map_files(str, files[:1], progress=True))
    assert capsys.readouterr().err == ""  # one file: no bar


def test_a_progress_bar_counts_every_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import contextlib
    import types

    import newsfmt
    import newsfmt._files

    files = newsfmt.find_files([str(archive(tmp_path))])
    bars: list[tuple[int | None, list[int]]] = []

    @contextlib.contextmanager
    def bar(total: int | None) -> Iterator[object]:
        bars.append((total, []))
        yield types.SimpleNamespace(update=bars[-1][1].append)

    monkeypatch.setattr(newsfmt._files, "progress_bar", bar)
    list(newsfmt.map_files(str, files, progress=True))
    list(newsfmt.check_files(newsfmt.iter_files([str(tmp_path)]), progress=True))  # streams: no total
    list(newsfmt.read_record_batches(files, progress=True))
    every = len(files)
    assert [(total, sum(counts)) for total, counts in bars] == [(every, every), (None, every), (every, every)]


def test_from_json_names_array_records_by_index(tmp_path: Path) -> None:
    (tmp_path / "in.json").write_text(json.dumps([{"date": "2016-02-30"}]))
    result = run("from-json", "in.json", "--out-dir", "out", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.startswith('in.json[0]: (root): missing key "headline"')


def test_an_output_that_cannot_be_written_is_a_one_line_error(tmp_path: Path) -> None:
    archive(tmp_path)
    result = run("to-json", "-o", "missing/out.jsonl", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr == "newsfmt: missing/out.jsonl: No such file or directory\n"
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_the_markdown_checks_run_only_when_a_selection_names_them(tmp_path: Path) -> None:
    archive(tmp_path, {"entry.md": serialize(case_entry({"headline": "*x*"}))})
    assert "NF401" not in codes(run("validate", cwd=tmp_path))
    assert "NF401" not in codes(run("validate", "--select", "NF", cwd=tmp_path))
    assert "NF401" in codes(run("validate", "--select", "NF,NF4", cwd=tmp_path))
    assert codes(run("validate", "--select", "NF401", cwd=tmp_path)) == ["NF401"]
    assert codes(run("validate", "--select", "NF4", "--ignore", "NF401", cwd=tmp_path)) == []


def test_the_summary_comes_after_the_findings_when_both_streams_share_a_pipe(tmp_path: Path) -> None:
    # Regression: findings sat in stdout's buffer until exit, so `2>&1` printed the summary first.
    archive(tmp_path, {"entry.md": "# no date line\n"})
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    result = subprocess.run(
        [sys.executable, "-m", "newsfmt", "validate", "entry.md"],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    assert result.stdout.startswith("entry.md:1:1: error: NF101 ")
    assert result.stdout.endswith("\n1 file, 1 error, 0 warnings\n")
