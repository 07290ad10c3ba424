"""Entry files: read by the command's rules (size, kind, encoding, symlinks), decoded, parsed, and written."""

from __future__ import annotations

import errno
import os
import re
import stat

from ._errors import ParseError
from ._model import Entry
from ._parser import parse, split_lines
from ._serialize import serialize

MAX_FILE_SIZE = 10_000_000  # bytes: an entry is a few kilobytes; this is no entry


class FileProblem(Exception):
    """A file that is not read: not a regular file, or too large. Its code is a rule's."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def read(path: str | os.PathLike[str], *, max_size: int = MAX_FILE_SIZE) -> Entry:
    r"""Read and parse one entry file: UTF-8, with or without a BOM.

    A file that does not parse, is not UTF-8, is larger than ``max_size`` bytes
    (NF003) or is not a regular file (a FIFO, a device: NF004) raises
    ``ParseError`` with ``.path`` set, before anything is read in the last two
    cases; a file that cannot be opened raises the usual ``OSError``.

    >>> import newsfmt, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "entry.md"
    >>> _ = path.write_bytes(b"### [2016-04-20](/news/2016/04/20/index.md)\r\n\r\n# NATO reopens talks\r\n")
    >>> newsfmt.read(path).headline
    'NATO reopens talks'
    >>> _ = path.write_bytes(b"### [2016-04-20](/news/2016/04/20/index.md)\n\n# Caf\xe9\n")
    >>> newsfmt.read(path)
    Traceback (most recent call last):
    newsfmt.ParseError: /.../entry.md: line 3, column 6: expected UTF-8 text, found the byte 0xE9
    """
    name = os.fspath(path)
    try:
        data = read_bytes(name, max_size)
    except FileProblem as problem:
        raise ParseError(problem.message, 1, 1, name, code=problem.code) from None
    return parse_bytes(data, path=name)


class _Symlink(Exception):
    """``read_bytes(nofollow=True)`` met a symlink: the caller looks where it leads first."""


def _not_a_file(mode: int) -> FileProblem:
    """NF004 for what is not a regular file, saying what it is."""
    from ._atomic import kind_of  # the writer's module: loaded only when a run meets such a file, or writes

    return FileProblem("NF004", f"expected a file, found {kind_of(mode)}")


def read_bytes(name: str, max_size: int, *, nofollow: bool = False) -> bytes:
    """A regular file's bytes, refusing FIFOs and devices (which could block forever) and large files.

    ``nofollow`` raises ``_Symlink`` for a symlink instead of reading through it,
    in the same call that opens the file (no ``lstat`` first: one system call less a file).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if nofollow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(name, flags)
    except OSError as error:  # a socket cannot be opened at all (ENXIO): say what it is, as for a FIFO
        if nofollow and (error.errno == errno.ELOOP or os.path.islink(name)):
            raise _Symlink from None
        try:
            info = os.stat(name)
        except OSError:
            info = None
        if info is not None and not stat.S_ISREG(info.st_mode):
            raise _not_a_file(info.st_mode) from None
        raise
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise _not_a_file(info.st_mode)
        if info.st_size > max_size:
            raise FileProblem("NF003", f"expected at most {max_size:,} bytes, found {info.st_size:,}")
        # read(n) allocates n bytes first: ask for the size fstat gave (one more, to see
        # growth), and go on to the limit only if the file grew since or a read came short.
        chunks = [os.read(descriptor, info.st_size + 1)]
        size = len(chunks[0])
        while chunks[-1] and size <= max_size and size != info.st_size:
            chunks.append(os.read(descriptor, max_size + 1 - size))
            size += len(chunks[-1])
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(descriptor)
    if len(data) > max_size:
        raise FileProblem("NF003", f"expected at most {max_size:,} bytes, found more")
    return data


def parse_bytes(data: bytes, *, path: str | None = None) -> Entry:
    r"""``read`` without the file: UTF-8 bytes, with or without a BOM, to an entry.

    Bytes that are not UTF-8 raise ``ParseError`` (code NF002) at the line and
    column where they stand, as ``parse`` counts them; any other problem is
    ``parse``'s own error. ``path`` names the source in the error. For engines
    that hand over bytes (Spark's ``binaryFiles``, an object store).

    >>> import newsfmt
    >>> newsfmt.parse_bytes(b"\xef\xbb\xbf### [2016-04-20](/news/2016/04/20/index.md)\r\n\r\n# NATO\r\n").headline
    'NATO'
    >>> newsfmt.parse_bytes(b"### [2016-04-20](/news/2016/04/20/index.md)\n\n# Caf\xe9\n", path="x.md")
    Traceback (most recent call last):
    newsfmt.ParseError: x.md: line 3, column 6: expected UTF-8 text, found the byte 0xE9
    """
    return parse_text(decode(data, path=path), path=path)


