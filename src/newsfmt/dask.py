"""An archive as a Dask DataFrame, ``newsfmt.dask.read_archive(root)``, in ``newsfmt.arrow_schema()`` (extra [dask]).

Dask has no reader for a folder of entry files, so this is one, built the way
Dask recommends for such files: ``dask.dataframe.from_map`` over chunks of the
archive's file list, each chunk read and parsed by a worker into a pandas frame
of Arrow-backed columns. The frame's meta is the Arrow schema, so
``read_archive(root).to_parquet(out)`` needs no schema from the user.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any, Literal

try:
    import dask.dataframe as dd
    import pandas as pd
except ImportError as error:  # pragma: no cover - the message is tested in a process without dask
    raise ImportError(f'newsfmt.dask needs dask[dataframe] and pandas: pip install "newsfmt[dask]" ({error})') from None

from . import MAX_FILE_SIZE, Archive, arrow_schema, error_schema, errors_to_arrow, to_arrow

__all__ = ["read_archive"]

FILES_PER_PARTITION = 2000  # about 5 MB of entries a partition, and 10 partitions for 20,000 files


def read_archive(
    root: str | os.PathLike[str],
    *,
    files_per_partition: int = FILES_PER_PARTITION,
    errors: Literal["raise", "skip", "return"] = "raise",
    exclude: Iterable[str] = (),
    follow_symlinks: bool = False,
    max_file_size: int = MAX_FILE_SIZE,
) -> Any:
    """The archive's entries as a ``dask.dataframe.DataFrame``: a row an entry, columns of ``arrow_schema()``.

    Files are found as ``newsfmt.Archive(root, exclude=..., ...)`` finds them (the
    listing happens here, the reading in Dask's workers), in ``files_per_partition``
    files a partition, rows in the archive's order. A file that is no entry (does
    not parse, is not UTF-8, too large, ...): ``errors="raise"`` raises its
    ``ParseError`` when the frame is computed, ``"skip"`` leaves it out, and
    ``"return"`` gives ``(entries, errors)``, the second a frame of
    ``error_schema()`` (path, code, line, column, message), one row such a file.
    The errors frame reads the files again when it is computed on its own;
    ``dask.compute(entries, errors)`` still reads each file twice, once a frame.

    >>> import newsfmt, newsfmt.dask, pathlib, tempfile, datetime
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = newsfmt.write_to_archive(newsfmt.Entry(date=datetime.date(2016, 4, 20), headline="NATO"), root)
    >>> frame = newsfmt.dask.read_archive(root)
    >>> frame.compute()[["path", "headline"]].values.tolist()
    [['/news/2016/04/20/nato.md', 'NATO']]
    """
    if errors not in ("raise", "skip", "return"):
        raise ValueError(f'errors: expected "raise", "skip" or "return", found {errors!r}')
    if files_per_partition < 1:
        raise ValueError(f"files_per_partition: expected 1 or more, found {files_per_partition}")
    archive = Archive(root, exclude=exclude, follow_symlinks=follow_symlinks, max_file_size=max_file_size)
    files = list(archive.files())
    chunks = [files[start : start + files_per_partition] for start in range(0, len(files), files_per_partition)]
    chunks = chunks or [[]]  # an empty archive is one empty partition, not a frame Dask cannot build
    entries = dd.from_map(_entries, chunks, archive=archive, raising=errors == "raise", meta=_meta(arrow_schema()))
    if errors != "return":
        return entries
    return entries, dd.from_map(_errors, chunks, archive=archive, meta=_meta(error_schema()))


def _meta(schema: Any) -> pd.DataFrame:
    """An empty pandas frame of the schema's Arrow-backed columns: what Dask calls meta."""
    return schema.empty_table().to_pandas(types_mapper=pd.ArrowDtype)


def _entries(chunk: list[str], archive: Archive, raising: bool) -> pd.DataFrame:
    """The entries of one chunk of files, as a pandas frame: a Dask worker's part of ``read_archive``."""
    records = [archive.record(file) for file in chunk]
    if raising:
        for record in records:
            if record.error is not None:
                raise record.error
    good = [record for record in records if record.entry is not None]
    table = to_arrow((record.entry for record in good if record.entry), paths=[record.path for record in good])
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _errors(chunk: list[str], archive: Archive) -> pd.DataFrame:
    """The files of one chunk that are no entries, a row each: the errors frame's part."""
    return errors_to_arrow(archive.record(file) for file in chunk).to_pandas(types_mapper=pd.ArrowDtype)
