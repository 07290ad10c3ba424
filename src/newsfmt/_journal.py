"""The journal of a change of files: written before any file of an archive is, completed by ``recover``.

``Plan.apply`` (in ``_fix``) writes it; every newsfmt command runs ``recover``
on its paths first, so this module is kept to what that needs.
"""

from __future__ import annotations

import contextlib
import json
import os

import attrs

from ._io import display_path

JOURNAL = ".newsfmt-journal.json"  # in the archive's folder, the one that holds news/


@attrs.frozen
class Change:
    r"""One file's change in a ``Plan``: its text now (``old``; None, no file yet) and after (``new``; None, removed).

    >>> import newsfmt
    >>> newsfmt.Change("news/2016/04/20/nato.md", None, "### [2016-04-20](/news/2016/04/20/index.md)\n").old is None
    True
    """

    path: str
    old: str | None
    new: str | None


def _shown(path: str) -> str:
    """A path as messages show it: from the current folder when it is inside it."""
    relative = os.path.relpath(path)
    return display_path(path if relative.startswith("..") else relative)


def archive_root(path: str) -> str:
    """The folder of the archive a file is in (the one that holds ``news/``), or the file's own folder."""
    parts = os.path.normpath(os.path.abspath(path)).split(os.sep)
    if len(parts) >= 6 and parts[-5] == "news":
        return os.sep.join(parts[:-5]) or os.sep
    return os.sep.join(parts[:-1]) or os.sep


def _text_of(path: str) -> str | None:
    """The file's text, exactly (a BOM and CRs kept), or None when there is no file."""
    try:
        with open(path, "rb") as file:
            return file.read().decode("utf-8")
    except FileNotFoundError:
        return None


def _apply(root: str, change: Change) -> None:
    """One change, idempotent: a file written atomically (its folders made inside ``root``) or removed."""
    from ._atomic import confined_path, replacing  # loaded only by a run that writes

    if change.new is None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(change.path)
        return
    target = change.path if change.old is not None else confined_path(root, os.path.relpath(change.path, root))
    with replacing(target) as file:
        file.write(change.new.encode("utf-8"))


def recover(path: str | os.PathLike[str]) -> list[str]:
    """Complete the change a killed ``Plan.apply`` left in the archive that holds ``path``: the archives it completed.

    Looks for a journal in ``path`` (a folder) and in each folder above it. Every
    change of the journal is written again (each file then holds its new text,
    whatever the point the run was killed at) and the journal removed. A file
    that holds neither its old nor its new text was edited since: ``ValueError``
    naming it, and nothing is written, so that no edit is lost.

    >>> import newsfmt, tempfile
    >>> newsfmt.recover(tempfile.mkdtemp())
    []
    """
    folder = os.path.abspath(os.fspath(path))
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    completed = []
    while True:
        journal = os.path.join(folder, JOURNAL)
        if os.path.isfile(journal):
            _complete(folder, journal)
            completed.append(folder)
        parent = os.path.dirname(folder)
        if parent == folder:
            return completed
        folder = parent


def _complete(root: str, journal: str) -> None:
    try:
        with open(journal, "rb") as file:
            record = json.loads(file.read().decode("utf-8"))
        changes = [Change(os.path.join(root, c["path"]), c["old"], c["new"]) for c in record["changes"]]
    except (ValueError, KeyError, TypeError) as error:
        detail = f"missing key {error}" if isinstance(error, KeyError) else str(error)
        raise ValueError(f"{_shown(journal)}: not a journal newsfmt can complete: {detail}") from None
    for change in changes:
        if _text_of(change.path) not in (change.old, change.new):
            raise ValueError(
                f"{_shown(change.path)}: edited since an interrupted newsfmt run; "
                f"{_shown(journal)} holds the change it was making: resolve it by hand, then remove the journal"
            )
    for change in changes:
        _apply(root, change)
    os.unlink(journal)
