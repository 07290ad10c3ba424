"""Bad usage: the error that ends the command with exit code 2, and the checks of option values."""

from __future__ import annotations

import argparse


class UsageError(Exception):
    """Bad usage: a one-line message and exit code 2."""


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("expected a whole number of 1 or more")
    return value


def selection(given: str | None) -> tuple[str, ...] | None:
    """The codes an option gives (comma-separated), None when it is not given: each file's configuration decides.

    ``check_files`` checks each code, naming the option.
    """
    if given is None:
        return None
    return tuple(code.strip().upper() for code in given.split(",") if code.strip())
