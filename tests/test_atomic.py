"""The atomic writer under races it cannot prevent: a temporary name taken, a temporary file taken by another
run's cleanup, an owner it may not give, a symlink that leads out of the archive. Each provoked in-process."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

import newsfmt
import newsfmt._atomic
from newsfmt._atomic import TEMPORARY, confined_path

from .test_format import SAMPLE

ENTRY = newsfmt.parse(SAMPLE)


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_a_temporary_name_that_is_taken_is_left_alone_and_another_is_drawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = tmp_path / ".newsfmt-000000000000.tmp"
    newsfmt.write(ENTRY, tmp_path / "warm.md")  # this process has cleaned the folder: the name below stays
    taken.write_text("another run's")
    draws = iter([bytes(6), bytes(6), bytes.fromhex("0123456789ab")])
    monkeypatch.setattr(os, "urandom", lambda size: next(draws))
    newsfmt.write(ENTRY, tmp_path / "x.md")
    assert newsfmt.read(tmp_path / "x.md") == ENTRY
    assert taken.read_text() == "another run's" and next(draws, None) is None  # three draws: two taken
    assert _names(tmp_path) == [taken.name, "warm.md", "x.md"]


@pytest.mark.parametrize("race", ["removed", "replaced"])
def test_a_temporary_file_taken_before_its_lock_is_given_up_for_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, race: str
) -> None:
    # Another run's cleanup can remove (or a writer can replace) a temporary file between its creation and its
    # lock: the writer must not write to a file that is no longer its own name.
    lock = newsfmt._atomic._lock
    raced: list[str] = []

    def racing(descriptor: int, *, blocking: bool) -> bool:
        if not raced:
            name = os.readlink(f"/proc/self/fd/{descriptor}")
            raced.append(name)
            os.unlink(name)
            if race == "replaced":
                Path(name).write_text("another file of that name")
        return lock(descriptor, blocking=blocking)

    monkeypatch.setattr(newsfmt._atomic, "_lock", racing)
    newsfmt.write(ENTRY, tmp_path / "x.md")
    assert newsfmt.read(tmp_path / "x.md") == ENTRY
    [name] = raced
    assert TEMPORARY.fullmatch(os.path.basename(name))
    assert _names(tmp_path) == (["x.md"] if race == "removed" else sorted([os.path.basename(name), "x.md"]))


def test_an_interrupt_while_locking_leaves_no_temporary_file_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[int] = []

    def interrupted(descriptor: int, *, blocking: bool) -> bool:
        opened.append(descriptor)
        raise KeyboardInterrupt

    monkeypatch.setattr(newsfmt._atomic, "_lock", interrupted)
    with pytest.raises(KeyboardInterrupt):
        newsfmt.write(ENTRY, tmp_path / "x.md")
    [descriptor] = opened
    with pytest.raises(OSError):  # closed
        os.fstat(descriptor)
    assert not (tmp_path / "x.md").exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="gives a file another owner: root only")
@pytest.mark.parametrize("group", ["kept", "refused"])
def test_a_user_who_may_not_give_the_owner_keeps_the_group_if_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, group: str
) -> None:
    path = tmp_path / "x.md"
    path.write_text(SAMPLE.replace("NATO", "OTAN"))
    os.chown(path, 65534, 65533)
    calls: list[tuple[int, int]] = []
    fchown: Callable[[int, int, int], None] = os.fchown

    def as_a_user(descriptor: int, uid: int, gid: int) -> None:  # a user who is not root, in the group or not
        calls.append((uid, gid))
        if uid != -1 or group == "refused":
            raise PermissionError(1, "Operation not permitted")
        fchown(descriptor, uid, gid)

    monkeypatch.setattr(os, "fchown", as_a_user)
    newsfmt.write(ENTRY, path)
    assert calls == [(65534, 65533), (-1, 65533)]
    info = path.stat()
    assert (info.st_uid, info.st_gid) == ((0, 65533) if group == "kept" else (0, 0))
    assert newsfmt.read(path) == ENTRY


def test_a_symlink_in_the_file_s_place_that_leads_out_is_refused(tmp_path: Path) -> None:
    root, outside = tmp_path / "archive", tmp_path / "outside.md"
    (root / "news/2016/04/20").mkdir(parents=True)
    (root / "news/2016/04/20/x.md").symlink_to(outside)
    with pytest.raises(ValueError) as refused:
        confined_path(str(root), "news/2016/04/20/x.md")
    assert str(refused.value) == f"{root}/news/2016/04/20/x.md: a symlink that leads outside {root}, to {outside}"
    (root / "news/2016/04/20/y.md").symlink_to(root / "news/2016/04/20/x2.md")  # inside: allowed
    assert confined_path(str(root), "news/2016/04/20/y.md") == str(root / "news/2016/04/20/y.md")
    assert not outside.exists()


def test_a_stale_temporary_that_cannot_be_removed_is_passed_over_for_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another run's cleanup can remove a stale temporary file between this run's lock and its unlink: the cleanup
    # goes on with the next one, counts only what it removed, and leaves no descriptor open.
    first, second = tmp_path / ".newsfmt-000000000000.tmp", tmp_path / ".newsfmt-0123456789ab.tmp"
    first.write_text("a killed run's")
    second.write_text("another killed run's")
    unlink = os.unlink

    def racing(path: str) -> None:
        if os.path.basename(path) == first.name:
            unlink(path)  # the other run's cleanup
            raise FileNotFoundError(2, "No such file or directory", path)
        unlink(path)

    monkeypatch.setattr(os, "unlink", racing)
    open_before = len(os.listdir("/proc/self/fd"))
    assert newsfmt._atomic.remove_stale_temporaries(str(tmp_path)) == 1
    assert len(os.listdir("/proc/self/fd")) == open_before
    assert _names(tmp_path) == []


def test_a_stale_temporary_name_that_cannot_be_opened_is_left_alone(tmp_path: Path) -> None:
    # A symlink (or anything O_NOFOLLOW refuses to open) under a temporary's name is not newsfmt's file: it stays.
    (tmp_path / "target").write_text("someone's")
    link = tmp_path / ".newsfmt-000000000000.tmp"
    link.symlink_to(tmp_path / "target")
    assert newsfmt._atomic.remove_stale_temporaries(str(tmp_path)) == 0
    assert link.is_symlink() and (tmp_path / "target").read_text() == "someone's"
