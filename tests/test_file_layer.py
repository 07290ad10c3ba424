"""The public file layer the command is built on: find_files, InputFile, check_files, map_files, writing, write_to_archive."""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

import newsfmt
from newsfmt import Entry, InputFile, ParseError

from .test_cli import A_PATH, B_PATH, archive, run
from .test_format import SAMPLE

NATO = Entry(date=datetime.date(2016, 4, 20), headline="NATO reopens talks")


def test_find_files_finds_what_validate_finds_in_its_order(tmp_path: Path) -> None:
    archive(tmp_path, {"news/2016/04/20/index.md": SAMPLE, "notes/draft.md": SAMPLE, ".git/x.md": SAMPLE})
    files = newsfmt.find_files([tmp_path / "news", tmp_path / "notes/draft.md"], exclude=["*draft*"])
    # An explicit file is taken whatever the globs say, as ruff does; the day page and .git are never entries.
    names = [os.path.relpath(file.path, tmp_path) for file in files]
    assert names == [B_PATH, A_PATH, "notes/draft.md"]
    assert {file.tree for file in files[:2]} == {str(tmp_path / "news")} and files[2].tree is None
    report = json.loads(run("validate", "--output-format", "json", "news", "notes/draft.md", cwd=tmp_path).stdout)
    assert {finding["path"] for finding in report} <= {os.path.relpath(file.path, tmp_path) for file in files}


def test_a_file_under_two_of_the_paths_is_found_once_the_first_path_s_way(tmp_path: Path) -> None:
    archive(tmp_path)
    files = newsfmt.find_files([tmp_path / "news/2016/04/8", tmp_path / "news", tmp_path / A_PATH])
    assert [(os.path.relpath(file.path, tmp_path), file.tree) for file in files] == [
        (B_PATH, str(tmp_path / "news")),
        (A_PATH, str(tmp_path / "news/2016/04/8")),  # first under the day folder, the first path
    ]


def test_find_files_refuses_a_missing_path_and_stdin_without_its_bytes(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"^nowhere/a\\nb\.md: no such file or folder$"):
        newsfmt.find_files(["nowhere/a\nb.md"])
    with pytest.raises(ValueError, match=r"^stdin: "):
        newsfmt.find_files(["-"])
    [stdin] = newsfmt.find_files(["-"], stdin=b"x", stdin_name="news/2016/04/20/x.md", max_file_size=5)
    assert (stdin.path, stdin.name, stdin.data, stdin.max_file_size) == ("-", "news/2016/04/20/x.md", b"x", 5)


def test_input_file_read_text_names_the_file_in_every_error(tmp_path: Path) -> None:
    (tmp_path / "latin.md").write_bytes(b"# Caf\xe9\n")
    (tmp_path / "huge.md").write_bytes(b"x" * 11)
    cases = {
        InputFile(str(tmp_path / "latin.md"), "latin.md"): ("NF002", 1, 6),
        InputFile(str(tmp_path / "huge.md"), "huge.md", max_file_size=10): ("NF003", 1, 1),
        InputFile("-", "stdin.md", data=b"x" * 11, max_file_size=10): ("NF003", 1, 1),
        InputFile(str(tmp_path), "folder.md"): ("NF004", 1, 1),
        InputFile(str(tmp_path / "gone.md"), "gone.md"): ("NF001", 1, 1),
        InputFile(str(tmp_path), "listing", problem="cannot list the folder: Permission denied"): ("NF001", 1, 1),
    }
    for file, (code, line, column) in cases.items():
        with pytest.raises(ParseError) as raised:
            file.read_text()
        assert (raised.value.code, raised.value.line, raised.value.column, raised.value.path) == (
            code,
            line,
            column,
            file.name,
        )


def test_check_files_rejects_a_bad_selection_before_reading_anything(tmp_path: Path) -> None:
    never = InputFile(str(tmp_path / "never-read.md"), "never-read.md")
    with pytest.raises(ValueError, match=r"^select: no rule has the code or prefix 'XX9'$"):
        newsfmt.check_files([never], select=["XX9"])  # raised by the call, not on the first next()
    with pytest.raises(ValueError, match=r"^ignore: no rule has the code or prefix 'NF9'$"):
        newsfmt.check_files([never], ignore=["NF9"])
    with pytest.raises(ValueError, match=r"^select: no rule has the code or prefix 'XX9'$"):
        newsfmt.check_files([], select=["XX9"])  # no file at all: still checked


def poison_or_name(file: InputFile) -> str:
    """A worker function that kills its process on one file, as a crash in C or the OOM killer would."""
    if file.path.endswith("poison.md"):
        os._exit(1)
    return file.name


def what_died(file: InputFile, message: str) -> str:
    return f"{file.name}: {message}"


def test_map_files_costs_a_dead_worker_only_its_file_or_names_it(tmp_path: Path) -> None:
    names = [f"entry-{number:03d}.md" for number in range(80)]  # enough for the pool
    names[40] = "entry-040-poison.md"
    files = [InputFile(str(tmp_path / name), name) for name in names]
    results = list(newsfmt.map_files(poison_or_name, files, jobs=2, died=what_died))
    assert results == [*names[:40], "entry-040-poison.md: the worker process died on this file", *names[41:]]
    with pytest.raises(RuntimeError, match=r"^entry-040-poison\.md: the worker process died on this file$"):
        list(newsfmt.map_files(poison_or_name, files, jobs=2))
    assert list(newsfmt.map_files(poison_or_name, files[:3], jobs=1)) == names[:3]  # no pool: in this process


