"""Atomic writes: a file replaced whole or not at all, through symlinks, and the temporary files that make it so."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import stat
from collections.abc import Iterator
from typing import BinaryIO, Literal, TextIO, overload

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock
    fcntl = None  # type: ignore[assignment]


def kind_of(mode: int) -> str:
    kinds = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device")]
    kinds += [(stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")]
    return next((name for test, name in kinds if test(mode)), "something else")


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
        raise OSError(kind, f"expected a regular file to replace, found {kind_of(info.st_mode)}", target)
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


@overload
def writing(
    path: str | os.PathLike[str], *, binary: Literal[False] = False
) -> contextlib.AbstractContextManager[TextIO]: ...
@overload
def writing(path: str | os.PathLike[str], *, binary: Literal[True]) -> contextlib.AbstractContextManager[BinaryIO]: ...
def writing(
    path: str | os.PathLike[str], *, binary: bool = False
) -> contextlib.AbstractContextManager[TextIO | BinaryIO]:
    r"""A UTF-8 text file (``\n`` line ends) for output that replaces ``path`` only once the block ends without error.

    ``binary=True`` gives a binary file instead (for Parquet).

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
    return _writing(path, binary)


@contextlib.contextmanager
def _writing(path: str | os.PathLike[str], binary: bool) -> Iterator[TextIO | BinaryIO]:
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file to write", os.fspath(path))
    if info is not None and not stat.S_ISREG(info.st_mode):  # /dev/null, /dev/stdout, a FIFO: never replaced
        with open(path, "wb") if binary else open(path, "w", encoding="utf-8", newline="\n") as file:
            yield file
        return
    with replacing(path) as raw:
        if binary:
            yield raw
            return
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
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
    if fcntl is None:  # pragma: no cover - no flock on Windows: a cleanup may take a running write's file
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
        if not inside(real, real_root):
            raise ValueError(f"{os.path.join(root, relative)}: the folder {part} leads outside {root}, to {real}")
        if not os.path.isdir(real):
            raise NotADirectoryError(errno.ENOTDIR, "not a folder", os.path.join(root, *folders))
        folder = real
    target = os.path.join(folder, name)
    if os.path.islink(target) and not inside(os.path.realpath(target), real_root):
        where = os.path.realpath(target)
        raise ValueError(f"{os.path.join(root, relative)}: a symlink that leads outside {root}, to {where}")
    return target


def inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder
