"""Fuzz targets for the file layer: from-json's records, and random trees that validate and fmt must survive.

Each input is turned into files on disk; the command then runs in a forked child,
as the unprivileged user 65534 when the fuzzer runs as root (root reads and writes
any file whatever its mode), and the promises of docs/security.md are checked:
no hang, no traceback, a finding for every file or folder that cannot be read,
nothing written outside the out-dir or through a symlink that leaves the tree,
every file its old bytes or the canonical text of the same entry, modes, links,
FIFOs and the set of names unchanged, and no temporary file left behind.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import stat
import sys
import tempfile
from collections.abc import Iterator

NOBODY = 65534
_SECONDS = 20  # a run that takes longer has hung: the child is killed and the target fails

_VALID = "### [2016-04-20](/news/2016/04/20/index.md)\n\n# Headline {0} \n\n### Source:\n\n1. [S{0}](http://x/{0})\n"
_TOLERATED = "### [2016-04-20](/news/2016/04/20/index.md)\r\n\r\n# Headline {0}\r\n"
_BROKEN = "## not an entry {0}\n"


_warmed: list[bool] = []


def _warm_up() -> None:
    """Run each command once in this process, so the modules they import lazily are loaded before a fork.

    An unprivileged child may not be able to read the standard library (here Python lives in /root).
    """
    from newsfmt._cli import main

    with _sandbox() as folder, contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        with open(os.path.join(folder, "e.md"), "w", encoding="utf-8", newline="") as file:
            file.write(_TOLERATED.format(0))
        with open(os.path.join(folder, "in.jsonl"), "w", encoding="utf-8") as file:
            file.write('{"date": "2016-04-20", "headline": "H", "body": "", "sources": [], "related": []}\nx\n')
        for args in (["validate", "--output-format", "json", folder], ["fmt", "--diff", folder], ["fmt", folder]):
            main(args)
        main(["from-json", os.path.join(folder, "in.jsonl"), "--out-dir", os.path.join(folder, "o")])
    _warmed.append(True)


def run_in_process(args: list[str]) -> tuple[int, str, str]:
    """``newsfmt ARGS`` in this process, so that the fuzzer sees the coverage of what it runs."""
    from newsfmt._cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def run_command(args: list[str], cwd: str, stdin: bytes = b"") -> tuple[int, str, str]:
    """``newsfmt ARGS`` in a forked child, unprivileged if we are root, killed after a time limit.

    The fuzzer does not see the child's coverage: this target is driven by the
    shapes of the trees it builds, not by coverage feedback.
    """
    from newsfmt._cli import main

    if not _warmed:
        _warm_up()

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as given:
        given.write(stdin)
        given.seek(0)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 99
            try:
                for descriptor, file in ((0, given), (1, out), (2, err)):
                    os.dup2(file.fileno(), descriptor)
                signal.alarm(_SECONDS)
                os.chdir(cwd)
                if os.geteuid() == 0:
                    os.setgroups([])
                    os.setgid(NOBODY)
                    os.setuid(NOBODY)
                sys.stdin = io.TextIOWrapper(open(0, "rb", closefd=False))  # noqa: SIM115
                sys.stdout = io.TextIOWrapper(open(1, "wb", closefd=False), write_through=True)  # noqa: SIM115
                sys.stderr = io.TextIOWrapper(open(2, "wb", closefd=False), write_through=True)  # noqa: SIM115
                code = main(args)
                sys.stdout.flush()
                sys.stderr.flush()
            except BaseException:
                import traceback

                os.write(2, traceback.format_exc().encode())
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert not os.WIFSIGNALED(status), f"newsfmt {' '.join(args)} hung or crashed (signal {os.WTERMSIG(status)})"
        out.seek(0)
        err.seek(0)
        return os.waitstatus_to_exitcode(status), out.read().decode(), err.read().decode()


@contextlib.contextmanager
def _sandbox() -> Iterator[str]:
    folder = tempfile.mkdtemp(prefix="newsfmt-fuzz-")
    os.chmod(folder, 0o777)
    try:
        yield folder
    finally:
        for top, folders, _ in os.walk(folder):
            for name in folders:
                if not os.path.islink(os.path.join(top, name)):
                    with contextlib.suppress(OSError):
                        os.chmod(os.path.join(top, name), 0o755)
        shutil.rmtree(folder, ignore_errors=True)


def _snapshot(root: str) -> dict[str, tuple[str, int, bytes | str]]:
    """Every name under ``root``: (kind, mode, bytes of a file or target of a link), read as root.

    The cache validate keeps in the folder it runs in (``.newsfmt_cache``) is not the user's: passed over.
    """
    found: dict[str, tuple[str, int, bytes | str]] = {}
    for top, folders, files in os.walk(root):
        folders[:] = [name for name in folders if not (top == root and name == ".newsfmt_cache")]
        for name in folders + files:
            path = os.path.join(top, name)
            info = os.lstat(path)
            mode = stat.S_IMODE(info.st_mode)
            if stat.S_ISLNK(info.st_mode):
                found[path] = ("link", 0, os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                try:
                    with open(path, "rb") as file:
                        found[path] = ("file", mode, file.read())
                except PermissionError:  # not root: a file of mode 000
                    found[path] = ("file", mode, b"")
            else:
                found[path] = ("folder" if stat.S_ISDIR(info.st_mode) else "other", mode, b"")
    return found


class _Bytes:
    """The fuzzer's input read as a stream of small choices; it wraps around, so any input makes a tree."""

    def __init__(self, data: bytes) -> None:
        self.data = data or b"\0"
        self.at = 0

    def __call__(self, choices: int) -> int:
        value = self.data[self.at % len(self.data)]
        self.at += 1
        return value % choices


