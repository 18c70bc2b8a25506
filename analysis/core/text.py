"""Names to ids: the slug of a category name used in estimate ids."""

from __future__ import annotations

import re


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
