"""Print the mutation score per file from mutmut's results (mutants/**/*.meta), as docs/testing.md tabulates it.

A mutant listed in tools/set_aside_mutants.txt (one name a line, then the reason) is set aside: an equivalent
mutant (no test can kill a change that does not change behaviour), or one mutmut cannot switch on. The score is
killed / (killed + survived) over the mutants that ran and are not set aside; a timeout counts as killed, as
mutmut counts it, and a mutant no test reaches as survived.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KILLED = {1, 3, 37}  # a failing test, pytest's internal error, a type check: as mutmut's stats.py counts them
TIMEOUT = {-24, 24, 36, 152, 255}


def set_aside() -> dict[str, str]:
    """The mutants set aside, with why."""
    judged: dict[str, str] = {}
    for line in (ROOT / "tools" / "set_aside_mutants.txt").read_text(encoding="utf-8").splitlines():
        name, _, why = line.partition(" ")
        if name and not name.startswith("#"):
            judged[name] = why.strip()
    return judged


def main() -> int:
    judged = set_aside()
    rows: list[tuple[str, int, Counter[str], float | None]] = []
    survivors: list[str] = []
    for meta in sorted((ROOT / "mutants" / "src").rglob("*.py.meta")):
        exit_codes: dict[str, int | None] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        if not exit_codes:
            continue
        count = Counter[str]()
        for name, code in exit_codes.items():
            if name in judged:
                count["set aside"] += 1
            elif code in KILLED:
                count["killed"] += 1
            elif code in TIMEOUT:
                count["timeout"] += 1
            elif code is None:
                count["not run"] += 1
            else:
                count["survived"] += 1
                survivors.append(name)
        ran = count["killed"] + count["timeout"] + count["survived"]  # a mutant no test reaches has survived
        score = (count["killed"] + count["timeout"]) / ran if ran else None
        rows.append((meta.name.removesuffix(".meta"), len(exit_codes), count, score))
    print("| file | mutants | killed | timeouts | set aside | survived | not run | score |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, total, count, score in rows:
        print(
            f"| `{name}` | {total} | {count['killed']} | {count['timeout']} | {count['set aside']} "
            f"| {count['survived']} | {count['not run']} | {'-' if score is None else f'{score:.1%}'} |"
        )
    for name in survivors:
        print("survived:", name, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
