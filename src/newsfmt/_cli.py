"""The newsfmt command: validate, fmt, to-json and from-json over files and folders of entries."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple, TextIO, TypeVar

from . import __version__
from ._archive import walk
from ._check import Finding, Links, check_with_links, links_findings
from ._config import ConfigError, Settings, codes, find
from ._dict import from_dict, to_dict
from ._errors import ParseError
from ._io import (
    MAX_SIZE,
    FileProblem,
    _position,
    confined_path,
    decode,
    encode,
    file_text,
    read_bytes,
    remove_stale_temporaries,
    replacing,
    write,
)
from ._io import shown as _shown
from ._model import DAY_PAGE, Entry
from ._parser import parse
from ._pool import run_all
from ._rules import RULES, Selection
from ._serialize import serialize

FORMATS = ("concise", "json", "github", "sarif")
_SLUG_FILE = re.compile(rf"(?!{DAY_PAGE}\.md)[a-z0-9-]+\.md")
T = TypeVar("T")


class UsageError(Exception):
    """Bad usage: a one-line message and exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_stdio()
    arguments = _arguments().parse_args(argv)
    try:
        result: int = arguments.run(arguments)
        return result
    except (UsageError, ConfigError) as error:
        print(f"newsfmt: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1
    except OSError as error:  # an output that cannot be written, a folder that cannot be made
        print(f"newsfmt: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # a bug: one line, not a traceback
        print(f"newsfmt: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return 2


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


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsfmt", description="Validate, format and convert news-entry files.", formatter_class=_Formatter
    )
    parser.add_argument("--version", action="version", version=f"newsfmt {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, run: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help, formatter_class=_Formatter)
        sub.set_defaults(run=run)
        return sub

    def with_paths(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: .); - reads stdin")
        sub.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip paths that match")
        sub.add_argument("--stdin-filename", metavar="PATH", help="the name of the file read from stdin")
        sub.add_argument("-j", "--jobs", type=_positive, default=os.cpu_count() or 1, help="processes (default: cores)")
        sub.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
        sub.add_argument("--no-progress", action="store_true", help="no progress bar")
        sub.add_argument("--max-file-size", type=_positive, metavar="BYTES", help=f"default: {MAX_SIZE:,}")
        sub.add_argument("--follow-symlinks", action="store_true", help="read symlinks that lead out of the tree")

    validate = command("validate", _validate, "Report every problem in entry files.")
    with_paths(validate)
    validate.add_argument("--select", metavar="CODES", help="codes or prefixes to report, comma-separated")
    validate.add_argument("--ignore", metavar="CODES", help="codes or prefixes not to report, comma-separated")
    validate.add_argument("--strict", action="store_true", default=None, help="warnings fail the run too")
    validate.add_argument("--output-format", choices=FORMATS, help="default: github on GitHub Actions, else concise")

    fmt = command("fmt", _fmt, "Rewrite entry files that parse but are not canonical.")
    with_paths(fmt)
    fmt.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file would change")
    fmt.add_argument("--diff", action="store_true", help="write nothing; print unified diffs")

    to_json = command("to-json", _to_json, "Write entries as JSON Lines or a JSON array.")
    with_paths(to_json)
    to_json.add_argument("--format", choices=("jsonl", "json"), default="jsonl", help="default: jsonl")
    to_json.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    to_json.add_argument("--skip-invalid", action="store_true", help="invalid files do not fail the run")

    from_json = command("from-json", _from_json, "Write entries from JSON Lines or an array as canonical files.")
    from_json.add_argument("file", metavar="FILE", help="JSON Lines or a JSON array; - reads stdin")
    from_json.add_argument("--out-dir", required=True, metavar="ROOT", help="write ROOT/news/YYYY/MM/D/SLUG.md")
    from_json.add_argument("--overwrite", action="store_true", help="replace existing files that differ")
    from_json.add_argument("-q", "--quiet", action="store_true", help="no summary")
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("expected a whole number of 1 or more")
    return value


# Finding files, and reading them.


def discover(paths: Sequence[str], excludes: Sequence[str]) -> list[tuple[str, str | None, str | None]]:
    """The entry files under ``paths``, sorted: (path, the real path of the folder it was found in, problem).

    Folders are searched by ``walk``'s rules (the archive's); an explicit file has
    no tree (None). A folder that cannot be listed is an item too, whose problem
    says why. ``-`` (standard input) is not a path: the caller reads it.
    """
    found: dict[str, tuple[str | None, str | None]] = {}
    for given in paths or ["."]:
        if given == "-":
            continue
        if os.path.isdir(given) and not given.endswith(".md"):
            tree = os.path.realpath(given)
            for path, problem in walk(given, excludes):
                found.setdefault(path, (tree, problem))
        elif os.path.lexists(given):
            found.setdefault(os.path.normpath(given), (None, None))
        else:
            raise UsageError(f"{_shown(given)}: no such file or folder")
    return [(path, tree, problem) for path, (tree, problem) in sorted(found.items())]


_DIED = "the worker process died on this file"


def _check_died(job: FileJob) -> tuple[list[Finding], Links | None]:
    return [Finding(job.name, 1, 1, "NF000", _DIED)], None


def _format_died(item: tuple[FileJob, bool]) -> tuple[str, str, str]:
    return item[0].name, "failed", f"{item[0].name}:1:1: NF000 {_DIED}"


def _entry_died(job: FileJob) -> tuple[str, None, str]:
    return job.name, None, f"{job.name}:1:1: NF000 {_DIED}"


def _progress(items: Iterable[T], total: int, arguments: argparse.Namespace, for_people: bool) -> Iterable[T]:
    if arguments.quiet or arguments.no_progress or not for_people or total < 2 or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, unit="file", leave=False, file=sys.stderr)


class FileJob(NamedTuple):
    """A file to work on, and how: passed to the worker processes."""

    path: str
    name: str  # as messages show it
    tree: str | None  # the real path of the folder it was found in
    max_size: int
    follow_symlinks: bool
    markdown: bool = False  # check with markdown-it-py too (NF4xx)
    data: bytes | None = None  # standard input's bytes, read by the main process: a worker's stdin is not it
    problem: str | None = None  # a folder that could not be listed: reported as NF001


def _jobs(arguments: argparse.Namespace, settings: Settings, markdown: bool = False) -> list[FileJob]:
    excludes = [*settings.exclude, *arguments.exclude]
    max_size = arguments.max_file_size or settings.max_file_size or MAX_SIZE
    follow = arguments.follow_symlinks
    jobs = []
    if "-" in arguments.paths:
        data = sys.stdin.buffer.read(max_size + 1)
        jobs.append(FileJob("-", _shown(arguments.stdin_filename or "-"), None, max_size, follow, markdown, data))
    for path, tree, problem in discover(arguments.paths, excludes):
        jobs.append(FileJob(path, _shown(path), tree, max_size, follow, markdown, problem=problem))
    return jobs


def _read_text(job: FileJob) -> tuple[str | None, Finding | None]:
    """The file's text, or the finding that says why there is none."""
    if job.problem is not None:
        return None, Finding(job.name, 1, 1, "NF001", job.problem)
    try:
        if job.data is None:
            return file_text(job.path, max_size=job.max_size, tree=job.tree, follow_symlinks=job.follow_symlinks), None
        if len(job.data) > job.max_size:
            return None, Finding(job.name, 1, 1, "NF003", f"expected at most {job.max_size:,} bytes, found more")
        return decode(job.data), None
    except ParseError as error:
        return None, Finding(job.name, error.line, error.column, error.code, error.message)


# validate


def _check_file(job: FileJob) -> tuple[list[Finding], Links | None]:
    try:
        text, problem = _read_text(job)
        if text is None:
            return ([problem] if problem else []), None
        _, findings, links = check_with_links(text, job.name, markdown=job.markdown)
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
    items = _jobs(arguments, settings, selection.markdown)
    findings: list[Finding] = []
    all_links: list[Links] = []
    results = run_all(_check_file, items, arguments.jobs, _check_died)
    for found, links in _progress(results, len(items), arguments, output_format == "concise"):
        findings.extend(finding for finding in found if selection.wants(finding.code))
        if links is not None:
            all_links.append(links)
    if selection.wants("NF307"):
        findings.extend(links_findings(all_links))
    findings.sort(key=lambda finding: (finding.path, finding.line, finding.column, finding.code))
    _WRITERS[output_format](findings, sys.stdout)
    errors = sum(finding.severity == "error" for finding in findings)
    warnings = len(findings) - errors
    if not arguments.quiet:
        _summary(f"{_count(len(items), 'file')}, {_count(errors, 'error')}, {_count(warnings, 'warning')}")
    return 1 if errors or (strict and warnings) else 0


def _summary(line: str) -> None:
    """The run's last line, on standard error: after the findings, also where both streams share a pipe."""
    sys.stdout.flush()
    print(line, file=sys.stderr)


def _count(number: int, noun: str) -> str:
    """ "1 file", "2 files", "1,000 entries": the summary lines' counts."""
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{number:,} {noun if number == 1 else plural}"


def _selection(option: str, given: str | None, configured: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The codes an option gives (comma-separated), else the configuration's, else None (the default)."""
    if given is None:
        return configured
    try:
        return codes([code for code in given.split(",") if code.strip()])
    except ValueError as error:
        raise UsageError(f"{option}: {error}") from None


def _concise(f: Finding) -> str:
    return f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}"


def _write_concise(findings: list[Finding], out: TextIO) -> None:
    for f in findings:
        out.write(_concise(f) + "\n")


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


_WRITERS: dict[str, Callable[[list[Finding], TextIO], None]] = {
    "concise": _write_concise,
    "json": _write_json,
    "github": _write_github,
    "sarif": _write_sarif,
}


# fmt


def _format_file(item: tuple[FileJob, bool]) -> tuple[str, str, str]:
    """(name, outcome, detail): outcome is unchanged, reformatted, would-reformat or failed.

    The detail of standard input is its canonical text when fmt writes, its diff
    with --diff; a file's is its diff; a failure's is its finding line.
    """
    job, write_back = item
    name = job.name
    text, problem = _read_text(job)
    if text is None:
        return name, "failed", _concise(problem) if problem else name
    try:
        entry = parse(text)
    except ParseError as error:
        return name, "failed", _concise(Finding(name, error.line, error.column, error.code, error.message))
    canonical = serialize(entry)
    stdin = job.data is not None
    if canonical == text:
        return name, "unchanged", canonical if stdin else ""
    if parse(canonical) != entry:  # G2 says never; checked before any file is replaced, as mdformat does
        return name, "failed", f"{name}: internal error: the canonical text does not read back as the same entry"
    import difflib

    diff = "".join(difflib.unified_diff(_lines(text), _lines(canonical), name, name))
    if not write_back:
        return name, "would-reformat", diff
    if stdin:
        return name, "reformatted", canonical
    try:
        write(entry, job.path)
    except (OSError, ValueError) as error:  # this file fails; the run goes on
        return name, "failed", _concise(Finding(name, 1, 1, "NF007", f"cannot write the file: {_reason(error)}"))
    return name, "reformatted", diff


def _lines(text: str) -> list[str]:
    """The text's lines with their ends, split on "\\n" alone: U+2028 and the like are text in an entry."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _reason(error: Exception) -> str:
    return (error.strerror or str(error)) if isinstance(error, OSError) else str(error)


def _fmt(arguments: argparse.Namespace) -> int:
    write_back = not (arguments.check or arguments.diff)
    items = [(job, write_back) for job in _jobs(arguments, find(os.getcwd()))]
    if write_back:
        for folder in sorted({os.path.dirname(job.path) for job, _ in items if job.data is None}):
            remove_stale_temporaries(folder)
    counts = {"unchanged": 0, "reformatted": 0, "would-reformat": 0, "failed": 0}
    results = _progress(run_all(_format_file, items, arguments.jobs, _format_died), len(items), arguments, True)
    for (job, _), (name, outcome, detail) in zip(items, results, strict=True):
        counts[outcome] += 1
        if outcome == "failed":
            print(detail, file=sys.stderr)
        elif job.data is not None and write_back:
            sys.stdout.write(detail)  # stdin in, the canonical text out
        elif outcome == "would-reformat":
            if arguments.diff:
                sys.stdout.write(detail)
            else:
                print(f"would reformat {name}")
    if not arguments.quiet:
        done = "would be reformatted" if not write_back else "reformatted"
        changed = counts["would-reformat"] if not write_back else counts["reformatted"]
        _summary(f"{_count(changed, 'file')} {done}, {counts['unchanged']:,} unchanged, {counts['failed']:,} failed")
    return 1 if counts["failed"] or (not write_back and counts["would-reformat"]) else 0


# to-json and from-json


def _entry_of_file(job: FileJob) -> tuple[str, dict[str, Any] | None, str]:
    name = job.name
    text, problem = _read_text(job)
    if text is None:
        return name, None, _concise(problem) if problem else name
    try:
        return name, to_dict(parse(text)), ""
    except ParseError as error:
        return name, None, _concise(Finding(name, error.line, error.column, error.code, error.message))


def _to_json(arguments: argparse.Namespace) -> int:
    import json

    items = _jobs(arguments, find(os.getcwd()))
    invalid = 0
    with _output(arguments.output) as out:
        first = True
        if arguments.format == "json":
            out.write("[")
        results = _progress(run_all(_entry_of_file, items, arguments.jobs, _entry_died), len(items), arguments, True)
        for name, data, problem in results:
            if data is None:
                invalid += 1
                print(problem, file=sys.stderr)
                continue
            record = json.dumps({"path": name, "entry": data}, ensure_ascii=False)
            if arguments.format == "json":
                out.write(("\n" if first else ",\n") + record)
            else:
                out.write(record + "\n")
            first = False
        if arguments.format == "json":
            out.write("\n]\n" if not first else "]\n")
    if not arguments.quiet:
        _summary(f"{_count(len(items) - invalid, 'entry')} written, {_count(invalid, 'invalid file')}")
    return 1 if invalid and not arguments.skip_invalid else 0


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    """Standard output; or a regular file, replaced only once everything is written; or a device or FIFO, written.

    A symlink is written through; a folder is refused before anything is made.
    """
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise UsageError(f"{_shown(path)}: {error.strerror or error}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{_shown(path)}: is a folder, not a file to write")
    if info is not None and not stat.S_ISREG(info.st_mode):  # /dev/null, /dev/stdout, a FIFO: never replaced
        with open(path, "w", encoding="utf-8", newline="\n") as file:
            yield file
        return
    with replacing(path) as binary:
        text = io.TextIOWrapper(binary, encoding="utf-8", newline="\n")
        try:
            yield text
            text.flush()
        finally:
            text.detach()  # replacing() owns the file


def _records(text: str) -> Iterator[tuple[str, Any]]:
    """(where, value) of each record: ":LINE" of JSON Lines, or "[INDEX]" of a JSON array.

    A record that is not JSON is an exception in place of the value. JSON Lines
    are split on "\\n" alone: U+2028 and the other breaks of str.splitlines()
    may stand unescaped inside a JSON string.
    """
    import json

    if text.lstrip().startswith("["):
        try:
            values = json.loads(text)
        except json.JSONDecodeError as error:
            raise UsageError(f"line {error.lineno}: not JSON: {error.msg}") from None
        except RecursionError:
            raise UsageError("not JSON that newsfmt can read: nested too deeply") from None
        if not isinstance(values, list):
            raise UsageError("expected a JSON array of records, found more after it")
        yield from ((f"[{index}]", value) for index, value in enumerate(values))
        return
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            try:
                yield f":{number}", json.loads(line)
            except json.JSONDecodeError as error:
                yield f":{number}", ValueError(f"not JSON: {error}")
            except RecursionError:
                yield f":{number}", ValueError("not JSON that newsfmt can read: nested too deeply")


def _from_json(arguments: argparse.Namespace) -> int:
    given = arguments.file
    try:
        if given == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(given, "rb") as file:
                data = file.read()
    except OSError as error:
        raise UsageError(f"{_shown(given)}: {error.strerror or error}") from None
    data = data.removeprefix(b"\xef\xbb\xbf")  # a byte order mark is allowed, as in entry files
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position(data[: error.start].decode("utf-8"))
        message = f"{_shown(given)}:{line}:{column}: expected UTF-8, found the byte 0x{data[error.start]:02X}"
        raise UsageError(message) from None
    root = arguments.out_dir
    written = unchanged = failed = 0
    for place, record in _records(text):
        where = f"{_shown(given)}{place}"
        try:
            relative, outcome = _write_record(record, root, arguments.overwrite)
        except (ValueError, TypeError, OSError) as error:  # this record fails; the others are still written
            failed += 1
            problem = _reason(error).replace("\n", f"\n{where}: ")
            print(f"{where}: {problem}", file=sys.stderr)
            continue
        if outcome == "unchanged":
            unchanged += 1
        else:
            written += 1
            print(_shown(os.path.join(root, relative)))
    if not arguments.quiet:
        _summary(f"{_count(written, 'file')} written, {unchanged:,} unchanged, {failed:,} failed")
    return 1 if failed else 0


def _write_record(record: Any, root: str, overwrite: bool) -> tuple[str, str]:
    """Write one record's entry under ``root``: (its path under root, "written" or "unchanged").

    Every folder is made or entered inside the real path of ``root``; a folder
    or symlink that leads out of it, a target that is not a regular file, or a
    different file without ``overwrite`` raises, naming the problem.
    """
    if isinstance(record, Exception):
        raise record
    relative, entry = _target(record)
    shown = _shown(os.path.join(root, relative))
    data = encode(entry)
    try:
        target = confined_path(root, relative)
        try:
            same: bool | None = read_bytes(target, len(data)) == data
        except FileNotFoundError:
            same = None
        except FileProblem as problem:
            if problem.code != "NF003":  # NF003: larger than the new text, so it differs
                raise ValueError(f"{shown}: {problem.message}") from None
            same = False
        if same:
            return relative, "unchanged"
        if same is not None and not overwrite:
            raise ValueError(f"{shown} exists and differs (--overwrite replaces it)")
        write(entry, target)
    except OSError as error:
        raise ValueError(f"{shown}: {error.strerror or error}") from None
    return relative, "written"


def _target(record: Any) -> tuple[str, Entry]:
    """Where under the out-dir an entry record is written, and its entry; the file name of its "path" if it has one."""
    data, given = record, None
    if isinstance(record, dict) and "entry" in record:
        data, given = record["entry"], record.get("path")
    entry = from_dict(data)
    relative = entry.path.lstrip("/")  # ValueError for a headline with no slug, or the day page's
    if isinstance(given, str):
        parts = given.replace("\\", "/").split("/")
        folder = "/".join(["news", *parts[-4:-1]])
        in_its_day = len(parts) >= 5 and parts[-5] == "news" and f"/{folder}/" == entry.day_path[:-8]
        if in_its_day and _SLUG_FILE.fullmatch(parts[-1]):
            relative = f"{folder}/{parts[-1]}"
    return relative, entry
