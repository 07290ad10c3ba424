"""The newsfmt command: validate, fmt, to-json and from-json over files and folders of entries."""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import itertools
import os
import re
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple, TextIO, TypeVar

from . import __version__
from ._check import Finding, check_text
from ._dict import DictError, from_dict, to_dict
from ._errors import ParseError
from ._io import MAX_SIZE, TEMPORARY, FileProblem, _position, read_bytes, write
from ._model import Entry
from ._parser import parse
from ._rules import RULES
from ._serialize import serialize

POOL_THRESHOLD = 64  # fewer files than this run in the main process: a pool costs more to start
BATCH = 32
SKIPPED_FOLDERS = {".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", "__pycache__"}
FORMATS = ("concise", "json", "github", "sarif")
_SLUG_FILE = re.compile(r"[a-z0-9-]+\.md")
T = TypeVar("T")
R = TypeVar("R")


class UsageError(Exception):
    """Bad usage: a one-line message and exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _arguments().parse_args(argv)
    try:
        result: int = arguments.run(arguments)
        return result
    except UsageError as error:
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


# Finding files, and running work over them.


def discover(paths: Sequence[str], excludes: Sequence[str]) -> list[tuple[str, str | None]]:
    """The entry files under ``paths``, sorted, each with the real path of the folder it was found in.

    Folders are searched for *.md, skipping index.md; symlinked folders are not
    entered (so a symlink loop ends), and a folder named *.md is listed so that it
    is reported rather than searched. An explicit file has no tree (None).
    """
    found: dict[str, str | None] = {}
    for given in paths or ["."]:
        if given == "-":
            found["-"] = None
        elif os.path.isdir(given) and not given.endswith(".md"):
            tree = os.path.realpath(given)
            for folder, folders, files in os.walk(given):
                wanted = []
                for name in sorted(folders):
                    path = os.path.join(folder, name)
                    if name.endswith(".md") and not _excluded(path, excludes):
                        found.setdefault(os.path.normpath(path), tree)
                    elif (
                        name not in SKIPPED_FOLDERS
                        and not _excluded(path, excludes)
                        and not os.path.exists(os.path.join(path, "pyvenv.cfg"))  # a virtual environment
                    ):
                        wanted.append(name)
                folders[:] = wanted
                for name in files:
                    path = os.path.normpath(os.path.join(folder, name))
                    if name.endswith(".md") and name != "index.md" and not _excluded(path, excludes):
                        found.setdefault(path, tree)
        elif os.path.lexists(given):
            found.setdefault(os.path.normpath(given), None)
        else:
            raise UsageError(f"{given}: no such file or folder")
    return sorted(found.items())


def _excluded(path: str, globs: Sequence[str]) -> bool:
    path = os.path.normpath(path)
    return any(fnmatch.fnmatch(path, glob) or fnmatch.fnmatch(os.path.basename(path), glob) for glob in globs)


def run_all(work: Callable[[T], R], items: Sequence[T], jobs: int, crashed: Callable[[T], R]) -> Iterator[R]:
    """``work`` over ``items``, results in the order of the items; a process pool for many items.

    If a worker process dies (a crash in C, the OOM killer), the batch it was on
    runs again one item a process, ``crashed(item)`` stands for the result of an
    item that kills its process again, and the run goes on with a new pool.
    """
    if jobs == 1 or len(items) < POOL_THRESHOLD:
        yield from map(work, items)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    batches = [items[start : start + BATCH] for start in range(0, len(items), BATCH)]
    done = 0
    while done < len(batches):
        with ProcessPoolExecutor(jobs) as pool:
            upcoming = iter(range(done, len(batches)))
            first = itertools.islice(upcoming, jobs * 4)
            pending = deque((index, pool.submit(_run_batch, work, batches[index])) for index in first)
            while pending:  # a bounded window of batches keeps memory flat on any tree
                index, future = pending.popleft()
                try:
                    results = future.result()
                except BrokenProcessPool:  # every pending batch fails with it: redo this one, then a new pool
                    yield from (_isolated(work, item, crashed) for item in batches[index])
                    done = index + 1
                    break
                following = next(upcoming, None)
                if following is not None:
                    pending.append((following, pool.submit(_run_batch, work, batches[following])))
                yield from results
                done = index + 1


def _isolated(work: Callable[[T], R], item: T, crashed: Callable[[T], R]) -> R:
    """``work(item)`` in a process of its own, or ``crashed(item)`` if that process dies too."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(1) as pool:
        try:
            return pool.submit(work, item).result()
        except BrokenProcessPool:
            return crashed(item)


