"""Entries as dicts and JSON: to_dict, from_dict with every problem at once, and the JSON Schema."""

from __future__ import annotations

import copy
import datetime
import json
import pickle
import sys
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

import newsfmt
from newsfmt import DictError, Entry, from_dict, json_schema, to_dict

from . import strategies as s
from .conftest import revalidated
from .test_example import EXAMPLE, EXPECTED

VALIDATOR = jsonschema.Draft202012Validator(json_schema())
SMALL: dict[str, Any] = {
    "date": "2016-04-08",
    "headline": "A headline",
    "body": "",
    "sources": [{"name": "Euronews", "url": "http://example.com/a"}],
    "related": [{"title": "Another", "path": "/news/2016/04/15/another.md", "context": ["NATO", "Russia"]}],
}


def test_the_example_as_a_dict() -> None:
    data = to_dict(newsfmt.read(EXAMPLE))
    assert list(data) == ["date", "headline", "body", "sources", "related"]
    assert data["date"] == "2016-04-20"
    assert data["headline"] == EXPECTED.headline and not data["headline"].endswith(" ")
    assert data["body"].endswith("to discuss Ukraine and the")
    assert data["sources"] == [
        {
            "name": "Euronews",
            "url": "http://www.euronews.com/2016/04/20/nato-russia-council-holds-talks-after-two-years/",
        }
    ]
    assert len(data["related"]) == 10
    assert data["related"][8] == {
        "title": (
            "Russia-United States relations: Iran-United States relations: The United States Senate passed by an "
            "overwhelming majority a bill ramping-up sanctions against Russia and against Iran. Language in the "
            "measure also reaffirms United States' commitment to NATO."
        ),
        "path": (
            "/news/2017/06/16/russia-united-states-relations-iran-united-states-relations-the-united-states-senate-"
            "passed-by-an-overwhelming-majority-a-bill-ramping.md"
        ),
        "context": ["NATO", "Russia"],
    }
    assert [list(item) for item in data["related"]] == [["title", "path", "context"]] * 10
    assert from_dict(data) == EXPECTED
    VALIDATOR.validate(data)


def test_from_dict_takes_date_objects_and_tuples() -> None:
    data = {**SMALL, "date": datetime.date(2016, 4, 8), "sources": tuple(SMALL["sources"])}
    data["related"] = [{**SMALL["related"][0], "context": ("NATO", "Russia")}]
    assert from_dict(data) == from_dict(SMALL)


def test_unknown_keys_are_an_error_unless_ignored() -> None:
    data = {**SMALL, "tags": [], "sources": [{**SMALL["sources"][0], "a/b~c": 1}]}
    with pytest.raises(DictError) as raised:
        from_dict(data)
    assert [pointer for pointer, _ in raised.value.problems] == ["/tags", "/sources/0/a~1b~0c"]
    assert raised.value.problems[0][1] == 'unknown key (expected "date", "headline", "body", "sources", "related")'
    assert from_dict(data, ignore_unknown_keys=True) == from_dict(SMALL)


