"""An archive to JSON Lines with Apache Beam, and its files' errors.

    python beam_job.py ARCHIVE OUT

The files are listed by newsfmt's rules (``Archive.files()``) and read with
``Archive.record``, the per-file function the Dask reader and the Spark data
source use; each entry becomes a line as ``newsfmt to-json`` writes it, so
``newsfmt from-json OUT.jsonl`` rebuilds the archive. Runs on Beam's local
runner; give ``beam.Pipeline`` the options of your runner (Dataflow, Flink,
Spark) to run it on a cluster, with newsfmt installed on the workers. Needs
``pip install apache-beam`` besides newsfmt (Beam pins its own pyarrow, below
newsfmt's [arrow] extra's newest: give Beam an environment of its own).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import apache_beam as beam

import newsfmt


def entry_line(record: newsfmt.Record) -> str:
    """An entry's line, as ``newsfmt to-json`` writes it."""
    assert record.entry is not None
    return json.dumps({"path": record.path, "entry": newsfmt.to_dict(record.entry)}, ensure_ascii=False)


def error_line(record: newsfmt.Record) -> str:
    """A file that is no entry: its archive path, code and message, on one line."""
    assert record.error is not None
    return f"{record.path}: {record.error.code} {record.error.message}"


def main(root: str, out: str) -> int:
    archive = newsfmt.Archive(root)
    with beam.Pipeline() as pipeline:
        records = pipeline | beam.Create(list(archive.files())) | beam.Map(archive.record)
        good = records | "Entries" >> beam.Filter(lambda record: record.entry is not None)
        bad = records | "Errors" >> beam.Filter(lambda record: record.error is not None)
        good | beam.Map(entry_line) | "Write" >> beam.io.WriteToText(out, ".jsonl", shard_name_template="")
        bad | beam.Map(error_line) | "Report" >> beam.io.WriteToText(out, ".errors", shard_name_template="")
    failed = sorted(Path(f"{out}.errors").read_text(encoding="utf-8").splitlines())
    for line in failed:
        print(f"{root}{line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
