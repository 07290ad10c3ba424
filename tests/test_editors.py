"""newsfmt lsp in a real editor: Emacs with eglot and the configuration docs/editors.md gives.

Runs where Emacs, eglot and markdown-mode are installed (CI installs Debian's
emacs-nox, elpa-eglot and elpa-markdown-mode when it can); skipped elsewhere,
saying so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason='newsfmt lsp needs pygls 2 and lsprotocol: pip install -e ".[lsp]"')

DOCS = Path(__file__).parent.parent / "docs" / "editors.md"
SESSION = Path(__file__).parent / "data" / "editors" / "eglot.el"


def _emacs_with_eglot() -> str | None:
    emacs = shutil.which("emacs")
    if emacs is None:
        return None
    probe = subprocess.run(
        [emacs, "--batch", "--eval", "(progn (package-initialize) (require 'eglot) (require 'markdown-mode))"],
        capture_output=True,
        check=False,
    )
    return emacs if probe.returncode == 0 else None


def test_the_emacs_configuration_of_the_docs_is_the_one_the_session_runs() -> None:
    block = re.search(r"```elisp\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    assert block is not None
    assert block[1].splitlines() == SESSION.read_text(encoding="utf-8").splitlines()[5:8]


def test_emacs_with_eglot_shows_the_findings_and_formats_the_entry(tmp_path: Path) -> None:
    emacs = _emacs_with_eglot()
    if emacs is None:
        pytest.skip("needs Emacs with eglot and markdown-mode (Debian: emacs-nox elpa-eglot elpa-markdown-mode)")
    entry = tmp_path / "news/2016/04/8/nato-will-meet-russia.md"
    entry.parent.mkdir(parents=True)
    entry.write_text("### [2016-04-08](/news/2016/04/8/index.md)\n\n# NATO will meet Russia\n")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)  # the project eglot finds: the archive
    path = os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]  # this environment's newsfmt
    result = subprocess.run(
        [emacs, "--batch", "-l", str(SESSION), str(entry)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": path, "HOME": str(tmp_path)},
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "3: newsfmt [NF207]: expected a space after the headline, found none\n"
        "### [2016-04-08](/news/2016/04/8/index.md)\n\n# NATO will meet Russia \n"
    )
