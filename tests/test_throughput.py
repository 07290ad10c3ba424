"""The fast paths of issue 17 change no finding: a seeded broken archive against the findings recorded before them.

tests/data/broken_archive_findings.json holds what newsfmt 4c6663c (before the fast paths, the pool's new
results and the cache) found on ``broken_archive.make``'s archive, checked from inside the archive and from
its parent folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import newsfmt

from .broken_archive import make

GOLDEN = Path(__file__).parent / "data" / "broken_archive_findings.json"
EVERY_CODE = ["NF0", "NF1", "NF2", "NF3"]  # NF307 is opt-in; NF4xx render Markdown, unchanged here


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("broken")
    make(root / "a")
    return root


@pytest.fixture
def inside(broken: Path) -> Iterator[Path]:
    here = os.getcwd()
    os.chdir(broken)
    try:
        yield broken
    finally:
        os.chdir(here)


def _lines(findings: Iterator[newsfmt.Finding]) -> list[str]:
    return [str(finding) for finding in sorted(findings, key=lambda f: (f.path, f.line, f.column, f.code))]


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_findings_are_those_recorded_before_the_fast_paths(inside: Path, jobs: int, where: str) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))[where]
    if where == "inside":
        os.chdir(inside / "a")
    files = newsfmt.find_files(["." if where == "inside" else "a"])
    assert _lines(newsfmt.check_files(files, select=EVERY_CODE, jobs=jobs)) == expected
    codes = {line.split(": ")[2].split()[0] for line in expected}
    assert {"NF301", "NF302", "NF303", "NF304", "NF305", "NF306", "NF307", "NF308"} <= codes  # the data covers them


def test_the_command_prints_the_recorded_findings(broken: Path) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))["outside"]
    command = [
        sys.executable,
        "-m",
        "newsfmt",
        "validate",
        "-j",
        "2",
        "--no-cache",
        "--select",
        ",".join(EVERY_CODE),
        "a",
    ]
    run = subprocess.run(command, cwd=broken, capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert run.stdout.splitlines() == expected


# The cache: findings served from it are those of a check, and never stale.


def _check(paths: list[str], cache: Path | None, jobs: int = 1, select: list[str] = EVERY_CODE) -> list[str]:
    return _lines(newsfmt.check_files(newsfmt.find_files(paths), select=select, jobs=jobs, cache_dir=cache))


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_warm_cache_gives_the_findings_of_a_check(inside: Path, tmp_path: Path, jobs: int) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))["outside"]
    cache = tmp_path / "cache"
    assert _check(["a"], cache, jobs) == expected  # cold: every file checked, the records written
    assert len(list(cache.glob("*/*.json"))) > 100
    assert _check(["a"], cache, jobs) == expected  # warm


def test_a_record_is_served_without_checking_the_file(
    inside: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsfmt._files

    cache = tmp_path / "cache"
    expected = _check(["a"], cache)

    def fail(*arguments: object, **options: object) -> None:
        raise AssertionError("checked again")

    monkeypatch.setattr(newsfmt._files, "local_check", fail)
    assert _check(["a"], cache) == expected  # no NF000: nothing was checked again
    assert any("NF000" in line for line in _check(["a"], None))  # and without the cache it would have been


def _entry(root: Path, name: str, related: list[tuple[str, str]] = ()) -> str:  # type: ignore[assignment]
    items = "".join(f"{number}. [{title} ]({path})\n" for number, (title, path) in enumerate(related, 1))
    text = f"### [2016-04-20](/news/2016/04/20/index.md)\n\n# {name} \n\n\n### Source:\n\n1. [E](https://e.com/)\n"
    text += f"\n### Related:\n\n{items}" if related else ""
    path = root / "news/2016/04/20" / f"{newsfmt.slugify(name)}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return f"/news/2016/04/20/{path.name}"


def test_a_change_to_another_file_is_never_hidden_by_the_cache(tmp_path: Path) -> None:
    root, cache = tmp_path / "archive", tmp_path / "cache"
    target = _entry(root, "Target")
    _entry(root, "Linking", [("Target", target)])
    every = ["NF", "NF307"]
    assert _check([str(root)], cache, select=every) == []
    assert _check([str(root)], cache, select=every) == []  # the linking file's record is now cached
    _entry(root, "Target renamed")  # the target's headline changes, in a new file ...
    (root / target.lstrip("/")).unlink()  # ... and its old file goes: the link now leads nowhere
    found = _check([str(root)], cache, select=every)
    assert [line.split(": ")[2].split()[0] for line in found] == ["NF303"]
    assert "linking.md:12:1:" in found[0]
    _entry(root, "Target")  # the file is back, with its old headline: no finding
    assert _check([str(root)], cache, select=every) == []
    _entry(root, "Target", [("Linking", "/news/2016/04/20/linking.md")])  # a change of content: checked again
    assert _check([str(root)], cache, select=every) == []
    (root / "news/2016/04/20/target.md").write_text("# Not an entry\n", encoding="utf-8")
    assert [line.split(": ")[2].split()[0] for line in _check([str(root)], cache, select=every)] == ["NF101"]


def test_a_title_that_disagrees_with_a_changed_headline_is_found_from_the_cache(tmp_path: Path) -> None:
    root, cache = tmp_path / "archive", tmp_path / "cache"
    target = _entry(root, "Target")
    _entry(root, "Linking", [("Target", target)])
    every = ["NF", "NF307"]
    assert _check([str(root)], cache, select=every) == []
    text = (root / target.lstrip("/")).read_text(encoding="utf-8").replace("# Target ", "# Target, retold ")
    (root / target.lstrip("/")).write_text(text, encoding="utf-8")  # same file name: only NF307 can see it
    found = _check([str(root)], cache, select=every)
    assert [line.split(": ")[2].split()[0] for line in found] == ["NF307"]
    assert 'found "Target"' in found[0] and "linking.md:12:1:" in found[0]


@pytest.mark.parametrize(
    "damage",
    [b"", b"\x00\xff not json", b"[1, 2]", b'{"folder": 5, "files": []}', b'{"folder": "F", "files": {"x": 1}}'],
)
def test_a_corrupt_cache_file_is_ignored_and_rebuilt(inside: Path, tmp_path: Path, damage: bytes) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))["outside"]
    cache = tmp_path / "cache"
    _check(["a"], cache)
    shards = sorted(cache.glob("*/*.json"))
    for shard in shards:
        folder = json.loads(shard.read_text(encoding="utf-8"))["folder"]
        shard.write_bytes(damage.replace(b'"F"', json.dumps(folder).encode()))
    assert _check(["a"], cache) == expected
    for shard in shards:  # rebuilt: each a shard again, with a record of every file of its folder
        data = json.loads(shard.read_text(encoding="utf-8"))
        assert sorted(data["files"]) == sorted(name for name in os.listdir(data["folder"]) if name.endswith(".md"))


def test_a_record_with_links_in_a_folder_outside_any_archive_is_checked_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsfmt._check
    import newsfmt._files

    loose, cache = tmp_path / "loose", tmp_path / "cache"
    loose.mkdir()
    text = "### [2016-04-20](/news/2016/04/20/index.md)\n\n# Loose \n\n\n### Source:\n\n1. [E](https://e.com/)\n"
    (loose / "loose.md").write_text(text, encoding="utf-8")
    expected = _check([str(loose)], cache)
    [shard] = cache.glob("*/*.json")
    data = json.loads(shard.read_text(encoding="utf-8"))
    assert data["files"]["loose.md"][4] is None  # no place in an archive: no links kept
    data["files"]["loose.md"][4] = [None, [[12, "/news/2016/04/8/x.md"]]]  # as only a file in an archive has
    shard.write_text(json.dumps(data), encoding="utf-8")
    checked: list[str] = []
    local_check = newsfmt._check.local_check

    def counted(text: str, path: str, *, markdown: bool = False) -> object:
        checked.append(path)
        return local_check(text, path, markdown=markdown)

    monkeypatch.setattr(newsfmt._files, "local_check", counted)
    assert _check([str(loose)], cache) == expected
    assert checked == [str(loose / "loose.md")]


def test_records_of_a_wrong_shape_are_checked_anew(inside: Path, tmp_path: Path) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))["outside"]
    cache = tmp_path / "cache"
    _check(["a"], cache)
    for shard in cache.glob("*/*.json"):
        data = json.loads(shard.read_text(encoding="utf-8"))
        for number, name in enumerate(data["files"]):
            record = data["files"][name]
            data["files"][name] = [*record[:3], [[1, 2, 3]], record[4]] if number % 2 else [record[0], 5]
        shard.write_text(json.dumps(data), encoding="utf-8")
    assert _check(["a"], cache) == expected


def test_runs_at_the_same_time_share_a_cache(broken: Path, tmp_path: Path) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))["outside"]
    cache = tmp_path / "cache"
    command = [sys.executable, "-m", "newsfmt", "validate", "-q", "-j", "2", "--cache-dir", str(cache)]
    command += ["--select", ",".join(EVERY_CODE), "a"]
    runs = [subprocess.Popen(command, cwd=broken, stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [run.communicate()[0] for run in runs]
    assert all(output.splitlines() == expected for output in outputs)
    assert not list(cache.glob("*/*.tmp"))  # no temporary file left behind
    shards = [json.loads(shard.read_text(encoding="utf-8")) for shard in cache.glob("*/*.json")]
    recorded = sum(len(shard["files"]) for shard in shards)
    assert recorded == len(newsfmt.find_files([str(broken / "a")]))  # every file's record, from one run or another


def test_the_command_keeps_its_cache_in_the_current_folder_and_marks_it(broken: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(broken / "a", work)
    run = subprocess.run([sys.executable, "-m", "newsfmt", "validate", "-q", "."], cwd=work, check=False)
    assert run.returncode == 1
    assert (work / ".newsfmt_cache/.gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (work / ".newsfmt_cache/CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d")
    assert list((work / ".newsfmt_cache").glob(f"{newsfmt.__version__}-*/*.json"))
    shutil.rmtree(work / ".newsfmt_cache")
    environment = {**os.environ, "NEWSFMT_CACHE_DIR": str(tmp_path / "elsewhere")}
    subprocess.run([sys.executable, "-m", "newsfmt", "validate", "-q", "."], cwd=work, env=environment, check=False)
    assert not (work / ".newsfmt_cache").exists() and list((tmp_path / "elsewhere").glob("*/*.json"))
    before = sorted(path.name for path in work.iterdir())
    for options in (["--no-cache"], ["-"]):
        command = [sys.executable, "-m", "newsfmt", "validate", "-q", *options]
        subprocess.run(command, cwd=work, input=b"x", env={**os.environ, "NEWSFMT_CACHE_DIR": ""}, check=False)
    assert sorted(path.name for path in work.iterdir()) == before  # --no-cache and stdin write no cache


def test_the_library_writes_no_cache_unless_asked(inside: Path) -> None:
    before = sorted(os.listdir(inside / "a"))
    _check(["a"], None)
    assert sorted(os.listdir(inside / "a")) == before and not (inside / ".newsfmt_cache").exists()


def test_a_record_without_the_titles_does_not_serve_a_run_that_wants_them(tmp_path: Path) -> None:
    root, cache = tmp_path / "archive", tmp_path / "cache"
    target = _entry(root, "Target")
    _entry(root, "Linking", [("Target, as titled before", target)])
    assert _check([str(root)], cache, select=["NF"]) == []  # NF307 not selected: the records keep no titles
    found = _check([str(root)], cache, select=["NF", "NF307"])
    assert [line.split(": ")[2].split()[0] for line in found] == ["NF307"]


def test_a_record_without_the_markdown_findings_does_not_serve_a_run_that_wants_them(tmp_path: Path) -> None:
    root, cache = tmp_path / "archive", tmp_path / "cache"
    path = root / _entry(root, "Target").lstrip("/")
    path.write_text(path.read_text(encoding="utf-8").replace("# Target ", "# *Target* "), encoding="utf-8")
    assert _check([str(root)], cache, select=["NF"]) == []
    found = _check([str(root)], cache, select=["NF", "NF4"])
    assert [line.split(": ")[2].split()[0] for line in found] == ["NF401"]


def test_a_check_keeps_the_names_of_the_linked_folders_as_hashes(inside: Path) -> None:
    import newsfmt._check

    _check(["a"], None)
    kept = [names for known in newsfmt._check._folders.values() for _, names, _ in known.values() if names]
    assert kept and all(names.itemsize == 8 for names in kept)  # 8 bytes a name, whatever its length
    listed = {hash(name) for folder in (inside / "a/news").glob("*/*/*") for name in os.listdir(folder)}
    assert {key for names in kept for key in names} <= listed


def test_a_cache_that_cannot_be_written_costs_nothing_but_the_cache(
    inside: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))["outside"]
    cache = tmp_path / "cache"

    def full_disk(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)  # every shard's rename fails, as on a full disk
    assert _check(["a"], cache) == expected
    assert list(cache.glob("*/*.json")) == [] and list(cache.rglob("*.tmp")) == []  # no shard, no temporary left


# The cache's stat signatures: a file whose status is unchanged is not read; any change of it is seen.


def _records(cache: Path) -> dict[str, list[object]]:
    return {
        name: record
        for shard in cache.glob("*/*.json")
        for name, record in json.loads(shard.read_text())["files"].items()
    }


def test_a_file_whose_status_is_unchanged_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import newsfmt._cache

    monkeypatch.setattr(newsfmt._cache, "SETTLED", 10**15)  # every file changed "just now": none signed
    root, cache = tmp_path / "archive", tmp_path / "cache"
    target = _entry(root, "Target")
    _entry(root, "Linking", [("Target", target), ("Gone", "/news/2016/04/20/gone.md")])
    expected = _check([str(root)], cache)
    assert [line.split(": ")[2].split()[0] for line in expected] == ["NF303"]
    assert all(record[5] is None for record in _records(cache).values())
    monkeypatch.setattr(newsfmt._cache, "SETTLED", 0)  # from here on, a file's status vouches for it at once
    assert _check([str(root)], cache) == expected  # read, hashed: the records now signed
    assert all(isinstance(record[5], list) for record in _records(cache).values())

    def unread(self: newsfmt.InputFile) -> bytes:
        raise AssertionError(f"{self.name} was read")

    monkeypatch.setattr(newsfmt.InputFile, "read_bytes", unread)
    assert _check([str(root)], cache) == expected  # no NF000: no file was read
    assert _check([str(root)], cache, jobs=2) == expected


def test_a_file_rewritten_with_its_size_and_time_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import newsfmt._cache

    monkeypatch.setattr(newsfmt._cache, "SETTLED", 50_000_000)  # 50 ms: the file system's clock ticks far faster
    root, cache = tmp_path / "archive", tmp_path / "cache"
    path = root / _entry(root, "Target").lstrip("/")
    time.sleep(0.1)
    assert _check([str(root)], cache) == []
    assert isinstance(_records(cache)["target.md"][5], list)
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("# Target ", "# Tarxet "), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # its size and modification time as they were
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    found = _check([str(root)], cache)
    assert [line.split(": ")[2].split()[0] for line in found] == ["NF302"]  # the new headline: read again


@pytest.mark.parametrize("change", ["symlink", "larger than allowed", "gone"])
def test_a_signed_record_serves_no_file_that_would_not_be_read_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    import newsfmt._cache

    monkeypatch.setattr(newsfmt._cache, "SETTLED", 0)
    root, cache = tmp_path / "archive", tmp_path / "cache"
    path = root / _entry(root, "Target").lstrip("/")
    _check([str(root)], cache)
    assert isinstance(_records(cache)["target.md"][5], list)
    limit = None
    if change == "symlink":  # the same bytes, from a file out of the tree: NF006, not the record
        outside = tmp_path / "outside.md"
        outside.write_bytes(path.read_bytes())
        path.unlink()
        path.symlink_to(outside)
        expected = "NF006"
    elif change == "larger than allowed":
        limit, expected = 10, "NF003"
    else:
        files = newsfmt.find_files([str(root)])
        path.unlink()  # between the walk and the check
        found = newsfmt.check_files(files, cache_dir=cache)
        assert [finding.code for finding in found] == ["NF001"]
        return
    found = newsfmt.check_files(newsfmt.find_files([str(root)], max_file_size=limit), cache_dir=cache)
    assert [finding.code for finding in found] == [expected]


def test_a_record_whose_signature_is_not_the_files_is_checked_by_its_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsfmt._cache

    monkeypatch.setattr(newsfmt._cache, "SETTLED", 0)
    root, cache = tmp_path / "archive", tmp_path / "cache"
    _entry(root, "Target")
    _check([str(root)], cache)
    [shard] = cache.glob("*/*.json")
    data = json.loads(shard.read_text(encoding="utf-8"))
    signed = data["files"]["target.md"][5]
    for wrong in ("x", [1, 2, 3, 4], None):
        data["files"]["target.md"][5] = wrong
        shard.write_text(json.dumps(data), encoding="utf-8")
        assert _check([str(root)], cache) == []
        assert _records(cache)["target.md"][5] == signed  # the hash matched: signed again


def test_the_command_signs_the_records_of_files_that_settled(tmp_path: Path) -> None:
    import time

    root, cache = tmp_path / "archive", tmp_path / "cache"
    _entry(root, "Target")
    command = [sys.executable, "-m", "newsfmt", "validate", "-q", "--cache-dir", str(cache), str(root)]
    subprocess.run(command, check=True)
    assert _records(cache)["target.md"][5] is None  # written just now: its status does not vouch for it yet
    time.sleep(2.1)  # SETTLED, the command's own
    subprocess.run(command, check=True)
    status = (root / "news/2016/04/20/target.md").lstat()
    signed = [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
    assert _records(cache)["target.md"][5] == signed
