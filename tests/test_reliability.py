"""What an adversarial review broke (issue 11), one regression test an item, and the relatives of each.

Each test names the review's item it answers. Tests that need an unprivileged
user run the command in a forked child that drops to uid 65534 when the suite
runs as root, since root reads and writes any file whatever its mode.
"""

from __future__ import annotations

import datetime
import enum
import fcntl
import io
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import newsfmt
from newsfmt import Entry, ParseError, Related, Source, from_dict, parse, serialize, to_dict
from newsfmt import strategies as s
from newsfmt._atomic import TEMPORARY
from newsfmt._check import check_text
from newsfmt._cli import main
from newsfmt._repair import errors

from .test_cli import archive, run
from .test_format import SAMPLE, SAMPLE_ENTRY, TOLERATED

E = "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO\n"  # parses, not canonical
E_CANONICAL = "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO \n"
NOBODY = 65534


def in_process(*args: str, cwd: Path, stdin: bytes = b"", user: int | None = None) -> tuple[int, str, str]:
    """``newsfmt ARGS`` in a forked child (as ``user`` if given and we are root): (exit code, stdout, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as given:
        given.write(stdin)
        given.seek(0)
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 99
            try:
                os.chdir(cwd)
                if user is not None and os.geteuid() == 0:
                    os.setgroups([])
                    os.setgid(user)
                    os.setuid(user)
                os.dup2(given.fileno(), 0)
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                sys.stdin = io.TextIOWrapper(open(0, "rb", closefd=False))  # noqa: SIM115
                sys.stdout = io.TextIOWrapper(open(1, "wb", closefd=False), write_through=True)  # noqa: SIM115
                sys.stderr = io.TextIOWrapper(open(2, "wb", closefd=False), write_through=True)  # noqa: SIM115
                code = main(list(args))
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        out.seek(0)
        err.seek(0)
        return os.waitstatus_to_exitcode(status), out.read().decode(), err.read().decode()


# 1. fmt, write() and from-json --overwrite wrote a symlink's 0o777 onto the file.


def test_1_fmt_writes_through_a_symlink_keeping_the_link_and_the_targets_mode(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "real.md").write_text(E)
    (folder / "real.md").chmod(0o600)
    (folder / "link.md").symlink_to("real.md")
    result = run("fmt", "s", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (folder / "link.md").is_symlink() and os.readlink(folder / "link.md") == "real.md"
    assert (folder / "real.md").read_text() == E_CANONICAL
    assert stat.S_IMODE((folder / "real.md").stat().st_mode) == 0o600


def test_1_fmt_never_writes_through_a_symlink_out_of_the_tree_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "outside.md").write_text(E)
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree/link.md").symlink_to(tmp_path / "outside.md")
    result = run("fmt", "tree", cwd=tmp_path)
    assert result.returncode == 1 and "NF006" in result.stderr
    assert (tmp_path / "outside.md").read_text() == E
    assert run("fmt", "--follow-symlinks", "tree", cwd=tmp_path).returncode == 0
    assert (tmp_path / "outside.md").read_text() == E_CANONICAL and (tmp_path / "tree/link.md").is_symlink()


def test_1_from_json_overwrite_through_a_symlink_keeps_the_targets_mode(tmp_path: Path) -> None:
    folder = tmp_path / "o/news/2016/04/20"
    folder.mkdir(parents=True)
    (folder / "real.md").write_text("old\n")
    (folder / "real.md").chmod(0o640)
    (folder / "nato.md").symlink_to("real.md")
    record = json.dumps({"entry": to_dict(parse(E))})
    result = run("from-json", "-", "--out-dir", "o", "--overwrite", cwd=tmp_path, stdin=record + "\n")
    assert result.returncode == 0, result.stderr
    assert (folder / "nato.md").is_symlink() and (folder / "real.md").read_text() == E_CANONICAL
    assert stat.S_IMODE((folder / "real.md").stat().st_mode) == 0o640


def test_1_write_refuses_what_is_not_a_regular_file_and_a_dangling_symlink(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    with pytest.raises(OSError, match="expected a regular file to replace, found a FIFO"):
        newsfmt.write(SAMPLE_ENTRY, tmp_path / "pipe.md")
    (tmp_path / "folder.md").mkdir()
    with pytest.raises(IsADirectoryError, match="found a folder"):
        newsfmt.write(SAMPLE_ENTRY, tmp_path / "folder.md")
    (tmp_path / "dangling.md").symlink_to(tmp_path / "elsewhere" / "x.md")
    with pytest.raises(FileNotFoundError, match="the symlink leads to no file"):
        newsfmt.write(SAMPLE_ENTRY, tmp_path / "dangling.md")
    assert sorted(os.listdir(tmp_path)) == ["dangling.md", "folder.md", "pipe.md"]  # no temporary left
    assert stat.S_ISFIFO(os.stat(tmp_path / "pipe.md").st_mode)


# 2. to-json -o replaced what was there: /dev/null became a regular file.


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root, as replacing /dev/null did")
def test_2_to_json_to_a_device_leaves_it_a_device(tmp_path: Path) -> None:
    # A device of our own with /dev/null's numbers: a regression must not break the machine's /dev/null.
    archive(tmp_path)
    os.mknod(tmp_path / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    before = os.stat(tmp_path / "null")
    result = run("to-json", "-o", "null", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    after = os.stat(tmp_path / "null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino
    (tmp_path / "stdout").symlink_to("null")  # as /dev/stdout is a symlink to the output
    assert run("to-json", "-o", "stdout", cwd=tmp_path).returncode == 0
    assert (tmp_path / "stdout").is_symlink() and stat.S_ISCHR(os.stat(tmp_path / "null").st_mode)


def test_2_to_json_to_a_fifo_writes_into_it(tmp_path: Path) -> None:
    archive(tmp_path)
    os.mkfifo(tmp_path / "pipe")
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append((tmp_path / "pipe").read_bytes()))
    reader.start()
    result = run("to-json", "-o", "pipe", cwd=tmp_path)
    reader.join(timeout=30)
    assert result.returncode == 0 and len(received[0].splitlines()) == 2
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe").st_mode)


def test_2_to_json_to_a_symlink_writes_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    archive(tmp_path)
    (tmp_path / "real.jsonl").write_text("old\n")
    (tmp_path / "real.jsonl").chmod(0o600)
    (tmp_path / "out.jsonl").symlink_to("real.jsonl")
    assert run("to-json", "-o", "out.jsonl", cwd=tmp_path).returncode == 0
    assert (tmp_path / "out.jsonl").is_symlink()
    assert len((tmp_path / "real.jsonl").read_text().splitlines()) == 2
    assert stat.S_IMODE((tmp_path / "real.jsonl").stat().st_mode) == 0o600


def test_2_to_json_to_a_folder_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    archive(tmp_path)
    (tmp_path / "out").mkdir()
    result = run("to-json", "-o", "out", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, "newsfmt: out: is a folder, not a file to write\n")
    assert sorted(os.listdir(tmp_path)) == ["news", "out"] and os.listdir(tmp_path / "out") == []


# 3. from-json wrote outside --out-dir through a symlinked folder.


def test_3_from_json_never_writes_through_a_folder_that_leads_out_of_the_out_dir(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "o/news").mkdir(parents=True)
    (tmp_path / "o/news/2016").symlink_to(outside)
    records = [{"entry": to_dict(parse(E))}, {"entry": to_dict(parse(E.replace("2016", "2017")))}]
    stdin = "".join(json.dumps(record) + "\n" for record in records)
    result = run("from-json", "-", "--out-dir", "o", cwd=tmp_path, stdin=stdin)
    assert result.returncode == 1
    assert result.stderr.startswith(f"-:1: o/news/2016/04/20/nato.md: the folder 2016 leads outside o, to {outside}\n")
    assert list(outside.iterdir()) == []  # not even a folder made there
    assert (tmp_path / "o/news/2016").is_symlink()
    assert result.stdout == "o/news/2017/04/20/nato.md\n"  # the other record is written


def test_3_from_json_never_writes_through_a_file_symlink_that_leads_out(tmp_path: Path) -> None:
    (tmp_path / "o/news/2016/04/20").mkdir(parents=True)
    (tmp_path / "victim.md").write_text("keep\n")
    (tmp_path / "o/news/2016/04/20/nato.md").symlink_to(tmp_path / "victim.md")
    stdin = json.dumps({"entry": to_dict(parse(E))}) + "\n"
    result = run("from-json", "-", "--out-dir", "o", "--overwrite", cwd=tmp_path, stdin=stdin)
    assert result.returncode == 1 and "a symlink that leads outside o" in result.stderr
    assert (tmp_path / "victim.md").read_text() == "keep\n"


# 4 and 5. str subclasses: items vanished in from_dict, and serialize wrote an enum's name.


class Headline(str, enum.Enum):  # noqa: UP042 - the mixin the review used, not StrEnum
    NATO = "NATO reopens talks"


class Tag(enum.StrEnum):
    NATO = "NATO"


class Text(str):
    """A str subclass whose format() differs from its characters, as an enum's does."""

    def __format__(self, spec: str) -> str:
        return "WRONG"

    def __str__(self) -> str:
        return "WRONG"


