"""What a Markdown renderer shows: HTML, plain text, and where it differs from the values newsfmt read.

The archive writes its values unescaped, so a value can render as something
else: ``*2026*`` as emphasis, an unbalanced ``[`` as a broken link. The checks
here parse the entry's canonical text with markdown-it-py (CommonMark) and
compare each block and link with the values. markdown-it-py is imported on the
first call only: ``import newsfmt`` and a plain ``newsfmt validate`` never load it.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from ._model import Entry, show
from ._serialize import serialize

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@functools.cache
def _markdown(html: bool = True) -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": html})


def render_html(entry: Entry, *, html: bool = True) -> str:
    """The HTML a CommonMark renderer makes of the entry's canonical text.

    Raw HTML in the values passes through, as CommonMark says; ``html=False``
    escapes it instead, for previews of text you do not trust.

    >>> import datetime, newsfmt
    >>> entry = newsfmt.Entry(date=datetime.date(2016, 4, 20), headline="NATO & *Russia*")
    >>> print(newsfmt.render_html(entry), end="")
    <h3><a href="/news/2016/04/20/index.md">2016-04-20</a></h3>
    <h1>NATO &amp; <em>Russia</em></h1>
    """
    rendered: str = _markdown(html).render(serialize(entry))
    return rendered


def plain_text(markdown: str) -> str:
    r"""The text a reader sees of some Markdown: its rendered HTML's text, without the tags.

    Markup is gone (emphasis marks, link destinations, backslash escapes), entities
    are decoded, images show their alt text and raw HTML is left out. Blocks are
    separated by a blank line and line breaks inside a paragraph kept, so a text
    without Markdown punctuation is its own plain text.

    >>> import newsfmt
    >>> newsfmt.plain_text("# NATO #\n\n*Stoltenberg* [said](https://x.org) &amp; `more`")
    'NATO\n\nStoltenberg said & more'
    """
    if not isinstance(markdown, str):
        raise TypeError(f"plain_text() takes a str, not {type(markdown).__name__}")
    blocks = []
    for token in _markdown().parse(markdown):
        if token.type == "inline":
            text = _inline_text(token.children or [])
        elif token.type in ("code_block", "fence"):
            text = token.content.removesuffix("\n")
        else:
            continue
        if text:
            blocks.append(text)
    return "\n\n".join(blocks)


def _inline_text(children: Sequence[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
    return "".join(parts)


class Problem(NamedTuple):
    """A value that renders differently, at a place in the entry's canonical text."""

    line: int  # 0-based, in the canonical text
    column: int  # 1-based
    code: str
    message: str
    anchor: str  # the text at that column, to find the place in a file laid out otherwise


def markdown_problems(entry: Entry) -> list[Problem]:
    """Every place where what a reader sees is not the value newsfmt read."""
    text = serialize(entry)
    lines = text.split("\n")
    tokens = _markdown().parse(text)
    # The document's blocks: (first line, end line, index of the opening token).
    blocks = [
        (token.map[0], token.map[1], index) for index, token in enumerate(tokens) if token.level == 0 and token.map
    ]
    problems: list[Problem] = []
    # "# HEADLINE " at line 2 always makes a level-1 heading: the values decide only what it shows.
    headline = next(index for first, _, index in blocks if first == 2)
    seen = _inline_text(tokens[headline + 1].children or [])
    if seen != entry.headline:
        message = f"expected the heading {show(entry.headline)}, the reader sees {show(seen)}"
        problems.append(Problem(2, 3, "NF401", message, entry.headline))
    if entry.body:
        problems.extend(_body_problems(entry.body, tokens, blocks, lines))
    items = {token.map[0]: token for token in tokens if token.type == "inline" and token.level == 3 and token.map}
    for code, heading, values in (
        ("NF403", "### Source:", [(source.name, source.url, ()) for source in entry.sources]),
        ("NF404", "### Related:", [(item.title, item.path, item.context) for item in entry.related]),
    ):
        if not values:
            continue
        at = lines.index(heading)
        hiding = next((block for block in blocks if block[0] < at < block[1]), None)
        if hiding is not None:
            # Only the body can open a block that runs on over blank lines (a code fence, some raw HTML).
            where = f"{_kind(tokens[hiding[2]])} that the body opens"
            message = f"expected the heading {show(heading[4:])}, the reader sees it inside {where}"
            problems.append(Problem(at, 1, code, message, heading))
            continue
        for number, (name, target, tags) in enumerate(values):
            problems.extend(_item_problems(code, at + 2 + number, lines[at + 2 + number], items, name, target, tags))
    return problems