def _run_batch(work: Callable[[T], R], batch: Sequence[T]) -> list[R]:
    return [work(item) for item in batch]


_DIED = "the worker process died on this file"


def _check_died(source: Source) -> list[Finding]:
    return [Finding(source.name, 1, 1, "NF000", _DIED)]


def _format_died(item: tuple[Source, bool]) -> tuple[str, str, str]:
    return item[0].name, "failed", f"{item[0].name}:1:1: NF000 {_DIED}"


def _entry_died(source: Source) -> tuple[str, None, str]:
    return source.name, None, f"{source.name}:1:1: NF000 {_DIED}"


def _progress(items: Iterable[T], total: int, arguments: argparse.Namespace, for_people: bool) -> Iterable[T]:
    if arguments.quiet or arguments.no_progress or not for_people or total < 2 or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, unit="file", leave=False, file=sys.stderr)


class Source(NamedTuple):
    """A file to work on, and how: passed to the worker processes."""

    path: str
    name: str  # as messages show it
    tree: str | None  # the real path of the folder it was found in
    max_size: int
    follow_symlinks: bool
    markdown: bool = False  # check with markdown-it-py too (NF4xx)


def _sources(arguments: argparse.Namespace, config: dict[str, Any], markdown: bool = False) -> list[Source]:
    excludes = [*config.get("exclude", []), *arguments.exclude]
    max_size = arguments.max_file_size or int(config.get("max-file-size", MAX_SIZE))
    return [
        Source(path, _name(path, arguments), tree, max_size, arguments.follow_symlinks, markdown)
        for path, tree in discover(arguments.paths, excludes)
    ]


def _read_text(source: Source) -> tuple[str | None, Finding | None]:
    """The file's text, or the finding that says why there is none."""
    path, name = source.path, source.name
    if name != path:  # the name is not UTF-8 (or this is stdin)
        if path != "-":
            return None, Finding(name, 1, 1, "NF005", "expected a UTF-8 file name; the file is not read")
    elif source.tree and not source.follow_symlinks and os.path.islink(path):
        real = os.path.realpath(path)
        if os.path.commonpath([real, source.tree]) != source.tree:
            message = f"expected a file in the tree, found a symlink to {_shown(real)} (--follow-symlinks reads it)"
            return None, Finding(name, 1, 1, "NF006", message)
    try:
        if path == "-":
            data = sys.stdin.buffer.read(source.max_size + 1)
            if len(data) > source.max_size:
                raise FileProblem("NF003", f"expected at most {source.max_size:,} bytes, found more")
        else:
            data = read_bytes(path, source.max_size)
    except FileProblem as problem:
        return None, Finding(name, 1, 1, problem.code, problem.message)
    except OSError as error:
        return None, Finding(name, 1, 1, "NF001", f"cannot read the file: {error.strerror or error}")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line, column = _position(data[: error.start].decode("utf-8"))
        message = f"expected UTF-8 text, found the byte 0x{data[error.start]:02X}"
        return None, Finding(name, line, column, "NF002", message)


def _name(path: str, arguments: argparse.Namespace) -> str:
    return (arguments.stdin_filename or "-") if path == "-" else _shown(path)


