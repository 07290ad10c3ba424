"""newsfmt.spark on a real local Spark session: the rows, the errors, and the pruning of a filter on the date."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import newsfmt

pytest.importorskip("pyspark", reason='newsfmt.spark needs pyspark 4: pip install -e ".[spark]"')
pa = pytest.importorskip("pyarrow", reason='newsfmt.spark needs pyarrow: pip install -e ".[spark]"')
import newsfmt.spark  # noqa: E402

# One Spark session for the whole run: xdist keeps this module's tests on one worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("spark")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers need this environment's newsfmt
    session = (
        SparkSession.builder.master("local[2]")
        .appName("newsfmt-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.python.filterPushdown.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    newsfmt.spark.register(session)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Forty entries over two months, a broken file, a file that is not UTF-8, and one too large."""
    root = tmp_path_factory.mktemp("archive")
    for number in range(40):
        date = datetime.date(2016, 4, 1) + datetime.timedelta(days=number * 3 % 50)
        newsfmt.write_to_archive(newsfmt.Entry(date=date, headline=f"Entry {number}"), root)
    (root / "news/2016/04/2/broken.md").write_text("broken\n")
    (root / "news/2016/04/3/latin.md").write_bytes(b"\xe9\n")
    (root / "news/2016/04/4/huge.md").write_text("x" * 2000)
    return root


def _entries_by_path(table: Any) -> list[tuple[str, newsfmt.Entry]]:
    return sorted(zip(table.column("path").to_pylist(), newsfmt.from_arrow(table), strict=True))


def test_spark_pandas_and_dask_hold_the_same_rows(spark: Any, root: Path) -> None:
    frame = spark.read.format("newsfmt").option("maxFileSize", "1000").load(str(root))
    archive = newsfmt.Archive(root, max_file_size=1000)
    expected = sorted((r.path, r.entry) for r in archive if r.entry is not None)
    assert len(expected) == 40
    assert _entries_by_path(frame.toArrow()) == expected
    records = [r for r in archive if r.entry is not None]
    by_arrow = newsfmt.to_arrow((r.entry for r in records if r.entry), paths=[r.path for r in records])
    assert _entries_by_path(by_arrow) == expected
    dask = pytest.importorskip("newsfmt.dask")
    by_dask = dask.read_archive(root, errors="skip", max_file_size=1000).compute(scheduler="sync")
    assert _entries_by_path(pa.Table.from_pandas(by_dask, preserve_index=False)) == expected


def test_the_errors_are_the_same_set(spark: Any, root: Path) -> None:
    errors = spark.read.format("newsfmt").option("errors", "only").option("maxFileSize", "1000").load(str(root))
    found = {(row.path, row.code, row.line) for row in errors.collect()}
    assert found == {
        ("/news/2016/04/2/broken.md", "NF101", 1),
        ("/news/2016/04/3/latin.md", "NF002", 1),
        ("/news/2016/04/4/huge.md", "NF003", 1),
    }
    with pytest.raises(Exception, match=r"NF101|broken"):
        spark.read.format("newsfmt").option("errors", "raise").load(str(root)).count()


def test_a_filter_on_the_date_prunes_the_day_folders(spark: Any, root: Path) -> None:
    from pyspark.sql.datasource import EqualTo, GreaterThanOrEqual, LessThan
    from pyspark.sql.functions import col

    day = datetime.date(2016, 4, 10)
    frame = spark.read.format("newsfmt").load(str(root))
    dates = sorted(entry.date for entry in newsfmt.Archive(root).entries())
    assert [row.date for row in frame.where(col("date") == day).collect()] == [d for d in dates if d == day]
    last = datetime.date(2016, 4, 20)
    between = frame.where((col("date") >= day) & (col("date") < last))
    assert sorted(row.date for row in between.collect()) == [d for d in dates if day <= d < last]
    # The reader Spark plans with: the filters narrow the day folders it lists, before any file is read.
    reader = newsfmt.spark._Reader({"path": str(root)})
    equal = EqualTo(("date",), day)
    assert list(reader.pushFilters([equal])) == [equal]  # Spark still checks each row (a file may be misplaced)
    assert [partition.value for partition in reader.partitions()] == [[day]]
    reader = newsfmt.spark._Reader({"path": str(root)})
    list(reader.pushFilters([GreaterThanOrEqual(("date",), day), LessThan(("date",), datetime.date(2016, 4, 13))]))
    in_range = [date for date, _ in newsfmt.Archive(root).days(day, datetime.date(2016, 4, 12))]
    assert [partition.value for partition in reader.partitions()] == [in_range] and len(in_range) == 3


