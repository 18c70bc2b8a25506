"""Descriptive tables of the chapters, display tables of estimates, and the words prose takes from data.

Chapters may not compute anything themselves: every tidy frame a figure or a
glued number needs is made here from the panels of :mod:`analysis.panels`,
and every data-dependent word ("rose"/"fell", "supports"/"does not
support") comes from :func:`direction` or :func:`verdict`, so that the text
stays true when the book is re-run on another extract.

Periods
-------
A month is *post* when it starts on or after the treatment date (the rule of
:func:`analysis.simulate.post_mask`). "Around the release" compares the
twelve months after the release with the twelve months before it, the same
calendar months a year apart, so seasonality cancels.
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from .simulate import post_mask

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



def styled(df: pd.DataFrame):
    """``df.style`` with every text cell and index label HTML-escaped.

    Category names come from the user's extract and may contain markup
    (``<script>``); pandas' Styler does not escape by default, so every
    display table of the book goes through this function.

    Examples
    --------
    >>> styled(pd.DataFrame({"c": ["<b>"]})).to_html().count("&lt;b&gt;")
    1
    """
    import html

    def esc(v):
        return html.escape(v, quote=False) if isinstance(v, str) else v

    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(esc)
    out.index = out.index.map(esc)
    out.columns = out.columns.map(esc)
    return out.style

def direction(x: float, up: str = "rose", down: str = "fell", flat: str = "did not change",
              tol: float = 0.0) -> str:
    """The word for the sign of ``x``: ``up`` if ``x > tol``, ``down`` if ``x < -tol``, else ``flat``.

    Examples
    --------
    >>> direction(3.2), direction(-0.1), direction(0.0)
    ('rose', 'fell', 'did not change')
    >>> direction(-4, up="higher", down="lower")
    'lower'
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "could not be measured"
    if x > tol:
        return up
    if x < -tol:
        return down
    return flat


def verdict(estimate: float, ci_low: float, ci_high: float, expected: int = 1,
            yes: str = "supports", weak: str = "points the same way as, but does not establish,",
            no: str = "does not support") -> str:
    """Whether an estimate supports a hypothesis of sign ``expected`` (+1 or -1).

    ``yes`` when the whole 95% interval lies on the expected side of zero,
    ``weak`` when only the point estimate does, ``no`` otherwise (including a
    missing estimate).

    Examples
    --------
    >>> verdict(5, 1, 9), verdict(5, -1, 11), verdict(-5, -9, -1)
    ('supports', 'points the same way as, but does not establish,', 'does not support')
    >>> verdict(-5, -9, -1, expected=-1)
    'supports'
    """
    vals = [estimate, ci_low, ci_high]
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in vals[:1]):
        return no
    s = np.sign(expected)
    if s * estimate <= 0:
        return no
    lo, hi = sorted([ci_low, ci_high])
    if not (math.isnan(lo) or math.isnan(hi)) and ((s > 0 and lo > 0) or (s < 0 and hi < 0)):
        return yes
    return weak


def interval_word(ci_low: float, ci_high: float, yes: str = "excludes", no: str = "includes") -> str:
    """``yes`` if the interval excludes zero, ``no`` if it includes it (or is missing)."""
    if ci_low is None or ci_high is None or math.isnan(ci_low) or math.isnan(ci_high):
        return no
    return yes if (ci_low > 0 or ci_high < 0) else no


def pretrend_word(p: float, alpha: float = 0.10, ok: str = "gives no evidence against",
                  bad: str = "casts doubt on") -> str:
    """Word for a pre-trend test: ``ok`` when ``p >= alpha``, ``bad`` otherwise."""
    return ok if (p is not None and not math.isnan(p) and p >= alpha) else bad


def name_list(names: Sequence[str], conj: str = "and") -> str:
    """``"A"``, ``"A and B"``, ``"A, B and C"``."""
    names = [str(n) for n in names]
    if not names:
        return "none"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + f" {conj} " + names[-1]


# --------------------------------------------------------------------------- periods


