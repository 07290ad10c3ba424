"""Make an archive of generated, valid entries to try newsfmt on: news/YYYY/MM/D/SLUG.md files.

    python examples/make_archive.py 200 archive      # 200 entries under archive/news/

The entries are seeded (the same command makes the same bytes), of the example
file's sizes, and link each other. The cookbook and the benchmarks use it.
"""

from __future__ import annotations

import argparse
import datetime
import random
from pathlib import Path

import newsfmt

WORDS = (  # noqa: SIM905 (a sentence reads better than forty quoted words)
    "NATO Russia talks council ambassadors meet Brussels minister says sanctions government election court "
    "president parliament agreement security border troops protest economy bank report announces country "
    "according officials week years first time nearly two informal relations deploy missile system region"
).split()
TAGS = ["NATO", "Russia", "NATO-Russia relations", "Jens Stoltenberg", "European Union", "Ukraine", "Syria"]


def _text(rng: random.Random, low: int, high: int) -> str:
    words: list[str] = []
    while len(" ".join(words)) < rng.randint(low, high):
        words.append(rng.choice(WORDS))
    return " ".join(words).capitalize() + "."


def generate(root: Path, count: int, seed: int = 2016) -> int:
    """An archive of ``count`` entries under root/news; returns its size in bytes."""
    rng = random.Random(seed)
    start = datetime.date(2015, 1, 1)
    planned = []
    for number in range(count):
        date = start + datetime.timedelta(days=rng.randrange(1000))
        headline = f"{_text(rng, 120, 300)} ({number})"
        planned.append(
            (date, headline, f"/news/{date.year:04d}/{date.month:02d}/{date.day}/{newsfmt.slugify(headline)}.md")
        )
    size = 0
    for date, headline, path in planned:
        related = [
            newsfmt.Related(title=title, path=target, context=rng.sample(TAGS, rng.randint(1, 3)))
            for _, title, target in rng.sample(planned, min(count, rng.randint(0, 10)))
            if target != path  # an entry does not relate to itself (NF306)
        ]
        entry = newsfmt.Entry(
            date=date,
            headline=headline,
            body="\n\n".join(_text(rng, 100, 400) for _ in range(rng.randint(0, 3))),
            sources=[
                newsfmt.Source(name=rng.choice(WORDS), url=f"https://example.com/{n}") for n in range(rng.randint(1, 3))
            ],
            related=related,
        )
        data = newsfmt.serialize(entry).encode()
        target_file = root / path.lstrip("/")
        target_file.parent.mkdir(parents=True, exist_ok=True)
        target_file.write_bytes(data)
        size += len(data)
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="how many entries")
    parser.add_argument("folder", type=Path, help="the archive's folder; the entries go to FOLDER/news/")
    parser.add_argument("--seed", type=int, default=2016)
    arguments = parser.parse_args()
    size = generate(arguments.folder, arguments.count, arguments.seed)
    print(f"{arguments.count} entries, {size:,} bytes, in {arguments.folder / 'news'}")


if __name__ == "__main__":
    main()