PROBLEMS: dict[str, tuple[Any, list[tuple[str, str]]]] = {
    "not an object": ([SMALL], [("", "expected an object, found an array")]),
    "missing keys": (
        {"date": "2016-04-08", "headline": "H", "sources": [{"name": "n"}]},
        [("", 'missing key "body"'), ("", 'missing key "related"'), ("/sources/0", 'missing key "url"')],
    ),
    "a date that is not in the calendar": ({**SMALL, "date": "2016-02-30"}, [("/date", 'expected a date "YYYY-MM-DD", found "2016-02-30", which is not in the calendar')]),
    "a date in another ISO form": ({**SMALL, "date": "20160408"}, [("/date", 'expected a date "YYYY-MM-DD", found "20160408"')]),
    "a date that is a number": ({**SMALL, "date": 20160408}, [("/date", 'expected a date "YYYY-MM-DD", found a number')]),
    "a date that is null": ({**SMALL, "date": None}, [("/date", 'expected a date "YYYY-MM-DD", found null')]),
    "a datetime": ({**SMALL, "date": datetime.datetime(2016, 4, 8)}, [("/date", 'expected a date "YYYY-MM-DD", found a datetime')]),
    "an empty headline": ({**SMALL, "headline": ""}, [("/headline", "expected text, found an empty string")]),
    "a headline that is a list": ({**SMALL, "headline": ["H"]}, [("/headline", "expected a string, found an array")]),
    "a headline that is a boolean": ({**SMALL, "headline": True}, [("/headline", "expected a string, found a boolean")]),
    "no date": ({k: v for k, v in SMALL.items() if k != "date"}, [("", 'missing key "date"')]),
    "a body with a heading": ({**SMALL, "body": "a\n# b"}, [("/body", 'expected no line that reads as a Markdown heading, found "# b"')]),
    "sources that are an object": ({**SMALL, "sources": {"name": "n", "url": "u"}}, [("/sources", "expected an array, found an object")]),
    "a source that is a string": ({**SMALL, "sources": ["Euronews"]}, [("/sources/0", "expected an object, found a string")]),
    "related that are a string": ({**SMALL, "related": "x"}, [("/related", "expected an array, found a string")]),
    "a related item that is a number": ({**SMALL, "related": [5]}, [("/related/0", "expected an object, found a number")]),
    "a url with a space": ({**SMALL, "sources": [{"name": "n", "url": "a b"}]}, [("/sources/0/url", 'expected a URL without whitespace, found "a b"')]),
    "a name with ](": ({**SMALL, "sources": [{"name": "a](b", "url": "u"}]}, [("/sources/0/name", 'expected no "](" (it would end the link text), found "a](b"')]),
    "a bad path": (
        {**SMALL, "related": [{"title": "t", "path": "/news/2016/13/8/x.md", "context": []}]},
        [("/related/0/path", 'expected a related link path like /news/YYYY/MM/D/slug.md, found "/news/2016/13/8/x.md", whose date 2016/13/8 is not in the calendar')],
    ),
    "a context that is a string": ({**SMALL, "related": [{"title": "t", "path": "/news/2016/04/8/x.md", "context": "NATO"}]}, [("/related/0/context", "expected an array, found a string")]),
    "bad tags": (
        {**SMALL, "related": [{"title": "t", "path": "/news/2016/04/8/x.md", "context": ["a, b", 3, "c,", " d"]}]},
        [
            ("/related/0/context/0", 'expected no ", " (it separates tags), found "a, b"'),
            ("/related/0/context/1", "expected a string, found a number"),
            ("/related/0/context/2", 'expected no "," at the end (it would merge with the separator), found "c,"'),
            ("/related/0/context/3", 'expected no whitespace at either end, found " d"'),
        ],
    ),
}  # fmt: skip


@pytest.mark.parametrize(("data", "problems"), PROBLEMS.values(), ids=PROBLEMS.keys())
def test_from_dict_reports_every_problem_with_its_pointer(data: Any, problems: list[tuple[str, str]]) -> None:
    with pytest.raises(DictError) as raised:
        from_dict(data)
    assert raised.value.problems == problems
    assert str(raised.value) == "\n".join(f"{pointer or '(root)'}: {message}" for pointer, message in problems)
    assert isinstance(raised.value, ValueError)


def test_problems_in_several_places_are_all_reported() -> None:
    data = copy.deepcopy(SMALL)
    data["date"] = "2016-02-30"
    data["related"].append({"title": "x", "path": "/news/2016/13/8/x.md", "context": ["ok"]})
    data["related"].append({"title": "", "path": "/news/2016/04/8/y.md"})
    del data["sources"][0]["url"]
    with pytest.raises(DictError) as raised:
        from_dict(data)
    assert [pointer for pointer, _ in raised.value.problems] == [
        "/date",
        "/sources/0",
        "/related/1/path",
        "/related/2",
        "/related/2/title",
    ]


def test_dict_errors_pickle_intact() -> None:
    error = DictError([("/date", "expected a date"), ("", 'missing key "body"')])
    copied = pickle.loads(pickle.dumps(error))
    assert type(copied) is DictError and copied.problems == error.problems and str(copied) == str(error)
    assert DictError.__module__ == "newsfmt"


def test_to_dict_takes_only_entries() -> None:
    with pytest.raises(TypeError, match=r"^to_dict\(\) takes an Entry, not dict$"):
        to_dict(SMALL)  # type: ignore[arg-type]


class Text(str):
    """A str subclass, as a JSON library or an ORM may hand over."""


