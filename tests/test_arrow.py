"""Entries as Arrow tables: the schema, the round trip, Parquet, streaming, and the checks on the way back."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsfmt
from newsfmt import DictError, Entry, Related, Source
from newsfmt import strategies as s

pa = pytest.importorskip("pyarrow", reason='the Arrow tests need pyarrow: pip install -e ".[arrow]"')
import pyarrow.parquet as pq  # noqa: E402

EXAMPLE = Path(__file__).parent / "data" / "2016-04-20-nato-russia-talks.md"


# Drawing a list of entries costs ~20 ms; lists of up to 4 test the list offsets as well as longer ones would.
LISTS = settings(max_examples=min(settings().max_examples, 200))


@LISTS
@given(st.lists(s.entries(), max_size=4))
def test_from_arrow_of_to_arrow_is_the_entries(entries: list[Entry]) -> None:
    table = newsfmt.to_arrow(entries)
    assert table.schema == newsfmt.arrow_schema()
    assert newsfmt.from_arrow(table) == entries
    assert table.column("path").to_pylist() == [_own_path(entry) for entry in entries]


def _own_path(entry: Entry) -> str | None:
    try:
        return entry.path
    except ValueError:
        return None


@LISTS
@given(st.lists(s.entries(), max_size=6), st.integers(1, 4))
def test_batches_hold_the_rows_of_the_table_in_order(entries: list[Entry], rows: int) -> None:
    batches = list(newsfmt.to_record_batches(entries, rows=rows))
    assert all(0 < batch.num_rows <= rows for batch in batches)
    assert pa.Table.from_batches(batches, schema=newsfmt.arrow_schema()).equals(newsfmt.to_arrow(entries))


def test_the_example_through_parquet(tmp_path: Path) -> None:
    entry = newsfmt.read(EXAMPLE)
    pq.write_table(newsfmt.to_arrow([entry], paths=["/news/2016/04/20/nato-russia-talks.md"]), tmp_path / "x.parquet")
    table = pq.read_table(tmp_path / "x.parquet")
    assert table.schema == newsfmt.arrow_schema()
    assert newsfmt.from_arrow(table) == [entry]
    row = table.to_pylist()[0]
    assert row["path"] == "/news/2016/04/20/nato-russia-talks.md" and row["date"] == datetime.date(2016, 4, 20)
    assert [item["date"] for item in row["related"]] == [item.date for item in entry.related]
    assert row["related"][0]["context"] == list(entry.related[0].context)


def _json_type(schema: dict[str, Any], node: dict[str, Any]) -> str:
    """The kind of a JSON Schema node, following $ref: string, date, or array/object of the kinds inside."""
    while "$ref" in node and "type" not in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]] | {k: v for k, v in node.items() if k != "$ref"}
    if node.get("type") == "array":
        return f"list<{_json_type(schema, node['items'])}>"
    if node.get("type") == "object":
        fields = ", ".join(f"{name}: {_json_type(schema, value)}" for name, value in node["properties"].items())
        return f"struct<{fields}>"
    pattern = node.get("pattern", "")
    return "date" if pattern.startswith("^[0-9]{4}-") else "string"


def _arrow_type(kind: Any, derived: frozenset[str] = frozenset({"date"})) -> str:
    if pa.types.is_list(kind):
        return f"list<{_arrow_type(kind.value_type)}>"
    if pa.types.is_struct(kind):
        # The related item's date is derived from its path: the JSON form leaves it out.
        fields = [field for field in kind if not (field.name in derived and kind.get_field_index("path") >= 0)]
        return "struct<" + ", ".join(f"{field.name}: {_arrow_type(field.type)}" for field in fields) + ">"
    return "date" if pa.types.is_date32(kind) else "string"


def test_the_arrow_schema_agrees_with_the_json_schema() -> None:
    schema = newsfmt.json_schema()
    arrow = newsfmt.arrow_schema()
    assert arrow.names == ["path", *schema["properties"]]  # the archive path first, then to_dict's keys
    for name, node in schema["properties"].items():
        assert _arrow_type(arrow.field(name).type) == _json_type(schema, node), name
    assert [field.name for field in arrow if field.nullable] == ["path"]  # null for a headline with no slug


def test_a_row_that_is_no_entry_is_named_by_its_index() -> None:
    good = newsfmt.to_arrow([Entry(date=datetime.date(2016, 4, 20), headline="NATO")]).to_pylist()[0]
    bad = dict(good, headline=" NATO", related=[{"title": "T", "path": "/x", "date": None, "context": []}])
    table = pa.Table.from_pylist([good, bad])  # the types inferred: a table from elsewhere, unchecked
    with pytest.raises(DictError) as raised:
        newsfmt.from_arrow(table)
    assert [pointer for pointer, _ in raised.value.problems] == ["/1/headline", "/1/related/0/path"]


def test_paths_name_the_rows() -> None:
    entries = [Entry(date=datetime.date(2016, 4, 20), headline="NATO", sources=[Source(name="a", url="http://a")])]
    related = Related(title="NATO", path="/news/2016/04/20/nato.md", context=["x", "y"])
    entries.append(Entry(date=datetime.date(2016, 4, 21), headline="Again", related=[related]))
    table = newsfmt.to_arrow(entries, paths=["/news/a.md", "/news/b.md"])
    assert table.column("path").to_pylist() == ["/news/a.md", "/news/b.md"]
    assert table.column("related").to_pylist()[1] == [
        {"title": "NATO", "path": "/news/2016/04/20/nato.md", "date": datetime.date(2016, 4, 20), "context": ["x", "y"]}
    ]


def test_without_pyarrow_the_arrow_functions_say_what_to_install() -> None:
    code = (
        "import sys; sys.modules['pyarrow'] = None; import newsfmt\n"
        "try:\n    newsfmt.arrow_schema()\nexcept ImportError as error:\n    print(error)"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output == 'newsfmt\'s Arrow functions need pyarrow: pip install "newsfmt[arrow]"\n'
