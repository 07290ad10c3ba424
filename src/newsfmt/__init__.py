"""newsfmt: read, check and write the news-entry format of a Markdown news archive."""

from ._errors import ParseError
from ._io import read, write
from ._model import Entry, Related, Source, slugify
from ._parser import parse
from ._serialize import serialize

__version__ = "0.1.0"

__all__ = [
    "Entry",
    "ParseError",
    "Related",
    "Source",
    "__version__",
    "parse",
    "read",
    "serialize",
    "slugify",
    "write",
]

# Tracebacks and pickles name the errors by their public module. The model's
# classes keep theirs: typing.get_type_hints() resolves their annotations there.
ParseError.__module__ = __name__
