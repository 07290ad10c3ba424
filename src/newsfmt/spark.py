"""An archive as a Spark DataFrame: ``spark.read.format("newsfmt").load(root)``, a Python data source (extra [spark]).

``newsfmt.spark.register(spark)`` registers it with a session (Spark 4's Python
Data Source API). Rows are entries in ``newsfmt.arrow_schema()``, read as Arrow
record batches; partitions are groups of day folders; a filter on ``date`` prunes
day folders before any file is opened.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

try:
    from pyspark.sql.datasource import DataSource, DataSourceReader, InputPartition
except ImportError as error:  # pragma: no cover - the message is tested in a process without pyspark
    raise ImportError(f'newsfmt.spark needs pyspark 4: pip install "newsfmt[spark]" ({error})') from None

from . import MAX_FILE_SIZE, Archive, arrow_schema, error_schema, errors_to_arrow, to_record_batches

__all__ = ["register"]

DAYS_PER_PARTITION = 31  # about a month of the archive a partition


def register(spark: Any) -> None:
    """Make ``spark.read.format("newsfmt")`` read archives in this session.

    Options: ``errors`` ``"skip"`` (the default: files that are no entries are left
    out), ``"raise"`` (the first one fails the read) or ``"only"`` (the rows are those
    files, in ``error_schema()``); ``dates`` ``"START:END"`` (ISO dates, both included)
    reads only the day folders in range; ``daysPerPartition`` (default 31);
    ``maxFileSize`` in bytes (default 10,000,000: a larger file is an NF003 error).
    A filter on ``date`` prunes the day folders as ``dates`` does, when the session
    pushes filters to Python data sources (``spark.sql.python.filterPushdown.enabled``,
    Spark 4.1 and later). Only files in day folders ``news/YYYY/MM/D/`` are read.
    The workers need newsfmt: set ``PYSPARK_PYTHON`` to a Python that has it.
    """
    spark.dataSource.register(NewsfmtDataSource)


def spark_schema(schema: Any) -> Any:
    """The Spark ``StructType`` of an Arrow schema (every field nullable, as Spark reads Arrow batches)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


class NewsfmtDataSource(DataSource):
    """The data source behind ``format("newsfmt")``: see ``register``."""

    @classmethod
    def name(cls) -> str:
        return "newsfmt"

    def schema(self) -> Any:
        return spark_schema(error_schema() if self.options.get("errors") == "only" else arrow_schema())

    def reader(self, schema: Any) -> DataSourceReader:
        return _Reader(dict(self.options))


class _Reader(DataSourceReader):
    def __init__(self, options: dict[str, str]) -> None:
        self.root = options.get("path") or "."
        self.errors = options.get("errors", "skip")
        if self.errors not in ("skip", "raise", "only"):
            raise ValueError(f'errors: expected "skip", "raise" or "only", found {self.errors!r}')
        self.per_partition = int(options.get("daysperpartition", DAYS_PER_PARTITION))
        self.max_file_size = int(options.get("maxfilesize", MAX_FILE_SIZE))
        self.start, self.end = datetime.date.min, datetime.date.max
        if "dates" in options:
            first, _, last = options["dates"].partition(":")
            self.start, self.end = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last or first)

    def _archive(self) -> Archive:
        return Archive(self.root, max_file_size=self.max_file_size)

    def pushFilters(self, filters: list[Any]) -> Iterable[Any]:
        """Narrow the dates by the filters on ``date``; Spark still applies every filter to the rows."""
        from pyspark.sql.datasource import (
            EqualTo,
            GreaterThan,
            GreaterThanOrEqual,
            In,
            LessThan,
            LessThanOrEqual,
        )

        one_day = datetime.timedelta(days=1)
        for item in filters:
            value: Any = getattr(item, "value", None)
            if getattr(item, "attribute", None) == ("date",) and self.errors != "only":
                if isinstance(item, EqualTo) and isinstance(value, datetime.date):
                    self.start, self.end = max(self.start, value), min(self.end, value)
                elif isinstance(item, In) and all(isinstance(v, datetime.date) for v in value):
                    self.start, self.end = max(self.start, min(value)), min(self.end, max(value))
                elif isinstance(item, GreaterThanOrEqual | GreaterThan) and isinstance(value, datetime.date):
                    self.start = max(self.start, value + one_day if isinstance(item, GreaterThan) else value)
                elif isinstance(item, LessThanOrEqual | LessThan) and isinstance(value, datetime.date):
                    self.end = min(self.end, value - one_day if isinstance(item, LessThan) else value)
            yield item  # a file may hold another day's entry (NF301): Spark checks each row

    def partitions(self) -> Sequence[InputPartition]:
        days = [date for date, _ in self._archive().days(self.start, self.end)]
        groups = [days[start : start + self.per_partition] for start in range(0, len(days), self.per_partition)]
        return [InputPartition(group) for group in groups] or [InputPartition([])]  # value: the dates

    def read(self, partition: InputPartition) -> Iterator[Any]:
        archive = self._archive()
        dates: list[datetime.date] = partition.value
        records = [record for date in dates for record in archive.between(date, date)]
        if self.errors == "only":
            yield from _error_batches(records)
            return
        good = list(_entries(records, self.errors == "raise"))
        yield from to_record_batches([entry for _, entry in good], paths=[path for path, _ in good])


def _entries(records: Iterable[Any], raising: bool) -> Iterator[tuple[str, Any]]:
    for record in records:
        if record.error is not None:
            if raising:
                raise record.error
            continue
        yield record.path, record.entry


def _error_batches(records: Iterable[Any]) -> Iterator[Any]:
    errors = errors_to_arrow(records)
    if errors.num_rows:
        yield from errors.to_batches()
