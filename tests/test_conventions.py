"""The command keeps ruff's conventions: configuration per file, the flags and formats a linter's users expect."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import newsfmt

from .test_cli import A_PATH, B_PATH, archive, run
from .test_format import SAMPLE

E = "### [2016-04-20](/news/2016/04/20/index.md)\n\n# NATO\n"  # parses; NF207, a warning
BROKEN = "broken\n"  # NF101 and NF105, errors


def lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return result.stdout.splitlines()


# Configuration, found per file.


def test_each_file_gets_the_nearest_configuration_above_it_wherever_the_command_runs(tmp_path: Path) -> None:
    for name in ("bad", "good"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "entry.md").write_text(E)
    (tmp_path / "bad/pyproject.toml").write_text('[tool.newsfmt]\nignore = ["NF207"]\n')
    from_parent = run("validate", "bad", "good", cwd=tmp_path)
    assert lines(from_parent) == ["good/entry.md:3:7: warning: NF207 expected a space after the headline, found none"]
    from_inside = run("validate", ".", cwd=tmp_path / "bad")
    assert (from_inside.returncode, from_inside.stdout) == (0, "")
    assert run("validate", "-", "--stdin-filename", "bad/x.md", cwd=tmp_path, stdin=E).stdout == ""
    assert run("validate", "-", "--stdin-filename", "good/x.md", cwd=tmp_path, stdin=E).stdout != ""


def test_newsfmt_toml_comes_before_pyproject_toml_in_one_folder(tmp_path: Path) -> None:
    (tmp_path / "entry.md").write_text(E)
    (tmp_path / "pyproject.toml").write_text('[tool.newsfmt]\nselect = ["NF1"]\n')
    (tmp_path / "newsfmt.toml").write_text("strict = true\n")
    result = run("validate", cwd=tmp_path)  # newsfmt.toml: default selection, strict
    assert result.returncode == 1 and "NF207" in result.stdout
    assert newsfmt.find_settings(tmp_path).path == str(tmp_path / "newsfmt.toml")


def test_config_and_isolated_replace_discovery(tmp_path: Path) -> None:
    (tmp_path / "entry.md").write_text(E)
    (tmp_path / "pyproject.toml").write_text("[tool.newsfmt]\nignroe = 1\n")  # broken: only discovery reads it
    (tmp_path / "elsewhere.toml").write_text('ignore = ["NF2"]\n')
    assert run("validate", cwd=tmp_path).returncode == 2
    assert run("validate", "--isolated", cwd=tmp_path).stdout.count("NF207") == 1
    assert run("validate", "--config", "elsewhere.toml", cwd=tmp_path).stdout == ""
    both = run("validate", "--config", "elsewhere.toml", "--isolated", cwd=tmp_path)
    assert both.returncode == 2 and "not allowed with argument" in both.stderr
    (tmp_path / "project.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / "sub").mkdir()
    (tmp_path / "project.toml").rename(tmp_path / "sub/pyproject.toml")
    no_table = run("validate", "--config", "sub/pyproject.toml", cwd=tmp_path)
    assert (no_table.returncode, no_table.stderr) == (2, "newsfmt: sub/pyproject.toml: has no [tool.newsfmt] table\n")
    missing = run("validate", "--config", "nowhere.toml", cwd=tmp_path)
    assert missing.returncode == 2 and missing.stderr.startswith("newsfmt: nowhere.toml: cannot be read: ")


BAD_NEWSFMT_TOML = {
    'ignroe = ["NF106"]': 'ignroe: unknown key (did you mean "ignore"?)',
    'strict = "no"': 'strict: expected true or false, found a string "no"',
    "max-file-size = 0": "max-file-size: expected a whole number of bytes, 1 or more, found a number 0",
    "[tool.newsfmt]": "tool: unknown key (expected one of select, ignore, strict, exclude, max-file-size, per-file-ignores)",
}


@pytest.mark.parametrize("line", sorted(BAD_NEWSFMT_TOML))
def test_a_bad_newsfmt_toml_is_one_clear_error_naming_the_file_and_key(tmp_path: Path, line: str) -> None:
    (tmp_path / "newsfmt.toml").write_text(f"{line}\n")
    (tmp_path / "entry.md").write_text(SAMPLE)
    result = run("validate", "entry.md", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"newsfmt: {tmp_path / 'newsfmt.toml'}: {BAD_NEWSFMT_TOML[line]}\n"


def test_strict_comes_from_each_files_configuration_and_the_no_form_overrides_it(tmp_path: Path) -> None:
    for name in ("strict", "lenient"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "entry.md").write_text(E)
    (tmp_path / "strict/newsfmt.toml").write_text("strict = true\n")
    assert run("validate", "lenient", cwd=tmp_path).returncode == 0
    assert run("validate", "strict", cwd=tmp_path).returncode == 1  # its warning fails the run
    assert run("validate", "strict", "--no-strict", cwd=tmp_path).returncode == 0
    assert run("validate", "lenient", "--strict", cwd=tmp_path).returncode == 1


def test_exclude_globs_of_a_configuration_match_from_its_folder(tmp_path: Path) -> None:
    (tmp_path / "archive/drafts").mkdir(parents=True)
    (tmp_path / "archive/drafts/x.md").write_text(BROKEN)
    (tmp_path / "archive/kept.md").write_text(BROKEN)
    (tmp_path / "archive/newsfmt.toml").write_text('exclude = ["drafts/*"]\n')
    for cwd, path in ((tmp_path, "archive"), (tmp_path / "archive", ".")):
        found = {line.split(":")[0] for line in lines(run("validate", path, cwd=cwd))}
        assert found == {os.path.normpath(os.path.join(path, "kept.md"))}, cwd
    named = run("validate", "archive/drafts/x.md", cwd=tmp_path)  # a file named on the command line is checked
    assert named.returncode == 1


def test_max_file_size_comes_from_the_files_configuration(tmp_path: Path) -> None:
    (tmp_path / "small").mkdir()
    (tmp_path / "small/entry.md").write_text(SAMPLE)
    (tmp_path / "small/newsfmt.toml").write_text("max-file-size = 10\n")
    (tmp_path / "entry.md").write_text(SAMPLE)
    result = run("validate", ".", cwd=tmp_path)
    assert [line.split(": ")[2].split()[0] for line in lines(result)] == ["NF003"]
    assert run("validate", ".", "--max-file-size", "100000", cwd=tmp_path).stdout == ""


# Flags.


def test_exit_zero_reports_and_passes(tmp_path: Path) -> None:
    (tmp_path / "entry.md").write_text(BROKEN)
    result = run("validate", "--exit-zero", cwd=tmp_path)
    assert result.returncode == 0 and len(lines(result)) == 2
    assert run("validate", "--exit-zero", "--select", "XX", cwd=tmp_path).returncode == 2  # usage is still an error


def test_statistics_counts_each_code(tmp_path: Path) -> None:
    archive(tmp_path, {"news/2016/04/8/a.md": BROKEN, "news/2016/04/8/b.md": BROKEN, "c.md": E})
    table = run("validate", "--statistics", "--ignore", "NF3", cwd=tmp_path)
    assert lines(table) == [
        "2  NF101  error    date-line",
        "2  NF105  error    headline",
        "1  NF207  warning  layout-space",
    ]
    assert table.returncode == 1 and table.stderr == "5 files, 4 errors, 1 warning\n"
    rows = json.loads(
        run("validate", "--statistics", "--output-format", "json", "--ignore", "NF3", cwd=tmp_path).stdout
    )
    assert rows[0] == {"code": "NF101", "name": "date-line", "severity": "error", "count": 2}
    sarif = run("validate", "--statistics", "--output-format", "sarif", cwd=tmp_path)
    assert (sarif.returncode, sarif.stderr) == (
        2,
        "newsfmt: --statistics prints a table (concise) or json, not sarif\n",
    )


def test_output_file_takes_the_findings_and_the_summary_stays_on_stderr(tmp_path: Path) -> None:
    (tmp_path / "entry.md").write_text(BROKEN)
    result = run("validate", "--output-format", "json", "--output-file", "report.json", "entry.md", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "1 file, 2 errors, 0 warnings\n")
    assert [f["code"] for f in json.loads((tmp_path / "report.json").read_text())] == ["NF101", "NF105"]
    missing = run("validate", "--output-file", "no/report.txt", "entry.md", cwd=tmp_path)
    assert (missing.returncode, missing.stderr) == (2, "newsfmt: no/report.txt: No such file or directory\n")


def test_to_json_takes_output_format_and_the_old_name_with_a_warning(tmp_path: Path) -> None:
    archive(tmp_path)
    new = run("to-json", "--output-format", "json", "-q", cwd=tmp_path)
    old = run("to-json", "--format", "json", "-q", cwd=tmp_path)
    assert new.stdout == old.stdout and len(json.loads(new.stdout)) == 2
    assert new.stderr == ""
    assert old.stderr == "newsfmt: warning: to-json --format is deprecated; use --output-format\n"


# The concise format and colour.


def test_the_concise_format_shows_the_severity_so_a_warning_is_not_an_error(tmp_path: Path) -> None:
    archive(tmp_path, {"news/2016/04/8/broken.md": BROKEN})
    (tmp_path / A_PATH).unlink()  # B's related link now dangles: NF303, a warning
    found = lines(run("validate", cwd=tmp_path))
    assert found[0].startswith(f"{B_PATH}:") and ": warning: NF303 " in found[0]
    assert ": error: NF101 " in found[1]


def test_colour_follows_the_flag_then_force_color_then_no_color_then_the_terminal(tmp_path: Path) -> None:
    (tmp_path / "entry.md").write_text(E)
    escape = "\x1b["

    def output(*flags: str, **environment: str) -> str:
        env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS")}
        command = [sys.executable, "-m", "newsfmt", "validate", "-q", *flags]
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=env | environment).stdout

    assert escape not in output()  # not a terminal
    assert escape in output("--color", "always") and escape in output("--color", "always", NO_COLOR="1")
    assert escape in output(FORCE_COLOR="1") and escape in output(FORCE_COLOR="1", NO_COLOR="1")
    assert escape not in output("--color", "never", FORCE_COLOR="1")
    coloured = output("--color", "always")
    assert coloured.replace("\x1b[1m", "").replace("\x1b[1;33m", "").replace("\x1b[0m", "") == output()
    assert escape not in output("--color", "always", "--output-format", "json")


def test_use_color_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsfmt._cli.output import use_color

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color("auto", Terminal())  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color("auto", Terminal())  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "")  # set but empty: no-color.org says it does not count
    assert use_color("auto", Terminal())  # type: ignore[arg-type]


# rule and schema.


def test_rule_explains_one_rule_by_code_or_name_from_the_text_of_docs_rules_md(tmp_path: Path) -> None:
    by_code = run("rule", "NF302", cwd=tmp_path)
    assert by_code.returncode == 0 and by_code.stdout == run("rule", "file-name-slug", cwd=tmp_path).stdout
    rule = newsfmt.RULES["NF302"]
    assert by_code.stdout.startswith(f"# NF302 file-name-slug (warning)\n\n{rule.summary}.\n\n")
    docs = (Path(__file__).parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    section = docs.split("### NF302 file-name-slug\n", 1)[1].split("\n#", 1)[0].strip()
    assert rule.explanation == section and by_code.stdout.endswith(section + "\n")
    assert all(newsfmt.RULES[code].explanation for code in newsfmt.RULES)  # every rule has its section
    unknown = run("rule", "NF999", cwd=tmp_path)
    assert unknown.returncode == 2 and "no rule has the code or name 'NF999'" in unknown.stderr
    assert run("rule", cwd=tmp_path).returncode == 2


def test_rule_all_lists_every_rule_and_schema_prints_the_json_schema(tmp_path: Path) -> None:
    listed = lines(run("rule", "--all", cwd=tmp_path))
    assert [line.split()[0] for line in listed] == list(newsfmt.RULES)
    rows = json.loads(run("rule", "--all", "--output-format", "json", cwd=tmp_path).stdout)
    assert [row["code"] for row in rows] == list(newsfmt.RULES) and all(row["explanation"] for row in rows)
    assert json.loads(run("schema", cwd=tmp_path).stdout) == newsfmt.json_schema()


# JUnit XML and GitLab Code Quality, read as their consumers read them.


def test_junit_xml_reads_in_a_junit_parser(tmp_path: Path) -> None:
    junitparser = pytest.importorskip("junitparser", reason='pip install -e ".[test]"')
    archive(tmp_path, {"news/2016/04/8/a.md": BROKEN, "c.md": E})
    result = run("validate", "--output-format", "junit", "--ignore", "NF3", cwd=tmp_path)
    (tmp_path / "report.xml").write_text(result.stdout)
    report = junitparser.JUnitXml.fromfile(str(tmp_path / "report.xml"))
    cases = [(suite.name, case.name, case.result[0].type, case.result[0].message) for suite in report for case in suite]
    assert cases == [
        ("c.md", "NF207 layout-space at 3:7", "warning NF207", "expected a space after the headline, found none"),
        ("news/2016/04/8/a.md", "NF101 date-line at 1:1", "error NF101", cases[1][3]),
        ("news/2016/04/8/a.md", "NF105 headline at 1:1", "error NF105", cases[2][3]),
    ]
    assert all(isinstance(case.result[0], junitparser.Failure) for suite in report for case in suite)
    clean = run("validate", "--output-format", "junit", cwd=archive(tmp_path / "ok"))
    (tmp_path / "clean.xml").write_text(clean.stdout)
    passed = junitparser.JUnitXml.fromfile(str(tmp_path / "clean.xml"))
    assert [case.is_passed for suite in passed for case in suite] == [True]


# GitLab's documented Code Quality report format (docs.gitlab.com, ci/testing/code_quality: "Code Quality report
# format"): an array of issues, each with these fields; severity is one of five words. GitLab publishes no schema
# file, so this one is written from that page.
GITLAB_CODE_QUALITY = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": "^[^/]"},  # relative to the project's root
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def test_gitlab_code_quality_matches_gitlabs_format_with_stable_unique_fingerprints(tmp_path: Path) -> None:
    import jsonschema

    archive(tmp_path, {"news/2016/04/8/a.md": BROKEN, "c.md": E, "d.md": E})
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"} | {"CI_PROJECT_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "newsfmt", "validate", "--output-format", "gitlab", str(tmp_path)]
    report = json.loads(subprocess.run(command, cwd="/", capture_output=True, text=True, env=env).stdout)
    jsonschema.validate(report, GITLAB_CODE_QUALITY)
    assert {issue["location"]["path"] for issue in report} >= {"c.md", "news/2016/04/8/a.md"}
    assert len({issue["fingerprint"] for issue in report}) == len(report)
    assert {issue["severity"] for issue in report} == {"major", "minor"}
    # Relative paths, from a run inside the project, are the same paths.
    inside = [sys.executable, "-m", "newsfmt", "validate", "--output-format", "gitlab", "."]
    relative = json.loads(subprocess.run(inside, cwd=tmp_path, capture_output=True, text=True, env=env).stdout)
    assert relative == report
    # A finding keeps its fingerprint when lines move above it.
    (tmp_path / "c.md").write_text("\n" + E)
    moved = json.loads(subprocess.run(command, cwd="/", capture_output=True, text=True, env=env).stdout)
    before = {issue["fingerprint"] for issue in report if issue["location"]["path"] == "d.md"}
    assert before <= {issue["fingerprint"] for issue in moved}


def test_a_configuration_is_parsed_once_for_all_the_folders_below_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsfmt._config

    archive(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.newsfmt]\nignore = ["NF207"]\n')
    parsed: list[str] = []
    original = newsfmt._config._parse

    def counting(path: str) -> newsfmt.Settings | None:
        parsed.append(path)
        return original(path)

    monkeypatch.setattr(newsfmt._config, "_parse", counting)
    monkeypatch.setattr(newsfmt._config, "_PARSED", {})
    files = newsfmt.find_files([tmp_path], settings=newsfmt.find_settings)
    assert len({os.path.dirname(file.path) for file in files}) == 2 and parsed == [str(tmp_path / "pyproject.toml")]
    assert {file.settings.ignore for file in files} == {("NF207",)}
    (tmp_path / "pyproject.toml").write_text('[tool.newsfmt]\nignore = ["NF2"]\n')  # changed: read again
    assert newsfmt.find_settings(tmp_path).ignore == ("NF2",) and len(parsed) == 2


def test_per_file_ignores_match_from_the_configurations_folder_and_add_to_ignore(tmp_path: Path) -> None:
    (tmp_path / "archive/drafts").mkdir(parents=True)
    (tmp_path / "archive/drafts/x.md").write_text(E)
    (tmp_path / "archive/kept.md").write_text(E)
    (tmp_path / "archive/pyproject.toml").write_text(
        '[tool.newsfmt]\nignore = ["NF1"]\n\n[tool.newsfmt.per-file-ignores]\n"drafts/*" = ["NF207"]\n'
    )
    for cwd, path in ((tmp_path, "archive"), (tmp_path / "archive", ".")):
        found = {line.split(":")[0] for line in lines(run("validate", path, cwd=cwd))}
        assert found == {os.path.normpath(os.path.join(path, "kept.md"))}, cwd
    with_ignore = run("validate", "archive", "--ignore", "NF3", cwd=tmp_path)  # --ignore replaces ignore, not these
    assert {line.split(":")[0] for line in lines(with_ignore)} == {"archive/kept.md"}
    assert run("validate", "archive", "--isolated", cwd=tmp_path).stdout.count("NF207") == 2
    settings = newsfmt.find_settings(tmp_path / "archive")
    assert settings.per_file_ignores == (("drafts/*", ("NF207",)),)
    assert settings.ignored_in(str(tmp_path / "archive/drafts/x.md")) == ("NF207",)


BAD_PER_FILE_IGNORES = {
    "per-file-ignores = 5": (
        'per-file-ignores: expected a table of globs to arrays of codes, like {"drafts/*" = ["NF302"]}, found a number 5'
    ),
    '[tool.newsfmt.per-file-ignores]\n"drafts/*" = ["NF9"]': (
        "per-file-ignores: \"drafts/*\": no rule has the code or prefix 'NF9'"
    ),
    '[tool.newsfmt.per-file-ignores]\n"drafts/*" = "NF207"': (
        'per-file-ignores: "drafts/*": expected an array of codes like ["NF3", "NF106"], found a string "NF207"'
    ),
}


@pytest.mark.parametrize("table", sorted(BAD_PER_FILE_IGNORES))
def test_a_bad_per_file_ignores_is_one_clear_error(tmp_path: Path, table: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.newsfmt]\n{table}\n")
    result = run("validate", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"newsfmt: {tmp_path / 'pyproject.toml'}: [tool.newsfmt] {BAD_PER_FILE_IGNORES[table]}\n"
