"""Entries as Arrow tables: the schema, the round trip, Parquet, streaming, and the checks on the way back."""

from __future__ import annotations

import datetime
import os
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


# The command: to-json --output-format parquet, and from-json reading it back.


def test_parquet_out_and_back_rebuilds_the_archive_byte_for_byte(tmp_path: Path) -> None:
    from .test_cli import A_PATH, B_PATH, archive, run

    archive(tmp_path / "a")
    renamed = "news/2016/04/20/nato-reopens.md"  # a start of the slug: the name is kept, not remade
    (tmp_path / "a" / B_PATH).rename(tmp_path / "a" / renamed)
    (tmp_path / "a/news/2016/04/8/broken.md").write_text("broken\n")
    (tmp_path / "a/news/2016/04/8/latin.md").write_bytes(b"\xe9\n")
    result = run("to-json", "a", "--output-format", "parquet", "-o", "a.parquet", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "a/news/2016/04/8/broken.md:1:1: error: NF101 "
        'expected the date line "### [YYYY-MM-DD](/news/YYYY/MM/D/index.md)", found "broken"',
        "a/news/2016/04/8/latin.md:1:1: error: NF002 expected UTF-8 text, found the byte 0xE9",
        "2 entries written, 2 invalid files",
    ]
    table = pq.read_table(tmp_path / "a.parquet")
    assert table.column("path").to_pylist() == [f"a/{renamed}", f"a/{A_PATH}"]
    back = run("from-json", "a.parquet", "--out-dir", "b", cwd=tmp_path)
    assert back.returncode == 0, back.stderr
    for name in (renamed, A_PATH):
        assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "a" / name).read_bytes()
    again = run("from-json", "a.parquet", "--out-dir", "b", cwd=tmp_path)
    assert again.stderr == "0 files written, 2 unchanged, 0 failed\n"


def test_parquet_from_the_pool_is_the_parquet_of_one_process(tmp_path: Path) -> None:
    from .test_cli import run

    for number in range(80):
        entry = Entry(date=datetime.date(2016, 4, 1 + number % 28), headline=f"Entry {number}")
        newsfmt.write_to_archive(entry, tmp_path / "a")
    for jobs in ("1", "2"):
        assert (
            run(
                "to-json", "a", "--output-format", "parquet", "-o", f"{jobs}.parquet", "-j", jobs, cwd=tmp_path
            ).returncode
            == 0
        )
    assert pq.read_table(tmp_path / "1.parquet").equals(pq.read_table(tmp_path / "2.parquet"))
    assert pq.read_table(tmp_path / "1.parquet").num_rows == 80


