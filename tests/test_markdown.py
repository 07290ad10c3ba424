"""Markdown semantics: render_html, plain_text and the NF4xx findings, checked against markdown-it-py's HTML."""

from __future__ import annotations

import datetime
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from newsfmt import Entry, Related, Source, check, parse, plain_text, render_html, serialize
from newsfmt._check import check_text
from newsfmt._markdown import markdown_problems

from . import strategies as s
from .test_example import EXAMPLE

normalize_link = MarkdownIt("commonmark").normalizeLink

PLAIN = Entry(
    date=datetime.date(2016, 4, 8),
    headline="NATO will meet Russia",
    body="Ambassadors will meet\nin Brussels.\n\nThe talks are the first in two years.",
    sources=[Source(name="Reuters", url="https://example.com/a")],
    related=[
        Related(title="NATO reopens talks", path="/news/2016/04/20/nato-reopens-talks.md", context=["NATO", "Russia"])
    ],
)


def found(entry: Entry) -> list[tuple[int, int, str]]:
    """(line, column, code) of each NF4xx finding, 1-based as validate shows them."""
    return [(p.line + 1, p.column, p.code) for p in markdown_problems(entry)]


def test_the_example_and_a_plain_entry_render_as_written() -> None:
    assert markdown_problems(parse(EXAMPLE.read_text(encoding="utf-8"))) == []
    assert markdown_problems(PLAIN) == []


@given(s.entries(plain=True))
def test_entries_of_plain_words_render_as_written(entry: Entry) -> None:
    assert markdown_problems(entry) == []


# Each kind of Markdown punctuation that makes a value render as something else:
# (what changes, the value or values, (line, column, code), what the message says the reader sees).
CASES: list[tuple[str, dict[str, Any], tuple[int, int, str], str]] = [
    ("emphasis in the headline", {"headline": "*2026* elections"}, (3, 3, "NF401"), 'the reader sees "2026 elections"'),
    ("closing #s of a heading", {"headline": "Vote count #"}, (3, 3, "NF401"), 'the reader sees "Vote count"'),
    ("an entity", {"headline": "AT&amp;T merger"}, (3, 3, "NF401"), 'the reader sees "AT&T merger"'),
    ("a backslash escape", {"headline": "2 \\* 3"}, (3, 3, "NF401"), 'the reader sees "2 * 3"'),
    ("raw HTML in the headline", {"headline": "The <b> tag"}, (3, 3, "NF401"), 'the reader sees "The  tag"'),
    ("a list in the body", {"body": "Results:\n- one\n- two"}, (6, 1, "NF402"), "the reader sees a bulleted list"),
    ("a numbered list", {"body": "1. first"}, (5, 1, "NF402"), "the reader sees a numbered list"),
    ("a quote in the body", {"body": "> quoted"}, (5, 1, "NF402"), "the reader sees a block quote"),
    ("a setext underline", {"body": "Title\n===="}, (5, 1, "NF402"), "the reader sees a level-1 heading"),
    ("a rule", {"body": "one\n\n***"}, (7, 1, "NF402"), "the reader sees a horizontal rule"),
    ("a link reference definition", {"body": "[a]: /b"}, (5, 1, "NF402"), "the reader sees nothing"),
    ("raw HTML in the body", {"body": "See <a href=x> here"}, (5, 5, "NF402"), 'raw HTML "<a href=x>"'),
    ("an unclosed code fence", {"body": "```"}, (5, 1, "NF402"), "a code block that runs to the end of the file"),
    ("an unbalanced [ in a name", {"name": "a [b"}, (8, 5, "NF403"), 'text "[a ", then a link "b" to'),
    ("emphasis in a name", {"name": "*AP*"}, (8, 5, "NF403"), 'a link "AP" to'),
    ("a ) in a URL", {"url": "https://x.org/a)b"}, (8, 5, "NF403"), 'to "https://x.org/a", then text "b)"'),
    ("a backslash in a URL", {"url": "https://x.org/a\\_b"}, (8, 5, "NF403"), 'to "https://x.org/a_b"'),
    ("a code span in a title", {"title": "the `x` flag"}, (12, 5, "NF404"), 'a link "the x flag " to'),
    ("an unbalanced [ in a title", {"title": "[draft"}, (12, 5, "NF404"), 'text "[", then a link "draft " to'),
    ("a tag ending the emphasis", {"tag": "snake_ case"}, (12, 39, "NF405"), 'emphasis "Context: snake"'),
    ("a tag with emphasis", {"tag": "*bold*"}, (12, 39, "NF405"), 'emphasis "Context: bold"'),
]


