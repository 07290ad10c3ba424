"""newsfmt lsp in real editors: Emacs with eglot, and Neovim, with the configurations docs/editors.md gives.

Each runs where the editor is installed (CI installs Debian's emacs-nox,
elpa-eglot, elpa-markdown-mode and neovim when it can); skipped elsewhere,
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
NEOVIM = Path(__file__).parent / "data" / "editors" / "init.lua"
ENTRY = "### [2016-04-08](/news/2016/04/8/index.md)\n\n# NATO will meet Russia\n"


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


def test_the_neovim_configuration_of_the_docs_is_the_one_the_session_runs() -> None:
    block = re.search(r"```lua\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    assert block is not None
    assert block[1] == NEOVIM.read_text(encoding="utf-8")


def test_neovim_shows_the_findings_and_formats_the_entry(tmp_path: Path) -> None:
    neovim = shutil.which("nvim")
    if neovim is None:
        pytest.skip("needs Neovim 0.7 or later (Debian: neovim)")
    entry = tmp_path / "news/2016/04/8/nato-will-meet-russia.md"
    entry.parent.mkdir(parents=True)
    entry.write_text(ENTRY)
    shown = "lua for _, d in ipairs(vim.diagnostic.get(0)) do io.stdout:write(d.lnum + 1, ': ', d.code, ' ', d.message, '\\n') end"
    formatted = "lua if vim.lsp.buf.format then vim.lsp.buf.format({ timeout_ms = 10000 }) else vim.lsp.buf.formatting_sync(nil, 10000) end"
    commands = ["lua vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 50)", shown, formatted, "wq"]
    path = os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]  # this environment's newsfmt
    result = subprocess.run(
        [neovim, "--headless", "-u", str(NEOVIM), str(entry), *(item for c in commands for item in ("-c", c))],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": path, "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")},
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("3: NF207 expected a space after the headline, found none\n")
    assert entry.read_text() == ENTRY.replace("Russia\n", "Russia \n")