def _subclassed(value: Any) -> Any:
    if isinstance(value, str):
        return Text(value)
    if isinstance(value, list):
        return [_subclassed(item) for item in value]
    if isinstance(value, dict):
        return {key: _subclassed(item) for key, item in value.items()}
    return value


def test_4_from_dict_keeps_items_whose_strings_are_enum_members() -> None:
    data = to_dict(SAMPLE_ENTRY)
    data["sources"][0]["name"] = Headline.NATO
    data["related"][0]["context"] = [Tag.NATO, "Russia"]
    entry = from_dict(data)
    assert len(entry.sources) == 2 and entry.sources[0].name == "NATO reopens talks"
    assert entry.related[0].context == ("NATO", "Russia")
    assert all(type(value) is str for value in [entry.sources[0].name, *entry.related[0].context])


@given(s.entries())
def test_4_every_value_to_dict_gives_comes_back_even_as_str_subclasses(entry: Entry) -> None:
    back = from_dict(_subclassed(to_dict(entry)))
    assert back == entry and serialize(back) == serialize(entry)


def test_4_an_item_that_breaks_no_rule_is_never_dropped_by_from_dict() -> None:
    # The slow path decides alone: whatever the fast check misses, a valid item is built, an invalid one reported.
    data = to_dict(SAMPLE_ENTRY)
    data["date"] = type("Day", (datetime.date,), {})(2016, 4, 8)
    entry = from_dict(data)
    assert type(entry.date) is datetime.date and entry == SAMPLE_ENTRY


