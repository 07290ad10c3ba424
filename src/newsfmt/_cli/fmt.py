"""newsfmt fmt: rewrite the files that parse but are not canonical, and only those."""

from __future__ import annotations

import argparse
import os
import sys

from .._check import Finding
from .._config import find
from .._errors import ParseError
from .._io import (
    remove_stale_temporaries,
    write,
)
from .._parser import parse
from .._pool import DIED, run_all
from .._serialize import serialize
from .files import FileJob, _jobs, _progress, _read_text, _reason
from .output import _concise, _count, _summary


def _format_died(item: tuple[FileJob, bool]) -> tuple[str, str, str]:
    return item[0].name, "failed", f"{item[0].name}:1:1: NF000 {DIED}"


def _format_file(item: tuple[FileJob, bool]) -> tuple[str, str, str]:
    """(name, outcome, detail): outcome is unchanged, reformatted, would-reformat or failed.

    The detail of standard input is its canonical text when fmt writes, its diff
    with --diff; a file's is its diff; a failure's is its finding line.
    """
    job, write_back = item
    name = job.name
    text, problem = _read_text(job)
    if text is None:
        return name, "failed", _concise(problem) if problem else name
    try:
        entry = parse(text)
    except ParseError as error:
        return name, "failed", _concise(Finding(name, error.line, error.column, error.code, error.message))
    canonical = serialize(entry)
    stdin = job.data is not None
    if canonical == text:
        return name, "unchanged", canonical if stdin else ""
    if parse(canonical) != entry:  # G2 says never; checked before any file is replaced, as mdformat does
        return name, "failed", f"{name}: internal error: the canonical text does not read back as the same entry"
    import difflib

    diff = "".join(difflib.unified_diff(_lines(text), _lines(canonical), name, name))
    if not write_back:
        return name, "would-reformat", diff
    if stdin:
        return name, "reformatted", canonical
    try:
        write(entry, job.path)
    except (OSError, ValueError) as error:  # this file fails; the run goes on
        return name, "failed", _concise(Finding(name, 1, 1, "NF007", f"cannot write the file: {_reason(error)}"))
    return name, "reformatted", diff


def _lines(text: str) -> list[str]:
    """The text's lines with their ends, split on "\\n" alone: U+2028 and the like are text in an entry."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _fmt(arguments: argparse.Namespace) -> int:
    write_back = not (arguments.check or arguments.diff)
    items = [(job, write_back) for job in _jobs(arguments, find(os.getcwd()))]
    if write_back:
        for folder in sorted({os.path.dirname(job.path) for job, _ in items if job.data is None}):
            remove_stale_temporaries(folder)
    counts = {"unchanged": 0, "reformatted": 0, "would-reformat": 0, "failed": 0}
    results = _progress(run_all(_format_file, items, arguments.jobs, _format_died), len(items), arguments, True)
    for (job, _), (name, outcome, detail) in zip(items, results, strict=True):
        counts[outcome] += 1
        if outcome == "failed":
            print(detail, file=sys.stderr)
        elif job.data is not None and write_back:
            sys.stdout.write(detail)  # stdin in, the canonical text out
        elif outcome == "would-reformat":
            if arguments.diff:
                sys.stdout.write(detail)
            else:
                print(f"would reformat {name}")
    if not arguments.quiet:
        done = "would be reformatted" if not write_back else "reformatted"
        changed = counts["would-reformat"] if not write_back else counts["reformatted"]
        _summary(f"{_count(changed, 'file')} {done}, {counts['unchanged']:,} unchanged, {counts['failed']:,} failed")
    return 1 if counts["failed"] or (not write_back and counts["would-reformat"]) else 0
