"""An archive's entries to JSON Lines, and its files' errors, on Dask's worker processes.

    python dask_job.py ARCHIVE OUT

The recipe of docs/scale.md as a script. Dask's process scheduler starts its
workers by importing this module again, so the work starts under
``if __name__ == "__main__":``: without it, each worker would start the job anew.
"""

from __future__ import annotations

import functools
import json
import sys
from typing import Any

import dask
import dask.bag as db

import newsfmt


def record(archive: newsfmt.Archive, file: str) -> dict[str, Any]:
    """The entry of one file as a dict, or the first error that makes it no entry."""
    found = archive.record(file)
    if found.error is not None:
        error = found.error
        finding = newsfmt.Finding(str(error.path), error.line, error.column, error.code, error.message)
        return {"path": found.path, "entry": None, "error": str(finding)}
    assert found.entry is not None  # a record holds its entry or its error
    return {"path": found.path, "entry": newsfmt.to_dict(found.entry), "error": None}


def main(root: str, out: str) -> int:
    archive = newsfmt.Archive(root)
    records = db.from_sequence(list(archive.files()), npartitions=8).map(functools.partial(record, archive))
    entries = records.filter(lambda r: r["error"] is None)
    errors = records.filter(lambda r: r["error"] is not None).pluck("error")
    lines = entries.map(lambda r: json.dumps({"path": r["path"], "entry": r["entry"]}))
    with dask.config.set(scheduler="processes", num_workers=2):
        written = lines.to_textfiles(f"{out}/entries-*.jsonl", compute=False)
        _, found = dask.compute(written, errors)  # type: ignore[attr-defined]
    for error in found:
        print(error)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