def post_months(months, treatment_date: str) -> np.ndarray:
    """Boolean post indicator of a column of first-of-month dates."""
    return post_mask(pd.DatetimeIndex(pd.to_datetime(months)), treatment_date)


def around_release(months, treatment_date: str, n: int = 12) -> np.ndarray:
    """Label each month ``"before"`` (the ``n`` months before the first post month),
    ``"after"`` (the first ``n`` post months) or ``""``."""
    m = pd.DatetimeIndex(pd.to_datetime(months)).to_period("M")
    ts = pd.Timestamp(treatment_date)
    first = ts.to_period("M") if ts == ts.to_period("M").to_timestamp() else ts.to_period("M") + 1
    rel = np.asarray([(x - first).n for x in m])
    return np.where((rel >= -n) & (rel < 0), "before", np.where((rel >= 0) & (rel < n), "after", ""))


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
    """Tidy platform series for :func:`analysis.figures.platform_trends`.

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
    """Stack the series frames of :func:`analysis.estimators.platform_counterfactual` by outcome.

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


def with_other_posts(category_month: pd.DataFrame) -> pd.DataFrame:
    """The panel with ``other_posts``: job posts that are not AI-related."""
    return category_month.assign(other_posts=category_month["job_posts"] - category_month["ai_posts"])


def tier_index_long(category_tier_month: pd.DataFrame, focus: Sequence[str], controls: Sequence[str],
                    treatment_date: str, value: str = "contracts") -> pd.DataFrame:
    """Contracts by value tier, indexed to the pre-release mean (= 100), per focus category and pooled controls.

    Returns
    -------
    DataFrame
        ``category`` (group), ``tier`` (``low value``/``high value``), ``month``, ``value`` (index).
    """
    g = _groups(category_tier_month, focus, controls, ["tier", "month"], [value])
    pre = ~post_months(g["month"], treatment_date)
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


def estimates_by_id(estimates: Iterable) -> dict:
    """Estimates keyed by id."""
    return {e.id: e for e in estimates}


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


def p_text(p: float) -> str:
    """A p-value for tables: three decimals, ``<0.001`` below that, empty when missing."""
    if p is None or math.isnan(p):
        return ""
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def display_estimates(estimates: Iterable, labels: dict | None = None, digits: int = 1,
                      inference: bool = False):
    """A display table of estimates (a pandas ``Styler`` without index).

    Columns: estimate id, comparison (``labels[id]`` or the scope), effect,
    95% interval, p-value, n and, with ``inference=True``, the inference
    method (otherwise state it once in the text).
    """
    rows = []
    for e in estimates:
        ci = ("" if any(math.isnan(v) for v in (e.ci_low_pct, e.ci_high_pct))
              else f"[{e.ci_low_pct:.{digits}f}, {e.ci_high_pct:.{digits}f}]")
        row = {
            "Estimate id": e.id,
            "Comparison": (labels or {}).get(e.id, e.scope),
            "Effect (%)": f"{e.estimate_pct:.{digits}f}",
            "95% interval (%)": ci,
            "p-value": p_text(e.p_value),
            "n": f"{e.n_obs:,}",
        }
        if inference:
            row["Inference"] = e.inference
        rows.append(row)
    return styled(pd.DataFrame(rows)).hide(axis="index")


def display_frame(df: pd.DataFrame, formats: dict | None = None, index: bool = True):
    """A ``Styler`` of a descriptive frame with the given column formats."""
    st = styled(df).format(formats or {}, na_rep="")
    return st if index else st.hide(axis="index")


def source_note(ctx) -> str:
    """Plain-text provenance of a chapter's figures (data, checksum, parameters)."""
    p = ctx.params
    what = "bundled synthetic extract (illustrative)" if ctx.is_synthetic else f"extract {ctx.data_dir.name}"
    return (f"Data: {what}, checksum {ctx.short_checksum}; {p['start']} to {p['end']}; "
            f"treatment date {p['treatment_date']}; contract-value threshold USD {p['value_threshold_usd']:,.0f}; "
            f"seed {p['seed']}.")