def test_5_the_model_stores_plain_str_so_serialize_writes_what_it_holds() -> None:
    entry = Entry(
        date=datetime.date(2016, 4, 20),
        headline=Headline.NATO,
        body=Text("Body."),
        sources=[Source(name=Text("Reuters"), url=Text("http://x"))],
        related=[Related(title=Text("T"), path=Text("/news/2016/04/8/t.md"), context=[Tag.NATO, Text("Y")])],
    )
    values = [entry.headline, entry.body, entry.sources[0].name, entry.sources[0].url, entry.related[0].title]
    values += [entry.related[0].path, *entry.related[0].context]
    assert all(type(value) is str for value in values)
    assert "WRONG" not in serialize(entry) and "Headline.NATO" not in serialize(entry)
    assert parse(serialize(entry)) == entry


# 6. to-json | from-json lost entries holding the characters str.splitlines() breaks on.

SPLITLINES_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def test_6_json_lines_keep_every_character_that_splitlines_breaks_on(tmp_path: Path) -> None:
    assert all(len(f"a{c}b".splitlines()) == 2 for c in SPLITLINES_BREAKS)  # the premise
    entries = [
        Entry(date=datetime.date(2016, 4, 20), headline=f"Talks {ord(c):x} a{c}b", body=f"x{c}y")
        for c in SPLITLINES_BREAKS
    ]
    for entry in entries:
        (tmp_path / "a" / entry.path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        newsfmt.write(entry, tmp_path / "a" / entry.path.lstrip("/"))
    exported = run("to-json", "a", cwd=tmp_path)
    assert exported.returncode == 0
    result = run("from-json", "-", "--out-dir", "b", cwd=tmp_path, stdin=exported.stdout)
    assert result.returncode == 0, result.stderr
    assert {newsfmt.read(path) for path in (tmp_path / "b").rglob("*.md")} == set(entries)


# 7. validate passed a file that starts with two BOMs, which parse rejects.


def test_7_validate_reports_a_second_bom_exactly_as_parse_does(tmp_path: Path) -> None:
    (tmp_path / "entry.md").write_bytes(("\ufeff\ufeff" + SAMPLE).encode())
    with pytest.raises(ParseError) as error:
        newsfmt.read(tmp_path / "entry.md")
    result = run("validate", "entry.md", cwd=tmp_path)
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first == f"entry.md:{error.value.line}:{error.value.column}: error: {error.value.code} {error.value.message}"


_PREFIXES = st.sampled_from(["", "\ufeff", "\ufeff\ufeff", "\ufeff\n", "\r\n", " "])


@given(_PREFIXES, st.one_of(s.invalid_texts().map(lambda pair: pair[0]), s.canonical_texts()), st.text(max_size=5))
def test_7_the_first_finding_is_always_parses_error(prefix: str, text: str, suffix: str) -> None:
    text = prefix + text + suffix
    try:
        parse(text)
    except ParseError as error:
        entry, findings = check_text(text, "x.md")
        assert entry is None and findings
        assert findings[0][1:5] == (error.line, error.column, error.code, error.message)
    else:
        assert check_text(text, "x.md")[0] == parse(text)


# 8. An entry whose slug is "index" took the day page's path.


def test_8_no_entry_or_related_link_maps_to_a_day_page(tmp_path: Path) -> None:
    entry = Entry(date=datetime.date(2016, 4, 20), headline="Index")
    with pytest.raises(ValueError, match=r"^Entry\.headline: its slug is index, the day page's name: \"Index\"$"):
        _ = entry.path
    with pytest.raises(ValueError, match=r'^Related\.path: expected the path of an entry, found the day page "/news'):
        Related(title="Day", path="/news/2016/04/20/index.md")
    text = SAMPLE.replace("/news/2016/04/15/another-title.md", "/news/2016/04/15/index.md")
    with pytest.raises(ParseError) as error:
        parse(text)
    assert (error.value.line, error.value.column, error.value.code) == (18, 21, "NF112")
    assert error.value.message == 'expected the path of an entry, found the day page "/news/2016/04/15/index.md"'
    day = tmp_path / "o/news/2016/04/20/index.md"
    day.parent.mkdir(parents=True)
    day.write_text("The day page.\n")
    records = [to_dict(entry), {"path": "/news/2016/04/20/index.md", "entry": to_dict(parse(E))}]
    stdin = "".join(json.dumps(record) + "\n" for record in records)
    result = run("from-json", "-", "--out-dir", "o", "--overwrite", cwd=tmp_path, stdin=stdin)
    assert result.returncode == 1
    assert result.stderr.startswith('-:1: Entry.headline: its slug is index, the day page\'s name: "Index"\n')
    assert result.stdout == "o/news/2016/04/20/nato.md\n"  # the record's own path names the day page: not used
    assert day.read_text() == "The day page.\n"


# 9. validate skipped folders it could not list, and said "0 files, 0 errors".


def test_9_a_folder_that_cannot_be_listed_is_a_finding_and_fails_the_run(shared_tmp: Path) -> None:
    locked = shared_tmp / "news/2016/04/8"
    locked.mkdir(parents=True)
    (locked / "broken.md").write_text("broken\n")
    for folder in [shared_tmp / "news", shared_tmp / "news/2016", shared_tmp / "news/2016/04"]:
        folder.chmod(0o755)
    locked.chmod(0o000)
    code, out, err = in_process("validate", cwd=shared_tmp, user=NOBODY)
    assert out == "news/2016/04/8:1:1: error: NF001 cannot list the folder: Permission denied\n"
    assert (code, err) == (1, "1 file, 1 error, 0 warnings\n")
    code, out, err = in_process("fmt", cwd=shared_tmp, user=NOBODY)
    assert code == 1 and "NF001 cannot list the folder" in err


# 10. An empty selection passed everything.


@pytest.mark.parametrize(
    ("arguments", "config"),
    [
        (["--select", ""], None),
        ([], "select = []"),
        (["--select", "NF1", "--ignore", "NF1"], None),
        (["--ignore", "NF"], None),
    ],
)
def test_10_a_selection_that_selects_nothing_is_a_usage_error(
    tmp_path: Path, arguments: list[str], config: str | None
) -> None:
    (tmp_path / "entry.md").write_text("not an entry\n")
    if config:
        (tmp_path / "pyproject.toml").write_text(f"[tool.newsfmt]\n{config}\n")
    result = run("validate", *arguments, cwd=tmp_path)
    assert result.returncode == 2
    assert (
        result.stderr
        == "newsfmt: the selection checks no rule: select names none, or ignore removes every one it names\n"
    )


# 11. "-" with 64 files or more was read by a pool worker, whose stdin is /dev/null.


def test_11_stdin_is_read_by_the_main_process_whatever_the_pool_does(tmp_path: Path) -> None:
    archive(tmp_path, {f"news/2016/04/8/n{number:03d}.md": SAMPLE for number in range(70)})
    result = run("validate", "--ignore", "NF3", "-j", "2", "-", ".", cwd=tmp_path, stdin="broken\n")
    assert result.stdout.startswith(
        '-:1:1: error: NF101 expected the date line "### [YYYY-MM-DD](/news/YYYY/MM/D/index.md)"'
    )
    assert result.returncode == 1 and result.stderr == "73 files, 2 errors, 0 warnings\n"


# 12. One failed write aborted the whole fmt run.


def test_12_a_write_that_fails_is_a_finding_and_fmt_goes_on(shared_tmp: Path) -> None:
    for name in ["a", "b", "c"]:
        (shared_tmp / name).mkdir(mode=0o777)
        (shared_tmp / name).chmod(0o777)
        (shared_tmp / name / "entry.md").write_text(E)
        (shared_tmp / name / "entry.md").chmod(0o666)
    (shared_tmp / "b").chmod(0o555)  # the user cannot make the temporary file here
    code, _, err = in_process("fmt", "-j", "1", ".", cwd=shared_tmp, user=NOBODY)
    assert err.splitlines() == [
        "b/entry.md:1:1: error: NF007 cannot write the file: Permission denied",
        "2 files reformatted, 0 unchanged, 1 failed",
    ]
    assert code == 1
    assert [(shared_tmp / name / "entry.md").read_text() for name in "abc"] == [E_CANONICAL, E, E_CANONICAL]


def test_12_a_file_name_of_255_bytes_can_be_formatted(tmp_path: Path) -> None:
    name = "a" * 252 + ".md"
    (tmp_path / name).write_text(E)
    result = run("fmt", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / name).read_text() == E_CANONICAL


def test_12_two_fmt_runs_racing_on_one_tree_both_succeed(tmp_path: Path) -> None:
    folder = tmp_path / "news/2016/04/8"
    folder.mkdir(parents=True)
    old = TOLERATED["crlf line endings"].encode()
    for round_ in range(3):
        for number in range(600):
            (folder / f"entry-{number:03d}.md").write_bytes(old)
        command = [sys.executable, "-m", "newsfmt", "fmt", "-q", "-j", "2", "."]
        runs = [subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        results = [(process.wait(), process.stderr.read() if process.stderr else "") for process in runs]
        assert results == [(0, ""), (0, "")], round_
        assert {path.read_bytes() for path in folder.iterdir()} == {SAMPLE.encode()}


# 13. One bad record aborted or hung from-json.


def test_13_every_bad_record_is_reported_and_the_others_are_written(tmp_path: Path) -> None:
    (tmp_path / "o/news/2016/04/20/folder-target.md").mkdir(parents=True)
    os.mkfifo(tmp_path / "o/news/2016/04/20/fifo-target.md")
    good = to_dict(parse(E))

    def headlined(headline: str) -> str:
        return json.dumps({**good, "headline": headline})

    lines = [
        '{"date": "2016-04-20", "headline": "lone \\ud800 surrogate", "body": "", "sources": [], "related": []}',
        "[" * 100_000 + "]" * 100_000,
        headlined("Folder target"),
        headlined("FIFO target"),
        json.dumps({"path": "/news/2016/04/20/" + "x" * 300 + ".md", "entry": good}),
        json.dumps(good),
    ]
    process = subprocess.run(
        [sys.executable, "-m", "newsfmt", "from-json", "-", "--out-dir", "o"],
        cwd=tmp_path,
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.stderr.splitlines() == [
        "-:1: the entry cannot be written as UTF-8: surrogates not allowed at 52",
        "-:2: not JSON that newsfmt can read: nested too deeply",
        "-:3: o/news/2016/04/20/folder-target.md: expected a file, found a folder",
        "-:4: o/news/2016/04/20/fifo-target.md: expected a file, found a FIFO",
        f"-:5: o/news/2016/04/20/{'x' * 300}.md: File name too long",
        "1 file written, 0 unchanged, 5 failed",
    ]
    assert process.stdout == "o/news/2016/04/20/nato.md\n" and process.returncode == 1


# 14. Non-UTF-8 stdio corrupted or crashed.


@pytest.mark.parametrize(
    "environment", [{"PYTHONIOENCODING": "latin-1"}, {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}]
)
def test_14_input_and_output_are_utf8_whatever_the_locale(tmp_path: Path, environment: dict[str, str]) -> None:
    env = {**{k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "LANG", "LC_ALL")}, **environment}

    def command(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "newsfmt", *args], cwd=tmp_path, input=stdin, capture_output=True, env=env
        )

    entry = Entry(date=datetime.date(2016, 4, 20), headline="Встреча NATO–Россия 会谈")
    (tmp_path / "a").mkdir()
    newsfmt.write(entry, tmp_path / "a" / "x.md")
    (tmp_path / "a" / "y.md").write_text(serialize(entry).replace("# В", "## В"), encoding="utf-8")
    validated = command("validate", "a")
    assert validated.returncode == 1 and "Встреча NATO–Россия 会谈" in validated.stdout.decode("utf-8")
    exported = command("to-json", "a", "--skip-invalid")
    assert (
        exported.returncode == 0 and json.loads(exported.stdout.decode("utf-8"))["entry"]["headline"] == entry.headline
    )
    imported = command("from-json", "-", "--out-dir", "b", stdin=exported.stdout)
    assert imported.returncode == 0, imported.stderr
    assert newsfmt.read(tmp_path / "b" / entry.path.lstrip("/")) == entry
    formatted = command("fmt", "-", stdin=serialize(entry).replace(" \n", "\n").encode("utf-8"))
    assert formatted.returncode == 0 and formatted.stdout == serialize(entry).encode("utf-8")


# 15. validate re-parsed the whole file once per error.


def _items_file(count: int, bad: int) -> str:
    items = [f"{number + 1}. [S{number}](http://x/{number})" for number in range(count)]
    for index in range(bad):
        items[index * (count // bad) + 3] = "1. [bad](http://x y)"
    return "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO \n\n### Source:\n\n" + "\n".join(items) + "\n"


def _seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        check_text(text, "x.md")
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.timing
def test_15_validate_is_linear_in_the_file_not_in_the_file_times_its_errors() -> None:
    one, many = _items_file(60_000, 1), _items_file(60_000, 49)
    findings = check_text(many, "x.md")[1]
    assert len(findings) == 49 and {f.code for f in findings} == {"NF111"}
    ratio = _seconds(many) / _seconds(one)
    assert ratio < 4, f"49 errors cost {ratio:.1f}x one error: the errors re-parse the file"  # restarts: 49 parses


_JUNK = ["## x", "# y", "1. [a](b c)", "2. [T](/news/2016/13/1/x.md)", "text", "### Source:", "### Sources:", "### Related:", "", "  ",
         "1. [](/news/2016/04/1/a.md)", "1. [x](/news/2016/04/1/a.md) _Context: a, , b_", "1. [x](y) trailing", "\ufeff",
         "### [2016-04-20](/news/2016/04/20/index.md)", "1. [x]", "   # indented", "1. [ok](http://ok)", "1. [ok](/news/2016/04/1/ok.md)"]  # fmt: skip
_EDITS = st.lists(st.tuples(st.integers(0, 80), st.sampled_from(_JUNK), st.sampled_from(["replace", "insert", "delete"])), min_size=1, max_size=10)  # fmt: skip


@given(s.tolerant_texts(max_sources=12, max_related=12), _EDITS)
def test_15_resuming_after_each_repair_finds_what_restarting_finds(
    pair: tuple[Entry, str], edits: list[tuple[int, str, str]]
) -> None:
    lines = pair[1].split("\n")
    for at, junk, how in edits:
        at %= len(lines) + 1
        if how == "insert":
            lines.insert(at, junk)
        elif at < len(lines):
            if how == "replace":
                lines[at] = junk
            else:
                del lines[at]
    text = "\n".join(lines)
    try:
        parse(text)
    except ParseError as error:
        assert errors(text, error) == errors(text, error, resume=False)


# Lower severity, each with its relatives.


def _marked_processes(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/environ", "rb") as file:
                    if marker.encode() in file.read():
                        found.append(int(entry))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers die with their parent through Linux's prctl")
@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_their_killed_parent(tmp_path: Path, signal_number: int) -> None:
    archive(tmp_path, {f"news/2016/04/8/n{number:04d}.md": SAMPLE for number in range(3000)})
    marker = f"NEWSFMT_TEST_MARKER={os.getpid()}-{signal_number}-{time.monotonic_ns()}"
    env = {**os.environ, marker.split("=")[0]: marker.split("=")[1]}
    process = subprocess.Popen(
        [sys.executable, "-m", "newsfmt", "validate", "-q", "-j", "2"], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while len(_marked_processes(marker)) < 3 and time.monotonic() < deadline:  # the parent and its two workers
        time.sleep(0.02)
    assert len(_marked_processes(marker)) >= 3, "the pool did not start"
    process.send_signal(signal_number)  # the parent alone, not its process group
    process.wait()
    deadline = time.monotonic() + 10
    while _marked_processes(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _marked_processes(marker) == [], "a worker outlived its parent"


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another owner needs root")
def test_fmt_as_root_keeps_each_files_owner_and_group(tmp_path: Path) -> None:
    (tmp_path / "entry.md").write_text(E)
    os.chown(tmp_path / "entry.md", NOBODY, NOBODY)
    assert run("fmt", "entry.md", cwd=tmp_path).returncode == 0
    info = (tmp_path / "entry.md").stat()
    assert (info.st_uid, info.st_gid) == (NOBODY, NOBODY) and (tmp_path / "entry.md").read_text() == E_CANONICAL


def test_fmt_replaces_a_hard_linked_file_and_the_other_link_keeps_the_old_text(tmp_path: Path) -> None:
    # As security.md says: the atomic rename gives the name a new file; other hard links keep the old one.
    (tmp_path / "entry.md").write_text(E)
    os.link(tmp_path / "entry.md", tmp_path / "copy.txt")
    assert run("fmt", "entry.md", cwd=tmp_path).returncode == 0
    assert (tmp_path / "entry.md").read_text() == E_CANONICAL and (tmp_path / "copy.txt").read_text() == E
    assert (tmp_path / "entry.md").stat().st_nlink == 1


def test_names_with_line_breaks_cannot_forge_finding_lines(tmp_path: Path) -> None:
    forged = "a\nnews.md:1:1: NF999 forged\r.md"
    (tmp_path / forged).write_text("broken\n")
    result = run("validate", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        'a\\nnews.md:1:1: NF999 forged\\r.md:1:1: error: NF101 expected the date line "### [YYYY-MM-DD](/news/YYYY/MM/D/index.md)", found "broken"',
        'a\\nnews.md:1:1: NF999 forged\\r.md:1:1: error: NF105 expected the headline "# HEADLINE", found "broken"',
    ]
    sarif = json.loads(run("validate", "--output-format", "sarif", cwd=tmp_path).stdout)
    uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "a%5Cnnews.md%3A1%3A1%3A%20NF999%20forged%5Cr.md"
    fmt = run("fmt", "--check", cwd=tmp_path)
    assert fmt.stderr.splitlines()[0].startswith("a\\nnews.md:1:1: NF999 forged\\r.md:1:1: error: NF101")


def test_a_socket_is_not_a_file(tmp_path: Path) -> None:
    archive(tmp_path)
    with socket.socket(socket.AF_UNIX) as server:
        os.chdir(tmp_path)  # a socket path is limited to about 100 bytes: bind it relative
        try:
            server.bind("news/2016/04/8/socket.md")
        finally:
            os.chdir(Path(__file__).parent.parent)
        result = run("validate", cwd=tmp_path)
    assert result.stdout == "news/2016/04/8/socket.md:1:1: error: NF004 expected a file, found a socket\n"
    with pytest.raises(ParseError, match="expected a file, found a socket"):
        newsfmt.read(tmp_path / "news/2016/04/8/socket.md")


def test_a_file_named_dash_is_a_file_and_only_a_lone_dash_is_stdin(tmp_path: Path) -> None:
    (tmp_path / "-").write_text("broken\n")
    result = run("validate", "./-", cwd=tmp_path, stdin=SAMPLE)
    assert result.stdout.startswith("-:1:1: error: NF101") and result.returncode == 1
    assert run("validate", "-", cwd=tmp_path, stdin=SAMPLE).returncode == 0


def test_json_input_may_start_with_a_byte_order_mark(tmp_path: Path) -> None:
    record = json.dumps({"entry": to_dict(parse(E))}) + "\n"
    (tmp_path / "in.jsonl").write_bytes(b"\xef\xbb\xbf" + record.encode())
    (tmp_path / "in.json").write_bytes(b"\xef\xbb\xbf[" + record.encode() + b"]")
    assert run("from-json", "in.jsonl", "--out-dir", "o", cwd=tmp_path).returncode == 0
    assert run("from-json", "in.json", "--out-dir", "p", cwd=tmp_path).returncode == 0
    assert (tmp_path / "o/news/2016/04/20/nato.md").read_text() == (tmp_path / "p/news/2016/04/20/nato.md").read_text()


def test_fmt_removes_only_its_own_temporaries_and_never_a_running_writers(tmp_path: Path) -> None:
    (tmp_path / "entry.md").write_text(E)
    users = tmp_path / ".backup.0123456789ab.tmp"  # the old pattern: may be anyone's file
    users.write_text("mine")
    stale = tmp_path / ".newsfmt-00112233aabb.tmp"
    stale.write_text("left by a killed run")
    running = tmp_path / ".newsfmt-ffeeddccbbaa.tmp"
    running.write_text("being written")
    with open(running, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # as a running write holds it
        assert run("fmt", ".", cwd=tmp_path).returncode == 0
        assert running.exists()
    assert users.read_text() == "mine" and not stale.exists()
    assert TEMPORARY.fullmatch(stale.name) and not TEMPORARY.fullmatch(users.name)


def test_fmt_of_stdin_counts_what_it_did_and_diff_prints_a_diff(tmp_path: Path) -> None:
    crlf = TOLERATED["crlf line endings"]
    result = run("fmt", "-", cwd=tmp_path, stdin=crlf)
    assert (result.stdout, result.stderr) == (SAMPLE, "1 file reformatted, 0 unchanged, 0 failed\n")
    same = run("fmt", "-", cwd=tmp_path, stdin=SAMPLE)
    assert (same.stdout, same.stderr) == (SAMPLE, "0 files reformatted, 1 unchanged, 0 failed\n")
    diff = run("fmt", "--diff", "-", cwd=tmp_path, stdin=E)
    assert (
        diff.stdout
        == "--- -\n+++ -\n@@ -1,3 +1,3 @@\n ### [2016-04-20](/news/2016/04/20/index.md)\n \n-# NATO\n+# NATO \n"
    )
    assert diff.returncode == 1


BAD_CONFIGURATIONS = {
    'ignroe = ["NF106"]': '[tool.newsfmt] ignroe: unknown key (did you mean "ignore"?)',
    "colour = true": "[tool.newsfmt] colour: unknown key (expected one of select, ignore, strict, exclude, max-file-size, per-file-ignores)",
    'strict = "no"': '[tool.newsfmt] strict: expected true or false, found a string "no"',
    'ignore = "NF106"': '[tool.newsfmt] ignore: expected an array of codes like ["NF3", "NF106"], found a string "NF106"',
    'select = ["NF9"]': "[tool.newsfmt] select: no rule has the code or prefix 'NF9'",
    "exclude = 5": '[tool.newsfmt] exclude: expected an array of globs like ["drafts/*"], found a number 5',
    'max-file-size = "big"': '[tool.newsfmt] max-file-size: expected a whole number of bytes, 1 or more, found a string "big"',
    "max-file-size = -1": "[tool.newsfmt] max-file-size: expected a whole number of bytes, 1 or more, found a number -1",
    "max-file-size = true": "[tool.newsfmt] max-file-size: expected a whole number of bytes, 1 or more, found a boolean true",
    "max-file-size = {}": "[tool.newsfmt] max-file-size: expected a whole number of bytes, 1 or more, found a table",
    'per-file-ignores = { "" = ["NF302"] }': "[tool.newsfmt] per-file-ignores: expected a glob, found an empty key",
}


@pytest.mark.parametrize("line", sorted(BAD_CONFIGURATIONS))
def test_invalid_configuration_values_are_one_clear_error(tmp_path: Path, line: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.newsfmt]\n{line}\n")
    (tmp_path / "entry.md").write_text(SAMPLE)
    for command in ("validate", "fmt", "to-json"):
        result = run(command, "entry.md", cwd=tmp_path)
        assert (result.returncode, result.stdout) == (2, ""), command
        assert result.stderr == f"newsfmt: {tmp_path / 'pyproject.toml'}: {BAD_CONFIGURATIONS[line]}\n"


def test_a_tool_newsfmt_that_is_no_table_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool]\nnewsfmt = 5\n")
    result = run("validate", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert (
        result.stderr == f"newsfmt: {tmp_path / 'pyproject.toml'}: [tool.newsfmt] must be a table, found a number 5\n"
    )


def test_a_pyproject_that_is_not_toml_or_not_utf8_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.newsfmt]\nstrict = tru\n")
    result = run("validate", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith(f"newsfmt: {tmp_path / 'pyproject.toml'}: not TOML: ")
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.newsfmt]\n# caf\xe9\n")
    result = run("validate", cwd=tmp_path)
    assert result.stderr == f"newsfmt: {tmp_path / 'pyproject.toml'}: expected UTF-8 text, found the byte 0xE9\n"


def test_the_nearest_pyproject_with_a_newsfmt_table_is_used(tmp_path: Path) -> None:
    # A pyproject.toml without [tool.newsfmt] (a Python project's own) does not hide the archive's settings above it.
    (tmp_path / "pyproject.toml").write_text('[tool.newsfmt]\nignore = ["NF1"]\n')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub/pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / "sub/entry.md").write_text("broken\n")
    assert run("validate", "entry.md", cwd=tmp_path / "sub").returncode == 0


def test_every_test_that_security_md_names_exists() -> None:
    # docs/security.md backs each statement with a test's name: a renamed or deleted test must not leave it bare.
    import re

    root = Path(__file__).parent
    names = set(re.findall(r"^def (test_\w+)", "".join(p.read_text() for p in root.glob("test_*.py")), re.MULTILINE))
    cited = re.findall(r"`(test_\w+?)(…)?`", (root.parent / "docs" / "security.md").read_text())
    assert len(cited) > 20
    for name, ellipsis in cited:
        assert any(n.startswith(name) for n in names) if ellipsis else name in names, name


def test_6_fmt_diff_splits_lines_on_newlines_only(tmp_path: Path) -> None:
    # A relative of item 6: the diff split a headline holding U+2028 into two lines.
    (tmp_path / "entry.md").write_text(E.replace("# NATO", "# NATO\u2028talks"))
    diff = run("fmt", "--diff", "entry.md", cwd=tmp_path).stdout
    assert "\n-# NATO\u2028talks\n+# NATO\u2028talks \n" in diff


def test_9_a_related_folder_that_cannot_be_listed_is_not_reported_as_missing(shared_tmp: Path) -> None:
    # A relative of item 9: NF303 said "found no such file" for a folder it could not list.
    archive(shared_tmp)
    for folder in [shared_tmp / "news", shared_tmp / "news/2016", shared_tmp / "news/2016/04"]:
        folder.chmod(0o755)
    (shared_tmp / "news/2016/04/20").chmod(0o311)  # enter, not list
    (shared_tmp / "news/2016/04/8").chmod(0o755)
    (shared_tmp / "news/2016/04/20/nato-reopens-talks.md").chmod(0o644)
    (shared_tmp / "news/2016/04/8/nato-will-meet-russia.md").chmod(0o644)
    code, out, _ = in_process("validate", cwd=shared_tmp, user=NOBODY)
    assert out == (
        "news/2016/04/20:1:1: error: NF001 cannot list the folder: Permission denied\n"
        "news/2016/04/8/nato-will-meet-russia.md:14:1: warning: NF303 expected the related entry "
        "/news/2016/04/20/nato-reopens-talks.md in the archive, cannot list its folder: Permission denied\n"
    )
    assert code == 1