def decode(data: bytes, *, path: str | None = None) -> str:
    """UTF-8 bytes as text; ``ParseError`` (NF002) at the line and column of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position(data[: error.start].decode("utf-8"))
        message = f"expected UTF-8 text, found the byte 0x{data[error.start]:02X}"
        raise ParseError(message, line, column, path, code="NF002") from None


def parse_text(text: str, *, path: str | None = None) -> Entry:
    """``parse``, with ``path`` in the error."""
    try:
        return parse(text)
    except ParseError as error:
        raise ParseError(error.message, error.line, error.column, path, code=error.code) from None


def file_bytes(
    path: str, *, max_size: int = MAX_FILE_SIZE, tree: str | None = None, follow_symlinks: bool = True
) -> bytes:
    """A file's bytes by the command's rules, or ``ParseError`` with the code of what stands in the way.

    NF001 a file that cannot be read, NF003 a file larger than ``max_size``, NF004
    a folder, FIFO, device or socket (never opened for reading), NF005 a name that
    is not UTF-8, NF006 a symlink that leads out of the folder ``tree`` (a real
    path) when ``follow_symlinks`` is false.
    """
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # bytes of a name that is not UTF-8, as surrogate escapes
        raise ParseError("expected a UTF-8 file name; the file is not read", 1, 1, path, code="NF005") from None
    try:
        try:
            data = read_bytes(path, max_size, nofollow=tree is not None and not follow_symlinks)
        except _Symlink:  # followed only when it leads to a file in the tree
            from ._atomic import inside  # the file layer's writes are not loaded for a run that only reads

            real = os.path.realpath(path)
            if tree is not None and not inside(real, tree):
                message = (
                    f"expected a file in the tree, found a symlink to {display_path(real)} (--follow-symlinks reads it)"
                )
                raise ParseError(message, 1, 1, path, code="NF006") from None
            data = read_bytes(path, max_size)
    except FileProblem as problem:
        raise ParseError(problem.message, 1, 1, path, code=problem.code) from None
    except OSError as error:
        raise ParseError(f"cannot read the file: {error.strerror or error}", 1, 1, path, code="NF001") from None
    return data


# Characters that would break a line of output, or forge one: shown as escapes.
_ESCAPES = {code: f"\\x{code:02x}" for code in [*range(0x20), 0x7F, 0x85]} | {
    0x09: "\\t",
    0x0A: "\\n",
    0x0D: "\\r",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


_TO_ESCAPE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029\ud800-\udfff]")


def display_path(path: str) -> str:
    r"""A path as messages print it: undecodable bytes of a name as ``\x`` escapes, and so every control character.

    A name may hold a newline or an escape sequence that would forge a line of
    output or move a terminal's cursor; each is shown as an escape instead.

    >>> import newsfmt
    >>> newsfmt.display_path("news/a\nb.md")
    'news/a\\nb.md'
    """
    if _TO_ESCAPE.search(path) is None:  # most paths: the same string, not a copy
        return path
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        path = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return path.translate(_ESCAPES)


def _position(before: str) -> tuple[int, int]:
    """The 1-based line and column just after ``before``, counted as ``parse`` counts them."""
    lines = split_lines(before)
    return len(lines), len(lines[-1]) + 1


def encode(entry: Entry) -> bytes:
    """The entry's canonical text as UTF-8; ``ValueError`` for a value UTF-8 cannot hold (a lone surrogate)."""
    try:
        return serialize(entry).encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(f"the entry cannot be written as UTF-8: {error.reason} at {error.start}") from None


def write(entry: Entry, path: str | os.PathLike[str]) -> None:
    r"""Write an entry's canonical text to a file, replacing it atomically.

    The text goes to a temporary file in the same folder, which is flushed to
    disk and then renamed over the file: a crash leaves the old file or the new
    one, never half of one. An existing file keeps its permission bits, and its
    owner and group where the process may set them; a new one gets the usual
    mode (0o666 less the umask). A symlink is written through: the file it leads
    to is replaced and the link stays (a link that leads nowhere raises
    ``FileNotFoundError``). Only a regular file is ever replaced: a folder, FIFO
    or device at ``path`` raises ``OSError`` and nothing is written.

    >>> import datetime, newsfmt, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "nato-reopens-talks.md"
    >>> newsfmt.write(newsfmt.Entry(date=datetime.date(2016, 4, 20), headline="NATO reopens talks"), path)
    >>> path.read_text(encoding="utf-8")
    '### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n'
    """
    data = encode(entry)
    from ._atomic import replacing

    with replacing(path) as file:
        file.write(data)