def target_filesystem(data: bytes) -> None:
    import newsfmt

    choose = _Bytes(data)
    with _sandbox() as sandbox:
        tree = os.path.join(sandbox, "tree")
        outside = os.path.join(sandbox, "outside.md")
        with open(outside, "w", encoding="utf-8", newline="") as file:
            file.write(_TOLERATED.format("outside"))
        os.chmod(outside, 0o666)
        folders = [tree, os.path.join(tree, "a"), os.path.join(tree, "a", "b"), os.path.join(tree, "c")]
        for folder in folders:
            os.makedirs(folder, exist_ok=True)
            os.chmod(folder, 0o777)
        expected: dict[str, str] = {}  # path, relative to tree: the code its finding must have
        files: list[str] = []
        for number in range(1 + choose(12)):
            folder = folders[choose(len(folders))]
            path = os.path.join(folder, f"e{number}.md")
            relative = os.path.relpath(path, tree)
            kind = choose(11)
            if kind < 3:
                content = (_VALID, _TOLERATED, _BROKEN)[kind].format(number).encode()
                with open(path, "wb") as file:
                    file.write(content)
                os.chmod(path, 0o666)
                files.append(path)
                if kind == 2:
                    expected[relative] = "NF101"
            elif kind == 3:
                with open(path, "wb") as file:
                    file.write(_VALID.format(number).encode().replace(b"Headline", b"Headl\xe9ne"))
                expected[relative] = "NF002"
            elif kind == 4 and files:
                os.symlink(os.path.relpath(files[choose(len(files))], folder), path)
            elif kind == 5:
                os.symlink(outside, path)
                expected[relative] = "NF006"
            elif kind == 6:
                os.symlink(os.path.join(tree, "nowhere.md"), path)  # dangling, inside the tree
                expected[relative] = "NF001"
            elif kind == 7:
                os.mkfifo(path)
                expected[relative] = "NF004"
            elif kind == 8:
                os.mkdir(path)
                expected[relative] = "NF004"
            elif kind == 9:
                with open(path, "wb") as file:
                    file.write(_TOLERATED.format(number).encode())
                os.chmod(path, 0o000)
                expected[relative] = "NF001"
            elif kind == 10:
                folder = os.path.join(folder, f"locked{number}")
                os.mkdir(folder)
                with open(os.path.join(folder, "x.md"), "wb") as file:
                    file.write(_BROKEN.encode())
                os.chmod(folder, 0o000)
                expected[os.path.relpath(folder, tree)] = "NF001"
        if choose(4) == 0:  # a folder the user cannot write: fmt cannot replace its files (NF007)
            os.chmod(folders[choose(len(folders))], 0o555)
        before, outside_before = _snapshot(tree), _snapshot(sandbox)[outside]

        code, out, err = run_command(["validate", "-j", "1", "--output-format", "json", "."], tree)
        assert code in (0, 1) and "internal error" not in err, (code, err)
        import json

        findings = json.loads(out)
        codes: dict[str, set[str]] = {}
        for finding in findings:
            codes.setdefault(finding["path"], set()).add(finding["code"])
        assert "NF000" not in {code for found in codes.values() for code in found}, findings
        for relative, wanted in expected.items():
            assert wanted in codes.get(relative, set()), (relative, wanted, findings)
        assert code == (1 if any(f["severity"] == "error" for f in findings) else 0)

        code, out, err = run_command(["fmt", "-j", "1", "."], tree)
        assert code in (0, 1) and "internal error" not in err and "Traceback" not in err, (code, err)
        after = _snapshot(tree)
        assert sorted(after) == sorted(before), "fmt added or removed a name (a temporary file?)"
        for path, (what, mode, old_bytes) in before.items():
            new_what, new_mode, new_bytes = after[path]
            assert (new_what, new_mode) == (what, mode), (path, what, new_what, oct(mode), oct(new_mode))
            if what == "file" and new_bytes != old_bytes:
                assert isinstance(old_bytes, bytes) and isinstance(new_bytes, bytes)
                entry = newsfmt.parse(old_bytes.decode("utf-8"))
                assert new_bytes == newsfmt.serialize(entry).encode(), path
            elif what == "link":
                assert new_bytes == old_bytes, path
        assert _snapshot(sandbox)[outside] == outside_before, "fmt wrote through a symlink out of the tree"
        failed = int(err.strip().rsplit(", ", 1)[-1].split()[0]) if err.strip() else 0
        assert code == (1 if failed else 0), err


