"""newsfmt.Archive, newsfmt.check and the findings, in process: every look-up, every error path, and properties."""

from __future__ import annotations

import collections
import contextlib
import datetime
import json
import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import newsfmt
from newsfmt import Archive, Entry, Finding, Fix, ParseError, Record, Related, check, serialize
from newsfmt import strategies as s

from .test_cli import A_PATH, B_PATH, A, B, archive, run
from .test_format import SAMPLE

EXAMPLE = Path(__file__).parent / "data" / "2016-04-20-nato-russia-talks.md"


def write_archive(root: Path, entries: dict[str, Entry]) -> Path:
    for path, entry in entries.items():
        (root / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        newsfmt.write(entry, root / path.lstrip("/"))
    return root


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """The two-entry archive, plus a file that does not parse, one that is not UTF-8 and one that is too large."""
    archive(tmp_path)
    (tmp_path / "news/2016/04/8/broken.md").write_text("## Not an entry\n")
    (tmp_path / "news/2016/04/8/latin.md").write_bytes(SAMPLE.encode().replace(b"Reuters", b"Reu\xfcters"))
    (tmp_path / "news/2016/04/20/huge.md").write_text(SAMPLE + "\n" * 200)
    return tmp_path


def test_iterating_yields_every_file_in_path_order_with_its_entry_or_error(broken: Path) -> None:
    records = list(Archive(broken, max_file_size=len(SAMPLE) + 100))
    assert [record.path for record in records] == [
        "/news/2016/04/20/huge.md",
        "/" + B_PATH,
        "/news/2016/04/8/broken.md",
        "/news/2016/04/8/latin.md",
        "/" + A_PATH,
    ]  # index.md, the day page, is not an entry
    assert [record.file for record in records] == [str(broken / record.path[1:]) for record in records]
    errors = {
        record.path: (record.error.code, record.error.line, record.error.column) for record in records if record.error
    }
    assert errors == {
        "/news/2016/04/20/huge.md": ("NF003", 1, 1),
        "/news/2016/04/8/broken.md": ("NF101", 1, 1),
        "/news/2016/04/8/latin.md": ("NF002", 14, 8),
    }
    assert [record.entry for record in records if record.entry] == [B, A]
    assert all((record.entry is None) != (record.error is None) for record in records)
    assert list(Archive(broken).entries()) == [newsfmt.parse(SAMPLE + "\n" * 200), B, A]


def test_an_archive_needs_a_folder(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError, match="expected the folder that holds news/"):
        Archive(tmp_path / "missing")


def test_get_and_resolve(broken: Path) -> None:
    archive_ = Archive(broken)
    assert archive_.get("/" + A_PATH) == A
    assert archive_.get("/news/2016/04/8/missing.md") is None
    with pytest.raises(ParseError) as error:
        archive_.get("/news/2016/04/8/broken.md")
    assert error.value.code == "NF101" and error.value.path == str(broken / "news/2016/04/8/broken.md")
    assert archive_.resolve(A.related[0]) == B
    assert archive_.resolve(Related(title="Gone", path="/news/2016/04/9/gone.md")) is None
    for bad in ["news/2016/04/8/x.md", "/news/../../etc/passwd", "/news\\x.md"]:
        with pytest.raises(ValueError, match=r"expected an archive path like /news/YYYY/MM/D/slug\.md"):
            archive_.get(bad)


def test_backlinks_graph_tags_and_tagged(tmp_path: Path) -> None:
    archive_ = Archive(archive(tmp_path))
    assert archive_.backlinks("/" + B_PATH) == ["/" + A_PATH]
    assert archive_.backlinks("/" + A_PATH) == ["/" + B_PATH]
    assert archive_.backlinks("/news/2016/04/9/none.md") == []
    assert archive_.graph() == {"/" + B_PATH: [("/" + A_PATH, ())], "/" + A_PATH: [("/" + B_PATH, ("NATO", "Russia"))]}
    assert archive_.tags() == collections.Counter({"NATO": 1, "Russia": 1})
    assert [record.path for record in archive_.tagged("NATO")] == ["/" + A_PATH]
    assert list(archive_.tagged("Ukraine")) == []
    graph = archive_.to_networkx()
    assert sorted(graph.edges(data=True)) == [
        ("/" + B_PATH, "/" + A_PATH, {"context": ()}),
        ("/" + A_PATH, "/" + B_PATH, {"context": ("NATO", "Russia")}),
    ]


def test_the_example_file_in_an_archive(tmp_path: Path) -> None:
    target = tmp_path / newsfmt.read(EXAMPLE).path[1:]  # at its own path: the file name is its headline's slug
    target.parent.mkdir(parents=True)
    shutil.copy(EXAMPLE, target)
    archive_ = Archive(tmp_path)
    [record] = list(archive_)
    assert record.entry == newsfmt.read(EXAMPLE)
    assert archive_.tags()["NATO"] >= 1 and len(archive_.graph()[record.path]) == 10
    entry = newsfmt.read(EXAMPLE)
    assert archive_.get(record.path) == entry
    assert [archive_.resolve(item) for item in entry.related] == [None] * 10  # its targets are not in this archive
    assert archive_.backlinks(record.path) == [] and archive_.backlinks(entry.related[0].path) == [record.path]
    assert [r.path for r in archive_.between(entry.date, entry.date)] == [record.path]
    assert [r.path for r in archive_.tagged(entry.related[0].context[0])] == [record.path]
    found = collections.Counter(finding.code for finding in archive_.check())
    # Six targets are dated before 2016-04-20 and are missing; four after it, past the archive's last day.
    assert found == {"NF303": 6, "NF308": 4}, found


def test_between_opens_only_the_days_in_range(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive(
        tmp_path,
        {"news/2016/04/9/x.md": serialize(A).replace("2016-04-08", "2016-04-09").replace("/04/8/index", "/04/9/index")},
    )
    opened: list[str] = []
    original = os.open

    def counting(path: str, *arguments: Any, **options: Any) -> int:  # every file read goes through os.open
        opened.append(path)
        return original(path, *arguments, **options)

    monkeypatch.setattr(os, "open", counting)
    found = list(Archive(tmp_path).between(datetime.date(2016, 4, 8), datetime.date(2016, 4, 9)))
    assert [record.path for record in found] == ["/" + A_PATH, "/news/2016/04/9/x.md"]  # by date: 8 before 9
    assert opened == [str(tmp_path / A_PATH), str(tmp_path / "news/2016/04/9/x.md")]
    assert list(Archive(tmp_path).between(datetime.date(2017, 1, 1), datetime.date(2017, 12, 31))) == []


def test_check_reports_every_finding_with_every_field(broken: Path) -> None:
    findings = list(Archive(broken, max_file_size=len(SAMPLE) + 100).check())
    root = str(broken)
    assert findings == [
        Finding(
            f"{root}/news/2016/04/20/huge.md",
            1,
            1,
            "NF003",
            f"expected at most {len(SAMPLE) + 100:,} bytes, found {len(SAMPLE) + 200:,}",
        ),
        Finding(
            f"{root}/news/2016/04/8/broken.md",
            1,
            1,
            "NF101",
            'expected the date line "### [YYYY-MM-DD](/news/YYYY/MM/D/index.md)", found "## Not an entry"',
        ),
        Finding(
            f"{root}/news/2016/04/8/broken.md",
            1,
            1,
            "NF105",
            'expected the headline "# HEADLINE", found "## Not an entry"',
        ),
        Finding(f"{root}/news/2016/04/8/latin.md", 14, 8, "NF002", "expected UTF-8 text, found the byte 0xFC"),
    ]
    assert [f.severity for f in findings] == ["error"] * 4 and findings[0].name == "file-too-large"
    assert list(Archive(broken, max_file_size=len(SAMPLE) + 100).check(select=["NF3"])) == []
    with pytest.raises(ValueError, match="the selection checks no rule"):
        list(Archive(broken).check(select=["NF1"], ignore=["NF1"]))


def test_archive_checks_run_from_any_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive(
        tmp_path,
        {
            B_PATH: serialize(B).replace("[NATO will meet Russia ]", "[NATO meets Russia ]")
            + "2. [Later ](/news/2016/05/1/later.md)\n"
        },
    )
    expected_b = [
        (
            str(tmp_path / B_PATH),
            8,
            1,
            "NF307",
            f'expected the title of /{A_PATH} to be its headline "NATO will meet Russia", found "NATO meets Russia"',
        ),
        (
            str(tmp_path / B_PATH),
            9,
            1,
            "NF308",
            "expected a related entry dated by 2016-04-20, the archive's last day, found /news/2016/05/1/later.md",
        ),
    ]
    for folder in (tmp_path, tmp_path / "news/2016", Path(tempfile.gettempdir())):
        monkeypatch.chdir(folder)
        assert [f[:5] for f in sorted(Archive(tmp_path).check(select=["NF", "NF307"]))] == expected_b
        assert [f[:5] for f in sorted(Archive(tmp_path).check())] == expected_b[1:]  # NF307 runs only when named
        text = (tmp_path / B_PATH).read_text()
        assert [f[:5] for f in check(text, tmp_path / B_PATH, select=["NF3"])] == expected_b[1:]  # no other titles


def test_the_self_and_future_checks(tmp_path: Path) -> None:
    text = serialize(A).replace("/04/20/nato-reopens-talks.md", "/04/8/nato-will-meet-russia.md")
    archive(tmp_path, {A_PATH: text})
    assert [(f.line, f.code, f.message) for f in check(text, tmp_path / A_PATH, select=["NF3"])] == [
        (14, "NF306", f"expected a link to another entry, found /{A_PATH} itself"),
        (
            14,
            "NF307",
            f'expected the title of /{A_PATH} to be its headline "NATO will meet Russia", found "NATO reopens talks"',
        ),
    ]


def test_check_of_one_text() -> None:
    assert check(SAMPLE) == []
    [finding] = check(SAMPLE + "\n", "entry.md")
    assert finding == Finding(
        "entry.md",
        20,
        1,
        "NF203",
        "expected the file to end after its last line, found blank lines",
        Fix(True, "rewrite the file in the canonical layout"),
    )
    assert (
        str(finding) == "entry.md:20:1: warning: NF203 expected the file to end after its last line, found blank lines"
    )
    assert pickle.loads(pickle.dumps(finding)) == finding and hash(finding) == hash(pickle.loads(pickle.dumps(finding)))
    assert check("x\n")[0].path == "-"
    assert check(SAMPLE + "\n", ignore=["NF2"]) == []
    assert [f.code for f in check(serialize(A).replace("NATO will", "*NATO* will"), select=["NF401"])] == ["NF401"]


def test_rules_are_public() -> None:
    assert newsfmt.RULES["NF307"] == newsfmt.Rule(
        "NF307",
        "related-title",
        "warning",
        "a related title that is not its target's headline, or not its other links'",
    )
    assert all(code == rule.code and rule.severity in ("error", "warning") for code, rule in newsfmt.RULES.items())


def test_map_runs_a_function_over_the_entries_with_or_without_the_pool(tmp_path: Path) -> None:
    files = {
        f"news/2016/04/8/n{number:03d}.md": serialize(A).replace("NATO will meet Russia", f"Meeting {number}")
        for number in range(70)
    }
    archive(tmp_path, {**files, "news/2016/04/8/broken.md": "broken\n"})
    one = list(Archive(tmp_path).map(newsfmt.to_dict, jobs=1))
    two = list(Archive(tmp_path).map(newsfmt.to_dict, jobs=2))
    assert one == two and len(one) == 72
    assert [entry["headline"] for entry in one[:2]] == ["NATO reopens talks", "Meeting 0"]


def test_parse_bytes_is_public_and_read_without_the_file() -> None:
    data = EXAMPLE.read_bytes()
    assert newsfmt.parse_bytes(data) == newsfmt.read(EXAMPLE)
    assert newsfmt.parse_bytes(b"\xef\xbb\xbf" + data) == newsfmt.read(EXAMPLE)
    with pytest.raises(ParseError) as error:
        newsfmt.parse_bytes(data.replace(b"NATO", b"N\xffTO", 1), path="x.md")
    assert (error.value.line, error.value.column, error.value.code, error.value.path) == (3, 4, "NF002", "x.md")


# Properties over generated archives.


@contextlib.contextmanager
def written(entries: dict[str, Entry]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield write_archive(Path(folder), entries)


@settings(max_examples=200)
@given(s.archives(max_size=8))
def test_resolve_and_backlinks_agree(entries: dict[str, Entry]) -> None:
    with written(entries) as root:
        archive_ = Archive(root)
        assert sorted(record.path for record in archive_) == sorted(entries)
        for source, entry in entries.items():
            for item in entry.related:
                assert archive_.resolve(item) == entries.get(item.path)
                assert source in archive_.backlinks(item.path)
        for target in {item.path for entry in entries.values() for item in entry.related}:
            for source in archive_.backlinks(target):
                assert target in [item.path for item in entries[source].related]
        graph = archive_.graph()
        assert graph == {
            path: [(item.path, item.context) for item in entry.related] for path, entry in sorted(entries.items())
        }
        assert archive_.tags() == collections.Counter(
            tag for entry in entries.values() for item in entry.related for tag in item.context
        )


@settings(max_examples=200)
@given(s.archives(max_size=8), s.archives(max_size=1).map(lambda a: next(iter(a.values()), None)))
def test_between_gives_exactly_the_entries_in_range(entries: dict[str, Entry], probe: Entry | None) -> None:
    start = datetime.date(2016, 4, 10)
    end = probe.date if probe is not None and probe.date >= start else datetime.date(2016, 4, 20)
    with written(entries) as root:
        found = list(Archive(root).between(start, end))
        assert sorted(record.path for record in found) == sorted(
            path for path, e in entries.items() if start <= e.date <= end
        )
        assert [record.entry.date for record in found if record.entry] == sorted(
            record.entry.date for record in found if record.entry
        )


@settings(max_examples=25)
@given(s.archives(max_size=6, plain=True), s.archives(max_size=3))
def test_archive_check_finds_what_validate_prints(entries: dict[str, Entry], others: dict[str, Entry]) -> None:
    # Some files broken and some misplaced, so that every kind of finding can turn up.
    with written(entries) as root:
        for number, entry in enumerate(others.values()):
            (root / "news/2016/04/1").mkdir(parents=True, exist_ok=True)
            text = serialize(entry)
            (root / f"news/2016/04/1/other-{number}.md").write_text(text.replace("\n\n", "\n", number % 2))
        expected = sorted(
            (
                os.path.relpath(f.path, root),
                f.line,
                f.column,
                f.code,
                f.name,
                f.severity,
                f.message,
                None if f.fix is None else {"safe": f.fix.safe, "message": f.fix.message},
            )
            for f in Archive(root).check(select=["NF", "NF307"])
        )
        for jobs in ("1", "2"):
            command = ["validate", "--output-format", "json", "--select", "NF,NF307", "-j", jobs, "."]
            printed = json.loads(run(*command, cwd=root).stdout)
            assert sorted(tuple(finding.values()) for finding in printed) == expected
        assert sorted(Archive(root).check(jobs=2)) == sorted(Archive(root).check())


@pytest.mark.parametrize("root", [".", "./", "archive", "archive/", "./archive/../archive"])
def test_archive_paths_whatever_the_root_is_called(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root: str) -> None:
    archive(tmp_path / "archive")
    monkeypatch.chdir(tmp_path / "archive" if root.startswith(".") and "archive" not in root else tmp_path)
    assert [record.path for record in Archive(root)] == ["/" + B_PATH, "/" + A_PATH]


def test_read_bytes_of_a_file_that_grows_or_shrinks_while_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "entry.md"
    path.write_bytes(SAMPLE.encode())
    real_fstat = os.fstat
    for delta in (-50, 50):  # the size fstat saw: the file grew by 50 bytes since, or shrank

        def lying_fstat(descriptor: int, delta: int = delta) -> os.stat_result:
            info = real_fstat(descriptor)
            return os.stat_result((info.st_mode, *info[1:6], info.st_size + delta, *info[7:]))

        monkeypatch.setattr(os, "fstat", lying_fstat)
        assert newsfmt._io.read_bytes(str(path), 10_000) == SAMPLE.encode()


def test_files_lists_without_reading_and_record_reads_one_in_another_process(
    broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive_ = Archive(broken)
    opened: list[str] = []
    monkeypatch.setattr(os, "open", lambda path, *_, **__: opened.append(path))
    files = list(archive_.files())
    assert opened == []
    monkeypatch.undo()
    names = ["news/2016/04/20/huge.md", B_PATH, "news/2016/04/8/broken.md", "news/2016/04/8/latin.md", A_PATH]
    assert files == [str(broken / name) for name in names]

    def shown(record: Record) -> tuple[object, ...]:  # a ParseError compares by identity: compare its text
        return record.path, record.file, record.entry, str(record.error)

    copy = pickle.loads(pickle.dumps(archive_))  # as a worker process receives it
    assert [shown(copy.record(file)) for file in files] == [shown(record) for record in archive_]


def test_files_that_cannot_be_read_are_records_with_their_code(tmp_path: Path) -> None:
    archive(tmp_path / "archive")
    (tmp_path / "outside.md").write_text(SAMPLE)
    day = tmp_path / "archive/news/2016/04/8"
    (day / "gone.md").symlink_to(tmp_path / "archive/nowhere.md")
    (day / "out.md").symlink_to(tmp_path / "outside.md")
    os.mkfifo(day / "pipe.md")
    (day / "folder.md").mkdir()
    errors = {
        record.path.rsplit("/", 1)[1]: (record.error.code, record.error.message)
        for record in Archive(tmp_path / "archive")
        if record.error
    }
    assert errors == {
        "folder.md": ("NF004", "expected a file, found a folder"),
        "gone.md": ("NF001", "cannot read the file: No such file or directory"),
        "out.md": (
            "NF006",
            f"expected a file in the tree, found a symlink to {tmp_path}/outside.md (--follow-symlinks reads it)",
        ),
        "pipe.md": ("NF004", "expected a file, found a FIFO"),
    }
    followed = Archive(tmp_path / "archive", follow_symlinks=True)
    assert followed.get("/news/2016/04/8/out.md") == newsfmt.parse(SAMPLE)
    assert [r.path for r in Archive(tmp_path / "archive", exclude=["*.md"])] == []
    assert [r.path for r in Archive(tmp_path / "archive", exclude=["8"])] == ["/" + B_PATH]  # a folder's name
    assert [r.path for r in Archive(tmp_path / "archive", exclude=["*/04/8"])] == ["/" + B_PATH]  # or its path


def test_a_second_check_in_one_process_sees_the_files_made_since(tmp_path: Path) -> None:
    archive(tmp_path)
    (tmp_path / B_PATH).unlink()
    assert [f.code for f in Archive(tmp_path).check()] == ["NF303"]  # A links to B, which is gone
    (tmp_path / B_PATH).write_text(serialize(B))
    assert list(Archive(tmp_path).check()) == []
    text = (tmp_path / A_PATH).read_text()
    (tmp_path / B_PATH).unlink()
    assert [f.code for f in check(text, tmp_path / A_PATH)] == ["NF303"]


def test_titles_of_a_target_outside_the_files_agree_with_most_of_its_links(tmp_path: Path) -> None:
    gone = "/news/2016/04/1/gone.md"
    entries = {
        f"/news/2016/04/{day}/e{day}.md": Entry(
            date=datetime.date(2016, 4, day), headline=f"E{day}", related=[Related(title=title, path=gone)]
        )
        for day, title in ((2, "Gone"), (3, "Went"), (4, "Gone"), (5, "Alpha"))
    }
    write_archive(tmp_path, entries)
    found = [(f.path, f.line, f.column, f.code, f.message) for f in Archive(tmp_path).check(select=["NF307"])]
    expected = f'expected the title of {gone} to be "Gone", as 2 of its 4 links title it'
    assert sorted(found) == [
        (str(tmp_path / "news/2016/04/3/e3.md"), 8, 1, "NF307", f'{expected}, found "Went"'),
        (str(tmp_path / "news/2016/04/5/e5.md"), 8, 1, "NF307", f'{expected}, found "Alpha"'),
    ]
    # On a tie, the first title in sorted order; one title only: no finding.
    del entries["/news/2016/04/4/e4.md"]
    shutil.rmtree(tmp_path / "news")
    write_archive(tmp_path, {path: entries[path] for path in list(entries)[:1]})
    assert list(Archive(tmp_path).check(select=["NF307"])) == []
    write_archive(tmp_path, entries)
    tie = f'expected the title of {gone} to be "Alpha", as 1 of its 3 links title it'
    assert sorted(f.message for f in Archive(tmp_path).check(select=["NF307"])) == [
        f'{tie}, found "Gone"',
        f'{tie}, found "Went"',
    ]


def test_an_archive_without_a_dated_folder_has_no_last_day(tmp_path: Path) -> None:
    (tmp_path / "news/2016/02/30").mkdir(parents=True)  # not a date
    (tmp_path / "news/2016/13").mkdir()  # not a month
    text = serialize(B).replace("/news/2016/04/8/nato-will-meet-russia.md", "/news/2099/01/1/later.md")
    assert [f.code for f in check(text, tmp_path / "news/2016/02/30/x.md", select=["NF308"])] == []
    (tmp_path / "news/2016/04/8").mkdir(parents=True)
    assert [f.code for f in check(text, tmp_path / "news/2016/02/30/x.md", select=["NF308"])] == ["NF308"]


def test_a_linked_folder_that_cannot_be_listed_is_said_so_not_called_missing(tmp_path: Path) -> None:
    entry = Entry(
        date=datetime.date(2016, 4, 2), headline="E", related=[Related(title="G", path="/news/2016/04/1/gone.md")]
    )
    write_archive(tmp_path, {"/news/2016/04/2/e.md": entry})
    (tmp_path / "news/2016/04/1").symlink_to("1")  # a loop: listing it fails with ELOOP, as a folder root cannot enter
    assert [(f.line, f.column, f.code, f.message) for f in Archive(tmp_path).check()] == [
        (
            8,
            1,
            "NF303",
            "expected the related entry /news/2016/04/1/gone.md in the archive, "
            "cannot list its folder: Too many levels of symbolic links",
        )
    ]


def test_a_selection_is_a_list_of_codes_and_always_keeps_nf000() -> None:
    with pytest.raises(TypeError, match=r"^expected a list of codes, found the string 'NF1'$"):
        check(SAMPLE, select="NF1")  # a str is an iterable of str: only this check catches it
    many = SAMPLE + "".join(f"{number}. not a source\n" for number in range(2, 80))
    assert [(f.line, f.code, f.message) for f in check(many, select=["NF2"])] == [
        (69, "NF000", "stopped after 50 errors")
    ]


def test_between_passes_over_folders_that_are_no_date(tmp_path: Path) -> None:
    archive(tmp_path)
    (tmp_path / "news/2016/02/30").mkdir(parents=True)
    (tmp_path / "news/2016/02/30/x.md").write_text(SAMPLE)  # in a folder of no date: never read by between()
    found = Archive(tmp_path).between(datetime.date(2016, 1, 1), datetime.date(2016, 12, 31))
    assert [record.path for record in found] == ["/" + A_PATH, "/" + B_PATH]


def _unlistable(monkeypatch: pytest.MonkeyPatch, ending: str) -> None:
    """Folders whose paths end with ``ending`` cannot be listed, as an unprivileged user meets a folder of mode 000."""
    real = os.scandir

    def failing(path: Any) -> Any:
        if str(path).endswith(ending):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", failing)


def test_files_leaves_out_what_cannot_be_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive(tmp_path)
    _unlistable(monkeypatch, "04/8")
    assert list(Archive(tmp_path).files()) == [str(tmp_path / B_PATH)]
    [(path, error)] = [(record.path, record.error) for record in Archive(tmp_path) if record.error is not None]
    assert (path, error.code, error.message) == (
        "/news/2016/04/8",
        "NF001",
        "cannot list the folder: Permission denied",
    )


def test_to_networkx_without_networkx_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "networkx", None)  # as if it were not installed
    with pytest.raises(ImportError, match=r"^Archive.to_networkx\(\) needs networkx: pip install networkx$"):
        Archive(archive(tmp_path)).to_networkx()


def test_related_to_titles_the_item_with_the_target_s_headline(tmp_path: Path) -> None:
    archive(tmp_path, {"news/2016/04/8/broken.md": "## Not an entry\n"})
    archive_ = Archive(tmp_path)
    assert archive_.related_to("/" + A_PATH, ["NATO", "Russia"]) == Related(
        title="NATO will meet Russia", path="/" + A_PATH, context=("NATO", "Russia")
    )
    assert archive_.related_to("/" + B_PATH).context == ()
    with pytest.raises(LookupError, match=r"^/news/2016/04/8/gone\.md: no entry there to relate to$"):
        archive_.related_to("/news/2016/04/8/gone.md")
    with pytest.raises(ParseError) as raised:
        archive_.related_to("/news/2016/04/8/broken.md")
    assert (raised.value.code, raised.value.line) == ("NF101", 1)


def test_files_leaves_out_what_exclude_names(tmp_path: Path) -> None:
    archive(tmp_path)
    assert list(Archive(tmp_path, exclude=["*/04/8"]).files()) == [str(tmp_path / B_PATH)]


def test_map_runs_in_this_process_without_a_bar_unless_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive(tmp_path)
    seen: list[str] = []

    def headline(entry: newsfmt.Entry) -> str:  # a closure, which a pool could not take
        seen.append(entry.headline)
        return entry.headline

    headlines = list(Archive(tmp_path).map(headline))
    assert headlines == seen == ["NATO reopens talks", "NATO will meet Russia"]  # no pool by default
    assert capsys.readouterr().err == ""
    assert list(Archive(tmp_path).map(newsfmt.to_dict, jobs=2, progress=True)) == [
        newsfmt.to_dict(entry) for entry in Archive(tmp_path).entries()
    ]
    assert "0/2 [" in capsys.readouterr().err  # the bar, on standard error (it clears itself at the end)


def test_between_and_input_files_keep_the_exclusions_and_the_problems_of_the_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive(tmp_path, {"news/2016/04/20/draft-notes.md": "a draft\n"})
    drafts = Archive(tmp_path, exclude=["*draft*"])
    day, later = datetime.date(2016, 4, 8), datetime.date(2016, 4, 20)
    assert [record.path for record in drafts.between(later, later)] == ["/" + B_PATH]
    assert [os.path.basename(file.name) for file in drafts.input_files()] == [
        "nato-reopens-talks.md",
        "nato-will-meet-russia.md",
    ]
    _unlistable(monkeypatch, "04/8")
    [record] = drafts.between(day, day)
    assert (record.path, record.error and record.error.code) == ("/news/2016/04/8", "NF001")
    assert [file.problem for file in drafts.input_files()] == [None, "cannot list the folder: Permission denied"]


def test_days_from_a_later_year_pass_over_the_earlier_years(tmp_path: Path) -> None:
    archive(tmp_path, {"news/2015/12/31/old.md": serialize(A).replace("2016-04-08", "2015-12-31")})
    days = Archive(tmp_path).days(datetime.date(2016, 1, 1))
    assert [date for date, _ in days] == [datetime.date(2016, 4, 8), datetime.date(2016, 4, 20)]
    assert [date for date, _ in Archive(tmp_path).days(end=datetime.date(2015, 12, 31))] == [
        datetime.date(2015, 12, 31)
    ]


def test_check_runs_in_this_process_without_a_bar_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import newsfmt._check
    import newsfmt._files

    archive(tmp_path, {"news/2016/04/8/x.md": "broken\n"})
    pids: list[int] = []
    local_check = newsfmt._check.local_check

    def recorded(text: str, path: str, *, markdown: bool) -> Any:
        pids.append(os.getpid())  # lost if it ran in a worker process
        return local_check(text, path, markdown=markdown)

    monkeypatch.setattr(newsfmt._files, "local_check", recorded)
    found = list(Archive(tmp_path).check())
    assert [f.code for f in found] == ["NF101", "NF105"] and pids == [os.getpid()] * 3
    assert capsys.readouterr().err == ""
    assert list(Archive(tmp_path).check(jobs=2, progress=True)) == found
    assert "file/s]" in capsys.readouterr().err  # the bar, on standard error


def test_check_and_map_stay_in_this_process_by_default_on_enough_files_for_a_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsfmt._check
    import newsfmt._files
    from newsfmt._pool import POOL_THRESHOLD

    day = datetime.date(2016, 4, 8)
    archive(
        tmp_path,
        {
            f"news/2016/04/8/entry-{n}.md": serialize(Entry(date=day, headline=f"Entry {n}"))
            for n in range(POOL_THRESHOLD)
        },
    )
    pids: set[int] = set()
    local_check = newsfmt._check.local_check

    def recorded(text: str, path: str, *, markdown: bool) -> Any:
        pids.add(os.getpid())  # lost if it ran in a worker process
        return local_check(text, path, markdown=markdown)

    monkeypatch.setattr(newsfmt._files, "local_check", recorded)
    assert list(Archive(tmp_path).check()) == [] and pids == {os.getpid()}
    # a lambda cannot be sent to a worker process: only the main process can run it
    assert set(Archive(tmp_path).map(lambda entry: os.getpid())) == {os.getpid()}
    assert os.getpid() not in set(Archive(tmp_path).map(_pid, jobs=2))  # asked for, the pool does the work


def _pid(entry: Entry) -> int:
    return os.getpid()


def test_an_archive_at_the_file_system_root_gives_archive_paths_from_its_news_folder() -> None:
    # "/" is the one root that ends in a separator after normalising: its files' paths start right after it.
    # (Nothing is read but the one file named, which need not exist.)
    record = Archive("/").record("/news/2016/04/8/x.md")
    assert (record.path, record.file) == ("/news/2016/04/8/x.md", "/news/2016/04/8/x.md")


_PLACES = [f"/news/2016/04/20/entry-{number}.md" for number in range(4)]


def _linking(headline: str, *links: tuple[str, tuple[str, ...]]) -> Entry:
    related = [Related(title="T", path=target, context=context) for target, context in links]
    return Entry(date=datetime.date(2016, 4, 20), headline=headline, related=related)


_SAVED_TWICE_AND_REMOVED = [  # a second save at a path replaces the first; a removal leaves the others' tags
    (_PLACES[0], _linking("First", (_PLACES[1], ("NATO", "Russia")))),
    (_PLACES[0], _linking("Second", (_PLACES[2], ("NATO",)))),
    (_PLACES[1], _linking("Third", (_PLACES[2], ("Ukraine",)))),
    (_PLACES[1], None),
]


@given(st.lists(st.tuples(st.sampled_from(_PLACES), st.none() | s.entries(max_sources=0, max_related=3)), max_size=12))
@example(_SAVED_TWICE_AND_REMOVED)
def test_an_index_kept_up_to_date_file_by_file_is_the_index_of_what_is_there(
    changes: list[tuple[str, Entry | None]],
) -> None:
    from newsfmt._archive import _Index

    kept, there = _Index(), dict[str, Entry]()
    for path, entry in changes:  # an entry saved at path, or the file at path removed
        if entry is None:
            kept.remove(path)
            there.pop(path, None)
        else:
            kept.add(path, entry)
            there[path] = entry
    built = _Index.of(Record(path, path, entry) for path, entry in sorted(there.items()))

    def shown(index: _Index) -> tuple[object, ...]:
        return (
            index.headlines,
            dict(sorted(index.graph.items())),
            {target: paths for target, paths in index.backlinks.items() if paths},
            {tag: paths for tag, paths in index.tagged.items() if paths},
            sorted(index.tags.items()),  # no tag with a count of 0 (Counter equality would ignore one)
        )

    backlinks: dict[str, set[str]] = {}
    tagged: dict[str, set[str]] = {}
    for path, entry in there.items():
        for item in entry.related:
            backlinks.setdefault(item.path, set()).add(path)
            for tag in item.context:
                tagged.setdefault(tag, set()).add(path)
    tags = collections.Counter(tag for entry in there.values() for item in entry.related for tag in item.context)
    truth = (
        {path: (entry.date, entry.headline) for path, entry in there.items()},
        {path: tuple((item.path, item.context) for item in entry.related) for path, entry in sorted(there.items())},
        backlinks,
        tagged,
        sorted(tags.items()),
    )
    assert shown(kept) == shown(built) == truth


def test_an_index_update_reads_the_file_as_it_is_now(tmp_path: Path) -> None:
    archive_ = Archive(archive(tmp_path))
    index = archive_._built()
    a, b = "/" + A_PATH, "/" + B_PATH
    assert index.headlines[a] == (A.date, A.headline) and index.backlinks[b] == {a}
    retitled = attrs.evolve(A, headline="NATO will meet Russia again", related=[])
    (tmp_path / A_PATH).write_text(serialize(retitled), encoding="utf-8")
    index.update(archive_, a)  # changed: its new headline, and its link to b gone
    assert index.headlines[a] == (A.date, retitled.headline) and index.backlinks[b] == set()
    (tmp_path / A_PATH).write_text("# no entry\n", encoding="utf-8")
    index.update(archive_, a)  # no entry any more: out of the index
    assert a not in index.headlines and a not in index.graph
    index.update(archive_, a)  # still none: nothing to forget twice
    index.add(a, A)
    (tmp_path / A_PATH).unlink()
    index.update(archive_, a)  # gone
    assert a not in index.headlines and index.backlinks[b] == set() and index.tags == collections.Counter()
    index.update(archive_, "/../outside.md")  # a path out of the archive: nothing, and no error
    assert sorted(index.headlines) == [b]
