"""A run over files: found under the paths a user names, read by the archive's rules, checked in the process pool."""

from __future__ import annotations

import functools
import itertools
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import attrs

from ._check import Finding, Links, forget_listings, in_order, links_findings, local_check, target_findings
from ._config import Settings, configuration_in, find_settings, matches
from ._errors import ParseError
from ._io import MAX_FILE_SIZE, decode, display_path, file_bytes
from ._pool import DIED, isolated, run_all
from ._rules import Selection

if TYPE_CHECKING:
    from ._baseline import Baseline
    from ._cache import Shard, Signature

R = TypeVar("R")
T = TypeVar("T")
SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", "__pycache__"})


def walk(
    top: str, exclude: Sequence[str] = (), skip: Callable[[str], Callable[[str], bool] | None] | None = None
) -> Iterator[tuple[str, str | None]]:
    """The entry files under the folder ``top``, lazily, in the order of their sorted paths: (path, problem).

    The rules of the command: ``*.md`` files but ``index.md`` (the day pages);
    folders named like ``.git``, virtual environments and what ``exclude`` names
    (globs matched against the path and the name) are skipped; symlinked folders
    are not entered, so a loop ends; a folder named ``*.md`` is listed, to be
    reported rather than searched; ``skip(folder)``, asked once a folder, gives a test
    of the paths of its items that skips those it is true of (or None: none). A folder
    that cannot be listed is an item whose ``problem`` says why.
    """
    for _, path, problem in _walk(top, exclude, skip):
        yield path, problem


def _walk(
    top: str, exclude: Sequence[str], skip: Callable[[str], Callable[[str], bool] | None] | None
) -> Iterator[tuple[str, str, str | None]]:
    """``walk``, each file with its folder: (folder, path, problem)."""
    folder = os.path.normpath(top)
    try:
        with os.scandir(top) as listing:
            found = list(listing)
    except OSError as error:
        yield os.path.dirname(folder), folder, f"cannot list the folder: {error.strerror or error}"
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
    start = "" if folder == "." else folder if folder.endswith(os.sep) else folder + os.sep
    skipped = None if skip is None else skip(folder)
    for key, item, is_folder in items:
        path = start + item.name
        if (exclude and matches(path, exclude)) or (skipped is not None and skipped(path)):
            continue
        if key.endswith("/"):
            if item.name in SKIPPED_FOLDERS or item.is_symlink() or os.path.exists(os.path.join(path, "pyvenv.cfg")):
                continue
            yield from _walk(path, exclude, skip)
        elif item.name.endswith(".md") and (is_folder or item.name != "index.md"):
            yield folder, path, None


@attrs.frozen
class InputFile:
    r"""A file a run reads, and how: found by ``find_files`` or an ``Archive``; picklable, for worker processes.

    ``path`` is where it is on disk (``-`` for standard input, whose bytes are
    ``data``); ``name`` is how findings and messages show it; ``tree`` is the real
    path of the folder it was found in, out of which a symlink is not followed
    unless ``follow_symlinks``; ``problem`` says why a folder could not be listed;
    ``settings`` are the configuration that governs it (its ``select``, ``ignore``
    and ``strict`` apply to its findings).

    >>> import newsfmt
    >>> stdin = newsfmt.InputFile("-", "-", data=b"### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO \n")
    >>> stdin.read_text()[-8:]
    '# NATO \n'
    """

    path: str
    name: str
    tree: str | None = None
    data: bytes | None = None
    problem: str | None = None
    max_file_size: int = MAX_FILE_SIZE
    follow_symlinks: bool = False
    settings: Settings = attrs.field(factory=Settings)

    def __reduce__(self) -> tuple[Any, ...]:  # its fields in order: a pickle half the size, made 2.5 times faster
        fields = (self.path, self.name, self.tree, self.data, self.problem, self.max_file_size, self.follow_symlinks)
        return InputFile, (*fields, self.settings)

    def read_text(self) -> str:
        """The file's text, or ``ParseError`` with the code of what stands in the way.

        ``read_bytes``, then NF002 for bytes that are not UTF-8 (at their line and
        column). The error's ``path`` is ``name``.
        """
        data = self.read_bytes()
        try:
            return decode(data)
        except ParseError as error:
            raise ParseError(error.message, error.line, error.column, self.name, code=error.code) from None

    def read_bytes(self) -> bytes:
        """The file's bytes, or ``ParseError`` with the code of what stands in the way.

        NF001 a file that cannot be read (or a folder that cannot be listed), NF003
        a file larger than ``max_file_size``, NF004 a folder, FIFO, device or socket,
        NF005 a name that is not UTF-8, NF006 a symlink out of ``tree``. The error's
        ``path`` is ``name``.
        """
        try:
            if self.problem is not None:
                raise ParseError(self.problem, 1, 1, code="NF001")
            if self.data is None:
                follow = self.follow_symlinks
                return file_bytes(self.path, max_size=self.max_file_size, tree=self.tree, follow_symlinks=follow)
            if len(self.data) > self.max_file_size:
                raise ParseError(f"expected at most {self.max_file_size:,} bytes, found more", 1, 1, code="NF003")
            return self.data
        except ParseError as error:
            raise ParseError(error.message, error.line, error.column, self.name, code=error.code) from None


