"""Hypothesis strategies for news entries and their texts, for your own property tests.

    pip install "newsfmt[hypothesis]"

``entries()``, ``sources()`` and ``related()`` draw valid values from the whole of
Unicode, Markdown punctuation and the format's own tokens; ``canonical_texts()``,
``tolerant_texts()`` and ``invalid_texts()`` draw texts. Each takes keyword
arguments to narrow what it draws. Installing newsfmt also registers the classes
with Hypothesis, so ``st.from_type(newsfmt.Entry)`` works with no import. These
are the strategies newsfmt's own tests use. See docs/testing.md.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import attrs

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - depends on what is installed
    raise ImportError('newsfmt.strategies needs Hypothesis: pip install "newsfmt[hypothesis]"') from error

from ._model import Entry, Related, Source, body_problem, link_text_problem, tag_problem, text_problem, url_problem

__all__ = ["archives", "canonical_texts", "entries", "invalid_texts", "related", "sources", "tolerant_texts"]

# Characters with a meaning in Markdown or in the format, and the characters that
# str.splitlines() breaks on but the format treats as text.
MARKDOWN = ["*", "_", "[", "]", "(", ")", "`", "<", ">", "#", "!", "\\", "-", "+", "|", "~", "&", ":", ",", "."]
FORMAT_TOKENS = ["](", ", ", "_Context:", "### ", "# ", "1. [", "http://", "/news/2016/04/8/", ".md", "  "]
ODD_BREAKS = ["\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
# Whitespace (str.isspace) that is not a line break of the format.
SPACES = [" ", "\t", "\xa0", "\u3000", "\u2003", "\v", "\f", "\x1c", "\x1f", "\x85", "\u2028", "\u2029"]
LINE_BREAKS = ["\n", "\r", "\r\n"]

_HEADING = re.compile(r"#{1,6}(?: |$)")


_FIRST, _LAST = datetime.date(1, 1, 1), datetime.date(9999, 12, 31)


def _pieces(ascii_only: bool = False) -> st.SearchStrategy[str]:
    tokens = MARKDOWN + FORMAT_TOKENS + ODD_BREAKS + LINE_BREAKS + [" "]
    if ascii_only:
        tokens = [token for token in tokens if token.isascii()]
    return st.one_of(st.characters(codec="ascii" if ascii_only else "utf-8"), st.sampled_from(tokens))


def raw_text(max_size: int = 24, ascii_only: bool = False, plain: bool = False) -> st.SearchStrategy[str]:
    if plain:
        return st.lists(_word(ascii_only), max_size=max(1, max_size // 6)).map(" ".join)
    return st.lists(_pieces(ascii_only), max_size=max_size).map("".join)


def _word(ascii_only: bool = False) -> st.SearchStrategy[str]:
    """A word of letters and digits: no Markdown punctuation, no whitespace."""
    letters = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    if not ascii_only:
        letters = st.one_of(letters, st.characters(categories=["L", "N"]))
    return st.text(letters, min_size=1, max_size=8)


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ").strip()


def texts(ascii_only: bool = False, plain: bool = False) -> st.SearchStrategy[str]:
    """Headlines: one trimmed, non-empty line."""
    return raw_text(ascii_only=ascii_only, plain=plain).map(_one_line).filter(lambda text: text_problem(text) is None)


def link_texts(ascii_only: bool = False, plain: bool = False) -> st.SearchStrategy[str]:
    """Source names and related titles."""
    return (
        raw_text(ascii_only=ascii_only, plain=plain)
        .map(lambda text: _one_line(text.replace("](", "] (")))
        .filter(lambda text: link_text_problem(text) is None)
    )


def _without_separators(text: str) -> str:
    while ", " in text:
        text = text.replace(", ", ",")
    return _one_line(text)


def tags(ascii_only: bool = False, plain: bool = False) -> st.SearchStrategy[str]:
    return raw_text(12, ascii_only, plain).map(_without_separators).filter(lambda text: tag_problem(text) is None)


def urls(ascii_only: bool = False, plain: bool = False) -> st.SearchStrategy[str]:
    if plain:
        return _word(ascii_only=True).map(lambda word: f"https://example.com/{word}")
    return (
        st.lists(_pieces(ascii_only), min_size=1, max_size=30)
        .map(lambda parts: "".join("".join(parts).split()))
        .filter(lambda url: url_problem(url) is None)
    )


def paths(min_date: datetime.date = _FIRST, max_date: datetime.date = _LAST) -> st.SearchStrategy[str]:
    return st.builds(
        lambda date, slug: f"/news/{date.year:04d}/{date.month:02d}/{date.day}/{slug}.md",
        st.dates(min_date, max_date),
        st.from_regex(r"[a-z0-9-]{1,40}", fullmatch=True).filter(lambda slug: slug != "index"),  # the day page
    )


def _body_line(text: str) -> str:
    line = text.replace("\r", " ").replace("\n", " ").rstrip()
    return "x" + line if _HEADING.match(line) else line


def _body(paragraphs: list[list[str]]) -> str:
    body = "\n\n".join("\n".join(lines) for lines in paragraphs).lstrip()
    return "x" + body if _HEADING.match(body) else body


def bodies(ascii_only: bool = False, empty: bool | None = None, plain: bool = False) -> st.SearchStrategy[str]:
    """Bodies: empty, or paragraphs of lines. ``empty``: True, only empty; False, never; None, either."""
    line = raw_text(40, ascii_only, plain).map(_body_line).filter(bool)
    paragraph = st.lists(line, min_size=1, max_size=4)
    full = st.lists(paragraph, min_size=1, max_size=4).map(_body).filter(lambda body: body_problem(body) is None)
    return {True: st.just(""), False: full, None: st.one_of(st.just(""), full)}[empty]


def sources(*, ascii_only: bool = False, plain: bool = False) -> st.SearchStrategy[Source]:
    """Sources with any valid name and URL; ``plain``: names of words and https://example.com/ URLs.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(sources(ascii_only=True))
    ... def test_a_source_has_no_whitespace_in_its_url(source):
    ...     assert not any(character.isspace() for character in source.url)
    >>> test_a_source_has_no_whitespace_in_its_url()
    """
    return st.builds(Source, name=link_texts(ascii_only, plain), url=urls(ascii_only, plain))


def related(
    *,
    min_date: datetime.date = _FIRST,
    max_date: datetime.date = _LAST,
    ascii_only: bool = False,
    max_tags: int = 4,
    plain: bool = False,
) -> st.SearchStrategy[Related]:
    """Related items with any valid title, a path dated between the two dates, and up to ``max_tags`` tags.

    >>> import datetime
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(related(min_date=datetime.date(2016, 1, 1), max_date=datetime.date(2016, 12, 31), max_tags=2))
    ... def test_related_dates_are_in_range(item):
    ...     assert item.date.year == 2016 and len(item.context) <= 2
    >>> test_related_dates_are_in_range()
    """
    return st.builds(
        Related,
        title=link_texts(ascii_only, plain),
        path=paths(min_date, max_date),
        context=st.lists(tags(ascii_only, plain), max_size=max_tags),
    )


def entries(
    *,
    min_date: datetime.date = _FIRST,
    max_date: datetime.date = _LAST,
    ascii_only: bool = False,
    min_sources: int = 0,
    max_sources: int = 5,
    min_related: int = 0,
    max_related: int = 5,
    empty_body: bool | None = None,
    plain: bool = False,
) -> st.SearchStrategy[Entry]:
    """Valid entries. ``empty_body``: True, always empty; False, never; None (default), either.

    ``plain``: text of words only (letters and digits, single spaces), no Markdown punctuation.

    >>> import newsfmt
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(entries(max_sources=2, empty_body=False))
    ... def test_entries_survive_a_round_trip(entry):
    ...     assert entry.body and len(entry.sources) <= 2
    ...     assert newsfmt.parse(newsfmt.serialize(entry)) == entry
    >>> test_entries_survive_a_round_trip()
    """
    return st.builds(
        Entry,
        date=st.dates(min_date, max_date),
        headline=texts(ascii_only, plain),
        body=bodies(ascii_only, empty_body, plain),
        sources=st.lists(sources(ascii_only=ascii_only, plain=plain), min_size=min_sources, max_size=max_sources),
        related=st.lists(
            related(min_date=min_date, max_date=max_date, ascii_only=ascii_only, plain=plain),
            min_size=min_related,
            max_size=max_related,
        ),
    )


@st.composite
def archives(
    draw: st.DrawFn,
    /,
    *,
    min_size: int = 0,
    max_size: int = 8,
    min_date: datetime.date = datetime.date(2016, 4, 1),
    max_date: datetime.date = datetime.date(2016, 4, 30),
    max_related: int = 4,
    ascii_only: bool = False,
    plain: bool = False,
) -> dict[str, Entry]:
    """Consistent archives, as ``{archive path: entry}``: each entry at its own path (``Entry.path``).

    Each related link either resolves, to another entry of the archive, titled with
    its headline as the archive does, or dangles on purpose, to a path no entry has.
    No entry links to itself. Write one with ``newsfmt.write(entry, root / path[1:])``.

    >>> import newsfmt
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(archives(max_size=4))
    ... def test_links_resolve_or_dangle(archive):
    ...     for path, entry in archive.items():
    ...         assert entry.path == path
    ...         for item in entry.related:
    ...             assert item.path != path
    ...             assert item.path not in archive or archive[item.path].headline == item.title
    >>> test_links_resolve_or_dangle()
    """
    unlinked = entries(min_date=min_date, max_date=max_date, ascii_only=ascii_only, plain=plain, max_related=0)
    drawn = draw(st.lists(unlinked, min_size=min_size, max_size=max_size))
    placed: dict[str, Entry] = {}
    for entry in drawn:
        try:
            placed.setdefault(entry.path, entry)
        except ValueError:  # a headline with no slug has no path: not in an archive
            continue
    linkable = sorted(path for path, entry in placed.items() if link_text_problem(entry.headline) is None)
    dangling = paths(min_date, max_date).filter(lambda path: path not in placed)
    targets = st.one_of(st.sampled_from(linkable), dangling) if linkable else dangling
    result = {}
    for path, entry in placed.items():
        items = []
        for target in draw(st.lists(targets, max_size=max_related, unique=True)):
            if target == path:
                continue
            title = placed[target].headline if target in placed else draw(link_texts(ascii_only, plain))
            context = draw(st.lists(tags(ascii_only, plain), max_size=3))
            items.append(Related(title=title, path=target, context=context))
        result[path] = attrs.evolve(entry, related=items)
    return result


def canonical_texts(**narrowing: Any) -> st.SearchStrategy[str]:
    """Canonical texts of entries drawn as ``entries(**narrowing)`` draws them, built from the layout itself.

    >>> import newsfmt
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(canonical_texts(ascii_only=True))
    ... def test_canonical_texts_round_trip(text):
    ...     assert newsfmt.serialize(newsfmt.parse(text)) == text
    >>> test_canonical_texts_round_trip()
    """
    return entry_texts(False, **narrowing).map(lambda pair: pair[1])


def tolerant_texts(**narrowing: Any) -> st.SearchStrategy[tuple[Entry, str]]:
    """(entry, text) pairs: the entry written with any mix of the variations parse tolerates (G3).

    >>> import newsfmt
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(tolerant_texts())
    ... def test_tolerated_texts_read_as_their_entry(pair):
    ...     entry, text = pair
    ...     assert newsfmt.parse(text) == entry
    >>> test_tolerated_texts_read_as_their_entry()
    """
    return entry_texts(True, **narrowing)


@st.composite
def invalid_texts(draw: st.DrawFn, /, **narrowing: Any) -> tuple[str, int]:
    """(text, line): a text with one error that parse reports at that line.

    >>> import newsfmt
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(invalid_texts())
    ... def test_errors_name_their_line(pair):
    ...     text, line = pair
    ...     try:
    ...         newsfmt.parse(text)
    ...     except newsfmt.ParseError as error:
    ...         assert error.line == line
    ...     else:
    ...         raise AssertionError("no error")
    >>> test_errors_name_their_line()
    """
    entry, text = draw(entry_texts(False, **narrowing))
    lines = text.split("\n")
    kinds = ["date", "headline", "heading"]
    kinds += ["url"] if entry.sources else []
    kinds += ["path"] if entry.related else []
    kind = draw(st.sampled_from(kinds))
    if kind == "date":
        lines[0] = lines[0].replace("### [", "### [x", 1)
        return "\n".join(lines), 1
    if kind == "headline":
        lines[2] = "#" + lines[2][2:]
        return "\n".join(lines), 3
    if kind == "heading":
        lines[4:4] = ["## Not a section", ""] if len(lines) > 4 else ["", "## Not a section"][len(lines) - 3 :]
        return "\n".join(lines), 5
    heading = "### Source:" if kind == "url" else "### Related:"
    first = lines.index(heading) + 2
    if kind == "url":
        lines[first] = lines[first][: lines[first].index("](") + 2] + "a b)"
    else:
        lines[first] = re.sub(r"\]\(/news/[0-9]{4}/[0-9]{2}/", "](/news/2016/13/", lines[first], count=1)
    return "\n".join(lines), first + 1


@st.composite
def entry_texts(draw: st.DrawFn, /, tolerant: bool = False, **narrowing: Any) -> tuple[Entry, str]:
    """An entry and its text, built line by line from the layout (not by serialize): canonical,
    or with any mix of the variations G3 tolerates."""
    entry: Entry = draw(entries(**narrowing))

    def space() -> str:
        return draw(st.text(st.sampled_from(SPACES), max_size=3)) if tolerant else ""

    def layout_space() -> str:  # the space after a headline or title, which G3 lets go missing
        return " " if not tolerant or draw(st.booleans()) else ""

    def blank_lines(count: int) -> list[str]:
        if not tolerant:
            return [""] * count
        return [space() for _ in range(draw(st.integers(1, 3)))]

    def number(canonical: int) -> int:
        return draw(st.integers(0, 10**12)) if tolerant and draw(st.booleans()) else canonical

    date = entry.date
    day = f"{date.day:02d}" if tolerant and draw(st.booleans()) else str(date.day)
    link = f"/news/{date.year:04d}/{date.month:02d}/{day}/index.md"
    lines = [f"### [{space()}{date.isoformat()}{space()}]({space()}{link}{space()})"]
    lines += blank_lines(1)
    lines.append(f"# {space()}{entry.headline}{layout_space()}{space()}")
    if entry.body:
        lines += blank_lines(1)
        first_body_line = len(lines)
        for index, paragraph in enumerate(entry.body.split("\n\n")):
            if index:
                lines += blank_lines(1)
            lines += paragraph.split("\n")
        lines[first_body_line] = space() + lines[first_body_line]
    if entry.sources or entry.related:
        lines += blank_lines(2)
    if entry.sources:
        lines.append("### Sources:" if tolerant and draw(st.booleans()) else "### Source:")
        lines += blank_lines(1)
        for index, source in enumerate(entry.sources, 1):
            lines.append(f"{number(index)}. [{space()}{source.name}{space()}]({space()}{source.url}{space()})")
        if entry.related:
            lines += blank_lines(1)
    if entry.related:
        lines.append("### Related:")
        lines += blank_lines(1)
        for index, item in enumerate(entry.related, 1):
            line = f"{number(index)}. [{space()}{item.title}{layout_space()}]({space()}{item.path}{space()})"
            if item.context:
                joined = ", ".join(f"{space()}{tag}{space()}" for tag in item.context)
                before = space() if tolerant else " "
                line += f"{before}_Context:{layout_space()}{joined}{space()}_"
            lines.append(line)
    if tolerant:
        lines = [line + space() for line in lines]
        lines += [space() for _ in range(draw(st.integers(0, 2)))]
    newline = draw(st.sampled_from(LINE_BREAKS)) if tolerant else "\n"
    final = newline if not tolerant or draw(st.booleans()) else ""
    bom = "\ufeff" if tolerant and draw(st.booleans()) else ""
    return entry, bom + newline.join(lines) + final
