"""Findings for one file: every error, every way it differs from the canonical text, archive checks.

Errors come from ``_repair.errors``: parse's own, then one more after each repair.
Style findings compare the file's lines with ``serialize(parse(text))``, line by
line. The archive checks look at the folders around the file; ``links_findings``
compares the related titles of the files checked together.
"""

from __future__ import annotations

import array
import bisect
import collections
import contextlib
import datetime
import functools
import os
import re
from collections.abc import Iterable
from typing import NamedTuple

from ._errors import ParseError
from ._model import Entry, _date_of, slugify
from ._parser import parse, split_lines
from ._repair import errors
from ._rules import RULES, Selection
from ._serialize import serialize

_ITEM_NUMBER = re.compile(r"[0-9]+(?=\.)")
# The folders of news/YYYY/MM/D/.
YEAR, MONTH, DAY = re.compile(r"[0-9]{4}"), re.compile(r"[0-9]{2}"), re.compile(r"[1-9][0-9]?")


class Fix(NamedTuple):
    r"""What ``validate --fix`` (``safe``) or ``--unsafe-fixes`` does about a finding, in words: ``Finding.fix``.

    A safe fix changes no value of the entry (its layout, a repeated item); an
    unsafe one changes a value or a file name, and the links to it. ``plan_fixes``
    turns findings into the changes of files.

    >>> import newsfmt
    >>> newsfmt.check("### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO\n")[0].fix
    Fix(safe=True, message='rewrite the file in the canonical layout')
    """

    safe: bool
    message: str


class Finding(NamedTuple):
    r"""One problem at a place in a file, under a rule's code: what ``newsfmt validate`` prints, line by line.

    Immutable, comparable (by path, line, column, code, message), hashable and
    picklable: a named tuple, cheap to make and to send between processes.
    ``name`` and ``severity`` come from the rule (``newsfmt.RULES``); ``fix`` is
    what ``validate --fix`` would do about it (a ``Fix``), None when nothing; ``str()``
    is the concise format, ``PATH:LINE:COLUMN: SEVERITY: CODE MESSAGE``, the shape
    compilers print, which editors and CI problem matchers read (Vim's default
    ``errorformat``, VS Code's ``$gcc``).

    >>> import newsfmt
    >>> finding = newsfmt.check("### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO\n", "x.md")[0]
    >>> print(finding)
    x.md:3:7: warning: NF207 expected a space after the headline, found none
    >>> finding.name, finding.severity
    ('layout-space', 'warning')
    """

    path: str
    line: int
    column: int
    code: str
    message: str
    fix: Fix | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.code} {self.message}"

    @property
    def name(self) -> str:
        return RULES[self.code].name

    @property
    def severity(self) -> str:
        return RULES[self.code].severity


def check(
    text: str,
    path: str | os.PathLike[str] | None = None,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
) -> list[Finding]:
    r"""Every finding of one entry's text, as ``newsfmt validate`` reports them for a file, in line order.

    ``path`` names the file in the findings (``-`` when None) and places it in its
    archive for the archive checks (NF301 to NF308), which look at the folders
    around it; ``select`` and ``ignore`` take codes or prefixes as the command
    does. A text that does not parse gets its errors, the first being exactly
    ``parse``'s; one that parses gets its warnings.

    >>> import newsfmt
    >>> [f.code for f in newsfmt.check("### [2016-04-20](/news/2016/04/20/index.md)\r\n\r\n# NATO \r\n")]
    ['NF201']
    >>> [str(f) for f in newsfmt.check("# NATO\n", "x.md", select=["NF1"])]
    ['x.md:1:1: error: NF101 expected the date line "### [YYYY-MM-DD](/news/YYYY/MM/D/index.md)", found "# NATO"']
    """
    selection = Selection.of(select, ignore)
    forget_listings()
    name = "-" if path is None else os.fspath(path)
    _, findings, links = check_with_links(text, name, markdown=selection.markdown)
    found = [finding for finding in findings if selection.wants(finding.code)]
    if selection.titles and links is not None:  # NF307, only when the selection names it
        found.extend(links_findings([links]))  # one file: its own links to itself
    return sorted(found, key=lambda finding: (finding.line, finding.column))


