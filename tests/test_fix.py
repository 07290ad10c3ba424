"""Fixes: each finding's fix and its safety, validate --fix/--unsafe-fixes/--diff, mv and retitle, and the journal."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsfmt
import newsfmt._archive
from newsfmt import RULES, Entry, Fix, serialize, slugify
from newsfmt import strategies as s

from .test_cli import A_PATH, B_PATH, TRIGGERS, A, B, archive, run

LAYOUT = Fix(True, "rewrite the file in the canonical layout")


def _findings(root: Path, *, select: tuple[str, ...] = ("NF", "NF307")) -> list[newsfmt.Finding]:
    return sorted(newsfmt.check_files(newsfmt.find_files([str(root)]), select=select))


# Every finding says whether it has a fix and whether it is safe, as its rule does; the fix removes it.


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_each_code_s_findings_carry_its_rule_s_fix_and_the_fix_removes_them(tmp_path: Path, code: str) -> None:
    path, content = TRIGGERS[code]
    archive(tmp_path, {path: content})
    found = [finding for finding in _findings(tmp_path, select=(code,)) if finding.code == code]
    assert found
    rule = RULES[code].fix
    assert {None if f.fix is None else ("safe" if f.fix.safe else "unsafe") for f in found} == {rule}
    if rule is None:
        return
    files = newsfmt.find_files([str(tmp_path)])
    plan = newsfmt.plan_fixes(files, newsfmt.check_files(files, select=[code]), unsafe=rule == "unsafe")
    if code in ("NF301", "NF302"):  # the file belongs where A already is: the move is refused, and says why
        assert plan.problems == (f"{tmp_path / path}: cannot move to {tmp_path / A_PATH}, which exists",)
        assert plan.changes == () and plan.fixed == ()
        return
    assert sorted(plan.fixed) == found and plan.problems == ()
    plan.apply()
    assert [f for f in _findings(tmp_path, select=(code,)) if f.code == code] == []


def test_the_fixes_are_said_in_python_json_and_sarif(tmp_path: Path) -> None:
    headline = "# NATO reopens talks \n"
    archive(
        tmp_path,
        {
            "news/2016/04/8/another-name.md": serialize(A),
            "entry.md": serialize(B).replace(headline, headline[:-2] + "\n"),
        },
    )
    found = json.loads(run("validate", "--output-format", "json", cwd=tmp_path).stdout)
    assert [(f["code"], f["fix"]) for f in found] == [
        ("NF207", {"safe": True, "message": "rewrite the file in the canonical layout"}),
        ("NF302", {"safe": False, "message": f"move the file to /{A_PATH}, and the links to it"}),
    ]
    sarif = json.loads(run("validate", "--output-format", "sarif", cwd=tmp_path).stdout)["runs"][0]
    assert [r["properties"]["fix"] for r in sarif["results"]] == [f["fix"] for f in found]
    assert {rule["id"]: rule["properties"]["fix"] for rule in sarif["tool"]["driver"]["rules"]}["NF302"] == "unsafe"


# validate --fix, --unsafe-fixes and --diff.

MESSY = (
    serialize(A)
    .replace("### Source:", "### Sources:")
    .replace("https://example.com/a)\n", "https://example.com/a)\n2. [Again](https://example.com/a)\n")
)


def test_fix_applies_the_safe_fixes_and_reports_what_is_left(tmp_path: Path) -> None:
    misnamed = "news/2016/04/20/talks.md"  # NF302, unsafe: left alone by --fix
    archive(tmp_path, {A_PATH: MESSY, misnamed: serialize(B)})
    (tmp_path / B_PATH).unlink()
    result = run("validate", "--fix", cwd=tmp_path)
    assert (tmp_path / A_PATH).read_text() == serialize(A)
    assert result.stdout.splitlines() == [
        f"{misnamed}:3:3: warning: NF302 expected the file name to start the headline's slug nato-reopens-talks..., "
        "found talks",
        f"{A_PATH}:14:1: warning: NF303 expected the related entry /{B_PATH} in the archive, found no such file",
    ]
    assert result.stderr == "2 findings fixed, 1 file written\n2 files, 0 errors, 2 warnings\n"
    assert result.returncode == 0


def test_unsafe_fixes_move_the_file_and_the_links_to_it(tmp_path: Path) -> None:
    misnamed = "news/2016/04/8/another-name.md"
    archive(tmp_path, {misnamed: serialize(A)})
    (tmp_path / A_PATH).unlink()
    # B links to the file where it is, in a layout of its own (NF205) that the move must keep.
    messy_b = serialize(B).replace(A_PATH, misnamed).replace("\n\n### Related:", "\n\n\n### Related:")
    (tmp_path / B_PATH).write_text(messy_b)
    assert run("validate", "--fix", "--select", "NF302", cwd=tmp_path).stdout.count("NF302") == 1  # safe only
    result = run("validate", "--unsafe-fixes", "--ignore", "NF205", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == "1 finding fixed, 2 files written\n2 files, 0 errors, 0 warnings\n"
    assert not (tmp_path / misnamed).exists() and (tmp_path / A_PATH).read_text() == serialize(A)
    assert (tmp_path / B_PATH).read_text() == messy_b.replace(misnamed, A_PATH)


def test_diff_prints_the_plan_and_writes_nothing(tmp_path: Path) -> None:
    archive(tmp_path, {A_PATH: MESSY})
    before = {path: path.read_bytes() for path in tmp_path.rglob("*.md")}
    result = run("validate", "--diff", cwd=tmp_path)
    assert {path: path.read_bytes() for path in tmp_path.rglob("*.md")} == before
    assert result.returncode == 1
    assert result.stdout.startswith(f"--- {A_PATH}\n+++ {A_PATH}\n@@ ")
    assert "-### Sources:\n+### Source:\n" in result.stdout and "-2. [Again](https://example.com/a)\n" in result.stdout
    assert result.stderr == "2 findings would be fixed, 1 file written\n"
    clean = run("validate", "--diff", "--select", "NF1", cwd=tmp_path)
    assert (clean.returncode, clean.stdout) == (0, "")


def test_standard_input_is_never_fixed(tmp_path: Path) -> None:
    result = run("validate", "--fix", "-", cwd=tmp_path, stdin=MESSY)
    assert result.returncode == 0 and "NF208" in result.stdout
    assert result.stderr == "0 findings fixed, 0 files written\n1 file, 0 errors, 2 warnings\n"
    assert list(tmp_path.iterdir()) == []


# mv and retitle.


def test_mv_moves_the_entry_and_updates_every_link_to_it(tmp_path: Path) -> None:
    archive(tmp_path)
    result = run("mv", A_PATH, "news/2016/04/8/nato-will-meet.md", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        0,
        f"{A_PATH} -> news/2016/04/8/nato-will-meet.md: 1 other file updated\n",
    )
    assert not (tmp_path / A_PATH).exists()
    assert (tmp_path / "news/2016/04/8/nato-will-meet.md").read_text() == serialize(A)
    assert (tmp_path / B_PATH).read_text() == serialize(B).replace(A_PATH, "news/2016/04/8/nato-will-meet.md")
    assert run("validate", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (B_PATH, f"{A_PATH}: cannot move to {B_PATH}, which exists"),
        ("news/2016/04/9/nato.md", "news/2016/04/9/nato.md: expected a path in the entry's day folder news/2016/04/8/"),
        (
            "news/2016/04/8/russia.md",
            "news/2016/04/8/russia.md: expected a name that starts the headline's slug nato-will-meet-russia",
        ),
        ("news/2016/04/8/index.md", "news/2016/04/8/index.md: expected a name that starts the headline's slug"),
        ("elsewhere/nato.md", "elsewhere/nato.md: expected a path in the entry's day folder news/2016/04/8/"),
    ],
)
def test_mv_refuses_what_would_break_the_archive(tmp_path: Path, new: str, message: str) -> None:
    archive(tmp_path)
    if new == B_PATH:  # the same folder as the entry's, so only the existing file is in the way
        new = "news/2016/04/8/nato.md"
        (tmp_path / new).write_text("someone's file\n")
        message = f"{A_PATH}: cannot move to {new}, which exists"
    before = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    result = run("mv", A_PATH, new, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"newsfmt: {message}")
    assert {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()} == before


def test_retitle_renames_and_retitles_the_links_that_had_the_old_headline(tmp_path: Path) -> None:
    other = B_PATH.replace("nato-reopens-talks", "nato-again")
    other_entry = newsfmt.Entry(
        date=B.date,
        headline="NATO again",
        related=[newsfmt.Related(title="NATO, Russia to meet", path="/" + A_PATH)],  # not the headline: kept
    )
    archive(tmp_path, {other: serialize(other_entry)})
    result = run("retitle", A_PATH, "NATO and Russia to meet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    moved = "news/2016/04/8/nato-and-russia-to-meet.md"
    assert result.stderr == f"{A_PATH} -> {moved}: 2 other files updated\n"
    assert newsfmt.read(tmp_path / moved) == attrs.evolve(A, headline="NATO and Russia to meet")
    assert newsfmt.read(tmp_path / B_PATH).related[0] == newsfmt.Related(
        title="NATO and Russia to meet", path="/" + moved
    )
    assert newsfmt.read(tmp_path / other).related[0].title == "NATO, Russia to meet"
    assert newsfmt.read(tmp_path / other).related[0].path == "/" + moved
    diff = run("retitle", moved, "NATO meets Russia", "--diff", cwd=tmp_path)
    assert diff.returncode == 1 and "+# NATO meets Russia \n" in diff.stdout
    assert (tmp_path / moved).exists()  # --diff wrote nothing
    bad = run("retitle", moved, " NATO", cwd=tmp_path)
    assert (bad.returncode, bad.stderr) == (
        2,
        'newsfmt: Entry.headline: expected no whitespace at either end, found " NATO"\n',
    )


# After any rename, the findings are those of before, under the new path, and no link that resolved dangles.


def _keyed(root: Path, old: str = "", new: str = "") -> set[tuple[str, str, str]]:
    found = set()
    for finding in newsfmt.Archive(root).check(select=["NF", "NF307"]):
        path = "/" + os.path.relpath(finding.path, root).replace(os.sep, "/")
        found.add(
            (
                path.replace(old, new) if old else path,
                finding.code,
                finding.message.replace(old, new) if old else finding.message,
            )
        )
    return found


def _resolved(root: Path) -> set[tuple[str, str]]:
    archive = newsfmt.Archive(root)
    return {(path, target) for path, links in archive.graph().items() for target, _ in links if archive.get(target)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(s.archives(min_size=2, max_size=6, ascii_only=True), st.data())
def test_a_rename_keeps_every_finding_and_every_link(
    tmp_path_factory: pytest.TempPathFactory, entries: dict[str, Entry], data: st.DataObject
) -> None:
    if not entries:  # every headline drawn had no slug: no file to rename
        return
    root = tmp_path_factory.mktemp("archive")
    for path, entry in entries.items():
        newsfmt.write(entry, _made(root / path[1:]))
    old = data.draw(st.sampled_from(sorted(entries)))
    entry = entries[old]
    if data.draw(st.booleans(), label="retitle"):
        headline = f"Renamed {data.draw(st.integers(0, 99))}"
        new = f"{entry.day_path[:-8]}{slugify(headline)}.md"
        if new in entries:
            return
        plan = newsfmt.plan_move(str(root / old[1:]), headline=headline)
    else:
        slug = slugify(entry.headline)
        cut = data.draw(st.integers(1, len(slug)))
        name = slug[:cut].rstrip("-") or slug
        new = f"{entry.day_path[:-8]}{name}.md"
        if (new in entries and new != old) or name == "index":
            return
        plan = newsfmt.plan_move(str(root / old[1:]), str(root / new[1:]))
    if new != old and any(item.path == new for other in entries.values() for item in other.related):
        return  # the move gives a dangling link its target: its NF303 rightly becomes whatever the target earns
    before, links = _keyed(root, old, new), {(a.replace(old, new), b.replace(old, new)) for a, b in _resolved(root)}
    plan.apply()
    assert _keyed(root) == before
    assert links <= _resolved(root)
    assert not (root / newsfmt._journal.JOURNAL).exists()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(s.archives(min_size=2, max_size=6, ascii_only=True), st.data())
def test_the_fix_of_a_misnamed_file_removes_its_finding_and_keeps_every_other_and_every_link(
    tmp_path_factory: pytest.TempPathFactory, entries: dict[str, Entry], data: st.DataObject
) -> None:
    if not entries:
        return
    root = tmp_path_factory.mktemp("archive")
    old = data.draw(st.sampled_from(sorted(entries)))
    wrong = f"{entries[old].day_path[:-8]}misnamed-{data.draw(st.integers(0, 9))}.md"
    if slugify(entries[old].headline).startswith("misnamed") or wrong in entries:
        return
    for path, entry in entries.items():  # the file under a wrong name, and the links to it following it
        related = [attrs.evolve(item, path=wrong) if item.path == old else item for item in entry.related]
        newsfmt.write(attrs.evolve(entry, related=related), _made(root / (wrong if path == old else path)[1:]))
    files = newsfmt.find_files([str(root)])
    plan = newsfmt.plan_fixes(files, newsfmt.check_files(files, select=["NF", "NF307"]), unsafe=True)
    assert "NF302" in [finding.code for finding in plan.fixed]  # with any safe fix the drawn entries need
    gone = {("/" + os.path.relpath(f.path, root).replace(os.sep, "/"), f.code, f.message) for f in plan.fixed}
    gone = {(path.replace(wrong, old), code, message.replace(wrong, old)) for path, code, message in gone}
    before = _keyed(root, wrong, old) - gone
    links = {(a.replace(wrong, old), b.replace(wrong, old)) for a, b in _resolved(root)}
    plan.apply()
    assert _keyed(root) == before
    assert links <= _resolved(root)


def _made(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


# All or nothing: a journal, completed by the next command.


def _state(root: Path) -> dict[str, bytes]:
    """The archive's files and their bytes (not the cache that validate keeps in the folder it runs in)."""
    files = (p for p in sorted(root.rglob("*")) if p.is_file() and ".newsfmt_cache" not in p.parts)
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


