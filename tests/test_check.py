"""The checker behind `newsfmt validate`: every error, every deviation from the canonical text."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given

from newsfmt import Entry, ParseError, check, parse, serialize
from newsfmt._check import check_text
from newsfmt._repair import MAX_ERRORS
from newsfmt._rules import RULES

from . import strategies as s
from .conftest import editor_lines
from .test_format import SAMPLE, TOLERATED
from .test_properties import damaged_texts


def own_findings(text: str) -> list[tuple[int, int, str]]:
    """Findings other than duplicate links, which generated entries may hold."""
    _, findings = check_text(text, "entry.md")
    return [(f.line, f.column, f.code) for f in findings if f.code not in ("NF304", "NF305")]


@given(s.entry_texts())
def test_a_canonical_text_has_no_findings(pair: tuple[Entry, str]) -> None:
    assert own_findings(pair[1]) == []


@given(s.entry_texts(tolerant=True))
def test_a_tolerated_text_has_style_findings_exactly_when_it_is_not_canonical(pair: tuple[Entry, str]) -> None:
    entry, text = pair
    entry_found, findings = check_text(text, "entry.md")
    assert entry_found == entry
    style = [f for f in findings if f.code not in ("NF304", "NF305")]
    assert all(f.severity == "warning" and f.code.startswith("NF2") for f in style)
    assert bool(style) == (text != serialize(entry))
    lines = editor_lines(text)
    assert all(1 <= f.line <= len(lines) and 1 <= f.column <= len(lines[f.line - 1]) + 1 for f in style)


@given(damaged_texts())
def test_the_first_error_is_parse_s_and_every_error_is_an_error(text: str) -> None:
    try:
        parse(text)
    except ParseError as error:
        entry, findings = check_text(text, "entry.md")
        assert entry is None
        first = findings[0]
        assert (first.line, first.column, first.code, first.message) == (
            error.line,
            error.column,
            error.code,
            error.message,
        )
        assert all(f.severity == "error" for f in findings)
        assert len(findings) <= MAX_ERRORS + 1
        lines = editor_lines(text)
        assert all(1 <= f.line <= len(lines) + 1 for f in findings)


STYLE_CODES = {
    "crlf line endings": ["NF201"],
    "cr line endings": ["NF201"],
    "a leading byte order mark": ["NF202"],
    "no final newline": ["NF203"],
    "blank lines after the last line": ["NF203", "NF204", "NF204"],
    "headline without its space": ["NF207"],
    "title without its space": ["NF207"],
    "whitespace around name and url": ["NF206"],
    "whitespace around tags": ["NF206"],
    "more blank lines between paragraphs": ["NF204", "NF205"],
    "one blank line before the first section": ["NF205"],
    "### Sources: for ### Source:": ["NF208"],
    "a zero-padded day in the date link": ["NF209"],
    "list numbers other than 1..n": ["NF210", "NF210"],
    "whitespace before the body": ["NF206"],
}


@pytest.mark.parametrize(("name", "codes"), STYLE_CODES.items(), ids=STYLE_CODES.keys())
def test_each_tolerated_variation_has_its_code(name: str, codes: list[str]) -> None:
    assert sorted(code for _, _, code in own_findings(TOLERATED[name])) == codes


def test_errors_in_several_places_are_all_found() -> None:
    text = (
        SAMPLE.replace("Second paragraph.", "## A heading in the body")
        .replace("(/news/2016/04/15/another-title.md)", "(/news/2016/13/15/another-title.md)")
        .replace("(http://example.com/b)", "(http://example.com/b c)")
        + "\nThe end.\n"
    )
    assert own_findings(text) == [(8, 1, "NF106"), (14, 14, "NF111"), (18, 21, "NF112"), (21, 1, "NF114")]


def test_every_code_is_a_rule() -> None:
    assert all(code.startswith("NF") and len(code) == 5 for code in RULES)
    assert len({rule.name for rule in RULES.values()}) == len(RULES)


def test_a_file_with_very_many_errors_stops_after_the_cap() -> None:
    text = SAMPLE.replace("2. [Reuters](http://example.com/b)\n", "".join(f"{n}. [](u)\n" for n in range(2, 80)))
    _, findings = check_text(text, "entry.md")
    assert [f.code for f in findings] == ["NF110"] * MAX_ERRORS + ["NF000"]
    assert findings[-1].message == f"stopped after {MAX_ERRORS} errors"
    assert (findings[-1].line, findings[-1].column) == (findings[-2].line, 1)  # at the last error's line


@pytest.mark.parametrize("blank", ["", "  "])
def test_after_each_repair_the_parse_resumes_near_the_error(monkeypatch: pytest.MonkeyPatch, blank: str) -> None:
    # The promise that makes many errors cost linear time: each re-parse is given a few lines before the error
    # and the rest of the file, never the file from its start (a line of whitespace is blank too).
    import newsfmt._parser
    import newsfmt._repair as repair

    lines = ["### [2016-04-20](/news/2016/04/20/index.md)", "", "# NATO ", "", *["x"] * 200, blank, "## a", "", "## b"]
    lines += ["", "### Source:", "", "1. [a](b c)", "2. [a](b c)"]
    text = "\n".join(lines) + "\n"
    with pytest.raises(ParseError) as raised:
        parse(text)
    given_lines: list[int] = []
    original = newsfmt._parser.parse_lines

    def counted(lines: list[str]) -> Entry:
        given_lines.append(len(lines))
        return original(lines)

    monkeypatch.setattr(repair, "parse_lines", counted)
    assert [(line, code) for line, _, code, _ in repair.errors(text, raised.value)] == [
        (206, "NF106"),
        (208, "NF106"),
        (212, "NF111"),
        (213, "NF111"),
    ]
    assert len(given_lines) == 4 and max(given_lines) < 20, given_lines


_DATE = "### [2016-04-20](/news/2016/04/20/index.md)"
_SOURCES = "\n\n\n### Source:\n\n"  # after the headline: two blank lines, then the list
_BAD_URL = "1. [E](ht tp://e)\n"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("NATO\n\n# NATO " + _SOURCES + _BAD_URL, [(1, "NF101"), (1, "NF105"), (3, "NF106"), (8, "NF111")]),
        ("### NATO\n\n# NATO " + _SOURCES + _BAD_URL, [(1, "NF101"), (8, "NF111")]),
        ("### [2016-02-30](/news/2016/02/30/index.md)\n\n# NATO " + _SOURCES + _BAD_URL, [(1, "NF102"), (8, "NF111")]),
        ("### [2016-04-20](/news/2016/04/21/index.md)\n\n# NATO " + _SOURCES + _BAD_URL, [(1, "NF103"), (8, "NF111")]),
        (_DATE + "\n# NATO " + _SOURCES + _BAD_URL, [(2, "NF104"), (7, "NF111")]),
        (_DATE + "\n\nNATO" + _SOURCES + _BAD_URL, [(3, "NF105"), (8, "NF111")]),
        (
            _DATE + "\n\n# NATO " + _SOURCES + "### Related:\n\n1. [T ](/news/2016/04/8/t.md)\n2. [T](x)\n",
            [(8, "NF108"), (11, "NF112")],
        ),
        (  # the section out of order goes whole, its bad item with it
            _DATE + "\n\n# NATO \n\n\n### Related:\n\n1. [T ](/news/2016/04/8/t.md)\n\n### Source:\n\n" + _BAD_URL,
            [(10, "NF107")],
        ),
        (  # a repeated section goes with all its blank lines and items, and no further
            _DATE + "\n\n# NATO " + _SOURCES + "1. [E](https://e.com/)\n\n### Source:\n\n\n\n1. [F](https://f.com/)\n"
            "2. [G](https://g.com/)\n\n### Related:\n\n1. [T](x)\n",
            [(10, "NF107"), (19, "NF112")],
        ),
        (  # a repeated heading with no items, a heading at once after it: only the repeated heading goes
            _DATE + "\n\n# NATO " + _SOURCES + "1. [E](https://e.com/)\n\n### Source:\n### Related:\n\n1. [T](x)\n",
            [(10, "NF107"), (13, "NF112")],
        ),
        (  # a repeated section with no blank line after its heading: its heading and items go, not the blank line
            _DATE + "\n\n# NATO " + _SOURCES + "1. [E](https://e.com/)\n\n### Source:\n1. [F](https://f.com/)\n\n"
            "### Related:\n\n1. [T](x)\n",
            [(10, "NF107"), (15, "NF112")],
        ),
        (  # a repeated section that a heading follows at once: the section goes, the heading stays
            _DATE + "\n\n# NATO " + _SOURCES + "1. [E](https://e.com/)\n\n### Source:\n\n1. [F](https://f.com/)\n"
            "### Related:\n\n1. [T](x)\n",
            [(10, "NF107"), (15, "NF112")],
        ),
        (  # a heading in an empty body goes: an indented heading that then opens the body is NF106 in its turn
            _DATE + "\n\n# NATO \n\n\n\n\n\n## a\n\n   ## b\n",
            [(9, "NF106"), (11, "NF106")],
        ),
        (  # after body text, the same indented heading is body text: resuming keeps the body's text
            _DATE + "\n\n# NATO \n\ntext\n\nmore\n\n## a\n\n   ## b\n",
            [(9, "NF106")],
        ),
        (  # after body text, a heading at once after the deleted one is NF106, not a missing blank line
            _DATE + "\n\n# NATO \n\ntext\n\nmore\n\n## a\n## b\n",
            [(9, "NF106"), (10, "NF106")],
        ),
        (  # a repeated section at the very end of a text with no final newline goes whole
            _DATE
            + "\n\n# NATO \n\n\n### Related:\n\n1. [T ](/news/2016/04/8/t.md)\n\n### Source:\n\n1. [E](ht tp://e)",
            [(10, "NF107")],
        ),
        (  # a repeated section with one blank line after its heading goes, and the next section stays
            _DATE + "\n\n# NATO " + _SOURCES + "1. [E](https://e.com/)\n\n### Source:\n\n1. [F](https://f.com/)\n\n"
            "### Related:\n\n1. [T](x)\n",
            [(10, "NF107"), (16, "NF112")],
        ),
        (_DATE + "\n\n# NATO " + _SOURCES + "1. [E](https://e.com/)\n\n### Source:\n", [(10, "NF107")]),
        ("", [(1, "NF101")]),  # an error at the end of the file is the last one: nothing after it to repair
        (_DATE + "\n", [(2, "NF105")]),
        (_DATE + "\n\n# NATO \n\n### Source:\n", [(6, "NF108")]),
    ],
    ids=[
        "NF101-text",
        "NF101-heading",
        "NF102",
        "NF103",
        "NF104",
        "NF105",
        "NF108",
        "NF107",
        "NF107-blank-lines",
        "NF107-heading-alone",
        "NF107-no-blank-line",
        "NF107-heading-next",
        "NF106-empty-body",
        "NF106-after-text",
        "NF106-heading-next",
        "NF107-no-final-newline",
        "NF107-one-blank-line",
        "NF107-heading-at-the-end",
        "NF101-end-of-file",
        "NF105-end-of-file",
        "NF108-end-of-file",
    ],
)
def test_each_repair_leaves_the_next_error_at_its_own_line(text: str, found: list[tuple[int, str]]) -> None:
    from newsfmt._repair import errors

    with pytest.raises(ParseError) as raised:
        parse(text)
    for resume in (True, False):
        assert [(line, code) for line, _, code, _ in errors(text, raised.value, resume=resume)] == found


def test_a_title_check_runs_only_when_selected(tmp_path: Path) -> None:
    # NF307 keeps every title of a run, so check() looks at the titles only for a selection that names it.
    from newsfmt import check

    text = "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO talks \n\n\n### Source:\n\n1. [E](https://e.com/)\n"
    text += "\n### Related:\n\n1. [Other title ](/news/2016/04/20/nato-talks.md)\n"  # itself, under another title
    path = str(tmp_path / "news/2016/04/20/nato-talks.md")
    self_link = (
        f"{path}:12:1: warning: NF306 expected a link to another entry, found /news/2016/04/20/nato-talks.md itself"
    )
    title = (
        f'{path}:12:1: warning: NF307 expected the title of /news/2016/04/20/nato-talks.md to be its headline "NATO '
        'talks", found "Other title"'
    )
    assert [str(f) for f in check(text, path)] == [self_link]
    assert [str(f) for f in check(text, path, select=["NF"])] == [self_link]  # "NF" does not name it; "NF3" does
    assert [str(f) for f in check(text, path, select=["NF3"])] == [self_link, title]
    assert [str(f) for f in check(text, path, select=["NF307"])] == [title]
    assert [str(f) for f in check(text, path, select=["NF", "NF307"])] == [self_link, title]


def test_titles_of_a_target_outside_the_files_follow_the_most_of_its_links(tmp_path: Path) -> None:
    from newsfmt import Archive, Entry, Related, write_to_archive

    def entry(day: int, headline: str, *titles: tuple[str, str]) -> Entry:
        related = [Related(title=title, path=f"/news/2016/04/1/{target}.md") for target, title in titles]
        return Entry(date=datetime.date(2016, 4, day), headline=headline, related=related)

    # /news/2016/04/1/ holds no file: each target's title is the one most of its links give it.
    write_to_archive(entry(2, "Alpha", ("agreed", "Agreed"), ("split", "Two")), tmp_path)
    write_to_archive(entry(3, "Beta", ("agreed", "Agreed"), ("split", "Two")), tmp_path)
    write_to_archive(entry(4, "Gamma", ("split", "Other")), tmp_path)
    found = [str(f) for f in Archive(tmp_path).check(select=["NF307"])]
    assert found == [
        f"{tmp_path}/news/2016/04/4/gamma.md:8:1: warning: NF307 expected the title of /news/2016/04/1/split.md to be "
        '"Two", as 2 of its 3 links title it, found "Other"'
    ]


@pytest.mark.parametrize(
    ("folder", "place"),
    [
        ("/news/2016/04/8", ("", "2016", "04", "8")),  # an archive at the root of the file system
        ("/srv/a/news/2016/04/8", ("/srv/a", "2016", "04", "8")),
        ("/srv/a/notes/2016/04/8", None),
        ("/srv/a/news/16/04/8", None),
        ("/news/2016/04", None),
    ],
)
def test_a_folder_s_place_in_an_archive_is_read_from_its_names(folder: str, place: object) -> None:
    from newsfmt._check import _place

    assert _place(folder) == place


def test_a_file_named_alone_is_checked_in_its_day_folder_from_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsfmt import check

    day = tmp_path / "news/2016/04/20"
    day.mkdir(parents=True)
    monkeypatch.chdir(day)
    text = "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO talks \n\n\n### Source:\n\n1. [E](https://e.com/)\n"
    assert [str(f) for f in check(text, "other-name.md")] == [
        "other-name.md:3:3: warning: NF302 expected the file name to start the headline's slug nato-talks..., found "
        "other-name"
    ]


def test_two_archives_checked_together_keep_their_own_folder_listings(tmp_path: Path) -> None:
    import newsfmt
    from newsfmt import Entry, Related, write_to_archive

    x = Entry(date=datetime.date(2016, 4, 8), headline="X")
    linking = Entry(date=datetime.date(2016, 4, 9), headline="Linking", related=[Related(title="X", path=x.path)])
    write_to_archive(x, tmp_path / "one")
    write_to_archive(linking, tmp_path / "one")  # lists one's /news/2016/04/8 first: x.md is there
    write_to_archive(linking, tmp_path / "two")  # two has no x.md
    files = newsfmt.find_files([tmp_path / "one", tmp_path / "two"])
    assert [str(f) for f in newsfmt.check_files(files, select=["NF303"], jobs=1)] == [
        f"{tmp_path}/two/news/2016/04/9/linking.md:8:1: warning: NF303 expected the related entry "
        "/news/2016/04/8/x.md in the archive, found no such file"
    ]


def test_findings_at_one_place_keep_the_order_the_rules_found_them_in() -> None:
    # A stable sort by line and column: a run of blank lines (NF205) is reported before the whitespace on its
    # first line (NF204), though NF204 sorts first by code.
    text = _DATE + "\n\n# NATO \n  \n\nBody.\n"
    expected = [(4, 1, "NF205"), (4, 1, "NF204")]
    assert [(f.line, f.column, f.code) for f in check(text, "x.md")] == expected
    assert [(f.line, f.column, f.code) for f in check_text(text, "x.md")[1]] == expected


def test_a_misplaced_entry_whose_headline_has_no_slug_has_no_move_to_offer(tmp_path: Path) -> None:
    day = tmp_path / "news" / "2016" / "04" / "21"
    day.mkdir(parents=True)
    text = _DATE + "\n\n# !!! \n"
    (day / "x.md").write_text(text)
    found = check(text, day / "x.md")
    assert [(f.code, f.fix) for f in found] == [("NF301", None), ("NF302", None)]


def test_nf302_shows_40_characters_of_a_long_slug_and_the_whole_name_of_a_file_not_named_md(tmp_path: Path) -> None:
    day = tmp_path / "news" / "2016" / "04" / "20"
    day.mkdir(parents=True)
    text = _DATE + "\n\n# NATO and Russia reopen their talks after two long years apart \n"
    (day / "other.txt").write_text(text)
    [found] = check(text, day / "other.txt")
    assert (found.code, found.line, found.column) == ("NF302", 3, 3)
    assert found.message == (
        "expected the file name to start the headline's slug nato-and-russia-reopen-their-talks-after..., "
        "found other.txt"
    )
