"""One test per rule of FORMAT.md: the canonical layout, each G3 variation, each G4 error."""

from __future__ import annotations

import datetime

import pytest

from newsfmt import Entry, ParseError, Related, Source, parse, serialize

SAMPLE = (
    "### [2016-04-08](/news/2016/04/8/index.md)\n"  # 1
    "\n"
    "# A headline \n"  # 3
    "\n"
    "First paragraph,\n"  # 5
    "second line.\n"
    "\n"
    "Second paragraph.\n"  # 8
    "\n"
    "\n"
    "### Source:\n"  # 11
    "\n"
    "1. [Euronews](http://example.com/a)\n"  # 13
    "2. [Reuters](http://example.com/b)\n"
    "\n"
    "### Related:\n"  # 16
    "\n"
    "1. [Another title ](/news/2016/04/15/another-title.md) _Context: NATO, Russia_\n"  # 18
    "2. [Untagged ](/news/2015/12/2/untagged.md)\n"
)

SAMPLE_ENTRY = Entry(
    date=datetime.date(2016, 4, 8),
    headline="A headline",
    body="First paragraph,\nsecond line.\n\nSecond paragraph.",
    sources=[Source(name="Euronews", url="http://example.com/a"), Source(name="Reuters", url="http://example.com/b")],
    related=[
        Related(title="Another title", path="/news/2016/04/15/another-title.md", context=["NATO", "Russia"]),
        Related(title="Untagged", path="/news/2015/12/2/untagged.md"),
    ],
)


