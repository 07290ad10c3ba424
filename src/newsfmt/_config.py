"""Configuration: the ``[tool.newsfmt]`` table of the nearest pyproject.toml, each key and value checked once."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from ._rules import unknown_codes


class ConfigError(Exception):
    r"""A configuration that cannot be used: the message names the file and the key.

    >>> import newsfmt, pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "pyproject.toml").write_text('[tool.newsfmt]\nstrict = "no"\n')
    >>> try:
    ...     newsfmt.find_settings(folder)
    ... except newsfmt.ConfigError as error:
    ...     print(str(error)[len(str(folder)) :])
    /pyproject.toml: [tool.newsfmt] strict: expected true or false, found a string "no"
    """


@attrs.frozen
class Settings:
    r"""What a configuration file's ``[tool.newsfmt]`` table sets, checked; None where it sets nothing.

    ``path`` is the file it comes from. The command's options override each value.

    >>> import newsfmt, pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "pyproject.toml").write_text('[tool.newsfmt]\nignore = ["NF302"]\nstrict = true\n')
    >>> settings = newsfmt.find_settings(folder / "news")  # the folder need not exist: its parents are searched
    >>> settings.ignore, settings.strict, settings.select
    (('NF302',), True, None)
    """

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    strict: bool | None = None
    exclude: tuple[str, ...] = ()
    max_file_size: int | None = None
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob, codes) pairs, in the file's order
    path: str | None = None  # the file they come from

    def ignored_in(self, file: str) -> tuple[str, ...]:
        """The codes ``per-file-ignores`` ignores in ``file``: each glob matched against its path from the
        configuration's folder, and against its name, as ``exclude`` is."""
        if not self.per_file_ignores:
            return ()
        relative = os.path.relpath(file, os.path.dirname(self.path)) if self.path else file
        return tuple(code for glob, codes in self.per_file_ignores if matches(relative, (glob,)) for code in codes)


def matches(path: str, globs: Iterable[str]) -> bool:
    """Whether any glob matches the path or its last name: how ``exclude`` and ``per-file-ignores`` match."""
    name = os.path.basename(path)
    return any(fnmatch.fnmatch(path, glob) or fnmatch.fnmatch(name, glob) for glob in globs)


def _type(value: object) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "an array", dict: "a table"}
    return next((name for kind, name in names.items() if isinstance(value, kind)), type(value).__name__)


def _found(value: object) -> str:
    import json

    if isinstance(value, dict):
        return "a table"
    return f"{_type(value)} {json.dumps(value, ensure_ascii=False, default=str)}"


def codes(value: object) -> tuple[str, ...]:
    """A list of rule codes or prefixes (``NF3``, ``NF302``); each must name at least one rule."""
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValueError(f'expected an array of codes like ["NF3", "NF106"], found {_found(value)}')
    result = tuple(code.strip().upper() for code in value)
    if unknown := unknown_codes(result):
        raise ValueError(unknown)
    return result


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, found {_found(value)}")
    return value


def _globs(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(glob, str) and glob for glob in value):
        raise ValueError(f'expected an array of globs like ["drafts/*"], found {_found(value)}')
    return tuple(value)


def _size(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"expected a whole number of bytes, 1 or more, found {_found(value)}")
    return value


