"""newsfmt new: a canonical entry at its own path, related titles from the targets, never over a file."""

from __future__ import annotations

import json
from pathlib import Path

import newsfmt

from .test_cli import run

MEETING = "news/2016/04/8/nato-will-meet-russia.md"


def test_new_writes_a_canonical_entry_at_its_path_and_titles_related_items_from_their_targets(tmp_path: Path) -> None:
    first = run(
        "new",
        "--date",
        "2016-04-08",
        "--headline",
        "NATO will meet Russia",
        "--source",
        "Reuters",
        "http://r.com/a",
        cwd=tmp_path,
    )
    assert (first.returncode, first.stdout, first.stderr) == (0, f"{MEETING}\n", "")
    second = run(
        "new", "--root", ".", "--date", "2016-04-20", "--headline", "NATO reopens talks", "--body", "Ambassadors met.",
        "--related", f"/{MEETING}", cwd=tmp_path,
    )  # fmt: skip
    assert second.stdout == "news/2016/04/20/nato-reopens-talks.md\n"
    entry = newsfmt.read(tmp_path / "news/2016/04/20/nato-reopens-talks.md")
    assert entry.related == (newsfmt.Related(title="NATO will meet Russia", path=f"/{MEETING}"),)
    assert entry.body == "Ambassadors met."
    assert run("validate", cwd=tmp_path).stderr == "2 files, 0 errors, 0 warnings\n"


def test_new_never_replaces_a_file_and_names_what_is_wrong(tmp_path: Path) -> None:
    assert run("new", "--date", "2016-04-08", "--headline", "NATO will meet Russia", cwd=tmp_path).returncode == 0
    (tmp_path / MEETING).write_text("mine\n")
    again = run("new", "--date", "2016-04-08", "--headline", "NATO will meet Russia", cwd=tmp_path)
    assert (again.returncode, again.stderr) == (1, f"{MEETING}: exists; newsfmt new never replaces a file\n")
    assert (tmp_path / MEETING).read_text() == "mine\n"
    dangling = run(
        "new", "--date", "2016-04-21", "--headline", "X", "--related", "/news/2016/04/9/none.md", cwd=tmp_path
    )
    assert (dangling.returncode, dangling.stderr) == (
        1,
        "newsfmt: new: /news/2016/04/9/none.md: no entry there to relate to\n",
    )
    spaced = run("new", "--date", "2016-04-21", "--headline", " X", cwd=tmp_path)
    assert spaced.stderr == 'newsfmt: new: Entry.headline: expected no whitespace at either end, found " X"\n'
    date = run("new", "--date", "2016-02-30", "--headline", "X", cwd=tmp_path)
    assert (date.returncode, date.stderr) == (2, "newsfmt: --date: expected a date YYYY-MM-DD, found '2016-02-30'\n")
    assert run("new", "--headline", "X", cwd=tmp_path).returncode == 2
    assert sorted(p.name for p in (tmp_path / "news/2016/04").rglob("*.md")) == ["nato-will-meet-russia.md"]


def test_new_from_a_json_record_on_stdin(tmp_path: Path) -> None:
    run("new", "--date", "2016-04-08", "--headline", "NATO will meet Russia", cwd=tmp_path)
    record = {"path": "x", "entry": {"date": "2016-04-22", "headline": "Again", "body": "", "sources": [],
              "related": [{"path": f"/{MEETING}", "context": ["NATO"]},
                          {"path": "/news/2016/04/9/later.md", "title": "Its own title", "context": []}]}}  # fmt: skip
    result = run("new", "-", cwd=tmp_path, stdin=json.dumps(record))
    assert (result.returncode, result.stdout) == (0, "news/2016/04/22/again.md\n")
    first, second = newsfmt.read(tmp_path / "news/2016/04/22/again.md").related
    assert (first.title, first.context) == ("NATO will meet Russia", ("NATO",))  # the target's headline
    assert second.title == "Its own title"  # a title given is kept, the target not looked up
    bad = run("new", "-", cwd=tmp_path, stdin='{"date": "2016-04-22"}')
    assert bad.returncode == 1 and bad.stderr.startswith('newsfmt: new: (root): missing key "headline"')
