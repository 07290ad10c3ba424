"""The archive as an object: the folder that holds news/, its files found lazily, looked up and checked whole."""

from __future__ import annotations

import collections
import datetime
import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar, cast

import attrs

from ._atomic import confined_path
from ._check import DAY, MONTH, YEAR, Finding, listed
from ._errors import ParseError
from ._files import InputFile, check_files, map_files, walk
from ._io import MAX_FILE_SIZE, FileProblem, display_path, encode, read_bytes, write
from ._model import DAY_PAGE, Entry, Related
from ._parser import parse

R = TypeVar("R")
_SLUG_FILE = re.compile(rf"(?!{DAY_PAGE}\.md)[a-z0-9-]+\.md")


@attrs.frozen
class Record:
    r"""One file of an archive: its archive path, its file-system path, and its entry or the error that stands for it.

    ``path`` is ``/news/YYYY/MM/D/NAME.md`` (for a file outside ``news/``, its path
    under the root, from a ``/``); ``file`` is where it is on disk. Exactly one
    of ``entry`` and ``error`` is set: the error is the ``ParseError`` of a file
    that is no entry, or that cannot be read (its ``code`` says which: NF001 to
    NF006, as ``newsfmt validate`` reports them).

    >>> import newsfmt, pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "news/2016/04/20").mkdir(parents=True)
    >>> _ = (root / "news/2016/04/20/broken.md").write_text("# NATO\n")
    >>> [record] = newsfmt.Archive(root)
    >>> record.path, record.entry, record.error.code, record.error.line
    ('/news/2016/04/20/broken.md', None, 'NF101', 1)
    """

    path: str
    file: str
    entry: Entry | None = None
    error: ParseError | None = None