def _shown(path: str) -> str:
    """A path as messages can print it: bytes of a name that is not UTF-8 as \\x escapes."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return path


# validate


def _check_file(source: Source) -> list[Finding]:
    try:
        text, problem = _read_text(source)
        if text is None:
            return [problem] if problem else []
        return check_text(text, source.name, markdown=source.markdown)[1]
    except Exception as error:  # a bug in newsfmt: report it against the file, and go on
        return [Finding(source.name, 1, 1, "NF000", f"{type(error).__name__}: {error}")]


def _validate(arguments: argparse.Namespace) -> int:
    config = _config()
    select = _codes(arguments.select, config.get("select"), ["NF"])
    ignore = _codes(arguments.ignore, config.get("ignore"), [])
    strict = arguments.strict if arguments.strict is not None else bool(config.get("strict", False))
    output_format = arguments.output_format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "concise")
    # NF4xx cost a markdown-it-py parse per file: they run only when a selection names them.
    named = [code for code in select if code.startswith("NF4")]
    markdown = any(_selected(code, named, ignore) for code in RULES if code.startswith("NF4"))
    items = _sources(arguments, config, markdown)
    findings: list[Finding] = []
    results = run_all(_check_file, items, arguments.jobs, _check_died)
    for found in _progress(results, len(items), arguments, output_format == "concise"):
        findings.extend(f for f in found if f.code == "NF000" or _selected(f.code, select, ignore))
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


def _codes(given: str | None, configured: Any, default: list[str]) -> list[str]:
    if given is not None:
        codes = [code.strip().upper() for code in given.split(",") if code.strip()]
    elif configured is not None:
        codes = [str(code).upper() for code in configured]
    else:
        return default
    unknown = [code for code in codes if not any(rule.startswith(code) for rule in RULES)]
    if unknown:
        raise UsageError(f"no rule has the code or prefix {', '.join(unknown)}")
    return codes


def _selected(code: str, select: list[str], ignore: list[str]) -> bool:
    return any(code.startswith(prefix) for prefix in select) and not any(code.startswith(prefix) for prefix in ignore)


def _config() -> dict[str, Any]:
    """[tool.newsfmt] of the nearest pyproject.toml, from the current folder up."""
    folder = os.path.abspath(os.getcwd())
    while True:
        candidate = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(candidate):
            import tomllib

            try:
                with open(candidate, "rb") as file:
                    table = tomllib.load(file).get("tool", {}).get("newsfmt", {})
            except (OSError, tomllib.TOMLDecodeError) as error:
                raise UsageError(f"{candidate}: {error}") from None
            if not isinstance(table, dict):
                raise UsageError(f"{candidate}: [tool.newsfmt] must be a table")
            return table
        parent = os.path.dirname(folder)
        if parent == folder:
            return {}
        folder = parent


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
                        "artifactLocation": {"uri": f.path.replace(os.sep, "/")},
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


def _format_file(item: tuple[Source, bool]) -> tuple[str, str, str]:
    """(name, outcome, detail): outcome is unchanged, reformatted, would-reformat or failed."""
    source, write_back = item
    path, name = source.path, source.name
    text, problem = _read_text(source)
    if text is None:
        return name, "failed", _concise(problem) if problem else name
    try:
        entry = parse(text)
    except ParseError as error:
        return name, "failed", f"{name}:{error.line}:{error.column}: {error.code} {error.message}"
    canonical = serialize(entry)
    if canonical == text:
        return name, "unchanged", canonical if path == "-" else ""
    if parse(canonical) != entry:  # G2 says never; checked before any file is replaced, as mdformat does
        return name, "failed", f"{name}: internal error: the canonical text does not read back as the same entry"
    import difflib

    diff = "".join(difflib.unified_diff(text.splitlines(True), canonical.splitlines(True), name, name))
    if path == "-":
        return name, "would-reformat", canonical
    if not write_back:
        return name, "would-reformat", diff
    write(entry, path)
    return name, "reformatted", diff


def _fmt(arguments: argparse.Namespace) -> int:
    write_back = not (arguments.check or arguments.diff)
    items = [(source, write_back) for source in _sources(arguments, _config())]
    if write_back:
        _remove_stale_temporaries({os.path.dirname(source.path) or "." for source, _ in items if source.path != "-"})
    counts = {"unchanged": 0, "reformatted": 0, "would-reformat": 0, "failed": 0}
    results = _progress(run_all(_format_file, items, arguments.jobs, _format_died), len(items), arguments, True)
    for (source, _), (name, outcome, detail) in zip(items, results, strict=True):
        path = source.path
        counts[outcome] += 1
        if outcome == "failed":
            print(detail, file=sys.stderr)
        elif path == "-" and not arguments.check and not arguments.diff:
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


def _remove_stale_temporaries(folders: Iterable[str]) -> None:
    """Remove the temporary files a killed run of write() left in these folders."""
    for folder in sorted(folders):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if TEMPORARY.fullmatch(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))


# to-json and from-json


def _entry_of_file(source: Source) -> tuple[str, dict[str, Any] | None, str]:
    name = source.name
    text, problem = _read_text(source)
    if text is None:
        return name, None, _concise(problem) if problem else name
    try:
        return name, to_dict(parse(text)), ""
    except ParseError as error:
        return name, None, f"{name}:{error.line}:{error.column}: {error.code} {error.message}"


def _to_json(arguments: argparse.Namespace) -> int:
    import json

    items = _sources(arguments, _config())
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


class _output:
    """Standard output, or a file replaced only once everything is written."""

    def __init__(self, path: str | None) -> None:
        self.path = path

    def __enter__(self) -> TextIO:
        if self.path is None:
            return sys.stdout
        self.temporary = f"{self.path}.{os.getpid()}.tmp"
        self.file = open(self.temporary, "w", encoding="utf-8", newline="\n")
        return self.file

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        if self.path is None:
            sys.stdout.flush()
            return
        self.file.close()
        if kind is None:
            os.replace(self.temporary, self.path)
        else:
            os.unlink(self.temporary)


def _records(text: str) -> Iterator[tuple[str, Any]]:
    """(where, value) of each record: ":LINE" of JSON Lines, or "[INDEX]" of a JSON array."""
    import json

    if text.lstrip().startswith("["):
        try:
            values = json.loads(text)
        except json.JSONDecodeError as error:
            raise UsageError(f"line {error.lineno}: not JSON: {error.msg}") from None
        yield from ((f"[{index}]", value) for index, value in enumerate(values))
        return
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                yield f":{number}", json.loads(line)
            except json.JSONDecodeError as error:
                yield f":{number}", error


def _from_json(arguments: argparse.Namespace) -> int:
    source = arguments.file
    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            with open(source, encoding="utf-8") as file:
                text = file.read()
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{source}: {error}") from None
    root = os.path.abspath(arguments.out_dir)
    written = unchanged = failed = 0
    for place, record in _records(text):
        where = f"{source}{place}"
        try:
            target, entry = _target(record, root)
        except (DictError, ValueError, TypeError) as error:
            failed += 1
            problem = str(error).replace("\n", f"\n{where}: ")
            print(f"{where}: {problem}", file=sys.stderr)
            continue
        canonical = serialize(entry).encode("utf-8")
        if os.path.exists(target):
            with open(target, "rb") as file:
                if file.read() == canonical:
                    unchanged += 1
                    continue
            if not arguments.overwrite:
                failed += 1
                message = f"{os.path.relpath(target)} exists and differs (--overwrite replaces it)"
                print(f"{where}: {message}", file=sys.stderr)
                continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        write(entry, target)
        written += 1
        print(os.path.relpath(target))
    if not arguments.quiet:
        _summary(f"{_count(written, 'file')} written, {unchanged:,} unchanged, {failed:,} failed")
    return 1 if failed else 0


def _target(record: Any, root: str) -> tuple[str, Entry]:
    """Where an entry record is written, and its entry; the file name of its "path" if it has one."""
    if isinstance(record, Exception):
        raise ValueError(f"not JSON: {record}")
    data, given = record, None
    if isinstance(record, dict) and "entry" in record:
        data, given = record["entry"], record.get("path")
    entry = from_dict(data)
    relative = entry.path.lstrip("/")
    if isinstance(given, str):
        parts = given.replace("\\", "/").split("/")
        folder = "/".join(["news", *parts[-4:-1]])
        in_its_day = len(parts) >= 5 and parts[-5] == "news" and f"/{folder}/" == entry.day_path[:-8]
        if in_its_day and _SLUG_FILE.fullmatch(parts[-1]):
            relative = f"{folder}/{parts[-1]}"
    target = os.path.normpath(os.path.join(root, relative))
    if os.path.commonpath([root, target]) != root:
        raise ValueError(f"{relative} would be written outside {root}")
    return target, entry
