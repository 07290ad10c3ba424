"""A baseline: the findings an archive already had, so that a check reports only new ones, and the list only shrinks."""

from __future__ import annotations

import collections
import json
import os
from collections.abc import Callable, Iterable

import attrs

from ._atomic import writing
from ._check import Finding

VERSION = 1


@attrs.frozen
class Baseline:
    r"""The findings to pass over, each as (path, code, message): what does not move when lines move.

    The path is relative to the baseline file's folder, so a baseline works from
    any working folder; the message names the offending value or item; the line
    and column are left out, so an edit elsewhere in a file does not bring its old
    findings back. Findings that are alike count: two baselined NF304 in a file
    pass over two, not a third. The file is JSON, one finding a line, sorted, so
    that its diffs read well.

    >>> import newsfmt, pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> old = newsfmt.Finding(str(folder / "a.md"), 3, 7, "NF207", "expected a space after the headline, found none")
    >>> baseline = newsfmt.Baseline.of([old], folder / "newsfmt-baseline.json")
    >>> baseline.write()
    >>> new = newsfmt.Finding(str(folder / "b.md"), 1, 1, "NF101", "expected the date line")
    >>> [finding.code for finding in newsfmt.Baseline.load(folder / "newsfmt-baseline.json").apply([old, new])]
    ['NF101']
    """

    path: str
    entries: tuple[tuple[str, str, str], ...]

    @classmethod
    def of(cls, findings: Iterable[Finding], path: str | os.PathLike[str]) -> Baseline:
        """The baseline of these findings, to be kept at ``path``."""
        path = os.fspath(path)
        key = key_paths(path)
        return cls(path, tuple(sorted((key(f.path), f.code, f.message) for f in findings)))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Baseline:
        """The baseline in a file ``write`` made; ``ValueError`` naming the file for one that is not."""
        path = os.fspath(path)
        with open(path, encoding="utf-8") as file:
            text = file.read()
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data["findings"], list):
                raise ValueError(f'expected {{"version": {VERSION}, "findings": [...]}}')
            entries = [(item["path"], item["code"], item["message"]) for item in data["findings"]]
            if not all(isinstance(value, str) for entry in entries for value in entry):
                raise ValueError("expected strings for path, code and message")
        except (ValueError, KeyError, TypeError) as error:
            detail = f"missing key {error}" if isinstance(error, KeyError) else str(error)
            raise ValueError(f"{path}: not a newsfmt baseline: {detail}") from None
        return cls(path, tuple(entries))

    def write(self) -> None:
        """Write the baseline to its file, replacing it whole (``newsfmt.writing``)."""
        with writing(self.path) as file:
            file.write(f'{{"version": {VERSION}, "findings": [\n')
            lines = [
                json.dumps(dict(zip(("path", "code", "message"), entry, strict=True)), ensure_ascii=False)
                for entry in self.entries
            ]
            file.write(",\n".join(lines))
            file.write("\n]}\n" if lines else "]}\n")

    def apply(self, findings: Iterable[Finding], wanted: Callable[[str, str], bool] | None = None) -> list[Finding]:
        """The findings the baseline does not hold, then one NF008 for each of its entries that matched none.

        An NF008 finding names the baseline file and the line of the entry there
        (as ``write`` lays it out), so the baseline only shrinks: remove the entry,
        or write the baseline again with ``--update-baseline``. ``wanted(path,
        code)`` says which entries this run could have matched (a file it checked,
        a code it selected for that file): only those can be stale.
        """
        left = collections.Counter(self.entries)
        key_path = key_paths(self.path)
        new = []
        for finding in findings:
            key = (key_path(finding.path), finding.code, finding.message)
            if left[key] > 0:
                left[key] -= 1
            else:
                new.append(finding)
        seen: collections.Counter[tuple[str, str, str]] = collections.Counter()
        for line, entry in enumerate(self.entries, 2):
            seen[entry] += 1
            if seen[entry] <= left[entry] and (wanted is None or wanted(entry[0], entry[1])):
                path, code, message = entry
                new.append(Finding(self.path, line, 1, "NF008", f"no {code} in {path} matches any more: {message}"))
        return new


def key_paths(baseline: str) -> Callable[[str], str]:
    """A function from a file's path to its path as a baseline at ``baseline`` holds it: from its folder, with ``/``.

    The folders are looked up once, here: a run keys every finding and file with it.
    """
    folder = os.path.join(os.path.dirname(os.path.abspath(baseline)), "")
    here = os.getcwd()

    def key_path(path: str) -> str:
        if path == "-":
            return path
        absolute = os.path.normpath(os.path.join(here, path))
        if absolute.startswith(folder):  # the usual case, without the cost of relpath
            return absolute[len(folder) :].replace(os.sep, "/")
        return os.path.relpath(absolute, folder).replace(os.sep, "/")

    return key_path
