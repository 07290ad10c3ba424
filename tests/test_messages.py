"""Every finding's message, line and column, asserted exactly and in-process: a message is part of the interface.

Users read them and CI logs are grepped, so a change of wording is a change of behaviour. This file holds one
input per code of the format and layout rules and of the Markdown checks, with the finding it gives; the
archive checks (NF301 to NF308) are held by tests/test_throughput.py's recorded findings, and the codes of
files that cannot be read (NF000 to NF008) by the tests that name them (test_every_code_has_its_message
checks that each is asserted somewhere). Also here: inputs that told apart mutants of the parser and of
from_dict that the other tests let live (issue 18).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import newsfmt

MESSAGES = {
    "NF101": (
        "# NATO\n",
        'x.md:1:1: error: NF101 expected the date line "### [YYYY-MM-DD](/news/YYYY/MM/D/index.md)", found "# NATO"',
    ),
    "NF102": (
        "### [2016-02-30](/news/2016/02/30/index.md)\n\n# NATO \n",
        'x.md:1:6: error: NF102 expected a real date, found "2016-02-30"',
    ),
    "NF103": (
        "### [2016-04-20](/news/2016/04/21/index.md)\n\n# NATO \n",
        'x.md:1:18: error: NF103 expected the link "/news/2016/04/20/index.md" to the day of 2016-04-20, found "/news/2016/04/21/index.md"',
    ),
    "NF104": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n# NATO \n",
        'x.md:2:1: error: NF104 expected a blank line after the date line, found "# NATO "',
    ),
    "NF105": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n## NATO\n",
        'x.md:3:1: error: NF105 expected the headline "# HEADLINE", found "## NATO"',
    ),
    "NF106": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n## Background\n",
        'x.md:5:1: error: NF106 expected "### Source:" or "### Related:" (a heading cannot be part of the body), found "## Background"',
    ),
    "NF107": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n### Related:\n\n1. [NATO reopens talks ](/news/2016/04/8/nato-reopens-talks.md) _Context: NATO_\n\n\n### Source:\n\n1. [Euronews](https://e.com/)\n",
        'x.md:10:1: error: NF107 expected one Source section, before the Related section, found "### Source:"',
    ),
    "NF108": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n### Source:\n",
        'x.md:7:1: error: NF108 expected a numbered item after "### Source:", found the end of the file',
    ),
    "NF109": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n### Source:\n\n1. Euronews https://e.com/\n",
        'x.md:8:1: error: NF109 expected a numbered item like "1. [NAME](URL)", found "1. Euronews https://e.com/"',
    ),
    "NF110": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n### Source:\n\n1. [](https://e.com/)\n",
        "x.md:8:5: error: NF110 expected text, found an empty string",
    ),
    "NF111": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n### Source:\n\n1. [Euronews](https://e.com/ a)\n",
        'x.md:8:15: error: NF111 expected a URL without whitespace, found "https://e.com/ a"',
    ),
    "NF112": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n### Related:\n\n1. [T ](/news/2016/04/8/T.md)\n",
        'x.md:8:9: error: NF112 expected a related link path like /news/YYYY/MM/D/slug.md, found "/news/2016/04/8/T.md"',
    ),
    "NF113": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n### Related:\n\n1. [T ](/news/2016/04/8/t.md) _Context: NATO,, Russia_\n",
        'x.md:8:41: error: NF113 expected no "," at the end (it would merge with the separator), found "NATO,"',
    ),
    "NF114": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n### Source:\n\n1. [Euronews](https://e.com/)\n\nA closing word.\n",
        'x.md:10:1: error: NF114 expected "### Related:" or the end of the file, found "A closing word."',
    ),
    "NF201": (
        "### [2016-04-20](/news/2016/04/20/index.md)\r\n\r\n# NATO reopens talks \r\n\r\n\r\n### Source:\r\n\r\n1. [Euronews](https://e.com/)\r\n",
        "x.md:1:44: warning: NF201 expected LF line endings, found CRLF",
    ),
    "NF202": (
        "\ufeff### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n### Source:\n\n1. [Euronews](https://e.com/)\n",
        "x.md:1:1: warning: NF202 expected no byte order mark, found one",
    ),
    "NF203": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n### Source:\n\n1. [Euronews](https://e.com/)",
        "x.md:8:30: warning: NF203 expected a newline at the end of the file, found none",
    ),
    "NF204": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n \n# NATO reopens talks \n\n\n### Source:\n\n1. [Euronews](https://e.com/)\n",
        "x.md:2:1: warning: NF204 expected an empty line, found whitespace",
    ),
    "NF205": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n\n### Source:\n\n1. [Euronews](https://e.com/)\n",
        "x.md:4:1: warning: NF205 expected two blank lines here, found 3",
    ),
    "NF206": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n### Source:\n\n1. [ Euronews](https://e.com/)\n",
        "x.md:8:5: warning: NF206 expected the canonical spacing around the value here",
    ),
    "NF207": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks\n\n\n### Source:\n\n1. [Euronews](https://e.com/)\n",
        "x.md:3:21: warning: NF207 expected a space after the headline, found none",
    ),
    "NF208": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n### Sources:\n\n1. [Euronews](https://e.com/)\n",
        'x.md:6:5: warning: NF208 expected "### Source:", found "### Sources:"',
    ),
    "NF209": (
        "### [2016-04-08](/news/2016/04/08/index.md)\n\n# NATO reopens talks \n",
        "x.md:1:32: warning: NF209 expected the day without a leading zero",
    ),
    "NF210": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n### Source:\n\n2. [Euronews](https://e.com/)\n",
        "x.md:8:1: warning: NF210 expected the number 1, found 2",
    ),
    "NF304": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n### Source:\n\n1. [Euronews](https://e.com/)\n2. [Euronews](https://e.com/)\n",
        "x.md:9:1: warning: NF304 expected each source once, found https://e.com/ again",
    ),
    "NF305": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n### Source:\n\n1. [Euronews](https://e.com/)\n\n### Related:\n\n1. [NATO reopens talks ](/news/2016/04/8/nato-reopens-talks.md) _Context: NATO_\n2. [NATO reopens talks ](/news/2016/04/8/nato-reopens-talks.md)\n",
        "x.md:13:1: warning: NF305 expected each related entry once, found /news/2016/04/8/nato-reopens-talks.md again",
    ),
    "NF401": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# *NATO* reopens talks \n\n\n### Source:\n\n1. [Euronews](https://e.com/)\n",
        'x.md:3:3: warning: NF401 expected the heading "*NATO* reopens talks", the reader sees "NATO reopens talks"',
    ),
    "NF402": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n> A quote.\n\n\n### Source:\n\n1. [Euronews](https://e.com/)\n",
        "x.md:5:1: warning: NF402 expected a paragraph of the body, the reader sees a block quote",
    ),
    "NF403": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n### Source:\n\n1. [*Euronews*](https://e.com/)\n",
        'x.md:8:5: warning: NF403 expected a link "*Euronews*" to "https://e.com/", the reader sees a link "Euronews" to "https://e.com/"',
    ),
    "NF404": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n### Source:\n\n1. [Euronews](https://e.com/)\n\n### Related:\n\n1. [*NATO* reopens talks ](/news/2016/04/8/nato-reopens-talks.md) _Context: NATO_\n",
        'x.md:12:5: warning: NF404 expected a link "*NATO* reopens talks" to "/news/2016/04/8/nato-reopens-talks.md", the reader sees a link "NATO reopens talks " to "/news/2016/04/8/nato-reopens-talks.md", then text " ", then emphasis "Context: NATO"',
    ),
    "NF405": (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n### Source:\n\n1. [Euronews](https://e.com/)\n\n### Related:\n\n1. [NATO reopens talks ](/news/2016/04/8/nato-reopens-talks.md) _Context: *NATO*_\n",
        'x.md:12:65: warning: NF405 expected the emphasis "Context: *NATO*", the reader sees text " ", then emphasis "Context: NATO"',
    ),
}


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_the_finding_of_each_code_word_for_word(code: str) -> None:
    text, expected = MESSAGES[code]
    found = [str(finding) for finding in newsfmt.check(text, "x.md", select=["NF", "NF4"]) if finding.code == code]
    assert found[:1] == [expected]


@pytest.mark.parametrize("code", sorted(code for code in MESSAGES if code.startswith("NF1")))
def test_parse_raises_the_error_of_the_first_finding(code: str) -> None:
    text, expected = MESSAGES[code]
    with pytest.raises(newsfmt.ParseError) as raised:
        newsfmt.parse(text)
    error = raised.value
    assert f"x.md:{error.line}:{error.column}: error: {error.code} {error.message}" == expected


def test_every_code_has_its_message_asserted_somewhere() -> None:
    """A new rule needs a test of its exact message: here, in the recorded findings, or in the file layer's tests."""
    tests = Path(__file__).parent
    text = "\n".join(path.read_text(encoding="utf-8") for path in tests.glob("*.py"))
    text += (tests / "data" / "broken_archive_findings.json").read_text(encoding="utf-8")
    asserted = set(MESSAGES) | set(re.findall(r"(?:error|warning): (NF[0-9]{3}) [a-z]", text))
    assert sorted(set(newsfmt.RULES) - asserted) == []


