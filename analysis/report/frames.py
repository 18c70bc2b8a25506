"""Descriptive tables of the chapters, display tables of estimates, and the words prose takes from data.

Chapters may not compute anything themselves: every tidy frame a figure or a
glued number needs is made here from the panels of :mod:`analysis.data.panels`,
and every data-dependent word ("rose"/"fell", "supports"/"does not
support") comes from :func:`direction` or :func:`verdict`, so that the text
stays true when the book is re-run on another extract.

Periods
-------
A month is *post* when it starts on or after the treatment date (the rule of
:func:`analysis.data.simulate.post_mask`). "Around the release" compares the
twelve months after the release with the twelve months before it, the same
calendar months a year apart, so seasonality cancels.
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..core.periods import around_release, post_mask

#: Label of the pooled control categories in tidy frames and figures.
CONTROLS_LABEL = "other categories (pooled)"
#: Labels of the platform outcomes, in display order.
PLATFORM_OUTCOMES = {
    "job_posts": "Job posts",
    "contracts": "Contracts",
    "earnings_per_contract": "Earnings per contract (USD)",
}
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"]


# --------------------------------------------------------------------------- words














# --------------------------------------------------------------------------- periods






def change_around_release(series: pd.Series, treatment_date: str, n: int = 12) -> float:
    """Percent change of the mean of the ``n`` months after the release over the ``n`` months before.

    ``series`` is indexed by month. Returns NaN if either side is empty.
    """
    lab = around_release(series.index, treatment_date, n)
    before, after = series[lab == "before"], series[lab == "after"]
    if before.empty or after.empty or before.mean() == 0:
        return math.nan
    return float(100 * (after.mean() / before.mean() - 1))


# --------------------------------------------------------------------------- platform


def platform_monthly(category_month: pd.DataFrame) -> pd.DataFrame:
    """Platform totals by month: job posts, contracts, earnings, earnings per contract (ratio of sums)."""
    g = category_month.groupby("month", sort=True)[["job_posts", "contracts", "earnings"]].sum()
    g["earnings_per_contract"] = g["earnings"] / g["contracts"].where(g["contracts"] > 0)
    return g


def moving_average_12(s: pd.Series) -> pd.Series:
    """Centred 2x12 moving average (the classical trend estimate of a monthly series)."""
    w = np.r_[0.5, np.ones(11), 0.5] / 12
    return s.rolling(13, center=True).apply(lambda v: float(np.dot(v, w)), raw=True)


def platform_trends_long(category_month: pd.DataFrame, outcomes: dict | None = None) -> pd.DataFrame:
    """Tidy platform series for :func:`analysis.report.figures.platform_trends`.

    Returns
    -------
    DataFrame
        ``month``, ``outcome`` (label), ``series`` (``"monthly"`` or
        ``"12-month centred average"``), ``value``.
    """
    outcomes = outcomes or PLATFORM_OUTCOMES
    p = platform_monthly(category_month)
    parts = []
    for col, label in outcomes.items():
        s = p[col].astype("float64")
        for name, values in (("monthly", s), ("12-month centred average", moving_average_12(s))):
            parts.append(pd.DataFrame({"month": p.index, "outcome": label, "series": name,
                                       "value": values.to_numpy()}))
    return pd.concat(parts, ignore_index=True).dropna(subset=["value"]).reset_index(drop=True)


def seasonal_profile(category_month: pd.DataFrame, outcomes: dict | None = None) -> pd.DataFrame:
    """Classical seasonal factors: mean ratio to the 2x12 moving average by calendar month, in percent.

    Months without a centred average (the first and last six) are left out;
    the factors are centred to average zero over the year.

    Returns
    -------
    DataFrame
        ``calendar_month`` (1-12), ``outcome`` (label), ``value`` (percent deviation from trend).
    """
    outcomes = outcomes or {k: v for k, v in PLATFORM_OUTCOMES.items() if k != "earnings_per_contract"}
    p = platform_monthly(category_month)
    parts = []
    for col, label in outcomes.items():
        s = p[col].astype("float64")
        ratio = np.log(s / moving_average_12(s)).dropna()
        f = ratio.groupby(ratio.index.month).mean()
        f = f - f.mean()
        parts.append(pd.DataFrame({"calendar_month": f.index.astype("int64"), "outcome": label,
                                   "value": 100 * np.expm1(f.to_numpy())}))
    return pd.concat(parts, ignore_index=True)


def platform_changes(category_month: pd.DataFrame, treatment_date: str, n: int = 12) -> dict:
    """Percent change around the release (see :func:`change_around_release`) of each platform outcome."""
    p = platform_monthly(category_month)
    return {col: change_around_release(p[col], treatment_date, n) for col in PLATFORM_OUTCOMES}


def counterfactual_long(series: dict) -> pd.DataFrame:
    """Stack the series frames of :func:`analysis.estimation.platform_counterfactual` by outcome.

    Parameters
    ----------
    series : dict of str to DataFrame
        Outcome column name to its series frame.

    Returns
    -------
    DataFrame
        ``outcome`` (label), ``month``, ``observed``, ``projected``, ``lower``,
        ``upper``, ``gap_pct`` (observed over projected minus one, percent).
    """
    parts = []
    for col, df in series.items():
        d = df.copy()
        d.insert(0, "outcome", PLATFORM_OUTCOMES.get(col, col))
        d["gap_pct"] = 100 * (d["observed"] / d["projected"] - 1)
        parts.append(d)
    out = pd.concat(parts, ignore_index=True)
    if "post" in out:
        out["post"] = out["post"].astype(bool)
    return out


# --------------------------------------------------------------------------- categories


def _pooled(df: pd.DataFrame, categories: Sequence[str], by: Sequence[str], sums: Sequence[str]) -> pd.DataFrame:
    sub = df[df["category"].isin(list(categories))]
    return sub.groupby(list(by), sort=True)[list(sums)].sum().reset_index()


def _groups(df: pd.DataFrame, focus: Sequence[str], controls: Sequence[str], by: Sequence[str],
            sums: Sequence[str]) -> pd.DataFrame:
    """Sums by ``by`` for each focus category present and for the pooled controls (column ``group``)."""
    parts = []
    present = set(df["category"].astype("str"))
    for cat in focus:
        if cat in present:
            parts.append(_pooled(df, [cat], by, sums).assign(group=cat))
    if controls:
        parts.append(_pooled(df, controls, by, sums).assign(group=CONTROLS_LABEL))
    out = pd.concat(parts, ignore_index=True)
    return out[["group", *by, *sums]]


def ai_share_long(category_month: pd.DataFrame, focus: Sequence[str], controls: Sequence[str]) -> pd.DataFrame:
    """Share of AI-related posts by month for each focus category and the pooled controls.

    Returns
    -------
    DataFrame
        ``group``, ``month``, ``ai_posts``, ``job_posts``, ``share_pct``.
    """
    g = _groups(category_month, focus, controls, ["month"], ["ai_posts", "job_posts"])
    g["share_pct"] = 100 * g["ai_posts"] / g["job_posts"].where(g["job_posts"] > 0)
    return g


def ai_share_summary(category_month: pd.DataFrame, categories: Sequence[str], treatment_date: str,
                     n: int = 12) -> pd.DataFrame:
    """AI-related share of posts before and after the release, per category.

    Returns
    -------
    DataFrame
        Index ``category``; ``share_before_pct`` and ``share_after_pct`` (the
        ``n`` months either side, see :func:`around_release`),
        ``change_pp`` (percentage points), ``ai_posts_change_pct`` and
        ``other_posts_change_pct`` (percent change of the mean monthly count).
    """
    cm = category_month[category_month["category"].isin(list(categories))].copy()
    cm["period"] = around_release(cm["month"], treatment_date, n)
    cm["other_posts"] = cm["job_posts"] - cm["ai_posts"]
    g = cm[cm["period"] != ""].groupby(["category", "period"])[["ai_posts", "other_posts", "job_posts"]].mean()
    rows = []
    for cat in categories:
        if (cat, "before") not in g.index or (cat, "after") not in g.index:
            continue
        b, a = g.loc[(cat, "before")], g.loc[(cat, "after")]
        rows.append({
            "category": cat,
            "share_before_pct": 100 * b["ai_posts"] / b["job_posts"],
            "share_after_pct": 100 * a["ai_posts"] / a["job_posts"],
            "ai_posts_change_pct": 100 * (a["ai_posts"] / b["ai_posts"] - 1) if b["ai_posts"] else math.nan,
            "other_posts_change_pct": 100 * (a["other_posts"] / b["other_posts"] - 1) if b["other_posts"] else math.nan,
        })
    out = pd.DataFrame(rows, columns=["category", "share_before_pct", "share_after_pct", "ai_posts_change_pct",
                                      "other_posts_change_pct"]).set_index("category")
    out.insert(2, "change_pp", out["share_after_pct"] - out["share_before_pct"])
    return out


def tier_index_long(category_tier_month: pd.DataFrame, focus: Sequence[str], controls: Sequence[str],
                    treatment_date: str, value: str = "contracts") -> pd.DataFrame:
    """Contracts by value tier, indexed to the pre-release mean (= 100), per focus category and pooled controls.

    Returns
    -------
    DataFrame
        ``category`` (group), ``tier`` (``low value``/``high value``), ``month``, ``value`` (index).
    """
    g = _groups(category_tier_month, focus, controls, ["tier", "month"], [value])
    pre = ~post_mask(g["month"], treatment_date)
    base = g[pre].groupby(["group", "tier"])[value].mean()
    g["value"] = 100 * g[value] / g.set_index(["group", "tier"]).index.map(base).to_numpy()
    g["tier"] = g["tier"].astype("str") + " value"
    return g.rename(columns={"group": "category"})[["category", "tier", "month", "value"]]


def level_mix(category_level_month: pd.DataFrame, focus: Sequence[str], controls: Sequence[str],
              treatment_date: str, n: int = 12, value: str = "job_posts") -> pd.DataFrame:
    """Experience-level mix of job posts in the ``n`` months before and after the release.

    Returns
    -------
    DataFrame
        ``category`` (group), ``period`` (``before``/``after``), ``experience_level``, ``share_pct``.
    """
    clm = category_level_month.assign(period=around_release(category_level_month["month"], treatment_date, n))
    clm = clm[clm["period"] != ""]
    g = _groups(clm, focus, controls, ["period", "experience_level"], [value])
    g["share_pct"] = 100 * g[value] / g.groupby(["group", "period"])[value].transform("sum")
    groups = list(dict.fromkeys([*focus, CONTROLS_LABEL]))
    g["_g"] = g["group"].map({k: i for i, k in enumerate(groups)})
    g["_p"] = g["period"].map({"before": 0, "after": 1})
    g = g.sort_values(["_g", "_p", "experience_level"], kind="stable").reset_index(drop=True)
    return g.rename(columns={"group": "category"})[["category", "period", "experience_level", "share_pct"]]


def expert_share_change(mix: pd.DataFrame, level: str = "expert") -> pd.DataFrame:
    """Share of ``level`` before and after, and the change in percentage points, per category of :func:`level_mix`."""
    w = mix[mix["experience_level"] == level].pivot_table(index="category", columns="period", values="share_pct",
                                                          sort=False)
    w = w.reindex(columns=["before", "after"])
    w["change_pp"] = w["after"] - w["before"]
    w.columns.name = None
    w.index.name = "Category"
    return w


def per_contract_long(category_month: pd.DataFrame, focus: Sequence[str], controls: Sequence[str],
                      window: int = 1) -> pd.DataFrame:
    """Monthly hourly rate, hours per hourly contract, earnings per contract and mean feedback by group.

    Each is a ratio of sums over the group's categories (for the pooled
    controls, a contract-weighted average). With ``window > 1`` the sums run
    over the trailing ``window`` months (a month is labelled by the last
    month of its window), which tames the heavy tail of contract values in
    small categories; the first ``window - 1`` months are dropped.

    Returns
    -------
    DataFrame
        ``group``, ``month``, ``hourly_rate``, ``hours_per_contract``,
        ``earnings_per_contract``, ``mean_feedback``.
    """
    sums = ["hourly_earnings", "hours", "hourly_contracts", "earnings", "contracts", "feedback_sum", "n_feedback"]
    g = _groups(category_month, focus, controls, ["month"], sums)
    if window > 1:
        g = g.sort_values(["group", "month"]).reset_index(drop=True)
        g[sums] = g.groupby("group", sort=False)[sums].transform(lambda c: c.rolling(window).sum())
        g = g.dropna(subset=sums).reset_index(drop=True)
    out = g[["group", "month"]].copy()
    out["hourly_rate"] = g["hourly_earnings"] / g["hours"].where(g["hours"] > 0)
    out["hours_per_contract"] = g["hours"] / g["hourly_contracts"].where(g["hourly_contracts"] > 0)
    out["earnings_per_contract"] = g["earnings"] / g["contracts"].where(g["contracts"] > 0)
    out["mean_feedback"] = g["feedback_sum"] / g["n_feedback"].where(g["n_feedback"] > 0)
    return out


def measure_long(wide: pd.DataFrame, measures: dict, id_cols: Sequence[str] = ("group", "month")) -> pd.DataFrame:
    """Melt the measures of :func:`per_contract_long` to ``group``, ``month``, ``measure`` (label), ``value``."""
    long = wide.melt(id_vars=list(id_cols), value_vars=list(measures), var_name="measure", value_name="value")
    long["measure"] = long["measure"].map(measures)
    return long.dropna(subset=["value"]).reset_index(drop=True)


def group_changes(wide: pd.DataFrame, measure: str, treatment_date: str, n: int = 12) -> pd.Series:
    """Percent change around the release of one measure of :func:`per_contract_long`, per group."""
    return wide.groupby("group", sort=False).apply(
        lambda d: change_around_release(d.set_index("month")[measure], treatment_date, n), include_groups=False)


# --------------------------------------------------------------------------- estimates




def forest_frame(estimates: Iterable, label_of: dict, outcome_labels: dict) -> pd.DataFrame:
    """Tidy data of a forest plot from estimates.

    Parameters
    ----------
    estimates : iterable of Estimate
    label_of : dict
        Estimate id to row label (e.g. the category name).
    outcome_labels : dict
        Estimate ``outcome`` to panel label.

    Returns
    -------
    DataFrame
        ``id``, ``category`` (label), ``outcome`` (label), ``estimate_pct``,
        ``ci_low_pct``, ``ci_high_pct``, ``p_value``.
    """
    rows = [{"id": e.id, "category": label_of[e.id], "outcome": outcome_labels.get(e.outcome, e.outcome),
             "estimate_pct": e.estimate_pct, "ci_low_pct": e.ci_low_pct, "ci_high_pct": e.ci_high_pct,
             "p_value": e.p_value} for e in estimates if e.id in label_of]
    return pd.DataFrame(rows, columns=["id", "category", "outcome", "estimate_pct", "ci_low_pct", "ci_high_pct",
                                       "p_value"])












# --------------------------------------------------------------------------- chapter helpers


def present(names: Sequence[str], available: Sequence[str]) -> list[str]:
    """The names that are in ``available``, in the given order (a focus category may be absent from an extract)."""
    have = set(map(str, available))
    return [n for n in names if n in have]




def category_labels(estimates: Iterable, categories: Sequence[str]) -> dict:
    """Estimate id to category name, for ids of the form ``category.<slug>.*``."""
    from analysis.core.text import slugify

    slugs = {slugify(c): c for c in categories}
    return {e.id: slugs[e.id.split(".")[1]] for e in estimates
            if e.id.startswith("category.") and e.id.split(".")[1] in slugs}


def event_frame(studies: dict) -> pd.DataFrame:
    """Stack event-study tables (:class:`analysis.estimation.EventStudy`) by category.

    Returns
    -------
    DataFrame
        ``category``, ``rel_month``, ``coef_pct``, ``ci_low_pct``, ``ci_high_pct``.
    """
    parts = [es.table.assign(category=cat)[["category", "rel_month", "coef_pct", "ci_low_pct", "ci_high_pct"]]
             for cat, es in studies.items()]
    return pd.concat(parts, ignore_index=True)
















def placebo_forest_frame(actual: Iterable, placebos: Iterable, categories: Sequence[str],
                         labels: tuple[str, str] = ("release", "placebo, one year earlier")) -> pd.DataFrame:
    """Tidy frame of a forest plot of actual and placebo estimates (panel = ``outcome`` column)."""
    parts = []
    for label, ests in zip(labels, (actual, placebos)):
        f = forest_frame(ests, category_labels(ests, categories), {})
        parts.append(f.assign(outcome=label))
    return pd.concat(parts, ignore_index=True)




def pretrend_frame(studies: dict, outcome: str) -> pd.DataFrame:
    """The joint pre-trend test of each event study, one row per category.

    Parameters
    ----------
    studies : dict
        Category to :class:`analysis.estimation.EventStudy`.
    outcome : str
        Label of the outcome the studies share (shown in every row).

    Returns
    -------
    DataFrame
        ``Category``, ``Outcome``, ``Joint pre-trend p-value``, ``Method``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> pretrend_frame({"Writing": SimpleNamespace(pretrend_p=0.42, pretrend_method="randomization")},
    ...                "job posts").to_dict("records")
    [{'Category': 'Writing', 'Outcome': 'job posts', 'Joint pre-trend p-value': 0.42, 'Method': 'randomization'}]
    """
    return pd.DataFrame({"Category": list(studies), "Outcome": outcome,
                         "Joint pre-trend p-value": [s.pretrend_p for s in studies.values()],
                         "Method": [s.pretrend_method for s in studies.values()]},
                        columns=["Category", "Outcome", "Joint pre-trend p-value", "Method"])


#: Row labels of the estimates of :func:`analysis.estimation.did.category_effects`, by id suffix.
CATEGORY_OUTCOME_LABELS = {"job_posts": "Job posts", "earnings_per_contract": "Earnings per contract",
                           "contracts.low_value": "Low-value contracts", "contracts.high_value": "High-value contracts",
                           "contracts.tier_gap": "Low relative to high value",
                           "ai_posts": "AI-related posts", "other_posts": "Other posts",
                           "ai_share": "AI-related share"}


def leave_one_out_frame(loo: pd.DataFrame) -> pd.DataFrame:
    """The data of the leave-one-control-out figure (:func:`analysis.report.figures.leave_one_out`):
    :func:`analysis.estimation.did.leave_one_out`'s rows with ``estimate``, the row label
    ``"<category>: <estimate name>"``, first."""
    names = loo["outcome"].map(lambda o: CATEGORY_OUTCOME_LABELS.get(o, o))
    out = loo.assign(estimate=loo["category"].astype("str") + ": " + names.astype("str"))
    return out[["estimate"] + [c for c in loo.columns]].reset_index(drop=True)


def leave_one_out_table(loo: pd.DataFrame, unit: str = "%") -> pd.DataFrame:
    """One row per focus estimate of a leave-one-control-out frame
    (:func:`analysis.estimation.did.leave_one_out`, :func:`analysis.estimation.shares.leave_one_out_ai`).

    Columns: ``Category``, ``Estimate``, ``All controls (<unit>)``, ``Lowest
    without one (<unit>)``, ``Highest without one (<unit>)``, ``Moves it
    most`` (the control whose removal changes the estimate most) and
    ``Driven by`` (the controls that drive it, if any); ``unit`` is ``"%"``
    or ``"pp"`` (the share and count estimates).
    """
    rows = []
    for (cat, outcome), g in loo.groupby(["category", "outcome"], sort=False):
        most = g.loc[g["shift_pct"].abs().idxmax(), "left_out"]
        rows.append({"Category": cat, "Estimate": CATEGORY_OUTCOME_LABELS.get(outcome, outcome),
                     f"All controls ({unit})": float(g["full_pct"].iloc[0]),
                     f"Lowest without one ({unit})": float(g["estimate_pct"].min()),
                     f"Highest without one ({unit})": float(g["estimate_pct"].max()),
                     "Moves it most": most,
                     "Driven by": ", ".join(g.loc[g["drives"], "left_out"]) or "none"})
    return pd.DataFrame(rows)