def test_parquet_needs_a_file_and_a_bad_row_is_named_by_its_index(tmp_path: Path) -> None:
    from .test_cli import archive, run

    archive(tmp_path)
    to_stdout = run("to-json", "--output-format", "parquet", cwd=tmp_path)
    assert (to_stdout.returncode, to_stdout.stderr) == (
        2,
        "newsfmt: --output-format parquet writes a binary file: give it with -o FILE\n",
    )
    rows = newsfmt.to_arrow([Entry(date=datetime.date(2016, 4, 20), headline="NATO")]).to_pylist()
    rows.append(dict(rows[0], headline=" NATO"))
    pq.write_table(pa.Table.from_pylist(rows, schema=newsfmt.arrow_schema()), tmp_path / "bad.parquet")
    result = run("from-json", "bad.parquet", "--out-dir", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert "bad.parquet[1]: /headline: expected no whitespace at either end" in result.stderr
    assert (tmp_path / "out/news/2016/04/20/nato.md").exists()  # the good row is written


# read_record_batches: files to Arrow in the pool, as to-parquet runs it.


def _files_of(tmp_path: Path, entries: list[Entry], broken: dict[int, bytes]) -> list[newsfmt.InputFile]:
    """One file a value, in order: the entries' texts, and at the indexes of ``broken`` those bytes instead."""
    texts = [newsfmt.serialize(entry).encode() for entry in entries]
    for index, data in sorted(broken.items()):
        texts.insert(min(index, len(texts)), data)
    for number, data in enumerate(texts):
        (tmp_path / f"{number:04d}.md").write_bytes(data)
    return newsfmt.find_files([str(tmp_path)])


BROKEN = {b"broken\n": ("NF101", 1, 1), b"\xe9\n": ("NF002", 1, 1), b"": ("NF101", 1, 1)}


@LISTS
@given(
    st.lists(s.entries(), max_size=6),
    st.dictionaries(st.integers(0, 6), st.sampled_from(sorted(BROKEN)), max_size=3),
    st.integers(1, 4),
)
def test_read_record_batches_holds_the_entries_and_the_errors_in_order(
    tmp_path_factory: pytest.TempPathFactory, entries: list[Entry], broken: dict[int, bytes], rows: int
) -> None:
    files = _files_of(tmp_path_factory.mktemp("files"), entries, broken)
    pairs = list(newsfmt.read_record_batches(files, rows=rows))
    assert all(batch.num_rows <= rows for batch, _ in pairs)
    table = pa.Table.from_batches([batch for batch, _ in pairs], schema=newsfmt.arrow_schema())
    errors = pa.Table.from_batches([errors for _, errors in pairs], schema=newsfmt.error_schema())
    bad = {file.name for file in files if file.read_bytes() in BROKEN}
    assert table.equals(newsfmt.to_arrow(entries, paths=[file.name for file in files if file.name not in bad]))
    assert errors.to_pylist() == [
        dict(zip(("path", "code", "line", "column"), (file.name, *BROKEN[file.read_bytes()]), strict=True))
        | {"message": _error(file).message}
        for file in files
        if file.name in bad
    ]


def _error(file: newsfmt.InputFile) -> newsfmt.ParseError:
    try:
        newsfmt.parse(file.read_text())
    except newsfmt.ParseError as error:
        return error
    raise AssertionError(f"{file.name} parses")


def test_read_record_batches_in_the_pool_is_one_process_and_a_crash_costs_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsfmt._arrow

    entries = [Entry(date=datetime.date(2016, 4, 1 + n % 28), headline=f"Entry {n}") for n in range(150)]
    files = _files_of(tmp_path, entries, {40: b"broken\n", 149: b"\xe9\n"})
    one = list(newsfmt.read_record_batches(files, rows=64))
    two = list(newsfmt.read_record_batches(files, rows=64, jobs=2))
    assert [batch.num_rows for batch, _ in one] == [64, 64, 22]
    assert all(a.equals(b) and e.equals(f) for (a, e), (b, f) in zip(one, two, strict=True))

    def die_on_entry_7(text: str) -> Entry:
        if "# Entry 7 \n" in text:
            os._exit(1)  # as a crash in C or the OOM killer would end the worker
        return newsfmt.parse(text)

    monkeypatch.setattr(newsfmt._arrow, "parse", die_on_entry_7)  # forked workers inherit it
    pairs = list(newsfmt.read_record_batches(files, jobs=2))
    errors = pa.Table.from_batches([errors for _, errors in pairs]).to_pylist()
    assert [(error["path"], error["code"], error["message"]) for error in errors] == [
        (files[7].name, "NF000", "the worker process died on this file"),
        (files[40].name, "NF101", _error(files[40]).message),
        (files[149].name, "NF002", "expected UTF-8 text, found the byte 0xE9"),
    ]
    assert sum(batch.num_rows for batch, _ in pairs) == 149


def test_read_record_batches_of_no_files_and_its_rows_checked() -> None:
    assert list(newsfmt.read_record_batches([])) == []
    with pytest.raises(ValueError, match=r"^rows: expected 1 or more, found 0$"):
        list(newsfmt.read_record_batches([], rows=0))


def test_errors_to_arrow_gives_each_record_that_is_no_entry_in_order(tmp_path: Path) -> None:
    day = tmp_path / "news" / "2016" / "04" / "20"
    day.mkdir(parents=True)
    (day / "a-broken.md").write_text("# NATO\n")
    (day / "nato-reopens-talks.md").write_bytes(EXAMPLE.read_bytes())
    (day / "z-latin-1.md").write_bytes(b"caf\xe9\n")
    archive = newsfmt.Archive(tmp_path)
    table = newsfmt.errors_to_arrow(archive)
    assert table.schema == newsfmt.error_schema()
    assert table.to_pylist() == [
        {
            "path": "/news/2016/04/20/a-broken.md",
            "code": "NF101",
            "line": 1,
            "column": 1,
            "message": 'expected the date line "### [YYYY-MM-DD](/news/YYYY/MM/D/index.md)", found "# NATO"',
        },
        {
            "path": "/news/2016/04/20/z-latin-1.md",
            "code": "NF002",
            "line": 1,
            "column": 4,
            "message": "expected UTF-8 text, found the byte 0xE9",
        },
    ]
    entries_only = [record for record in archive if record.entry is not None]
    assert entries_only and newsfmt.errors_to_arrow(entries_only).num_rows == 0
    assert newsfmt.errors_to_arrow([]).schema == newsfmt.error_schema()