def check_text(text: str, path: str, *, markdown: bool = False) -> tuple[Entry | None, list[Finding]]:
    """The entry (None when the text does not parse) and every finding of the text.

    ``markdown=True`` adds the NF4xx findings, which render the entry with markdown-it-py.
    """
    entry, findings, _ = check_with_links(text, path, markdown=markdown)
    return entry, findings


class Links(NamedTuple):
    """What the archive-wide checks need of one file: where it is, its headline and its related links."""

    root: str  # the archive's folder, the one that holds news/
    path: str  # the file's archive path, /news/YYYY/MM/D/NAME.md
    name: str  # the file as its findings name it
    headline: str
    related: tuple[tuple[int, str, str], ...]  # (line, target path, title) of each related item


def check_with_links(text: str, path: str, *, markdown: bool) -> tuple[Entry | None, list[Finding], Links | None]:
    """``check_text``, and the file's ``Links`` when it parses and stands in a news/YYYY/MM/D/ folder."""
    entry, findings, links = local_check(text, path, markdown=markdown)
    if links is not None:
        findings = in_order(findings + target_findings(links))
    return entry, findings, links


def local_check(text: str, path: str, *, markdown: bool) -> tuple[Entry | None, list[Finding], Links | None]:
    """The findings that depend on the file's text and path alone, in order, and its ``Links`` when it has a place.

    Every finding but those of ``target_findings`` (NF303, NF306, NF308), which
    depend on the rest of the archive: what a cache may keep for a file's content.
    """
    try:
        entry = parse(text)
    except ParseError as error:
        return None, [Finding(path, *problem) for problem in errors(text, error)], None
    found_links: list[Links] = []
    findings = _with_fixes(_style(text, path, entry, found_links), entry)
    if markdown:
        findings.extend(_markdown_findings(text, path, entry))
    return entry, in_order(findings), found_links[0] if found_links else None


def in_order(findings: list[Finding]) -> list[Finding]:
    """The findings of one file by line and column (a stable sort: one place keeps the order of its findings)."""
    return sorted(findings, key=lambda finding: (finding.line, finding.column))


LAYOUT = Fix(True, "rewrite the file in the canonical layout")
_FIXES = {
    "NF304": Fix(True, "remove the repeated source"),
    "NF305": Fix(True, "remove the repeated related entry"),
    "NF306": Fix(False, "remove the entry's link to itself"),
}


def _with_fixes(findings: list[Finding], entry: Entry) -> list[Finding]:
    """The findings, each with its fix: the layout's, a repeated item's, or a move to the entry's own path."""
    fixed = []
    for finding in findings:
        code = finding.code
        if code.startswith("NF2"):
            finding = finding._replace(fix=LAYOUT)
        elif code in _FIXES:
            finding = finding._replace(fix=_FIXES[code])
        else:  # NF301 or NF302, the only others _style finds
            with contextlib.suppress(ValueError):  # a headline with no slug has no path to move to
                finding = finding._replace(fix=Fix(False, f"move the file to {entry.path}, and the links to it"))
        fixed.append(finding)
    return fixed


def _markdown_findings(text: str, path: str, entry: Entry) -> list[Finding]:
    """The NF4xx findings, moved from the canonical text's lines to the file's."""
    from ._markdown import markdown_problems

    problems = markdown_problems(entry)
    if not problems:
        return []
    lines = split_lines(text)
    canonical = serialize(entry).split("\n")
    line_of = _line_map(lines, canonical)
    findings = []
    for problem in problems:
        index = line_of[problem.line]
        column = problem.column
        # The anchor's place in the file's line, which may be laid out otherwise: of its places there, the one
        # nearest its canonical column moved by the line's indentation (the canonical text has none).
        line = lines[index]
        near = column - 1 + len(line) - len(line.lstrip())
        starts = [at for at in range(len(line)) if line.startswith(problem.anchor, at)]
        column = min(starts, key=lambda at: abs(at - near)) + 1 if starts else column
        findings.append(Finding(path, index + 1, column, problem.code, problem.message))
    return findings