class Archive:
    """An archive: the folder ``root`` that holds ``news/YYYY/MM/D/SLUG.md`` entry files. Read-only.

    Files are found by the command's rules (see ``walk``): ``index.md`` day pages
    are not entries, ``exclude`` globs skip paths, a symlink that leads out of the
    root is reported (NF006) unless ``follow_symlinks``, and a file larger than
    ``max_file_size`` is not read (NF003). The archive reads the disk each time
    it is asked, except the index behind ``backlinks``, ``tagged``, ``tags`` and
    ``graph``, which one full pass builds on first use and keeps: make a new
    ``Archive`` to see files changed since.

    >>> import newsfmt, pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "news/2016/04/20").mkdir(parents=True)
    >>> _ = (root / "news/2016/04/20/nato.md").write_text("### [2016-04-20](/news/2016/04/20/index.md)\\n\\n# NATO \\n")
    >>> archive = newsfmt.Archive(root)
    >>> [record.path for record in archive]
    ['/news/2016/04/20/nato.md']
    >>> archive.get("/news/2016/04/20/nato.md").headline
    'NATO'
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        exclude: Iterable[str] = (),
        follow_symlinks: bool = False,
        max_file_size: int = MAX_FILE_SIZE,
    ) -> None:
        self.root = os.fspath(root)
        top = os.path.normpath(self.root)  # walk's paths start with it, and "." is dropped
        self._prefix = 0 if top == "." else len(top) + (0 if top.endswith(os.sep) else 1)
        if not os.path.isdir(self.root):
            raise NotADirectoryError(f"{self.root}: expected the folder that holds news/, found no folder")
        self.exclude = tuple(exclude)
        self.follow_symlinks = follow_symlinks
        self.max_file_size = max_file_size
        self._tree = os.path.realpath(self.root)
        self._index: _Index | None = None

    def __repr__(self) -> str:
        return f"Archive({self.root!r})"

    # Reading files.

    def __iter__(self) -> Iterator[Record]:
        """Every file, lazily, in the order of the sorted paths: one read and parse a file."""
        for file, problem in walk(self.root, self.exclude):
            yield self._record(file, problem)

    def files(self) -> Iterator[str]:
        """The file-system paths of the files ``iter`` reads, in its order, without reading them.

        For engines that spread the reading over workers: each turns a path into
        its ``Record`` with ``archive.record(file)`` (an ``Archive`` pickles).
        """
        for file, problem in walk(self.root, self.exclude):
            if problem is None:
                yield file

    def record(self, file: str) -> Record:
        """The ``Record`` of one file of the archive (a path ``files`` gave), by the archive's rules."""
        return self._record(file)

    def entries(self) -> Iterator[Entry]:
        """The entries of the files that are entries, in the order of ``iter``."""
        for record in self:
            if record.entry is not None:
                yield record.entry

    def _record(self, file: str, problem: str | None = None) -> Record:
        path = "/" + file[self._prefix :].replace(os.sep, "/")  # walk's paths start with the normalised root
        try:
            return Record(path, file, entry=parse(self._input(file, problem).read_text()))
        except ParseError as error:
            return Record(path, file, error=ParseError(error.message, error.line, error.column, file, code=error.code))

    def _input(self, file: str, problem: str | None = None) -> InputFile:
        follow, size = self.follow_symlinks, self.max_file_size
        return InputFile(file, display_path(file), self._tree, None, problem, size, follow)

    def input_files(self) -> list[InputFile]:
        """Every file as an ``InputFile``, in the order of ``iter``: for ``check_files`` and ``map_files``."""
        return [self._input(file, problem) for file, problem in walk(self.root, self.exclude)]

    def _file(self, path: str) -> str:
        if not isinstance(path, str) or not path.startswith("/") or ".." in path.split("/") or "\\" in path:
            raise ValueError(f"expected an archive path like /news/YYYY/MM/D/slug.md, found {path!r}")
        return os.path.join(self.root, *path.split("/")[1:])

    # Look-ups.

    def get(self, path: str) -> Entry | None:
        """The entry at an archive path (``/news/2016/04/20/nato.md``), None if no file is there.

        A file that is there but is no entry raises its ``ParseError``. Cost: one
        file read.
        """
        file = self._file(path)
        if not os.path.lexists(file):
            return None
        record = self._record(file)
        if record.error is not None:
            raise record.error
        return record.entry

    def resolve(self, related: Related) -> Entry | None:
        """The entry a related item links to, None if it is not in the archive. Cost: one file read."""
        return self.get(related.path)

    def related_to(self, path: str, context: Iterable[str] = ()) -> Related:
        """A related item that links to the entry at ``path``, titled with its headline, as the archive titles them.

        ``LookupError`` naming the path when no file is there; a file that is no
        entry raises its ``ParseError``. Cost: one file read.
        """
        target = self.get(path)
        if target is None:
            raise LookupError(f"{path}: no entry there to relate to")
        return Related(title=target.headline, path=path, context=tuple(context))

    def between(self, start: datetime.date, end: datetime.date) -> Iterator[Record]:
        """The files of the day folders from ``start`` to ``end`` (both included), by date, then by path.

        The dates come from the folder names, so no file outside the range is
        opened; a file in a day folder that holds an entry of another date
        (NF301) comes with its folder. Cost: a listing of the years, months and
        days in range, and one read a file in them.
        """
        for _, folder in self.days(start, end):
            for file, problem in walk(folder, self.exclude):
                yield self._record(file, problem)

    def days(
        self, start: datetime.date = datetime.date.min, end: datetime.date = datetime.date.max
    ) -> Iterator[tuple[datetime.date, str]]:
        """The day folders ``news/YYYY/MM/D`` from ``start`` to ``end`` (both included): (date, folder), by date.

        Folders whose names are no date of the calendar are passed over. For
        engines that split an archive by days. Cost: listings of the years, months
        and days in range; no file is opened.
        """
        news = os.path.join(self.root, "news")
        for year in listed(news, YEAR):
            if not start.year <= int(year) <= end.year:
                continue
            for month in listed(os.path.join(news, year), MONTH):
                for day in listed(os.path.join(news, year, month), DAY):
                    try:
                        date = datetime.date(int(year), int(month), int(day))
                    except ValueError:
                        continue
                    if start <= date <= end:
                        yield date, os.path.join(news, year, month, day)

    def backlinks(self, path: str) -> list[str]:
        """The archive paths of the entries whose related lists link to ``path``, sorted. Cost: the index."""
        return sorted(self._built().backlinks.get(path, ()))

    def tagged(self, tag: str) -> Iterator[Record]:
        """The entries with a related item tagged ``tag`` (``_Context: tag``). Cost: the index, one read a match."""
        for path in sorted(self._built().tagged.get(tag, ())):
            yield self._record(self._file(path))

    def tags(self) -> collections.Counter[str]:
        """Every context tag of the archive, with the number of related items that carry it. Cost: the index."""
        return collections.Counter(self._built().tags)

    def graph(self) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
        """The related-link graph as plain data: each entry's archive path to its (target path, tags) pairs.

        Every entry of the archive is a key, in path order, also one with no related
        items; a target need not be in the archive (a dangling link). Cost: the index.
        """
        return {path: list(links) for path, links in self._built().graph.items()}

    def to_networkx(self) -> Any:
        """The graph as a ``networkx.DiGraph``: a node a path, an edge a link with its ``context`` tags.

        Needs networkx (``pip install networkx``), imported only here.
        """
        try:
            import networkx
        except ImportError:
            raise ImportError("Archive.to_networkx() needs networkx: pip install networkx") from None
        graph = networkx.DiGraph()
        for path, links in self.graph().items():
            graph.add_node(path)
            for target, context in links:
                graph.add_edge(path, target, context=context)
        return graph

    def _built(self) -> _Index:
        if self._index is None:
            self._index = _Index.of(record for record in self if record.entry is not None)
        return self._index

    # Whole-archive work.

    def check(
        self, *, select: Iterable[str] | None = None, ignore: Iterable[str] = (), jobs: int = 1, progress: bool = False
    ) -> Iterator[Finding]:
        """Every finding of every file, then those that compare files (NF307): what ``newsfmt validate`` reports.

        ``check_files`` over ``input_files()``: ``select`` and ``ignore`` take codes
        or prefixes as the command does (by default every rule but the Markdown
        checks, which run only when a selection names them); a bad selection raises
        ``ValueError`` at once. ``jobs`` above 1 checks the files in that many
        processes of the command's pool. Findings name files by their file-system
        path, in the order of ``iter``.
        """
        return check_files(self.input_files(), select=select, ignore=ignore, jobs=jobs, progress=progress)

    def map(self, function: Callable[[Entry], R], *, jobs: int = 1, progress: bool = False) -> Iterator[R]:
        """``function(entry)`` of each entry, in the order of ``iter``; files that are not entries are passed over.

        With ``jobs`` above 1 it runs in that many processes of the command's pool
        (``map_files``), so ``function`` must be picklable (defined at the top level
        of a module); a file whose worker process dies twice raises ``RuntimeError``
        naming it.
        """
        files = [file for file in self.input_files() if file.problem is None]
        for done, result in map_files(functools.partial(_map_one, function), files, jobs=jobs, progress=progress):
            if done:
                yield cast(R, result)


