"""newsfmt: read, check and write the news-entry format of a Markdown news archive."""

from ._archive import Archive, Record
from ._check import Finding, check
from ._dict import DictError, from_dict, to_dict
from ._errors import ParseError
from ._io import parse_bytes, read, write
from ._markdown import plain_text, render_html
from ._model import Entry, Related, Source, slugify
from ._parser import parse
from ._rules import RULES, Rule
from ._schema import json_schema
from ._serialize import serialize

__version__ = "0.1.0"

__all__ = [
    "RULES",
    "Archive",
    "DictError",
    "Entry",
    "Finding",
    "ParseError",
    "Record",
    "Related",
    "Rule",
    "Source",
    "__version__",
    "check",
    "from_dict",
    "json_schema",
    "parse",
    "parse_bytes",
    "plain_text",
    "read",
    "render_html",
    "serialize",
    "slugify",
    "to_dict",
    "write",
]

# Tracebacks and pickles name the errors by their public module. The model's
# classes keep theirs: typing.get_type_hints() resolves their annotations there.
ParseError.__module__ = DictError.__module__ = __name__
Record.__module__ = Finding.__module__ = Rule.__module__ = __name__
