"""The file system as it really is: symlinks, FIFOs, devices, odd names, large and vanishing files."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import newsfmt
from newsfmt import InputFile, ParseError
from newsfmt._cli.convert import _record_of_file
from newsfmt._cli.fmt import _format_file
from newsfmt._files import _check_one
from newsfmt._pool import POOL_THRESHOLD

from .test_cli import A_PATH, B_PATH, archive, codes, run
from .test_format import SAMPLE
from .test_reliability import NOBODY, in_process


def test_a_symlink_loop_ends_the_search_and_a_looping_file_is_unreadable(tmp_path: Path) -> None:
    archive(tmp_path)
    (tmp_path / "news/2016/04/8/loop").symlink_to(tmp_path / "news")  # a folder loop: not entered
    (tmp_path / "news/a.md").symlink_to(tmp_path / "news/b.md")
    (tmp_path / "news/b.md").symlink_to(tmp_path / "news/a.md")
    result = run("validate", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        "news/a.md:1:1: error: NF001 cannot read the file: Too many levels of symbolic links",
        "news/b.md:1:1: error: NF001 cannot read the file: Too many levels of symbolic links",
    ]
    assert result.returncode == 1 and result.stderr == "4 files, 2 errors, 0 warnings\n"


def test_a_symlink_out_of_the_tree_is_not_followed_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "outside.md").write_text(SAMPLE)
    archive(tmp_path / "archive")
    (tmp_path / "archive/news/2016/04/8/link.md").symlink_to(tmp_path / "outside.md")
    (tmp_path / "archive/news/2016/04/8/inside.md").symlink_to(tmp_path / "archive" / A_PATH)
    result = run("validate", "--ignore", "NF3", cwd=tmp_path / "archive")
    assert (
        result.stdout
        == f"news/2016/04/8/link.md:1:1: error: NF006 expected a file in the tree, found a symlink to {tmp_path}/outside.md (--follow-symlinks reads it)\n"
    )
    followed = run("validate", "--ignore", "NF3", "--follow-symlinks", cwd=tmp_path / "archive")
    assert (followed.returncode, followed.stdout) == (0, "")
    explicit = run("validate", "--ignore", "NF3", "news/2016/04/8/link.md", cwd=tmp_path / "archive")
    assert explicit.returncode == 0  # a file named on the command line is read wherever it leads


def test_a_fifo_is_reported_without_blocking_the_run(tmp_path: Path) -> None:
    archive(tmp_path)
    os.mkfifo(tmp_path / "news/2016/04/8/pipe.md")
    result = subprocess.run(
        [sys.executable, "-m", "newsfmt", "validate"], cwd=tmp_path, capture_output=True, text=True, timeout=30
    )
    assert result.stdout == "news/2016/04/8/pipe.md:1:1: error: NF004 expected a file, found a FIFO\n"
    assert result.returncode == 1 and result.stderr == "3 files, 1 error, 0 warnings\n"


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_file_is_reported(tmp_path: Path) -> None:
    archive(tmp_path)
    os.mknod(tmp_path / "news/2016/04/8/zero.md", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero's numbers
    assert (
        run("validate", cwd=tmp_path).stdout
        == "news/2016/04/8/zero.md:1:1: error: NF004 expected a file, found a character device\n"
    )


def test_a_folder_where_a_file_was_expected_is_reported(tmp_path: Path) -> None:
    archive(tmp_path, {"news/2016/04/8/folder.md/x.md": SAMPLE})
    assert (
        run("validate", cwd=tmp_path).stdout
        == "news/2016/04/8/folder.md:1:1: error: NF004 expected a file, found a folder\n"
    )


def test_a_name_that_is_not_utf8_is_reported_in_every_format(tmp_path: Path) -> None:
    archive(tmp_path)
    with open(os.path.join(os.fsencode(tmp_path), b"news/caf\xe9.md"), "wb") as file:
        file.write(SAMPLE.encode())
    result = run("validate", cwd=tmp_path)
    assert result.stdout == "news/caf\\xe9.md:1:1: error: NF005 expected a UTF-8 file name; the file is not read\n"
    assert (
        json.loads(run("validate", "--output-format", "sarif", cwd=tmp_path).stdout)["runs"][0]["results"][0]["ruleId"]
        == "NF005"
    )
    assert "file=news/caf\\xe9.md" in run("validate", "--output-format", "github", cwd=tmp_path).stdout
    assert "2 entries written, 1 invalid file" in run("to-json", "--skip-invalid", cwd=tmp_path).stderr


def test_a_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    archive(tmp_path)
    assert codes(run("validate", "--max-file-size", "100", cwd=tmp_path)) == ["NF003", "NF003"]
    (tmp_path / "pyproject.toml").write_text("[tool.newsfmt]\nmax-file-size = 200\n")
    found = run("validate", cwd=tmp_path).stdout
    assert found == f"{A_PATH}:1:1: error: NF003 expected at most 200 bytes, found 260\n"
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * 11_000_000)
    with pytest.raises(ParseError) as raised:
        newsfmt.read(big)
    assert (raised.value.code, raised.value.message) == ("NF003", "expected at most 10,000,000 bytes, found 11,000,000")
    with pytest.raises(ParseError, match="found a FIFO"):
        os.mkfifo(tmp_path / "pipe.md")
        newsfmt.read(tmp_path / "pipe.md")


def test_a_file_that_vanished_is_reported() -> None:
    [finding] = newsfmt.check_files([InputFile("gone.md", "gone.md")])
    assert (finding.code, finding.message) == ("NF001", "cannot read the file: No such file or directory")


def test_an_unreadable_file_is_reported(shared_tmp: Path) -> None:
    # As the unprivileged user 65534 when the suite runs as root, who reads any file whatever its mode.
    archive(shared_tmp)
    for folder in [shared_tmp / "news", shared_tmp / "news/2016", shared_tmp / "news/2016/04"]:
        folder.chmod(0o755)
    (shared_tmp / "news/2016/04/20").chmod(0o755)
    (shared_tmp / "news/2016/04/8").chmod(0o755)
    (shared_tmp / B_PATH).chmod(0o644)
    (shared_tmp / A_PATH).chmod(0)
    code, out, _ = in_process("validate", "--ignore", "NF3", cwd=shared_tmp, user=NOBODY)
    assert (code, out) == (1, f"{A_PATH}:1:1: error: NF001 cannot read the file: Permission denied\n")


def die_on_poison(
    selection: newsfmt._rules.Selection, file: InputFile, cache: str | None, shards: dict[str, Any]
) -> tuple[list[newsfmt.Finding], newsfmt._check.Links | None]:
    """A worker that dies on one file, as a crash in C or the OOM killer would end it."""
    if file.path.endswith("poison.md"):
        os._exit(1)
    return _check_one(selection, file, cache, shards)


def test_a_worker_that_dies_on_one_file_costs_only_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import newsfmt._files

    files = {f"news/2016/04/8/entry-{number:03d}.md": SAMPLE for number in range(100)}
    files["news/2016/04/8/entry-050-poison.md"] = SAMPLE.replace("### Source:", "### Sources:")
    files["news/2016/04/8/entry-090.md"] = SAMPLE.replace("### Source:", "### Sources:")
    archive(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(newsfmt._files, "_check_one", die_on_poison)  # forked workers inherit it
    code = newsfmt._cli.main(["validate", "--jobs", "2", "--ignore", "NF3", "-q"])
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "news/2016/04/8/entry-050-poison.md:1:1: error: NF000 the worker process died on this file",
        'news/2016/04/8/entry-090.md:11:5: warning: NF208 expected "### Source:", found "### Sources:"',
    ]
    assert code == 1


def test_errors_and_findings_pickle_intact() -> None:
    import pickle

    from newsfmt import DictError
    from newsfmt._check import Finding

    for value in (
        ParseError("expected x, found y", 3, 4, "a.md", code="NF105"),
        DictError([("/date", "expected a date"), ("", 'missing key "body"')]),
        Finding("a.md", 3, 4, "NF105", "expected x, found y"),
    ):
        copy = pickle.loads(pickle.dumps(value))
        assert type(copy) is type(value) and str(copy) == str(value)
        assert copy.__dict__ == value.__dict__ if hasattr(value, "__dict__") else copy == value


def test_a_file_that_grows_past_the_limit_while_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsfmt import _io

    path = tmp_path / "entry.md"
    path.write_text(SAMPLE)
    real_fstat = os.fstat

    def stale_fstat(descriptor: int) -> os.stat_result:  # the size as it was before the file grew
        info = real_fstat(descriptor)
        return os.stat_result((info.st_mode, *info[1:6], 10, *info[7:]))

    monkeypatch.setattr(os, "fstat", stale_fstat)
    with pytest.raises(_io.FileProblem, match="expected at most 100 bytes, found more"):
        _io.read_bytes(str(path), 100)
    assert _io.read_bytes(str(path), 10_000) == SAMPLE.encode()


def _format_or_die(write_back: bool, file: InputFile) -> tuple[str, str]:
    if file.path.endswith("poison.md"):
        os._exit(1)  # as a crash in C or the OOM killer would end the worker
    return _format_file(write_back, file)


def _record_or_die(file: InputFile) -> tuple[str | None, str]:
    if file.path.endswith("poison.md"):
        os._exit(1)
    return _record_of_file(file)


@pytest.mark.parametrize("command", ["fmt", "to-json"])
def test_fmt_and_to_json_report_a_worker_that_died_and_go_on(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {f"news/2016/04/8/entry-{number:03d}.md": SAMPLE + "\n" for number in range(POOL_THRESHOLD)}
    files["news/2016/04/8/entry-020-poison.md"] = SAMPLE + "\n"  # enough files for a pool: a worker dies, not pytest
    archive(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(newsfmt._cli.fmt, "_format_file", _format_or_die)  # forked workers inherit it
    monkeypatch.setattr(newsfmt._cli.convert, "_record_of_file", _record_or_die)
    code = newsfmt._cli.main([command, "--jobs", "2", "--no-progress", "news"])
    out, err = capsys.readouterr()
    died = "news/2016/04/8/entry-020-poison.md:1:1: error: NF000 the worker process died on this file"
    assert code == 1, err
    if command == "fmt":
        # The batch of the dying worker runs again, a file a process: what it wrote before it died is unchanged now.
        assert died in err.splitlines() and err.endswith(" unchanged, 1 failed\n")
        assert sorted(path.read_text() == SAMPLE for path in (tmp_path / "news").rglob("entry-*.md")) == [
            False,
            *[True] * POOL_THRESHOLD,
        ]
    else:
        assert died in err.splitlines() and len(out.splitlines()) == POOL_THRESHOLD + 2


def test_a_settings_function_of_the_caller_s_is_asked_once_a_folder(tmp_path: Path) -> None:
    archive(tmp_path, {"news/2016/04/8/second.md": SAMPLE})
    asked: list[str] = []

    def settings_of(folder: str) -> newsfmt.Settings:
        asked.append(folder)
        return newsfmt.Settings(max_file_size=10) if folder.endswith("8") else newsfmt.Settings()

    files = newsfmt.find_files([str(tmp_path)], settings=settings_of)
    folders = ["", "news", "news/2016", "news/2016/04", "news/2016/04/20", "news/2016/04/8"]
    assert sorted(asked) == sorted(str(tmp_path / folder) for folder in folders)  # each folder once
    assert {file.name: file.max_file_size for file in files} == {
        str(tmp_path / "news/2016/04/20/nato-reopens-talks.md"): newsfmt.MAX_FILE_SIZE,
        str(tmp_path / "news/2016/04/8/nato-will-meet-russia.md"): 10,
        str(tmp_path / "news/2016/04/8/second.md"): 10,
    }
