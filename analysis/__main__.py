"""Command line: ``python -m analysis {validate,simulate,run}``."""

from analysis.cli import main

raise SystemExit(main())