def test_writing_replaces_only_when_the_block_ends_well(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("the old run's output\n")
    out.chmod(0o640)
    with pytest.raises(RuntimeError), newsfmt.writing(out) as file:
        file.write("half")
        raise RuntimeError("the run failed half-way")
    assert out.read_text() == "the old run's output\n"
    with newsfmt.writing(out) as file:
        file.write("new\n")
    assert out.read_text() == "new\n" and out.stat().st_mode & 0o777 == 0o640
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.jsonl"]  # no temporary file left
    with pytest.raises(IsADirectoryError), newsfmt.writing(tmp_path):
        pass
    with newsfmt.writing(os.devnull) as file:  # a device is written to, never replaced
        file.write("gone")
    assert Path(os.devnull).is_char_device()


def test_a_missing_folder_is_named_by_the_path_asked_for_not_a_temporary_file(tmp_path: Path) -> None:
    # The relatives of one bug: each writer's error named ".newsfmt-<hex>.tmp" in a folder that does not exist.
    for write in (
        lambda: newsfmt.write(NATO, tmp_path / "missing/x.md"),
        lambda: newsfmt.writing(tmp_path / "missing/x").__enter__(),
    ):
        with pytest.raises(FileNotFoundError) as raised:
            write()
        assert raised.value.filename in (str(tmp_path / "missing/x.md"), str(tmp_path / "missing/x"))
        assert ".newsfmt-" not in str(raised.value)


def write_output(folder: Path) -> None:
    with newsfmt.writing(folder / "out.jsonl") as out:
        out.write("{}\n")


def test_every_writer_removes_the_temporaries_a_killed_run_left_where_it_writes(tmp_path: Path) -> None:
    writers: list[Callable[[Path], object]] = [
        lambda folder: newsfmt.write(NATO, folder / "x.md"),
        write_output,
        lambda folder: newsfmt.write_to_archive(NATO, folder),
    ]
    for number, write in enumerate(writers):
        folder = tmp_path / str(number)
        target = folder / "news/2016/04/20" if number == 2 else folder
        target.mkdir(parents=True)
        stale = target / ".newsfmt-00112233aabb.tmp"
        stale.write_text("left by a killed run")
        write(folder)
        assert not stale.exists(), number


def test_write_to_archive_places_keeps_and_refuses(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    file, changed = newsfmt.write_to_archive(NATO, root)
    assert (file, changed) == (str(root / "news/2016/04/20/nato-reopens-talks.md"), True)
    assert newsfmt.write_to_archive(NATO, root) == (file, False)  # the same bytes: left alone
    kept, _ = newsfmt.write_to_archive(NATO, root, path="/news/2016/04/20/nato-talks.md")
    assert kept == str(root / "news/2016/04/20/nato-talks.md")
    for elsewhere in ["/news/2016/04/21/nato-talks.md", "/news/2016/04/20/index.md", "/news/2016/04/20/NATO.md"]:
        assert newsfmt.write_to_archive(NATO, root, path=elsewhere)[0] == file  # not its day, the day page, no slug
    other = Entry(date=NATO.date, headline=NATO.headline, body="Changed.")
    with pytest.raises(FileExistsError, match=r"nato-reopens-talks\.md exists and differs"):
        newsfmt.write_to_archive(other, root)
    assert newsfmt.read(file) == NATO
    assert newsfmt.write_to_archive(other, root, overwrite=True) == (file, True)
    assert newsfmt.read(file) == other
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "news/2017").symlink_to(outside)
    with pytest.raises(ValueError, match="leads outside"):
        newsfmt.write_to_archive(Entry(date=datetime.date(2017, 1, 1), headline="New year"), root)
    assert list(outside.iterdir()) == []


def test_write_to_archive_keeps_a_name_given_in_any_form_and_names_what_is_in_the_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "archive"
    day = root / "news/2016/04/20"
    for given in ["news/2016/04/20/nato-a.md", "news\\2016\\04\\20\\nato-b.md", "C:\\x\\news\\2016\\04\\20\\nato-c.md"]:
        name = given.replace("\\", "/").rsplit("/", 1)[1]
        assert newsfmt.write_to_archive(NATO, root, path=given) == (str(day / name), True), given
    # A larger file in the entry's place differs without being read whole: refused, or replaced when asked.
    (day / "nato-reopens-talks.md").write_bytes(b"x" * (len(newsfmt.serialize(NATO)) + 100))
    monkeypatch.chdir(tmp_path)  # messages show paths as given
    with pytest.raises(FileExistsError, match=r"^archive/news/2016/04/20/nato-reopens-talks\.md exists and differs$"):
        newsfmt.write_to_archive(NATO, "archive")
    assert newsfmt.write_to_archive(NATO, "archive", overwrite=True) == (
        "archive/news/2016/04/20/nato-reopens-talks.md",
        True,
    )
    assert newsfmt.read(day / "nato-reopens-talks.md") == NATO
    # What is not a file to read or write in the entry's place, or a file where a folder must be: a ValueError.
    os.mkfifo(day / "fifo.md")
    with pytest.raises(ValueError) as fifo:
        newsfmt.write_to_archive(NATO, "archive", path="news/2016/04/20/fifo.md")
    assert str(fifo.value) == "archive/news/2016/04/20/fifo.md: expected a file, found a FIFO"
    (tmp_path / "flat").mkdir()
    (tmp_path / "flat/news").write_text("a file where the folder news/ goes")
    with pytest.raises(ValueError) as folder:
        newsfmt.write_to_archive(NATO, "flat")
    assert str(folder.value) == "flat/news/2016/04/20/nato-reopens-talks.md: not a folder"