def target_from_json(data: bytes) -> None:
    import newsfmt

    with _sandbox() as sandbox:
        out_dir = os.path.join(sandbox, "o")
        outside = os.path.join(sandbox, "outside")
        os.makedirs(os.path.join(out_dir, "news"))
        os.mkdir(outside)
        for folder in (out_dir, os.path.join(out_dir, "news"), outside):
            os.chmod(folder, 0o777)
        os.symlink(outside, os.path.join(out_dir, "news", "2016"))  # entries of 2016 must be refused
        source = os.path.join(sandbox, "in.jsonl")
        with open(source, "wb") as file:
            file.write(data)
        os.chmod(source, 0o644)
        code, out, err = run_in_process(["from-json", source, "--out-dir", out_dir])
        assert code in (0, 1, 2), (code, err)
        assert "internal error" not in err and "Traceback" not in err, err
        assert os.listdir(outside) == [], "from-json wrote outside its --out-dir"
        written = out.splitlines()
        for top, _, files in os.walk(out_dir):
            for name in files:
                path = os.path.join(top, name)
                with open(path, "rb") as file:
                    text = file.read().decode("utf-8")
                entry = newsfmt.parse(text)
                assert newsfmt.serialize(entry) == text, "from-json wrote a text that is not canonical"
                assert path in written, (path, written)
        if code != 2:
            summary = err.strip().splitlines()[-1]
            assert summary.startswith(f"{len(written):,} file"), (summary, written)