def find_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    exclude: Iterable[str] = (),
    stdin: bytes | None = None,
    stdin_name: str | None = None,
    max_file_size: int | None = None,
    follow_symlinks: bool = False,
    settings: Settings | Callable[[str], Settings] | None = None,
) -> list[InputFile]:
    r"""The files a run over ``paths`` reads, as ``newsfmt validate PATH...`` finds them: stdin first, then sorted.

    A folder is searched by the archive's rules (``index.md`` day pages, the
    usual tool folders and what ``exclude`` globs match are skipped; symlinked
    folders are not entered); a file named is taken whatever its name; ``-`` is
    standard input, whose bytes the caller gives as ``stdin`` (named
    ``stdin_name``, else ``-``). No path means the current folder. A path that
    does not exist raises ``FileNotFoundError`` naming it; nothing is read.

    ``settings`` is one ``Settings`` for every file (by default none set), or a function from a folder
    to the settings of the files in it: ``find_settings`` gives each file the
    nearest configuration above it, as the command does (standard input gets
    that of ``stdin_name``'s folder, else of the current one). A file's settings
    add their ``exclude`` globs (matched against the path from the configuration's
    folder, and the name) and give its ``max_file_size`` unless one is given here.

    >>> import newsfmt, pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "news/2016/04/20").mkdir(parents=True)
    >>> for name in ["index.md", "nato.md"]:
    ...     _ = (root / "news/2016/04/20" / name).write_text("### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO \n")
    >>> [file.name[len(str(root)):] for file in newsfmt.find_files([root])]
    ['/news/2016/04/20/nato.md']
    >>> [file.name for file in newsfmt.find_files(["-"], stdin=b"...", stdin_name="draft.md")]
    ['draft.md']
    """
    files = iter_files(
        paths,
        exclude=exclude,
        stdin=stdin,
        stdin_name=stdin_name,
        max_file_size=max_file_size,
        follow_symlinks=follow_symlinks,
        settings=settings,
    )
    return list(files)


def iter_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    exclude: Iterable[str] = (),
    stdin: bytes | None = None,
    stdin_name: str | None = None,
    max_file_size: int | None = None,
    follow_symlinks: bool = False,
    settings: Settings | Callable[[str], Settings] | None = None,
) -> Iterator[InputFile]:
    r"""``find_files``, lazily: the same files in the same order, each found as it is reached.

    A run that streams them (``check_files``, ``map_files``) keeps its memory
    flat on any archive: folders are walked in sorted order, so no list of every
    file is built (several PATHs are merged in order, a file found twice given
    once). As ``find_files``, a path that does not exist raises
    ``FileNotFoundError`` here, at the call, before anything is read.

    >>> import newsfmt
    >>> files = newsfmt.iter_files(["-"], stdin=b"...", stdin_name="draft.md")
    >>> next(files).name
    'draft.md'
    """
    given = [os.fspath(path) for path in paths] or ["."]
    excludes = tuple(exclude)
    settings_of = _settings_finder(settings)
    if "-" in given and stdin is None:
        raise ValueError("stdin: expected the bytes of standard input, as - is among the paths")
    for path in given:
        if path != "-" and not os.path.isdir(path) and not os.path.lexists(path):
            raise FileNotFoundError(f"{display_path(path)}: no such file or folder")

    def inputs(
        file: str, name: str, folder: str, place: str | None, data: bytes | None, problem: str | None
    ) -> InputFile:
        its = settings_of(folder)
        size = max_file_size or its.max_file_size or MAX_FILE_SIZE
        return InputFile(file, display_path(name), place, data, problem, size, follow_symlinks, its)

    def configured_out(folder: str) -> Callable[[str], bool] | None:  # the test of its configuration's exclude globs
        its = settings_of(folder)
        if not its.exclude or its.path is None:
            return None
        base, globs = os.path.dirname(its.path), its.exclude
        return lambda path: matches(os.path.relpath(path, base), globs)

    def found(path: str) -> Iterator[tuple[str, str, str | None, str | None]]:  # (file, folder, tree, problem)
        if os.path.isdir(path) and not path.endswith(".md"):
            tree = os.path.realpath(path)
            for folder, file, problem in _walk(path, excludes, configured_out):
                yield file, folder, tree, problem
        else:
            file = os.path.normpath(path)
            yield file, os.path.dirname(file), None, None

    def files() -> Iterator[InputFile]:
        if "-" in given:
            yield inputs("-", stdin_name or "-", os.path.dirname(stdin_name or "x"), None, stdin, None)
        walks = [found(path) for path in dict.fromkeys(given) if path != "-"]
        if len(walks) == 1:
            merged = walks[0]
        else:  # several paths (or none): their walks merged in order
            import heapq

            merged = heapq.merge(*walks, key=lambda item: item[0])
        previous = None
        for file, folder, tree, problem in merged:
            if file != previous:  # a file under two of the paths: the first path's (heapq.merge is stable)
                yield inputs(file, file, folder, tree, None, problem)
            previous = file

    return files()


