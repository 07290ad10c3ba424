"""The files a command works on: found under its PATHs, read by the main process or a pool worker."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Sequence
from typing import NamedTuple, TypeVar

from .._archive import walk
from .._check import Finding
from .._config import Settings
from .._errors import ParseError
from .._io import (
    MAX_SIZE,
    decode,
    file_text,
)
from .._io import shown as _shown
from .usage import UsageError

T = TypeVar("T")


def discover(paths: Sequence[str], excludes: Sequence[str]) -> list[tuple[str, str | None, str | None]]:
    """The entry files under ``paths``, sorted: (path, the real path of the folder it was found in, problem).

    Folders are searched by ``walk``'s rules (the archive's); an explicit file has
    no tree (None). A folder that cannot be listed is an item too, whose problem
    says why. ``-`` (standard input) is not a path: the caller reads it.
    """
    found: dict[str, tuple[str | None, str | None]] = {}
    for given in paths or ["."]:
        if given == "-":
            continue
        if os.path.isdir(given) and not given.endswith(".md"):
            tree = os.path.realpath(given)
            for path, problem in walk(given, excludes):
                found.setdefault(path, (tree, problem))
        elif os.path.lexists(given):
            found.setdefault(os.path.normpath(given), (None, None))
        else:
            raise UsageError(f"{_shown(given)}: no such file or folder")
    return [(path, tree, problem) for path, (tree, problem) in sorted(found.items())]


def _progress(items: Iterable[T], total: int, arguments: argparse.Namespace, for_people: bool) -> Iterable[T]:
    if arguments.quiet or arguments.no_progress or not for_people or total < 2 or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, unit="file", leave=False, file=sys.stderr)


class FileJob(NamedTuple):
    """A file to work on, and how: passed to the worker processes."""

    path: str
    name: str  # as messages show it
    tree: str | None  # the real path of the folder it was found in
    max_size: int
    follow_symlinks: bool
    markdown: bool = False  # check with markdown-it-py too (NF4xx)
    data: bytes | None = None  # standard input's bytes, read by the main process: a worker's stdin is not it
    problem: str | None = None  # a folder that could not be listed: reported as NF001
    titles: bool = False  # return the related titles, for NF307


def _jobs(
    arguments: argparse.Namespace, settings: Settings, markdown: bool = False, titles: bool = False
) -> list[FileJob]:
    excludes = [*settings.exclude, *arguments.exclude]
    max_size = arguments.max_file_size or settings.max_file_size or MAX_SIZE
    follow = arguments.follow_symlinks
    jobs = []
    if "-" in arguments.paths:
        data = sys.stdin.buffer.read(max_size + 1)
        name = _shown(arguments.stdin_filename or "-")
        jobs.append(FileJob("-", name, None, max_size, follow, markdown, data, titles=titles))
    for path, tree, problem in discover(arguments.paths, excludes):
        jobs.append(FileJob(path, _shown(path), tree, max_size, follow, markdown, problem=problem, titles=titles))
    return jobs


def _read_text(job: FileJob) -> tuple[str | None, Finding | None]:
    """The file's text, or the finding that says why there is none."""
    if job.problem is not None:
        return None, Finding(job.name, 1, 1, "NF001", job.problem)
    try:
        if job.data is None:
            return file_text(job.path, max_size=job.max_size, tree=job.tree, follow_symlinks=job.follow_symlinks), None
        if len(job.data) > job.max_size:
            return None, Finding(job.name, 1, 1, "NF003", f"expected at most {job.max_size:,} bytes, found more")
        return decode(job.data), None
    except ParseError as error:
        return None, Finding(job.name, error.line, error.column, error.code, error.message)


def _reason(error: Exception) -> str:
    return (error.strerror or str(error)) if isinstance(error, OSError) else str(error)
