"""The findings' codes: one stable NF code, a kebab-case name and a severity for each rule."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable

import attrs


@attrs.frozen
class Rule:
    """A rule of ``newsfmt validate``: its stable code, kebab-case name, severity, one-line summary and fix.

    ``fix`` is ``"safe"`` when ``validate --fix`` fixes its findings without
    changing a value of the entry (the layout, a repeated item), ``"unsafe"`` when
    the fix changes a value or a file name (``--unsafe-fixes``), None when newsfmt
    cannot fix it.

    >>> import newsfmt
    >>> rule = newsfmt.RULES["NF302"]
    >>> rule.name, rule.severity, rule.fix
    ('file-name-slug', 'warning', 'unsafe')
    """

    code: str
    name: str
    severity: str  # "error" or "warning"
    summary: str
    fix: str | None = None  # "safe", "unsafe" or None

    @property
    def explanation(self) -> str:
        """The rule's section of docs/rules.md (Markdown): an example of what it finds, and how to fix it.

        The one text both the documentation and ``newsfmt rule CODE`` show; it ships in the package.

        >>> import newsfmt
        >>> newsfmt.RULES["NF002"].explanation.splitlines()[0]
        '`line 14, column 8: expected UTF-8 text, found the byte 0xFC`. The file is in'
        """
        return _explanations().get(self.code, "")


# The rules whose findings carry a fix (Finding.fix), and whether it is safe: see _fix.py.
_FIXES = {code: "safe" for code in ("NF201", "NF202", "NF203", "NF204", "NF205", "NF206", "NF207", "NF208")}
_FIXES |= {"NF209": "safe", "NF210": "safe", "NF304": "safe", "NF305": "safe"}
_FIXES |= {code: "unsafe" for code in ("NF301", "NF302", "NF306")}

RULES = {
    rule.code: attrs.evolve(rule, fix=_FIXES.get(rule.code))
    for rule in [
        Rule("NF000", "internal-error", "error", "newsfmt failed on the file: a bug to report"),
        Rule("NF001", "unreadable-file", "error", "the file cannot be read"),
        Rule("NF002", "not-utf8", "error", "the file is not UTF-8 text"),
        Rule("NF003", "file-too-large", "error", "the file is larger than the size limit, and is not read"),
        Rule("NF004", "not-a-file", "error", "a folder, FIFO, device or socket where an entry file was expected"),
        Rule("NF005", "undecodable-name", "error", "the file's name is not UTF-8, and the file is not read"),
        Rule("NF006", "symlink-outside", "error", "a symlink to a file outside the tree, not followed"),
        Rule("NF007", "unwritable-file", "error", "fmt could not replace the file (a permission, a full disk, a race)"),
        Rule("NF008", "stale-baseline", "warning", "a baseline entry that no finding matches any more"),
        Rule("NF101", "date-line", "error", "the first line is not a date line"),
        Rule("NF102", "invalid-date", "error", "the date is not a date of the calendar"),
        Rule("NF103", "date-link", "error", "the date line links to another day's page"),
        Rule("NF104", "missing-blank-line", "error", "a blank line is missing where the layout needs one"),
        Rule("NF105", "headline", "error", "the headline line is missing or not a '# ' line"),
        Rule("NF106", "unexpected-heading", "error", "a heading in the body, or a section the format does not have"),
        Rule("NF107", "section-order", "error", "a section out of order, or repeated"),
        Rule("NF108", "empty-section", "error", "a section heading with no items"),
        Rule("NF109", "item-shape", "error", "an item that is not a numbered link of the right shape"),
        Rule("NF110", "invalid-link-text", "error", "a source name or related title that breaks its rule"),
        Rule("NF111", "invalid-url", "error", "a source URL that is empty or holds whitespace"),
        Rule("NF112", "invalid-related-path", "error", "a related path that is not /news/YYYY/MM/D/slug.md"),
        Rule("NF113", "invalid-tag", "error", "a context tag that breaks its rule"),
        Rule("NF114", "text-after-list", "error", "text where only a section heading or the end of the file may come"),
        Rule("NF201", "line-endings", "warning", "CRLF or CR line endings instead of LF"),
        Rule("NF202", "byte-order-mark", "warning", "a byte order mark at the start of the file"),
        Rule("NF203", "end-of-file", "warning", "no newline, or blank lines, at the end of the file"),
        Rule("NF204", "trailing-whitespace", "warning", "whitespace at the end of a line"),
        Rule("NF205", "blank-lines", "warning", "more or fewer blank lines than the layout has"),
        Rule("NF206", "value-whitespace", "warning", "whitespace around a value, inside brackets or around tags"),
        Rule("NF207", "layout-space", "warning", "the space after a headline or related title is missing"),
        Rule("NF208", "sources-heading", "warning", "'### Sources:' instead of '### Source:'"),
        Rule("NF209", "padded-day", "warning", "a zero-padded day in the date link"),
        Rule("NF210", "list-numbering", "warning", "list items not numbered 1 to n"),
        Rule("NF301", "folder-date", "error", "the entry's date is not the date of its news/YYYY/MM/D/ folder"),
        Rule("NF302", "file-name-slug", "warning", "the file name is not a slug of the headline (a prefix of it)"),
        Rule("NF303", "missing-related-target", "warning", "a related link's file is not in the archive"),
        Rule("NF304", "duplicate-source", "warning", "the same source URL twice in one entry"),
        Rule("NF305", "duplicate-related", "warning", "the same related path twice in one entry"),
        Rule("NF306", "self-related", "warning", "an entry that lists itself as related"),
        Rule(
            "NF307",
            "related-title",
            "warning",
            "a related title that is not its target's headline, or not its other links'",
        ),
        Rule(
            "NF308", "future-related", "warning", "a related entry dated after the archive's last day, so not in it yet"
        ),
        Rule("NF401", "headline-markdown", "warning", "the headline renders as other text than the headline"),
        Rule("NF402", "body-markdown", "warning", "a part of the body renders as something other than a paragraph"),
        Rule("NF403", "source-markdown", "warning", "a source does not render as one link with its name and URL"),
        Rule(
            "NF404",
            "related-markdown",
            "warning",
            "a related entry does not render as one link with its title and path",
        ),
        Rule("NF405", "context-markdown", "warning", "the context tags do not render as one emphasis holding them"),
    ]
}


@attrs.frozen
class Selection:
    """Which rules a run reports: codes or prefixes selected, less those ignored, as ``--select``/``--ignore`` say.

    The costly checks run only when a selected code or prefix names them, the
    default ``NF`` does not: the Markdown checks (NF4xx: ``NF4``, ``NF401``), which
    render every file, and NF307 (``NF3``, ``NF307``), which keeps every related
    title of the run to compare them. NF000 (newsfmt failed) is always reported.
    """

    select: tuple[str, ...]
    ignore: tuple[str, ...]
    markdown: bool = False  # whether any NF4xx is wanted: render the entries with markdown-it-py
    titles: bool = False  # whether NF307 is wanted: keep the related titles of every file

    @classmethod
    def of(cls, select: Iterable[str] | None = None, ignore: Iterable[str] = ()) -> Selection:
        """The selection; ``ValueError`` naming the field of an unknown code, or for a selection that checks no rule."""
        chosen = ("NF",) if select is None else _codes(select)
        ignored = _codes(ignore)
        for field, codes in (("select", chosen), ("ignore", ignored)):
            if unknown := unknown_codes(codes):
                raise ValueError(f"{field}: {unknown}")
        selection = cls(chosen, ignored)
        if not any(selection.wants(code) for code in RULES if code != "NF000"):
            raise ValueError("the selection checks no rule: select names none, or ignore removes every one it names")
        markdown = any(selection.wants(code) for code in RULES if code.startswith("NF4"))
        return cls(chosen, ignored, markdown, selection.wants("NF307"))

    def wants(self, code: str) -> bool:
        """Whether a finding of this code is reported."""
        if code == "NF000":
            return True
        if not code.startswith(self.select) or code.startswith(self.ignore or ("\0",)):
            return False
        return code not in OPT_IN or any(code.startswith(p) for p in self.select if len(p) > len("NF"))


# Checks that cost much more than the others: a selection runs them only when it names them.
OPT_IN = frozenset({"NF307", "NF401", "NF402", "NF403", "NF404", "NF405"})


def rules_file() -> str | None:
    """The rules' text: the rules.md the package ships, else docs/rules.md beside the source (editable)."""
    here = os.path.dirname(os.path.abspath(__file__))
    for path in (os.path.join(here, "rules.md"), os.path.join(here, "..", "..", "docs", "rules.md")):
        if os.path.isfile(path):
            return os.path.normpath(path)
    return None  # pragma: no cover - an installation without its rules.md is broken


@functools.cache
def _explanations() -> dict[str, str]:
    """Each rule's section of rules.md."""
    path = rules_file()
    if path is None:  # pragma: no cover - an installation without its rules.md is broken
        return {}
    with open(path, encoding="utf-8") as file:
        text = file.read()
    sections: dict[str, str] = {}
    code = None
    for line in text.split("\n"):
        if line.startswith("#"):
            heading = line.lstrip("#").split()
            code = heading[0] if line.startswith("### NF") and heading else None
            if code is not None:
                sections[code] = ""
        elif code is not None:
            sections[code] += line + "\n"
    return {code: text.strip() for code, text in sections.items()}


def unknown_codes(codes: Iterable[str]) -> str | None:
    """What is wrong with a list of codes or prefixes: None when each names at least one rule."""
    unknown = [code for code in codes if not code or not any(rule.startswith(code) for rule in RULES)]
    return f"no rule has the code or prefix {', '.join(repr(code) for code in unknown)}" if unknown else None


def _codes(codes: Iterable[str]) -> tuple[str, ...]:
    if isinstance(codes, str):
        raise TypeError(f"expected a list of codes, found the string {codes!r}")
    return tuple(code.strip().upper() for code in codes if code.strip())