def _settings_finder(settings: Settings | Callable[[str], Settings] | None) -> Callable[[str], Settings]:
    """The settings of a folder's files, looked up once a folder.

    ``find_settings`` looks in every folder up to the root for each folder it is
    asked of; here each folder of the run is looked in once (a folder with no
    configuration has its parent's settings).
    """
    if settings is None or isinstance(settings, Settings):
        fixed = settings or Settings()
        return lambda folder: fixed
    if settings is find_settings:
        return _nearest_settings()
    known: dict[str, Settings] = {}

    def settings_of(folder: str) -> Settings:
        if folder not in known:
            known[folder] = settings(folder or ".")
        return known[folder]

    return settings_of


def _nearest_settings() -> Callable[[str], Settings]:
    """``find_settings``, remembering each folder's settings for the run."""
    known: dict[str, Settings] = {}

    def settings_of(folder: str) -> Settings:
        if folder not in known:
            absolute = os.path.abspath(folder or ".")
            if absolute not in known:
                here = configuration_in(absolute)
                parent = os.path.dirname(absolute)
                known[absolute] = (
                    here if here is not None else Settings() if parent == absolute else settings_of(parent)
                )
            known[folder] = known[absolute]
        return known[folder]

    return settings_of


def check_files(
    files: Iterable[InputFile],
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    jobs: int = 1,
    progress: bool = False,
    baseline: Baseline | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Iterator[Finding]:
    r"""Every finding of every file, in the order of ``files``, then those that compare files (NF307).

    What ``newsfmt validate`` reports, before it sorts them. ``select`` and
    ``ignore`` take codes or prefixes; where one is None, each file's
    ``settings`` give it (and by default every rule but the opt-in ones is
    selected); the codes its settings' ``per-file-ignores`` name for it are
    ignored too, whatever ``ignore`` says. A bad code raises ``ValueError`` here, before any file is read.
    ``jobs`` above 1 checks the files in that many worker processes;
    ``progress`` shows a progress bar on standard error. A file whose worker
    dies twice, or on which newsfmt fails, gets an NF000 finding and the run
    goes on. With a ``baseline``, the findings it holds are passed over and its
    entries that no finding matched come last, as NF008 (only entries of the
    files checked, for codes selected for them).

    ``files`` may be any iterable, ``iter_files`` for one: files are read as they
    come, in chunks, so memory stays flat on any archive. A ``cache_dir`` keeps
    what was found in each file between runs, by its content (the ``validate``
    command's ``.newsfmt_cache``): a file whose bytes are those of the last check
    is not checked again; what depends on other files (NF303, NF306, NF307,
    NF308) is always worked out anew. Without it, nothing is written.

    >>> import newsfmt
    >>> stdin = b"### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO\n"
    >>> [str(finding) for finding in newsfmt.check_files(newsfmt.find_files(["-"], stdin=stdin))]
    ['-:3:7: warning: NF207 expected a space after the headline, found none']
    """
    select = select if select is None or isinstance(select, str) else tuple(select)
    ignore = ignore if ignore is None or isinstance(ignore, str) else tuple(ignore)
    Selection.of(select, () if ignore is None else ignore)  # the codes given here are checked, files or none
    cache = None if cache_dir is None else os.path.abspath(os.fspath(cache_dir))
    selections: dict[tuple[object, object], Selection] = {}
    selection_of: dict[str, Selection] = {}  # by name, for NF307 and the baseline: kept only when they need it
    keep = baseline is not None

    def work() -> Iterator[tuple[Selection, InputFile]]:
        nonlocal keep
        last: tuple[Settings | None, Selection | None] = (None, None)  # a file's settings and their selection
        for file in files:
            if file.settings is last[0] and not file.settings.per_file_ignores:
                selection = last[1]  # the same settings as the last file's, with no per-file ignores: its selection
            else:
                selection = _selection(file, select, ignore, selections)
                last = file.settings, selection
            assert selection is not None
            keep = keep or selection.titles
            if keep:
                selection_of[file.name] = selection
            yield selection, file

    def found() -> Iterator[Finding]:
        forget_listings()
        chunks = ((cache, chunk) for chunk in _chunks(work(), CHUNK))
        results = run_all(_check_chunk, chunks, jobs, _chunk_died, batch=1, threshold=2)
        all_links = []
        for chunk_results in _with_progress(results, progress, files=len):
            for findings, links in chunk_results:
                yield from findings
                if links is not None:
                    all_links.append(links)
        if all_links:
            yield from (f for f in links_findings(all_links) if selection_of[f.path].wants(f.code))

    if baseline is None:
        return found()
    selection_by_key: dict[str, Selection] = {}

    def wanted(path: str, code: str) -> bool:  # asked only of an entry that matched nothing: a rare event
        if not selection_by_key:
            from ._baseline import key_paths

            key_path = key_paths(baseline.path)
            selection_by_key.update((key_path(name), selection) for name, selection in selection_of.items())
        return path in selection_by_key and selection_by_key[path].wants(code)

    return iter(baseline.apply(found(), wanted))


def _selection(
    file: InputFile,
    select: str | tuple[str, ...] | None,
    ignore: str | tuple[str, ...] | None,
    selections: dict[tuple[object, object], Selection],
) -> Selection:
    """The codes checked in the file: ``select`` and ``ignore``, or its settings' where they are None."""
    chosen = file.settings.select if select is None else select
    ignored = (file.settings.ignore or ()) if ignore is None else ignore
    if (per_file := file.settings.ignored_in(file.path if file.data is None else file.name)) and not isinstance(
        ignored, str
    ):
        ignored = (*ignored, *per_file)  # as ruff: per-file ignores add to the command line's --ignore
    if (chosen, ignored) not in selections:
        selections[chosen, ignored] = Selection.of(chosen, ignored)
    return selections[chosen, ignored]


CHUNK = 256  # files a worker checks at a time: fewer trips between processes, a shard of the cache read once


def _chunks(work: Iterable[tuple[Selection, InputFile]], size: int) -> Iterator[list[tuple[Selection, InputFile]]]:
    """The work in chunks of about ``size`` files, lazily, ending where a folder does when they can.

    A chunk goes on past ``size`` to the end of its folder (up to 4 times ``size``),
    so that a folder's shard of the cache is read and written once. The first
    chunks are smaller, and end where they are full, so that a short run starts
    its pool at once.
    """
    chunk: list[tuple[Selection, InputFile]] = []
    limits = itertools.chain((size // 8, size // 4, size // 2), itertools.repeat(size))
    limit = next(limits)
    folder = None
    for item in work:
        here = item[1].path.rpartition(os.sep)[0]  # its folder, as far as telling folders apart goes
        if len(chunk) >= limit and (here != folder or limit < size or len(chunk) >= 4 * size):
            yield chunk
            chunk, limit = [], next(limits)
        chunk.append(item)
        folder = here
    if chunk:
        yield chunk


def _check_chunk(
    item: tuple[str | None, list[tuple[Selection, InputFile]]],
) -> list[tuple[list[Finding], Links | None]]:
    """The findings and NF307 links of a chunk of files: a worker's part of ``check_files``, with the cache's."""
    cache, chunk = item
    shards: dict[str, Shard] = {}
    results = [_check_one(selection, file, cache, shards) for selection, file in chunk]
    for shard in shards.values():
        shard.save()
    return results


def _check_one(
    selection: Selection, file: InputFile, cache: str | None, shards: dict[str, Shard]
) -> tuple[list[Finding], Links | None]:
    """The findings of one file, and its links when NF307 is wanted.

    With a cache, a file whose status is the one its record was made with is not
    read; one whose bytes hash to the record's is not checked again.
    """
    try:
        record = shard = status = None
        if cache is not None and file.data is None:  # standard input is never cached
            from ._cache import Shard, signature

            folder, name = os.path.split(file.path)
            if folder not in shards:
                shards[folder] = Shard(cache, os.path.abspath(folder), folder)
            shard, status = shards[folder], signature(file.path, file.max_file_size)
            record = shard.get(name, file.name, None, selection.markdown, selection.titles, status)
        if record is None:
            try:
                data = file.read_bytes()
                text = decode(data)
            except ParseError as error:
                found = [Finding(file.name, error.line, error.column, error.code, error.message)]
                return [finding for finding in found if selection.wants(finding.code)], None
            record = _checked(selection, file, text, data, shard, status)
        findings, links = record
        if links is not None:
            findings = in_order(findings + target_findings(links))
    except Exception as error:  # a bug in newsfmt: reported against the file, and the run goes on
        return [Finding(file.name, 1, 1, "NF000", f"{type(error).__name__}: {error}")], None
    return [finding for finding in findings if selection.wants(finding.code)], links if selection.titles else None


def _checked(
    selection: Selection, file: InputFile, text: str, data: bytes, shard: Shard | None, status: Signature | None
) -> tuple[list[Finding], Links | None]:
    """What ``local_check`` finds in the file: from its record when its bytes are the recorded ones, else found."""
    if shard is None:
        _, local, links = local_check(text, file.name, markdown=selection.markdown)
        return local, links
    from ._cache import digest

    name, content = os.path.basename(file.path), digest(data)
    record = shard.get(name, file.name, content, selection.markdown, selection.titles)
    if record is not None:
        if status is not None:
            shard.sign(name, status)
        return record
    _, local, links = local_check(text, file.name, markdown=selection.markdown)
    shard.put(name, content, selection.markdown, selection.titles, local, links, status)
    return local, links


def _chunk_died(
    item: tuple[str | None, list[tuple[Selection, InputFile]]],
) -> list[tuple[list[Finding], Links | None]]:
    """A chunk whose process died twice: each file in a process of its own, so that only the culprit is lost."""
    cache, chunk = item
    return [isolated(_check_chunk, (cache, [one]), _file_died)[0] for one in chunk]


def _file_died(item: tuple[str | None, list[tuple[Selection, InputFile]]]) -> list[tuple[list[Finding], Links | None]]:
    return [([Finding(item[1][0][1].name, 1, 1, "NF000", DIED)], None)]


def progress_bar(total: int | None) -> Any:
    """The progress bar of every run over files: tqdm on standard error, counting files, gone when the run ends.

    ``total`` is None when the files stream: the bar counts without a total.
    """
    from tqdm import tqdm

    return tqdm(total=total, unit="file", leave=False, file=sys.stderr)


def _with_progress(
    items: Iterable[T], progress: bool, total: int | None = None, files: Callable[[T], int] = lambda item: 1
) -> Iterator[T]:
    """The items as they come, with a progress bar counting the files they stand for (``files(item)``, one each).

    No bar without ``progress`` or for fewer than two files; ``total`` is None when the files stream.
    """
    if not progress or (total is not None and total < 2):
        yield from items
        return
    with progress_bar(total) as bar:
        for item in items:
            bar.update(files(item))
            yield item


def map_files(
    function: Callable[[InputFile], R],
    files: Iterable[InputFile],
    *,
    jobs: int = 1,
    progress: bool = False,
    died: Callable[[InputFile, str], R] | None = None,
) -> Iterator[R]:
    r"""``function(file)`` of each file, in the order of ``files``: with ``jobs`` above 1, in the command's pool.

    The pool keeps a bounded window of work in flight, so memory stays flat on any
    number of files; ``function`` must be picklable (defined at the top level of a
    module) and reads the file itself (``file.read_text()``). A worker process
    that dies (a crash in C, the OOM killer) costs only its file: ``died(file,
    message)`` stands for that file's result, or, without ``died``, ``RuntimeError``
    naming the file ends the run. ``progress`` shows a progress bar on standard error.

    >>> import newsfmt
    >>> files = newsfmt.find_files(["-"], stdin=b"### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO \n")
    >>> list(newsfmt.map_files(newsfmt.InputFile.read_text, files))[0][-8:]
    '# NATO \n'
    """
    crashed: Callable[[InputFile], R] = _raise_died if died is None else functools.partial(_died, died)
    total = len(files) if isinstance(files, Sized) else None  # iter_files streams: no total, a count
    return iter(_with_progress(run_all(function, files, jobs, crashed), progress, total))


def _died(died: Callable[[InputFile, str], R], file: InputFile) -> R:
    return died(file, DIED)


def _raise_died(file: InputFile) -> NoReturn:
    raise RuntimeError(f"{file.name}: {DIED}")
