"""Hypothesis profiles: "default" is what README's test command and CI run; "dev" is quick."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=1000,
    deadline=None,  # a shared 2-core CI machine has pauses; speed is measured in benchmarks/
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", parent=settings.get_profile("default"), max_examples=100)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
