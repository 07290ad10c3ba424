"""The parser: plain functions over the file's lines.

It reads the variations of FORMAT.md's G3 and raises ``ParseError`` for
everything else (G4). The value rules are the model's own ``*_problem``
functions, so a value the parser accepts always constructs.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from ._errors import ParseError
from ._model import (
    PATH,
    Entry,
    Related,
    Source,
    is_real_day,
    link_text_problem,
    path_problem,
    show,
    tag_problem,
    trusted_entry,
    trusted_related,
    trusted_source,
    url_problem,
)

_DATE_LINE = re.compile(
    r"### \[\s*([0-9]{4})-([0-9]{2})-([0-9]{2})\s*\]"
    r"\(\s*/news/([0-9]{4})/([0-9]{2})/([0-9]{1,2})/index\.md\s*\)"
)
_DATE_PART = re.compile(r"### \[\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*\]")
# Matches a heading line alone, or the first line of a longer text.
_HEADING = re.compile(r"#{1,6}(?:[ \n]|$)")
_ITEM_NUMBER = re.compile(r"[0-9]++\.[ \t]++\[")
_BLANK_LINES = re.compile(r"\n\n\n+")
# A related item after its "](": the path, its ")" and an optional context, read as
# _related_item's step-by-step code reads them (\s is str.isspace, as strip() is).
_RELATED_TAIL = re.compile(
    r"\s*+(/news/([0-9]{4}/[0-9]{2}/[1-9][0-9]?)/(?!index\.md)[a-z0-9-]++\.md)\s*+\)(?:\s*+_Context:(.*)_)?"
)
_SOURCE_HEADINGS = ("### Source:", "### Sources:")
_RELATED_HEADING = "### Related:"
_CONTEXT = "_Context:"
UNEXPLAINED = "newsfmt could not tell which value is wrong: please report this"
_DATE_SHAPE = '"### [YYYY-MM-DD](/news/YYYY/MM/D/index.md)"'
_Item = TypeVar("_Item", Source, Related)
_Check = tuple[Callable[[object], "str | None"], str, int, str]  # rule, value, where it starts, code


def parse(text: str) -> Entry:
    r"""Read one entry from its text; raise ``ParseError`` if it is not one.

    ``parse`` reads the canonical layout and every variation the format tolerates
    (G3); for anything else it raises ``ParseError`` with the line and column of
    the problem, and no other exception for a ``str`` (G4). ``read`` reads files.

    >>> import newsfmt
    >>> entry = newsfmt.parse("### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n")
    >>> entry.date, entry.headline
    (datetime.date(2016, 4, 20), 'NATO reopens talks')
    >>> newsfmt.parse("### [2016-04-20](/news/2016/04/20/index.md)\n\n## NATO reopens talks\n")
    Traceback (most recent call last):
    newsfmt.ParseError: line 3, column 1: expected the headline "# HEADLINE", found "## NATO reopens talks"
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() takes a str, not {type(text).__name__}; newsfmt.read() reads files")
    return parse_lines(split_lines(text))


def parse_lines(lines: list[str]) -> Entry:
    """``parse`` of a text that ``split_lines`` has split already: validate re-parses repaired lines so."""
    end = len(lines)
    while end and _is_blank(lines[end - 1]):  # the final newline, and blank lines after the last one
        end -= 1

    if end == 0:
        raise _end_of_file(lines, f"expected the date line {_DATE_SHAPE}", "NF101")
    date = _date_line(lines[0])

    index = _after_blank_lines(lines, 1, end, "the date line")
    if index == end:
        raise _end_of_file(lines, 'expected the headline "# HEADLINE"', "NF105")
    headline = _headline(lines[index], index + 1)

    start = _after_blank_lines(lines, index + 1, end, "the headline")
    index = start
    while index < end:  # the body runs to the first heading line
        line = lines[index]
        if line[:1] == "#" and _HEADING.match(line.rstrip()):
            break
        index += 1
    body = _body(lines, start, index, end)

    sources: list[Source] = []
    related: list[Related] = []
    while index < end:
        heading = lines[index].rstrip()
        if heading in _SOURCE_HEADINGS and not sources and not related:
            sources, index = _section(lines, index, end, _source_item)
        elif heading == _RELATED_HEADING and not related:
            related, index = _section(lines, index, end, _related_item)
        else:
            raise _misplaced(heading, index + 1, bool(sources), bool(related))
    return trusted_entry(date, headline, body, tuple(sources), tuple(related))


