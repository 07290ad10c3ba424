"""The tests draw from newsfmt.strategies, the same strategies users get: one source of truth."""

from newsfmt.strategies import (
    SPACES,
    _pieces,
    bodies,
    canonical_texts,
    entries,
    entry_texts,
    invalid_texts,
    link_texts,
    paths,
    raw_text,
    related,
    sources,
    tags,
    texts,
    tolerant_texts,
    urls,
)

__all__ = [
    "SPACES",
    "_pieces",
    "bodies",
    "canonical_texts",
    "entries",
    "entry_texts",
    "invalid_texts",
    "link_texts",
    "paths",
    "raw_text",
    "related",
    "sources",
    "tags",
    "texts",
    "tolerant_texts",
    "urls",
]
