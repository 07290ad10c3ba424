"""The archive as an object: the folder that holds news/, its files found lazily, looked up and checked whole."""

from __future__ import annotations

import collections
import datetime
import fnmatch
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple, TypeVar, cast

import attrs

from ._check import DAY, MONTH, YEAR, Finding, Links, check_with_links, links_findings, listed
from ._errors import ParseError
from ._io import MAX_SIZE, file_text, parse_text
from ._model import Entry, Related
from ._pool import DIED, run_all
from ._rules import Selection

SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", "__pycache__"})
R = TypeVar("R")


def walk(top: str, exclude: Sequence[str] = ()) -> Iterator[tuple[str, str | None]]:
    """The entry files under the folder ``top``, lazily, in the order of their sorted paths: (path, problem).

    The rules of the command: ``*.md`` files but ``index.md`` (the day pages);
    folders named like ``.git``, virtual environments and what ``exclude`` names
    (globs matched against the path and the name) are skipped; symlinked folders
    are not entered, so a loop ends; a folder named ``*.md`` is listed, to be
    reported rather than searched. A folder that cannot be listed is an item whose
    ``problem`` says why.
    """
    try:
        with os.scandir(top) as listing:
            found = list(listing)
    except OSError as error:
        yield os.path.normpath(top), f"cannot list the folder: {error.strerror or error}"
        return
    # Sorting a folder by name, with "/" after a folder's name, gives the order of the sorted full paths.
    items = []
    for item in found:
        try:
            is_folder = item.is_dir()
        except OSError:
            is_folder = False
        items.append((item.name + "/" if is_folder and not item.name.endswith(".md") else item.name, item, is_folder))
    items.sort(key=lambda entry: entry[0])
    for key, item, is_folder in items:
        path = os.path.normpath(item.path)
        if exclude and _excluded(path, exclude):
            continue
        if key.endswith("/"):
            if item.name in SKIPPED_FOLDERS or item.is_symlink() or os.path.exists(os.path.join(path, "pyvenv.cfg")):
                continue
            yield from walk(path, exclude)
        elif item.name.endswith(".md") and (is_folder or item.name != "index.md"):
            yield path, None


def _excluded(path: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(path, glob) or fnmatch.fnmatch(os.path.basename(path), glob) for glob in globs)


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
        max_file_size: int = MAX_SIZE,
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
        if problem is not None:
            return Record(path, file, error=ParseError(problem, 1, 1, file, code="NF001"))
        try:
            text = file_text(file, max_size=self.max_file_size, tree=self._tree, follow_symlinks=self.follow_symlinks)
            return Record(path, file, entry=parse_text(text, path=file))
        except ParseError as error:
            return Record(path, file, error=error)

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

    def between(self, start: datetime.date, end: datetime.date) -> Iterator[Record]:
        """The files of the day folders from ``start`` to ``end`` (both included), by date, then by path.

        The dates come from the folder names, so no file outside the range is
        opened; a file in a day folder that holds an entry of another date
        (NF301) comes with its folder. Cost: a listing of the years, months and
        days in range, and one read a file in them.
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
                        for file, problem in walk(os.path.join(news, year, month, day), self.exclude):
                            yield self._record(file, problem)

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
        self, *, select: Iterable[str] | None = None, ignore: Iterable[str] = (), jobs: int = 1
    ) -> Iterator[Finding]:
        """Every finding of every file, then those that compare files (NF307): what ``newsfmt validate`` reports.

        ``select`` and ``ignore`` take codes or prefixes as the command does (by
        default every rule but the Markdown checks, which run only when a selection
        names them); a selection that checks no rule raises ``ValueError``.
        ``jobs`` above 1 checks the files in that many processes of the command's
        pool. Findings name files by their file-system path, in the order of ``iter``.
        """
        selection = Selection.of(select, ignore)
        settings = _Settings(self._tree, self.follow_symlinks, self.max_file_size, selection.markdown, selection.titles)
        work = [(file, problem, settings) for file, problem in walk(self.root, self.exclude)]
        all_links = []
        for findings, links in run_all(_check_one, work, jobs, _check_died):
            yield from (finding for finding in findings if selection.wants(finding.code))
            if links is not None:
                all_links.append(links)
        if selection.titles:
            yield from links_findings(all_links)

    def map(self, function: Callable[[Entry], R], *, jobs: int = 1) -> Iterator[R]:
        """``function(entry)`` of each entry, in the order of ``iter``; files that are not entries are passed over.

        With ``jobs`` above 1 it runs in that many processes of the command's pool,
        so ``function`` must be picklable (defined at the top level of a module);
        a file whose worker process dies twice raises ``RuntimeError`` naming it.
        """
        settings = _Settings(self._tree, self.follow_symlinks, self.max_file_size, False, False)
        work = [(function, file, settings) for file, problem in walk(self.root, self.exclude) if problem is None]
        for done, result in run_all(_map_one, work, jobs, _map_died):
            if done:
                yield cast(R, result)


class _Settings(NamedTuple):
    """How a worker reads a file: passed with each file to the pool."""

    tree: str
    follow_symlinks: bool
    max_file_size: int
    markdown: bool
    titles: bool


def _text(file: str, settings: _Settings) -> str:
    follow = settings.follow_symlinks
    return file_text(file, max_size=settings.max_file_size, tree=settings.tree, follow_symlinks=follow)


def _check_one(item: tuple[str, str | None, _Settings]) -> tuple[list[Finding], Links | None]:
    """The findings of one file, and its links for NF307: the pool's work for ``check``."""
    file, problem, settings = item
    try:
        if problem is not None:
            return [Finding(file, 1, 1, "NF001", problem)], None
        text = _text(file, settings)
    except ParseError as error:
        return [Finding(file, error.line, error.column, error.code, error.message)], None
    try:
        _, findings, links = check_with_links(text, file, markdown=settings.markdown, links=settings.titles)
    except Exception as error:  # a bug in newsfmt: reported against the file, and the run goes on
        return [Finding(file, 1, 1, "NF000", f"{type(error).__name__}: {error}")], None
    return findings, links


def _check_died(item: tuple[str, str | None, _Settings]) -> tuple[list[Finding], Links | None]:
    return [Finding(item[0], 1, 1, "NF000", DIED)], None


def _map_one(item: tuple[Callable[[Entry], R], str, _Settings]) -> tuple[bool, R | None]:
    function, file, settings = item
    try:
        entry = parse_text(_text(file, settings), path=file)
    except ParseError:
        return False, None
    return True, function(entry)


def _map_died(item: tuple[Callable[[Entry], R], str, _Settings]) -> tuple[bool, R | None]:
    raise RuntimeError(f"{item[1]}: {DIED}")


@attrs.frozen
class _Index:
    """What the whole-archive look-ups need, from one pass: the graph, backlinks and tags."""

    graph: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]
    backlinks: dict[str, set[str]]
    tagged: dict[str, set[str]]
    tags: collections.Counter[str]

    @classmethod
    def of(cls, records: Iterable[Record]) -> _Index:
        graph: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
        backlinks: dict[str, set[str]] = {}
        tagged: dict[str, set[str]] = {}
        tags: collections.Counter[str] = collections.Counter()
        for record in records:
            assert record.entry is not None
            graph[record.path] = tuple((item.path, item.context) for item in record.entry.related)
            for item in record.entry.related:
                backlinks.setdefault(item.path, set()).add(record.path)
                tags.update(item.context)
                for tag in item.context:
                    tagged.setdefault(tag, set()).add(record.path)
        return cls(graph, backlinks, tagged, tags)