def _style(text: str, path: str, entry: Entry, links: list[Links]) -> list[Finding]:
    canonical_text = serialize(entry)
    canonical = canonical_text.split("\n")[:-1]
    if text == canonical_text:  # most files: each line is where the canonical layout puts it
        return _archive(path, entry, {index: index for index in range(len(canonical))}, canonical, links)
    findings: list[Finding] = []
    if text.startswith("\ufeff"):
        findings.append(Finding(path, 1, 1, "NF202", "expected no byte order mark, found one"))
        text = text[1:]
    if "\r" in text:
        first = text.index("\r")  # every line break before it is a LF
        kind = "CRLF" if text.startswith("\r\n", first) else "CR"
        number, column = text.count("\n", 0, first) + 1, first - text.rfind("\n", 0, first)
        findings.append(Finding(path, number, column, "NF201", f"expected LF line endings, found {kind}"))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[-1]:
        findings.append(
            Finding(
                path, len(lines), len(lines[-1]) + 1, "NF203", "expected a newline at the end of the file, found none"
            )
        )
    else:
        lines.pop()
    line_of = _line_map(lines, canonical)
    last = next(reversed(line_of.values()))  # the date line, at least, is never blank
    if last < len(lines) - 1:
        findings.append(
            Finding(path, last + 2, 1, "NF203", "expected the file to end after its last line, found blank lines")
        )
    previous, previous_canonical = -1, -1
    for canonical_index, index in line_of.items():
        found_blank, wanted_blank = index - previous - 1, canonical_index - previous_canonical - 1
        if found_blank != wanted_blank:
            findings.append(
                Finding(
                    path,
                    previous + 2,  # found_blank is never 0 here: the parser needs a blank line at each place
                    1,
                    "NF205",
                    f"expected {_blank_lines(wanted_blank)} here, found {found_blank}",
                )
            )
        findings.extend(_line_style(path, index + 1, lines[index], canonical[canonical_index]))
        previous, previous_canonical = index, canonical_index
    for index, line in enumerate(lines):
        if line and not line.strip():
            findings.append(Finding(path, index + 1, 1, "NF204", "expected an empty line, found whitespace"))
    findings.extend(_archive(path, entry, line_of, canonical, links))
    return sorted(findings, key=lambda finding: (finding.line, finding.column))


def _line_map(lines: list[str], canonical: list[str]) -> dict[int, int]:
    """Each non-blank line of the canonical text, by index, to its index in the file's lines.

    A text that parses has the same non-blank lines in the same order as its canonical
    text; only blank lines and spacing differ.
    """
    content = (index for index, line in enumerate(lines) if line.strip())
    return dict(zip((index for index, line in enumerate(canonical) if line), content, strict=True))


def _blank_lines(count: int) -> str:
    return {1: "one blank line", 2: "two blank lines"}[count]  # no place wants none where a file may have some


def _line_style(path: str, number: int, line: str, canonical: str) -> list[Finding]:
    findings = []
    core, canonical_core = line.rstrip(), canonical.rstrip()
    tail, canonical_tail = line[len(core) :], canonical[len(canonical_core) :]
    if tail != canonical_tail:
        if canonical_tail and not tail:
            findings.append(
                Finding(path, number, len(core) + 1, "NF207", "expected a space after the headline, found none")
            )
        else:
            column = len(core) + 1 + (len(canonical_tail) if tail.startswith(canonical_tail) else 0)
            findings.append(Finding(path, number, column, "NF204", "expected no whitespace at the end of the line"))
    if core == canonical_core:
        return findings
    number_match, canonical_number = _ITEM_NUMBER.match(core), _ITEM_NUMBER.match(canonical_core)
    if number_match and canonical_number and number_match[0] != canonical_number[0]:
        findings.append(
            Finding(path, number, 1, "NF210", f"expected the number {canonical_number[0]}, found {number_match[0]}")
        )
        core = canonical_number[0] + core[number_match.end() :]
        offset = number_match.end() - canonical_number.end()
    else:
        offset = 0
    if core == canonical_core:
        return findings
    if core == "### Sources:":  # the other spelling of "### Source:"
        findings.append(Finding(path, number, 5, "NF208", 'expected "### Source:", found "### Sources:"'))
    elif canonical_core.startswith("### [") and _unpadded(core) == canonical_core:
        findings.append(
            Finding(path, number, core.index("/index.md") - 1, "NF209", "expected the day without a leading zero")
        )
    elif " ](" in canonical_core and core == canonical_core.replace(" ](", "](", 1):
        findings.append(
            Finding(
                path,
                number,
                canonical_core.index(" ](") + 1 + offset,
                "NF207",
                "expected a space after the related title, found none",
            )
        )
    else:
        column = next(
            (at for at, (a, b) in enumerate(zip(core, canonical_core, strict=False)) if a != b),
            min(len(core), len(canonical_core)),
        )
        findings.append(
            Finding(path, number, column + 1 + offset, "NF206", "expected the canonical spacing around the value here")
        )
    return findings


