"""Command line: ``python -m analysis {validate,simulate,run}``."""

from .cli import main

raise SystemExit(main())
