"""Shared by the estimators: sample preparation (which units, which rows, which outcome scale), and
:class:`NotEstimable`, raised when the data leave a design with nothing to compare."""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from ..core.text import slugify
from ..results import Estimate, estimates_by_id, not_estimated


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


#: Columns of :func:`leave_one_out_rows`.
LEAVE_ONE_OUT_COLUMNS = ["category", "outcome", "left_out", "estimate_pct", "full_pct", "full_ci_low_pct",
                         "full_ci_high_pct", "shift_pct", "drives"]


def leave_one_out_rows(focus: Sequence[str], controls: Sequence[str], full: Iterable,
                       refit: Callable[[list[str]], Iterable[Estimate]]) -> pd.DataFrame:
    """Focus estimates re-estimated without each control in turn: the one leave-one-control-out rule.

    ``refit(others)`` returns the estimates (ids ``category.<slug>.<outcome>``)
    with the controls ``others``; each is compared with the estimate of the
    same id in ``full`` (with every control). A control *drives* an estimate
    when leaving it out moves the point estimate outside the full estimate's
    95% interval or flips its sign. With fewer than three controls there is
    nothing to leave out (an empty frame with the columns). Estimates of
    ``full`` without an interval (not estimated) are skipped.

    Returns
    -------
    DataFrame
        Columns :data:`LEAVE_ONE_OUT_COLUMNS`; ``estimate_pct``, ``full_pct``,
        ``shift_pct`` and the interval are in the estimates' own unit
        (percent, or percentage points for the share and count estimates).
    """
    by_id = estimates_by_id(full)
    controls = list(controls)
    if len(controls) < 3:
        return pd.DataFrame(columns=LEAVE_ONE_OUT_COLUMNS)
    rows = []
    for c in controls:
        for e in refit([x for x in controls if x != c]):
            f = by_id.get(e.id)
            if f is None or not np.isfinite(f.ci_low_pct) or not np.isfinite(e.estimate_pct):
                continue
            cat_slug, outcome = e.id.split(".", 2)[1:]
            cat = next(x for x in focus if slugify(x) == cat_slug)
            drives = (not f.ci_low_pct <= e.estimate_pct <= f.ci_high_pct) or (np.sign(e.estimate_pct)
                                                                                != np.sign(f.estimate_pct))
            rows.append(dict(category=cat, outcome=outcome, left_out=c, estimate_pct=e.estimate_pct,
                             full_pct=f.estimate_pct, full_ci_low_pct=f.ci_low_pct, full_ci_high_pct=f.ci_high_pct,
                             shift_pct=e.estimate_pct - f.estimate_pct, drives=bool(drives)))
    return pd.DataFrame(rows, columns=LEAVE_ONE_OUT_COLUMNS)
