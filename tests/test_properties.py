"""The guarantees G1-G4 of FORMAT.md as properties over generated entries and texts."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

import newsfmt
from newsfmt import Entry, ParseError, Related, Source, parse, serialize
from newsfmt._parser import UNEXPLAINED

from . import strategies as s
from .conftest import editor_lines, revalidated


def check_parse_result(text: str) -> None:
    """parse returns a valid Entry or raises a ParseError that points inside the text."""
    try:
        entry = parse(text)
    except ParseError as error:
        lines = editor_lines(text)
        assert 1 <= error.line <= len(lines) + 1
        line = lines[error.line - 1] if error.line <= len(lines) else ""
        assert 1 <= error.column <= len(line) + 1
        assert error.message and "\n" not in error.message and UNEXPLAINED not in error.message
        assert str(error).startswith(f"line {error.line}, column {error.column}: ")
    else:
        assert type(entry) is Entry
        assert revalidated(entry) == entry  # nothing the parser builds skips a rule
        assert parse(serialize(entry)) == entry


@given(s.entries())
def test_g2_every_entry_survives(entry: Entry) -> None:  # property (a)
    assert parse(serialize(entry)) == entry


@given(s.entry_texts())
def test_g1_canonical_texts_round_trip_exactly(pair: tuple[Entry, str]) -> None:  # property (b)
    entry, text = pair
    assert serialize(parse(text)) == text
    assert serialize(entry) == text  # the independent builder and serialize agree on the layout


@given(s.entry_texts(tolerant=True))
def test_g3_tolerated_variations_read_as_the_canonical_text(pair: tuple[Entry, str]) -> None:  # property (c)
    entry, text = pair
    assert parse(text) == entry


@given(st.text())
@example("")
@example("\ufeff")
@example("### [2016-04-20](/news/2016/04/20/index.md)\n\n# x\n\n  #\nbody")
def test_g4_any_string_parses_or_raises_parse_error(text: str) -> None:  # property (d)
    check_parse_result(text)


@given(st.lists(s._pieces(), max_size=60).map("".join))
def test_g4_format_shaped_noise_parses_or_raises_parse_error(text: str) -> None:  # property (d)
    check_parse_result("### [2016-04-20](/news/2016/04/20/index.md)\n\n# x\n\n" + text)


@st.composite
def damaged_texts(draw: Any) -> str:
    _, text = draw(s.entry_texts(tolerant=draw(st.booleans())))
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        damage = draw(st.sampled_from(["replace", "delete", "duplicate", "insert", "cut", "swap"]))
        if damage == "replace":
            lines[at] = draw(s.raw_text())
        elif damage == "delete" and len(lines) > 1:
            del lines[at]
        elif damage == "duplicate":
            lines.insert(at, lines[at])
        elif damage == "insert":
            column = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:column] + draw(s.raw_text(3)) + lines[at][column:]
        elif damage == "cut":
            column = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:column]
        else:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
    return "\n".join(lines)


@given(damaged_texts())
def test_g4_damaged_texts_parse_or_raise_parse_error(text: str) -> None:  # property (d)
    check_parse_result(text)


# Property (e): arbitrary values handed to the constructors, one field at a time so
# that the other fields are valid and the value alone decides. Near-valid values
# (valid text with a "](", ", " or "," spliced in; paths one step off) prove that
# each rule is needed: without the rule they would construct and not survive.
_junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.binary(max_size=5),
    st.text(max_size=10),
    s.raw_text(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.datetimes(),
    st.dates(),
)
_spliced_text = st.builds(
    lambda before, token, after: before + token + after,
    s.texts(),
    st.sampled_from(["](", ", ", ",", " ", "\n", "\r", "\x85", "\t"]),
    st.one_of(st.just(""), s.texts()),
)
_near_valid_path = st.builds(
    "/news/{}/{}/{}/{}.md".format,
    st.sampled_from(["2016", "0000", "16", "२०१६"]),
    st.sampled_from(["04", "4", "13", "00", "02"]),
    st.sampled_from(["8", "08", "0", "30", "31", "29"]),
    st.sampled_from(["a", "A", "a_b", "a b", "", "-"]),
)
_spliced_body = st.builds(
    lambda body, token: body + token + "x",
    s.bodies(),
    st.sampled_from(["\n", "\n\n\n", "\n# ", "\n###", " \n", "\r\n", "\n\n ", "\x85\n"]),
)


def _values(*, valid: st.SearchStrategy[Any], near_valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(valid, near_valid, _junk)


_ENTRY_FIELDS: dict[str, tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]] = {
    "date": (st.dates(), st.datetimes()),
    "headline": (s.texts(), _spliced_text),
    "body": (s.bodies(), _spliced_body),
    "sources": (st.lists(s.sources(), max_size=3), st.lists(_junk, min_size=1, max_size=2)),
    "related": (st.lists(s.related(), max_size=3), st.one_of(s.texts(), st.lists(s.sources(), min_size=1))),
}
_SOURCE_FIELDS = {"name": (s.link_texts(), _spliced_text), "url": (s.urls(), _spliced_text)}
_RELATED_FIELDS = {
    "title": (s.link_texts(), _spliced_text),
    "path": (s.paths(), _near_valid_path),
    "context": (st.lists(s.tags(), max_size=3), st.lists(_spliced_text, min_size=1, max_size=2)),
}


def _draw_values(data: st.DataObject, fields: dict[str, tuple[Any, Any]], varied: str) -> dict[str, Any]:
    values = {name: data.draw(valid, label=name) for name, (valid, _) in fields.items() if name != varied}
    valid, near_valid = fields[varied]
    values[varied] = data.draw(_values(valid=valid, near_valid=near_valid), label=varied)
    return values


def _alone(entry: Entry) -> Entry:
    return entry


def _in_an_entry(value: Source | Related) -> Entry:
    date = datetime.date(2016, 4, 20)
    if isinstance(value, Source):
        return Entry(date=date, headline="x", sources=[value])
    return Entry(date=date, headline="x", related=[value])


_CONSTRUCTORS: dict[str, tuple[type, dict[str, tuple[Any, Any]], Any]] = {
    "Entry": (Entry, _ENTRY_FIELDS, _alone),
    "Source": (Source, _SOURCE_FIELDS, _in_an_entry),
    "Related": (Related, _RELATED_FIELDS, _in_an_entry),
}


@pytest.mark.parametrize(
    ("name", "varied"), [(name, field) for name, (_, fields, _) in _CONSTRUCTORS.items() for field in fields]
)
@given(data=st.data())
def test_g2_construction_either_fails_with_value_error_naming_the_field_or_round_trips(
    name: str, varied: str, data: st.DataObject
) -> None:
    cls, fields, in_entry = _CONSTRUCTORS[name]
    values = _draw_values(data, fields, varied)
    try:
        value = cls(**values)
    except ValueError as error:
        assert str(error).startswith(f"{name}.{varied}"), error
    else:
        entry = in_entry(value)
        assert parse(serialize(entry)) == entry


@given(s.entries())
def test_serialize_is_canonical_so_formatting_twice_changes_nothing(entry: Entry) -> None:
    text = serialize(entry)
    assert serialize(parse(text)) == text
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "\r" not in text


@given(st.text(max_size=300))
def test_slugify_makes_a_slug_of_any_text(text: str) -> None:
    slug = newsfmt.slugify(text)
    assert len(slug.encode()) <= 140
    assert all(character in "abcdefghijklmnopqrstuvwxyz0123456789-" for character in slug)
    assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug
    assume(slug)
    assert newsfmt.slugify(slug) == slug


@pytest.mark.parametrize("value", ["", "\ufeff", "\n", "#", "### [", "1. [", "](", "_Context:"])
def test_g4_small_fragments_raise_parse_error(value: str) -> None:
    with pytest.raises(ParseError):
        parse(value)


def _parse_step_by_step(text: str) -> Entry:
    """parse with the one-regex reading of related items turned off."""
    import newsfmt._parser as parser

    fast = parser._RELATED_TAIL
    parser._RELATED_TAIL = re.compile(r"(?!)")  # matches nothing
    try:
        return parse(text)
    finally:
        parser._RELATED_TAIL = fast


def _outcome(read: Any, text: str) -> object:
    try:
        return read(text)
    except ParseError as error:
        return (error.line, error.column, error.code, error.message)


@given(
    st.one_of(
        s.entry_texts().map(lambda pair: pair[1]),
        s.entry_texts(tolerant=True).map(lambda pair: pair[1]),
        damaged_texts(),
    )
)
def test_the_fast_reading_of_related_items_agrees_with_the_step_by_step_one(text: str) -> None:
    assert _outcome(parse, text) == _outcome(_parse_step_by_step, text)
