"""The documentation's promises: every public name has a runnable example, and the examples run."""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

import newsfmt
import newsfmt.strategies

# Data have no docstring of their own: __version__, RULES and MAX_FILE_SIZE are documented in docs/reference.md,
# and Rule's docstring shows RULES in use.
PUBLIC = [(newsfmt, name) for name in newsfmt.__all__ if name not in ("__version__", "RULES", "MAX_FILE_SIZE")]
PUBLIC += [(newsfmt.strategies, name) for name in newsfmt.strategies.__all__]


@pytest.mark.parametrize(("module", "name"), PUBLIC, ids=[f"{module.__name__}.{name}" for module, name in PUBLIC])
def test_each_public_name_has_an_example_that_runs(module: object, name: str) -> None:
    obj = getattr(module, name)
    tests = [test for test in doctest.DocTestFinder(recurse=False).find(obj, name) if test.examples]
    assert tests, f"{name}'s docstring has no example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


# The pages of recipes run whole, in order, in an empty folder that holds a copy of
# examples/make_archive.py: each ```console command must print what the page shows
# (doctest's "..." stands for any text), and each ```python block runs as a doctest
# with the page's earlier blocks' names. A block after "<!-- not run: REASON -->" is skipped.

DOCS = Path(__file__).parent.parent / "docs"
RECIPE_PAGES = ["getting-started.md", "cookbook.md", "scale.md"]
FENCE = re.compile(r"^(`{3,})([^\n`]*)\n(.*?)^\1[ \t]*$", re.MULTILINE | re.DOTALL)
CHECKER = doctest.OutputChecker()


class Block(NamedTuple):
    line: int
    language: str
    text: str


def blocks(page: str) -> list[Block]:
    """The page's fenced code blocks that run: console and python, not after a "not run" comment."""
    found = []
    for match in FENCE.finditer(page):
        before = page[: match.start()].rstrip().rsplit("\n", 1)[-1]
        language = match[2].strip()
        if language in ("console", "python") and not before.startswith("<!-- not run:"):
            found.append(Block(page.count("\n", 0, match.start()) + 2, language, match[3]))
    return found


def commands(text: str) -> list[tuple[str, str]]:
    """(command, expected output) pairs of a console block: "$ " lines, with "\\" continuations."""
    pairs: list[tuple[str, str]] = []
    continued = False
    for line in text.splitlines():
        if continued:
            pairs[-1] = (pairs[-1][0] + "\n" + line, "")
        elif line.startswith("$ "):
            pairs.append((line[2:], ""))
        else:
            pairs[-1] = (pairs[-1][0], pairs[-1][1] + line + "\n")
        continued = line.endswith("\\")
    return pairs


def run_console(block: Block, page: str) -> None:
    """Each command of the block in a shell of its own, in the current folder; "$ cd DIR" changes it, as a shell would."""
    skipped = ("GITHUB_ACTIONS", "PYTHONUNBUFFERED")  # as on a reader's machine
    environment = {key: value for key, value in os.environ.items() if key not in skipped}
    environment["PATH"] = os.path.dirname(sys.executable) + os.pathsep + environment["PATH"]
    for command, expected in commands(block.text):
        if command.startswith("cd ") and " " not in command[3:]:
            os.chdir(command[3:])
            continue
        folder = Path.cwd()
        result = subprocess.run(
            ["bash", "-c", command],
            cwd=folder,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # one stream, as a terminal shows it
            text=True,
            check=False,
        )
        shown = result.stdout
        assert CHECKER.check_output(expected, shown, doctest.ELLIPSIS), (
            f"{page}, the block at line {block.line}: $ {command}\nexpected:\n{expected}got:\n{shown}"
        )


def run_python(block: Block, page: str, names: dict[str, object]) -> None:
    test = doctest.DocTestParser().get_doctest(block.text, names, f"{page}:{block.line}", page, block.line)
    assert test.examples, f"{page}, the block at line {block.line} has no >>> example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test, clear_globs=False)
    names.update(test.globs)  # DocTest ran on a copy: the next block sees this one's names
    assert runner.summarize(verbose=False).failed == 0, f"{page}, the block at line {block.line} failed (see stdout)"


@pytest.mark.filterwarnings("error")  # a reader following the page sees no warning either
@pytest.mark.parametrize("page", RECIPE_PAGES)
def test_the_recipes_run_as_written(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    needs = sorted(set(re.findall(r"^>>> import (pandas|duckdb|dask)\b", text, re.MULTILINE)))
    for module in needs:
        pytest.importorskip(module, reason=f'{page} needs {module}: pip install -e ".[cookbook]"')
    # A clone, as the reader has one: the files the page may touch, committed.
    root = Path(__file__).parent.parent
    for name in ["pyproject.toml", ".gitignore", "README.md", "examples/make_archive.py", "examples/dask_job.py"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / name, tmp_path / name)
    git = ["git", "-c", "user.name=newsfmt", "-c", "user.email=newsfmt@example.com", "-c", "init.defaultBranch=main"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "clone"]):
        subprocess.run([*git, *command], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    names: dict[str, object] = {}
    for block in blocks(text):
        if block.language == "console":
            run_console(block, page)
        else:
            run_python(block, page, names)
    status = subprocess.run([*git, "status", "--porcelain"], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert status.stdout == "", f"{page} changed the reader's clone:\n{status.stdout}"


def test_the_pages_that_run_have_blocks_to_run() -> None:
    for page in RECIPE_PAGES:
        found = blocks((DOCS / page).read_text(encoding="utf-8"))
        assert {block.language for block in found} == {"console", "python"}, page


def test_the_cookbook_s_pre_commit_hooks_exist() -> None:
    hooks = re.findall(r"^- id: (\S+)", (Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text(), re.M)
    used = re.findall(r"^\s+- id: (\S+)", (DOCS / "cookbook.md").read_text(encoding="utf-8"), re.MULTILINE)
    assert used and set(used) <= set(hooks)


def test_a_file_a_page_shows_is_the_file_itself() -> None:
    """A block after "<!-- not run: the file PATH" is that file, byte for byte, so the page cannot show stale code."""
    shown = 0
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            before = text[: match.start()].rstrip().rsplit("\n", 1)[-1]
            if before.startswith("<!-- not run: the file "):
                path = before.split()[5].rstrip(",;")
                assert (DOCS.parent / path).read_text(encoding="utf-8") == match[3], f"{page.name} shows an old {path}"
                shown += 1
    assert shown >= 4  # examples/dask_job.py, spark_job.py, ray_job.py and beam_job.py