def write_to_archive(
    entry: Entry, root: str | os.PathLike[str], *, path: str | None = None, overwrite: bool = False
) -> tuple[str, bool]:
    r"""Write an entry into the archive at ``root``: (the file written, and whether it changed).

    The file is ``root/news/YYYY/MM/D/SLUG.md`` by the entry's date and headline
    (``entry.path``); ``path``, the archive path the entry was read from (as
    ``to-json`` gives it), keeps its file name when it stands in the entry's day
    folder and is a slug (``nato-talks.md``, never the day page ``index.md``).
    Every folder is made or entered inside the real path of ``root``, so nothing
    is written outside it; a file already there with the same bytes is left alone
    (False). A different file raises ``FileExistsError`` unless ``overwrite``; it
    is then replaced atomically, as ``write`` does. Anything else in the way (a
    folder or symlink that leads out of ``root``, a FIFO, a headline with no slug)
    raises ``ValueError`` naming the file, before anything is written.

    >>> import datetime, newsfmt, tempfile
    >>> root = tempfile.mkdtemp()
    >>> entry = newsfmt.Entry(date=datetime.date(2016, 4, 20), headline="NATO reopens talks")
    >>> file, changed = newsfmt.write_to_archive(entry, root)
    >>> file[len(root):], changed
    ('/news/2016/04/20/nato-reopens-talks.md', True)
    >>> newsfmt.write_to_archive(entry, root)[1]
    False
    """
    root = os.fspath(root)
    relative = entry.path[1:]  # ValueError for a headline with no slug
    if path is not None:
        parts = path.replace("\\", "/").split("/")
        folder = "/".join(["news", *parts[-4:-1]])
        in_its_day = len(parts) >= 5 and parts[-5] == "news" and f"/{folder}/" == entry.day_path[:-8]
        if in_its_day and _SLUG_FILE.fullmatch(parts[-1]):
            relative = f"{folder}/{parts[-1]}"
    written = os.path.join(root, *relative.split("/"))
    shown = display_path(written)
    data = encode(entry)
    try:
        target = confined_path(root, relative)
        try:
            same: bool | None = read_bytes(target, len(data)) == data
        except FileNotFoundError:
            same = None
        except FileProblem as problem:
            if problem.code != "NF003":  # NF003: larger than the new text, so it differs
                raise ValueError(f"{shown}: {problem.message}") from None
            same = False
        if same:
            return written, False
        if same is not None and not overwrite:
            raise FileExistsError(f"{shown} exists and differs")
        write(entry, target)
    except FileExistsError:
        raise
    except OSError as error:
        raise ValueError(f"{shown}: {error.strerror or error}") from None
    return written, True