def data_label(ctx) -> str:
    """Short data label for figure captions: ``synthetic default`` or the user's extract."""
    return "synthetic default data (illustrative)" if ctx.is_synthetic else f"extract {ctx.data_dir.name}"


# --------------------------------------------------------------------------- chapter helpers


def present(names: Sequence[str], available: Sequence[str]) -> list[str]:
    """The names that are in ``available``, in the given order (a focus category may be absent from an extract)."""
    have = set(map(str, available))
    return [n for n in names if n in have]


def all_category_effects(category_month: pd.DataFrame, focus: Sequence[str], controls: Sequence[str],
                         focus_estimates: Iterable, outcomes: Sequence[str] = ("job_posts", "earnings_per_contract"),
                         treatment_date: str = "2022-11-30", seed: int = 20240501) -> list:
    """DiD estimates of every category, for the all-category forest plot.

    Focus categories take their estimates from ``focus_estimates`` (ids
    ``category.<slug>.<outcome>``, compared with ``controls``); every other
    category is compared with the remaining control categories, with the same
    estimator (:func:`analysis.estimators.did_panel`), under the same id
    pattern. A control category's estimate is a check: no planted effect, so
    it shows how large an "effect" arises from noise alone.

    Returns
    -------
    list of Estimate
        The focus estimates for ``outcomes`` followed by the controls', category by category.
    """
    from .config import slugify
    from .estimators import did_panel

    by_id = estimates_by_id(focus_estimates)
    out = [by_id[f"category.{slugify(c)}.{o}"] for c in focus for o in outcomes
           if f"category.{slugify(c)}.{o}" in by_id]
    for c in controls:
        others = [x for x in controls if x != c]
        if not others:
            continue
        for o in outcomes:
            out.append(did_panel(category_month, o, c, others, treatment_date=treatment_date, seed=seed,
                                 id=f"category.{slugify(c)}.{o}",
                                 scope=f"{c} vs {len(others)} other control categories"))
    return out


def category_labels(estimates: Iterable, categories: Sequence[str]) -> dict:
    """Estimate id to category name, for ids of the form ``category.<slug>.*``."""
    from .config import slugify

    slugs = {slugify(c): c for c in categories}
    return {e.id: slugs[e.id.split(".")[1]] for e in estimates
            if e.id.startswith("category.") and e.id.split(".")[1] in slugs}


def event_frame(studies: dict) -> pd.DataFrame:
    """Stack event-study tables (:class:`analysis.estimators.EventStudy`) by category.

    Returns
    -------
    DataFrame
        ``category``, ``rel_month``, ``coef_pct``, ``ci_low_pct``, ``ci_high_pct``.
    """
    parts = [es.table.assign(category=cat)[["category", "rel_month", "coef_pct", "ci_low_pct", "ci_high_pct"]]
             for cat, es in studies.items()]
    return pd.concat(parts, ignore_index=True)


def pretrend_estimate(study, id: str, outcome: str, scope: str, ref: int = -1):
    """The pre-trend test of an event study as an :class:`~analysis.results.Estimate` for the results table.

    ``estimate_pct`` is the mean of the pre-release coefficients other than
    the reference month (percent), ``p_value`` the joint test of
    :func:`analysis.estimators.event_study`; there is no interval.
    """
    from .results import Estimate

    t = study.table
    pre = t[(t["rel_month"] < 0) & (t["rel_month"] != ref)]
    return Estimate(id=id, outcome=outcome, scope=scope, estimate_pct=float(pre["coef_pct"].mean()),
                    ci_low_pct=math.nan, ci_high_pct=math.nan, p_value=float(study.pretrend_p),
                    inference=f"joint pre-trend test: {study.pretrend_method}", n_obs=int(study.n_obs))


def pretrend_table(studies: dict):
    """Display table of the pre-trend tests, one row per category."""
    rows = [{"Category": c, "Pre-release months tested": int(((es.table["rel_month"] < 0)
                                                               & es.table["se"].notna()).sum()),
             "Joint p-value": p_text(es.pretrend_p)} for c, es in studies.items()]
    return styled(pd.DataFrame(rows)).hide(axis="index")