def test_a_journal_left_by_a_killed_run_is_completed_by_the_next_command(tmp_path: Path) -> None:
    archive(tmp_path)
    plan = newsfmt.plan_move(str(tmp_path / A_PATH), str(tmp_path / "news/2016/04/8/nato.md"))
    plan.apply()
    after = _state(tmp_path)
    shutil.rmtree(tmp_path)
    archive(tmp_path)
    # As a kill after the journal and the new file, before the link update and the removal:
    journal = [{"path": os.path.relpath(c.path, tmp_path), "old": c.old, "new": c.new} for c in plan.changes]
    (tmp_path / ".newsfmt-journal.json").write_text(json.dumps({"newsfmt-journal": 1, "changes": journal}))
    (tmp_path / "news/2016/04/8/nato.md").write_text(serialize(A))
    result = run("validate", "news", cwd=tmp_path)
    assert result.stderr.splitlines()[0] == "newsfmt: completed the change an interrupted run left in ."
    assert result.returncode == 0, result.stdout
    assert _state(tmp_path) == after


def test_a_journal_never_overwrites_an_edit_made_since(tmp_path: Path) -> None:
    archive(tmp_path)
    plan = newsfmt.plan_move(str(tmp_path / A_PATH), str(tmp_path / "news/2016/04/8/nato.md"))
    journal = [{"path": os.path.relpath(c.path, tmp_path), "old": c.old, "new": c.new} for c in plan.changes]
    (tmp_path / ".newsfmt-journal.json").write_text(json.dumps({"newsfmt-journal": 1, "changes": journal}))
    (tmp_path / B_PATH).write_text(serialize(B) + "edited\n")
    before = _state(tmp_path)
    result = run("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"newsfmt: {B_PATH}: edited since an interrupted newsfmt run; .newsfmt-journal.json"
    )
    assert _state(tmp_path) == before
    with pytest.raises(ValueError, match="changed since the plan was made"):
        plan.apply()
    assert _state(tmp_path) == before


