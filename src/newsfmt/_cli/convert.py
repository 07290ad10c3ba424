"""newsfmt to-json and from-json: an archive as JSON Lines or a JSON array, and back as canonical files."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Any

from .. import (
    Finding,
    InputFile,
    ParseError,
    display_path,
    from_dict,
    map_files,
    parse,
    to_dict,
    write_to_archive,
    writing,
)
from .files import input_files, reason, show_progress
from .output import count, summary
from .usage import UsageError


def _entry_died(file: InputFile, message: str) -> tuple[dict[str, Any] | None, str]:
    return None, str(Finding(file.name, 1, 1, "NF000", message))


def _entry_of_file(file: InputFile) -> tuple[dict[str, Any] | None, str]:
    """The file's entry as a dict, or None and the finding line that says why there is none."""
    try:
        return to_dict(parse(file.read_text())), ""
    except ParseError as error:
        return None, str(Finding(file.name, error.line, error.column, error.code, error.message))


def to_json(arguments: argparse.Namespace) -> int:
    import contextlib
    import json

    if arguments.format is not None:
        print("newsfmt: warning: to-json --format is deprecated; use --output-format", file=sys.stderr)
    as_array = (arguments.output_format or arguments.format) == "json"
    files = input_files(arguments)
    invalid = 0
    with contextlib.nullcontext(sys.stdout) if arguments.output is None else writing(arguments.output) as out:
        first = True
        if as_array:
            out.write("[")
        progress = show_progress(arguments)
        results = map_files(_entry_of_file, files, jobs=arguments.jobs, progress=progress, died=_entry_died)
        for file, (data, problem) in zip(files, results, strict=True):
            if data is None:
                invalid += 1
                print(problem, file=sys.stderr)
                continue
            record = json.dumps({"path": file.name, "entry": data}, ensure_ascii=False)
            if as_array:
                out.write(("\n" if first else ",\n") + record)
            else:
                out.write(record + "\n")
            first = False
        if as_array:
            out.write("\n]\n" if not first else "]\n")
        out.flush()
    if not arguments.quiet:
        summary(f"{count(len(files) - invalid, 'entry')} written, {count(invalid, 'invalid file')}")
    return 1 if invalid and not arguments.skip_invalid else 0


def _records(text: str) -> Iterator[tuple[str, Any]]:
    """(where, value) of each record: ":LINE" of JSON Lines, or "[INDEX]" of a JSON array.

    A record that is not JSON is an exception in place of the value. JSON Lines
    are split on "\\n" alone: U+2028 and the other breaks of str.splitlines()
    may stand unescaped inside a JSON string.
    """
    import json

    if text.lstrip().startswith("["):
        try:
            values = json.loads(text)
        except json.JSONDecodeError as error:
            raise UsageError(f"line {error.lineno}: not JSON: {error.msg}") from None
        except RecursionError:
            raise UsageError("not JSON that newsfmt can read: nested too deeply") from None
        yield from ((f"[{index}]", value) for index, value in enumerate(values))
        return
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            try:
                yield f":{number}", json.loads(line)
            except json.JSONDecodeError as error:
                yield f":{number}", ValueError(f"not JSON: {error}")
            except RecursionError:
                yield f":{number}", ValueError("not JSON that newsfmt can read: nested too deeply")


def _input_text(given: str) -> tuple[str, str]:
    """The JSON input's name as messages show it, and its text: UTF-8, a byte order mark allowed."""
    stdin = sys.stdin.buffer.read() if given == "-" else None
    source = InputFile(given, display_path(given), data=stdin, max_file_size=sys.maxsize)
    try:
        return source.name, source.read_text().removeprefix("\ufeff")
    except ParseError as error:
        where = f"{source.name}:{error.line}:{error.column}" if error.code == "NF002" else source.name
        raise UsageError(f"{where}: {error.message}") from None


def from_json(arguments: argparse.Namespace) -> int:
    name, text = _input_text(arguments.file)
    root = arguments.out_dir
    written = unchanged = failed = 0
    for place, record in _records(text):
        where = f"{name}{place}"
        try:
            if isinstance(record, Exception):
                raise record
            data, path = record, None
            if isinstance(record, dict) and "entry" in record:  # as to-json writes it: {"path": ..., "entry": ...}
                data, path = record["entry"], record.get("path")
            path = path if isinstance(path, str) else None
            file, changed = write_to_archive(from_dict(data), root, path=path, overwrite=arguments.overwrite)
        except FileExistsError as error:
            failed += 1
            print(f"{where}: {error} (--overwrite replaces it)", file=sys.stderr)
            continue
        except (ValueError, TypeError, OSError) as error:  # this record fails; the others are still written
            failed += 1
            problem = reason(error).replace("\n", f"\n{where}: ")
            print(f"{where}: {problem}", file=sys.stderr)
            continue
        if changed:
            written += 1
            print(display_path(file))
        else:
            unchanged += 1
    if not arguments.quiet:
        summary(f"{count(written, 'file')} written, {unchanged:,} unchanged, {failed:,} failed")
    return 1 if failed else 0