def _as_text(value: Any) -> Any:
    if isinstance(value, str):
        return Text(value)
    if isinstance(value, dict):
        return {key: _as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_text(item) for item in value]
    return value


def _plain(entry: Entry) -> bool:
    texts = [entry.headline, entry.body, *(v for x in entry.sources for v in (x.name, x.url))]
    texts += [v for item in entry.related for v in (item.title, item.path, *item.context)]
    return all(type(text) is str for text in texts)


def test_values_of_str_subclasses_are_kept_as_plain_str() -> None:
    # The fast path takes plain str only; a subclass goes the long way, and must come out the same, as str.
    data = _as_text(SMALL)
    assert type(data["sources"][0]["name"]) is Text
    entry = from_dict(data)
    assert entry == from_dict(SMALL) and _plain(entry)
    for each in ("sources", "related"):
        for key in data[each][0]:
            one = copy.deepcopy(SMALL)
            one[each][0][key] = _as_text(one[each][0][key])
            assert from_dict(one) == from_dict(SMALL) and _plain(from_dict(one)), (each, key)


# The JSON Schema.


def test_the_schema_is_a_valid_draft_2020_12_schema_with_a_stable_id() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:newsfmt:schema:entry:1"
    assert "calendar" in schema["description"]
    schema["title"] = "changed"
    assert json_schema()["title"] != "changed"  # each call returns a new dict


@pytest.mark.parametrize("code", [code for code in range(sys.maxunicode + 1) if chr(code).isspace()])
def test_the_schema_whitespace_is_python_whitespace(code: int) -> None:
    space = chr(code)
    for headline in (space + "a", "a" + space):
        assert not VALIDATOR.is_valid({**SMALL, "headline": headline})
    assert VALIDATOR.is_valid({**SMALL, "headline": "a" + space + "b"}) == (space not in "\n\r")
    assert VALIDATOR.is_valid({**SMALL, "sources": [{"name": "n", "url": "a" + space + "b"}]}) is False


ONE_RULE_BROKEN = [
    ("date", "2016-4-8"), ("date", "2016-13-01"), ("date", "2016-04-32"), ("date", "2016-04-08\n"), ("date", 20160408),
    ("headline", ""), ("headline", " a"), ("headline", "a\t"), ("headline", "a\nb"), ("headline", "a\n"), ("headline", "a\rb"),
    ("body", " a"), ("body", "a\n"), ("body", "a\r\nb"), ("body", "a\n\n\nb"), ("body", "a \nb"), ("body", "a\n\u3000\nb"),
    ("body", "# h"), ("body", "a\n#"), ("body", "a\n###### b"), ("body", None),
    ("sources/0/name", ""), ("sources/0/name", "a](b"), ("sources/0/name", "a\u2028"),
    ("sources/0/url", ""), ("sources/0/url", "a b"), ("sources/0/url", "a\x85b"), ("sources/0/url", "u\n"),
    ("related/0/title", "a](b"), ("related/0/title", "\xa0a"),
    ("related/0/path", "/news/2016/04/08/x.md"), ("related/0/path", "/news/2016/4/8/x.md"), ("related/0/path", "/news/2016/04/8/X.md"),
    ("related/0/path", "/news/2016/04/8/.md"), ("related/0/path", "/news/2016/04/0/x.md"), ("related/0/path", "news/2016/04/8/x.md"),
    ("related/0/path", "/news/2016/04/8/x.md\n"), ("related/0/path", "/news/16/04/8/x.md"),
    ("related/0/context/0", ""), ("related/0/context/0", "a, b"), ("related/0/context/0", "a,"), ("related/0/context/0", "a "),
    ("related/0/context/0", "a\nb"), ("related/0/context", "NATO"),
]  # fmt: skip
CALENDAR_ONLY = [("date", "2016-02-30"), ("date", "0000-01-01"), ("related/0/path", "/news/2015/02/29/x.md")]


