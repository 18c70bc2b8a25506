"""Names to ids: the slug of a category name used in estimate ids."""

from __future__ import annotations

import hashlib
import re


#: Slugs of the categories in use whose plain slug is shared (see
#: :func:`use_categories`); every other name gets its plain slug.
_SHARED_SLUGS: dict[str, str] = {}
_DECLARED: list[str] = []


def _plain_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-")


def _name_hash(name: str, n: int = 8) -> str:
    return hashlib.sha256(str(name).encode("utf-8")).hexdigest()[:n]


def slugify(name: str) -> str:
    """Turn a category name into the slug used in estimate ids.

    The name is lowercased and every run of characters other than ``a-z`` and
    ``0-9`` becomes a single ``-``; leading and trailing ``-`` are dropped.
    That slug is kept unchanged for every name that has one and shares it
    with no other category in use, so existing ids stay as they were.

    Two cases get a stable short-hash suffix, the first 8 hex digits of the
    SHA-256 of the name's UTF-8 bytes (the same on every machine and run):

    * a name with no ASCII letter or digit (Arabic, Hebrew, Chinese, ...),
      whose plain slug would be empty: ``category-<hash>``;
    * names whose plain slugs collide among the categories in use (``C++``
      and ``C#`` both give ``c``): each of them gets ``<slug>-<hash>``.
      Categories that differ only by case or surrounding space are refused
      by :func:`analysis.data.contract.validate` before it comes to that.

    "In use" means the categories last declared with :func:`use_categories`,
    which :func:`analysis.data.panels.build_panels` and
    :class:`analysis.data.panels.PanelStore` call with every category of the
    extract, so within a run every category has a distinct id, the same in
    every chapter, window and sweep set. Without a declaration (a bare
    call), only the empty-slug rule applies.

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
    >>> slugify("ترجمة")
    'category-f38e7259'
    """
    name = str(name)
    if name in _SHARED_SLUGS:
        return _SHARED_SLUGS[name]
    return _plain_slug(name) or f"category-{_name_hash(name)}"


def use_categories(names) -> None:
    """Declare the categories in use, so that :func:`slugify` gives each a distinct slug.

    Names whose slugs (by the rules of :func:`slugify` without a
    declaration) coincide get ``<slug>-<hash>``; the hash is lengthened in
    the (astronomically unlikely) case that this still meets another slug.
    Replaces any earlier declaration.
    """
    names = sorted({str(n) for n in names})
    plain = {n: _plain_slug(n) or f"category-{_name_hash(n)}" for n in names}
    groups: dict[str, list[str]] = {}
    for n, sl in plain.items():
        groups.setdefault(sl, []).append(n)
    shared = {n for members in groups.values() if len(members) > 1 for n in members}
    taken = {sl for sl, members in groups.items() if len(members) == 1}
    out: dict[str, str] = {}
    for n in sorted(shared):
        k = 8
        while (cand := f"{plain[n]}-{_name_hash(n, k)}") in taken:
            k += 8
        out[n] = cand
        taken.add(cand)
    _SHARED_SLUGS.clear()
    _SHARED_SLUGS.update(out)
    _DECLARED[:] = names


def declared_categories() -> list[str]:
    """The categories last declared with :func:`use_categories` (sorted)."""
    return list(_DECLARED)
