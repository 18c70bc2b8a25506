"""Regenerate ``tests/reference/headline.csv`` from a build on the bundled data.

Run from the project root after a build on the bundled data and default
parameters::

    python -m analysis run --out _build
    python tests/reference/regenerate.py _build/results/estimates.csv

Only headline ids (``category.*``, ``platform.*``, ``productivity.*``) and
their point estimates are kept. Review the diff before committing: a change
of a reference value is a change of the book's findings.
"""

from __future__ import annotations

import sys
from pathlib import Path

from analysis.results import read_results

HEADLINE_PREFIXES = ("category.", "platform.", "productivity.")
REFERENCE = Path(__file__).with_name("headline.csv")


def main(src: str) -> None:
    res = read_results(src)
    res = res[res["id"].str.startswith(HEADLINE_PREFIXES)][["id", "estimate_pct", "n_obs"]]
    res.sort_values("id").to_csv(REFERENCE, index=False, float_format="%.6f", lineterminator="\n")
    print(f"wrote {REFERENCE} ({len(res)} ids)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "_build/results/estimates.csv")
