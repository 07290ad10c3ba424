"""The check cache: what ``check_files`` found in a file, kept by the file's content between runs, as ruff keeps.

A cache folder holds a folder per newsfmt version, and in it one JSON file (a
*shard*) per folder of entries (a day of an archive), named by a hash of that
folder's absolute path::

    .newsfmt_cache/
        .gitignore, CACHEDIR.TAG      (so that git and backup tools pass it over)
        0.1.0-3/.lock                 (held while a shard is written)
        0.1.0-3/3f2a...c1.json        {"folder": "/abs/news/2016/04/20", "files": {"nato.md": RECORD, ...}}

A record is the BLAKE2b hash of the file's bytes and what ``local_check`` found:
the findings that depend on the file's text and path alone (with the NF4xx ones
when they were asked for), and its related links (with their titles and the
headline when NF307 was asked for). It keeps the file's status too (size, times
of the last change and inode, as ``signature`` gives them): while the file's
status is the same, the record serves it without reading it, as git's index
serves ``git status``; a file whose status changed is read, and the hash decides.
The findings that depend on the rest of the archive (NF303, NF306, NF308) and on
other files (NF307) are worked out again on every run from the folders as they
are, so a change to another file is never hidden by the cache.

The cache is a help, never a source of truth: a shard that cannot be read, is
not JSON or not of the expected shape is ignored and rebuilt. A shard is written
whole to a temporary file then renamed, so that a reader never sees half of one,
and under a lock on the version's folder (``flock``, where the system has it)
the writer merges its new records into the shard as it is on disk then, so that
processes and runs at the same time keep each other's records. Records of files
gone from a folder are dropped when a record of that folder is written.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Iterator
from typing import Any

from ._check import Finding, Fix, Links, _place

VERSION = "3"  # the records' shape; the folder's name adds newsfmt's version
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# A cache made by newsfmt; see https://bford.info/cachedir/\n"
_IGNORE = "# Made by newsfmt: the whole folder is a cache.\n*\n"

Cached = tuple[list[Finding], Links | None]  # the findings and links of a file, with its name as their path
Signature = list[int]  # a file's size, modification and status change times (ns) and inode, as JSON keeps them
SETTLED = 2_000_000_000  # ns: a status changed longer ago than this vouches for the content (see ``signature``)


try:  # BLAKE2 is built into CPython: hashlib would load OpenSSL first, a tenth of a single-file run
    from _blake2 import blake2b
except ImportError:  # pragma: no cover (an interpreter without it)
    from hashlib import blake2b


def digest(data: bytes) -> str:
    """The key of a file's content: its BLAKE2b hash, 128 bits, in hex."""
    return blake2b(data, digest_size=16).hexdigest()


def signature(path: str, max_size: int) -> Signature | None:
    """The status of the file at ``path`` that vouches for its content, or None when it cannot.

    A regular file (not a symlink) of at most ``max_size`` bytes, whose status last
    changed more than ``SETTLED`` ago: a write to a file changes its status change
    time (which no program can set back), and its inode changes when another file
    is renamed over it, so a file whose signature is the one recorded with its hash
    still has the bytes that were hashed. A file changed within ``SETTLED`` before
    it is looked at has none, as git treats a "racily clean" file: a second write
    in the same tick of the file system's clock could leave the times as they were.
    (The file system's clock is taken to be within ``SETTLED`` of this machine's.)
    """
    try:
        status = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode) or status.st_size > max_size:
        return None
    if status.st_ctime_ns > time.time_ns() - SETTLED:
        return None
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]


