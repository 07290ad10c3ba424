"""newsfmt to-json and from-json: an archive as JSON Lines or a JSON array, and back as canonical files."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Any

from .. import (
    DictError,
    Finding,
    InputFile,
    ParseError,
    arrow_schema,
    display_path,
    from_arrow,
    from_dict,
    map_files,
    parse,
    read_record_batches,
    to_dict,
    write_to_archive,
    writing,
)
from .files import input_files, reason, show_progress, streamed_files
from .output import count, summary
from .usage import UsageError


def _record_died(file: InputFile, message: str) -> tuple[str | None, str]:
    return None, str(Finding(file.name, 1, 1, "NF000", message))


def _record_of_file(file: InputFile) -> tuple[str | None, str]:
    """The file's JSON record, or None and the finding line that says why there is none: a worker's part.

    The worker writes the JSON text itself, so that the main process only writes it out.
    """
    import json

    try:
        data = to_dict(parse(file.read_text()))
    except ParseError as error:
        return None, str(Finding(file.name, error.line, error.column, error.code, error.message))
    return json.dumps({"path": file.name, "entry": data}, ensure_ascii=False), ""


def to_json(arguments: argparse.Namespace) -> int:
    if arguments.format is not None:
        print("newsfmt: warning: to-json --format is deprecated; use --output-format", file=sys.stderr)
    output_format = arguments.output_format or arguments.format or "jsonl"
    if output_format == "parquet" and arguments.output is None:
        raise UsageError("--output-format parquet writes a binary file: give it with -o FILE")
    if output_format == "parquet":
        files = input_files(arguments)
        invalid = _to_parquet(files, arguments)
        written = len(files) - invalid
    else:
        written, invalid = _to_json(streamed_files(arguments), arguments, output_format == "json")
    if not arguments.quiet:
        summary(f"{count(written, 'entry')} written, {count(invalid, 'invalid file')}")
    return 1 if invalid and not arguments.skip_invalid else 0


def _to_json(files: Iterator[InputFile], arguments: argparse.Namespace, as_array: bool) -> tuple[int, int]:
    """Write the files' records as they come (the workers make the JSON); the entries written and invalid files."""
    import contextlib

    written = invalid = 0
    with contextlib.nullcontext(sys.stdout) if arguments.output is None else writing(arguments.output) as out:
        first = True
        if as_array:
            out.write("[")
        progress = show_progress(arguments)
        results = map_files(_record_of_file, files, jobs=arguments.jobs, progress=progress, died=_record_died)
        for record, problem in results:
            if record is None:
                invalid += 1
                print(problem, file=sys.stderr)
                continue
            written += 1
            if as_array:
                out.write(("\n" if first else ",\n") + record)
            else:
                out.write(record + "\n")
            first = False
        if as_array:
            out.write("\n]\n" if not first else "]\n")
        out.flush()
    return written, invalid


def _to_parquet(files: list[InputFile], arguments: argparse.Namespace) -> int:
    """Stream the entries into a Parquet file a record batch at a time: memory stays that of one batch."""
    try:
        schema = arrow_schema()
        import pyarrow.parquet
    except ImportError as error:
        raise UsageError(str(error)) from None
    invalid = 0
    batches = read_record_batches(files, jobs=arguments.jobs, progress=show_progress(arguments))
    with writing(arguments.output, binary=True) as out:
        writer = pyarrow.parquet.ParquetWriter(out, schema)
        for entries, errors in batches:
            for row in errors.to_pylist():
                invalid += 1
                print(Finding(row["path"], row["line"], row["column"], row["code"], row["message"]), file=sys.stderr)
            writer.write_batch(entries)
        writer.close()
    return invalid


def _records(name: str, text: str) -> Iterator[tuple[str, Any]]:
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
            raise UsageError(f"{name}: line {error.lineno}: not JSON: {error.msg}") from None
        except RecursionError:
            raise UsageError(f"{name}: not JSON that newsfmt can read: nested too deeply") from None
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


def _input(given: str) -> tuple[str, Iterator[tuple[str, Any]]]:
    """The input's name as messages show it, and its records: JSON Lines or a JSON array (UTF-8, a BOM allowed),
    or a Parquet file as ``to-json --output-format parquet`` writes it."""
    stdin = sys.stdin.buffer.read() if given == "-" else None
    source = InputFile(given, display_path(given), data=stdin, max_file_size=sys.maxsize)
    try:
        data = source.read_bytes()
        if data.startswith(b"PAR1"):
            return source.name, _parquet_records(source.name, data)
        text = InputFile(given, source.name, data=data, max_file_size=sys.maxsize).read_text()
    except ParseError as error:
        where = f"{source.name}:{error.line}:{error.column}" if error.code == "NF002" else source.name
        raise UsageError(f"{where}: {error.message}") from None
    return source.name, _records(source.name, text.removeprefix("\ufeff"))


def _parquet_records(name: str, data: bytes) -> Iterator[tuple[str, Any]]:
    """("[ROW]", (entry, its path)) of each row, or a DictError in place of a row that is no entry."""
    import io

    try:
        import pyarrow.parquet
    except ImportError:
        raise UsageError('reading Parquet needs pyarrow: pip install "newsfmt[arrow]"') from None
    try:
        # One thread: pyarrow's thread pool, after a read from a Python file object, can abort the process as it
        # exits ("terminate called without an active exception", apache/arrow#34314 and #50482); CI's quickstart hit it.
        table = pyarrow.parquet.read_table(io.BytesIO(data), use_threads=False)
    except (OSError, ValueError) as error:  # pyarrow's ArrowInvalid is a ValueError
        raise UsageError(f"{name}: not a Parquet file newsfmt can read: {error}") from None
    if "path" not in table.column_names:
        raise UsageError(f"{name}: expected a Parquet file with a path column, as to-json writes it")
    paths = table.column("path").to_pylist()
    for index in range(table.num_rows):
        try:
            [entry] = from_arrow(table.slice(index, 1))
        except DictError as error:  # its pointers start with /0, the row in the slice
            yield f"[{index}]", DictError([(pointer[2:], message) for pointer, message in error.problems])
            continue
        yield f"[{index}]", (entry, paths[index])


def from_json(arguments: argparse.Namespace) -> int:
    name, records = _input(arguments.file)
    root = arguments.out_dir
    written = unchanged = failed = 0
    for place, record in records:
        where = f"{name}{place}"
        try:
            if isinstance(record, Exception):
                raise record
            if isinstance(record, tuple):  # a Parquet row: its entry and path
                entry, path = record
            else:
                data, path = record, None
                if isinstance(record, dict) and "entry" in record:  # as to-json writes it: {"path": …, "entry": …}
                    data, path = record["entry"], record.get("path")
                entry = from_dict(data)
            path = path if isinstance(path, str) else None
            file, changed = write_to_archive(entry, root, path=path, overwrite=arguments.overwrite)
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
