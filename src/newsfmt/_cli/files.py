"""The files a command works on: its PATH arguments and the configuration, turned into ``newsfmt.InputFile``s."""

from __future__ import annotations

import argparse
import sys

from .. import MAX_FILE_SIZE, InputFile, Settings, find_files
from .usage import UsageError


def input_files(arguments: argparse.Namespace, settings: Settings) -> list[InputFile]:
    """``find_files`` over the PATHs, with standard input read here: a worker process's stdin is not it."""
    max_size = arguments.max_file_size or settings.max_file_size or MAX_FILE_SIZE
    stdin = sys.stdin.buffer.read(max_size + 1) if "-" in arguments.paths else None
    try:
        return find_files(
            arguments.paths,
            exclude=[*settings.exclude, *arguments.exclude],
            stdin=stdin,
            stdin_name=arguments.stdin_filename,
            max_file_size=max_size,
            follow_symlinks=arguments.follow_symlinks,
        )
    except FileNotFoundError as error:
        raise UsageError(str(error)) from None


def show_progress(arguments: argparse.Namespace, for_people: bool = True) -> bool:
    """Whether a progress bar goes to standard error: for people at a terminal, unless asked not to."""
    return not (arguments.quiet or arguments.no_progress) and for_people and sys.stderr.isatty()


def reason(error: Exception) -> str:
    """An error's message without Python's decoration: an OSError's strerror, else its text."""
    return (error.strerror or str(error)) if isinstance(error, OSError) and error.strerror else str(error)
