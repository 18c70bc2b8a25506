"""Project paths, default parameters and naming rules.

Every path the package uses is derived from ``PROJECT_ROOT`` so that the code
runs from any working directory (papermill, nbval and Jupyter Book each run in
a different one).
"""

from __future__ import annotations

import re
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
SYNTHETIC_DIR = DATA_DIR / "synthetic"
BOOK_DIR = PROJECT_ROOT / "book"

#: Date of ChatGPT's public release, the default treatment date.
RELEASE_DATE = "2022-11-30"

#: Default parameters of every chapter and of ``python -m analysis run``.
#: Names are part of the public interface (documented in the re-run appendix).
DEFAULT_PARAMS: dict = {
    "data_dir": "",  # empty: the bundled synthetic extract
    "start": "2021-01-01",
    "end": "2024-06-30",
    "treatment_date": RELEASE_DATE,
    "value_threshold_usd": 1000.0,
    "focus_categories": ["Data Science & Analytics", "Writing", "Translation"],
    "control_categories": [],  # empty: every category not in focus
    "seed": 20240501,
    "max_freelancers": 25000,  # within-freelancer regressions: random sample above this many (0: all)
    "output_dir": "",  # empty: figures and results go to <build>/
}


def slugify(name: str) -> str:
    """Turn a category name into the slug used in estimate ids.

    The name is lowercased and every run of characters other than ``a-z`` and
    ``0-9`` becomes a single ``-``; leading and trailing ``-`` are dropped.

    Parameters
    ----------
    name : str
        Category name as it appears in the extract.

    Returns
    -------
    str
        The slug, e.g. ``"data-science-analytics"``.

    Examples
    --------
    >>> slugify("Data Science & Analytics")
    'data-science-analytics'
    >>> slugify("  Web, Mobile & Software Dev ")
    'web-mobile-software-dev'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-")
    return slug or "category"
