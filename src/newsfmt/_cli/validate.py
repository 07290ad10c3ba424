"""newsfmt validate: every finding of every file, printed in the chosen format."""

from __future__ import annotations

import argparse
import os
import sys

from .. import check_files, find_settings
from .files import input_files, show_progress
from .output import WRITERS, count, summary
from .usage import UsageError, selection


def validate(arguments: argparse.Namespace) -> int:
    settings = find_settings()
    select = selection(arguments.select, settings.select)
    ignore = selection(arguments.ignore, settings.ignore) or ()
    strict = arguments.strict if arguments.strict is not None else bool(settings.strict)
    output_format = arguments.output_format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "concise")
    files = input_files(arguments, settings)
    progress = show_progress(arguments, output_format == "concise")
    try:
        found = check_files(files, select=select, ignore=ignore, jobs=arguments.jobs, progress=progress)
    except ValueError as error:  # a code no rule has: "select: ..." is the option --select
        message = str(error)
        raise UsageError(f"--{message}" if message.startswith(("select:", "ignore:")) else message) from None
    findings = sorted(found, key=lambda finding: (finding.path, finding.line, finding.column, finding.code))
    WRITERS[output_format](findings, sys.stdout)
    errors = sum(finding.severity == "error" for finding in findings)
    warnings = len(findings) - errors
    if not arguments.quiet:
        summary(f"{count(len(files), 'file')}, {count(errors, 'error')}, {count(warnings, 'warning')}")
    return 1 if errors or (strict and warnings) else 0
