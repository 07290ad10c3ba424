"""The newsfmt command: arguments, and the subcommands (a module each, loaded when it runs)."""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from .. import MAX_FILE_SIZE, ConfigError, __version__, display_path, recover
from .output import FORMATS, shown
from .usage import UsageError, positive


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_stdio()
    given = sys.argv[1:] if argv is None else list(argv)
    arguments = _arguments(next((word for word in given if not word.startswith("-")), None)).parse_args(given)
    try:
        _recover(arguments)
        result: int = _command(arguments.run)(arguments)
        return result
    except (UsageError, ConfigError) as error:
        print(f"newsfmt: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1
    except OSError as error:  # an output that cannot be written, a folder that cannot be made
        where = f"{display_path(os.fsdecode(error.filename))}: " if error.filename else ""
        print(f"newsfmt: {where}{error.strerror or error}", file=sys.stderr)
        return 2
    except Exception as error:  # a bug: one line, not a traceback
        print(f"newsfmt: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return 2


def _command(run: str | Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A subcommand's function, from its module (``"validate:validate"``), which is loaded only when it runs."""
    if not isinstance(run, str):
        return run
    module, function = run.split(":")
    found: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(f"{__name__}.{module}"), function)
    return found


def _recover(arguments: argparse.Namespace) -> None:
    """Complete what a killed fix or rename left half-done in the archives the command is given, first of all."""
    given = [*getattr(arguments, "paths", ()), getattr(arguments, "out_dir", None), getattr(arguments, "root", None)]
    given += [getattr(arguments, name, None) for name in ("old", "path")]
    paths = [path for path in given if path is not None and path != "-"]
    for path in paths if paths or "paths" not in arguments else ["."]:
        try:
            completed = recover(path)
        except ValueError as error:
            raise UsageError(str(error)) from None
        for root in completed:
            print(f"newsfmt: completed the change an interrupted run left in {shown(root)}", file=sys.stderr)


def _lsp(arguments: argparse.Namespace) -> int:
    try:
        import newsfmt.lsp
    except ImportError as error:
        raise UsageError(str(error)) from None
    newsfmt.lsp.serve()
    return 0


def _utf8_stdio() -> None:
    """Findings, JSON and entries are UTF-8 on standard output and error, whatever the locale says.

    Standard input is read as bytes and decoded as UTF-8 where it is read.
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, measuring the terminal with os rather than importing shutil on every run."""

    def __init__(self, prog: str) -> None:
        try:
            width = os.get_terminal_size(sys.stderr.fileno()).columns - 2
        except (OSError, ValueError):
            width = 78
        super().__init__(prog, width=width)


class _Unused(argparse.ArgumentParser):
    """Takes the options of the subcommands a run does not use, and builds none of them (a run starts faster)."""

    def add_argument(self, *names: Any, **options: Any) -> argparse.Action:
        return _UNUSED_ACTION

    def add_mutually_exclusive_group(self, **options: Any) -> Any:
        return self


_UNUSED_ACTION = argparse.Action([], "unused")


def _arguments(chosen: str | None = None) -> argparse.ArgumentParser:
    """The command's parser: every subcommand, with the options of ``chosen`` alone (the one the run names)."""
    unused = _Unused(add_help=False)
    parser = argparse.ArgumentParser(
        prog="newsfmt", description="Validate, format and convert news-entry files.", formatter_class=_Formatter
    )
    parser.add_argument("--version", action="version", version=f"newsfmt {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, run: str | Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help, formatter_class=_Formatter)
        sub.set_defaults(run=run)
        return sub if name == chosen else unused

    def with_paths(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: .); - reads stdin")
        sub.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip paths that match")
        sub.add_argument("--stdin-filename", metavar="PATH", help="the name of the file read from stdin")
        sub.add_argument("-j", "--jobs", type=positive, default=os.cpu_count() or 1, help="processes (default: cores)")
        sub.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
        sub.add_argument("--no-progress", action="store_true", help="no progress bar")
        sub.add_argument("--max-file-size", type=positive, metavar="BYTES", help=f"default: {MAX_FILE_SIZE:,}")
        sub.add_argument("--follow-symlinks", action="store_true", help="read symlinks that lead out of the tree")
        configuration = sub.add_mutually_exclusive_group()
        configuration.add_argument("--config", metavar="FILE", help="use this newsfmt.toml or pyproject.toml only")
        configuration.add_argument("--isolated", action="store_true", help="use no configuration file")

    validate_command = command("validate", "validate:validate", "Report every problem in entry files.")
    with_paths(validate_command)
    validate_command.add_argument("--select", metavar="CODES", help="codes or prefixes to report, comma-separated")
    validate_command.add_argument("--ignore", metavar="CODES", help="codes or prefixes not to report, comma-separated")
    validate_command.add_argument(
        "--strict", action=argparse.BooleanOptionalAction, help="warnings fail the run too (default: configuration)"
    )
    validate_command.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    validate_command.add_argument("--statistics", action="store_true", help="print the number of findings a code")
    validate_command.add_argument(
        "--output-format", choices=FORMATS, help="default: github on GitHub Actions, else concise"
    )
    validate_command.add_argument("--output-file", metavar="FILE", help="write the findings here, not to stdout")
    validate_command.add_argument("--baseline", metavar="FILE", help="report only findings this baseline does not hold")
    validate_command.add_argument(
        "--update-baseline", action="store_true", help="write every finding of the run to the --baseline file first"
    )
    validate_command.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help="colour the concise format (default: auto)"
    )
    validate_command.add_argument("--fix", action="store_true", help="apply the safe fixes, then report what is left")
    validate_command.add_argument(
        "--unsafe-fixes", action="store_true", help="also apply the unsafe fixes (renames and links); implies --fix"
    )
    validate_command.add_argument("--diff", action="store_true", help="print the fixes as diffs; write nothing")
    cache = validate_command.add_mutually_exclusive_group()
    cache.add_argument(
        "--cache-dir",
        metavar="DIR",
        default=os.environ.get("NEWSFMT_CACHE_DIR") or ".newsfmt_cache",
        help="keep each file's findings here between runs (default: $NEWSFMT_CACHE_DIR, else .newsfmt_cache)",
    )
    cache.add_argument("--no-cache", action="store_true", help="check every file; read and write no cache")

    fmt_command = command("fmt", "fmt:fmt", "Rewrite entry files that parse but are not canonical.")
    with_paths(fmt_command)
    fmt_command.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file would change")
    fmt_command.add_argument("--diff", action="store_true", help="write nothing; print unified diffs")

    to_json_command = command("to-json", "convert:to_json", "Write entries as JSON Lines, a JSON array or Parquet.")
    with_paths(to_json_command)
    to_json_command.add_argument(
        "--output-format", choices=("jsonl", "json", "parquet"), help="default: jsonl; parquet needs -o FILE"
    )
    to_json_command.add_argument("--format", choices=("jsonl", "json"), help=argparse.SUPPRESS)  # the old name
    to_json_command.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    to_json_command.add_argument("--skip-invalid", action="store_true", help="invalid files do not fail the run")

    from_json_command = command(
        "from-json", "convert:from_json", "Write entries from JSON Lines or an array as canonical files."
    )
    from_json_command.add_argument("file", metavar="FILE", help="JSON Lines, a JSON array or Parquet; - reads stdin")
    from_json_command.add_argument("--out-dir", required=True, metavar="ROOT", help="write ROOT/news/YYYY/MM/D/SLUG.md")
    from_json_command.add_argument("--overwrite", action="store_true", help="replace existing files that differ")
    from_json_command.add_argument("-q", "--quiet", action="store_true", help="no summary")

    new_command = command("new", "new:new", "Write a new entry at its own path; never replace a file.")
    new_command.add_argument("file", nargs="?", metavar="-", choices=["-"], help="read a JSON record from stdin")
    new_command.add_argument("--root", default=".", metavar="ROOT", help="the archive's folder (default: .)")
    new_command.add_argument("--date", metavar="YYYY-MM-DD")
    new_command.add_argument("--headline", metavar="TEXT")
    new_command.add_argument("--body", default="", metavar="TEXT", help="paragraphs separated by blank lines")
    new_command.add_argument(
        "--source", nargs=2, action="append", default=[], metavar=("NAME", "URL"), help="a source (repeatable)"
    )
    new_command.add_argument(
        "--related",
        action="append",
        default=[],
        metavar="PATH",
        help="an entry of the archive, titled with its headline",
    )

    mv_command = command("mv", "rename:mv", "Move an entry file, and update every related link to it.")
    mv_command.add_argument("old", metavar="OLD", help="the entry file")
    mv_command.add_argument("new", metavar="NEW", help="its new path, in its day folder, named by its headline's slug")
    retitle_command = command("retitle", "rename:retitle", "Give an entry a new headline, file name and links to it.")
    retitle_command.add_argument("path", metavar="PATH", help="the entry file")
    retitle_command.add_argument("headline", metavar="HEADLINE", help="the new headline")
    for sub in (mv_command, retitle_command):
        sub.add_argument("--diff", action="store_true", help="print the changes as diffs; write nothing")
        sub.add_argument("-q", "--quiet", action="store_true", help="no summary")

    rule_command = command("rule", "explain:rule", "Explain a rule: its name, severity, summary, example and fix.")
    rule_command.add_argument("code", nargs="?", metavar="CODE", help="a code, NF302, or a name, file-name-slug")
    rule_command.add_argument("--all", action="store_true", help="list every rule")
    rule_command.add_argument("--output-format", choices=("text", "json"), default="text", help="default: text")

    command("schema", "explain:schema", "Print the JSON Schema of the entries to-json writes.")
    command("lsp", _lsp, "Run the language server on standard input and output (needs newsfmt[lsp]).")
    return parser
