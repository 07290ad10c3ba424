"""Bad usage: the error that ends the command with exit code 2, and the checks of option values."""

from __future__ import annotations

import argparse

from .._config import codes


class UsageError(Exception):
    """Bad usage: a one-line message and exit code 2."""


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("expected a whole number of 1 or more")
    return value


def _selection(option: str, given: str | None, configured: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The codes an option gives (comma-separated), else the configuration's, else None (the default)."""
    if given is None:
        return configured
    try:
        return codes([code for code in given.split(",") if code.strip()])
    except ValueError as error:
        raise UsageError(f"{option}: {error}") from None
