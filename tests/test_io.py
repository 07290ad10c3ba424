"""read and write: UTF-8 files, errors that name the file, writes that never leave half a file."""

from __future__ import annotations

import os
import pickle
import stat
from pathlib import Path

import pytest

import newsfmt
from newsfmt import ParseError

from .test_format import SAMPLE, SAMPLE_ENTRY


def test_read_accepts_a_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "entry.md"
    path.write_bytes(b"\xef\xbb\xbf" + SAMPLE.replace("\n", "\r\n").encode())
    assert newsfmt.read(path) == SAMPLE_ENTRY
    assert newsfmt.read(str(path)) == SAMPLE_ENTRY


def test_read_reports_a_parse_error_with_the_path(tmp_path: Path) -> None:
    path = tmp_path / "entry.md"
    path.write_text(SAMPLE.replace("### Source:", "### Notes:"), encoding="utf-8")
    with pytest.raises(ParseError) as raised:
        newsfmt.read(path)
    assert (raised.value.path, raised.value.line, raised.value.column) == (str(path), 11, 1)
    assert str(raised.value).startswith(f"{path}: line 11, column 1: expected")


@pytest.mark.parametrize(
    ("data", "line", "column", "byte"),
    [
        (SAMPLE.encode().replace(b"Reuters", b"Reu\xfcters"), 14, 8, "0xFC"),
        (b"\xef\xbb\xbf### [\xff", 1, 6, "0xFF"),  # the BOM takes no column
        (SAMPLE.replace("\n", "\r\n").encode().replace(b"Second", b"\xc3(econd"), 8, 1, "0xC3"),
        (SAMPLE.replace("\n", "\r").encode() + b"\xe2\x82", 20, 1, "0xE2"),  # cut at the end
    ],
)
def test_read_reports_bytes_that_are_not_utf8_at_their_position(
    tmp_path: Path, data: bytes, line: int, column: int, byte: str
) -> None:
    path = tmp_path / "entry.md"
    path.write_bytes(data)
    with pytest.raises(ParseError) as raised:
        newsfmt.read(path)
    error = raised.value
    assert (error.line, error.column, error.path) == (line, column, str(path))
    assert error.message == f"expected UTF-8 text, found the byte {byte}"


def test_read_lets_os_errors_through(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        newsfmt.read(tmp_path / "missing.md")


def test_parse_errors_pickle_intact() -> None:
    error = ParseError("expected something, found nothing", 16, 12, "news/2016/04/8/x.md", code="NF112")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ParseError
    assert (copy.message, copy.line, copy.column, copy.path, copy.code) == (error.message, 16, 12, error.path, "NF112")
    assert str(copy) == str(error) == "news/2016/04/8/x.md: line 16, column 12: expected something, found nothing"
    assert isinstance(copy, ValueError)


def test_write_writes_the_canonical_bytes(tmp_path: Path) -> None:
    path = tmp_path / "entry.md"
    newsfmt.write(SAMPLE_ENTRY, path)
    assert path.read_bytes() == SAMPLE.encode()
    assert os.listdir(tmp_path) == ["entry.md"]


def test_write_replaces_a_file_and_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "entry.md"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    newsfmt.write(SAMPLE_ENTRY, path)
    assert path.read_bytes() == SAMPLE.encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_new_file_gets_the_mode_the_umask_allows(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        newsfmt.write(SAMPLE_ENTRY, tmp_path / "entry.md")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "entry.md").stat().st_mode) == 0o640


def test_write_writes_through_a_symlink_and_keeps_the_link_and_the_targets_mode(tmp_path: Path) -> None:
    target = tmp_path / "real.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "entry.md"
    link.symlink_to("real.md")
    newsfmt.write(SAMPLE_ENTRY, link)
    assert link.is_symlink() and os.readlink(link) == "real.md"
    assert target.read_bytes() == SAMPLE.encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # never the link's own 0o777
    assert sorted(os.listdir(tmp_path)) == ["entry.md", "real.md"]


def test_a_failure_halfway_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "entry.md"
    path.write_text("old", encoding="utf-8")

    def failing_fsync(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="No space left"):
        newsfmt.write(SAMPLE_ENTRY, path)
    assert path.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["entry.md"]


def test_an_entry_that_utf8_cannot_hold_is_refused_before_the_file_is_touched(tmp_path: Path) -> None:
    path = tmp_path / "entry.md"
    path.write_text("old", encoding="utf-8")
    entry = newsfmt.Entry(date=SAMPLE_ENTRY.date, headline="lone \ud800 surrogate")
    with pytest.raises(ValueError, match="cannot be written as UTF-8: surrogates not allowed"):
        newsfmt.write(entry, path)
    assert path.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["entry.md"]


def test_write_into_a_missing_folder_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        newsfmt.write(SAMPLE_ENTRY, tmp_path / "missing" / "entry.md")
    assert os.listdir(tmp_path) == []
