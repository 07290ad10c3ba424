"""Hypothesis strategies: valid entries, and their texts written canonically or with G3 variations.

The text builder here is written from FORMAT.md's layout, independently of
newsfmt.serialize, so that the property tests compare two implementations.
"""

from __future__ import annotations

import re
from typing import Any

from hypothesis import strategies as st

from newsfmt import Entry, Related, Source
from newsfmt._model import body_problem, link_text_problem, tag_problem, text_problem, url_problem

# Characters with a meaning in Markdown or in the format, and the characters that
# str.splitlines() breaks on but the format treats as text.
MARKDOWN = ["*", "_", "[", "]", "(", ")", "`", "<", ">", "#", "!", "\\", "-", "+", "|", "~", "&", ":", ",", "."]
FORMAT_TOKENS = ["](", ", ", "_Context:", "### ", "# ", "1. [", "http://", "/news/2016/04/8/", ".md", "  "]
ODD_BREAKS = ["\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
# Whitespace (str.isspace) that is not a line break of the format.
SPACES = [" ", "\t", "\xa0", "\u3000", "\u2003", "\v", "\f", "\x1c", "\x1f", "\x85", "\u2028", "\u2029"]
LINE_BREAKS = ["\n", "\r", "\r\n"]

_HEADING = re.compile(r"#{1,6}(?: |$)")


def _pieces(ascii_only: bool = False) -> st.SearchStrategy[str]:
    characters = st.characters(codec="ascii" if ascii_only else "utf-8")
    return st.one_of(characters, st.sampled_from(MARKDOWN + FORMAT_TOKENS + ODD_BREAKS + LINE_BREAKS + [" "]))


def raw_text(max_size: int = 24) -> st.SearchStrategy[str]:
    return st.lists(_pieces(), max_size=max_size).map("".join)


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ").strip()


def texts() -> st.SearchStrategy[str]:
    """Headlines: one trimmed, non-empty line."""
    return raw_text().map(_one_line).filter(lambda text: text_problem(text) is None)


def link_texts() -> st.SearchStrategy[str]:
    """Source names and related titles."""
    return (
        raw_text()
        .map(lambda text: _one_line(text.replace("](", "] (")))
        .filter(lambda text: link_text_problem(text) is None)
    )


def _without_separators(text: str) -> str:
    while ", " in text:
        text = text.replace(", ", ",")
    return _one_line(text)


def tags() -> st.SearchStrategy[str]:
    return raw_text(12).map(_without_separators).filter(lambda text: tag_problem(text) is None)


def urls() -> st.SearchStrategy[str]:
    return (
        st.lists(_pieces(), min_size=1, max_size=30)
        .map(lambda parts: "".join("".join(parts).split()))
        .filter(lambda url: url_problem(url) is None)
    )


def paths() -> st.SearchStrategy[str]:
    return st.builds(
        lambda date, slug: f"/news/{date.year:04d}/{date.month:02d}/{date.day}/{slug}.md",
        st.dates(),
        st.from_regex(r"[a-z0-9-]{1,40}", fullmatch=True),
    )


def _body_line(text: str) -> str:
    line = text.replace("\r", " ").replace("\n", " ").rstrip()
    return "x" + line if _HEADING.match(line) else line


def _body(paragraphs: list[list[str]]) -> str:
    body = "\n\n".join("\n".join(lines) for lines in paragraphs).lstrip()
    return "x" + body if _HEADING.match(body) else body


def bodies() -> st.SearchStrategy[str]:
    line = raw_text(40).map(_body_line).filter(bool)
    paragraph = st.lists(line, min_size=1, max_size=4)
    return st.one_of(
        st.just(""),
        st.lists(paragraph, min_size=1, max_size=4).map(_body).filter(lambda body: body_problem(body) is None),
    )


def sources() -> st.SearchStrategy[Source]:
    return st.builds(Source, name=link_texts(), url=urls())


def related() -> st.SearchStrategy[Related]:
    return st.builds(Related, title=link_texts(), path=paths(), context=st.lists(tags(), max_size=4))


def entries(max_items: int = 5) -> st.SearchStrategy[Entry]:
    return st.builds(
        Entry,
        date=st.dates(),
        headline=texts(),
        body=bodies(),
        sources=st.lists(sources(), max_size=max_items),
        related=st.lists(related(), max_size=max_items),
    )


@st.composite
def entry_texts(draw: Any, tolerant: bool = False) -> tuple[Entry, str]:
    """An entry and its text: canonical, or with any mix of the variations G3 tolerates."""
    entry: Entry = draw(entries())

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
