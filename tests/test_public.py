"""The public surface: what `import newsfmt` offers, and what it does not import."""

from __future__ import annotations

import datetime
import subprocess
import sys
import typing
from pathlib import Path

import newsfmt


def test_the_public_names() -> None:
    core = ["Entry", "Source", "Related", "ParseError", "parse", "serialize", "read", "write", "slugify", "__version__"]
    dicts = ["to_dict", "from_dict", "DictError", "json_schema"]
    markdown = ["render_html", "plain_text"]
    archives = ["Archive", "Record", "check", "Finding", "RULES", "Rule", "parse_bytes", "write_to_archive", "Baseline"]
    fixes = ["Fix", "Plan", "Change", "plan_fixes", "plan_move", "recover"]
    files = [
        "InputFile",
        "find_files",
        "iter_files",
        "check_files",
        "map_files",
        "MAX_FILE_SIZE",
        "display_path",
        "writing",
    ]
    configuration = ["Settings", "ConfigError", "find_settings", "load_settings"]
    tables = [
        "arrow_schema",
        "error_schema",
        "to_arrow",
        "errors_to_arrow",
        "to_record_batches",
        "read_record_batches",
        "from_arrow",
    ]
    assert sorted(newsfmt.__all__) == sorted(
        core + dicts + markdown + archives + fixes + files + configuration + tables
    )
    for name in newsfmt.__all__:
        assert getattr(newsfmt, name) is not None
    assert set(newsfmt.__all__) <= set(dir(newsfmt))  # names loaded lazily are listed before their first use
    assert issubclass(newsfmt.ParseError, ValueError)


def test_errors_name_the_public_module() -> None:
    public = (newsfmt.ParseError, newsfmt.DictError, newsfmt.ConfigError, newsfmt.Record, newsfmt.Finding)
    for cls in (*public, newsfmt.Rule, newsfmt.InputFile, newsfmt.Settings):
        assert cls.__module__ == "newsfmt"
    assert typing.get_type_hints(newsfmt.Record)["entry"] == newsfmt.Entry | None


def test_the_model_s_type_hints_resolve() -> None:
    # Regression: with __module__ set to "newsfmt", get_type_hints() looked up the
    # string annotations there and raised NameError, which broke cattrs.
    assert typing.get_type_hints(newsfmt.Entry)["date"] is datetime.date
    assert typing.get_type_hints(newsfmt.Related)["context"] == tuple[str, ...]
    assert typing.get_type_hints(newsfmt.Source)["url"] is str


def test_import_does_not_import_markdown_it_hypothesis_or_pyarrow() -> None:
    code = "import sys, newsfmt; print(sorted(m for m in ('markdown_it', 'hypothesis', 'pyarrow') if m in sys.modules))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_the_package_is_typed() -> None:
    assert (Path(newsfmt.__file__).parent / "py.typed").is_file()


def test_the_version_is_the_installed_version() -> None:
    from importlib.metadata import version

    assert newsfmt.__version__ == version("newsfmt")


def test_the_command_imports_only_what_a_user_can() -> None:
    """The CLI is a shell over the public API: no module of it imports a private name of the library."""
    import ast

    cli = Path(newsfmt.__file__).parent / "_cli"
    imported = []
    for module in sorted(cli.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 2:  # from .. import NAME, from ..X import NAME
                imported += [(module.name, node.module, alias.name) for alias in node.names]
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("newsfmt"):
                imported += [(module.name, node.module, alias.name) for alias in node.names]
    assert imported, "the CLI imports nothing from the library: the test looks in the wrong place"
    private = [item for item in imported if item[1] not in (None, "newsfmt") or item[2] not in newsfmt.__all__]
    assert private == []
