"""newsfmt: read, check and write the news-entry format of a Markdown news archive."""

from ._archive import Archive, Record, write_to_archive
from ._arrow import arrow_schema, error_schema, from_arrow, read_record_batches, to_arrow, to_record_batches
from ._atomic import writing
from ._baseline import Baseline
from ._check import Finding, Fix, check
from ._config import ConfigError, Settings, find_settings, load_settings
from ._dict import DictError, from_dict, to_dict
from ._errors import ParseError
from ._files import InputFile, check_files, find_files, iter_files, map_files
from ._fix import Change, Plan, plan_fixes, plan_move, recover
from ._io import MAX_FILE_SIZE, display_path, parse_bytes, read, write
from ._markdown import plain_text, render_html
from ._model import Entry, Related, Source, slugify
from ._parser import parse
from ._rules import RULES, Rule
from ._schema import json_schema
from ._serialize import serialize

__version__ = "0.1.0"

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

# Tracebacks and pickles name the errors by their public module. The model's
# classes keep theirs: typing.get_type_hints() resolves their annotations there.
ParseError.__module__ = DictError.__module__ = ConfigError.__module__ = __name__
Record.__module__ = Finding.__module__ = Rule.__module__ = InputFile.__module__ = Settings.__module__ = __name__
Baseline.__module__ = Fix.__module__ = Plan.__module__ = Change.__module__ = __name__
