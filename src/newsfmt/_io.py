from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import stat
from collections.abc import Iterator
from typing import BinaryIO, TextIO

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock
    fcntl = None  # type: ignore[assignment]

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


def read_bytes(name: str, max_size: int) -> bytes:
    """A regular file's bytes, refusing FIFOs and devices (which could block forever) and large files."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(name, flags)
    except OSError:  # a socket cannot be opened at all (ENXIO): say what it is, as for a FIFO
        try:
            info = os.stat(name)
        except OSError:
            info = None
        if info is not None and not stat.S_ISREG(info.st_mode):
            raise FileProblem("NF004", f"expected a file, found {_kind(info.st_mode)}") from None
        raise
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem("NF004", f"expected a file, found {_kind(info.st_mode)}")
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


def _kind(mode: int) -> str:
    kinds = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device")]
    kinds += [(stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")]
    return next((name for test, name in kinds if test(mode)), "something else")


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


def file_text(
    path: str, *, max_size: int = MAX_FILE_SIZE, tree: str | None = None, follow_symlinks: bool = True
) -> str:
    """A file's text by the command's rules, or ``ParseError`` with the code of what stands in the way.

    NF001 a file that cannot be read, NF002 bytes that are not UTF-8, NF003 a file
    larger than ``max_size``, NF004 a folder, FIFO, device or socket (never opened
    for reading), NF005 a name that is not UTF-8, NF006 a symlink that leads out of
    the folder ``tree`` (a real path) when ``follow_symlinks`` is false.
    """
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # bytes of a name that is not UTF-8, as surrogate escapes
        raise ParseError("expected a UTF-8 file name; the file is not read", 1, 1, path, code="NF005") from None
    if tree is not None and not follow_symlinks and os.path.islink(path):
        real = os.path.realpath(path)
        if not _inside(real, tree):
            message = (
                f"expected a file in the tree, found a symlink to {display_path(real)} (--follow-symlinks reads it)"
            )
            raise ParseError(message, 1, 1, path, code="NF006")
    try:
        data = read_bytes(path, max_size)
    except FileProblem as problem:
        raise ParseError(problem.message, 1, 1, path, code=problem.code) from None
    except OSError as error:
        raise ParseError(f"cannot read the file: {error.strerror or error}", 1, 1, path, code="NF001") from None
    return decode(data, path=path)


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
    with replacing(path) as file:
        file.write(data)


def target_of(path: str | os.PathLike[str]) -> tuple[str, os.stat_result | None]:
    """The file that writing to ``path`` replaces (a symlink's target), and its status; None if there is none.

    Raises ``FileNotFoundError`` for a symlink that leads nowhere, and ``OSError``
    when something other than a regular file is there.
    """
    target = os.fspath(path)
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return target, None
    if stat.S_ISLNK(info.st_mode):
        real = os.path.realpath(target)
        try:
            info = os.stat(real)
        except FileNotFoundError:
            raise FileNotFoundError(errno.ENOENT, "the symlink leads to no file", target) from None
        target = real
    if not stat.S_ISREG(info.st_mode):
        kind = errno.EISDIR if stat.S_ISDIR(info.st_mode) else errno.EINVAL
        raise OSError(kind, f"expected a regular file to replace, found {_kind(info.st_mode)}", target)
    return target, info


@contextlib.contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary file that replaces ``path`` atomically when the block ends without an exception.

    ``write`` uses it for entries, ``writing`` for other text: see ``write`` for
    what happens to symlinks, modes, owners and files that are not regular. The
    first time a process writes in a folder, it removes the temporary files a
    killed writer left there (``remove_stale_temporaries``).
    """
    target, info = target_of(path)
    folder = os.path.dirname(target)
    if folder not in _CLEANED:
        _CLEANED.add(folder)
        remove_stale_temporaries(folder)
    try:
        temporary, descriptor = _create_temporary(folder)
    except FileNotFoundError:  # the folder is missing: name the file asked for, not the temporary one
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), os.fspath(path)) from None
    try:
        if info is not None:
            _keep_owner_and_mode(descriptor, info)
        with os.fdopen(descriptor, "wb", closefd=False) as file:
            yield file
            file.flush()
            os.fsync(descriptor)
        os.replace(temporary, target)  # still locked: a cleanup never takes a file being renamed
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def writing(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    r"""A UTF-8 text file (``\n`` line ends) for output that replaces ``path`` only once the block ends without error.

    A regular file, new or not, is replaced atomically as ``write`` replaces an
    entry file (a symlink written through, the mode kept): an error half-way
    leaves the old file whole. A device or FIFO (``/dev/null``, ``/dev/stdout``)
    is written to, never replaced; a folder raises ``IsADirectoryError`` before
    anything is made.

    >>> import newsfmt, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "entries.jsonl"
    >>> with newsfmt.writing(path) as out:
    ...     _ = out.write('{"headline": "NATO"}\n')
    >>> path.read_text(encoding="utf-8")
    '{"headline": "NATO"}\n'
    """
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file to write", os.fspath(path))
    if info is not None and not stat.S_ISREG(info.st_mode):  # /dev/null, /dev/stdout, a FIFO: never replaced
        with open(path, "w", encoding="utf-8", newline="\n") as file:
            yield file
        return
    with replacing(path) as binary:
        text = io.TextIOWrapper(binary, encoding="utf-8", newline="\n")
        try:
            yield text
            text.flush()
        finally:
            text.detach()  # replacing() owns the file


def _keep_owner_and_mode(descriptor: int, info: os.stat_result) -> None:
    """Give the temporary file the replaced file's owner and group where allowed, then its permission bits."""
    mine = os.fstat(descriptor)
    if (mine.st_uid, mine.st_gid) != (info.st_uid, info.st_gid):
        try:
            os.fchown(descriptor, info.st_uid, info.st_gid)
        except PermissionError:  # not root: keep the group at least, if the user is in it
            with contextlib.suppress(PermissionError):
                os.fchown(descriptor, -1, info.st_gid)
    os.fchmod(descriptor, info.st_mode & 0o7777)  # after chown, which may clear set-id bits


# The temporary files of replacing(): ".newsfmt-<12 hex digits>.tmp", a name that
# fits wherever the file's own name fits. Each is locked (flock) while it is
# written, so remove_stale_temporaries() takes only those a killed run left behind.
TEMPORARY = re.compile(r"\.newsfmt-[0-9a-f]{12}\.tmp")
_CLEANED: set[str] = set()  # the folders this process has removed stale temporary files from


def _create_temporary(folder: str) -> tuple[str, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        name = os.path.join(folder, f".newsfmt-{os.urandom(6).hex()}.tmp")
        try:
            descriptor = os.open(name, flags, 0o666)  # the kernel applies the umask
        except FileExistsError:
            continue
        try:
            _lock(descriptor, blocking=True)
            if os.path.samestat(os.stat(name), os.fstat(descriptor)):
                return name, descriptor
        except FileNotFoundError:  # a cleanup took it before the lock: try another name
            pass
        except BaseException:
            os.close(descriptor)
            raise
        os.close(descriptor)


def _lock(descriptor: int, *, blocking: bool) -> bool:
    """An exclusive flock on the file; False if another process holds one and ``blocking`` is false."""
    if fcntl is None:  # no flock here (Windows): a cleanup may take a running write's file
        return True
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def remove_stale_temporaries(folder: str) -> int:
    """Remove the temporary files that killed writers left in ``folder``; how many were removed.

    Only names newsfmt makes, only regular files, and only those no running
    process holds locked, so a concurrent run's writes are never disturbed.
    """
    try:
        names = [name for name in os.listdir(folder or ".") if TEMPORARY.fullmatch(name)]
    except OSError:
        return 0
    removed = 0
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for name in names:
        path = os.path.join(folder, name)
        try:
            descriptor = os.open(path, flags)
        except OSError:
            continue
        try:
            if stat.S_ISREG(os.fstat(descriptor).st_mode) and _lock(descriptor, blocking=False):
                os.unlink(path)
                removed += 1
        except OSError:
            pass
        finally:
            os.close(descriptor)
    return removed


def confined_path(root: str, relative: str) -> str:
    """``root/relative`` (``/``-separated) for writing, its folders made as needed, never leading out of ``root``.

    Each folder is made or entered from the real path of the one before, and
    must resolve inside the real path of ``root``; so must a symlink at the file's
    own place. Anything that leads out raises ``ValueError`` before a folder is
    made outside. (A folder swapped for a symlink by another process between
    this check and the write is not defended against.)
    """
    os.makedirs(root, exist_ok=True)  # the out-dir itself, as the user named it
    real_root = os.path.realpath(root)
    *folders, name = relative.split("/")
    folder = real_root
    for part in folders:
        path = os.path.join(folder, part)
        with contextlib.suppress(FileExistsError):
            os.mkdir(path)
        real = os.path.realpath(path)
        if not _inside(real, real_root):
            raise ValueError(f"{os.path.join(root, relative)}: the folder {part} leads outside {root}, to {real}")
        if not os.path.isdir(real):
            raise NotADirectoryError(errno.ENOTDIR, "not a folder", os.path.join(root, *folders))
        folder = real
    target = os.path.join(folder, name)
    if os.path.islink(target) and not _inside(os.path.realpath(target), real_root):
        where = os.path.realpath(target)
        raise ValueError(f"{os.path.join(root, relative)}: a symlink that leads outside {root}, to {where}")
    return target


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder
