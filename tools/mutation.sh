#!/usr/bin/env bash
# Mutation testing of the core and the findings layer (configured in pyproject.toml's [tool.mutmut]).
#
#   bash tools/mutation.sh                     # every file: hours on 2 cores
#   bash tools/mutation.sh 'newsfmt._parser*'  # the mutants whose names match
#
# Then prints the score per file, leaving out the mutants tools/set_aside_mutants.txt lists (each with its why;
# docs/testing.md gives the table). Run it after any change to the core, before saying its tests are done.
set -euo pipefail
cd "$(dirname "$0")/.."
export HYPOTHESIS_PROFILE=mutation
python -m mutmut run "$@"
python tools/mutation_score.py
