"""Time to_dict and from_dict on the example against attrs.asdict, cattrs and parse, in one process.

    python benchmarks/bench_dict.py            # as reported in README
    python benchmarks/bench_dict.py --quick    # fewer repeats

cattrs (in the ``dev`` extra) is timed for the record: it is the attrs project's
own (un)structuring library, which the dict issue asked to prefer unless a
hand-written converter is simpler and as fast. It is configured to give the same
dict (ISO date strings, lists); its structure step runs attrs' validators.
"""

from __future__ import annotations

import argparse
import datetime
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

import newsfmt

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "2016-04-20-nato-russia-talks.md"


def per_call(function: Callable[[], object], repeat: int) -> float:
    timer = timeit.Timer(function)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=repeat, number=number)) / number


def cattrs_converter() -> Any:
    try:
        import cattrs
    except ImportError:
        return None
    converter = cattrs.Converter()
    converter.register_unstructure_hook(datetime.date, datetime.date.isoformat)
    converter.register_structure_hook(datetime.date, lambda value, _: datetime.date.fromisoformat(value))
    return converter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, for a smoke test")
    repeat = 3 if parser.parse_args().quick else 7

    text = EXAMPLE.read_bytes().decode("utf-8")
    entry = newsfmt.parse(text)
    data = newsfmt.to_dict(entry)
    converter = cattrs_converter()
    if converter is not None:
        assert converter.unstructure(entry) == data
        assert converter.structure(data, newsfmt.Entry) == entry

    print(f"On {EXAMPLE.name}, best of {repeat} rounds:\n")
    print("| function | time per call | / newsfmt's |")
    print("| --- | ---: | ---: |")
    groups: list[list[tuple[str, Callable[[], object]]]] = [
        [
            ("`newsfmt.to_dict(entry)`", lambda: newsfmt.to_dict(entry)),
            ("`attrs.asdict(entry)`", lambda: attrs.asdict(entry)),
        ],
        [
            ("`newsfmt.from_dict(data)`", lambda: newsfmt.from_dict(data)),
            ("`newsfmt.parse(text)` of the same entry", lambda: newsfmt.parse(text)),
        ],
    ]
    if converter is not None:
        groups[0].append(("`cattrs.Converter().unstructure(entry)`", lambda: converter.unstructure(entry)))
        structure = ("`cattrs.Converter().structure(data, Entry)`", lambda: converter.structure(data, newsfmt.Entry))
        groups[1].append(structure)
    for group in groups:
        ours = per_call(group[0][1], repeat)
        print(f"| {group[0][0]} | {ours * 1e6:,.1f} µs | 1.00 |")
        for name, function in group[1:]:
            seconds = per_call(function, repeat)
            print(f"| {name} | {seconds * 1e6:,.1f} µs | {seconds / ours:,.2f} |")
    if converter is None:
        print("\n(cattrs is not installed: pip install cattrs to time it too.)")


if __name__ == "__main__":
    main()
