"""Distribution view of the value tiers: DiD of the share of contracts above each of a grid of thresholds.

Claim 4 reads "low-value work down, high-value work up" off two tiers cut at
one threshold. The same pattern appears when the whole distribution of
contract values shifts up with no work displaced. This view estimates, for
each threshold ``k`` of a grid, the difference in differences of the share
(percent) of a category's contracts whose value is at or above ``k``,
against the control categories: a curve with intervals. A displacement of
low-value work raises the share above thresholds *below* the tier cut and
leaves the relative mix above it; a shift of the whole distribution raises
the share above every threshold, most near the middle of the distribution.

The value is the post's ``budget_usd`` when the extract has it (the
ex-ante value that the tiers are cut on), otherwise the realised
``earnings_usd``. Each point is a :func:`analysis.estimation.did.did_panel`
fit of the share in levels on the category x month panel (months without
contracts left out), with the same inference as the category DiDs
(randomization inference with a Conley-Taber interval for one treated
category); it is reported in percentage points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from ..core.periods import post_mask
from .common import prepare, resolve_units
from .did import TREATMENT_DATE, did_panel
from .inference import DEFAULT_B, DEFAULT_SEED

#: Default grid of thresholds (USD): about half a decade to each side of the
#: default ``value_threshold_usd`` of 1,000, roughly evenly spaced in logs.
DEFAULT_GRID = (100.0, 200.0, 350.0, 600.0, 1000.0, 1700.0, 3000.0, 5000.0, 10000.0)


def value_column(values: pd.DataFrame) -> str:
    """``budget_usd`` when ``values`` has it, else ``earnings_usd``."""
    return "budget_usd" if "budget_usd" in values.columns else "earnings_usd"


def share_above_panel(values: pd.DataFrame, thresholds: Sequence[float] = DEFAULT_GRID,
                      column: str | None = None) -> pd.DataFrame:
    """Share of each category-month's contracts at or above each threshold.

    Parameters
    ----------
    values : DataFrame
        One row per contract: ``category``, ``month`` and the value column
        (:func:`analysis.data.panels.contract_values`).
    thresholds : sequence of float
        The grid (USD).
    column : str, optional
        Value column; default :func:`value_column`.

    Returns
    -------
    DataFrame
        ``category``, ``month``, ``threshold``, ``contracts``, ``share``
        (percent).

    Examples
    --------
    >>> v = pd.DataFrame({"category": ["a"] * 4, "month": pd.Timestamp("2022-01-01"),
    ...                   "earnings_usd": [50.0, 150.0, 250.0, 1000.0]})
    >>> share_above_panel(v, [100, 1000])["share"].tolist()
    [75.0, 25.0]
    """
    column = column or value_column(values)
    x = values[column].to_numpy(dtype="float64")
    key = values[["category", "month"]].reset_index(drop=True)
    out = []
    for k in thresholds:
        g = key.assign(above=(x >= float(k)).astype("int64")).groupby(["category", "month"], as_index=False)
        agg = g.agg(contracts=("above", "size"), above=("above", "sum"))
        agg["threshold"] = float(k)
        agg["share"] = 100.0 * agg["above"] / agg["contracts"]
        out.append(agg[["category", "month", "threshold", "contracts", "share"]])
    return pd.concat(out, ignore_index=True)


def share_above_did(values: pd.DataFrame, treated: str, controls: Sequence[str] | None = None,
                    thresholds: Sequence[float] = DEFAULT_GRID, treatment_date: str = TREATMENT_DATE,
                    column: str | None = None, inference: str = "auto", seed: int = DEFAULT_SEED,
                    b_reps: int = DEFAULT_B) -> pd.DataFrame:
    """DiD of the share of contracts at or above each threshold: the distribution curve.

    Parameters
    ----------
    values : DataFrame
        One row per contract (see :func:`share_above_panel`).
    treated : str
        The focus category.
    controls : sequence of str, optional
        Control categories (default: every other category).
    thresholds : sequence of float
        The grid (USD).
    treatment_date, inference, seed, b_reps
        As in :func:`analysis.estimation.did.did_panel`.
    column : str, optional
        Value column; default :func:`value_column`.

    Returns
    -------
    DataFrame
        One row per threshold: ``threshold``, ``estimate_pp``, ``ci_low_pp``,
        ``ci_high_pp`` (percentage points), ``p_value``, ``pre_share``
        (the focus category's mean pre-release share, percent),
        ``inference``, ``n_obs``, ``category``, ``column``.
    """
    column = column or value_column(values)
    panel = share_above_panel(values, thresholds, column)
    rows = []
    for k in thresholds:
        sub = panel[panel["threshold"] == float(k)]
        t, ctrl = resolve_units(sub, "category", treated, controls)
        est = did_panel(sub, "share", t, ctrl, treatment_date=treatment_date, log=False, inference=inference,
                        seed=seed, b_reps=b_reps, id=f"distribution.share_above.{k:g}",
                        scope=f"{treated}: share of contracts with {column} >= {k:g}")
        df = prepare(sub, "share", t, "category", log=False)
        pre = df.loc[~post_mask(df["month"], treatment_date), "_y"].mean()
        # The share is in percent, so the level coefficient is already in percentage points; going
        # through did_panel's percent of the pre-period mean would divide by zero at a threshold that
        # no pre-release contract of the category reaches (a small extract, the grid's top).
        lo, hi = est.details["ci_coef"]
        rows.append(dict(threshold=float(k), estimate_pp=float(est.coef), ci_low_pp=lo, ci_high_pp=hi,
                         p_value=est.p_value, pre_share=float(pre), inference=est.inference,
                         n_obs=est.n_obs, category=str(treated), column=column))
    return pd.DataFrame(rows)


def share_above_curves(values: pd.DataFrame, categories: Sequence[str], controls: Sequence[str] | None = None,
                       thresholds: Sequence[float] = DEFAULT_GRID, **kw) -> pd.DataFrame:
    """:func:`share_above_did` for each of ``categories``, concatenated (``kw`` passed on)."""
    return pd.concat([share_above_did(values, c, controls, thresholds, **kw) for c in categories],
                     ignore_index=True)


def curve_at(curve: pd.DataFrame, category: str, threshold: float) -> pd.Series:
    """The row of ``category``'s curve at the grid threshold nearest ``threshold`` (in logs).

    >>> c = pd.DataFrame({"category": "a", "threshold": [100.0, 1000.0, 5000.0], "estimate_pp": [1.0, 2.0, 3.0]})
    >>> float(curve_at(c, "a", 1200)["estimate_pp"])
    2.0
    """
    rows = curve[curve["category"] == category]
    i = (rows["threshold"].map(math.log) - math.log(float(threshold))).abs().idxmin()
    return rows.loc[i]
