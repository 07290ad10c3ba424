"""newsfmt fmt: rewrite the files that parse but are not canonical, and only those."""

from __future__ import annotations

import argparse
import functools
import sys

from .. import Finding, InputFile, ParseError, map_files, parse, serialize, write
from .files import input_files, reason, show_progress
from .output import count, summary


def _format_died(file: InputFile, message: str) -> tuple[str, str]:
    return "failed", str(Finding(file.name, 1, 1, "NF000", message))


def _format_file(write_back: bool, file: InputFile) -> tuple[str, str]:
    """(outcome, detail): outcome is unchanged, reformatted, would-reformat or failed.

    The detail of standard input is its canonical text when fmt writes, its diff
    otherwise; a file's is its diff; a failure's is its finding line. The text is
    parsed back before any file is replaced (G2 says it always reads back the same,
    as mdformat checks too); ``write`` replaces the file atomically.
    """
    try:
        text = file.read_text()
        entry = parse(text)
    except ParseError as error:
        return "failed", str(Finding(file.name, error.line, error.column, error.code, error.message))
    canonical = serialize(entry)
    stdin = file.data is not None
    if canonical == text:
        return "unchanged", canonical if stdin else ""
    if parse(canonical) != entry:  # pragma: no cover - a bug: G2 says every entry reads back from its canonical text
        return "failed", f"{file.name}: internal error: the canonical text does not read back as the same entry"
    import difflib

    diff = "".join(difflib.unified_diff(_lines(text), _lines(canonical), file.name, file.name))
    if not write_back:
        return "would-reformat", diff
    if stdin:
        return "reformatted", canonical
    try:
        write(entry, file.path)
    except (OSError, ValueError) as error:  # this file fails; the run goes on
        return "failed", str(Finding(file.name, 1, 1, "NF007", f"cannot write the file: {reason(error)}"))
    return "reformatted", diff


def _lines(text: str) -> list[str]:
    """The text's lines with their ends, split on "\\n" alone: U+2028 and the like are text in an entry."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def fmt(arguments: argparse.Namespace) -> int:
    write_back = not (arguments.check or arguments.diff)
    files = input_files(arguments)
    work = functools.partial(_format_file, write_back)
    results = map_files(work, files, jobs=arguments.jobs, progress=show_progress(arguments), died=_format_died)
    counts = {"unchanged": 0, "reformatted": 0, "would-reformat": 0, "failed": 0}
    for file, (outcome, detail) in zip(files, results, strict=True):
        counts[outcome] += 1
        if outcome == "failed":
            print(detail, file=sys.stderr)
        elif file.data is not None and write_back:
            sys.stdout.write(detail)  # stdin in, the canonical text out
        elif outcome == "would-reformat":
            if arguments.diff:
                sys.stdout.write(detail)
            else:
                print(f"would reformat {file.name}")
    if not arguments.quiet:
        done = "would be reformatted" if not write_back else "reformatted"
        changed = counts["would-reformat"] if not write_back else counts["reformatted"]
        summary(f"{count(changed, 'file')} {done}, {counts['unchanged']:,} unchanged, {counts['failed']:,} failed")
    return 1 if counts["failed"] or (not write_back and counts["would-reformat"]) else 0
