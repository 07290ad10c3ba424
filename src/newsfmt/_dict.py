"""Entries as dicts of JSON values and back, every problem reported at once with a JSON Pointer.

``from_dict`` checks each value with the model's own ``*_problem`` functions,
the ones the attrs validators run, and builds the entry only when none fails.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from typing import Any

from ._model import (
    PATH,
    Entry,
    Related,
    Source,
    body_problem,
    is_real_day,
    is_text,
    link_text_problem,
    path_problem,
    plain_date,
    show,
    tag_problem,
    text_problem,
    trusted_entry,
    trusted_related,
    trusted_source,
    url_problem,
)

# Dicts rather than tuples: keys() compares with another dict's keys() in one step.
_ENTRY_KEYS = dict.fromkeys(("date", "headline", "body", "sources", "related"))
_SOURCE_KEYS = dict.fromkeys(("name", "url"))
_RELATED_KEYS = dict.fromkeys(("title", "path", "context"))
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_Problems = list[tuple[str, str]]


class DictError(ValueError):
    """A dict that is not an entry. ``problems`` lists each as ``(JSON Pointer, message)``.

    ``str(error)`` has one line a problem: ``/related/3/path: expected ..., found ...``.
    It pickles intact.

    >>> import newsfmt
    >>> try:
    ...     newsfmt.from_dict({"date": "2016-02-30", "headline": " NATO", "body": "", "sources": [], "related": []})
    ... except newsfmt.DictError as error:
    ...     print(error)
    /date: expected a date "YYYY-MM-DD", found "2016-02-30", which is not in the calendar
    /headline: expected no whitespace at either end, found " NATO"
    """

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(f"{pointer or '(root)'}: {message}" for pointer, message in self.problems))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.problems,))


def to_dict(entry: Entry) -> dict[str, Any]:
    """The entry as a dict of JSON values: keys date, headline, body, sources, related, in that order.

    >>> import datetime, newsfmt
    >>> newsfmt.to_dict(newsfmt.Entry(date=datetime.date(2016, 4, 20), headline="NATO reopens talks"))
    {'date': '2016-04-20', 'headline': 'NATO reopens talks', 'body': '', 'sources': [], 'related': []}
    """
    if not isinstance(entry, Entry):
        raise TypeError(f"to_dict() takes an Entry, not {type(entry).__name__}")
    return {
        "date": entry.date.isoformat(),
        "headline": entry.headline,
        "body": entry.body,
        "sources": [{"name": source.name, "url": source.url} for source in entry.sources],
        "related": [{"title": item.title, "path": item.path, "context": list(item.context)} for item in entry.related],
    }


def from_dict(data: Mapping[str, Any], *, ignore_unknown_keys: bool = False) -> Entry:
    """The entry a dict of ``to_dict``'s shape describes; ``DictError`` lists every problem.

    ``date`` may also be a ``datetime.date``, and lists may be tuples. A key the
    shape does not have is a problem, unless ``ignore_unknown_keys`` is true.

    >>> import newsfmt
    >>> data = {"date": "2016-04-20", "headline": "NATO reopens talks", "body": "", "sources": [], "related": []}
    >>> newsfmt.from_dict(data) == newsfmt.from_dict({**data, "id": 7}, ignore_unknown_keys=True)
    True
    >>> newsfmt.from_dict({**data, "id": 7})
    Traceback (most recent call last):
    newsfmt.DictError: /id: unknown key (expected "date", "headline", "body", "sources", "related")
    """
    problems: _Problems = []
    fields = _fields(data, "", _ENTRY_KEYS, problems, ignore_unknown_keys)
    if fields is None:
        raise DictError(problems)
    date = _date(fields, problems)
    headline = _string(fields, "", "headline", text_problem, problems)
    body = _string(fields, "", "body", body_problem, problems)
    sources = []
    for index, item in _array(fields, "", "sources", problems):
        source = _source(item, f"/sources/{index}", problems, ignore_unknown_keys)
        if source is not None:
            sources.append(source)
    related = []
    for index, item in _array(fields, "", "related", problems):
        related_item = _related(item, f"/related/{index}", problems, ignore_unknown_keys)
        if related_item is not None:
            related.append(related_item)
    if problems:
        raise DictError(problems)
    return trusted_entry(date, headline, body, tuple(sources), tuple(related))


# Each reader below adds a problem for each value that breaks a rule. _source and
# _related first try all their fields in one condition, and report field by field
# only when it fails: the same rule functions either way.


def _fields(
    value: object, pointer: str, keys: dict[str, None], problems: _Problems, ignore_unknown_keys: bool
) -> Mapping[Any, Any] | None:
    """The object at ``pointer``, after reporting its missing and unknown keys."""
    if not isinstance(value, Mapping):
        problems.append((pointer, f"expected an object, found {_kind(value)}"))
        return None
    if value.keys() == keys.keys():
        return value
    for key in keys:
        if key not in value:
            problems.append((pointer, f'missing key "{key}"'))
    if not ignore_unknown_keys:
        expected = ", ".join(f'"{known}"' for known in keys)
        for key in value:
            if key not in keys:
                problems.append((f"{pointer}/{_escape(key)}", f"unknown key (expected {expected})"))
    return value


def _string(
    fields: Mapping[Any, Any], pointer: str, key: str, problem: Callable[[object], str | None], problems: _Problems
) -> str:
    value = fields.get(key, "")
    if not isinstance(value, str):
        problems.append((f"{pointer}/{key}", f"expected a string, found {_kind(value)}"))
        return ""
    if key in fields:  # a missing key is reported already
        reason = problem(value)
        if reason is not None:
            problems.append((f"{pointer}/{key}", reason))
    return str.__str__(value)  # a str subclass (a StrEnum member) as the plain str of its characters


def _array(fields: Mapping[Any, Any], pointer: str, key: str, problems: _Problems) -> list[tuple[int, Any]]:
    value = fields.get(key, ())
    if not isinstance(value, (list, tuple)):
        problems.append((f"{pointer}/{key}", f"expected an array, found {_kind(value)}"))
        return []
    return list(enumerate(value))


def _date(fields: Mapping[Any, Any], problems: _Problems) -> datetime.date:
    if "date" not in fields:
        return datetime.date.min
    value = fields["date"]
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return plain_date(value)
    expected = 'expected a date "YYYY-MM-DD"'
    if not isinstance(value, str):
        problems.append(("/date", f"{expected}, found {_kind(value)}"))
    elif _ISO_DATE.fullmatch(value) is None:
        problems.append(("/date", f"{expected}, found {show(value)}"))
    else:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            problems.append(("/date", f"{expected}, found {show(value)}, which is not in the calendar"))
    return datetime.date.min


def _source(value: object, pointer: str, problems: _Problems, ignore_unknown_keys: bool) -> Source | None:
    before = len(problems)
    fields = _fields(value, pointer, _SOURCE_KEYS, problems, ignore_unknown_keys)
    if fields is None:
        return None
    name, url = fields.get("name"), fields.get("url")
    if (
        len(problems) == before
        and is_text(name)
        and "](" not in name
        and type(url) is str  # a str subclass goes the long way, to come out a plain str
        and url_problem(url) is None
    ):
        return trusted_source(name, url)
    # The slow path decides alone: an item whose values break no rule is built here,
    # never dropped, whatever the fast check above missed (a str subclass, say).
    name = _string(fields, pointer, "name", link_text_problem, problems)
    url = _string(fields, pointer, "url", url_problem, problems)
    return trusted_source(name, url) if len(problems) == before else None


def _related(value: object, pointer: str, problems: _Problems, ignore_unknown_keys: bool) -> Related | None:
    before = len(problems)
    fields = _fields(value, pointer, _RELATED_KEYS, problems, ignore_unknown_keys)
    if fields is None:
        return None
    title, path, context = fields.get("title"), fields.get("path"), fields.get("context")
    path_match = PATH.fullmatch(path) if isinstance(path, str) else None
    if (
        len(problems) == before
        and is_text(title)
        and "](" not in title
        and path_match is not None
        and is_real_day(path_match[1])
        and isinstance(context, (list, tuple))
        and all([is_text(tag) and ", " not in tag and tag[-1] != "," for tag in context])
    ):
        return trusted_related(title, path_match[0], tuple(context))
    title = _string(fields, pointer, "title", link_text_problem, problems)
    path = _string(fields, pointer, "path", path_problem, problems)
    tags = []
    for index, tag in _array(fields, pointer, "context", problems):
        reason = tag_problem(tag) if isinstance(tag, str) else f"expected a string, found {_kind(tag)}"
        if reason is not None:
            problems.append((f"{pointer}/context/{index}", reason))
        else:
            tags.append(str.__str__(tag))
    return trusted_related(title, path, tuple(tags)) if len(problems) == before else None


def _kind(value: object) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "an array"
    return f"a {type(value).__name__}"


def _escape(key: object) -> str:
    """A key as a JSON Pointer reference token (RFC 6901)."""
    return str(key).replace("~", "~0").replace("/", "~1")
