"""The entry model: frozen value classes that only ever hold values the format can carry.

Every rule lives in a ``*_problem`` function that returns the reason a value is
invalid, or None. The attrs validators raise ``ValueError`` with that reason and
the field's name; the parser calls the same functions to put a line and column
on the same reason.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeGuard, TypeVar

import attrs

# [0-9] rather than \d: \d also matches digits of other scripts.
# Group 1 is the day, "2016/04/8". The slug "index" is the day page's name: no entry is there.
PATH = re.compile(r"/news/([0-9]{4}/[0-9]{2}/[1-9][0-9]?)/(?!index\.md)[a-z0-9-]+\.md")
DAY_PAGE = "index"
# A body line that reads as a Markdown heading (FORMAT.md's rule, at column 1).
_HEADING_LINE = re.compile(r"^#{1,6}(?: |$)", re.MULTILINE)
_WHITESPACE_AT_LINE_END = re.compile(r"[^\S\n]\n")
_WHITESPACE = re.compile(r"\s")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")

T = TypeVar("T")


def show(value: str, limit: int = 60) -> str:
    """Quote a piece of user text for a one-line message, shortened if long."""
    import json  # only error paths get here

    if len(value) > limit:
        value = value[: limit - 3] + "..."
    return json.dumps(value, ensure_ascii=False)


def _found(value: object) -> str:
    return f"found {type(value).__name__}"


def text_problem(value: object) -> str | None:
    """Headline, source name, related title and tag: one non-empty, trimmed line."""
    if not isinstance(value, str):
        return f"expected a string, {_found(value)}"
    if not value:
        return "expected text, found an empty string"
    if "\n" in value or "\r" in value:
        return f"expected one line, found a line break in {show(value)}"
    if value != value.strip():
        return f"expected no whitespace at either end, found {show(value)}"
    return None


def is_text(value: object) -> TypeGuard[str]:
    """``text_problem(value) is None`` in one expression, for hot paths; a test keeps the two equal."""
    return type(value) is str and value == value.strip() != "" and "\n" not in value and "\r" not in value


def link_text_problem(value: object) -> str | None:
    """Source name and related title: text that cannot end its link early."""
    problem = text_problem(value)
    if problem is None and isinstance(value, str) and "](" in value:
        return f'expected no "](" (it would end the link text), found {show(value)}'
    return problem


def tag_problem(value: object) -> str | None:
    problem = text_problem(value)
    if problem is not None or not isinstance(value, str):
        return problem
    if ", " in value:
        return f'expected no ", " (it separates tags), found {show(value)}'
    if value.endswith(","):
        # "a,"+", "+"b" with a space added after the tag would read "a, , b".
        return f'expected no "," at the end (it would merge with the separator), found {show(value)}'
    return None


def url_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"expected a string, {_found(value)}"
    if not value:
        return "expected a URL, found an empty string"
    if _WHITESPACE.search(value):
        return f"expected a URL without whitespace, found {show(value)}"
    return None


def path_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"expected a string, {_found(value)}"
    match = PATH.fullmatch(value)
    expected = "expected a related link path like /news/YYYY/MM/D/slug.md"
    if match is None:
        if value.endswith(f"/{DAY_PAGE}.md") and PATH.fullmatch(f"{value[: -len(DAY_PAGE) - 3]}x.md"):
            return f"expected the path of an entry, found the day page {show(value)}"
        return f"{expected}, found {show(value)}"
    if not is_real_day(match[1]):
        return f"{expected}, found {show(value)}, whose date {match[1]} is not in the calendar"
    return None


@functools.lru_cache(maxsize=4096)  # an archive links to few distinct days, again and again
def is_real_day(day: str) -> bool:
    """Whether ``YYYY/MM/D``, as matched by PATH, is a date of the calendar."""
    try:
        _date_of(day)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=4096)  # Related.date, per related item of an archive: few distinct days
def _date_of(day: str) -> datetime.date:
    year, month, day_of_month = day.split("/")
    return datetime.date(int(year), int(month), int(day_of_month))


def body_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"expected a string, {_found(value)}"
    if not value:
        return None
    if "\r" in value:
        return 'expected "\\n" line breaks, found "\\r"'
    if value != value.strip():
        return "expected no whitespace at either end"
    if "\n" not in value:  # one line: strip() checked its end, and only its start can be a heading
        match = _HEADING_LINE.match(value)
        return None if match is None else f"expected no line that reads as a Markdown heading, found {show(value)}"
    if "\n\n\n" in value:
        return "expected paragraphs separated by exactly one blank line, found more"
    match = _WHITESPACE_AT_LINE_END.search(value)
    if match is not None:
        number = value.count("\n", 0, match.start()) + 1
        return f"expected no whitespace at the end of a line, found some on line {number} of the body"
    match = _HEADING_LINE.search(value)
    if match is not None:
        end = value.find("\n", match.start())
        heading = value[match.start() : len(value) if end < 0 else end]
        return f"expected no line that reads as a Markdown heading, found {show(heading)}"
    return None


def date_problem(value: object) -> str | None:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        return f"expected a datetime.date, {_found(value)}"
    return None


def plain(value: str) -> str:
    """A ``str`` subclass (a StrEnum member, say) as the plain ``str`` of its characters; anything else as it is.

    The model stores what ``serialize`` writes: an enum's ``__format__`` never
    reaches the text. A value that is no string is left for the validator to refuse.
    """
    if isinstance(value, str) and type(value) is not str:
        return str.__str__(value)
    return value


def plain_date(value: datetime.date) -> datetime.date:
    """A subclass of ``datetime.date`` as a plain date; a datetime is left for the validator to refuse."""
    subclass = type(value) is not datetime.date and isinstance(value, datetime.date)
    if subclass and not isinstance(value, datetime.datetime):
        return datetime.date(value.year, value.month, value.day)
    return value


def _rule(problem: Callable[[object], str | None]) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        reason = problem(value)
        if reason is not None:
            raise ValueError(f"{type(instance).__name__}.{attribute.name}: {reason}")

    return validate


def _as_tuple(value: Iterable[T], field: str, what: str) -> tuple[T, ...]:
    if type(value) is tuple:
        return value
    if isinstance(value, (str, bytes, bytearray)) or not isinstance(value, Iterable):
        raise ValueError(f"{field}: expected a sequence of {what}, {_found(value)}")
    return tuple(value)


def _sources(value: Iterable[Source]) -> tuple[Source, ...]:
    return _as_tuple(value, "Entry.sources", "Source")


def _related(value: Iterable[Related]) -> tuple[Related, ...]:
    return _as_tuple(value, "Entry.related", "Related")


def _context(value: Iterable[str]) -> tuple[str, ...]:
    tags = _as_tuple(value, "Related.context", "tags")
    if all(type(tag) is str for tag in tags):
        return tags
    return tuple(plain(tag) for tag in tags)


def _each(kind: type) -> Callable[[Any, attrs.Attribute[Any], tuple[Any, ...]], None]:
    def validate(instance: Any, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
        for index, item in enumerate(value):
            if not isinstance(item, kind):
                raise ValueError(
                    f"{type(instance).__name__}.{attribute.name}[{index}]: expected a {kind.__name__}, {_found(item)}"
                )

    return validate


def _each_tag(instance: Related, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for index, tag in enumerate(value):
        reason = tag_problem(tag)
        if reason is not None:
            raise ValueError(f"Related.context[{index}]: {reason}")


def slugify(text: str) -> str:
    """The slug rule: UTF-8 cut to 140 bytes, lowercased, non-``[a-z0-9]`` runs to ``-``.

    >>> slugify("NATO-Russia relations: NATO reopens talks")
    'nato-russia-relations-nato-reopens-talks'
    """
    # A character cut in half (or a lone surrogate) decodes to U+FFFD, which
    # becomes "-" like any other character outside a-z0-9 and is stripped at the end.
    cut = text.encode("utf-8", "surrogatepass")[:140].decode("utf-8", "replace")
    return _NOT_SLUG.sub("-", cut.lower()).strip("-")


@attrs.frozen(kw_only=True)
class Source:
    """One item of the Source section: ``1. [NAME](URL)``.

    ``name`` is one line of text with no whitespace at either end and no ``](``;
    ``url`` is any text without whitespace. A value that breaks a rule raises
    ``ValueError`` naming the field.

    >>> Source(name="Euronews", url="http://www.euronews.com/")
    Source(name='Euronews', url='http://www.euronews.com/')
    >>> Source(name="Euronews", url="http://www.euronews.com/ 2016")
    Traceback (most recent call last):
    ValueError: Source.url: expected a URL without whitespace, found "http://www.euronews.com/ 2016"
    """

    name: str = attrs.field(converter=plain, validator=_rule(link_text_problem))
    url: str = attrs.field(converter=plain, validator=_rule(url_problem))

    def __reduce__(self) -> tuple[Any, ...]:  # a pickle holds checked values: rebuild without checking again
        return trusted_source, (self.name, self.url)


@attrs.frozen(kw_only=True)
class Related:
    """One item of the Related section: ``1. [TITLE ](PATH) _Context: TAG, TAG_``.

    ``title`` follows the rules of a source's name; ``path`` is
    ``/news/YYYY/MM/D/SLUG.md`` with a date of the calendar; ``context`` is any
    iterable of tags, stored as a tuple, each one line that never holds a comma and a space.

    >>> item = Related(title="NATO reopens talks", path="/news/2016/04/20/nato-reopens-talks.md", context=["NATO"])
    >>> item.date, item.slug, item.context
    (datetime.date(2016, 4, 20), 'nato-reopens-talks', ('NATO',))
    """

    title: str = attrs.field(converter=plain, validator=_rule(link_text_problem))
    path: str = attrs.field(converter=plain, validator=_rule(path_problem))
    context: tuple[str, ...] = attrs.field(default=(), converter=_context, validator=_each_tag)

    def __reduce__(self) -> tuple[Any, ...]:
        return trusted_related, (self.title, self.path, self.context)

    @property
    def date(self) -> datetime.date:
        """The date in the path: ``/news/2016/04/8/x.md`` gives 2016-04-08."""
        return _date_of(self.path[6 : self.path.rindex("/")])

    @property
    def slug(self) -> str:
        """The file name in the path, without ``.md``."""
        return self.path[self.path.rindex("/") + 1 : -3]


@attrs.frozen(kw_only=True)
class Entry:
    """One news entry: a date, a headline, a body and two numbered lists.

    Frozen and slotted; constructed by keyword. Construction checks every rule of
    the format and raises ``ValueError`` naming the field, so every entry you
    hold can be written and read back unchanged. ``body``, ``sources`` and
    ``related`` default to empty; sequences are stored as tuples.

    >>> import datetime
    >>> entry = Entry(date=datetime.date(2016, 4, 20), headline="NATO reopens talks with Russia")
    >>> entry.path, entry.day_path
    ('/news/2016/04/20/nato-reopens-talks-with-russia.md', '/news/2016/04/20/index.md')
    >>> Entry(date=datetime.date(2016, 4, 20), headline="NATO ")
    Traceback (most recent call last):
    ValueError: Entry.headline: expected no whitespace at either end, found "NATO "
    """

    date: datetime.date = attrs.field(converter=plain_date, validator=_rule(date_problem))
    headline: str = attrs.field(converter=plain, validator=_rule(text_problem))
    body: str = attrs.field(default="", converter=plain, validator=_rule(body_problem))
    sources: tuple[Source, ...] = attrs.field(default=(), converter=_sources, validator=_each(Source))
    related: tuple[Related, ...] = attrs.field(default=(), converter=_related, validator=_each(Related))

    def __reduce__(self) -> tuple[Any, ...]:
        # Workers send entries to the main process: attrs' own pickling (state dicts, setattr a field) cost 41 µs an
        # entry to load, this 9 times less.
        return trusted_entry, (self.date, self.headline, self.body, self.sources, self.related)

    @property
    def day_path(self) -> str:
        """The day page the date line links to: ``/news/2016/04/20/index.md``."""
        return day_path(self.date)

    @property
    def path(self) -> str:
        """The entry's own file path by the slug rule: ``/news/YYYY/MM/D/SLUG.md``.

        Raises ``ValueError`` when the headline has no ASCII letter or digit, since
        its slug is then empty and no file name follows from it, and when its slug
        is ``index``, the name of the day page, which is not an entry.
        """
        slug = slugify(self.headline)
        if not slug:
            raise ValueError(f"Entry.headline: has no letter or digit a-z/0-9 to make a slug: {show(self.headline)}")
        if slug == DAY_PAGE:
            raise ValueError(f"Entry.headline: its slug is index, the day page's name: {show(self.headline)}")
        return f"{day_path(self.date)[:-8]}{slug}.md"


def day_path(date: datetime.date) -> str:
    return f"/news/{date.year:04d}/{date.month:02d}/{date.day}/index.md"


# Instances built from values already checked with the same *_problem functions
# the validators run, skipping the validators: parse and from_dict call these, and
# tests re-validate what they return. One function a class: a kwargs loop cost
# a measurable share of parse's time.
_new = object.__new__
_set = object.__setattr__  # frozen classes refuse their own __setattr__


def trusted_source(name: str, url: str) -> Source:
    source: Source = _new(Source)
    _set(source, "name", name)
    _set(source, "url", url)
    return source


def trusted_related(title: str, path: str, context: tuple[str, ...]) -> Related:
    related: Related = _new(Related)
    _set(related, "title", title)
    _set(related, "path", path)
    _set(related, "context", context)
    return related


def trusted_entry(
    date: datetime.date, headline: str, body: str, sources: tuple[Source, ...], related: tuple[Related, ...]
) -> Entry:
    entry: Entry = _new(Entry)
    _set(entry, "date", date)
    _set(entry, "headline", headline)
    _set(entry, "body", body)
    _set(entry, "sources", sources)
    _set(entry, "related", related)
    return entry