# Mutants that lived: an input that tells each from the parser as it is.


def test_a_body_line_of_a_hash_and_a_tab_is_a_heading_in_the_wrong_place() -> None:
    text = "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO \n\nBody.\n#\t\nMore.\n"
    with pytest.raises(newsfmt.ParseError) as raised:  # never an entry whose body breaks the model's own rule
        newsfmt.parse(text)
    assert (raised.value.code, raised.value.line, raised.value.column) == ("NF104", 6, 1)
    assert raised.value.message == 'expected a blank line before "#"'


@pytest.mark.parametrize(
    "link", ["/news/2017/04/20/index.md", "/news/2016/05/20/index.md", "/news/2016/04/21/index.md"]
)
def test_a_date_link_to_another_year_month_or_day_is_refused(link: str) -> None:
    with pytest.raises(newsfmt.ParseError) as raised:
        newsfmt.parse(f"### [2016-04-20]({link})\n\n# NATO \n")
    assert (raised.value.code, raised.value.line, raised.value.column) == ("NF103", 1, 18)
    assert (
        raised.value.message
        == f'expected the link "/news/2016/04/20/index.md" to the day of 2016-04-20, found "{link}"'
    )


HEAD = "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO \n\n"


@pytest.mark.parametrize(
    ("after", "code", "message"),
    [
        (
            "\n### Source:\n\n1. [E](https://e.com/)\n\n## Notes\n",
            "NF106",
            'expected "### Related:" or the end of the file, found "## Notes"',
        ),
        (
            "\n### Source:\n\n1. [E](https://e.com/)\n\nNotes.\n",
            "NF114",
            'expected "### Related:" or the end of the file, found "Notes."',
        ),
        (
            "\n### Related:\n\n1. [T ](/news/2016/04/8/t.md)\n\n## Notes\n",
            "NF106",
            'expected the end of the file after the Related list, found "## Notes"',
        ),
        (
            "\n### Related:\n\n1. [T ](/news/2016/04/8/t.md)\n\n### Source:\n\n1. [E](https://e.com/)\n",
            "NF107",
            'expected one Source section, before the Related section, found "### Source:"',
        ),
    ],
)
def test_what_follows_a_list_has_its_own_code(after: str, code: str, message: str) -> None:
    with pytest.raises(newsfmt.ParseError) as raised:
        newsfmt.parse(HEAD + after)
    assert (raised.value.code, raised.value.line, raised.value.column, raised.value.message) == (code, 10, 1, message)


