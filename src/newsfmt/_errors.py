from __future__ import annotations

from typing import Any


class ParseError(ValueError):
    """Text that is not a news entry, with the 1-based line and column of the problem.

    ``str(error)`` reads ``line 16, column 12: expected ..., found ...``, prefixed
    with ``path: `` when the text came from a file. ``code`` names the rule
    broken (``NF112``, say), as ``newsfmt validate`` and docs/rules.md do.
    It pickles intact, so it crosses process pools.

    >>> import newsfmt
    >>> try:
    ...     newsfmt.parse("### [2016-02-30](/news/2016/02/30/index.md)")
    ... except newsfmt.ParseError as error:
    ...     print(error.line, error.column, error.code)
    ...     print(error.message)
    1 6 NF102
    expected a real date, found "2016-02-30"
    """

    def __init__(self, message: str, line: int, column: int, path: str | None = None, *, code: str = "NF100") -> None:
        self.message = message
        self.line = line
        self.column = column
        self.path = path
        self.code = code  # the rule's code, as `newsfmt validate` reports it
        text = f"line {line}, column {column}: {message}"
        super().__init__(text if path is None else f"{path}: {text}")

    def __reduce__(self) -> tuple[Any, ...]:
        # The default pickles self.args, which are not __init__'s arguments.
        return (_rebuild, (type(self), self.message, self.line, self.column, self.path, self.code))


def _rebuild(cls: type[ParseError], message: str, line: int, column: int, path: str | None, code: str) -> ParseError:
    return cls(message, line, column, path, code=code)
