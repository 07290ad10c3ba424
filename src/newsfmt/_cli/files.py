"""The files a command works on: its PATH arguments and configuration options, turned into ``newsfmt.InputFile``s."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator

from .. import MAX_FILE_SIZE, InputFile, Settings, find_settings, iter_files, load_settings
from .usage import UsageError


def settings_source(arguments: argparse.Namespace) -> Settings | Callable[[str], Settings]:
    """``--isolated``: none; ``--config FILE``: that file's for every file; else each file's nearest (as ruff)."""
    if arguments.isolated:
        return Settings()
    if arguments.config is not None:
        return load_settings(arguments.config)
    return find_settings


def input_files(arguments: argparse.Namespace) -> list[InputFile]:
    """``find_files`` over the PATHs: ``streamed_files``, all of them."""
    return list(streamed_files(arguments))


def streamed_files(arguments: argparse.Namespace) -> Iterator[InputFile]:
    """``iter_files`` over the PATHs, with standard input read here: a worker process's stdin is not it.

    A path that does not exist is a usage error here, before any file is read.
    """
    settings = settings_source(arguments)
    stdin = None
    if "-" in arguments.paths:  # read up to the limit that applies to it, and one byte more to tell it is over
        folder = os.path.dirname(arguments.stdin_filename or "-") or "."
        its = settings if isinstance(settings, Settings) else settings(folder)
        stdin = sys.stdin.buffer.read((arguments.max_file_size or its.max_file_size or MAX_FILE_SIZE) + 1)
    try:
        return iter_files(
            arguments.paths,
            exclude=arguments.exclude,
            stdin=stdin,
            stdin_name=arguments.stdin_filename,
            max_file_size=arguments.max_file_size,
            follow_symlinks=arguments.follow_symlinks,
            settings=settings,
        )
    except FileNotFoundError as error:
        raise UsageError(str(error)) from None


def show_progress(arguments: argparse.Namespace, for_people: bool = True) -> bool:
    """Whether a progress bar goes to standard error: for people at a terminal, unless asked not to."""
    return not (arguments.quiet or arguments.no_progress) and for_people and sys.stderr.isatty()


def reason(error: Exception) -> str:
    """An error's message without Python's decoration: an OSError's strerror, else its text."""
    return (error.strerror or str(error)) if isinstance(error, OSError) and error.strerror else str(error)
