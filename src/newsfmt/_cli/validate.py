"""newsfmt validate: every finding of every file, printed in the chosen format, and the exit code."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from .. import Finding, InputFile, check_files, display_path

if TYPE_CHECKING:
    from .. import Baseline, Plan

from .files import input_files, show_progress, streamed_files
from .output import WRITERS, count, summary, use_color, write_statistics
from .usage import UsageError, selection


def _baseline(arguments: argparse.Namespace) -> Baseline | None:
    """The --baseline file's baseline (not read with --update-baseline, which makes it anew)."""
    if arguments.baseline is None or arguments.update_baseline:
        return None
    from .. import Baseline

    try:
        return Baseline.load(arguments.baseline)
    except FileNotFoundError:
        raise UsageError(f"{display_path(arguments.baseline)}: no such baseline (--update-baseline makes it)") from None
    except ValueError as error:
        raise UsageError(str(error)) from None


class _Seen:
    """The files of a run as they stream by: how many, and the names of those whose warnings fail the run.

    Only names of strict files are kept, and none when ``--strict`` or ``--no-strict`` decides for all.
    """

    def __init__(self, files: Iterable[InputFile], strict: bool | None) -> None:
        self.files, self.strict, self.count, self.strict_names = files, strict, 0, set[str]()

    def __iter__(self) -> Iterator[InputFile]:
        for file in self.files:
            self.count += 1
            if self.strict is None and file.settings.strict:
                self.strict_names.add(file.name)
            yield file

    def fails(self, finding: Finding) -> bool:
        """Whether the finding fails the run: an error, or a warning of a strict file."""
        if finding.severity == "error":
            return True
        return self.strict if self.strict is not None else finding.path in self.strict_names


def _findings(arguments: argparse.Namespace, files: Iterable[InputFile], output_format: str) -> list[Finding]:
    progress = show_progress(arguments, output_format == "concise" and arguments.output_file is None)
    try:
        found = check_files(
            files,
            select=selection(arguments.select),
            ignore=selection(arguments.ignore),
            jobs=arguments.jobs,
            progress=progress,
            baseline=_baseline(arguments),
            cache_dir=None if arguments.no_cache else arguments.cache_dir,
        )
        return sorted(found, key=lambda finding: (finding.path, finding.line, finding.column, finding.code))
    except ValueError as error:  # a code no rule has: "select: ..." is the option --select
        message = str(error)
        raise UsageError(f"--{message}" if message.startswith(("select:", "ignore:")) else message) from None


def _show(plan: Plan, arguments: argparse.Namespace) -> int:
    """--diff: the plan's changes as unified diffs, nothing written; exit 1 when there is a change."""
    sys.stdout.write(plan.diff())
    if not arguments.quiet:
        summary(f"{count(len(plan.fixed), 'finding')} would be fixed, {count(_written(plan), 'file')} written")
    return 1 if plan.changes else 0


def _written(plan: Plan) -> int:
    """The files a plan writes (a moved file counts once, at its new place)."""
    return len({change.path for change in plan.changes if change.new is not None})


def validate(arguments: argparse.Namespace) -> int:
    output_format = arguments.output_format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "concise")
    if arguments.statistics and output_format not in ("concise", "json"):
        raise UsageError(f"--statistics prints a table (concise) or json, not {output_format}")
    if arguments.update_baseline and arguments.baseline is None:
        raise UsageError("--update-baseline writes the file --baseline FILE names: give it")
    fixing = arguments.fix or arguments.unsafe_fixes or arguments.diff
    files = _Seen(input_files(arguments) if fixing else streamed_files(arguments), arguments.strict)
    findings = _findings(arguments, files, output_format)
    fixed = None
    if fixing:
        if arguments.update_baseline:
            raise UsageError("--update-baseline records findings; fix them first, in a run of its own")
        from .. import plan_fixes

        plan = plan_fixes(list(files.files), findings, unsafe=arguments.unsafe_fixes)
        for problem in plan.problems:
            print(f"newsfmt: {problem}", file=sys.stderr)
        if arguments.diff:
            return _show(plan, arguments)
        try:
            plan.apply()
        except ValueError as error:  # a file changed since it was read: nothing written
            raise UsageError(str(error)) from None
        if plan.changes:  # the files as they are now: moved ones under their new names, links updated
            files = _Seen(input_files(arguments), arguments.strict)
            findings = _findings(arguments, files, output_format)
        fixed = f"{count(len(plan.fixed), 'finding')} fixed, {count(_written(plan), 'file')} written"
    if arguments.update_baseline:  # every finding of the run goes into the baseline, so none is left to report
        from .. import Baseline

        Baseline.of(findings, arguments.baseline).write()
        if not arguments.quiet:
            summary(f"{display_path(arguments.baseline)}: {count(len(findings), 'finding')} in the baseline")
        findings = []
    to_file = arguments.output_file is not None
    if to_file:
        from .. import writing
    with writing(arguments.output_file) if to_file else contextlib.nullcontext(sys.stdout) as out:
        if arguments.statistics:
            write_statistics(findings, output_format, out)
        else:
            WRITERS[output_format](findings, out, not to_file and use_color(arguments.color, out))
    errors = sum(finding.severity == "error" for finding in findings)
    warnings = len(findings) - errors
    if not arguments.quiet:
        if fixed is not None:
            summary(fixed)
        summary(f"{count(files.count, 'file')}, {count(errors, 'error')}, {count(warnings, 'warning')}")
    return 1 if any(map(files.fails, findings)) and not arguments.exit_zero else 0