_places: dict[str, tuple[str, str, str, str] | None] = {}
# Per archive root, per related path's folder (/news/YYYY/MM/D): NF308's verdict, the names in it, or why not.
_folders: dict[str, dict[str, tuple[bool, array.array[int] | None, str | None]]] = {}


def _place(folder: str) -> tuple[str, str, str, str] | None:
    """A folder's place in its archive, worked out once a folder: (root, year, month, day), or None.

    None when the folder is not a news/YYYY/MM/D/ folder (by its names alone).
    """
    if folder not in _places:
        parts = os.path.normpath(os.path.abspath(folder or ".")).split(os.sep)
        if len(parts) < 5 or parts[-4] != "news" or not YEAR.fullmatch(parts[-3]):
            _places[folder] = None
        else:
            root = os.sep.join(parts[:-4])
            _places[folder] = (root, parts[-3], parts[-2], parts[-1])
    return _places[folder]


def _target_folder(
    root: str,
    last: datetime.date | None,
    folder: str,
    known: dict[str, tuple[bool, array.array[int] | None, str | None]],
) -> tuple[bool, array.array[int] | None, str | None]:
    """A related path's folder: dated after ``last`` (NF308), its names, and why they cannot be listed.

    Listed once a check (an entry links to a few days, again and again) and kept
    in ``known``. The names are kept as the sorted hashes of the names, 8 bytes a
    name in an array, so that a check's memory stays flat on any archive (the
    names themselves took 27 MB a process at 100,000 entries). A name is taken
    for one of the folder's when its hash is: a different name of the same
    64-bit hash, the only way to be wrong, comes once in 2**64 / (names in the
    folder) lookups.
    """
    if last is not None and _date_of(folder[len("/news/") :]) > last:
        known[folder] = (True, None, None)
        return known[folder]
    try:
        known[folder] = (False, array.array("q", sorted(map(hash, os.listdir(os.path.join(root, folder[1:]))))), None)
    except (FileNotFoundError, NotADirectoryError):
        known[folder] = (False, None, None)  # no such folder: none of its files is there
    except OSError as error:  # the folder is there but cannot be listed: say so, never "no such file"
        known[folder] = (False, None, f"cannot list its folder: {error.strerror or error}")
    return known[folder]


def _listed(names: array.array[int], name: str) -> bool:
    """Whether ``name`` is among the names whose sorted hashes ``names`` holds."""
    key = hash(name)
    at = bisect.bisect_left(names, key)
    return at < len(names) and names[at] == key


def _unpadded(date_line: str) -> str:
    """The date line with a zero-padded day in its link written without the zero."""
    return re.sub(r"/0([1-9])/index\.md", r"/\1/index.md", date_line)


def _archive(
    path: str, entry: Entry, line_of: dict[int, int], canonical: list[str], links: list[Links]
) -> list[Finding]:
    """Checks that need the file's place in a news/YYYY/MM/D/ tree, and duplicate links.

    ``line_of`` maps the index of each non-blank line of the canonical text to
    its index in the file. The file's ``Links`` go to ``links``, for the checks
    that need the rest of the archive (NF303, NF306, NF308) and other files (NF307).
    """
    findings = []
    headline_line = line_of[2] + 1
    related_at = canonical.index("### Related:") + 2 if entry.related else 0
    for code, what, values, heading in (
        ("NF304", "source", [source.url for source in entry.sources], "### Source:"),
        ("NF305", "related entry", [item.path for item in entry.related], "### Related:"),
    ):
        if len(set(values)) == len(values):  # most lists: no value twice
            continue
        first = canonical.index(heading) + 2
        seen: set[str] = set()
        for index, value in enumerate(values):
            if value in seen:
                message = f"expected each {what} once, found {value} again"
                findings.append(Finding(path, line_of[first + index] + 1, 1, code, message))
            seen.add(value)
    folder, name = os.path.split(path)
    place = _place(folder)
    if place is None:
        return findings
    root, year, month, day = place
    date = entry.date
    if (year, month, day) != (f"{date.year:04d}", f"{date.month:02d}", str(date.day)):
        message = f"expected the date of the folder news/{year}/{month}/{day}/, found {date.isoformat()}"
        findings.append(Finding(path, 1, 6, "NF301", message))
    stem = name[:-3] if name.endswith(".md") else name
    slug = slugify(entry.headline)
    if not (stem and slug.startswith(stem)):
        message = f"expected the file name to start the headline's slug {slug[:40]}..., found {stem}"
        findings.append(Finding(path, headline_line, 3, "NF302", message))
    own = f"/news/{year}/{month}/{day}/{name}"
    related = tuple(
        (line_of[related_at + index] + 1, item.path, item.title) for index, item in enumerate(entry.related)
    )
    links.append(Links(root, own, path, entry.headline, related))
    return findings


