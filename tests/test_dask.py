"""newsfmt.dask on Dask's local scheduler with worker processes: the same rows and errors as the library's."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import pytest

import newsfmt

dask = pytest.importorskip("dask", reason='newsfmt.dask needs dask: pip install -e ".[dask]"')
pa = pytest.importorskip("pyarrow", reason='newsfmt.dask needs pyarrow: pip install -e ".[dask]"')
import newsfmt.dask  # noqa: E402

PROCESSES = {"scheduler": "processes", "num_workers": 2}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seven entries that link to each other, a broken file, a file that is not UTF-8 and one too large."""
    root = tmp_path_factory.mktemp("archive")
    previous: newsfmt.Entry | None = None
    for day in range(1, 8):
        related: list[newsfmt.Related] = []
        if previous is not None:
            related.append(newsfmt.Related(title=previous.headline, path=previous.path, context=["NATO"]))
        entry = newsfmt.Entry(date=datetime.date(2016, 4, day), headline=f"NATO day {day}", related=related)
        newsfmt.write_to_archive(entry, root)
        previous = entry
    (root / "news/2016/04/2/broken.md").write_text("broken\n")
    (root / "news/2016/04/3/latin.md").write_bytes(b"\xe9\n")
    (root / "news/2016/04/4/huge.md").write_text("x" * 2000)
    return root


def test_the_entries_frame_holds_the_archives_entries_in_its_order(root: Path) -> None:
    frame = newsfmt.dask.read_archive(root, files_per_partition=3, errors="skip", max_file_size=1000)
    assert frame.npartitions == 4  # ten files, three a partition
    with dask.config.set(PROCESSES):
        computed = frame.compute()
    archive = newsfmt.Archive(root, max_file_size=1000)
    records = [record for record in archive if record.entry is not None]
    assert computed["path"].tolist() == [record.path for record in records]
    table = pa.Table.from_pandas(computed, preserve_index=False)
    assert newsfmt.from_arrow(table) == [record.entry for record in records]
    assert dict(computed.dtypes.astype(str)) == dict(frame._meta.dtypes.astype(str))  # the meta is what comes


def test_errors_return_skip_and_raise(root: Path) -> None:
    entries, errors = newsfmt.dask.read_archive(root, files_per_partition=3, errors="return", max_file_size=1000)
    with dask.config.set(PROCESSES):
        found, failed = dask.compute(entries, errors)
    assert len(found) == 7
    rows = sorted(zip(failed["path"], failed["code"], failed["line"], strict=True))
    assert rows == [
        ("/news/2016/04/2/broken.md", "NF101", 1),
        ("/news/2016/04/3/latin.md", "NF002", 1),
        ("/news/2016/04/4/huge.md", "NF003", 1),
    ]
    expected = {(r.path, r.error.code) for r in newsfmt.Archive(root, max_file_size=1000) if r.error is not None}
    assert set(zip(failed["path"], failed["code"], strict=True)) == expected
    with pytest.raises(newsfmt.ParseError, match=r"broken\.md"):
        newsfmt.dask.read_archive(root, max_file_size=1000).compute(scheduler="sync")
    with pytest.raises(ValueError, match=r"^errors: "):
        newsfmt.dask.read_archive(root, errors="ignore")  # type: ignore[arg-type]


def test_to_parquet_needs_no_schema_from_the_user(root: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    frame = newsfmt.dask.read_archive(root, files_per_partition=4, errors="skip", max_file_size=1000)
    with dask.config.set(PROCESSES):
        frame.to_parquet(tmp_path / "out")
    table = pq.read_table(tmp_path / "out")
    assert newsfmt.from_arrow(table) == list(newsfmt.Archive(root, max_file_size=1000).entries())
    assert table.schema.field("related").type == newsfmt.arrow_schema().field("related").type
    assert table.schema.field("date").type == pa.date32()


def test_an_empty_archive_is_an_empty_frame(tmp_path: Path) -> None:
    assert len(newsfmt.dask.read_archive(tmp_path).compute(scheduler="sync")) == 0


def test_without_dask_the_module_says_what_to_install() -> None:
    code = (
        "import sys; sys.modules['dask'] = None\ntry:\n    import newsfmt.dask\nexcept ImportError as e:\n    print(e)"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.startswith('newsfmt.dask needs dask[dataframe] and pandas: pip install "newsfmt[dask]"')


def test_files_per_partition_is_one_or_more(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"^files_per_partition: expected 1 or more, found 0$"):
        newsfmt.dask.read_archive(tmp_path, files_per_partition=0)
