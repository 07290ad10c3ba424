"""A seeded archive with broken files of every kind the checks know: the data of the findings' golden test.

``make(root)`` writes the same bytes every time (examples/make_archive.py's entries, then
seeded damage), so findings computed on it can be compared with a file of them.
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from make_archive import generate

DAMAGE: list[Callable[[str], str]] = [
    lambda text: text.replace("\n", "\r\n"),  # NF201
    lambda text: "\ufeff" + text,  # NF202
    lambda text: text.rstrip("\n"),  # NF203
    lambda text: text + "\n\n",  # NF203
    lambda text: text.replace("\n\n", "\n \n", 1),  # NF204
    lambda text: text.replace(" \n", "\n", 1),  # NF207
    lambda text: text.replace("### Source:", "### Sources:"),  # NF208
    lambda text: text.replace("\n2. ", "\n3. ", 1),  # NF210
    lambda text: text.replace("](", " ](", 1),  # NF206 or worse
    lambda text: text.replace("# ", "## ", 1),  # NF1xx
    lambda text: text.replace("### Related:", "### Related"),  # NF1xx
    lambda text: text[: len(text) // 2],  # anything
    lambda text: text.replace("1. [", "1. [x", 1).replace("\n2. [", "\n2. [x", 1),  # NF307
    lambda text: text + text.splitlines(keepends=True)[-1] if text.count("\n1. [") else text,  # NF305, or NF1xx
    lambda text: _repeat_source(text),  # NF304
    lambda text: _in_related(text, lambda part: part.replace("(/news/201", "(/news/202", 1)),  # NF308
    lambda text: _in_related(text, lambda part: part.replace(".md)", "-gone.md)", 1)),  # NF303
    lambda text: text.replace("\n\n# ", "\n# ", 1),  # NF104
    lambda text: text.replace("\n\n\n###", "\n\n###", 1),  # NF205
    lambda text: text.replace("# ", "# \t", 1),  # NF1xx
]


def _in_related(text: str, change: Callable[[str], str]) -> str:
    head, found, related = text.partition("### Related:")
    return head + found + change(related)


def _repeat_source(text: str) -> str:
    lines = text.split("\n")
    if "### Source:" not in lines or "### Related:" in lines:
        return text
    items = [line for line in lines if line[:1].isdigit()]
    return text + f"{len(items) + 1}. {items[0].split('. ', 1)[1]}\n"


def make(root: Path, count: int = 400, seed: int = 17) -> None:
    generate(root, count, seed=seed)
    rng = random.Random(seed)
    files = sorted(str(path) for path in (root / "news").rglob("*.md"))
    for path in rng.sample(files, count // 3):
        damage = rng.choice(DAMAGE)
        with open(path, encoding="utf-8", newline="") as file:
            text = file.read()
        with open(path, "w", encoding="utf-8", newline="") as file:
            file.write(damage(text))
    remaining = sorted(str(path) for path in (root / "news").rglob("*.md"))
    for path in rng.sample(remaining, 10):  # NF303 for the links to them
        os.remove(path)
    for path in rng.sample(sorted(str(path) for path in (root / "news").rglob("*.md")), 10):  # NF302
        name = "renamed.md" if rng.random() < 0.5 else "x-" + os.path.basename(path)
        os.rename(path, os.path.join(os.path.dirname(path), name))
    for path in rng.sample(sorted(str(path) for path in (root / "news").rglob("*.md")), 5):  # NF306
        with open(path, encoding="utf-8", newline="") as file:
            text = file.read()
        own = "/" + os.path.relpath(path, root).replace(os.sep, "/")
        with open(path, "a", encoding="utf-8", newline="") as file:
            file.write(f"{'' if 'Related' in text else chr(10) + '### Related:' + chr(10) * 2}99. [Self ]({own})\n")
    for path in rng.sample(sorted(str(path) for path in (root / "news").rglob("*.md")), 5):  # NF301
        target = path.replace("/news/2015/", "/news/2019/")
        if target != path:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.rename(path, target)