@pytest.mark.parametrize(
    ("item", "code", "column", "message"),
    [
        ("### Source:\n\n1. [T]()", "NF111", 8, "expected a URL, found an empty string"),
        (
            "### Related:\n\n1. [T ]()",
            "NF112",
            9,
            'expected a related link path like /news/YYYY/MM/D/slug.md, found ""',
        ),
    ],
)
def test_an_empty_link_target_is_found_where_it_is(item: str, code: str, column: int, message: str) -> None:
    with pytest.raises(newsfmt.ParseError) as raised:
        newsfmt.parse(HEAD + "\n" + item + "\n")
    assert (raised.value.code, raised.value.line, raised.value.column, raised.value.message) == (
        code,
        8,
        column,
        message,
    )


RELATED = {"title": "T", "path": "/news/2016/04/8/t.md", "context": []}
ENTRY = {"date": "2016-04-20", "headline": "NATO", "body": "", "sources": [], "related": [RELATED]}


def test_unknown_keys_of_a_related_item_are_an_error_unless_ignored() -> None:
    data = {**ENTRY, "related": [{**RELATED, "extra": 1}]}
    with pytest.raises(newsfmt.DictError) as raised:
        newsfmt.from_dict(data)
    assert raised.value.problems == [("/related/0/extra", 'unknown key (expected "title", "path", "context")')]
    assert newsfmt.from_dict(data, ignore_unknown_keys=True).related == (
        newsfmt.Related(title="T", path="/news/2016/04/8/t.md"),
    )


