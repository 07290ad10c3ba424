"""The model: construction enforces every value rule with a ValueError that names the field."""

from __future__ import annotations

import datetime
import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import newsfmt
import newsfmt.strategies
from newsfmt import Entry, Related, Source, slugify
from newsfmt._model import is_text, text_problem

from . import strategies as s


class Sub(str):
    pass


DATE = datetime.date(2016, 4, 20)
PATH = "/news/2016/04/8/a-slug.md"


def entry(**changes: Any) -> Entry:
    return Entry(**{"date": DATE, "headline": "Headline", **changes})


INVALID: dict[str, tuple[Any, str]] = {
    # (a callable that constructs, the start of the error message)
    "date is not a date": (lambda: entry(date="2016-04-20"), "Entry.date: expected a datetime.date, found str"),
    "date is a datetime": (
        lambda: entry(date=datetime.datetime(2016, 4, 20, 12)),
        "Entry.date: expected a datetime.date, found datetime",
    ),
    "headline is not a string": (lambda: entry(headline=7), "Entry.headline: expected a string, found int"),
    "headline is empty": (lambda: entry(headline=""), "Entry.headline: expected text, found an empty string"),
    "headline has a line feed": (lambda: entry(headline="a\nb"), 'Entry.headline: expected one line, found a line break in "a\\nb"'),
    "headline has a carriage return": (lambda: entry(headline="a\rb"), 'Entry.headline: expected one line, found a line break in "a\\rb"'),
    "headline has leading space": (lambda: entry(headline=" a"), 'Entry.headline: expected no whitespace at either end, found " a"'),
    "headline has trailing unicode space": (lambda: entry(headline="a\u3000"), 'Entry.headline: expected no whitespace at either end, found "a　"'),
    "body is not a string": (lambda: entry(body=None), "Entry.body: expected a string, found NoneType"),
    "body has surrounding whitespace": (lambda: entry(body="text\n"), "Entry.body: expected no whitespace at either end"),
    "body has a carriage return": (lambda: entry(body="a\r\nb"), 'Entry.body: expected "\\n" line breaks, found "\\r"'),
    "body has two blank lines": (lambda: entry(body="a\n\n\nb"), "Entry.body: expected paragraphs separated by exactly one blank line, found more"),
    "body line ends in whitespace": (lambda: entry(body="a \nb"), "Entry.body: expected no whitespace at the end of a line, found some on line 1 of the body"),
    "body has a whitespace-only line": (lambda: entry(body="a\n\t\nb"), "Entry.body: expected no whitespace at the end of a line, found some on line 2 of the body"),
    "body has a heading": (lambda: entry(body="a\n## b\nc"), 'Entry.body: expected no line that reads as a Markdown heading, found "## b"'),
    "body has a heading, then lines": (lambda: entry(body="a\n## b\nc\nd"), 'Entry.body: expected no line that reads as a Markdown heading, found "## b"'),
    "body is a number": (lambda: entry(body=5), "Entry.body: expected a string, found int"),
    "body has a bare # line": (lambda: entry(body="a\n#\nc"), 'Entry.body: expected no line that reads as a Markdown heading, found "#"'),
    "body opens with a heading": (lambda: entry(body="###### b"), 'Entry.body: expected no line that reads as a Markdown heading, found "###### b"'),
    "sources is a string": (lambda: entry(sources="Euronews"), "Entry.sources: expected a sequence of Source, found str"),
    "related is a string": (lambda: entry(related="x"), "Entry.related: expected a sequence of Related, found str"),
    "sources is not iterable": (lambda: entry(sources=3), "Entry.sources: expected a sequence of Source, found int"),
    "a source is a dict": (lambda: entry(sources=[{"name": "a", "url": "b"}]), "Entry.sources[0]: expected a Source, found dict"),
    "a related is a Source": (lambda: entry(related=[Source(name="a", url="b")]), "Entry.related[0]: expected a Related, found Source"),
    "name is empty": (lambda: Source(name="", url="u"), "Source.name: expected text, found an empty string"),
    "name has ](": (lambda: Source(name="a](b", url="u"), 'Source.name: expected no "](" (it would end the link text), found "a](b"'),
    "a long value shown whole up to 60 characters": (lambda: Source(name="a\n" + "b" * 58, url="u"), 'Source.name: expected one line, found a line break in "a\\n' + "b" * 58 + '"'),
    "a longer value shown shortened to 60": (lambda: Source(name="a\n" + "b" * 59, url="u"), 'Source.name: expected one line, found a line break in "a\\n' + "b" * 55 + '..."'),
    "name has a line break": (lambda: Source(name="a\nb", url="u"), 'Source.name: expected one line, found a line break in "a\\nb"'),
    "url is empty": (lambda: Source(name="n", url=""), "Source.url: expected a URL, found an empty string"),
    "url has a space": (lambda: Source(name="n", url="http://a b"), 'Source.url: expected a URL without whitespace, found "http://a b"'),
    "url has a unicode space": (lambda: Source(name="n", url="http://a\u2028b"), 'Source.url: expected a URL without whitespace, found "http://a b"'),
    "url is bytes": (lambda: Source(name="n", url=b"u"), "Source.url: expected a string, found bytes"),  # type: ignore[arg-type]
    "title has ](": (lambda: Related(title="x](y", path=PATH), 'Related.title: expected no "](" (it would end the link text), found "x](y"'),
    "title is empty": (lambda: Related(title="", path=PATH), "Related.title: expected text, found an empty string"),
    "path has a one-digit month": (lambda: Related(title="t", path="/news/2016/4/8/a.md"), 'Related.path: expected a related link path like /news/YYYY/MM/D/slug.md, found "/news/2016/4/8/a.md"'),
    "path has a zero-padded day": (lambda: Related(title="t", path="/news/2016/04/08/a.md"), 'Related.path: expected a related link path like /news/YYYY/MM/D/slug.md, found "/news/2016/04/08/a.md"'),
    "path has day 0": (lambda: Related(title="t", path="/news/2016/04/0/a.md"), 'Related.path: expected a related link path like /news/YYYY/MM/D/slug.md, found "/news/2016/04/0/a.md"'),
    "path has an impossible date": (lambda: Related(title="t", path="/news/2015/02/29/a.md"), "Related.path: expected a related link path like /news/YYYY/MM/D/slug.md, found \"/news/2015/02/29/a.md\", whose date 2015/02/29 is not in the calendar"),
    "path has year 0": (lambda: Related(title="t", path="/news/0000/01/1/a.md"), 'Related.path: expected a related link path like /news/YYYY/MM/D/slug.md, found "/news/0000/01/1/a.md", whose date 0000/01/1 is not in the calendar'),
    "path has other digits": (lambda: Related(title="t", path="/news/२०१६/04/8/a.md"), 'Related.path: expected a related link path like /news/YYYY/MM/D/slug.md, found "/news/२०१६/04/8/a.md"'),
    "path has a capital": (lambda: Related(title="t", path="/news/2016/04/8/A.md"), 'Related.path: expected a related link path like /news/YYYY/MM/D/slug.md, found "/news/2016/04/8/A.md"'),
    "path has an empty slug": (lambda: Related(title="t", path="/news/2016/04/8/.md"), 'Related.path: expected a related link path like /news/YYYY/MM/D/slug.md, found "/news/2016/04/8/.md"'),
    "path has no leading slash": (lambda: Related(title="t", path="news/2016/04/8/a.md"), 'Related.path: expected a related link path like /news/YYYY/MM/D/slug.md, found "news/2016/04/8/a.md"'),
    "path is not a string": (lambda: Related(title="t", path=5), "Related.path: expected a string, found int"),  # type: ignore[arg-type]
    "path ends in index.md but is no day page": (lambda: Related(title="t", path="/news/2016/4/8/index.md"), 'Related.path: expected a related link path like /news/YYYY/MM/D/slug.md, found "/news/2016/4/8/index.md"'),
    "context is a string": (lambda: Related(title="t", path=PATH, context="NATO"), "Related.context: expected a sequence of tags, found str"),
    "a tag is empty": (lambda: Related(title="t", path=PATH, context=["a", ""]), "Related.context[1]: expected text, found an empty string"),
    "a tag has comma space": (lambda: Related(title="t", path=PATH, context=["a, b"]), 'Related.context[0]: expected no ", " (it separates tags), found "a, b"'),
    "a tag ends in a comma": (lambda: Related(title="t", path=PATH, context=["a,"]), 'Related.context[0]: expected no "," at the end (it would merge with the separator), found "a,"'),
    "a tag has surrounding whitespace": (lambda: Related(title="t", path=PATH, context=["a "]), 'Related.context[0]: expected no whitespace at either end, found "a "'),
    "a tag is not a string": (lambda: Related(title="t", path=PATH, context=[1]), "Related.context[0]: expected a string, found int"),  # type: ignore[list-item]
}  # fmt: skip


