"""How the command prints: findings in the concise, json, github and sarif formats, and the summary line."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

from .. import RULES, Finding, __version__

FORMATS = ("concise", "json", "github", "sarif")


def summary(line: str) -> None:
    """The run's last line, on standard error: after the findings, also where both streams share a pipe."""
    sys.stdout.flush()
    print(line, file=sys.stderr)


def count(number: int, noun: str) -> str:
    """ "1 file", "2 files", "1,000 entries": the summary lines' counts."""
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{number:,} {noun if number == 1 else plural}"


def _write_concise(findings: list[Finding], out: TextIO) -> None:
    for f in findings:
        out.write(f"{f}\n")  # Finding.__str__ is the concise format


def _as_object(f: Finding) -> dict[str, Any]:
    return {
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "code": f.code,
        "name": f.name,
        "severity": f.severity,
        "message": f.message,
    }


def _write_json(findings: list[Finding], out: TextIO) -> None:
    import json

    json.dump([_as_object(f) for f in findings], out, ensure_ascii=False, indent=2)
    out.write("\n")


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def _write_github(findings: list[Finding], out: TextIO) -> None:
    for f in findings:
        properties = f"file={_github_property(f.path)},line={f.line},col={f.column}"
        title = _github_property(f"{f.code} {f.name}")
        out.write(f"::{f.severity} {properties},title={title}::{_github_data(f.message)}\n")


def _write_sarif(findings: list[Finding], out: TextIO) -> None:
    import json
    from urllib.parse import quote  # a URI reference: spaces, "%", "#" and "?" in names percent-encoded

    codes = sorted(RULES)
    rules = [
        {
            "id": code,
            "name": RULES[code].name,
            "shortDescription": {"text": RULES[code].summary},
            "defaultConfiguration": {"level": RULES[code].severity},
        }
        for code in codes
    ]
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": codes.index(f.code),
            "level": f.severity,
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": quote(f.path.replace(os.sep, "/"))},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
        }
        for f in findings
    ]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "newsfmt", "version": __version__, "rules": rules}}, "results": results}],
    }
    json.dump(log, out, ensure_ascii=False, indent=2)
    out.write("\n")


WRITERS: dict[str, Callable[[list[Finding], TextIO], None]] = {
    "concise": _write_concise,
    "json": _write_json,
    "github": _write_github,
    "sarif": _write_sarif,
}
