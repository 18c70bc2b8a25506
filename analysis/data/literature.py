"""Figures quoted from the literature, for the historical-context chapter.

The table ``data/literature_figures.csv`` holds a handful of published numbers
(facts quoted from cited works, not estimates made by this project).  This
module loads it, checks its shape and checks that every row cites an entry of
``book/references.bib``, so that a typo in a citation key fails loudly instead
of rendering as a broken reference in the book.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
LITERATURE_CSV = DATA_DIR / "literature_figures.csv"
REFERENCES_BIB = PROJECT_ROOT / "book" / "references.bib"

#: Columns of ``data/literature_figures.csv``, in order.
LITERATURE_COLUMNS: list[str] = [
    "id",
    "episode",
    "technology",
    "period",
    "measure",
    "value",
    "unit",
    "source_key",
    "page_or_table",
    "verified",
    "how_checked",
]

#: How a figure was checked (column ``how_checked``), strongest first: read in the
#: source's own text; read in the source's text as quoted verbatim elsewhere; a
#: statement by an author outside the paper; only reports by others.
HOW_CHECKED = ("primary text", "primary text quoted", "author statement", "secondary reports only")

_BIB_KEY = re.compile(r"^\s*@\s*(\w+)\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)


def bibtex_keys(bib_path: Path | str = REFERENCES_BIB) -> set[str]:
    """Return the citation keys defined in a BibTeX file.

    Parameters
    ----------
    bib_path : pathlib.Path or str, optional
        BibTeX file to read; defaults to ``book/references.bib``.

    Returns
    -------
    set of str
        Keys of every entry, excluding ``@comment``, ``@string`` and
        ``@preamble`` blocks.

    Raises
    ------
    FileNotFoundError
        If ``bib_path`` does not exist.

    Examples
    --------
    >>> "acemoglu2019automation" in bibtex_keys()
    True
    """
    text = Path(bib_path).read_text(encoding="utf-8")
    return {
        key
        for kind, key in _BIB_KEY.findall(text)
        if kind.lower() not in {"comment", "string", "preamble"}
    }



def short_citations(bib_path: Path | str = REFERENCES_BIB) -> dict[str, str]:
    """Author-year citations (``"Acemoglu and Restrepo (2019)"``) of every entry of a BibTeX file, by key.

    One author: ``Last (year)``; two: ``Last and Last (year)``; three or more:
    ``Last et al. (year)``; an organisation given in braces as the author is
    named whole. Read with pybtex, the parser Jupyter Book's bibliography uses.

    Examples
    --------
    >>> short_citations()["acemoglu2019automation"]
    'Acemoglu and Restrepo (2019)'
    """
    from pybtex.database import parse_file

    out = {}
    for key, entry in parse_file(str(bib_path), bib_format="bibtex").entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [" ".join(p.last_names or p.first_names).replace("{", "").replace("}", "") for p in people]
        who = (names[0] if len(names) == 1 else " and ".join(names) if len(names) == 2
               else f"{names[0]} et al." if names else key)
        out[key] = f"{who} ({entry.fields.get('year', 'n.d.')})"
    return out

def load_literature_figures(
    path: Path | str | None = None,
    bib_path: Path | str | None = None,
) -> pd.DataFrame:
    """Load and check the table of figures quoted from the literature.

    Parameters
    ----------
    path : pathlib.Path or str, optional
        CSV to read; defaults to ``data/literature_figures.csv`` next to the
        package (located from this file, so the working directory is irrelevant).
    bib_path : pathlib.Path or str, optional
        BibTeX file whose keys the ``source_key`` column must use; defaults to
        ``book/references.bib``.

    Returns
    -------
    pandas.DataFrame
        One row per quoted figure with the columns in ``LITERATURE_COLUMNS``;
        ``value`` is ``float64`` and every other column is a string.

    Raises
    ------
    ValueError
        If columns are missing or out of order, an ``id`` is duplicated, a
        ``value`` is not numeric, a ``how_checked`` is not one of
        :data:`HOW_CHECKED`, or a ``source_key`` is not defined in the
        BibTeX file.

    Examples
    --------
    >>> table = load_literature_figures()
    >>> list(table.columns) == LITERATURE_COLUMNS
    True
    >>> table["value"].dtype.kind
    'f'
    """
    csv_path = Path(path) if path is not None else LITERATURE_CSV
    bib = Path(bib_path) if bib_path is not None else REFERENCES_BIB

    table = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    if list(table.columns) != LITERATURE_COLUMNS:
        raise ValueError(
            f"{csv_path} has columns {list(table.columns)}, "
            f"expected {LITERATURE_COLUMNS}"
        )

    duplicated = table.loc[table["id"].duplicated(), "id"].tolist()
    if duplicated:
        raise ValueError(f"duplicated id(s) in {csv_path}: {duplicated}")

    values = pd.to_numeric(table["value"], errors="coerce")
    bad = table.loc[values.isna(), "id"].tolist()
    if bad:
        raise ValueError(f"non-numeric value for id(s) {bad} in {csv_path}")
    table["value"] = values.astype("float64")

    bad = table.loc[~table["how_checked"].isin(HOW_CHECKED), "id"].tolist()
    if bad:
        raise ValueError(f"how_checked of id(s) {bad} in {csv_path} is not one of {list(HOW_CHECKED)}")

    unknown = sorted(set(table["source_key"]) - bibtex_keys(bib))
    if unknown:
        raise ValueError(f"source_key(s) {unknown} are not defined in {bib}")

    return table.reset_index(drop=True)
