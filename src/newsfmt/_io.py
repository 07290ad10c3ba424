from __future__ import annotations

import contextlib
import os
import re
import stat

from ._errors import ParseError
from ._model import Entry
from ._parser import parse, split_lines
from ._serialize import serialize

MAX_SIZE = 10_000_000  # bytes: an entry is a few kilobytes; this is no entry


class FileProblem(Exception):
    """A file that is not read: not a regular file, or too large. Its code is a rule's."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def read(path: str | os.PathLike[str], *, max_size: int = MAX_SIZE) -> Entry:
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
    return parse_bytes(data, name)


def read_bytes(name: str, max_size: int) -> bytes:
    """A regular file's bytes, refusing FIFOs and devices (which could block forever) and large files."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(name, flags)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem("NF004", f"expected a file, found {_kind(info.st_mode)}")
        if info.st_size > max_size:
            raise FileProblem("NF003", f"expected at most {max_size:,} bytes, found {info.st_size:,}")
        with os.fdopen(descriptor, "rb") as file:
            descriptor = -1  # the file object closes it
            # read(n) allocates n bytes first: ask for the size fstat gave, and go on
            # to the limit only if the file grew since.
            data = file.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += file.read(max_size + 1 - len(data))
    finally:
        if descriptor >= 0:
            os.close(descriptor)
    if len(data) > max_size:
        raise FileProblem("NF003", f"expected at most {max_size:,} bytes, found more")
    return data


def _kind(mode: int) -> str:
    kinds = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device")]
    kinds += [(stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")]
    return next((name for test, name in kinds if test(mode)), "something else")


def parse_bytes(data: bytes, name: str | None = None) -> Entry:
    """``read`` without the file: UTF-8 bytes, with or without a BOM, to an entry."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position(data[: error.start].decode("utf-8"))
        message = f"expected UTF-8 text, found the byte 0x{data[error.start]:02X}"
        raise ParseError(message, line, column, name, code="NF002") from None
    try:
        return parse(text)
    except ParseError as error:
        raise ParseError(error.message, error.line, error.column, name, code=error.code) from None


def _position(before: str) -> tuple[int, int]:
    """The 1-based line and column just after ``before``, counted as ``parse`` counts them."""
    lines = split_lines(before)
    return len(lines), len(lines[-1]) + 1


def write(entry: Entry, path: str | os.PathLike[str]) -> None:
    r"""Write an entry's canonical text to a file, replacing it atomically.

    The text goes to a temporary file in the same folder, which is flushed to
    disk and then renamed over ``path``: a crash leaves the old file or the new
    one, never half of one. An existing file keeps its permission bits; a new
    one gets the usual ones (0o666 less the umask). A symlink at ``path`` is
    replaced by the file, not written through.

    >>> import datetime, newsfmt, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "nato-reopens-talks.md"
    >>> newsfmt.write(newsfmt.Entry(date=datetime.date(2016, 4, 20), headline="NATO reopens talks"), path)
    >>> path.read_text(encoding="utf-8")
    '### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n'
    """
    try:
        data = serialize(entry).encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(f"the entry cannot be written as UTF-8: {error.reason} at {error.start}") from None
    target = os.fspath(path)
    folder, base = os.path.split(target)
    try:
        mode: int | None = os.stat(target, follow_symlinks=False).st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    temporary, descriptor = _create_temporary(folder, base)
    try:
        if mode is not None:
            os.fchmod(descriptor, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
        os.fsync(descriptor)
        os.close(descriptor)
        descriptor = -1
        os.replace(temporary, target)
    except BaseException:
        if descriptor >= 0:
            os.close(descriptor)
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


# write's temporary files: ".NAME.<12 hex digits>.tmp". A process killed between
# creating one and renaming it leaves it behind; `newsfmt fmt` removes such files.
TEMPORARY = re.compile(r"\..+\.[0-9a-f]{12}\.tmp")


def _create_temporary(folder: str, base: str) -> tuple[str, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        name = os.path.join(folder, f".{base}.{os.urandom(6).hex()}.tmp")
        try:
            return name, os.open(name, flags, 0o666)  # the kernel applies the umask
        except FileExistsError:
            continue
