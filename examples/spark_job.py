"""An archive to Parquet with Spark, through newsfmt's data source, and its files' errors.

    PYSPARK_PYTHON="$(which python)" python spark_job.py ARCHIVE OUT

Spark runs the data source's reading in Python worker processes, which need
newsfmt: PYSPARK_PYTHON names a Python that has it (without it, the workers fail
with "No module named 'newsfmt'"). On a cluster, install newsfmt on the workers.
"""

from __future__ import annotations

import sys
from typing import Any

import newsfmt.spark


def entries_to_parquet(spark: Any, root: str, out: str) -> int:
    """Write the archive's entries to ``out`` as Parquet, print its bad files; how many there are."""
    newsfmt.spark.register(spark)
    spark.read.format("newsfmt").load(root).write.mode("overwrite").parquet(out)
    errors = spark.read.format("newsfmt").option("errors", "only").load(root).orderBy("path").collect()
    for row in errors:
        print(f"{root}{row.path}: {row.code} {row.message}")
    return len(errors)


if __name__ == "__main__":
    from pyspark.sql import SparkSession

    session = SparkSession.builder.appName("newsfmt").getOrCreate()
    failed = entries_to_parquet(session, sys.argv[1], sys.argv[2])
    session.stop()
    sys.exit(1 if failed else 0)