def _with(location: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(SMALL)
    *parents, last = location.split("/")
    container: Any = data
    for part in parents:
        container = container[int(part) if part.isdigit() else part]
    container[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(("location", "value"), ONE_RULE_BROKEN)
def test_the_schema_and_from_dict_both_reject_a_broken_rule(location: str, value: Any) -> None:
    data = _with(location, value)
    with pytest.raises(DictError) as raised:
        from_dict(data)
    assert [pointer for pointer, _ in raised.value.problems] == ["/" + location]
    assert not VALIDATOR.is_valid(data)


@pytest.mark.parametrize(("location", "value"), CALENDAR_ONLY)
def test_only_calendar_dates_are_beyond_the_schema(location: str, value: Any) -> None:
    data = _with(location, value)
    with pytest.raises(DictError, match="not in the calendar"):
        from_dict(data)
    assert VALIDATOR.is_valid(data)  # the gap the schema's description names


# Properties.


@given(s.entries())
def test_from_dict_of_to_dict_is_the_entry(entry: Entry) -> None:
    data = to_dict(entry)
    assert from_dict(data) == entry
    assert json.loads(json.dumps(data)) == data
    assert VALIDATOR.is_valid(data), list(VALIDATOR.iter_errors(data))


_BAD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    s.raw_text(),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
    st.sampled_from(["2016-02-30", "2015-02-29", "0000-01-01", "2016-4-8", "20160408", "/news/2016/13/8/x.md"]),
    st.sampled_from(["/news/2016/04/08/x.md", "/news/2016/04/8/X.md", "a, b", "a,", " a", "a](b", "# h", "a\n\n\nb"]),
)


def _locations(value: Any, found: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every (container, key) in a dict of lists and dicts."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, item in items:
        found.append((value, key))
        _locations(item, found)
    return found


@st.composite
def mutated_dicts(draw: Any) -> dict[str, Any]:
    data = to_dict(draw(s.entries(max_sources=3, max_related=3)))
    for _ in range(draw(st.integers(1, 3))):
        container, key = draw(st.sampled_from(_locations(data, [])))
        action = draw(st.sampled_from(["replace", "delete", "add", "tuple", "date"]))
        if action == "replace":
            container[key] = draw(_BAD_VALUES)
        elif action == "delete":
            del container[key]
        elif action == "add" and isinstance(container, dict):
            container[draw(st.sampled_from(["extra", "Date", "a/b", "~"]))] = draw(_BAD_VALUES)
        elif action == "tuple" and isinstance(container[key], list):
            container[key] = tuple(container[key])
        elif action == "date" and key == "date":
            container[key] = draw(st.one_of(st.dates(), st.datetimes()))
    return data


def _as_json(data: Any) -> Any:
    """The dict as JSON would carry it: tuples as lists, a date as its ISO string."""
    if isinstance(data, datetime.date) and not isinstance(data, datetime.datetime):
        return data.isoformat()
    if isinstance(data, dict):
        return {key: _as_json(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [_as_json(value) for value in data]
    return data


@given(mutated_dicts())
def test_from_dict_returns_the_entry_of_the_dict_or_raises_dict_error(data: dict[str, Any]) -> None:
    try:
        entry = from_dict(data)
    except DictError as error:
        assert error.problems and all(pointer == "" or pointer.startswith("/") for pointer, _ in error.problems)
        json_data = _as_json(data)
        if VALIDATOR.is_valid(json_data):  # only the rule JSON Schema cannot express may remain
            assert all("calendar" in message for _, message in error.problems), error
    else:
        assert to_dict(entry) == _as_json(data)
        assert revalidated(entry) == entry  # nothing from_dict builds skips a rule
        assert VALIDATOR.is_valid(_as_json(data))


def test_valid_items_of_plain_str_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # Speed, not behaviour: the long way gives the same entry (the test above), but must be taken only when needed.
    import newsfmt._dict

    read: list[str] = []
    real = newsfmt._dict._string

    def counted(fields: Any, pointer: str, key: str, *rest: Any) -> str:
        read.append(f"{pointer}/{key}")
        return real(fields, pointer, key, *rest)

    monkeypatch.setattr(newsfmt._dict, "_string", counted)
    data = copy.deepcopy(SMALL)
    data["sources"].append({"name": "N [1] (a)", "url": "https://example.com/b?c=(d)"})
    data["related"].append({"title": "T: [x]", "path": "/news/2016/04/9/t.md", "context": ["a,b", "Côte d'Ivoire"]})
    data["related"].append({"title": "U", "path": "/news/2016/04/9/u.md", "context": []})
    entry = from_dict(data)
    assert to_dict(entry) == {**data, "date": "2016-04-08"}
    assert [where for where in read if where.startswith(("/sources", "/related"))] == []