def kill_mv_repeatedly(tmp_path: Path, kills: int, linkers: int) -> dict[str, int]:
    """Kill ``newsfmt mv`` of an entry with ``linkers`` backlinks at random moments; the next command must leave
    the archive wholly before or wholly after the move. Returns how many kills came at each stage."""
    import random
    import signal
    import subprocess
    import sys
    import time

    from newsfmt._atomic import TEMPORARY

    pristine = tmp_path / "pristine"
    target = newsfmt.Entry(date=A.date, headline="The entry everyone links to")
    newsfmt.write_to_archive(target, pristine)
    for number in range(linkers):
        related = [newsfmt.Related(title=target.headline, path=target.path)]
        entry = newsfmt.Entry(date=B.date.replace(day=1 + number % 28), headline=f"Linker {number}", related=related)
        newsfmt.write_to_archive(entry, pristine)
    old, new = target.path[1:], target.path[1:].replace("the-entry-everyone-links-to", "the-entry")
    command = [sys.executable, "-m", "newsfmt", "mv", "-q", old, new]

    def state(root: Path) -> dict[str, bytes]:
        return {k: v for k, v in _state(root).items() if not TEMPORARY.fullmatch(Path(k).name)}

    root = tmp_path / "archive"
    shutil.copytree(pristine, root)
    before = state(root)
    started = time.perf_counter()
    subprocess.run(command, cwd=root, check=True)
    duration = time.perf_counter() - started
    after = state(root)
    assert after != before and len(after) == len(before)
    rng = random.Random(2016)
    stages = {"before the journal": 0, "with the journal (completed)": 0, "after the move": 0}
    for _ in range(kills):
        shutil.rmtree(root)
        shutil.copytree(pristine, root)
        process = subprocess.Popen(command, cwd=root, start_new_session=True)
        time.sleep(rng.uniform(0, duration))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        journaled = (root / ".newsfmt-journal.json").exists()
        recovered = subprocess.run([sys.executable, "-m", "newsfmt", "validate", "-q", "."], cwd=root, check=False)
        assert recovered.returncode == 0
        now = state(root)
        assert now in (before, after), "a killed mv left the archive half-renamed"
        assert not (root / ".newsfmt-journal.json").exists()
        if journaled:
            assert now == after
            stages["with the journal (completed)"] += 1
        else:
            stages["before the journal" if now == before else "after the move"] += 1
    return stages


