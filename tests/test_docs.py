"""The documentation's promises: every public name has a runnable example, and the examples run."""

from __future__ import annotations

import doctest

import pytest

import newsfmt
import newsfmt.strategies

PUBLIC = [(newsfmt, name) for name in newsfmt.__all__ if name != "__version__"]
PUBLIC += [(newsfmt.strategies, name) for name in newsfmt.strategies.__all__]


@pytest.mark.parametrize(("module", "name"), PUBLIC, ids=[f"{module.__name__}.{name}" for module, name in PUBLIC])
def test_each_public_name_has_an_example_that_runs(module: object, name: str) -> None:
    obj = getattr(module, name)
    tests = [test for test in doctest.DocTestFinder(recurse=False).find(obj, name) if test.examples]
    assert tests, f"{name}'s docstring has no example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