def replaced(old: str, new: str, text: str = SAMPLE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_the_sample_is_canonical() -> None:
    assert parse(SAMPLE) == SAMPLE_ENTRY
    assert serialize(SAMPLE_ENTRY) == SAMPLE


# The canonical layout, rule by rule.


def test_the_date_link_has_a_two_digit_month_and_a_day_without_leading_zero() -> None:
    assert serialize(SAMPLE_ENTRY).startswith("### [2016-04-08](/news/2016/04/8/index.md)\n\n")
    assert SAMPLE_ENTRY.day_path == "/news/2016/04/8/index.md"


def test_the_headline_line_is_hash_space_headline_space() -> None:
    assert "\n# A headline \n" in serialize(SAMPLE_ENTRY)


def test_an_empty_body_leaves_out_its_blank_line_and_lines() -> None:
    entry = Entry(date=datetime.date(2016, 4, 8), headline="H", sources=[Source(name="N", url="u")])
    assert serialize(entry) == "### [2016-04-08](/news/2016/04/8/index.md)\n\n# H \n\n\n### Source:\n\n1. [N](u)\n"


def test_with_no_section_the_file_ends_after_the_body_or_the_headline() -> None:
    date = datetime.date(2016, 4, 8)
    assert serialize(Entry(date=date, headline="H", body="B")).endswith("\n# H \n\nB\n")
    assert serialize(Entry(date=date, headline="H")) == "### [2016-04-08](/news/2016/04/8/index.md)\n\n# H \n"


def test_two_blank_lines_before_the_first_section_and_one_before_related() -> None:
    text = serialize(SAMPLE_ENTRY)
    assert "Second paragraph.\n\n\n### Source:\n\n1." in text
    assert "(http://example.com/b)\n\n### Related:\n\n1." in text
    only_related = Entry(date=datetime.date(2016, 4, 8), headline="H", related=SAMPLE_ENTRY.related[1:])
    assert "# H \n\n\n### Related:\n\n1. [Untagged ]" in serialize(only_related)


def test_items_are_numbered_from_one_without_blank_lines_and_the_heading_is_always_source() -> None:
    entry = Entry(
        date=datetime.date(2016, 4, 8),
        headline="H",
        sources=[Source(name=f"N{number}", url=f"u{number}") for number in range(1, 12)],
    )
    text = serialize(entry)
    assert "### Source:\n\n1. [N1](u1)\n2. [N2](u2)\n" in text
    assert text.endswith("10. [N10](u10)\n11. [N11](u11)\n")
    assert "### Sources:" not in text


def test_tags_are_joined_by_comma_space_and_an_untagged_item_ends_after_its_link() -> None:
    text = serialize(SAMPLE_ENTRY)
    assert "(/news/2016/04/15/another-title.md) _Context: NATO, Russia_\n" in text
    assert text.endswith("2. [Untagged ](/news/2015/12/2/untagged.md)\n")


def test_the_file_ends_with_exactly_one_newline_and_lines_end_with_lf() -> None:
    text = serialize(SAMPLE_ENTRY)
    assert text.endswith(")\n") and not text.endswith("\n\n") and "\r" not in text


def test_text_is_never_escaped() -> None:
    punctuation = "*bold* _em_ [link] (x) `code` <b> \\ # ! | &amp;"
    entry = Entry(
        date=datetime.date(2016, 4, 8),
        headline=punctuation + " [link](x)",
        body=punctuation + " [link](x)",
        sources=[Source(name=punctuation, url="http://x/(a)_[b]")],
        related=[Related(title=punctuation, path="/news/2016/04/8/a.md", context=["*x*", "_y", "[z]"])],
    )
    text = serialize(entry)
    assert text.count(punctuation) == 4 and text.count(punctuation + " [link](x)") == 2
    assert "[http://x/(a)_[b]" not in text and "(http://x/(a)_[b])" in text
    assert "_Context: *x*, _y, [z]_" in text
    assert parse(text) == entry


def test_odd_line_break_characters_are_ordinary_text() -> None:
    odd = "a\vb\fc\x1cd\x1de\x1ef\x85g\u2028h\u2029i"
    entry = Entry(
        date=datetime.date(2016, 4, 8),
        headline=odd,
        body=odd,
        sources=[Source(name=odd, url="u")],
        related=[Related(title=odd, path="/news/2016/04/8/a.md", context=[odd])],
    )
    text = serialize(entry)
    assert text.count("\n") == 14  # each value stays on its own line
    assert parse(text) == entry


def test_body_lines_keep_their_indentation_and_punctuation_verbatim() -> None:
    body = "first\n    indented code\n  - list\n1. [not](an item)\n\n> quote\n#hashtag"
    entry = Entry(date=datetime.date(2016, 4, 8), headline="H", body=body)
    assert parse(serialize(entry)).body == body


def test_a_related_path_with_an_unpadded_day_and_a_slug() -> None:
    item = parse(SAMPLE).related[1]
    assert item.path == "/news/2015/12/2/untagged.md"
    assert item.date == datetime.date(2015, 12, 2)
    assert item.slug == "untagged"


# G3: each tolerated variation reads as the canonical text, and serializes back to it.

TOLERATED = {
    "crlf line endings": SAMPLE.replace("\n", "\r\n"),
    "cr line endings": SAMPLE.replace("\n", "\r"),
    "mixed line endings": SAMPLE.replace("\n", "\r\n", 5).replace("\n", "\r", 3),
    "a leading byte order mark": "\ufeff" + SAMPLE,
    "no final newline": SAMPLE[:-1],
    "blank lines after the last line": SAMPLE + "\n \n\t\n",
    "trailing whitespace on every line": SAMPLE.replace("\n", " \t\n"),
    "unicode trailing whitespace": SAMPLE.replace("\n", "\u3000\xa0\x85\n"),
    "headline without its space": replaced("# A headline \n", "# A headline\n"),
    "headline with more space": replaced("# A headline \n", "#    A headline   \n"),
    "title without its space": replaced("[Untagged ]", "[Untagged]"),
    "whitespace inside the date brackets": replaced(
        "[2016-04-08](/news/2016/04/8/index.md)", "[ 2016-04-08\t]( /news/2016/04/8/index.md )"
    ),
    "whitespace around name and url": replaced(
        "[Euronews](http://example.com/a)", "[  Euronews ](\thttp://example.com/a )"
    ),
    "whitespace around title and path": replaced(
        "[Another title ](/news/2016/04/15/another-title.md)",
        "[ Another title  ](  /news/2016/04/15/another-title.md )",
    ),
    "whitespace around tags": replaced("_Context: NATO, Russia_", "_Context:   NATO ,  Russia _"),
    "no space before or after _Context:": replaced(".md) _Context: NATO, Russia_", ".md)_Context:NATO, Russia_"),
    "more blank lines between paragraphs": replaced("second line.\n\nSecond", "second line.\n\n\n \n\nSecond"),
    "blank lines of whitespace": replaced("# A headline \n\n", "# A headline \n  \t\n"),
    "one blank line before the first section": replaced("paragraph.\n\n\n### Source:", "paragraph.\n\n### Source:"),
    "three blank lines before the first section": replaced(
        "paragraph.\n\n\n### Source:", "paragraph.\n\n\n\n### Source:"
    ),
    "two blank lines around headings": replaced("\n\n### Related:\n\n", "\n\n\n### Related:\n\n\n"),
    "more blank lines after the date line": replaced("index.md)\n\n#", "index.md)\n\n\n\n#"),
    "### Sources: for ### Source:": replaced("### Source:", "### Sources:"),
    "a zero-padded day in the date link": replaced("/news/2016/04/8/index.md", "/news/2016/04/08/index.md"),
    "list numbers other than 1..n": replaced("2. [Reuters]", "1. [Reuters]", replaced("1. [Another", "7. [Another")),
    "leading zeros and tabs after list numbers": replaced("1. [Euronews]", "001.\t [Euronews]"),
    "whitespace before the body": replaced("\nFirst paragraph,", "\n   First paragraph,"),
}


@pytest.mark.parametrize("text", TOLERATED.values(), ids=TOLERATED.keys())
def test_g3_a_tolerated_variation_reads_as_the_canonical_text(text: str) -> None:
    assert text != SAMPLE
    assert parse(text) == SAMPLE_ENTRY
    assert serialize(parse(text)) == SAMPLE


# G4: everything else raises ParseError with the line and column of the problem.

RELATED_FIRST = SAMPLE.replace(
    "\n\n\n### Source:", "\n\n\n### Related:\n\n1. [T ](/news/2016/04/15/t.md)\n\n### Source:"
)

ERRORS = {
    "an empty text": (
        "",
        1,
        1,
        'expected the date line "### [YYYY-MM-DD](/news/YYYY/MM/D/index.md)", found the end of the file',
    ),
    "blank lines only": (
        "\n \n",
        3,
        1,
        'expected the date line "### [YYYY-MM-DD](/news/YYYY/MM/D/index.md)", found the end of the file',
    ),
    "no date line": (
        SAMPLE[SAMPLE.index("# A") :],
        1,
        1,
        'expected the date line "### [YYYY-MM-DD](/news/YYYY/MM/D/index.md)", found "# A headline"',
    ),
    "a blank line before the date line": (
        "\n" + SAMPLE,
        1,
        1,
        'expected the date line "### [YYYY-MM-DD](/news/YYYY/MM/D/index.md)", found ""',
    ),
    "a date that is not in the calendar": (
        replaced("[2016-04-08](/news/2016/04/8/", "[2016-02-30](/news/2016/02/30/"),
        1,
        6,
        'expected a real date, found "2016-02-30"',
    ),
    "a date that is not a date": (
        replaced("[2016-04-08]", "[2016-4-8]"),
        1,
        6,
        'expected a date YYYY-MM-DD in brackets, found "2016-4-8](/news/2016/04/8/index.md)"',
    ),
    "a date link to another day": (
        replaced("/news/2016/04/8/index.md", "/news/2016/04/9/index.md"),
        1,
        18,
        'expected the link "/news/2016/04/8/index.md" to the day of 2016-04-08, found "/news/2016/04/9/index.md"',
    ),
    "a date link with a one-digit month": (
        replaced("/news/2016/04/8/index.md", "/news/2016/4/8/index.md"),
        1,
        17,
        'expected the day page link "(/news/YYYY/MM/D/index.md)", found "(/news/2016/4/8/index.md)"',
    ),
    "no blank line after the date line": (
        replaced("index.md)\n\n", "index.md)\n"),
        2,
        1,
        'expected a blank line after the date line, found "# A headline "',
    ),
    "no headline": (
        SAMPLE[: SAMPLE.index("# A")],
        3,
        1,
        'expected the headline "# HEADLINE", found the end of the file',
    ),
    "a headline that is not a # line": (
        replaced("# A headline", "## A headline"),
        3,
        1,
        'expected the headline "# HEADLINE", found "## A headline "',
    ),
    "a headline without its space": (
        replaced("# A headline", "#A headline"),
        3,
        1,
        'expected the headline "# HEADLINE", found "#A headline "',
    ),
    "an empty headline": (replaced("# A headline ", "#   "), 3, 3, 'expected a headline after "# ", found nothing'),
    "no blank line after the headline": (
        replaced("# A headline \n\n", "# A headline \n"),
        4,
        1,
        'expected a blank line after the headline, found "First paragraph,"',
    ),
    "a second headline": (
        replaced("\nFirst paragraph,", "\n# Another"),
        5,
        1,
        'expected "### Source:" or "### Related:" (a heading cannot be part of the body), found "# Another"',
    ),
    "a heading in the body": (
        replaced("Second paragraph.", "## Subheading"),
        8,
        1,
        'expected "### Source:" or "### Related:" (a heading cannot be part of the body), found "## Subheading"',
    ),
    "an indented heading opening the body": (
        replaced("\nFirst paragraph,", "\n   # First"),
        5,
        4,
        'expected body text, found a heading "# First"',
    ),
    "no blank line before the first section": (
        replaced("paragraph.\n\n\n###", "paragraph.\n###"),
        9,
        1,
        'expected a blank line before "### Source:"',
    ),
    "an unknown section": (
        replaced("### Source:", "### Notes:"),
        11,
        1,
        'expected "### Source:" or "### Related:" (a heading cannot be part of the body), found "### Notes:"',
    ),
    "a section heading in another case": (
        replaced("### Source:", "### source:"),
        11,
        1,
        'expected "### Source:" or "### Related:" (a heading cannot be part of the body), found "### source:"',
    ),
    "an indented section heading": (
        replaced("\n### Related:", "\n ### Related:"),
        16,
        1,
        'expected "### Related:" or the end of the file, found " ### Related:"',
    ),
    "Related before Source": (
        RELATED_FIRST,
        15,
        1,
        'expected one Source section, before the Related section, found "### Source:"',
    ),
    "a repeated section": (
        SAMPLE + "\n### Related:\n\n1. [T ](/news/2016/04/15/t.md)\n",
        21,
        1,
        'expected one Related section, found "### Related:"',
    ),
    "a repeated Source section": (
        replaced("\n### Related:", "\n### Sources:"),
        16,
        1,
        'expected one Source section, before the Related section, found "### Sources:"',
    ),
    "no blank line after a section heading": (
        replaced("### Source:\n\n", "### Source:\n"),
        12,
        1,
        'expected a blank line after the section heading, found "1. [Euronews](http://example.com/a)"',
    ),
    "a section with no items before another": (
        replaced(
            "### Source:\n\n1. [Euronews](http://example.com/a)\n2. [Reuters](http://example.com/b)\n", "### Source:\n"
        ),
        13,
        1,
        'expected a numbered item like "1. [NAME](URL)", found "### Related:"',
    ),
    "a section with no items at the end": (
        SAMPLE[: SAMPLE.index("1. [Another")],
        18,
        1,
        'expected a numbered item after "### Related:", found the end of the file',
    ),
    "a section with no items at the end, its heading spaced": (
        SAMPLE[: SAMPLE.index("1. [Another")].replace("### Related:\n", "### Related: \t\n"),
        18,
        1,
        'expected a numbered item after "### Related:", found the end of the file',
    ),
    "an item that is not numbered": (
        replaced("1. [Euronews]", "- [Euronews]"),
        13,
        1,
        'expected a numbered item like "1. [NAME](URL)", found "- [Euronews](http://example.com/a)"',
    ),
    "an item with no link": (
        replaced("1. [Euronews](http://example.com/a)", "1. Euronews"),
        13,
        1,
        'expected a numbered item like "1. [NAME](URL)", found "1. Euronews"',
    ),
    "an item without ](": (
        replaced("[Euronews](", "[Euronews] ("),
        13,
        5,
        'expected "](" after the link text, found "Euronews] (http://example.com/a)"',
    ),
    "a source with text after its link": (
        replaced("(http://example.com/a)", "(http://example.com/a) more"),
        13,
        40,
        'expected ")" at the end of the source link, found "om/a) more"',
    ),
    "an empty source name": (replaced("[Euronews]", "[  ]"), 13, 5, "expected text, found an empty string"),
    "an empty url": (replaced("(http://example.com/a)", "( )"), 13, 15, "expected a URL, found an empty string"),
    "a url with whitespace": (
        replaced("http://example.com/a", "http://example.com/a b"),
        13,
        15,
        'expected a URL without whitespace, found "http://example.com/a b"',
    ),
    "a related path with a month 13": (
        replaced("/news/2016/04/15/another-title.md", "/news/2016/13/8/foo.md"),
        18,
        21,
        'expected a related link path like /news/YYYY/MM/D/slug.md, found "/news/2016/13/8/foo.md", whose date 2016/13/8 is not in the calendar',
    ),
    "a related path with a zero-padded day": (
        replaced("/news/2015/12/2/", "/news/2015/12/02/"),
        19,
        16,
        'expected a related link path like /news/YYYY/MM/D/slug.md, found "/news/2015/12/02/untagged.md"',
    ),
    "a related path with capitals": (
        replaced("untagged.md", "Untagged.md"),
        19,
        16,
        'expected a related link path like /news/YYYY/MM/D/slug.md, found "/news/2015/12/2/Untagged.md"',
    ),
    "a related path that is a url": (
        replaced("/news/2015/12/2/untagged.md", "http://example.com/x"),
        19,
        16,
        'expected a related link path like /news/YYYY/MM/D/slug.md, found "http://example.com/x"',
    ),
    "a related path without its )": (
        replaced("(/news/2015/12/2/untagged.md)", "(/news/2015/12/2/untagged.md"),
        19,
        43,
        'expected ")" after the related link path',
    ),
    "an empty related title": (replaced("[Untagged ]", "[ ]"), 19, 5, "expected text, found an empty string"),
    "text after a related link": (
        replaced("untagged.md)", "untagged.md) see also"),
        19,
        45,
        'expected "_Context: TAG, TAG_" or the end of the line, found "see also"',
    ),
    "a context without its closing _": (
        replaced("NATO, Russia_", "NATO, Russia"),
        18,
        56,
        'expected "_Context: TAG, TAG_" or the end of the line, found "_Context: NATO, Russia"',
    ),
    "an empty context": (
        replaced("_Context: NATO, Russia_", "_Context: _"),
        18,
        65,
        "expected text, found an empty string",
    ),
    "an empty context without its space": (
        replaced("_Context: NATO, Russia_", "_Context:_"),
        18,
        65,
        "expected text, found an empty string",
    ),  # found by fuzzing
    "an empty tag": (replaced("NATO, Russia_", "NATO, , Russia_"), 18, 72, "expected text, found an empty string"),
    "a tag ending in a comma": (
        replaced("NATO, Russia_", "NATO,, Russia_"),
        18,
        66,
        'expected no "," at the end (it would merge with the separator), found "NATO,"',
    ),
    "a blank line inside a list": (
        replaced("a)\n2. [Reuters]", "a)\n\n2. [Reuters]"),
        15,
        1,
        'expected "### Related:" or the end of the file, found "2. [Reuters](http://example.com/b)"',
    ),
    "text after the last list": (
        SAMPLE + "\nThe end.\n",
        21,
        1,
        'expected the end of the file after the Related list, found "The end."',
    ),
    "text right after the last list": (
        SAMPLE + "The end.\n",
        20,
        1,
        'expected a numbered item like "1. [TITLE](/news/YYYY/MM/D/slug.md)", found "The end."',
    ),
    "text after the source list": (
        SAMPLE[: SAMPLE.index("### Related:")] + "More text\n",
        16,
        1,
        'expected "### Related:" or the end of the file, found "More text"',
    ),
}


CODES = {
    "NF101": ["an empty text", "blank lines only", "no date line", "a blank line before the date line"],
    "NF102": ["a date that is not in the calendar", "a date that is not a date"],
    "NF103": ["a date link to another day", "a date link with a one-digit month"],
    "NF104": ["no blank line after the date line", "no blank line after the headline", "no blank line before the first section", "no blank line after a section heading"],
    "NF105": ["no headline", "a headline that is not a # line", "a headline without its space", "an empty headline"],
    "NF106": ["a second headline", "a heading in the body", "an indented heading opening the body", "an unknown section", "a section heading in another case"],
    "NF107": ["Related before Source", "a repeated section", "a repeated Source section"],
    "NF108": ["a section with no items before another", "a section with no items at the end", "a section with no items at the end, its heading spaced"],
    "NF109": ["an item that is not numbered", "an item with no link", "an item without ](", "a source with text after its link", "a related path without its )", "text after a related link", "a context without its closing _", "text right after the last list"],
    "NF110": ["an empty source name", "an empty related title"],
    "NF111": ["an empty url", "a url with whitespace"],
    "NF112": ["a related path with a month 13", "a related path with a zero-padded day", "a related path with capitals", "a related path that is a url"],
    "NF113": ["an empty context", "an empty context without its space", "an empty tag", "a tag ending in a comma"],
    "NF114": ["an indented section heading", "a blank line inside a list", "text after the last list", "text after the source list"],
}  # fmt: skip
CODE_OF = {name: code for code, names in CODES.items() for name in names}


def test_every_error_case_has_its_code() -> None:
    assert sorted(CODE_OF) == sorted(ERRORS)


@pytest.mark.parametrize(("text", "line", "column", "message"), ERRORS.values(), ids=ERRORS.keys())
def test_g4_an_error_is_reported_at_its_line_and_column(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse(text)
    error = raised.value
    assert (error.line, error.column) == (line, column), error
    assert error.message == message
    assert str(error) == f"line {line}, column {column}: {error.message}"
    name = next(name for name, case in ERRORS.items() if case == (text, line, column, message))
    assert error.code == CODE_OF[name], (name, error.code)


def test_g4_lines_and_columns_count_crlf_cr_and_the_bom_as_an_editor_does() -> None:
    lines = replaced("http://example.com/a", "http://example.com/a b").split("\n")
    # "\r" then an empty line then "\n" would be one CRLF break, so mix CRLF and CR only.
    text = "\ufeff" + "".join(line + ("\r\n", "\r")[number % 2] for number, line in enumerate(lines))
    with pytest.raises(ParseError) as raised:
        parse(text)
    assert (raised.value.line, raised.value.column) == (13, 15)


def test_g4_the_message_quotes_long_values_shortened() -> None:
    with pytest.raises(ParseError) as raised:
        parse(replaced("http://example.com/a", "http://example.com/" + "a b" * 100))
    assert len(raised.value.message) < 120 and raised.value.message.endswith('..."')


def test_parse_takes_only_str() -> None:
    with pytest.raises(TypeError, match=r"^parse\(\) takes a str, not bytes; newsfmt\.read\(\) reads files$"):
        parse(SAMPLE.encode())  # type: ignore[arg-type]


def test_serialize_takes_only_entries() -> None:
    with pytest.raises(TypeError, match=r"^serialize\(\) takes an Entry, not dict$"):
        serialize({"headline": "H"})  # type: ignore[arg-type]
