"""Entries as Arrow tables and back: one nested schema for pandas, Parquet, Dask and Spark (pyarrow, an extra)."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ._dict import DictError, from_dict
from ._errors import ParseError
from ._files import InputFile, _with_progress
from ._model import Entry
from ._parser import parse
from ._pool import DIED, isolated, run_all

if TYPE_CHECKING:  # pragma: no cover - for the annotations only: pyarrow is imported where it is used
    import pyarrow

    from ._archive import Record

ROWS_PER_BATCH = 4096  # entries a record batch: a few MB, small enough to stream, large enough to be fast
FILES_PER_TASK = 32  # files a worker reads into one small record batch: what read_record_batches sends a worker


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise ImportError('newsfmt\'s Arrow functions need pyarrow: pip install "newsfmt[arrow]"') from None
    return pyarrow


@functools.cache
def _schemas() -> tuple[pyarrow.Schema, pyarrow.Schema]:
    return arrow_schema(), error_schema()


def arrow_schema() -> pyarrow.Schema:
    """The Arrow schema of an entry, nested as the model is, with its archive ``path`` first.

    ``path`` string, ``date`` date32, ``headline`` and ``body`` strings, ``sources``
    a list of ``struct<name, url>``, ``related`` a list of ``struct<title, path,
    date date32, context list<string>>`` (the related item's ``date`` is the one its
    path names). No field is null but ``path``, for an entry whose headline has no
    letter or digit to make a slug of, which has no path of its own (``Entry.path``
    raises). Needs pyarrow (``newsfmt[arrow]``).

    >>> import newsfmt
    >>> newsfmt.arrow_schema().names
    ['path', 'date', 'headline', 'body', 'sources', 'related']
    >>> [(field.name, str(field.type)) for field in newsfmt.arrow_schema().field("related").type.value_type]
    [('title', 'string'), ('path', 'string'), ('date', 'date32[day]'), ('context', 'list<item: string not null>')]
    """
    pa = _pyarrow()
    text = pa.string()
    source = pa.struct([pa.field("name", text, False), pa.field("url", text, False)])
    related = pa.struct(
        [
            pa.field("title", text, False),
            pa.field("path", text, False),
            pa.field("date", pa.date32(), False),
            pa.field("context", pa.list_(pa.field("item", text, False)), False),
        ]
    )
    return pa.schema(
        [
            pa.field("path", text, True),
            pa.field("date", pa.date32(), False),
            pa.field("headline", text, False),
            pa.field("body", text, False),
            pa.field("sources", pa.list_(pa.field("item", source, False)), False),
            pa.field("related", pa.list_(pa.field("item", related, False)), False),
        ]
    )


def error_schema() -> pyarrow.Schema:
    """The Arrow schema of the files that are no entries: ``path``, ``code``, ``line``, ``column``, ``message``.

    One row a file, its first error, as a ``ParseError`` gives it. Needs pyarrow.

    >>> import newsfmt
    >>> newsfmt.error_schema().names
    ['path', 'code', 'line', 'column', 'message']
    """
    pa = _pyarrow()
    return pa.schema(
        [
            pa.field("path", pa.string(), False),
            pa.field("code", pa.string(), False),
            pa.field("line", pa.int32(), False),
            pa.field("column", pa.int32(), False),
            pa.field("message", pa.string(), False),
        ]
    )


def to_arrow(entries: Iterable[Entry], *, paths: Iterable[str] | None = None) -> pyarrow.Table:
    r"""A ``pyarrow.Table`` of the entries, in ``arrow_schema()``: one row an entry, in their order.

    ``paths`` gives each row's ``path`` (an ``Archive`` record's archive path, say);
    by default it is the entry's own ``Entry.path``, null for a headline with no slug. ``to_record_batches`` streams
    the same rows in batches. Needs pyarrow.

    >>> import datetime, newsfmt
    >>> entry = newsfmt.Entry(date=datetime.date(2016, 4, 20), headline="NATO reopens talks",
    ...                       sources=[newsfmt.Source(name="Euronews", url="http://www.euronews.com/")])
    >>> table = newsfmt.to_arrow([entry])
    >>> table.column("sources").to_pylist()
    [[{'name': 'Euronews', 'url': 'http://www.euronews.com/'}]]
    >>> newsfmt.from_arrow(table) == [entry]
    True
    """
    pa = _pyarrow()
    batches = list(to_record_batches(entries, paths=paths))
    return pa.Table.from_batches(batches, schema=arrow_schema())


def errors_to_arrow(records: Iterable[Record]) -> pyarrow.Table:
    r"""A ``pyarrow.Table`` of the records that are no entries, in ``error_schema()``: a row each, in their order.

    What a worker of a Dask, Spark or Ray job returns beside ``to_arrow`` for its
    share of an ``Archive``'s files; records with an entry are left out. Needs pyarrow.

    >>> import newsfmt, pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "news/2016/04/20").mkdir(parents=True)
    >>> _ = (root / "news/2016/04/20/broken.md").write_text("# NATO\n")
    >>> table = newsfmt.errors_to_arrow(newsfmt.Archive(root))
    >>> table.column("path").to_pylist(), table.column("code").to_pylist(), table.column("line").to_pylist()
    (['/news/2016/04/20/broken.md'], ['NF101'], [1])
    """
    pa = _pyarrow()
    rows = [
        (r.path, r.error.code, r.error.line, r.error.column, r.error.message) for r in records if r.error is not None
    ]
    return pa.Table.from_batches([_error_batch(rows)], schema=_schemas()[1])


def _error_batch(rows: list[tuple[str, str, int, int, str]]) -> pyarrow.RecordBatch:
    """``error_schema()`` rows, built column by column."""
    pa = _pyarrow()
    schema = _schemas()[1]
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    return pa.RecordBatch.from_arrays(
        [pa.array(values, field.type) for values, field in zip(columns, schema, strict=True)], schema=schema
    )


def to_record_batches(
    entries: Iterable[Entry], *, paths: Iterable[str] | None = None, rows: int = ROWS_PER_BATCH
) -> Iterator[pyarrow.RecordBatch]:
    """The rows of ``to_arrow`` as record batches of at most ``rows`` entries, made as the entries come.

    For writers that stream (``pyarrow.parquet.ParquetWriter``): memory stays that
    of one batch, however many entries. Needs pyarrow.

    >>> import datetime, newsfmt
    >>> entries = [newsfmt.Entry(date=datetime.date(2016, 4, day), headline=f"Day {day}") for day in range(1, 6)]
    >>> [batch.num_rows for batch in newsfmt.to_record_batches(entries, rows=2)]
    [2, 2, 1]
    """
    schema = arrow_schema()
    batch: list[Entry] = []
    names: list[str | None] = []
    given = iter(paths) if paths is not None else None
    for entry in entries:
        batch.append(entry)
        names.append(_own_path(entry) if given is None else next(given))
        if len(batch) == rows:
            yield _batch(batch, names, schema)
            batch, names = [], []
    if batch:
        yield _batch(batch, names, schema)


def read_record_batches(
    files: Sequence[InputFile], *, jobs: int = 1, progress: bool = False, rows: int = ROWS_PER_BATCH
) -> Iterator[tuple[pyarrow.RecordBatch, pyarrow.RecordBatch]]:
    r"""The files' entries as record batches of ``arrow_schema()``, read and parsed in ``jobs`` processes.

    Yields pairs, in the order of ``files``: a batch of at most ``rows`` entries,
    whose ``path`` is the file's ``InputFile.name``, and a batch of
    ``error_schema()`` of the files read since the pair before that are no entry
    (one row a file, its first error). The workers build the Arrow data themselves and
    send it whole, so the main process does little more than write it: this is
    what ``newsfmt to-json --output-format parquet`` runs. As in ``map_files``, a
    bounded window of work keeps memory flat, and a file that kills its worker
    process is an error row (NF000), not the end of the run. Needs pyarrow.

    >>> import newsfmt
    >>> files = newsfmt.find_files(["-"], stdin=b"### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO \n")
    >>> [(entries.num_rows, errors.num_rows) for entries, errors in newsfmt.read_record_batches(files)]
    [(1, 0)]
    """
    _pyarrow()
    if rows < 1:
        raise ValueError(f"rows: expected 1 or more, found {rows}")
    tasks = [files[start : start + FILES_PER_TASK] for start in range(0, len(files), FILES_PER_TASK)]
    results = run_all(_read_task, tasks, jobs, _task_died, batch=1, threshold=2)
    done_tasks = _with_progress(zip(tasks, results, strict=True), progress, len(files), lambda done: len(done[0]))
    entries: list[pyarrow.RecordBatch] = []
    errors: list[pyarrow.RecordBatch] = []
    held = 0
    for _, (good, bad) in done_tasks:
        entries.append(good)
        errors.append(bad)
        held += good.num_rows
        if held >= rows:
            *done, last = _split(entries, rows)
            for batch in done:
                yield batch, _joined(errors, 1)
                errors = []
            entries, held = [last], last.num_rows
    if held or errors:
        yield _joined(entries, 0), _joined(errors, 1)


def _split(batches: list[pyarrow.RecordBatch], rows: int) -> list[pyarrow.RecordBatch]:
    """The batches' rows as batches of ``rows`` rows and one last batch of the rest (perhaps empty)."""
    whole = _joined(batches, 0)
    cut = whole.num_rows - whole.num_rows % rows
    return [whole.slice(start, rows) for start in range(0, cut, rows)] + [whole.slice(cut)]