def split_lines(text: str) -> list[str]:
    """The text's lines as parse counts them: after a BOM, over "\n", "\r\n" and "\r"."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def _end_of_file(lines: list[str], expected: str, code: str) -> ParseError:
    """An error at the very end of the text, after any blank lines it ends with."""
    return ParseError(f"{expected}, found the end of the file", len(lines), len(lines[-1]) + 1, code=code)


def _is_blank(line: str) -> bool:
    return not line or line.isspace()


def _after_blank_lines(lines: list[str], index: int, end: int, after: str) -> int:
    """The index of the next non-blank line, which must come after at least one blank line."""
    start = index
    while index < end and _is_blank(lines[index]):
        index += 1
    if index == start and index < end:
        raise ParseError(f"expected a blank line after {after}, found {show(lines[index])}", index + 1, 1, code="NF104")
    return index


def _date_line(line: str) -> datetime.date:
    line = line.rstrip()
    match = _DATE_LINE.fullmatch(line)
    if match is None:
        if not line.startswith("### ["):
            raise ParseError(f"expected the date line {_DATE_SHAPE}, found {show(line)}", 1, 1, code="NF101")
        part = _DATE_PART.match(line)
        if part is None:
            raise ParseError(f"expected a date YYYY-MM-DD in brackets, found {show(line[5:])}", 1, 6, code="NF102")
        raise ParseError(
            f'expected the day page link "(/news/YYYY/MM/D/index.md)", found {show(line[part.end() :])}',
            1,
            part.end() + 1,
            code="NF103",
        )
    try:
        date = datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        found = show(line[match.start(1) : match.end(3)])
        raise ParseError(f"expected a real date, found {found}", 1, match.start(1) + 1, code="NF102") from None
    if match[4] != match[1] or match[5] != match[2] or match[6] not in (str(date.day), f"{date.day:02d}"):
        link = f"/news/{match[4]}/{match[5]}/{match[6]}/index.md"
        expected = f"/news/{match[1]}/{match[2]}/{date.day}/index.md"
        raise ParseError(
            f"expected the link {show(expected)} to the day of {date.isoformat()}, found {show(link)}",
            1,
            match.start(4) - len("/news/") + 1,
            code="NF103",
        )
    return date


def _headline(line: str, number: int) -> str:
    if not line.startswith("# "):
        raise ParseError(f'expected the headline "# HEADLINE", found {show(line)}', number, 1, code="NF105")
    headline = line[2:].strip()
    if not headline:
        raise ParseError('expected a headline after "# ", found nothing', number, 3, code="NF105")
    return headline


def _body(lines: list[str], start: int, stop: int, end: int) -> str:
    if start == stop:
        return ""
    if stop < end and not _is_blank(lines[stop - 1]):
        raise ParseError(f"expected a blank line before {show(lines[stop].rstrip())}", stop + 1, 1, code="NF104")
    body = "\n".join([line.rstrip() for line in lines[start:stop]]).strip()
    if "\n\n\n" in body:
        body = _BLANK_LINES.sub("\n\n", body)
    if _HEADING.match(body):  # only the first line can be one: it lost its indent to strip()
        first = lines[start]
        raise ParseError(
            f"expected body text, found a heading {show(first.strip())}",
            start + 1,
            len(first) - len(first.lstrip()) + 1,
            code="NF106",
        )
    return body


def _section(lines: list[str], index: int, end: int, read_item: Callable[[str, int], _Item]) -> tuple[list[_Item], int]:
    """Read a section from its heading at ``index``; return its items and the index after its blank lines."""
    heading = lines[index]
    index = _after_blank_lines(lines, index + 1, end, "the section heading")
    if index == end:
        raise _end_of_file(lines, f"expected a numbered item after {show(heading.rstrip())}", "NF108")
    items = []
    line = lines[index]
    while line and not line.isspace():
        items.append(read_item(line, index + 1))
        index += 1
        if index == end:
            return items, index
        line = lines[index]
    while _is_blank(lines[index]):  # the list ended at a blank line; end comes after a line that is not blank
        index += 1
    return items, index


def _misplaced(line: str, number: int, after_sources: bool, after_related: bool) -> ParseError:
    code = "NF114"
    if after_related:
        expected = "the end of the file after the Related list"
    elif after_sources:
        expected = '"### Related:" or the end of the file'
    else:
        expected = '"### Source:" or "### Related:" (a heading cannot be part of the body)'
        code = "NF106"
    if line in _SOURCE_HEADINGS and (after_sources or after_related):
        expected = "one Source section, before the Related section"
        code = "NF107"
    elif line == _RELATED_HEADING:
        expected = "one Related section"
        code = "NF107"
    elif line.startswith("#") and (after_sources or after_related):
        code = "NF106"
    return ParseError(f"expected {expected}, found {show(line)}", number, 1, code=code)


def _link(line: str, number: int, shape: str) -> tuple[str, int, int]:
    """The item's line without trailing whitespace, the start of its link text and of its "](" ."""
    line = line.rstrip()
    match = _ITEM_NUMBER.match(line)
    if match is None:
        code = "NF108" if line.startswith("#") else "NF109"  # a heading where the first item should be
        raise ParseError(f"expected a numbered item like {show(shape)}, found {show(line)}", number, 1, code=code)
    middle = line.find("](", match.end())
    if middle < 0:
        found = show(line[match.end() :])
        raise ParseError(f'expected "](" after the link text, found {found}', number, match.end() + 1, code="NF109")
    return line, match.end(), middle


