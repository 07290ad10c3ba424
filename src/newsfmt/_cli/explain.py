"""newsfmt rule and newsfmt schema: what the rules mean, and the JSON Schema of an entry."""

from __future__ import annotations

import argparse
import json
import sys

from .. import RULES, Rule, json_schema
from .usage import UsageError


def _as_object(rule: Rule) -> dict[str, str]:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity,
        "summary": rule.summary,
        "explanation": rule.explanation,
    }


def rule(arguments: argparse.Namespace) -> int:
    if arguments.all == (arguments.code is not None):
        raise UsageError("rule: give one CODE (NF302, or file-name-slug) or --all")
    if arguments.all:
        if arguments.output_format == "json":
            json.dump([_as_object(rule) for rule in RULES.values()], sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            width = max(len(rule.name) for rule in RULES.values())
            for rule in RULES.values():
                sys.stdout.write(f"{rule.code}  {rule.name:<{width}}  {rule.severity:<7}  {rule.summary}\n")
        return 0
    given = arguments.code.strip()
    found = RULES.get(given.upper()) or next((rule for rule in RULES.values() if rule.name == given.lower()), None)
    if found is None:
        raise UsageError(f"rule: no rule has the code or name {given!r} (newsfmt rule --all lists them)")
    if arguments.output_format == "json":
        json.dump(_as_object(found), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(f"# {found.code} {found.name} ({found.severity})\n\n{found.summary}.\n\n{found.explanation}\n")
    return 0


def schema(arguments: argparse.Namespace) -> int:
    json.dump(json_schema(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