def test_mv_killed_at_random_moments_leaves_the_archive_before_or_after(tmp_path: Path) -> None:
    stages = kill_mv_repeatedly(tmp_path, kills=12, linkers=300)
    assert sum(stages.values()) == 12


@pytest.mark.slow
def test_mv_killed_many_times_leaves_the_archive_before_or_after(tmp_path: Path) -> None:
    stages = kill_mv_repeatedly(tmp_path, kills=200, linkers=500)
    print(f"200 kills of newsfmt mv (500 backlinks): {stages}")
    assert stages["with the journal (completed)"] >= 20


def test_docs_rules_says_each_rule_s_fix_as_the_rule_has_it() -> None:
    for code, rule in RULES.items():
        said = [line for line in rule.explanation.splitlines() if line.startswith("Fix: ")]
        assert len(said) == 1, code
        assert said[0].split()[1].rstrip(".;") == {"safe": "safe", "unsafe": "unsafe", None: "none"}[rule.fix], code


def test_the_example_moves_and_retitles_and_its_related_entries_follow(tmp_path: Path) -> None:
    example = newsfmt.read(Path(__file__).parent / "data" / "2016-04-20-nato-russia-talks.md")
    newsfmt.write_to_archive(example, tmp_path)
    for item in example.related:  # each related entry links back, titled with the example's headline
        back = newsfmt.Related(title=example.headline, path=example.path)
        linking = newsfmt.Entry(date=item.date, headline=item.title, related=[back])
        newsfmt.write_to_archive(linking, tmp_path, path=item.path)
    assert run("validate", "--fix", cwd=tmp_path).stderr.startswith("0 findings fixed, 0 files written\n")
    short = example.day_path[1:-8] + "nato-russia-relations.md"
    moved = run("mv", example.path[1:], short, cwd=tmp_path)
    assert moved.returncode == 0, moved.stderr
    assert moved.stderr == f"{example.path[1:]} -> {short}: {len(example.related)} other files updated\n"
    retitled = run("retitle", short, "NATO and Russia talk again", cwd=tmp_path)
    assert retitled.returncode == 0, retitled.stderr
    final = f"{example.day_path[1:-8]}nato-and-russia-talk-again.md"
    assert newsfmt.read(tmp_path / final) == attrs.evolve(example, headline="NATO and Russia talk again")
    for item in example.related:
        [back] = newsfmt.Archive(tmp_path).get(item.path).related  # type: ignore[union-attr]
        assert back == newsfmt.Related(title="NATO and Russia talk again", path="/" + final)
    checked = run("validate", "--select", "NF,NF307", cwd=tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")


def test_a_new_headline_with_the_same_slug_keeps_the_file_and_retitles_the_links(tmp_path: Path) -> None:
    archive(tmp_path)
    result = run("retitle", A_PATH, "NATO will meet Russia!", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, f"{A_PATH}: 2 files updated\n")  # itself and B
    assert newsfmt.read(tmp_path / A_PATH).headline == "NATO will meet Russia!"
    assert newsfmt.read(tmp_path / B_PATH).related[0].title == "NATO will meet Russia!"
    assert run("validate", "--select", "NF,NF307", cwd=tmp_path).stdout == ""


@pytest.mark.parametrize(
    "content",
    [None, b"\xff\xfe", b"# no date line\n", "folder"],
    ids=["missing", "not UTF-8", "does not parse", "a folder"],
)
def test_plan_move_of_what_is_no_entry_file_is_a_value_error_naming_it(
    tmp_path: Path, content: bytes | str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive(tmp_path)
    monkeypatch.chdir(tmp_path)
    old = tmp_path / "news/2016/04/8/x.md"
    if content == "folder":
        old.mkdir()
    elif isinstance(content, bytes):
        old.write_bytes(content)
    with pytest.raises(
        ValueError, match=r"^news/2016/04/8/x\.md: no entry file to move \(it is missing or does not parse\)$"
    ):
        newsfmt.plan_move(str(old), headline="X")


def test_a_fix_plan_skips_a_file_changed_since_its_check_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive(tmp_path, {"news/2016/04/8/nato-will-meet.md": serialize(A) + "\n"})
    monkeypatch.chdir(tmp_path)
    files = newsfmt.find_files(["news"])
    findings = list(newsfmt.check_files(files))
    (tmp_path / "news/2016/04/8/nato-will-meet.md").write_text("no longer an entry\n")  # an editor saved it since
    plan = newsfmt.plan_fixes(files, findings)
    assert (plan.changes, plan.fixed) == ((), ())
    assert plan.problems == ("news/2016/04/8/nato-will-meet.md: changed since it was checked; check it again",)


@pytest.mark.parametrize("where", ["relative", "absolute"])
def test_a_move_whose_target_is_taken_is_not_counted_as_fixed_but_the_file_s_safe_fixes_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    taken = "news/2016/04/8/another.md"  # A again, with trailing whitespace; its own name is taken by A
    archive(tmp_path, {taken: serialize(A).replace("# NATO will meet Russia \n", "# NATO will meet Russia  \n")})
    monkeypatch.chdir(tmp_path)
    files = newsfmt.find_files(["news" if where == "relative" else str(tmp_path / "news")])
    findings = [f for f in newsfmt.check_files(files) if f.path.endswith(taken)]
    assert [f.code for f in findings] == ["NF302", "NF204"]
    plan = newsfmt.plan_fixes(files, findings, unsafe=True)
    shown = taken if where == "relative" else str(tmp_path / taken)
    assert plan.problems == (f"{taken}: cannot move to {A_PATH}, which exists",)
    assert [(f.path, f.code) for f in plan.fixed] == [(shown, "NF204")]
    assert [(c.path, c.new) for c in plan.changes] == [(str(tmp_path / taken), serialize(A))]


def test_two_moves_in_one_archive_read_its_backlinks_once_and_both_links_follow(tmp_path: Path) -> None:
    a = serialize(A).replace("/04/20/nato-reopens-talks.md", "/04/20/talks.md")
    b = serialize(B).replace("/04/8/nato-will-meet-russia.md", "/04/8/meet.md")
    root = tmp_path
    (root / "news/2016/04/8").mkdir(parents=True)
    (root / "news/2016/04/20").mkdir(parents=True)
    (root / "news/2016/04/8/meet.md").write_text(a)
    (root / "news/2016/04/20/talks.md").write_text(b)
    files = newsfmt.find_files([str(root)])
    plan = newsfmt.plan_fixes(files, newsfmt.check_files(files), unsafe=True)
    assert plan.problems == ()
    plan.apply()
    assert (root / A_PATH).read_text() == serialize(A) and (root / B_PATH).read_text() == serialize(B)
    assert sorted(p.name for p in (root / "news").rglob("*.md")) == [
        "nato-reopens-talks.md",
        "nato-will-meet-russia.md",
    ]


def test_a_backlink_that_no_longer_parses_is_left_and_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive(tmp_path)
    monkeypatch.chdir(tmp_path)
    index = newsfmt.Archive(tmp_path)
    index.backlinks("/" + B_PATH)  # the archive's links, read before an editor breaks A
    (tmp_path / A_PATH).write_text("broken since\n")
    monkeypatch.setattr(newsfmt._archive, "Archive", lambda root: index)
    plan = newsfmt.plan_move(B_PATH, "news/2016/04/20/nato-reopens.md")
    assert plan.problems == (f"{A_PATH}: links to /{B_PATH} but does not parse; not updated",)


def test_a_journal_that_cannot_be_read_is_said_and_left(tmp_path: Path) -> None:
    archive(tmp_path)
    (tmp_path / ".newsfmt-journal.json").write_text('{"newsfmt-journal": 1, "changes": [{"path": "x.md"}]}')
    with pytest.raises(
        ValueError, match=r"\.newsfmt-journal\.json: not a journal newsfmt can complete: missing key 'old'$"
    ):
        newsfmt.recover(tmp_path)
    (tmp_path / ".newsfmt-journal.json").write_text("{")
    with pytest.raises(ValueError, match=r"not a journal newsfmt can complete: Expecting property name"):
        newsfmt.recover(tmp_path)
    assert (tmp_path / ".newsfmt-journal.json").exists()