def _map_one(function: Callable[[Entry], R], file: InputFile) -> tuple[bool, R | None]:
    try:
        entry = parse(file.read_text())
    except ParseError:  # a file that is no entry is passed over: its error is not shown
        return False, None
    return True, function(entry)


@attrs.define
class _Index:
    """What the whole-archive look-ups need: headlines, the link graph, backlinks and tags.

    An ``Archive`` builds it in one pass; the language server keeps its own up to
    date file by file (``add``, ``remove``).
    """

    headlines: dict[str, tuple[datetime.date, str]] = attrs.field(factory=dict)
    graph: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = attrs.field(factory=dict)
    backlinks: dict[str, set[str]] = attrs.field(factory=dict)
    tagged: dict[str, set[str]] = attrs.field(factory=dict)
    tags: collections.Counter[str] = attrs.field(factory=collections.Counter)

    @classmethod
    def of(cls, records: Iterable[Record]) -> _Index:
        index = cls()
        for record in records:
            assert record.entry is not None
            index.add(record.path, record.entry)
        return index

    def add(self, path: str, entry: Entry) -> None:
        """The entry at ``path``, in place of what the index held there."""
        self.remove(path)
        self.headlines[path] = (entry.date, entry.headline)
        self.graph[path] = links = tuple((item.path, item.context) for item in entry.related)
        for target, context in links:
            self.backlinks.setdefault(target, set()).add(path)
            self.tags.update(context)
            for tag in context:
                self.tagged.setdefault(tag, set()).add(path)

    def update(self, archive: Archive, path: str) -> None:
        """The archive path ``path`` as it is on disk now: its entry, or nothing when it is gone or is no entry."""
        try:
            entry = archive.get(path)
        except (ParseError, ValueError, OSError):  # a file that is no entry, or cannot be read: not in the index
            entry = None
        if entry is None:
            self.remove(path)
        else:
            self.add(path, entry)

    def remove(self, path: str) -> None:
        """Nothing at ``path`` any more: its headline, links and their tags leave the index."""
        self.headlines.pop(path, None)
        links = self.graph.pop(path, ())
        for target, context in links:
            self.backlinks[target].discard(path)
            self.tags.subtract(context)
            for tag in context:
                self.tagged[tag].discard(path)
        if links:
            self.tags += collections.Counter()  # drop the tags no item carries any more
