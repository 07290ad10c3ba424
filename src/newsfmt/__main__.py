"""python -m newsfmt: the newsfmt command."""

from ._cli import main

raise SystemExit(main())
