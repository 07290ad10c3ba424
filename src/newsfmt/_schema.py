from __future__ import annotations

from typing import Any


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``to_dict``'s output, a new dict at each call.

    It expresses every rule of the format that JSON Schema can; its
    ``description`` names the one it cannot (dates of the calendar).

    >>> import newsfmt
    >>> schema = newsfmt.json_schema()
    >>> schema["$id"], schema["required"]
    ('urn:newsfmt:schema:entry:1', ['date', 'headline', 'body', 'sources', 'related'])
    """
    import json
    from importlib.resources import files

    return json.loads(files("newsfmt").joinpath("entry.schema.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]
