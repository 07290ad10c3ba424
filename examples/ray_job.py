"""An archive to Parquet on Ray Data, and its files' errors.

    python ray_job.py ARCHIVE OUT

The files are listed by newsfmt's rules (``Archive.files()``), and each Ray
worker reads a batch of them with ``Archive.record``, the per-file function the
Dask reader and the Spark data source use, into an Arrow table in
``newsfmt.arrow_schema()``. Needs ``pip install "ray[data]"`` besides newsfmt
with its [arrow] extra; on a cluster, install newsfmt on the workers and give
them the archive on a shared file system.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

import pyarrow
import ray

import newsfmt


def entries(batch: dict[str, Any], archive: newsfmt.Archive) -> pyarrow.Table:
    """A worker's part: the entries of a batch of files, as an Arrow table in ``newsfmt.arrow_schema()``."""
    records = [archive.record(str(file)) for file in batch["file"]]
    good = [(record.path, record.entry) for record in records if record.entry is not None]
    return newsfmt.to_arrow([entry for _, entry in good], paths=[path for path, _ in good])


def errors(batch: dict[str, Any], archive: newsfmt.Archive) -> pyarrow.Table:
    """A worker's part: the files of a batch that are no entries, a row each, in ``newsfmt.error_schema()``."""
    return newsfmt.errors_to_arrow(archive.record(str(file)) for file in batch["file"])


def main(root: str, out: str) -> int:
    archive = newsfmt.Archive(root)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        files = ray.data.from_items([{"file": file} for file in archive.files()])
        files.map_batches(functools.partial(entries, archive=archive), batch_size=500).write_parquet(out)
        failed = files.map_batches(functools.partial(errors, archive=archive), batch_size=500).take_all()
    finally:
        ray.shutdown()
    for row in sorted(failed, key=lambda row: row["path"]):
        print(f"{root}{row['path']}: {row['code']} {row['message']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