@pytest.mark.parametrize(("key", "value"), [("path", 5), ("title", None), ("context", "NATO")])
def test_a_related_value_of_the_wrong_type_is_a_dict_error_naming_it(key: str, value: object) -> None:
    with pytest.raises(newsfmt.DictError) as raised:  # never a TypeError from deeper down
        newsfmt.from_dict({**ENTRY, "related": [{**RELATED, key: value}]})
    assert [pointer for pointer, _ in raised.value.problems] == [f"/related/0/{key}"]


@pytest.mark.parametrize(
    ("items", "line", "column", "message"),
    [
        (
            "### Source:\n\n1. [Euronews](https://e.com/) and more",
            8,
            38,  # the line's last character: the link should have ended there
            'expected ")" at the end of the source link, found ") and more"',
        ),
        ("### Source:\n\nEuronews", 8, 1, 'expected a numbered item like "1. [NAME](URL)", found "Euronews"'),
        (
            "### Source:\n\n1. [E](https://e.com/)\n\n### Related:\n\nsomething else",
            12,
            1,
            'expected a numbered item like "1. [TITLE](/news/YYYY/MM/D/slug.md)", found "something else"',
        ),
    ],
)
def test_an_item_of_the_wrong_shape_is_shown_its_shape(items: str, line: int, column: int, message: str) -> None:
    with pytest.raises(newsfmt.ParseError) as raised:
        newsfmt.parse(HEAD + "\n" + items + "\n")
    assert (raised.value.code, raised.value.line, raised.value.column, raised.value.message) == (
        "NF109",
        line,
        column,
        message,
    )


def test_valid_related_items_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # Speed, not behaviour: the long way explains a bad line and gives the same entry for a good one, so only this
    # test tells a fast check that refuses good lines from a right one.
    import newsfmt._model
    import newsfmt._parser

    class Counted:
        def __init__(self, pattern: re.Pattern[str]) -> None:
            self.pattern, self.calls = pattern, 0

        def fullmatch(self, text: str) -> re.Match[str] | None:
            self.calls += 1
            return self.pattern.fullmatch(text)

    counted = Counted(newsfmt._model.PATH)
    monkeypatch.setattr(newsfmt._parser, "PATH", counted)  # the long way's first step
    related = [
        "1. [Another title ](/news/2016/04/15/another-title.md) _Context: NATO, Russia_",
        "2. [Untagged ](/news/2015/12/2/untagged.md)",
        "3. [A, b: [c] (d) ](/news/2016/04/8/a-b-c-d.md) _Context: a,b, Côte d'Ivoire, x_y_",
    ]
    text = HEAD + "\n### Source:\n\n1. [E](https://e.com/)\n\n### Related:\n\n" + "\n".join(related) + "\n"
    entry = newsfmt.parse(text)
    assert [(item.title, item.context) for item in entry.related] == [
        ("Another title", ("NATO", "Russia")),
        ("Untagged", ()),
        ("A, b: [c] (d)", ("a,b", "Côte d'Ivoire", "x_y")),
    ]
    assert counted.calls == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            HEAD + "\n### Source:\n\n\n1. [E](https://e.com/)\n",
            "x.md:7:1: warning: NF205 expected one blank line here, found 2",
        ),
        (
            HEAD + "\n### Source:\n\n1. [E](https://e.com/)\n\n\n\n### Related:\n\n1. [T ](/news/2016/04/8/t.md)\n",
            "x.md:9:1: warning: NF205 expected one blank line here, found 3",
        ),
        (
            HEAD + "\n\n### Source:\n\n1. [E](https://e.com/)\n",
            "x.md:4:1: warning: NF205 expected two blank lines here, found 3",
        ),
    ],
)
def test_each_count_of_blank_lines_is_said_in_words(text: str, expected: str) -> None:
    # No canonical place wants no blank line where a file may have some: items and body lines are never apart.
    assert [str(f) for f in newsfmt.check(text, "x.md") if f.code == "NF205"] == [expected]


