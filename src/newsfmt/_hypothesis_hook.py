"""Hypothesis loads this through newsfmt's "hypothesis" entry point, so that st.from_type() knows the classes.

It is its own module, and the strategies are deferred, because the hook also runs
when ``import newsfmt.strategies`` is what first imports Hypothesis: at that moment
newsfmt.strategies is only half made.
"""

from __future__ import annotations

import importlib


def setup() -> None:
    from hypothesis import strategies as st

    from ._model import Entry, Related, Source

    def deferred(name: str) -> st.SearchStrategy[object]:
        return st.deferred(lambda: getattr(importlib.import_module("newsfmt.strategies"), name)())

    st.register_type_strategy(Entry, deferred("entries"))
    st.register_type_strategy(Source, deferred("sources"))
    st.register_type_strategy(Related, deferred("related"))
