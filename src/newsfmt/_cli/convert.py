"""newsfmt to-json and from-json: an archive as JSON Lines or a JSON array, and back as canonical files."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import stat
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from .._check import Finding
from .._config import find
from .._dict import from_dict, to_dict
from .._errors import ParseError
from .._io import (
    FileProblem,
    _position,
    confined_path,
    encode,
    read_bytes,
    replacing,
    write,
)
from .._io import shown as _shown
from .._model import DAY_PAGE, Entry
from .._parser import parse
from .._pool import DIED, run_all
from .files import FileJob, _jobs, _progress, _read_text, _reason
from .output import _concise, _count, _summary
from .usage import UsageError

_SLUG_FILE = re.compile(rf"(?!{DAY_PAGE}\.md)[a-z0-9-]+\.md")


def _entry_died(job: FileJob) -> tuple[str, None, str]:
    return job.name, None, f"{job.name}:1:1: NF000 {DIED}"


def _entry_of_file(job: FileJob) -> tuple[str, dict[str, Any] | None, str]:
    name = job.name
    text, problem = _read_text(job)
    if text is None:
        return name, None, _concise(problem) if problem else name
    try:
        return name, to_dict(parse(text)), ""
    except ParseError as error:
        return name, None, _concise(Finding(name, error.line, error.column, error.code, error.message))


def _to_json(arguments: argparse.Namespace) -> int:
    import json

    items = _jobs(arguments, find(os.getcwd()))
    invalid = 0
    with _output(arguments.output) as out:
        first = True
        if arguments.format == "json":
            out.write("[")
        results = _progress(run_all(_entry_of_file, items, arguments.jobs, _entry_died), len(items), arguments, True)
        for name, data, problem in results:
            if data is None:
                invalid += 1
                print(problem, file=sys.stderr)
                continue
            record = json.dumps({"path": name, "entry": data}, ensure_ascii=False)
            if arguments.format == "json":
                out.write(("\n" if first else ",\n") + record)
            else:
                out.write(record + "\n")
            first = False
        if arguments.format == "json":
            out.write("\n]\n" if not first else "]\n")
    if not arguments.quiet:
        _summary(f"{_count(len(items) - invalid, 'entry')} written, {_count(invalid, 'invalid file')}")
    return 1 if invalid and not arguments.skip_invalid else 0


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    """Standard output; or a regular file, replaced only once everything is written; or a device or FIFO, written.

    A symlink is written through; a folder is refused before anything is made.
    """
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise UsageError(f"{_shown(path)}: {error.strerror or error}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{_shown(path)}: is a folder, not a file to write")
    if info is not None and not stat.S_ISREG(info.st_mode):  # /dev/null, /dev/stdout, a FIFO: never replaced
        with open(path, "w", encoding="utf-8", newline="\n") as file:
            yield file
        return
    with replacing(path) as binary:
        text = io.TextIOWrapper(binary, encoding="utf-8", newline="\n")
        try:
            yield text
            text.flush()
        finally:
            text.detach()  # replacing() owns the file


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


def _from_json(arguments: argparse.Namespace) -> int:
    given = arguments.file
    try:
        if given == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(given, "rb") as file:
                data = file.read()
    except OSError as error:
        raise UsageError(f"{_shown(given)}: {error.strerror or error}") from None
    data = data.removeprefix(b"\xef\xbb\xbf")  # a byte order mark is allowed, as in entry files
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position(data[: error.start].decode("utf-8"))
        message = f"{_shown(given)}:{line}:{column}: expected UTF-8, found the byte 0x{data[error.start]:02X}"
        raise UsageError(message) from None
    root = arguments.out_dir
    written = unchanged = failed = 0
    for place, record in _records(text):
        where = f"{_shown(given)}{place}"
        try:
            relative, outcome = _write_record(record, root, arguments.overwrite)
        except (ValueError, TypeError, OSError) as error:  # this record fails; the others are still written
            failed += 1
            problem = _reason(error).replace("\n", f"\n{where}: ")
            print(f"{where}: {problem}", file=sys.stderr)
            continue
        if outcome == "unchanged":
            unchanged += 1
        else:
            written += 1
            print(_shown(os.path.join(root, relative)))
    if not arguments.quiet:
        _summary(f"{_count(written, 'file')} written, {unchanged:,} unchanged, {failed:,} failed")
    return 1 if failed else 0


def _write_record(record: Any, root: str, overwrite: bool) -> tuple[str, str]:
    """Write one record's entry under ``root``: (its path under root, "written" or "unchanged").

    Every folder is made or entered inside the real path of ``root``; a folder
    or symlink that leads out of it, a target that is not a regular file, or a
    different file without ``overwrite`` raises, naming the problem.
    """
    if isinstance(record, Exception):
        raise record
    relative, entry = _target(record)
    shown = _shown(os.path.join(root, relative))
    data = encode(entry)
    try:
        target = confined_path(root, relative)
        try:
            same: bool | None = read_bytes(target, len(data)) == data
        except FileNotFoundError:
            same = None
        except FileProblem as problem:
            if problem.code != "NF003":  # NF003: larger than the new text, so it differs
                raise ValueError(f"{shown}: {problem.message}") from None
            same = False
        if same:
            return relative, "unchanged"
        if same is not None and not overwrite:
            raise ValueError(f"{shown} exists and differs (--overwrite replaces it)")
        write(entry, target)
    except OSError as error:
        raise ValueError(f"{shown}: {error.strerror or error}") from None
    return relative, "written"


def _target(record: Any) -> tuple[str, Entry]:
    """Where under the out-dir an entry record is written, and its entry; the file name of its "path" if it has one."""
    data, given = record, None
    if isinstance(record, dict) and "entry" in record:
        data, given = record["entry"], record.get("path")
    entry = from_dict(data)
    relative = entry.path.lstrip("/")  # ValueError for a headline with no slug, or the day page's
    if isinstance(given, str):
        parts = given.replace("\\", "/").split("/")
        folder = "/".join(["news", *parts[-4:-1]])
        in_its_day = len(parts) >= 5 and parts[-5] == "news" and f"/{folder}/" == entry.day_path[:-8]
        if in_its_day and _SLUG_FILE.fullmatch(parts[-1]):
            relative = f"{folder}/{parts[-1]}"
    return relative, entry
