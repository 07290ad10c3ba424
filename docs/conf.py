"""Sphinx configuration: the Markdown pages of docs/ (MyST) and an API reference from the docstrings.

CI builds with ``sphinx-build -W --keep-going -n``: a warning fails the build, and
``-n`` makes every reference to a Python name that does not resolve a warning.
"""

from __future__ import annotations

import newsfmt

project = "newsfmt"
author = "the newsfmt authors"
copyright = "2026, the newsfmt authors"
release = version = newsfmt.__version__

extensions = ["myst_parser", "sphinx.ext.autodoc"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
myst_heading_anchors = 3  # "format.md#tolerated-variations-g3" links to that heading

html_theme = "furo"
html_title = f"newsfmt {release}"

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
# The engines' connectors import their engines at the top; the site builds with the [docs] extra alone.
autodoc_mock_imports = ["dask", "pandas", "pyspark"]
# Names from other projects' documentation: this build makes no network request
# for their inventories, so references to them are left unresolved on purpose.
nitpick_ignore_regex = [
    (
        "py:class",
        r"(datetime|os|contextlib|collections|collections\.abc|typing|hypothesis\.strategies|markdown_it|pyarrow|pygls)\..*",
    ),
    (
        "py:class",
        r"(str|int|bool|dict|list|tuple|bytes|object|type|Any|T|newsfmt\._(archive|files)\.R|TextIO|BinaryIO)",
    ),
]