def test_the_dates_option_and_the_partitions(spark: Any, root: Path) -> None:
    frame = spark.read.format("newsfmt").option("dates", "2016-04-10:2016-04-16").load(str(root))
    first, last = datetime.date(2016, 4, 10), datetime.date(2016, 4, 16)
    dates = sorted(entry.date for entry in newsfmt.Archive(root).entries() if first <= entry.date <= last)
    assert sorted(row.date for row in frame.select("date").collect()) == dates and len(dates) > 2
    days = len(list(newsfmt.Archive(root).days()))
    reader = newsfmt.spark._Reader({"path": str(root), "daysperpartition": "7"})
    assert len(reader.partitions()) == -(-days // 7)


def test_without_pyspark_the_module_says_what_to_install() -> None:
    code = "import sys; sys.modules['pyspark'] = None\ntry:\n    import newsfmt.spark\nexcept ImportError as e:\n    print(e)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.startswith('newsfmt.spark needs pyspark 4: pip install "newsfmt[spark]"')


def test_the_scale_page_s_spark_job_writes_the_entries_and_reports_the_errors(
    spark: Any, root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pyarrow.parquet as pq

    sys.path.insert(0, str(Path(__file__).parent.parent / "examples"))
    try:
        from spark_job import entries_to_parquet
    finally:
        sys.path.pop(0)
    spark.conf.set("spark.sql.python.filterPushdown.enabled", "true")
    assert entries_to_parquet(spark, str(root), str(tmp_path / "out")) == 3
    table = pq.read_table(tmp_path / "out")
    expected = sorted((r.path, r.entry) for r in newsfmt.Archive(root) if r.entry is not None)
    assert _entries_by_path(table) == expected
    assert capsys.readouterr().out.splitlines() == [
        f'{root}/news/2016/04/2/broken.md: NF101 expected the date line "### [YYYY-MM-DD](/news/YYYY/MM/D/index.md)", found "broken"',
        f"{root}/news/2016/04/3/latin.md: NF002 expected UTF-8 text, found the byte 0xE9",
        f'{root}/news/2016/04/4/huge.md: NF101 expected the date line "### [YYYY-MM-DD](/news/YYYY/MM/D/index.md)", found "{"x" * 57}..."',
    ]  # under the default size limit, the "huge" file is read, and is no entry


def test_the_data_source_as_spark_s_workers_run_it(root: Path) -> None:
    """What Spark calls in its own Python workers (out of coverage's reach there), called here with every option."""
    from pyspark.sql.datasource import EqualTo, GreaterThan, In, LessThanOrEqual

    source = newsfmt.spark.NewsfmtDataSource({"path": str(root)})
    assert source.name() == "newsfmt"
    assert source.schema() == newsfmt.spark.spark_schema(newsfmt.arrow_schema())
    only = newsfmt.spark.NewsfmtDataSource({"path": str(root), "errors": "only"})
    assert only.schema().fieldNames() == newsfmt.error_schema().names
    with pytest.raises(ValueError, match=r"^errors: expected \"skip\", \"raise\" or \"only\", found 'keep'$"):
        newsfmt.spark.NewsfmtDataSource({"errors": "keep"}).reader(None)
    # One date, or a range; partitions hold the dates of their day folders.
    reader = source.reader(source.schema())
    assert isinstance(reader, newsfmt.spark._Reader) and reader.root == str(root)
    one = newsfmt.spark._Reader({"path": str(root), "dates": "2016-04-10"})
    assert [partition.value for partition in one.partitions()] == [[datetime.date(2016, 4, 10)]]
    span = newsfmt.spark._Reader({"path": str(root), "dates": "2016-04-09:2016-04-12", "daysperpartition": "1"})
    assert [partition.value for partition in span.partitions()] == [
        [date] for date, _ in newsfmt.Archive(root).days(datetime.date(2016, 4, 9), datetime.date(2016, 4, 12))
    ]
    assert newsfmt.spark._Reader({"path": str(root), "dates": "1999-01-01"}).partitions()[0].value == []
    # Each kind of filter on the date narrows the range; a filter on another column or value is passed on untouched.
    first, last = datetime.date(2016, 4, 4), datetime.date(2016, 4, 19)
    narrowing = [In(("date",), (last, first)), GreaterThan(("date",), first), LessThanOrEqual(("date",), last)]
    others = [EqualTo(("headline",), "Entry 1"), EqualTo(("date",), "2016-04-10"), In(("date",), ("x", first))]
    reader = newsfmt.spark._Reader({"path": str(root)})
    assert list(reader.pushFilters(narrowing + others)) == narrowing + others
    assert (reader.start, reader.end) == (first + datetime.timedelta(days=1), last)
    # Errors "only" reads every day of the archive whatever the filter on the date: those rows have no date.
    reader = newsfmt.spark._Reader({"path": str(root), "errors": "only"})
    list(reader.pushFilters(narrowing))
    assert (reader.start, reader.end) == (datetime.date.min, datetime.date.max)


def test_each_errors_option_reads_a_partition_as_spark_s_workers_do(root: Path) -> None:
    from pyspark.sql.datasource import InputPartition

    broken = InputPartition([datetime.date(2016, 4, 2)])
    records = [r for r in newsfmt.Archive(root).between(datetime.date(2016, 4, 2), datetime.date(2016, 4, 2))]
    good = [r for r in records if r.entry is not None]
    assert good and len(good) < len(records)
    (batch,) = newsfmt.spark._Reader({"path": str(root)}).read(broken)
    assert newsfmt.from_arrow(batch) == [r.entry for r in good]
    assert batch.column("path").to_pylist() == [r.path for r in good]
    with pytest.raises(newsfmt.ParseError, match=r"/broken\.md: line 1, column 1: expected the date line") as raised:
        list(newsfmt.spark._Reader({"path": str(root), "errors": "raise"}).read(broken))
    assert raised.value.code == "NF101"
    (errors,) = newsfmt.spark._Reader({"path": str(root), "errors": "only"}).read(broken)
    assert errors.to_pylist() == newsfmt.errors_to_arrow(records).to_pylist() != []
    clean = InputPartition([datetime.date(2016, 4, 10)])
    assert list(newsfmt.spark._Reader({"path": str(root), "errors": "only"}).read(clean)) == []