def _source_item(line: str, number: int) -> Source:
    line, start, middle = _link(line, number, "1. [NAME](URL)")
    if not line.endswith(")"):
        found = show(line[-10:])
        raise ParseError(f'expected ")" at the end of the source link, found {found}', number, len(line), code="NF109")
    name = line[start:middle].strip()
    url = line[middle + 2 : -1].strip()
    if name and url_problem(url) is None:  # the rest of link_text_problem holds by the split above
        return trusted_source(name, url)
    checks = [(link_text_problem, name, start, "NF110"), (url_problem, url, middle + 2, "NF111")]
    raise _first_problem(number, line, checks)


def _related_item(line: str, number: int) -> Related:
    line, start, middle = _link(line, number, "1. [TITLE](/news/YYYY/MM/D/slug.md)")
    fast = _RELATED_TAIL.fullmatch(line, middle + 2)
    if fast is not None:  # the common case, in one step; the code below explains any other line
        fast_title, fast_inner = line[start:middle].strip(), fast[3] or ""
        fast_tags = [tag.strip() for tag in fast_inner.split(", ")] if fast[3] is not None else []
        if _valid(fast_title, fast[2], fast_inner, fast_tags):
            return trusted_related(fast_title, fast[1], tuple(fast_tags))
    close = line.find(")", middle + 2)
    if close < 0:
        raise ParseError('expected ")" after the related link path', number, len(line) + 1, code="NF109")
    title = line[start:middle].strip()
    path = line[middle + 2 : close].strip()
    tail = line[close + 1 :].lstrip()
    inner = ""
    tags: list[str] = []
    if tail:
        if not (tail.startswith(_CONTEXT) and tail.endswith("_") and len(tail) > len(_CONTEXT)):
            raise ParseError(
                f'expected "_Context: TAG, TAG_" or the end of the line, found {show(tail)}',
                number,
                len(line) - len(tail) + 1,
                code="NF109",
            )
        inner = tail[len(_CONTEXT) : -1]
        tags = [tag.strip() for tag in inner.split(", ")]
    path_match = PATH.fullmatch(path)
    if path_match is not None and _valid(title, path_match[1], inner, tags):
        return trusted_related(title, path, tuple(tags))
    checks = [(link_text_problem, title, start, "NF110"), (path_problem, path, middle + 2, "NF112")]
    tag_checks = _tag_checks(inner, len(line) - len(tail) + len(_CONTEXT)) if tail else iter(())
    raise _first_problem(number, line, itertools.chain(checks, tag_checks))


def _valid(title: str, day: str, inner: str, tags: list[str]) -> bool:
    """Whether a related item split as _related_item splits it breaks no rule.

    Split so, the title and tags are trimmed single lines without "](" or ", ",
    so what is left to check: none is empty, no tag ends in ",", the day is real.
    """
    return (
        bool(title)
        and is_real_day(day)
        and all(tags)
        and not ("," in inner.replace(", ", "") and any(tag.endswith(",") for tag in tags))
    )


def _tag_checks(inner: str, offset: int) -> Iterator[_Check]:
    """The tags' checks one at a time, so that a context of a million tags stops at the first bad one."""
    # as the fast check split it: "_Context:_" holds one empty tag; the caller stops at the bad tag, so never ends
    for raw in inner.split(", "):  # pragma: no branch
        yield tag_problem, raw.strip(), offset, "NF113"
        offset += len(raw) + 2


def _first_problem(number: int, line: str, checks: Iterable[_Check]) -> ParseError:
    """A ParseError for the first value that breaks a rule, at the column where the value starts."""
    for problem, value, offset, code in checks:
        reason = problem(value)
        if reason is not None:
            rest = line[offset:]
            indent = len(rest) - len(rest.lstrip()) if value else 0  # an empty value is where it would start
            return ParseError(reason, number, offset + indent + 1, code=code)
    # Only a bug gets here (the fast checks and the rules disagree): still a ParseError, never a traceback.
    return ParseError(f"expected a valid item; {UNEXPLAINED}", number, 1, code="NF109")  # pragma: no cover
