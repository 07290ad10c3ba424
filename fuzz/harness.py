"""Coverage-guided fuzzing of newsfmt with atheris: parse, read's bytes, from_dict, validate, from-json, files.

    pip install atheris
    python fuzz/harness.py parse fuzz/corpus -max_total_time=900      # libFuzzer flags after the target
    python fuzz/harness.py read fuzz/corpus -max_total_time=900
    python fuzz/harness.py from_dict fuzz/corpus -max_total_time=900
    python fuzz/harness.py validate fuzz/corpus -max_total_time=900
    python fuzz/harness.py from_json fuzz/corpus -max_total_time=900
    python fuzz/harness.py filesystem fuzz/corpus -max_total_time=900

Each target checks newsfmt's promises on its input, not only that nothing
crashes: an exception other than the promised one, or a broken invariant, is a
finding. tests/test_fuzz.py runs every target on the corpus and on seeded
mutations of it, without atheris, so the harness cannot rot.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

from filesystem import target_filesystem, target_from_json

import newsfmt
from newsfmt import DictError, Entry, ParseError, Related, Source
from newsfmt._check import check_text
from newsfmt._io import parse_bytes
from newsfmt._parser import UNEXPLAINED


def revalidated(entry: Entry) -> Entry:
    """The entry built again through the public, validating constructors, all the way down."""
    return Entry(
        date=entry.date,
        headline=entry.headline,
        body=entry.body,
        sources=[Source(name=s.name, url=s.url) for s in entry.sources],
        related=[Related(title=r.title, path=r.path, context=list(r.context)) for r in entry.related],
    )


def _check_entry(entry: Entry) -> None:
    assert revalidated(entry) == entry, "parse built an entry that breaks a rule"
    text = newsfmt.serialize(entry)
    assert newsfmt.parse(text) == entry, "G2: the entry did not survive"
    assert newsfmt.serialize(newsfmt.parse(text)) == text, "G1: the canonical text did not round-trip"


def editor_lines(text: str) -> list[str]:
    """The text's lines as an editor counts them, written out apart from newsfmt's own split_lines: an oracle."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _check_error(error: ParseError, text: str) -> None:
    lines = editor_lines(text)
    assert 1 <= error.line <= len(lines) + 1, f"line {error.line} outside the text"
    line = lines[error.line - 1] if error.line <= len(lines) else ""
    assert 1 <= error.column <= len(line) + 1, f"column {error.column} outside line {error.line}"
    assert error.code.startswith("NF1"), f"no rule code: {error.code}"
    assert error.message and "\n" not in error.message
    assert UNEXPLAINED not in error.message, "the fast checks and the rules disagree"


def target_parse(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    try:
        entry = newsfmt.parse(text)
    except ParseError as error:
        _check_error(error, text)
    else:
        _check_entry(entry)


def target_read(data: bytes) -> None:
    try:
        entry = parse_bytes(data, path="fuzzed.md")
    except ParseError as error:
        assert error.path == "fuzzed.md"
        if error.code == "NF002":
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                return
            raise AssertionError("NF002 for bytes that are UTF-8") from None
        _check_error(error, data.decode("utf-8"))
    else:
        _check_entry(entry)


def target_from_dict(data: bytes) -> None:
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):  # not JSON: not this target's input
        return
    try:
        entry = newsfmt.from_dict(value)
    except DictError as error:
        assert error.problems and all(p == "" or p.startswith("/") for p, _ in error.problems)
    else:
        assert newsfmt.from_dict(newsfmt.to_dict(entry)) == entry
        _check_entry(entry)


def target_validate(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    entry, findings = check_text(text, "fuzzed.md")
    try:
        parsed = newsfmt.parse(text)
    except ParseError as error:
        assert entry is None and findings, "no finding for a text that does not parse"
        assert findings[0][1:5] == (error.line, error.column, error.code, error.message), "not parse's error first"
    else:
        assert entry == parsed
        assert all(f.severity == "warning" or f.code.startswith("NF3") for f in findings)
        style = [f for f in findings if f.code.startswith("NF2")]
        assert bool(style) == (text != newsfmt.serialize(parsed)), "style findings disagree with fmt"
        _, with_markdown = check_text(text, "fuzzed.md", markdown=True)
        assert sorted(f for f in with_markdown if not f.code.startswith("NF4")) == sorted(findings)
        lines = editor_lines(text)
        for f in with_markdown:
            assert 1 <= f.line <= len(lines) and 1 <= f.column <= len(lines[f.line - 1]) + 1, f


TARGETS: dict[str, Callable[[bytes], None]] = {
    "parse": target_parse,
    "read": target_read,
    "from_dict": target_from_dict,
    "validate": target_validate,
    "from_json": target_from_json,
    "filesystem": target_filesystem,
}


def main() -> None:
    import atheris

    name = sys.argv.pop(1)
    atheris.instrument_all()  # newsfmt is imported above, so instrument what is loaded
    atheris.Setup(sys.argv, TARGETS[name])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
