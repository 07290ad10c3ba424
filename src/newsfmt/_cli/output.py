"""How the command prints: findings in the concise, json, github, sarif, junit and gitlab formats, and summaries."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

from .. import RULES, Finding, __version__, display_path

FORMATS = ("concise", "json", "github", "sarif", "junit", "gitlab")


def summary(line: str) -> None:
    """The run's last line, on standard error: after the findings, also where both streams share a pipe."""
    sys.stdout.flush()
    print(line, file=sys.stderr)


def shown(path: str) -> str:
    """A path as the command prints it: from the current folder when it is inside it, else as it is."""
    relative = os.path.relpath(path)
    return display_path(path if relative.startswith("..") else relative)


def count(number: int, noun: str) -> str:
    """ "1 file", "2 files", "1,000 entries": the summary lines' counts."""
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{number:,} {noun if number == 1 else plural}"


def use_color(choice: str, out: TextIO) -> bool:
    """Whether to colour: ``--color always``/``never``; for ``auto``, FORCE_COLOR, then NO_COLOR, then a terminal."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("NO_COLOR"):
        return False
    return out.isatty()


_BOLD, _RESET = "\x1b[1m", "\x1b[0m"
_SEVERITY_COLOR = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m"}


def concise(f: Finding, color: bool = False) -> str:
    """One finding's line: ``str(finding)``, with the place, the severity and the code coloured on request."""
    if not color:
        return str(f)
    severity = f"{_SEVERITY_COLOR[f.severity]}{f.severity}:{_RESET}"
    return f"{_BOLD}{f.path}:{f.line}:{f.column}:{_RESET} {severity} {_BOLD}{f.code}{_RESET} {f.message}"


def _write_concise(findings: list[Finding], out: TextIO, color: bool) -> None:
    for f in findings:
        out.write(concise(f, color) + "\n")


def _as_object(f: Finding) -> dict[str, Any]:
    return {
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "code": f.code,
        "name": f.name,
        "severity": f.severity,
        "message": f.message,
        "fix": _fix(f),
    }


def _fix(f: Finding) -> dict[str, Any] | None:
    """Whether ``validate --fix`` (safe) or ``--unsafe-fixes`` fixes the finding, and how: None when neither does."""
    return None if f.fix is None else {"safe": f.fix.safe, "message": f.fix.message}


def _write_json(findings: list[Finding], out: TextIO, color: bool) -> None:
    import json

    json.dump([_as_object(f) for f in findings], out, ensure_ascii=False, indent=2)
    out.write("\n")


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def _write_github(findings: list[Finding], out: TextIO, color: bool) -> None:
    for f in findings:
        properties = f"file={_github_property(f.path)},line={f.line},col={f.column}"
        title = _github_property(f"{f.code} {f.name}")
        out.write(f"::{f.severity} {properties},title={title}::{_github_data(f.message)}\n")


def _uri(path: str) -> str:
    from urllib.parse import quote  # a URI reference: spaces, "%", "#" and "?" in names percent-encoded

    return quote(path.replace(os.sep, "/"))


def _write_sarif(findings: list[Finding], out: TextIO, color: bool) -> None:
    import json

    codes = sorted(RULES)
    rules = [
        {
            "id": code,
            "name": RULES[code].name,
            "shortDescription": {"text": RULES[code].summary},
            "defaultConfiguration": {"level": RULES[code].severity},
            "properties": {"fix": RULES[code].fix},
        }
        for code in codes
    ]
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": codes.index(f.code),
            "level": f.severity,
            "message": {"text": f.message},
            "properties": {"fix": _fix(f)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.path)},
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


def _write_junit(findings: list[Finding], out: TextIO, color: bool) -> None:
    """JUnit XML as CI servers read it (GitLab, Jenkins): a test suite a file, a failed test case a finding.

    With no finding, one passing test case, so that the report says the check ran.
    """
    from xml.etree import ElementTree

    suites = ElementTree.Element("testsuites", name="newsfmt", tests="0", failures=str(len(findings)), errors="0")
    by_file: dict[str, list[Finding]] = {}
    for f in findings:
        by_file.setdefault(f.path, []).append(f)
    if not findings:
        suite = ElementTree.SubElement(suites, "testsuite", name="newsfmt", tests="1", failures="0", errors="0")
        ElementTree.SubElement(suite, "testcase", name="no findings", classname="newsfmt")
    for path, found in by_file.items():
        suite = ElementTree.SubElement(
            suites, "testsuite", name=path, tests=str(len(found)), failures=str(len(found)), errors="0"
        )
        for f in found:
            case = ElementTree.SubElement(
                suite, "testcase", name=f"{f.code} {f.name} at {f.line}:{f.column}", classname=path, file=path
            )
            case.set("line", str(f.line))
            failure = ElementTree.SubElement(case, "failure", message=f.message, type=f"{f.severity} {f.code}")
            failure.text = str(f)
    suites.set("tests", str(max(len(findings), 1)))
    ElementTree.indent(suites)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ElementTree.tostring(suites, encoding="unicode") + "\n")


def _write_gitlab(findings: list[Finding], out: TextIO, color: bool) -> None:
    """GitLab Code Quality JSON: paths from the project root (``CI_PROJECT_DIR``), a fingerprint that survives edits.

    The fingerprint hashes the path, code and message and the number of earlier
    findings with all three the same, not the line: a finding keeps its identity
    when lines above it move, as GitLab needs to tell new findings from old.
    """
    import hashlib
    import json

    project = os.environ.get("CI_PROJECT_DIR")
    seen: dict[tuple[str, str, str], int] = {}
    issues = []
    for f in findings:
        path = f.path
        if project and os.path.isabs(path):
            path = os.path.relpath(path, project)
        path = path.replace(os.sep, "/")
        key = (path, f.code, f.message)
        seen[key] = seen.get(key, -1) + 1
        identity = "\0".join([*key, str(seen[key])])
        issues.append(
            {
                "description": f"{f.code} {f.message}",
                "check_name": f"{f.code} {f.name}",
                "fingerprint": hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest(),
                "severity": "major" if f.severity == "error" else "minor",
                "location": {"path": path, "lines": {"begin": f.line}},
            }
        )
    json.dump(issues, out, ensure_ascii=False, indent=2)
    out.write("\n")


WRITERS: dict[str, Callable[[list[Finding], TextIO, bool], None]] = {
    "concise": _write_concise,
    "json": _write_json,
    "github": _write_github,
    "sarif": _write_sarif,
    "junit": _write_junit,
    "gitlab": _write_gitlab,
}


def write_statistics(findings: list[Finding], output_format: str, out: TextIO) -> None:
    """``--statistics``: the number of findings of each code, most first, as a table or (``json``) a list."""
    import collections

    counts = collections.Counter(f.code for f in findings).most_common()
    counts.sort(key=lambda item: (-item[1], item[0]))
    if output_format == "json":
        import json

        rows = [{"code": c, "name": RULES[c].name, "severity": RULES[c].severity, "count": n} for c, n in counts]
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    width = max((len(f"{n:,}") for _, n in counts), default=1)
    for code, number in counts:
        out.write(f"{number:>{width},}  {code}  {RULES[code].severity:<7}  {RULES[code].name}\n")