def target_findings(links: Links) -> list[Finding]:
    """The findings of a file's related links that depend on the rest of its archive: NF303, NF306 and NF308.

    Worked out again on every check, from the folders as they are, even for a file whose other findings come
    from a cache.
    """
    findings = []
    root, own, path = links.root, links.path, links.name
    last = last_day(root)
    known = _folders.setdefault(root, {})
    for line, target, _ in links.related:
        target_folder, _, target_name = target.rpartition("/")
        if target_folder in known:
            late, names, problem = known[target_folder]
        else:
            late, names, problem = _target_folder(root, last, target_folder, known)
        if target == own:
            message = f"expected a link to another entry, found {own} itself"
            findings.append(Finding(path, line, 1, "NF306", message, _FIXES["NF306"]))
        elif late:
            message = f"expected a related entry dated by {last}, the archive's last day, found {target}"
            findings.append(Finding(path, line, 1, "NF308", message))
        elif names is None or not _listed(names, target_name):  # names is None: the folder cannot be listed
            message = f"expected the related entry {target} in the archive, {problem or 'found no such file'}"
            findings.append(Finding(path, line, 1, "NF303", message))
    return findings


def forget_listings() -> None:
    """Forget the folder listings of the last run: a check sees the files as they are when it starts.

    Without it a second check in one process (a program, the language server, a
    fix followed by its check) would see the folders of the first.
    """
    _places.clear()
    _folders.clear()
    last_day.cache_clear()


def listed(folder: str, pattern: re.Pattern[str], *, reverse: bool = False) -> list[str]:
    """The names in ``folder`` that ``pattern`` matches whole, as numbers in order; none if it cannot be listed."""
    try:
        names = [name for name in os.listdir(folder) if pattern.fullmatch(name)]
    except OSError:
        return []
    return sorted(names, key=int, reverse=reverse)


@functools.lru_cache(maxsize=64)
def last_day(root: str) -> datetime.date | None:
    """The latest news/YYYY/MM/D/ folder of the archive at ``root`` that is a date: three listings, once a process."""

    news = os.path.join(root, "news")
    for year in listed(news, YEAR, reverse=True):
        for month in listed(os.path.join(news, year), MONTH, reverse=True):
            for day in listed(os.path.join(news, year, month), DAY, reverse=True):
                with contextlib.suppress(ValueError):
                    return datetime.date(int(year), int(month), int(day))
    return None


def links_findings(all_links: Iterable[Links]) -> list[Finding]:
    """NF307 over the files checked together: related titles that disagree with their target's headline or each other.

    A target that is among the files gives the title its headline; one that is
    not gives the title most of its links agree on (the first in sorted order on
    a tie). Each item whose title differs is a finding, at its own line.
    """
    headlines: dict[tuple[str, str], str] = {}
    titles: dict[tuple[str, str], list[tuple[str, int, str]]] = {}
    for links in all_links:
        headlines[(links.root, links.path)] = links.headline
        for line, target, title in links.related:
            titles.setdefault((links.root, target), []).append((links.name, line, title))
    findings = []
    for key, items in titles.items():
        headline = headlines.get(key)
        if headline is None:
            if len({title for _, _, title in items}) < 2:
                continue
            counts = collections.Counter(title for _, _, title in items)
            expected = min(counts, key=lambda title: (-counts[title], title))
            reason = f'"{expected}", as {counts[expected]} of its {len(items)} links title it'
        else:
            expected, reason = headline, f'its headline "{headline}"'
        for name, line, title in items:
            if title != expected:
                message = f'expected the title of {key[1]} to be {reason}, found "{title}"'
                findings.append(Finding(name, line, 1, "NF307", message))
    return findings
