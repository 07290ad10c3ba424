"""Time newsfmt.parse and serialize against markdown-it-py in one process; check linear time.

    python benchmarks/bench_parse.py            # the full run, as reported in README
    python benchmarks/bench_parse.py --quick    # fewer repeats, smaller inputs

Part 1 times each function on the archive's example file and prints the ratio to
``markdown_it.MarkdownIt("commonmark").parse`` of the same text, the library a
user would otherwise parse this Markdown with. Part 2 parses a normal input of
about 10 MB (one entry with many related items) and adversarial inputs of the
same size, and prints the time per MB of each next to the normal one.
"""

from __future__ import annotations

import argparse
import platform
import sys
import timeit
from collections.abc import Callable
from pathlib import Path
from time import perf_counter

import markdown_it

import newsfmt

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "2016-04-20-nato-russia-talks.md"
HEAD = "### [2016-04-20](/news/2016/04/20/index.md)\n\n# Headline \n\n"
RELATED = "### Related:\n\n"
ITEM = "1. [A related title about NATO ](/news/2016/04/8/a-related-title-about-nato.md) _Context: NATO, Russia_\n"


def per_call(function: Callable[[], object], repeat: int) -> float:
    """The best time of one call, in seconds, over ``repeat`` rounds of about 0.2 s each."""
    timer = timeit.Timer(function)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=repeat, number=number)) / number


def best_of_three(text: str) -> tuple[str, float]:
    outcome = "parsed"
    best = float("inf")
    for _ in range(3):
        start = perf_counter()
        try:
            newsfmt.parse(text)
        except newsfmt.ParseError as error:
            outcome = f"ParseError, line {error.line}"
        best = min(best, perf_counter() - start)
    return outcome, best


def inputs(megabytes: int) -> dict[str, str]:
    size = megabytes * 1_000_000
    lines = size // 4
    example = EXAMPLE.read_bytes().decode("utf-8")
    normal_items = size // len(ITEM)
    return {
        "normal: one entry, ~100-byte related items": HEAD + "\n" + RELATED + ITEM * normal_items,
        "normal: one body paragraph of many lines": HEAD + "A line of body text, ordinary prose.\n" * (size // 37),
        "the example file repeated as body lines": HEAD + example.replace("#", "x") * (size // len(example)),
        "a million `1. [` lines in a section": HEAD + "\n" + RELATED + "1. [\n" * (size // 5),
        "`1. [` lines as body text": HEAD + "1. [\n" * (size // 5),
        "a single line of `[`": HEAD + "[" * size + "\n",
        "a single line of `](` in a source item": HEAD + "\n### Source:\n\n1. [" + "](" * (size // 2) + ")\n",
        "a single related title of `[`": HEAD + "\n" + RELATED + "1. [" + "[" * size + " ](/news/2016/04/8/a.md)\n",
        "a single line of `_Context: ` tags": (
            HEAD + "\n" + RELATED + "1. [T ](/news/2016/04/8/a.md) _Context: " + "_Context:, " * (size // 11) + "x_\n"
        ),
        "blank lines": HEAD + "body\n" + " \n" * (size // 2),
        "one-character lines": HEAD + "x\n" * lines * 2,
        "heading-like `#x` lines": HEAD + "#x\n" * (size // 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and 2 MB inputs, for a smoke test")
    arguments = parser.parse_args()
    repeat = 3 if arguments.quick else 7
    megabytes = 2 if arguments.quick else 10

    text = EXAMPLE.read_bytes().decode("utf-8")
    entry = newsfmt.parse(text)
    commonmark = markdown_it.MarkdownIt("commonmark")
    versions = f"newsfmt {newsfmt.__version__}, markdown-it-py {markdown_it.__version__}"
    print(f"Python {platform.python_version()}, {versions}")
    print(f"\nOn {EXAMPLE.name} ({len(text.encode())} bytes), best of {repeat} rounds:\n")
    peer = per_call(lambda: commonmark.parse(text), repeat)
    rows = [
        ("`markdown_it.MarkdownIt('commonmark').parse`", peer),
        ("`newsfmt.parse`", per_call(lambda: newsfmt.parse(text), repeat)),
        ("`newsfmt.serialize`", per_call(lambda: newsfmt.serialize(entry), repeat)),
        ("`serialize(parse(text))`", per_call(lambda: newsfmt.serialize(newsfmt.parse(text)), repeat)),
    ]
    print("| function | time per call | markdown-it-py's time / this |")
    print("| --- | ---: | ---: |")
    for name, seconds in rows:
        print(f"| {name} | {seconds * 1e6:,.1f} µs | {peer / seconds:,.1f}x |")

    print(f"\nLinear time: ms per MB of parse (or of its ParseError), best of 3, at 1 MB and at {megabytes} MB:\n")
    print(f"| input | result | ms per MB at 1 MB | at {megabytes} MB | {megabytes} MB time | / normal |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    small = inputs(1)
    normal: float | None = None
    for name, data in inputs(megabytes).items():
        outcome, small_time = best_of_three(small[name])
        _, large_time = best_of_three(data)
        small_rate = small_time * 1000 / (len(small[name].encode()) / 1e6)
        rate = large_time * 1000 / (len(data.encode()) / 1e6)
        normal = normal or rate
        print(f"| {name} | {outcome} | {small_rate:,.1f} | {rate:,.1f} | {large_time:,.2f} s | {rate / normal:.2f} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
