"""newsfmt: read, check and write the news-entry format of a Markdown news archive.

The public names are loaded when first used (PEP 562): ``import newsfmt`` costs
next to nothing, and a command that checks one file loads only what it needs.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._archive import Archive, Record, write_to_archive
    from ._arrow import (
        arrow_schema,
        error_schema,
        errors_to_arrow,
        from_arrow,
        read_record_batches,
        to_arrow,
        to_record_batches,
    )
    from ._atomic import writing
    from ._baseline import Baseline
    from ._check import Finding, Fix, check
    from ._config import ConfigError, Settings, find_settings, load_settings
    from ._dict import DictError, from_dict, to_dict
    from ._errors import ParseError
    from ._files import InputFile, check_files, find_files, iter_files, map_files
    from ._fix import Plan, plan_fixes, plan_move
    from ._io import MAX_FILE_SIZE, display_path, parse_bytes, read, write
    from ._journal import Change, recover
    from ._markdown import plain_text, render_html
    from ._model import Entry, Related, Source, slugify
    from ._parser import parse
    from ._rules import RULES, Rule
    from ._schema import json_schema
    from ._serialize import serialize

__version__ = "0.1.0"

_MODULES = {
    "_archive": ("Archive", "Record", "write_to_archive"),
    "_arrow": (
        "arrow_schema",
        "error_schema",
        "errors_to_arrow",
        "from_arrow",
        "read_record_batches",
        "to_arrow",
        "to_record_batches",
    ),
    "_atomic": ("writing",),
    "_baseline": ("Baseline",),
    "_check": ("Finding", "Fix", "check"),
    "_config": ("ConfigError", "Settings", "find_settings", "load_settings"),
    "_dict": ("DictError", "from_dict", "to_dict"),
    "_errors": ("ParseError",),
    "_files": ("InputFile", "check_files", "find_files", "iter_files", "map_files"),
    "_fix": ("Plan", "plan_fixes", "plan_move"),
    "_journal": ("Change", "recover"),
    "_io": ("MAX_FILE_SIZE", "display_path", "parse_bytes", "read", "write"),
    "_markdown": ("plain_text", "render_html"),
    "_model": ("Entry", "Related", "Source", "slugify"),
    "_parser": ("parse",),
    "_rules": ("RULES", "Rule"),
    "_schema": ("json_schema",),
    "_serialize": ("serialize",),
}
_MODULE_OF = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "MAX_FILE_SIZE",
    "RULES",
    "Archive",
    "Baseline",
    "Change",
    "ConfigError",
    "DictError",
    "Entry",
    "Finding",
    "Fix",
    "InputFile",
    "ParseError",
    "Plan",
    "Record",
    "Related",
    "Rule",
    "Settings",
    "Source",
    "__version__",
    "arrow_schema",
    "check",
    "check_files",
    "display_path",
    "error_schema",
    "errors_to_arrow",
    "find_files",
    "find_settings",
    "from_arrow",
    "from_dict",
    "iter_files",
    "json_schema",
    "load_settings",
    "map_files",
    "parse",
    "parse_bytes",
    "plain_text",
    "plan_fixes",
    "plan_move",
    "read",
    "read_record_batches",
    "recover",
    "render_html",
    "serialize",
    "slugify",
    "to_arrow",
    "to_dict",
    "to_record_batches",
    "write",
    "write_to_archive",
    "writing",
]


# Tracebacks and pickles name these by their public module. The model's classes
# keep theirs: typing.get_type_hints() resolves their annotations there.
_NAMED_HERE = frozenset(
    {"ParseError", "DictError", "ConfigError", "Record", "Finding", "Rule", "InputFile", "Settings"}
    | {"Baseline", "Fix", "Plan", "Change"}
)


def __getattr__(name: str) -> Any:
    """A public name, from its module, loaded the first time it is asked for."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    importlib.import_module(f"{__name__}.{module}")
    _publish()
    return globals()[name]


def _publish() -> None:
    """Every public name of the modules loaded so far, here, so that the annotations of the classes named here
    resolve; and those classes named by this module."""
    for module, names in _MODULES.items():
        loaded = sys.modules.get(f"{__name__}.{module}")
        if loaded is None:
            continue
        for name in names:
            if name not in globals() and hasattr(loaded, name):
                value = getattr(loaded, name)
                if name in _NAMED_HERE:
                    value.__module__ = __name__
                globals()[name] = value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