def _body_problems(
    body: str, tokens: list[Token], blocks: list[tuple[int, int, int]], lines: list[str]
) -> list[Problem]:
    """Each block of the body that is not a paragraph, and each run of lines that renders as nothing."""
    body_end = 4 + body.count("\n") + 1
    starts = [first for first, _, _ in blocks]  # top-level blocks are in order and never overlap
    problems, reported = [], set()
    unseen = False  # the line before was a line of text that renders as nothing
    for line in range(4, body_end):
        if not lines[line]:
            unseen = False
            continue
        at = bisect.bisect_right(starts, line) - 1
        block = blocks[at] if at >= 0 and line < blocks[at][1] else None
        if block is None:
            if not unseen:
                message = "expected the body's text, the reader sees nothing: a link reference definition"
                problems.append(Problem(line, 1, "NF402", message, lines[line]))
            unseen = True
            continue
        unseen = False
        first, last, index = block
        if index in reported:
            continue
        reported.add(index)
        # A paragraph cut short or begun late is a body paragraph all the same: what cut it is reported.
        if tokens[index].type == "paragraph_open":
            problems.extend(_raw_html(tokens[index + 1], first, last, lines))
            continue
        seen = _kind(tokens[index])
        if any(lines[body_end:last]):  # markdown-it counts a block's trailing blank lines as its own
            seen += " that runs to the end of the file" if last >= len(lines) - 1 else " that runs past the body"
        problems.append(
            Problem(first, 1, "NF402", f"expected a paragraph of the body, the reader sees {seen}", lines[first])
        )
    return problems


def _raw_html(inline: Token, first: int, last: int, lines: list[str]) -> list[Problem]:
    """Raw HTML in a paragraph of the body: a browser reads it as markup, which can wrap all that follows."""
    problems = []
    text, offset = "\n".join(lines[first:last]), 0
    for child in inline.children or []:
        if child.type == "html_inline":
            offset = text.find(child.content, offset)
            line = first + text.count("\n", 0, offset)
            column = offset - text.rfind("\n", 0, offset)
            message = f"expected the text of the body, the reader sees raw HTML {show(child.content)}"
            problems.append(Problem(line, column, "NF402", message, child.content))
            offset += len(child.content)
    return problems


def _kind(token: Token) -> str:
    if token.type == "heading_open":
        return f"a level-{token.tag[1]} heading"
    return {
        "paragraph_open": "a paragraph",
        "bullet_list_open": "a bulleted list",
        "ordered_list_open": "a numbered list",
        "blockquote_open": "a block quote",
        "code_block": "a code block",
        "fence": "a code block",
        "hr": "a horizontal rule",
        "html_block": "raw HTML",
    }.get(token.type, token.type)


def _item_problems(
    code: str, line: int, text: str, items: dict[int, Token], name: str, target: str, tags: Sequence[str]
) -> list[Problem]:
    """A list item must show one link, to the value's target with the value as its text, then the tags."""
    name_column = text.index("[") + 2
    inline = items.get(line)
    children = (inline.children or []) if inline else []
    link_end = next((at for at, child in enumerate(children) if child.type == "link_close"), 0)
    shown = _inline_text(children[1:link_end]).strip()
    href = children[0].attrGet("href") if children and children[0].type == "link_open" else None
    if not link_end or shown != name or href != _markdown().normalizeLink(target):
        message = f"expected a link {show(name)} to {show(target)}, the reader sees {_describe(children)}"
        return [Problem(line, name_column, code, message, name)]
    rest = children[link_end + 1 :]
    if not tags:  # the line ends at the link: nothing of the values can follow it
        return []
    context = f"Context: {', '.join(tags)}"
    if not (
        len(rest) >= 3
        and [rest[0].type, rest[0].content, rest[1].type, rest[-1].type] == ["text", " ", "em_open", "em_close"]
        and _inline_text(rest[1:-1]) == context
    ):
        message = f"expected the emphasis {show(context)}, the reader sees {_describe(rest)}"
        return [Problem(line, text.index(" _Context: ") + 2, "NF405", message, "_Context:")]
    return []


def _describe(children: Sequence[Token]) -> str:
    """Inline content as a reader meets it: text, links, emphasis and code, in order."""
    parts: list[list[str]] = []  # [what, text] or [what, text, target]
    depth, opened = 0, 0
    for at, child in enumerate(children):
        if child.nesting == 1:
            depth, opened = depth + 1, at if depth == 0 else opened
        elif child.nesting == -1:
            depth -= 1
            if depth == 0:
                opening, inner = children[opened], _inline_text(children[opened + 1 : at])
                if opening.type == "link_open":
                    parts.append(["a link", inner, str(opening.attrGet("href"))])
                else:
                    parts.append(["strong emphasis" if opening.type == "strong_open" else "emphasis", inner])
        elif depth:
            continue
        elif child.type in ("code_inline", "image", "html_inline"):
            what = {"code_inline": "code", "image": "an image", "html_inline": "raw HTML"}[child.type]
            parts.append([what, _inline_text(child.children or []) if child.type == "image" else child.content])
        else:
            parts.append(["text", _inline_text([child])])
    described = [f"{what} {show(text)}" + (f" to {show(rest[0])}" if rest else "") for what, text, *rest in parts]
    return ", then ".join(described) or "nothing"
