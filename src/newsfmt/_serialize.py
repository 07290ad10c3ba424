from __future__ import annotations

from ._model import Entry, day_path


def serialize(entry: Entry) -> str:
    """The canonical text of an entry: ``parse(serialize(entry)) == entry`` always holds.

    >>> import datetime, newsfmt
    >>> entry = newsfmt.Entry(
    ...     date=datetime.date(2016, 4, 20),
    ...     headline="NATO reopens talks",
    ...     sources=[newsfmt.Source(name="Euronews", url="http://www.euronews.com/")],
    ... )
    >>> newsfmt.serialize(entry).splitlines()
    ['### [2016-04-20](/news/2016/04/20/index.md)', '', '# NATO reopens talks ', '', '', '### Source:', '', '1. [Euronews](http://www.euronews.com/)']
    """
    if not isinstance(entry, Entry):
        raise TypeError(f"serialize() takes an Entry, not {type(entry).__name__}")
    parts = [f"### [{entry.date.isoformat()}]({day_path(entry.date)})\n\n# {entry.headline} \n"]
    if entry.body:
        parts.append(f"\n{entry.body}\n")
    if entry.sources or entry.related:
        parts.append("\n\n")
    if entry.sources:
        parts.append("### Source:\n\n")
        parts.extend(f"{number}. [{source.name}]({source.url})\n" for number, source in enumerate(entry.sources, 1))
        if entry.related:
            parts.append("\n")
    if entry.related:
        parts.append("### Related:\n\n")
        for number, related in enumerate(entry.related, 1):
            context = f" _Context: {', '.join(related.context)}_" if related.context else ""
            parts.append(f"{number}. [{related.title} ]({related.path}){context}\n")
    return "".join(parts)
