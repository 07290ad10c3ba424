"""Fixes and renames as plans of file changes, applied all or nothing through a journal a killed run leaves.

A ``Plan`` holds, for each file it changes, the text the file holds now and the
text it will hold (None for a file made or removed). ``plan_fixes`` makes one from
findings, ``plan_move`` from a rename (a move, a new headline, or both) with the
update of every related link that pointed to the old path. ``Plan.apply`` writes,
for each archive it changes, a journal with every change in the archive's folder
before it touches a file, then each file atomically, then removes the journal:
a run killed half-way leaves the journal, and ``recover`` (which every newsfmt
command runs first on the paths it is given) completes the change.
"""

from __future__ import annotations

import collections
import json
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

import attrs

from ._atomic import replacing
from ._check import Finding
from ._errors import ParseError
from ._files import InputFile
from ._journal import JOURNAL, Change, _apply, _shown, _text_of, archive_root
from ._model import Entry, Related, slugify
from ._parser import parse
from ._serialize import serialize

if TYPE_CHECKING:  # pragma: no cover - for the annotation only
    from ._archive import Archive

T = TypeVar("T")


@attrs.frozen
class Plan:
    r"""The changes of files that a fix or a rename makes, computed before anything is written.

    ``changes`` in the order they are applied (new files, then rewritten ones,
    then removed ones); ``fixed``, the findings the plan fixes; ``problems``,
    what could not be planned and why (a rename whose target exists, a file that
    changed). ``diff()`` shows it as unified diffs, ``apply()`` writes it, all or
    nothing for each archive, even when the process is killed (``recover``).

    >>> import newsfmt, pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "news/2016/04/20").mkdir(parents=True)
    >>> _ = (root / "news/2016/04/20/nato.md").write_text("### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO\n")
    >>> plan = newsfmt.plan_fixes(newsfmt.find_files([str(root)]), newsfmt.Archive(root).check())
    >>> [finding.code for finding in plan.fixed], len(plan.changes)
    (['NF207'], 1)
    >>> plan.apply()
    >>> (root / "news/2016/04/20/nato.md").read_text()
    '### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO \n'
    """

    changes: tuple[Change, ...] = ()
    fixed: tuple[Finding, ...] = ()
    problems: tuple[str, ...] = ()

    def diff(self) -> str:
        """The changes as unified diffs, a file at a time (``/dev/null`` for a file made or removed)."""
        import difflib

        parts: list[str] = []
        for change in self.changes:
            name = _shown(change.path)
            before = "/dev/null" if change.old is None else name
            after = "/dev/null" if change.new is None else name
            old, new = (change.old or "").splitlines(keepends=True), (change.new or "").splitlines(keepends=True)
            parts.extend(difflib.unified_diff(old, new, before, after))
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in parts)

    def apply(self) -> None:
        """Write the changes: for each archive, a journal first, then each file atomically, then no journal.

        Raises ``ValueError`` naming the file, before writing anything, when a file
        no longer holds the text the plan was made from.
        """
        for change in self.changes:
            if _text_of(change.path) != change.old:
                raise ValueError(f"{_shown(change.path)}: changed since the plan was made; plan again")
        groups: dict[str, list[Change]] = collections.defaultdict(list)
        for change in self.changes:
            groups[archive_root(change.path)].append(change)
        for root, changes in groups.items():
            if len(changes) == 1:  # one file, replaced atomically: nothing to journal
                _apply(root, changes[0])
                continue
            journal = os.path.join(root, JOURNAL)
            record = [{"path": os.path.relpath(c.path, root), "old": c.old, "new": c.new} for c in changes]
            with replacing(journal) as file:
                file.write(json.dumps({"newsfmt-journal": 1, "changes": record}, ensure_ascii=False).encode())
            for change in changes:
                _apply(root, change)
            os.unlink(journal)


# Planning.


