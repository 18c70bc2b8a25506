"""Shared by the estimators: sample preparation (which units, which rows, which outcome scale), and
:class:`NotEstimable`, raised when the data leave a design with nothing to compare."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..results import Estimate, not_estimated


class NotEstimable(ValueError):
    """The data leave this estimator's design with nothing to compare; ``reason`` says why, for a reader.

    Raised instead of a fit that would fail inside pyfixest ("All variables
    are collinear") or return a meaningless number: for example a
    within-freelancer regression without exposed freelancers, without control
    freelancers, or with a group none of whose freelancers is observed both
    before and after the treatment date. It is a ``ValueError``, so callers
    that catch those keep working; :meth:`analysis.page.Page.estimate` and
    :func:`analysis.claims.compute_estimates` catch it and record
    :meth:`as_estimate` instead, so a chapter says "could not be estimated:
    <reason>" rather than stopping.

    Parameters
    ----------
    reason : str
        Plain text, one line, without a final full stop (it is quoted inside
        sentences); may name categories (escaped by each context, as all text
        from data).
    id, outcome, scope : str
        Of the estimate that could not be made (as the estimator would have
        named it), for :meth:`as_estimate`.
    details : dict, optional
        Diagnostics the page still needs (e.g. the freelancer sample's description).
    """

    def __init__(self, reason: str, id: str, outcome: str, scope: str, details: dict | None = None):
        super().__init__(reason)
        self.reason, self.id, self.outcome, self.scope = reason, id, outcome, scope
        self.details = dict(details or {})

    def as_estimate(self) -> Estimate:
        """The results row recording that the estimate was not made (:func:`analysis.results.not_estimated`)."""
        return not_estimated(self.id, self.outcome, self.scope, self.reason, self.details)


def estimate_or_not(func, *args, **kw):
    """``func(*args, **kw)``, or the "not estimated" row of the :class:`NotEstimable` it raises.

    The one place where an estimator's "nothing to compare" becomes a
    recorded row (:meth:`NotEstimable.as_estimate`): used by the pages
    (:meth:`analysis.page.Page.estimate`), the claim check's own estimates
    and the parameter sweep, so they all record the same row.
    """
    try:
        return func(*args, **kw)
    except NotEstimable as exc:
        return exc.as_estimate()


def prepare(panel: pd.DataFrame, outcome: str, units: Sequence[str], unit: str, log: bool) -> pd.DataFrame:
    df = panel[panel[unit].astype("str").isin(list(units))].copy()
    y = pd.to_numeric(df[outcome], errors="coerce").astype("float64")
    if log:
        keep = y.notna() & (y > 0)
        df = df[keep].copy()
        df["_y"] = np.log(y[keep])
    else:
        keep = y.notna()
        df = df[keep].copy()
        df["_y"] = y[keep]
    df[unit] = df[unit].astype("str")
    df = df.reset_index(drop=True)
    df["_row"] = np.arange(len(df))
    return df


def resolve_units(panel: pd.DataFrame, unit: str, treated, controls) -> tuple[list[str], list[str]]:
    treated = [treated] if isinstance(treated, str) else list(treated)
    all_units = sorted(panel[unit].astype("str").unique())
    missing = [t for t in treated if t not in all_units]
    if missing:
        raise ValueError(f"treated units not in the panel: {missing}")
    controls = [c for c in (controls or []) if c not in treated]
    if not controls:
        controls = [u for u in all_units if u not in treated]
    bad = [c for c in controls if c not in all_units]
    if bad:
        raise ValueError(f"control units not in the panel: {bad}")
    if not treated or not controls:
        raise ValueError("need at least one treated and one control unit")
    return sorted(treated), sorted(controls)