@pytest.mark.parametrize(("tail", "column"), [("  ", 22), ("\t", 21), (" \t ", 22)])
def test_whitespace_after_the_headline_s_own_space_is_trailing_whitespace(tail: str, column: int) -> None:
    # The headline line ends with one space: more is NF204 after that space; another whitespace in its place, at it.
    text = "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks" + tail + "\n"
    assert [str(f) for f in newsfmt.check(text, "x.md")] == [
        f"x.md:3:{column}: warning: NF204 expected no whitespace at the end of the line"
    ]


_SOURCES = "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n\n### Source:\n\n"
_RELATED = _SOURCES + "1. [E](https://e.com/)\n\n### Related:\n\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # the related title's own space, which the headline's NF207 does not cover
            _RELATED + "1. [T](/news/2016/04/8/t.md)\n",
            ["x.md:12:6: warning: NF207 expected a space after the related title, found none"],
        ),
        (  # a wrong number of another width: the columns after it are the file's, not the canonical line's
            _RELATED + "10. [T](/news/2016/04/8/t.md)\n",
            [
                "x.md:12:1: warning: NF210 expected the number 1, found 10",
                "x.md:12:7: warning: NF207 expected a space after the related title, found none",
            ],
        ),
        (  # a line laid out otherwise: the value is found in it, the first time it appears (not in the URL)
            _SOURCES + "2. [_a_](https://e.com/_a_)\n",
            [
                "x.md:8:1: warning: NF210 expected the number 1, found 2",
                'x.md:8:5: warning: NF403 expected a link "_a_" to "https://e.com/_a_", the reader sees a link "a" to '
                '"https://e.com/_a_"',
            ],
        ),
        (  # an indented body line: each raw HTML tag at its own place, the second <b> not at the first's
            "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\n   <b>x</b>y<b>z</b>\n\n\n"
            "### Source:\n\n1. [E](https://e.com/)\n",
            [
                "x.md:5:1: warning: NF206 expected the canonical spacing around the value here",
                'x.md:5:4: warning: NF402 expected the text of the body, the reader sees raw HTML "<b>"',
                'x.md:5:8: warning: NF402 expected the text of the body, the reader sees raw HTML "</b>"',
                'x.md:5:13: warning: NF402 expected the text of the body, the reader sees raw HTML "<b>"',
                'x.md:5:17: warning: NF402 expected the text of the body, the reader sees raw HTML "</b>"',
            ],
        ),
        (  # two tags side by side: each at its own place, the nearest to its canonical column
            "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \n\nx <b><b> y\n",
            [
                'x.md:5:3: warning: NF402 expected the text of the body, the reader sees raw HTML "<b>"',
                'x.md:5:6: warning: NF402 expected the text of the body, the reader sees raw HTML "<b>"',
            ],
        ),
        (  # a tag that holds " ](" too: the title's missing space is still found, at the title
            _RELATED + "1. [T](/news/2016/04/8/t.md) _Context: x ](y_\n",
            ["x.md:12:6: warning: NF207 expected a space after the related title, found none"],
        ),
        (  # no space after "_Context:": the finding is where the emphasis opens all the same
            _RELATED + "1. [T ](/news/2016/04/8/t.md) _Context:_b_\n",
            [
                'x.md:12:31: warning: NF405 expected the emphasis "Context: _b", the reader sees text " _Context: ", '
                'then emphasis "b"',
                "x.md:12:40: warning: NF206 expected the canonical spacing around the value here",
            ],
        ),
        (  # the first line break that is not a LF, found after LF ones: its kind, line and column
            "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO reopens talks \r\r\r### Source:\r\r"
            "1. [Euronews](https://e.com/)\r",
            ["x.md:3:22: warning: NF201 expected LF line endings, found CR"],
        ),
        (  # tags spaced otherwise than their canonical text: the finding is where the emphasis opens
            _RELATED + "1. [T ](/news/2016/04/8/t.md)  _Context: a,  _b_\n",
            [
                "x.md:12:31: warning: NF206 expected the canonical spacing around the value here",
                'x.md:12:32: warning: NF405 expected the emphasis "Context: a, _b", the reader sees text " _Context: a, ", '
                'then emphasis "b"',
            ],
        ),
    ],
)
def test_a_finding_on_a_line_laid_out_otherwise_points_into_the_file_s_line(text: str, expected: list[str]) -> None:
    assert [str(f) for f in newsfmt.check(text, "x.md", select=["NF2", "NF4"])] == expected