def plan_fixes(files: Sequence[InputFile], findings: Iterable[Finding], *, unsafe: bool = False) -> Plan:
    r"""The plan that fixes the findings that have a safe fix, and with ``unsafe`` those with an unsafe one.

    ``files`` are the files the findings came from (``find_files``, or an
    ``Archive``'s ``input_files()``), which name them; standard input is not
    fixed. Safe fixes rewrite a file
    in its canonical layout without its repeated sources and related entries
    (NF2xx, NF304, NF305); unsafe ones remove a link to the entry itself (NF306)
    and move a file to its date's folder and its headline's slug (NF301, NF302),
    updating every related link of the archive that pointed to it.

    >>> import newsfmt, pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "news/2016/04/20").mkdir(parents=True)
    >>> _ = (root / "news/2016/04/20/x.md").write_text("### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO \n")
    >>> files = newsfmt.find_files([str(root)])
    >>> newsfmt.plan_fixes(files, newsfmt.check_files(files)).changes
    ()
    >>> plan = newsfmt.plan_fixes(files, newsfmt.check_files(files), unsafe=True)
    >>> [(change.path[len(str(root)):], change.new is None) for change in plan.changes]
    [('/news/2016/04/20/nato.md', False), ('/news/2016/04/20/x.md', True)]
    """
    by_name = {file.name: file for file in files if file.data is None}  # standard input is not written back
    wanted: dict[str, list[Finding]] = collections.defaultdict(list)
    for finding in findings:
        if finding.fix is not None and (finding.fix.safe or unsafe) and finding.path in by_name:
            wanted[finding.path].append(finding)
    edit = _Edit()
    moves: list[tuple[str, str, str]] = []  # the file, where it goes, and its name in the findings
    fixed: list[Finding] = []
    for name, found in wanted.items():
        file = os.path.abspath(by_name[name].path)
        entry = edit.entry(file)
        if entry is None:
            edit.problems.append(f"{name}: changed since it was checked; check it again")
            continue
        codes = {finding.code for finding in found}
        safe = any(finding.fix is not None and finding.fix.safe for finding in found)
        if safe:
            edit.layout.add(file)
        entry = fixed_entry(entry, safe=safe, self_link=archive_path(file) if "NF306" in codes else None)
        edit.expected[file] = entry
        if codes & {"NF301", "NF302"}:
            target = os.path.join(archive_root(file), *entry.path.split("/")[1:])
            moves.append((file, target, name))
        fixed.extend(found)
    for file, target, name in moves:
        if edit.move(file, target):  # not moved: its NF301 and NF302 are not fixed
            fixed = [finding for finding in fixed if not (finding.path == name and finding.code in ("NF301", "NF302"))]
    return edit.plan(tuple(fixed))


def plan_move(old: str, new: str | None = None, *, headline: str | None = None) -> Plan:
    r"""The plan that moves the entry file ``old`` to ``new`` and/or gives it a new headline, and updates its links.

    Every related item of the archive that links to the old path gets the new
    one, and, with a new headline, the new headline as its title where its title
    was the old headline. Without ``new``, the file goes to its day folder under
    the new headline's slug. ``new`` must be in the entry's day folder, named by a
    start of the headline's slug (so the rename adds no NF301 or NF302 finding)
    and free. ``ValueError`` says what is wrong, before anything is planned.

    >>> import newsfmt, pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "news/2016/04/20").mkdir(parents=True)
    >>> _ = (root / "news/2016/04/20/nato.md").write_text("### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO \n")
    >>> plan = newsfmt.plan_move(str(root / "news/2016/04/20/nato.md"), headline="NATO meets")
    >>> plan.apply()
    >>> [path.name for path in (root / "news/2016/04/20").iterdir()]
    ['nato-meets.md']
    """
    edit = _Edit()
    old = os.path.abspath(old)
    entry = edit.entry(old)
    if entry is None:
        raise ValueError(f"{_shown(old)}: no entry file to move (it is missing or does not parse)")
    if headline is not None:
        entry = attrs.evolve(entry, headline=headline)  # ValueError naming Entry.headline
    root = archive_root(old)
    if new is None:
        new = os.path.join(root, *entry.path.split("/")[1:])  # ValueError for a headline with no slug
    parts = os.path.normpath(os.path.abspath(new)).split(os.sep)
    stem = parts[-1][:-3] if parts[-1].endswith(".md") else ""
    if archive_root(new) != root or "/" + "/".join(parts[-5:-1]) + "/" != entry.day_path[:-8]:
        raise ValueError(f"{_shown(new)}: expected a path in the entry's day folder {entry.day_path[1:-8]}")
    if not stem or stem == "index" or not slugify(entry.headline).startswith(stem) or slugify(stem) != stem:
        slug = slugify(entry.headline)
        raise ValueError(f"{_shown(new)}: expected a name that starts the headline's slug {slug}")
    edit.expected[old] = entry
    edit.retitled = {} if headline is None else {archive_path(old): (edit.original[old].headline, headline)}
    problem = edit.move(old, new)
    if problem:
        raise ValueError(problem)
    return edit.plan(())


def fixed_entry(entry: Entry, *, safe: bool, self_link: str | None = None) -> Entry:
    """The entry as its fixes make it: with ``safe``, without repeated sources and related entries (NF304, NF305);
    with ``self_link``, the entry's own archive path, without the related items that link to it (NF306)."""
    if safe:
        entry = attrs.evolve(entry, sources=_unique(entry.sources, "url"), related=_unique(entry.related, "path"))
    if self_link is not None:
        entry = attrs.evolve(entry, related=[item for item in entry.related if item.path != self_link])
    return entry


def _unique(items: Sequence[T], key: str) -> list[T]:
    seen: set[str] = set()
    kept = []
    for item in items:
        value = getattr(item, key)
        if value not in seen:
            seen.add(value)
            kept.append(item)
    return kept