def _per_file_ignores(value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ValueError(
            f'expected a table of globs to arrays of codes, like {{"drafts/*" = ["NF302"]}}, found {_found(value)}'
        )
    pairs = []
    for glob, listed in value.items():
        if not glob:
            raise ValueError("expected a glob, found an empty key")
        try:
            pairs.append((glob, codes(listed)))
        except ValueError as error:
            raise ValueError(f'"{glob}": {error}') from None
    return tuple(pairs)


_KEYS: dict[str, tuple[str, Callable[[object], Any]]] = {
    "select": ("select", codes),
    "ignore": ("ignore", codes),
    "strict": ("strict", _boolean),
    "exclude": ("exclude", _globs),
    "max-file-size": ("max_file_size", _size),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
}


def load_settings(path: str | os.PathLike[str]) -> Settings:
    r"""The settings of one configuration file: a ``newsfmt.toml``, or a ``pyproject.toml``'s ``[tool.newsfmt]``.

    A ``newsfmt.toml`` (any file not named ``pyproject.toml``) holds the keys at its
    top level; a ``pyproject.toml`` holds them in ``[tool.newsfmt]``, and one
    without that table raises ``ConfigError``. What ``--config FILE`` reads.

    >>> import newsfmt, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "newsfmt.toml"
    >>> _ = path.write_text('select = ["NF1", "NF2"]\n')
    >>> newsfmt.load_settings(path).select
    ('NF1', 'NF2')
    """
    settings = _load(os.fspath(path))
    if settings is None:
        raise ConfigError(f"{os.fspath(path)}: has no [tool.newsfmt] table")
    return settings


# Each configuration file parsed once while it is unchanged, however many folders below it have files:
# its path to (modification time, size, settings or the error it gave).
_PARSED: dict[str, tuple[int, int, Settings | ConfigError | None]] = {}


def _load(path: str) -> Settings | None:
    """The settings of one file, parsed once while unchanged; None for a pyproject.toml without ``[tool.newsfmt]``."""
    try:
        info = os.stat(path)
    except OSError:
        return _parse(path)  # it raises the ConfigError that says why
    known = _PARSED.get(path)
    if known is None or known[:2] != (info.st_mtime_ns, info.st_size):
        try:
            result: Settings | ConfigError | None = _parse(path)
        except ConfigError as error:
            result = error
        known = _PARSED[path] = (info.st_mtime_ns, info.st_size, result)
    if isinstance(known[2], ConfigError):
        raise ConfigError(str(known[2]))
    return known[2]


def _parse(path: str) -> Settings | None:
    import tomllib

    try:
        with open(path, "rb") as file:
            data = file.read()
        document = tomllib.loads(data.decode("utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: expected UTF-8 text, found the byte 0x{data[error.start]:02X}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not TOML: {error}") from None
    where = "[tool.newsfmt] "
    table: object = document
    if os.path.basename(path) == "pyproject.toml":
        tool = document.get("tool", {})
        table = tool.get("newsfmt") if isinstance(tool, dict) else None
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.newsfmt] must be a table, found {_found(table)}")
    else:
        where = ""
    assert isinstance(table, dict)
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            import difflib

            close = difflib.get_close_matches(key, _KEYS, n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else f" (expected one of {', '.join(_KEYS)})"
            raise ConfigError(f"{path}: {where}{key}: unknown key{hint}")
        field, check = _KEYS[key]
        try:
            values[field] = check(value)
        except ValueError as error:
            raise ConfigError(f"{path}: {where}{key}: {error}") from None
    return Settings(**values, path=path)


CONFIG_FILES = ("newsfmt.toml", "pyproject.toml")  # in one folder, the first that configures newsfmt wins


def find_settings(start: str | os.PathLike[str] = ".") -> Settings:
    r"""The settings of the nearest configuration at or above the folder ``start``, as the command finds each file's.

    In each folder from ``start`` up, a ``newsfmt.toml``, else a ``pyproject.toml``
    with a ``[tool.newsfmt]`` table (one without it is passed over, as ruff does).

    ``Settings()`` (nothing set) when there is none. Every key and value is
    checked: an unknown key (with a "did you mean"), a value of the wrong type or
    range, or a file that is not UTF-8 or not TOML raises ``ConfigError``, whose
    message names the file and the key.

    >>> import newsfmt, pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "pyproject.toml").write_text('[tool.newsfmt]\nignroe = ["NF302"]\n')
    >>> newsfmt.find_settings(folder)
    Traceback (most recent call last):
    newsfmt.ConfigError: /.../pyproject.toml: [tool.newsfmt] ignroe: unknown key (did you mean "ignore"?)
    """
    folder = os.path.abspath(start)
    while True:
        settings = configuration_in(folder)
        if settings is not None:
            return settings
        parent = os.path.dirname(folder)
        if parent == folder:
            return Settings()
        folder = parent


def configuration_in(folder: str) -> Settings | None:
    """The settings of the configuration in ``folder`` itself, None when it has none (as ``find_settings`` looks)."""
    for name in CONFIG_FILES:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            settings = _load(candidate)
            if settings is not None:
                return settings
    return None
