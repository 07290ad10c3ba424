"""newsfmt new: a new entry, written canonical at its own path, never over a file that is there."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from .. import Archive, Entry, Source, display_path, from_dict, write_to_archive
from .usage import UsageError


def _from_arguments(arguments: argparse.Namespace, archive: Archive) -> Entry:
    if arguments.date is None or arguments.headline is None:
        raise UsageError("new: give --date and --headline, or - to read a JSON record from standard input")
    import datetime

    try:
        date = datetime.date.fromisoformat(arguments.date)
    except ValueError:
        raise UsageError(f"--date: expected a date YYYY-MM-DD, found {arguments.date!r}") from None
    sources = [Source(name=name, url=url) for name, url in arguments.source]
    related = [archive.related_to(path) for path in arguments.related]
    return Entry(date=date, headline=arguments.headline, body=arguments.body, sources=sources, related=related)


def _from_json(archive: Archive) -> Entry:
    """A record as to-json writes it, or a bare entry dict; a related item without a title gets its target's."""
    try:
        data: Any = json.loads(sys.stdin.buffer.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"-: not a JSON record: {error}") from None
    if isinstance(data, dict) and isinstance(data.get("entry"), dict):
        data = data["entry"]
    if isinstance(data, dict) and isinstance(data.get("related"), list):
        for item in data["related"]:
            if isinstance(item, dict) and "title" not in item and isinstance(item.get("path"), str):
                item["title"] = archive.related_to(item["path"]).title
    return from_dict(data)


def new(arguments: argparse.Namespace) -> int:
    archive = Archive(arguments.root)
    try:
        entry = _from_json(archive) if arguments.file == "-" else _from_arguments(arguments, archive)
        target = os.path.normpath(os.path.join(arguments.root, *entry.path.split("/")[1:]))
        if os.path.lexists(target):
            print(f"{display_path(target)}: exists; newsfmt new never replaces a file", file=sys.stderr)
            return 1
        written, _ = write_to_archive(entry, arguments.root)
    except (ValueError, LookupError, TypeError) as error:  # DictError and ParseError are ValueErrors
        print(f"newsfmt: new: {error}", file=sys.stderr)
        return 1
    print(display_path(os.path.normpath(written)))
    return 0
