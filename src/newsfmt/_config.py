"""Configuration: the ``[tool.newsfmt]`` table of the nearest pyproject.toml, each key and value checked once."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import attrs

from ._rules import RULES


class ConfigError(Exception):
    """A configuration that cannot be used: the message names the file and the key."""


@attrs.frozen
class Settings:
    """What a configuration file sets; None where it sets nothing."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    strict: bool | None = None
    exclude: tuple[str, ...] = ()
    max_file_size: int | None = None
    path: str | None = None  # the file they come from


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
    unknown = [code for code in result if not code or not any(rule.startswith(code) for rule in RULES)]
    if unknown:
        raise ValueError(f"no rule has the code or prefix {', '.join(repr(code) for code in unknown)}")
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


_KEYS: dict[str, tuple[str, Callable[[object], Any]]] = {
    "select": ("select", codes),
    "ignore": ("ignore", codes),
    "strict": ("strict", _boolean),
    "exclude": ("exclude", _globs),
    "max-file-size": ("max_file_size", _size),
}


def load(path: str) -> Settings | None:
    """The settings of one pyproject.toml; None if it has no ``[tool.newsfmt]`` table."""
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
    tool = document.get("tool", {})
    table = tool.get("newsfmt") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.newsfmt] must be a table, found {_found(table)}")
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            import difflib

            close = difflib.get_close_matches(key, _KEYS, n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else f" (expected one of {', '.join(_KEYS)})"
            raise ConfigError(f"{path}: [tool.newsfmt] {key}: unknown key{hint}")
        field, check = _KEYS[key]
        try:
            values[field] = check(value)
        except ValueError as error:
            raise ConfigError(f"{path}: [tool.newsfmt] {key}: {error}") from None
    return Settings(**values, path=path)


def find(start: str) -> Settings:
    """The settings of the nearest pyproject.toml with a ``[tool.newsfmt]`` table, from ``start`` up."""
    folder = os.path.abspath(start)
    while True:
        candidate = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(candidate):
            settings = load(candidate)
            if settings is not None:
                return settings
        parent = os.path.dirname(folder)
        if parent == folder:
            return Settings()
        folder = parent
