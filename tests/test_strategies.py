"""newsfmt.strategies: everything drawn is valid and as narrowed, shrinks well, and covers the edges."""

from __future__ import annotations

import datetime
import subprocess
import sys
from collections.abc import Callable

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from newsfmt import Entry, ParseError, Related, Source, parse, serialize
from newsfmt.strategies import canonical_texts, entries, invalid_texts, related, sources, tolerant_texts

from .conftest import revalidated


@settings(max_examples=200)  # the G1-G4 properties draw from these strategies 1,000 times
@given(entries())
def test_entries_are_valid(entry: Entry) -> None:
    assert revalidated(entry) == entry


@settings(max_examples=200)  # the G1-G4 properties draw from these strategies 1,000 times
@given(
    entries(
        min_date=datetime.date(2015, 1, 1),
        max_date=datetime.date(2016, 12, 31),
        ascii_only=True,
        min_sources=1,
        max_sources=2,
        min_related=2,
        max_related=3,
        empty_body=False,
    )
)
def test_entries_are_drawn_as_narrowed(entry: Entry) -> None:
    assert datetime.date(2015, 1, 1) <= entry.date <= datetime.date(2016, 12, 31)
    assert all(datetime.date(2015, 1, 1) <= item.date <= datetime.date(2016, 12, 31) for item in entry.related)
    assert serialize(entry).isascii()
    assert 1 <= len(entry.sources) <= 2 and 2 <= len(entry.related) <= 3 and entry.body


@settings(max_examples=200)  # the G1-G4 properties draw from these strategies 1,000 times
@given(entries(empty_body=True, max_sources=0, max_related=0))
def test_an_entry_can_be_narrowed_to_a_date_and_a_headline(entry: Entry) -> None:
    assert (entry.body, entry.sources, entry.related) == ("", (), ())


@settings(max_examples=200)  # the G1-G4 properties draw from these strategies 1,000 times
@given(canonical_texts())
def test_canonical_texts_are_canonical(text: str) -> None:
    assert serialize(parse(text)) == text


@settings(max_examples=200)  # the G1-G4 properties draw from these strategies 1,000 times
@given(tolerant_texts())
def test_tolerant_texts_read_as_their_entry(pair: tuple[Entry, str]) -> None:
    entry, text = pair
    assert parse(text) == entry


@settings(max_examples=200)  # the G1-G4 properties draw from these strategies 1,000 times
@given(invalid_texts())
def test_invalid_texts_fail_at_their_line(pair: tuple[str, int]) -> None:
    text, line = pair
    with pytest.raises(ParseError) as raised:
        parse(text)
    assert raised.value.line == line, raised.value


def test_a_failing_property_shrinks_to_a_small_entry() -> None:
    smallest = find(
        entries(), lambda entry: len(entry.related) >= 1, settings=settings(database=None, max_examples=2000)
    )
    assert (len(smallest.headline), smallest.body, smallest.sources) == (1, "", ())
    [item] = smallest.related
    assert (len(item.title), item.context) == (1, ())


EDGES: dict[str, Callable[[Entry], bool]] = {
    "an empty body and no sections": lambda entry: not entry.body and not entry.sources and not entry.related,
    "many sources": lambda entry: len(entry.sources) >= 8,
    "non-ASCII text": lambda entry: not entry.headline.isascii(),
    "Markdown punctuation in a title": lambda entry: any(c in item.title for item in entry.related for c in "*_[`<"),
    "a multi-paragraph body": lambda entry: "\n\n" in entry.body,
    "an odd line-break character": lambda entry: any(c in entry.headline for c in "\x85\u2028\u2029\v\f"),
}


def test_the_strategies_reach_the_edges() -> None:
    reached: set[str] = set()

    @settings(max_examples=300, derandomize=True, database=None)  # the same 300 entries every run
    @given(entries(max_sources=10))
    def draw(entry: Entry) -> None:
        reached.update(name for name, edge in EDGES.items() if edge(entry))

    draw()
    assert reached == set(EDGES)


@settings(max_examples=200)  # the G1-G4 properties draw from these strategies 1,000 times
@given(sources(ascii_only=True), related(max_tags=0))
def test_sources_and_related_alone(source: Source, item: Related) -> None:
    entry = Entry(date=datetime.date(2016, 4, 20), headline="x", sources=[source], related=[item])
    assert revalidated(entry).related[0].context == ()


def test_from_type_draws_valid_values_with_no_import_of_the_strategies() -> None:
    code = (
        "from hypothesis import find, strategies as st; import newsfmt, sys;"
        "assert 'newsfmt.strategies' not in sys.modules;"
        "e = find(st.from_type(newsfmt.Entry), lambda e: len(e.related) > 0);"
        "assert newsfmt.parse(newsfmt.serialize(e)) == e; print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout == "ok\n", result.stderr


def test_importing_the_strategies_before_hypothesis_works() -> None:
    # Regression: that import ran Hypothesis' entry point, which loaded the half-made module and failed.
    code = "from newsfmt.strategies import entries; import newsfmt; print(type(entries().example()).__name__)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout == "Entry\n", result.stderr


def test_without_hypothesis_the_import_error_says_what_to_install() -> None:
    code = "import sys; sys.modules['hypothesis'] = None; import newsfmt.strategies"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert 'ImportError: newsfmt.strategies needs Hypothesis: pip install "newsfmt[hypothesis]"' in result.stderr
    assert st is not None