def count_where(values: Iterable[bool]) -> int:
    """Number of true values."""
    return int(sum(bool(v) for v in values))


def excludes_zero(e) -> bool:
    """True when an estimate's 95% interval excludes zero."""
    return interval_word(e.ci_low_pct, e.ci_high_pct) == "excludes"


def ai_table(summary: pd.DataFrame):
    """Display table of :func:`ai_share_summary`."""
    df = summary.drop(columns=["ai_posts_change_pct"]).rename(columns={"share_before_pct": "AI share before (%)", "share_after_pct": "AI share after (%)",
                                 "change_pp": "Change (pp)", "ai_posts_change_pct": "AI posts (% change)",
                                 "other_posts_change_pct": "Other posts (% change)"})
    df.index.name = "Category"
    return styled(df).format("{:.1f}", na_rep="")


def name_of_min(names: Sequence[str], values: Sequence[float]) -> str:
    """The name whose value is smallest (first on ties)."""
    return list(names)[int(np.argmin(np.asarray(values, dtype="float64")))]


def placebo_date(treatment_date: str, years: int = 1) -> str:
    """The placebo release date: ``years`` before the treatment date (the default of
    :func:`analysis.estimators.placebo_did`)."""
    return (pd.Timestamp(treatment_date) - pd.DateOffset(years=years)).strftime("%Y-%m-%d")


def placebo_forest_frame(actual: Iterable, placebos: Iterable, categories: Sequence[str],
                         labels: tuple[str, str] = ("release", "placebo, one year earlier")) -> pd.DataFrame:
    """Tidy frame of a forest plot of actual and placebo estimates (panel = ``outcome`` column)."""
    parts = []
    for label, ests in zip(labels, (actual, placebos)):
        f = forest_frame(ests, category_labels(ests, categories), {})
        parts.append(f.assign(outcome=label))
    return pd.concat(parts, ignore_index=True)


def freelancer_sample_sentence(sample: dict, n_used: int | None = None) -> str:
    """Which freelancers a within-freelancer regression uses, as Markdown sentences.

    Parameters
    ----------
    sample : dict
        ``Estimate.details["sample"]`` of
        :func:`analysis.estimators.within_freelancer`.
    n_used : int, optional
        Freelancers left after dropping those seen in one month only
        (``Estimate.details["n_freelancers"]``).

    Examples
    --------
    >>> freelancer_sample_sentence({"n_freelancers": 4239, "n_sampled": 4239, "sampled": False,
    ...                             "max_freelancers": 25000, "seed": 1})
    'The regressions use all 4,239 freelancers of the extract (the run parameter `max_freelancers`, 25,000, caps them).'
    >>> freelancer_sample_sentence({"n_freelancers": 209830, "n_sampled": 25000, "sampled": True,
    ...                             "max_freelancers": 25000, "seed": 7}, 20991)[:79]
    'The regressions use a simple random sample of 25,000 of the 209,830 freelancers'
    """
    cap = sample["max_freelancers"]
    if not sample["sampled"]:
        limit = "the run parameter `max_freelancers` is 0: no cap" if not cap else \
            f"the run parameter `max_freelancers`, {cap:,}, caps them"
        text = f"The regressions use all {sample['n_freelancers']:,} freelancers of the extract ({limit})."
    else:
        text = (f"The regressions use a simple random sample of {sample['n_sampled']:,} of the "
                f"{sample['n_freelancers']:,} freelancers of the extract, with all their months (drawn with seed "
                f"{sample['seed']}; run parameter `max_freelancers`, 0 for every freelancer). "
                f"Their cost grows with the rows of the freelancer panel, while their precision comes from the "
                f"contrast between categories, which a large random sample of freelancers keeps.")
    if n_used is not None:
        text += (f" After dropping freelancers seen in one month only (their own fixed effect would fit them "
                 f"exactly), {n_used:,} remain.")
    return text
