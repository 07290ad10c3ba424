"""newsfmt: read, check and write the news-entry format of a Markdown news archive."""

from ._dict import DictError, from_dict, to_dict
from ._errors import ParseError
from ._io import read, write
from ._markdown import plain_text, render_html
from ._model import Entry, Related, Source, slugify
from ._parser import parse
from ._schema import json_schema
from ._serialize import serialize

__version__ = "0.1.0"

__all__ = [
    "DictError",
    "Entry",
    "ParseError",
    "Related",
    "Source",
    "__version__",
    "from_dict",
    "json_schema",
    "parse",
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
