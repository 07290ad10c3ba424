"""The errors of a text that does not parse: parse's own, then one more after each repair of the lines.

After each ParseError the offending line is repaired (replaced by a placeholder,
deleted, or given the blank line it lacks) and the lines parsed again, so the
first error is always exactly parse's and each later one is a problem of its own.
"""

from __future__ import annotations

from ._errors import ParseError
from ._parser import parse_lines, split_lines

MAX_ERRORS = 50
_DATE_PLACEHOLDER = "### [2000-01-01](/news/2000/01/1/index.md)"
_ITEM_PLACEHOLDER = "1. [x](/news/2000/01/1/x.md)"
Problem = tuple[int, int, str, str]  # line, column, code, message


def errors(text: str, first: ParseError, *, resume: bool = True) -> list[Problem]:
    """Every error of a text that does not parse, as (line, column, code, message): ``first`` is parse's own.

    The lines are split once, as parse splits them, and parsed again with
    ``parse_lines`` after each repair. With ``resume``, the lines before the
    repair are first replaced by a few lines that leave the parser in the same
    state, so each re-parse starts where the last one stopped: the time is
    linear in the file, not in the file times its errors. ``resume=False`` is
    the plain algorithm, which the tests hold the fast one to.
    """
    lines = split_lines(text)
    origins = list(range(1, len(lines) + 1))  # each current line's number in the file
    findings = [(first.line, first.column, first.code, first.message)]
    error = first
    while True:
        index = error.line - 1
        if index >= len(lines) or "found the end of the file" in error.message or not _repair(lines, origins, error):
            return findings
        if len(findings) == MAX_ERRORS:
            findings.append((findings[-1][0], 1, "NF000", f"stopped after {MAX_ERRORS} errors"))
            return findings
        if resume:
            _resume(lines, origins, index, error.code)
        try:
            parse_lines(lines)
            return findings
        except ParseError as next_error:
            error = next_error
        findings.append((origins[error.line - 1], error.column, error.code, error.message))  # its line is one of these


_SECTION_HEADINGS = {"### Source:": "### Source:", "### Sources:": "### Source:", "### Related:": "### Related:"}
_ITEM_REPAIRS = {"NF108", "NF109", "NF110", "NF111", "NF112", "NF113"}  # the repaired line is now an item
_BLOCK_REPAIRS = {"NF106", "NF107", "NF114"}  # lines were deleted after a blank line


def _resume(lines: list[str], origins: list[int], index: int, code: str) -> None:
    """Replace ``lines[:index]``, which parse has read, by a short prefix that leaves it in the same state.

    The state at ``index`` is the section it is in and whether a blank line
    came before: after an item repair, inside the section's list; after a
    deleted line, past a blank line in the body or after a list. Nothing is
    changed where the state is not one of these.
    """
    if code in _ITEM_REPAIRS:
        tail: list[str] = []
    elif code in _BLOCK_REPAIRS and index and _is_blank(lines[index - 1]):
        tail = [_ITEM_PLACEHOLDER, ""]
    else:
        return
    at = index - 1
    while at > 0 and lines[at].rstrip() not in _SECTION_HEADINGS:
        at -= 1
    if at > 0:
        prefix = [_DATE_PLACEHOLDER, "", "# x", "", _SECTION_HEADINGS[lines[at].rstrip()], "", *tail]
    elif tail:  # in the body: the headline is the first line after the date line's blank lines
        headline = next((number for number in range(1, index) if not _is_blank(lines[number])), None)
        if headline is None:  # pragma: no cover - a block in the body is repaired after its headline line
            return
        has_text = any(not _is_blank(line) for line in lines[headline + 1 : index])
        prefix = [_DATE_PLACEHOLDER, "", "# x", "", *(["x", ""] if has_text else [])]
    else:  # pragma: no cover - an item's error is always inside its section
        return
    if len(prefix) < index < len(lines):
        lines[:index] = prefix
        origins[:index] = [origins[index]] * len(prefix)


def _is_blank(line: str) -> bool:
    return not line or line.isspace()


def _repair(lines: list[str], origins: list[int], error: ParseError) -> bool:
    """Change the lines so that this error is gone; False if no repair makes progress."""
    index = error.line - 1
    before = list(lines)
    if error.code == "NF101" and not lines[index].startswith("###"):
        lines[index:index] = [_DATE_PLACEHOLDER, ""]
        origins[index:index] = [origins[index]] * 2
    elif error.code in ("NF101", "NF102", "NF103"):
        lines[index] = _DATE_PLACEHOLDER
    elif error.code == "NF104":
        lines.insert(index, "")
        origins.insert(index, origins[index])
    elif error.code == "NF105":
        lines[index] = "# x"
    elif error.code == "NF108":
        lines[index:index] = [_ITEM_PLACEHOLDER, ""]
        origins[index:index] = [origins[index]] * 2
    elif error.code == "NF107":  # drop the section: its heading, blank lines and items
        end = index + 1
        while end < len(lines) and not lines[end].strip():
            end += 1
        while end < len(lines) and lines[end].strip() and not lines[end].startswith("#"):
            end += 1
        del lines[index:end], origins[index:end]
    elif error.code in ("NF106", "NF114"):
        del lines[index], origins[index]
    else:  # an item that is wrong in shape or in a value
        lines[index] = _ITEM_PLACEHOLDER
    return lines != before
