"""Hypothesis profiles: "default" is what README's test command runs; "dev" is quick; "mutation" and "coverage" are fixed."""

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The fuzz harness is a script folder, not a package: its checks serve the tests too.
sys.path.insert(0, str(Path(__file__).parent.parent / "fuzz"))
from harness import editor_lines, revalidated

__all__ = ["editor_lines", "revalidated"]

settings.register_profile(
    "default",
    max_examples=1000,
    deadline=None,  # a shared 2-core CI machine has pauses; speed is measured in benchmarks/
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", parent=settings.get_profile("default"), max_examples=100)
# Mutation testing (tools/mutation.sh): the same few examples for every mutant, none replayed from an earlier run.
# Ten a property: a mutant no test kills runs every test of its function, and with the dev profile's hundred
# those took a minute and a half each here, which put a full run at days.
settings.register_profile(
    "mutation", parent=settings.get_profile("default"), max_examples=10, derandomize=True, database=None
)
# CI's coverage pass: few examples reach the same branches, and the same ones every run, so the total is stable.
settings.register_profile(
    "coverage", parent=settings.get_profile("default"), max_examples=20, derandomize=True, database=None
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _fresh_listings() -> Iterator[None]:
    """Each test starts with no folder listings or places remembered, as each check() does.

    The internal checkers (check_text, check_with_links) use what the last check() listed; a test that checked a
    relative path from another working folder would otherwise leave its places to the next test.
    """
    from newsfmt._check import forget_listings

    yield
    forget_listings()


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temporary folder that an unprivileged user may enter (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="newsfmt-"))
    folder.chmod(0o777)
    yield folder
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    subprocess.run(["rm", "-rf", str(folder)], check=True)