class Shard:
    """The records of the files of one folder: read once, merged into the file on disk when saved."""

    def __init__(self, cache_dir: str, folder: str, shown: str) -> None:
        """The shard of ``folder`` (absolute), shown as ``shown`` in the paths of findings."""
        from . import __version__

        self.folder = folder
        self.place_in_archive = _place(shown)
        key = digest(folder.encode("utf-8", "surrogateescape"))
        self.place = os.path.join(cache_dir, f"{__version__}-{VERSION}", key + ".json")
        self.cache_dir = cache_dir
        self.records = _load(self.place, folder)
        self.updated: dict[str, Any] = {}

    def get(
        self, name: str, path: str, content: str | None, markdown: bool, titles: bool, status: Signature | None = None
    ) -> Cached | None:
        """The record of the file ``name`` of the folder, shown as ``path``, if its content is ``content``.

        With ``content`` None, if the record's signature is ``status``: the file has
        not changed since it was hashed. None when there is none, the content or
        the signature differs, it lacks the NF4xx findings ``markdown`` asks for or
        the titles ``titles`` asks for (NF307), or it is not of the expected shape.
        A record keeps no more than it must: the titles and the headline only for a
        run that wanted them, and no path at all (the file's place in its archive
        comes from its folder).
        """
        record = self.records.get(name)
        try:
            if record is None or (markdown and not record[1]) or (titles and not record[2]):
                return None
            unchanged = record[0] == content if content is not None else status is not None and record[5] == status
            if not unchanged:
                return None
            findings = [
                Finding(path, line, column, code, message, None if fix is None else Fix(*fix))
                for line, column, code, message, fix in record[3]
            ]
            links = record[4]
            if links is None:
                return findings, None
            if self.place_in_archive is None:
                return None
            root, year, month, day = self.place_in_archive
            headline, related = links
            if titles:
                items = tuple((line, target, title) for line, target, title in related)
            else:
                items = tuple((line, target, "") for line, target in related)
            return findings, Links(root, f"/news/{year}/{month}/{day}/{name}", path, headline or "", items)
        except (TypeError, ValueError, IndexError, KeyError):  # a record of another shape: checked anew
            return None

    def put(
        self,
        name: str,
        content: str,
        markdown: bool,
        titles: bool,
        findings: list[Finding],
        links: Links | None,
        status: Signature | None,
    ) -> None:
        """Record what ``local_check`` found in the file ``name``, of content ``content`` and signature ``status``."""
        kept = None
        if links is not None:
            related = [[line, target, title] if titles else [line, target] for line, target, title in links.related]
            kept = [links.headline if titles else None, related]
        found = [[finding.line, finding.column, finding.code, finding.message, finding.fix] for finding in findings]
        self.updated[name] = [content, markdown, titles, found, kept, status]

    def sign(self, name: str, status: Signature) -> None:
        """Give the record of ``name``, whose content was just found to be the recorded one, the signature ``status``.

        From the next run on, the file is not read while its status stays the same.
        """
        self.updated[name] = [*self.records[name][:5], status]

    def save(self) -> None:
        """Merge the new records into the shard on disk, less the records of files gone from their folders."""
        if not self.updated:
            return
        with contextlib.suppress(OSError, ValueError), _locked(self.cache_dir, os.path.dirname(self.place)):
            records = _load(self.place, self.folder)
            records.update(self.updated)
            with contextlib.suppress(OSError):
                there = set(os.listdir(self.folder))
                records = {name: record for name, record in records.items() if name in there}
            import json

            text = json.dumps({"folder": self.folder, "files": records}, separators=(",", ":"))
            temporary = f"{self.place}.{os.getpid()}.tmp"  # one writer a process: a name no other run uses
            try:
                descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0))
                with open(descriptor, "w", encoding="utf-8") as file:
                    file.write(text)
                os.replace(temporary, self.place)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        self.updated = {}


def _load(place: str, folder: str) -> dict[str, Any]:
    """The records of a shard file; none when it is missing, unreadable or not a shard of ``folder``."""
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
        import json

        with open(place, encoding="utf-8") as file:
            data = json.loads(file.read())
        if data.get("folder") == folder and isinstance(data.get("files"), dict):
            return dict(data["files"])
    return {}


_locks: dict[str, int] = {}  # the lock file of each version folder this process has opened


@contextlib.contextmanager
def _locked(cache_dir: str, folder: str) -> Iterator[None]:
    """``folder`` of the cache made (and the cache's own, with its .gitignore and CACHEDIR.TAG), and locked."""
    if folder not in _locks:
        if not os.path.isdir(cache_dir):
            os.makedirs(cache_dir, exist_ok=True)
            for name, text in ((".gitignore", _IGNORE), ("CACHEDIR.TAG", _TAG)):
                with contextlib.suppress(FileExistsError), open(os.path.join(cache_dir, name), "x") as out:
                    out.write(text)
        os.makedirs(folder, exist_ok=True)
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        _locks[folder] = os.open(os.path.join(folder, ".lock"), flags)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock; a record lost to a race costs one check
        yield
        return
    fcntl.flock(_locks[folder], fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(_locks[folder], fcntl.LOCK_UN)
