"""An archive to Parquet, and its files' errors, on Dask's worker processes.

    python dask_job.py ARCHIVE OUT

The recipe of docs/scale.md as a script. Dask's process scheduler starts its
workers by importing this module again, so the work starts under
``if __name__ == "__main__":``: without it, each worker would start the job anew.
"""

from __future__ import annotations

import sys

import dask

import newsfmt
import newsfmt.dask


def main(root: str, out: str) -> int:
    entries, errors = newsfmt.dask.read_archive(root, errors="return")
    with dask.config.set(scheduler="processes", num_workers=2):
        entries.to_parquet(out)
        failed = errors.compute()
    for path, code, message in zip(failed["path"], failed["code"], failed["message"], strict=True):
        print(f"{root}{path}: {code} {message}")
    return 1 if len(failed) else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