@pytest.mark.parametrize(("construct", "message"), INVALID.values(), ids=INVALID.keys())
def test_construction_rejects_what_could_not_survive(construct: Any, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        construct()
    assert str(raised.value) == message


VALID: dict[str, Any] = {
    "a body of paragraphs and lines": lambda: entry(body="one\ntwo\n\nthree"),
    "a body line with leading spaces": lambda: entry(body="one\n    code"),
    "a body line with #hashtag or 7 #": lambda: entry(body="#hashtag\n####### seven\n#\tx"),
    "a name with brackets": lambda: Source(name="[a] (b) ]", url="u"),
    "a url with ]( and parentheses": lambda: Source(name="n", url="http://x/a](b)(c)"),
    "a tag with a comma inside": lambda: Related(title="t", path=PATH, context=["1,000", ",x"]),
    "odd line-break characters inside values": lambda: Source(name="a\x85b\u2028c", url="u"),
    "a leap day path": lambda: Related(title="t", path="/news/2016/02/29/a.md"),
    "a path of year 1": lambda: Related(title="t", path="/news/0001/01/1/a.md", context=()),
    "a date of year 1": lambda: entry(date=datetime.date(1, 1, 1)),
}


@pytest.mark.parametrize("construct", VALID.values(), ids=VALID.keys())
def test_construction_accepts_what_survives(construct: Any) -> None:
    value = construct()
    text = newsfmt.serialize(
        value if isinstance(value, Entry) else entry(**{"sources" if isinstance(value, Source) else "related": [value]})
    )
    assert newsfmt.serialize(newsfmt.parse(text)) == text


def test_sequences_become_tuples_and_iterables_are_accepted() -> None:
    source = Source(name="n", url="u")
    built = entry(sources=[source], related=(item for item in [Related(title="t", path=PATH, context=["a"])]))
    assert built.sources == (source,)
    assert isinstance(built.related, tuple) and built.related[0].context == ("a",)


def test_values_are_keyword_only_frozen_slotted_and_hashable() -> None:
    with pytest.raises(TypeError):
        Source("n", "u")  # type: ignore[call-arg]
    source = Source(name="n", url="u")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        source.name = "m"  # type: ignore[misc]
    assert not hasattr(source, "__dict__")
    assert hash(entry(sources=[source])) == hash(entry(sources=[Source(name="n", url="u")]))


def test_evolve_validates_too() -> None:
    with pytest.raises(ValueError, match=r"^Entry\.headline: "):
        attrs.evolve(entry(), headline="")


def test_entries_pickle() -> None:
    value = entry(body="b", sources=[Source(name="n", url="u")], related=[Related(title="t", path=PATH, context=["x"])])
    assert pickle.loads(pickle.dumps(value)) == value


@given(newsfmt.strategies.entries())
def test_an_entry_pickled_is_the_same_entry_of_the_same_classes(value: Entry) -> None:
    # Pickles rebuild entries with the trusted constructors (no second check): every value and class must survive.
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        back = pickle.loads(pickle.dumps(value, protocol))
        assert back == value and attrs.asdict(back, recurse=False) == attrs.asdict(value, recurse=False)
        assert [type(item) for item in (*back.sources, *back.related)] == [
            type(item) for item in (*value.sources, *value.related)
        ]
        assert hash(back) == hash(value)


def test_derived_values() -> None:
    value = entry(date=datetime.date(2016, 4, 8), headline="NATO: talks resume, today!")
    assert value.day_path == "/news/2016/04/8/index.md"
    assert value.path == "/news/2016/04/8/nato-talks-resume-today.md"
    item = Related(title="t", path="/news/2015/12/25/christmas.md")
    assert (item.date, item.slug) == (datetime.date(2015, 12, 25), "christmas")
    assert entry(date=datetime.date(999, 1, 1)).day_path == "/news/0999/01/1/index.md"


def test_an_entry_without_a_slug_has_no_path() -> None:
    headless = entry(headline="¿¡!")
    with pytest.raises(ValueError, match=r"^Entry\.headline: has no letter or digit"):
        _ = headless.path


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("NATO-Russia relations: NATO reopens", "nato-russia-relations-nato-reopens"),
        ("  --Hello,   World!--  ", "hello-world"),
        ("today's meeting", "today-s-meeting"),
        ("Zürich – Genève", "z-rich-gen-ve"),
        ("ÀÉÎ", ""),
        ("a" * 139 + "é", "a" * 139),  # é is cut in half at byte 140 and dropped
        ("a" * 138 + "é", "a" * 138),  # é fits, then turns into a dash that is stripped
        ("a" * 138 + "éb", "a" * 138),  # b falls beyond 140 bytes
        ("b" * 200, "b" * 140),
        ("x\ud800y", "x-y"),  # a lone surrogate is a character outside a-z0-9
    ],
)
def test_slugify_follows_the_slug_rule(text: str, slug: str) -> None:
    assert slugify(text) == slug


@given(
    st.one_of(st.text(), s.raw_text(), st.sampled_from(["", " ", "a", " a", "a ", "a\nb", "\x85", "a\u3000", "a\rb"]))
)
def test_the_one_expression_text_check_equals_the_rule(value: str) -> None:
    assert is_text(value) == (text_problem(value) is None)
    assert not is_text(Sub("a"))  # a str subclass takes the rule's slower road, which accepts it