def archive_path(file: str) -> str:
    return "/" + os.path.relpath(os.path.abspath(file), archive_root(file)).replace(os.sep, "/")


@attrs.define
class _Edit:
    """The plan being made: each file's text as read, the entry it is to hold, and where it moves."""

    texts: dict[str, str] = attrs.field(factory=dict)
    original: dict[str, Entry] = attrs.field(factory=dict)
    expected: dict[str, Entry] = attrs.field(factory=dict)
    layout: set[str] = attrs.field(factory=set)  # files to write in the canonical layout
    moved: dict[str, str] = attrs.field(factory=dict)  # old file to new file
    retitled: dict[str, tuple[str, str]] = attrs.field(factory=dict)  # archive path to (old, new) headline
    problems: list[str] = attrs.field(factory=list)
    archives: dict[str, Archive] = attrs.field(factory=dict)  # by root: each builds its backlinks once

    def entry(self, file: str) -> Entry | None:
        """The entry the file holds (read once), None when it is missing or does not parse."""
        file = os.path.abspath(file)
        if file not in self.original:
            try:
                text = _text_of(file)
            except (OSError, UnicodeDecodeError):
                return None
            if text is None:
                return None
            try:
                self.original[file] = parse(text)
            except ParseError:
                return None
            self.texts[file] = text
        return self.expected.get(file, self.original[file])

    def move(self, file: str, target: str) -> str | None:
        """Plan the move of ``file`` to ``target`` (or a new headline in place) and the update of the links to it.

        A problem (the target is taken) stops it, and is returned as well as kept.
        """
        file, target = os.path.abspath(file), os.path.abspath(target)
        old_path, new_path = archive_path(file), archive_path(target)
        headlines = self.retitled.get(old_path)
        if target == file and headlines is None:
            return None
        if target != file:
            if os.path.lexists(target) or target in set(self.moved.values()):
                problem = f"{_shown(file)}: cannot move to {_shown(target)}, which exists"
                self.problems.append(problem)
                return problem
            self.moved[file] = target
        root = archive_root(file)
        if root not in self.archives:
            from ._archive import Archive  # _archive imports the file layer this module's callers come through

            self.archives[root] = Archive(root)
        for source in self.archives[root].backlinks(old_path):
            linking = os.path.join(root, *source.split("/")[1:])
            entry = self.entry(linking)
            if entry is None:
                self.problems.append(f"{_shown(linking)}: links to {old_path} but does not parse; not updated")
                continue
            related = [_relinked(item, old_path, new_path, headlines) for item in entry.related]
            self.expected[linking] = attrs.evolve(entry, related=related)
        return None

    def plan(self, fixed: tuple[Finding, ...]) -> Plan:
        made, rewritten, removed = [], [], []
        for file, entry in self.expected.items():
            old = self.texts[file]
            new = serialize(entry) if file in self.layout else _edited(old, self.original[file], entry)
            if file in self.moved:
                made.append(Change(self.moved[file], None, new))
                removed.append(Change(file, old, None))
            elif new != old:
                rewritten.append(Change(file, old, new))
        return Plan(tuple(made + rewritten + removed), fixed, tuple(self.problems))


def _relinked(item: Related, old: str, new: str, headlines: tuple[str, str] | None) -> Related:
    if item.path != old:
        return item
    title = headlines[1] if headlines is not None and item.title == headlines[0] else item.title
    return Related(title=title, path=new, context=item.context)


def _edited(text: str, before: Entry, after: Entry) -> str:
    """``text`` with only the lines that hold a changed headline or related item edited, else the canonical text.

    A file is changed where its values change and nowhere else, so a rename does
    not reformat the files that link to it; the edit is checked by parsing it,
    and a file the line edits cannot change exactly is written whole.
    """
    if before == after:
        return text
    lines = text.splitlines(keepends=True)
    in_related = headline_done = False
    renamed = {a.path: b for a, b in zip(before.related, after.related, strict=False) if a != b}
    for index, line in enumerate(lines):
        stripped = line.strip()
        if index > 0 and not headline_done and stripped.startswith("# "):
            lines[index] = line.replace(before.headline, after.headline, 1)
            headline_done = True
        if stripped.startswith("###"):
            in_related = stripped == "### Related:"
            continue
        if in_related:
            for old_path, item in renamed.items():
                if f"]({old_path})" in line:
                    old_item = next(r for r in before.related if r.path == old_path)
                    line = line.replace(f"]({old_path})", f"]({item.path})", 1)
                    if item.title != old_item.title:
                        line = line.replace(f"[{old_item.title}", f"[{item.title}", 1)
                    lines[index] = line
    edited = "".join(lines)
    try:
        if parse(edited) == after:
            return edited
    except ParseError:  # pragma: no cover - valid paths and titles in place of valid ones parse (G2's rules)
        pass
    return serialize(after)
