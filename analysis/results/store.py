"""Estimates as records, and the results table every chapter reads and writes.

Each estimator of :mod:`analysis.estimation` returns an :class:`Estimate`. A
chapter collects them and calls :func:`write_results`, which merges them into
one CSV (``results.csv``) keyed by ``id``: rows with the same id are replaced,
other rows are kept, rows are sorted by id and floats are written with a fixed
format, so identical inputs give a byte-identical file whichever chapter ran
last.

Columns
-------
id
    Dotted estimate id, e.g. ``category.writing.job_posts``; the synthetic
    extract's ``truth.json`` uses the same ids.
outcome
    Outcome variable (panel column) the estimate is about.
scope
    Who is compared with whom (e.g. ``Writing vs 9 control categories``).
estimate_pct, ci_low_pct, ci_high_pct
    Effect and its 95% interval in percent (``100*(exp(b)-1)`` for log models).
p_value
    Two-sided p-value of "no effect" under the method in ``inference``.
inference
    How the p-value and interval were obtained, in words; for an estimate
    that could not be estimated on the data, ``not estimated: <reason>``
    (:func:`not_estimated`), with the estimate, interval and p-value empty.
n_obs
    Rows used by the regression (or months, for platform series); 0 when not estimated.
chapter
    The page whose results the row comes from (its file name, e.g.
    ``03_categories``), written by the run when it merges the chapters'
    results (:func:`analysis.build.run.merge_results`); empty in a page's own
    results file and interactively. The summary links an estimate id to that
    page's anchor. A results file without this column reads as all empty.
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd

RESULT_COLUMNS = [
    "id",
    "outcome",
    "scope",
    "estimate_pct",
    "ci_low_pct",
    "ci_high_pct",
    "p_value",
    "inference",
    "n_obs",
    "chapter",
]

_STR_COLUMNS = ("id", "outcome", "scope", "inference", "chapter")
_FLOAT_COLUMNS = ("estimate_pct", "ci_low_pct", "ci_high_pct", "p_value")
#: Fixed float format of the CSV (six decimals: percent to 1e-6 points).
FLOAT_FORMAT = "%.6f"


@dataclass
class Estimate:
    """One reported effect.

    Attributes
    ----------
    id : str
        Dotted estimate id (``category.<slug>.<outcome>``, ``platform.<outcome>``,
        ``productivity.<outcome>``, ...).
    outcome : str
        Outcome variable.
    scope : str
        The comparison, in words.
    estimate_pct : float
        Effect in percent.
    ci_low_pct, ci_high_pct : float
        95% interval in percent (NaN when not available).
    p_value : float
        Two-sided p-value (NaN when not available).
    inference : str
        Method behind ``p_value`` and the interval.
    n_obs : int
        Observations used.
    coef : float, optional
        Raw coefficient (log points for log models).
    se : float, optional
        Standard error of ``coef`` under the method in ``inference`` (for
        randomization inference: the Conley-Taber scale, see
        :func:`analysis.estimation.did_panel`).
    chapter : str
        The page that reported it (``""`` until the run merges the results; see the module docstring).
    details : dict
        Extra diagnostics (placebo estimates, CRV1 results, ...); never
        written to the CSV and ignored in comparisons.
    """

    id: str
    outcome: str
    scope: str
    estimate_pct: float
    ci_low_pct: float
    ci_high_pct: float
    p_value: float
    inference: str
    n_obs: int
    coef: float | None = None
    se: float | None = None
    chapter: str = ""
    details: dict = field(default_factory=dict, repr=False, compare=False)

    def as_row(self) -> dict:
        """The estimate as a dict of the :data:`RESULT_COLUMNS`."""
        return {c: getattr(self, c) for c in RESULT_COLUMNS}


#: How the ``inference`` label of an estimate that could not be estimated begins; the reason follows
#: (:func:`not_estimated`). The reason is kept in this label only, so that it reaches the results CSV.
NOT_ESTIMATED = "not estimated: "


def not_estimated(id_: str, outcome: str, scope: str, reason: str, details: dict | None = None) -> Estimate:
    """The row of an estimate that could not be estimated on these data, and why.

    An estimator that finds its design empty (no exposed freelancers, say)
    raises :class:`analysis.estimation.common.NotEstimable`; the page records
    this row in its place, so the results table, the sentences
    (:func:`analysis.report.words.phrase`: "could not be estimated: <reason>"),
    the figures and the claim check say what happened instead of the chapter
    stopping.

    Parameters
    ----------
    id_, outcome, scope : str
        As the estimate would have had them.
    reason : str
        Why, for a reader (one line of plain text; it may name categories from
        the data, so every context escapes it as it escapes any text from data).
    details : dict, optional
        Diagnostics kept as :attr:`Estimate.details` (e.g. the sample's description).

    Returns
    -------
    Estimate
        NaN estimate, interval, p-value and ``coef``; ``n_obs`` 0; ``inference``
        :data:`NOT_ESTIMATED` followed by ``reason``.

    Examples
    --------
    >>> e = not_estimated("productivity.hourly_rate", "hourly_rate", "focus vs others", "no exposed freelancers")
    >>> e.inference, e.n_obs, not_estimated_reason(e)
    ('not estimated: no exposed freelancers', 0, 'no exposed freelancers')
    """
    reason = " ".join(str(reason).split())  # one line: it is a cell of the results CSV and a phrase
    if not reason:
        raise ValueError("a not-estimated row needs a reason")
    nan = math.nan
    return Estimate(id=id_, outcome=outcome, scope=scope, estimate_pct=nan, ci_low_pct=nan, ci_high_pct=nan,
                    p_value=nan, inference=NOT_ESTIMATED + reason, n_obs=0, coef=nan, se=None,
                    details=dict(details or {}))


def not_estimated_reason(e) -> str | None:
    """Why an estimate (an :class:`Estimate`, a results row or a dict) was not estimated; None if it was.

    Read from its ``inference`` label (:data:`NOT_ESTIMATED`); a row without
    that field counts as estimated.

    Examples
    --------
    >>> not_estimated_reason({"inference": "not estimated: no controls"}), not_estimated_reason({"inference": "CRV1"})
    ('no controls', None)
    """
    if isinstance(e, Estimate):
        label = e.inference
    elif isinstance(e, (dict, pd.Series)):
        label = e.get("inference", "")
    else:
        label = getattr(e, "inference", "")
    label = label if isinstance(label, str) else ""
    return label[len(NOT_ESTIMATED):] if label.startswith(NOT_ESTIMATED) else None


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["chapter"] = df["chapter"].fillna("") if "chapter" in df.columns else ""
    for c in _STR_COLUMNS:
        df[c] = df[c].astype("str")
    for c in _FLOAT_COLUMNS:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    df["n_obs"] = pd.to_numeric(df["n_obs"]).astype("int64")
    return df[RESULT_COLUMNS]


def results_frame(estimates: Iterable[Estimate]) -> pd.DataFrame:
    """Estimates as a DataFrame with the :data:`RESULT_COLUMNS`.

    Parameters
    ----------
    estimates : iterable of Estimate

    Returns
    -------
    pandas.DataFrame
        One row per estimate, in the given order; ``n_obs`` as int64, the
        percent and p-value columns as float64, the rest as strings.

    Raises
    ------
    ValueError
        If two estimates share an id.
    """
    rows = [e.as_row() for e in estimates]
    df = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    if df["id"].duplicated().any():
        dup = sorted(df.loc[df["id"].duplicated(), "id"].unique())
        raise ValueError(f"duplicate estimate ids: {dup}")
    return _typed(df)


def read_results(path: str | Path) -> pd.DataFrame:
    """Read a results CSV written by :func:`write_results`.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    pandas.DataFrame
        With the :data:`RESULT_COLUMNS` and their dtypes; empty frame with
        those columns if the file does not exist.
    """
    path = Path(path)
    if not path.exists():
        return _typed(pd.DataFrame({c: [] for c in RESULT_COLUMNS}))
    df = pd.read_csv(path, dtype={c: "str" for c in _STR_COLUMNS}, keep_default_na=False,
                     na_values={c: [""] for c in _FLOAT_COLUMNS})
    missing = [c for c in RESULT_COLUMNS if c not in df.columns and c != "chapter"]
    if missing:
        raise ValueError(f"{path}: not a results file (missing columns {missing})")
    return _typed(df)


def write_results(estimates: Iterable[Estimate] | pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """Merge estimates into the results CSV at ``path``.

    Rows of the existing file whose id is among the new estimates are
    replaced; the others are kept. Rows are sorted by id; floats use
    :data:`FLOAT_FORMAT` (NaN as an empty field), lines end with ``\\n``, so
    the file is byte-identical for identical inputs. The file is written to a
    temporary name and renamed, so a reader never sees a half-written file.

    Parameters
    ----------
    estimates : iterable of Estimate, or DataFrame from :func:`results_frame`
    path : str or Path
        CSV file (created with its folder if needed).

    Returns
    -------
    pandas.DataFrame
        The merged table as written.
    """
    path = Path(path)
    new = estimates if isinstance(estimates, pd.DataFrame) else results_frame(estimates)
    new = _typed(new)
    old = read_results(path)
    old = old[~old["id"].isin(set(new["id"]))]
    merged = pd.concat([old, new], ignore_index=True) if len(old) else new
    merged = merged.sort_values("id", kind="stable", ignore_index=True)
    # Round-trip floats through the fixed format so repeated merges are stable.
    for c in _FLOAT_COLUMNS:
        merged[c] = [float(FLOAT_FORMAT % v) if not (v is None or math.isnan(v)) else math.nan
                     for v in merged[c]]
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="") as fh:
            merged.to_csv(fh, index=False, float_format=FLOAT_FORMAT, na_rep="", lineterminator="\n")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return merged


def estimates_by_id(estimates: Iterable) -> dict:
    """Estimates keyed by id."""
    return {e.id: e for e in estimates}