def _joined(batches: list[pyarrow.RecordBatch], which: int) -> pyarrow.RecordBatch:
    """One record batch of the rows of ``batches``, in the entry (0) or error (1) schema."""
    pa = _pyarrow()
    schema = _schemas()[which]
    if not batches:
        return pa.RecordBatch.from_pylist([], schema=schema)
    if len(batches) == 1:
        return batches[0]
    table = pa.Table.from_batches(batches, schema=schema).combine_chunks()
    return table.to_batches()[0] if table.num_rows else batches[0]


def _read_task(files: Sequence[InputFile]) -> tuple[pyarrow.RecordBatch, pyarrow.RecordBatch]:
    """A worker's part of ``read_record_batches``: its files' entries and errors, as two record batches."""
    schema = _schemas()[0]
    entries: list[Entry] = []
    names: list[str | None] = []
    errors: list[tuple[str, str, int, int, str]] = []
    for file in files:
        try:
            entries.append(parse(file.read_text()))
            names.append(file.name)
        except ParseError as error:
            errors.append((file.name, error.code, error.line, error.column, error.message))
    return _batch(entries, names, schema), _error_batch(errors)


def _task_died(files: Sequence[InputFile]) -> tuple[pyarrow.RecordBatch, pyarrow.RecordBatch]:
    """What stands for a task whose files killed two worker processes: each file again in a process of its own."""
    parts = [isolated(_read_task, [file], _file_died) for file in files]
    return _joined([good for good, _ in parts], 0), _joined([bad for _, bad in parts], 1)


