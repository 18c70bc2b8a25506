"""Project paths, default parameters and naming rules.

Every path the package uses is derived from ``PROJECT_ROOT`` so that the code
runs from any working directory (papermill, nbval and Jupyter Book each run in
a different one).
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
#: Environment variable ``python -m analysis run`` sets for its kernels: the inputs were checked once,
#: before any chapter, so a page does not validate the extract again (:class:`analysis.page.Page`).
INPUTS_CHECKED_ENV = "ANALYSIS_INPUTS_CHECKED"
SYNTHETIC_DIR = DATA_DIR / "synthetic"
BOOK_DIR = PROJECT_ROOT / "book"




#: Committed results of the Monte Carlo of the claim check (``benchmarks/worlds.py``),
#: read by the methods chapter (200 draws per world do not belong in a book build).
WORLDS_RESULTS_DIR = PROJECT_ROOT / "benchmarks" / "results"


def project_version(root: Path = PROJECT_ROOT) -> str:
    """The book's version, read from ``pyproject.toml`` (the one place it is set; ``CITATION.cff``,
    the site's BibTeX and ``CHANGELOG.md`` are checked against it by the tests)."""
    import tomllib

    return tomllib.loads((Path(root) / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]

