"""newsfmt mv and retitle: an entry moved or given a new headline, with every related link to it updated."""

from __future__ import annotations

import argparse
import sys

from .. import Plan, display_path, plan_move
from .output import count, shown, summary
from .usage import UsageError


def mv(arguments: argparse.Namespace) -> int:
    return _run(arguments, arguments.old, arguments.new, None)


def retitle(arguments: argparse.Namespace) -> int:
    return _run(arguments, arguments.path, None, arguments.headline)


def _run(arguments: argparse.Namespace, old: str, new: str | None, headline: str | None) -> int:
    try:
        plan = plan_move(old, new, headline=headline)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if arguments.diff:
        sys.stdout.write(plan.diff())
        return 1 if plan.changes else 0
    try:
        plan.apply()
    except ValueError as error:  # a file changed since it was read: nothing written
        raise UsageError(str(error)) from None
    if not arguments.quiet:
        summary(_said(plan, old))
    return 0


def _said(plan: Plan, old: str) -> str:
    made = [shown(change.path) for change in plan.changes if change.old is None]
    links = sum(1 for change in plan.changes if change.old is not None and change.new is not None)
    where = f"{display_path(old)} -> {made[0]}" if made else display_path(old)
    return f"{where}: {count(links, 'other file')} updated" if made else f"{where}: {count(links, 'file')} updated"