def _file_died(files: Sequence[InputFile]) -> tuple[pyarrow.RecordBatch, pyarrow.RecordBatch]:
    return _joined([], 0), _error_batch([(file.name, "NF000", 1, 1, DIED) for file in files])


def _own_path(entry: Entry) -> str | None:
    try:
        return entry.path
    except ValueError:  # a headline with no letter or digit: no slug, no path
        return None


def _batch(entries: Sequence[Entry], paths: list[str | None], schema: pyarrow.Schema) -> pyarrow.RecordBatch:
    """One record batch, built column by column: flat arrays and list offsets, no Python dict a row."""
    pa = _pyarrow()
    source_names: list[str] = []
    source_urls: list[str] = []
    source_offsets = [0]
    titles: list[str] = []
    targets: list[str] = []
    target_dates: list[datetime.date] = []
    tags: list[str] = []
    tag_offsets = [0]
    related_offsets = [0]
    for entry in entries:
        for source in entry.sources:
            source_names.append(source.name)
            source_urls.append(source.url)
        source_offsets.append(len(source_names))
        for item in entry.related:
            titles.append(item.title)
            targets.append(item.path)
            target_dates.append(item.date)
            tags.extend(item.context)
            tag_offsets.append(len(tags))
        related_offsets.append(len(titles))
    sources_type = schema.field("sources").type
    related_type = schema.field("related").type
    sources = pa.StructArray.from_arrays(
        [pa.array(source_names, pa.string()), pa.array(source_urls, pa.string())],
        fields=list(sources_type.value_type),
    )
    context_type = related_type.value_type.field("context").type
    context = pa.ListArray.from_arrays(pa.array(tag_offsets, pa.int32()), pa.array(tags, pa.string()), context_type)
    related = pa.StructArray.from_arrays(
        [
            pa.array(titles, pa.string()),
            pa.array(targets, pa.string()),
            pa.array(target_dates, pa.date32()),
            context,
        ],
        fields=list(related_type.value_type),
    )
    columns = [
        pa.array(paths, pa.string()),
        pa.array([entry.date for entry in entries], pa.date32()),
        pa.array([entry.headline for entry in entries], pa.string()),
        pa.array([entry.body for entry in entries], pa.string()),
        pa.ListArray.from_arrays(pa.array(source_offsets, pa.int32()), sources, sources_type),
        pa.ListArray.from_arrays(pa.array(related_offsets, pa.int32()), related, related_type),
    ]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def from_arrow(table: pyarrow.Table | pyarrow.RecordBatch) -> list[Entry]:
    """The entries of a table in ``arrow_schema()`` (or of a Parquet file read back), every value checked.

    Each row is checked as ``from_dict`` checks a dict: a row that is not an entry
    raises ``DictError`` whose pointers start with the row's index (``/3/date: …``);
    the ``path`` column and the related items' ``date`` are derived values, not read.
    Columns beyond the schema's are ignored. Needs pyarrow.

    >>> import newsfmt, pyarrow
    >>> bad = pyarrow.table({"date": [None], "headline": ["NATO"], "body": [""], "sources": [[]], "related": [[]]})
    >>> newsfmt.from_arrow(bad)
    Traceback (most recent call last):
    newsfmt.DictError: /0/date: expected a date "YYYY-MM-DD", found null
    """
    entries: list[Entry] = []
    problems: list[tuple[str, str]] = []
    for index, row in enumerate(table.select(["date", "headline", "body", "sources", "related"]).to_pylist()):
        date = row["date"]
        data = {
            "date": date.isoformat() if isinstance(date, datetime.date) else date,
            "headline": row["headline"],
            "body": row["body"],
            "sources": row["sources"],
            "related": [
                {"title": item["title"], "path": item["path"], "context": item["context"]}
                if isinstance(item, dict)
                else item
                for item in row["related"] or ()
            ]
            if row["related"] is not None
            else None,
        }
        try:
            entries.append(from_dict(data))
        except DictError as error:
            problems.extend((f"/{index}{pointer}", message) for pointer, message in error.problems)
    if problems:
        raise DictError(problems)
    return entries
