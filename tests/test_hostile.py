"""Hostile input: no regular expression backtracks super-linearly, parse time grows linearly, the fuzz harness runs."""

from __future__ import annotations

import contextlib
import datetime
import importlib
import json
import pkgutil
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import newsfmt

ROOT = Path(__file__).parent.parent
import harness  # conftest.py puts fuzz/ on the path

OPTIONAL = {"dask", "spark", "lsp"}  # the modules that need an extra to import


def every_pattern() -> list[str]:
    """Each regular expression newsfmt compiles, and those of its JSON Schema (which other programs run)."""
    patterns = []
    for info in pkgutil.iter_modules(newsfmt.__path__):
        if info.name == "__main__":
            continue
        try:
            module = importlib.import_module(f"newsfmt.{info.name}")
        except ImportError:  # an engine's connector, without its extra: scanned where the extra is installed (CI)
            if info.name in OPTIONAL:
                continue
            raise
        patterns += [value.pattern for value in vars(module).values() if isinstance(value, re.Pattern)]
    escaped = re.findall(r'"pattern": "((?:[^"\\]|\\.)*)"', json.dumps(newsfmt.json_schema()))
    patterns += [json.loads(f'"{pattern}"') for pattern in escaped]
    return sorted(set(patterns))


def test_no_regular_expression_can_backtrack_super_linearly() -> None:
    patterns = every_pattern()
    assert len(patterns) >= 25
    # regexploit (Doyensec's static ReDoS finder) reports each pattern with a super-linear
    # worst case as "Redos(...)"; it cannot parse possessive quantifiers, which never backtrack.
    script = Path(sys.executable).with_name("regexploit")
    report = subprocess.run([str(script)], input="\n".join(patterns), capture_output=True, text=True, check=True).stdout
    assert "Redos(" not in report, report
    unparsed = [line for line in report.splitlines() if line.startswith("Error parsing")]
    assert all("++" in line for line in unparsed), unparsed


HOSTILE: dict[str, Callable[[int], str]] = {
    "brackets": lambda size: "### [2016-04-20](/news/2016/04/20/index.md)\n\n# H \n\n" + "[" * size,
    "link separators": lambda size: "### [2016-04-20](/news/2016/04/20/index.md)\n\n# H \n\n\n### Source:\n\n1. [" + "](" * (size // 2) + ")",
    "context fragments": lambda size: (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# H \n\n\n### Related:\n\n1. [T ](/news/2016/04/8/t.md) "
        + "_Context: " * (size // 10) + "_"
    ),
    "one huge line": lambda size: "x" * size,
    "a million list items": lambda size: (
        "### [2016-04-20](/news/2016/04/20/index.md)\n\n# H \n\n\n### Source:\n\n" + "1. [a](b)\n" * (size // 10)
    ),
}  # fmt: skip


def seconds_to_parse(text: str) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        with contextlib.suppress(newsfmt.ParseError):
            newsfmt.parse(text)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.timing
@pytest.mark.parametrize("make", HOSTILE.values(), ids=HOSTILE.keys())
def test_parse_time_grows_linearly_on_hostile_input(make: Callable[[int], str]) -> None:
    one, four, sixteen = (seconds_to_parse(make(megabytes * 1_000_000)) for megabytes in (1, 4, 16))
    # 4 times the input: linear time takes about 4 times as long, quadratic 16 times.
    assert four < 10 * one + 0.05 and sixteen < 10 * four + 0.05, (one, four, sixteen)


def mutations(seed: bytes, rng: random.Random) -> bytes:
    data = bytearray(seed)
    for _ in range(rng.randint(1, 8)):
        at = rng.randint(0, len(data))
        action = rng.randrange(4)
        if action == 0 and data:
            del data[at : at + rng.randint(1, 40)]
        elif action == 1:
            data[at:at] = rng.choice([b"\n", b"\r", b"](", b"[", b"#", b", ", b"_", b"\xff", b"\xc3", b" ", b"1. ["])
        elif action == 2 and data:
            data[at : at + 1] = bytes([rng.randrange(256)])
        else:
            start = rng.randint(0, len(data))
            data[at:at] = data[start : start + rng.randint(1, 200)]
    return bytes(data)


@pytest.mark.parametrize("target", harness.TARGETS)
def test_the_fuzz_harness_on_its_corpus_and_seeded_mutations(target: str) -> None:
    """A short fixed-seed run of each target, without atheris, so that the harness cannot rot."""
    seeds = [path.read_bytes() for path in sorted((ROOT / "fuzz" / "corpus").iterdir())]
    rng = random.Random(target)
    count = {"filesystem": 80, "from_json": 80}.get(target, 300)  # these two build files and fork for each input
    for data in seeds + [mutations(rng.choice(seeds), rng) for _ in range(count)]:
        harness.TARGETS[target](data)


def seconds_to_check_markdown(entry: newsfmt.Entry) -> float:
    from newsfmt._markdown import markdown_problems

    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        markdown_problems(entry)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.timing
def test_the_markdown_checks_grow_linearly_with_the_body() -> None:
    # Regression: each body line looked for its block among all blocks, quadratic in a body of many paragraphs.
    def entry(paragraphs: int) -> newsfmt.Entry:
        body = "\n\n".join(f"p{number}" for number in range(paragraphs))
        return newsfmt.Entry(date=datetime.date(2016, 4, 20), headline="H", body=body)

    one, four, sixteen = (seconds_to_check_markdown(entry(paragraphs)) for paragraphs in (4_000, 16_000, 64_000))
    assert four < 10 * one + 0.05 and sixteen < 10 * four + 0.05, (one, four, sixteen)