def case_entry(change: dict[str, Any]) -> Entry:
    source = Source(name=change.get("name", "Reuters"), url=change.get("url", "https://example.com/a"))
    item = Related(
        title=change.get("title", "Other"), path="/news/2016/04/9/other.md", context=[change.get("tag", "NATO")]
    )
    return Entry(
        date=datetime.date(2016, 4, 8),
        headline=change.get("headline", "Plain headline"),
        body=change.get("body", ""),
        sources=[source],
        related=[item],
    )


@pytest.mark.parametrize(("change", "where", "seen"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_markdown_punctuation_gives_its_finding(change: dict[str, Any], where: tuple[int, int, str], seen: str) -> None:
    entry = case_entry(change)
    problems = markdown_problems(entry)
    assert found(entry)[0] == where
    assert seen in problems[0].message
    line = serialize(entry).split("\n")[where[0] - 1]
    assert line[where[1] - 1 :].startswith(problems[0].anchor)


def test_a_fence_in_the_body_hides_the_sections_and_each_finding_says_so() -> None:
    entry = case_entry({"body": "Code:\n\n```"})
    assert [code for _, _, code in found(entry)] == ["NF402", "NF403", "NF404"]
    assert "inside a code block that the body opens" in markdown_problems(entry)[1].message


def test_findings_are_placed_on_the_file_s_own_lines_and_columns() -> None:
    entry = case_entry({"name": "*AP*", "tag": "a_ b"})
    text = serialize(entry).replace("\n\n\n### Source:", "\n\n\n\n### Source:").replace("1. [*AP*]", "7.  [ *AP*]")
    _, findings = check_text(text, "entry.md", markdown=True)
    lines = text.split("\n")
    by_code = {f.code: f for f in findings if f.code.startswith("NF4")}
    assert lines[by_code["NF403"].line - 1][by_code["NF403"].column - 1 :].startswith("*AP*")
    assert lines[by_code["NF405"].line - 1][by_code["NF405"].column - 1 :].startswith("_Context: a_ b_")


def test_without_markdown_validate_leaves_the_nf4_checks_out() -> None:
    _, findings = check_text(serialize(case_entry({"headline": "*x*"})), "entry.md")
    assert findings == []


# The differential test: newsfmt's findings against the HTML markdown-it-py renders.


@attrs.define
class Block:
    tag: str
    text: str = ""
    links: list[tuple[str, str]] = attrs.field(factory=list)
    emphasis: list[str] = attrs.field(factory=list)
    items: list[Block] = attrs.field(factory=list)


class Outline(HTMLParser):
    """The rendered page as a reader meets it: its top-level blocks, each list item's text, links and emphasis."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.open: list[str] = []
        self.link: list[str] | None = None
        self.em: list[str] = []
        self.feed(html)
        self.close()

    def target(self) -> Block:
        block = self.blocks[-1]
        return block.items[-1] if "li" in self.open else block

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "hr"):  # void elements
            if not self.open:
                self.blocks.append(Block(tag))
            return
        if not self.open:
            self.blocks.append(Block(tag))
        elif tag == "li" and self.open == ["ol"]:
            self.blocks[-1].items.append(Block("li"))
        if tag == "a":
            self.link = ["", dict(attrs).get("href") or ""]
        if tag == "em":
            self.em.append("")
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        # Raw HTML in a value can leave a tag open or close one never opened, as a browser would take it.
        if tag not in self.open:
            return
        while True:
            closed = self.open.pop()
            if closed == "a" and self.link:
                self.target().links.append((self.link[0], self.link[1]))
                self.link = None
            if closed == "em":
                self.target().emphasis.append(self.em.pop())
            if closed == tag:
                return

    def handle_data(self, data: str) -> None:
        if not self.open:
            return
        self.target().text += data
        if self.link:
            self.link[0] += data
        self.em = [text + data for text in self.em]


def differences(entry: Entry, outline: Outline) -> set[tuple[str, int]]:
    """(code, index) for each value that the HTML does not show as written; the structure must be intact."""
    blocks = outline.blocks
    assert blocks[0].text == entry.date.isoformat()
    assert blocks[0].links == [
        (entry.date.isoformat(), f"/news/{entry.date.year:04d}/{entry.date.month:02d}/{entry.date.day}/index.md")
    ]
    assert blocks[1].tag == "h1"
    different = set() if blocks[1].text == entry.headline else {("NF401", 0)}
    sections = blocks[len(blocks) - 2 * (bool(entry.sources) + bool(entry.related)) :]
    assert [block.tag for block in blocks[2 : len(blocks) - len(sections)]] == ["p"] * (
        entry.body.count("\n\n") + 1 if entry.body else 0
    )
    if entry.sources:
        heading, items = sections[0], sections[1].items
        assert (heading.tag, heading.text, len(items)) == ("h3", "Source:", len(entry.sources))
        for index, (item, source) in enumerate(zip(items, entry.sources, strict=True)):
            if (item.text, item.links) != (source.name, [(source.name, normalize_link(source.url))]):
                different.add(("NF403", index))
    if entry.related:
        heading, items = sections[-2], sections[-1].items
        assert (heading.tag, heading.text, len(items)) == ("h3", "Related:", len(entry.related))
        for index, (item, related) in enumerate(zip(items, entry.related, strict=True)):
            context = [f"Context: {', '.join(related.context)}"] if related.context else []
            shown = f"{related.title}  {context[0]}" if context else f"{related.title} "
            if item.links[:1] != [(f"{related.title} ", normalize_link(related.path))] or not item.text.startswith(
                f"{related.title} "
            ):
                different.add(("NF404", index))
            elif (item.text, item.emphasis, item.links[1:]) != (shown, context, []):
                different.add(("NF405", index))
    return different


def reported(entry: Entry) -> set[tuple[str, int]]:
    """(code, index) of each NF4xx finding: the item's index for NF403-NF405, else 0."""
    lines = serialize(entry).split("\n")
    result = set()
    for problem in markdown_problems(entry):
        heading = "### Source:" if problem.code == "NF403" else "### Related:"
        index = problem.line - lines.index(heading) - 2 if problem.code in ("NF403", "NF404", "NF405") else 0
        result.add((problem.code, index))
    return result


@given(st.one_of(s.entries(max_sources=3, max_related=3), s.entries(plain=True, max_sources=3, max_related=3)))
def test_the_findings_are_exactly_the_values_the_html_does_not_show_as_written(entry: Entry) -> None:
    problems = reported(entry)
    if any(code == "NF402" for code, _ in problems):  # the body changes the page's structure: not compared
        return
    assert problems == differences(entry, Outline(render_html(entry)))


@given(s.entries(max_sources=3, max_related=3))
def test_with_no_finding_the_html_shows_every_value_as_written(entry: Entry) -> None:
    if not markdown_problems(entry):
        assert differences(entry, Outline(render_html(entry))) == set()


# render_html and plain_text


def test_render_html_of_the_plain_entry() -> None:
    html = render_html(PLAIN)
    assert html.startswith(
        '<h3><a href="/news/2016/04/8/index.md">2016-04-08</a></h3>\n<h1>NATO will meet Russia</h1>\n'
    )
    assert (
        '<li><a href="/news/2016/04/20/nato-reopens-talks.md">NATO reopens talks </a> <em>Context: NATO, Russia</em></li>'
        in html
    )


def test_render_html_passes_raw_html_through_unless_told_not_to() -> None:
    entry = case_entry({"headline": "<script>alert(1)</script>"})
    assert "<h1><script>alert(1)</script></h1>" in render_html(entry)
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in render_html(entry, html=False)


def test_plain_text_drops_the_markup_and_keeps_the_text() -> None:
    markdown = (
        "*Stoltenberg* [said](https://x.org) `NATO` &amp; ![a map](m.png) <b>more</b>\nnext line\n\n# Heading #\n"
    )
    assert plain_text(markdown) == "Stoltenberg said NATO & a map more\nnext line\n\nHeading"
    assert plain_text("    indented code\n\n```\nfenced *code*\n```\n") == "indented code\n\nfenced *code*"
    assert plain_text("#\n\nText.") == "Text."  # an empty heading shows nothing: no empty block


@given(s.bodies(plain=True))
def test_plain_text_of_plain_words_is_the_text(body: str) -> None:
    assert plain_text(body) == body


def test_plain_text_takes_only_a_str() -> None:
    with pytest.raises(TypeError, match="plain_text\\(\\) takes a str, not bytes"):
        plain_text(b"x")  # type: ignore[arg-type]


def test_validate_select_nf4_on_the_example_finds_nothing(tmp_path: Path) -> None:
    (tmp_path / EXAMPLE.name).write_bytes(EXAMPLE.read_bytes())
    command = [sys.executable, "-m", "newsfmt", "validate", "--select", "NF4", EXAMPLE.name]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "1 file, 0 errors, 0 warnings\n")


def test_a_run_of_link_reference_definitions_in_the_body_is_one_finding() -> None:
    text = "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n[a]: http://x\n[b]: http://y\n"
    text += "\n\n### Source:\n\n1. [E](https://e.com/)\n"
    assert [str(f) for f in check(text, "x.md", select=["NF4"])] == [
        "x.md:5:1: warning: NF402 expected the body's text, the reader sees nothing: a link reference definition"
    ]
