"""newsfmt validate: every finding of every file, printed in the chosen format."""

from __future__ import annotations

import argparse
import os
import sys

from .._check import Finding, Links, check_with_links, links_findings
from .._config import find
from .._pool import DIED, run_all
from .._rules import Selection
from .files import FileJob, _jobs, _progress, _read_text
from .output import _WRITERS, _count, _summary
from .usage import UsageError, _selection


def _check_died(job: FileJob) -> tuple[list[Finding], Links | None]:
    return [Finding(job.name, 1, 1, "NF000", DIED)], None


def _check_file(job: FileJob) -> tuple[list[Finding], Links | None]:
    try:
        text, problem = _read_text(job)
        if text is None:
            return ([problem] if problem else []), None
        _, findings, links = check_with_links(text, job.name, markdown=job.markdown, links=job.titles)
        return findings, links
    except Exception as error:  # a bug in newsfmt: report it against the file, and go on
        return [Finding(job.name, 1, 1, "NF000", f"{type(error).__name__}: {error}")], None


def _validate(arguments: argparse.Namespace) -> int:
    settings = find(os.getcwd())
    select = _selection("--select", arguments.select, settings.select)
    ignore = _selection("--ignore", arguments.ignore, settings.ignore) or ()
    try:
        selection = Selection.of(select, ignore)
    except ValueError as error:
        raise UsageError(str(error)) from None
    strict = arguments.strict if arguments.strict is not None else bool(settings.strict)
    output_format = arguments.output_format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "concise")
    items = _jobs(arguments, settings, selection.markdown, selection.titles)
    findings: list[Finding] = []
    all_links: list[Links] = []
    results = run_all(_check_file, items, arguments.jobs, _check_died)
    for found, links in _progress(results, len(items), arguments, output_format == "concise"):
        findings.extend(finding for finding in found if selection.wants(finding.code))
        if links is not None:
            all_links.append(links)
    if selection.titles:
        findings.extend(links_findings(all_links))
    findings.sort(key=lambda finding: (finding.path, finding.line, finding.column, finding.code))
    _WRITERS[output_format](findings, sys.stdout)
    errors = sum(finding.severity == "error" for finding in findings)
    warnings = len(findings) - errors
    if not arguments.quiet:
        _summary(f"{_count(len(items), 'file')}, {_count(errors, 'error')}, {_count(warnings, 'warning')}")
    return 1 if errors or (strict and warnings) else 0
