"""Difference-in-differences in percentage points: shares of job posts, and post counts per pre-release post.

Shares (:func:`share_did`): the AI-related and the expert-level share of a
category's job posts. Counts (:func:`post_count_did`): AI-related and other
(not AI-related) job posts of a category, each as a percent of the
category's mean monthly job posts before the release
(:func:`count_panel`). The two counts add up to all job posts in the same
unit, so the DiD of AI-related posts plus the DiD of other posts is exactly
the DiD of job posts in that unit (the model is linear in the outcome and
both fits use the same rows): the change in a category's posts against the
controls splits into an AI-related part and an other part, and neither
starts near zero the way a share of AI-related posts does.
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from ..core.periods import estimation_mask, post_mask
from ..core.text import slugify
from .common import leave_one_out_rows


def share_panel(category_month: pd.DataFrame) -> pd.DataFrame:
    """``category_month`` with ``ai_share`` and ``expert_share``: percent of job posts (NaN without posts)."""
    posts = category_month["job_posts"].astype("float64").where(category_month["job_posts"] > 0)
    return category_month.assign(ai_share=100 * category_month["ai_posts"] / posts,
                                 expert_share=100 * category_month["expert_posts"] / posts)


def share_did(category_month: pd.DataFrame, share: str, treated, controls: Sequence[str] | None = None,
              treatment_date: str | None = None, seed: int | None = None, inference: str = "auto",
              id: str | None = None, scope: str | None = None):
    """DiD of a share of job posts, in percentage points.

    Fits ``share ~ D | category + month`` in levels with
    :func:`analysis.estimation.did_panel` (randomization inference with a
    Conley-Taber interval for one treated category, wild cluster bootstrap
    for several). ``did_panel`` reports level models as percent of the
    treated units' pre-period mean, which is undefined when that mean is zero
    (no AI-related posts before the release); the share is therefore shifted
    by 100 before fitting (absorbed by the fixed effects: the coefficient is
    unchanged) and the estimate and interval are converted back to
    **percentage points**.

    Parameters
    ----------
    category_month : DataFrame
        The ``category_month`` panel.
    share : {"ai_share", "expert_share"}
        Column of :func:`share_panel`.
    treated : str or sequence of str
    controls : sequence of str, optional
        Control categories (default: every other category).
    treatment_date, seed : optional
        Defaults of :mod:`analysis.estimation`.
    inference : str
        Passed to ``did_panel``.
    id, scope : str, optional

    Returns
    -------
    Estimate
        ``outcome`` is ``<share>_pp``; ``estimate_pct``, ``ci_low_pct`` and
        ``ci_high_pct`` are in percentage points (``coef`` too).
    """
    panel = share_panel(category_month)
    e = _level_did_pp(panel, share, treated, controls, treatment_date, seed, inference, id, scope)
    e.details["pre_share_pct"] = e.details.pop("pre_mean")
    return e


def _level_did_pp(panel: pd.DataFrame, outcome: str, treated, controls, treatment_date, seed, inference, id, scope):
    """Level DiD of an outcome in percent (a share, or a count per pre-release post), reported in pp.

    ``did_panel`` reports level models as percent of the treated units'
    pre-period mean, undefined when that mean is zero (no AI-related posts
    before the release); the outcome is shifted by 100 before fitting
    (absorbed by the fixed effects: the coefficient is unchanged) and the
    estimate and interval are converted back to percentage points.
    ``details["pre_mean"]`` is the treated units' pre-period mean of the
    outcome (unshifted).
    """
    from analysis import estimation as est

    shift = 100.0
    panel = panel.copy()
    panel[outcome] = panel[outcome] + shift
    tr = [treated] if isinstance(treated, str) else list(treated)
    kw = estimation_kwargs(treatment_date, seed)
    e = est.did_panel(panel, outcome, treated, controls, log=False, inference=inference, id=id, scope=scope, **kw)
    td = kw.get("treatment_date", est.TREATMENT_DATE)
    pre = ~post_mask(panel["month"], td) & estimation_mask(panel["month"], td)  # did_panel's pre rows
    rows = panel["category"].astype("str").isin(tr).to_numpy() & pre & panel[outcome].notna().to_numpy()
    scale = float(panel.loc[rows, outcome].mean())
    e.outcome = f"{outcome}_pp"
    e.estimate_pct, e.ci_low_pct, e.ci_high_pct = (v * scale / 100 for v in
                                                   (e.estimate_pct, e.ci_low_pct, e.ci_high_pct))
    e.details["pre_mean"] = scale - shift
    return e


#: The post counts of :func:`count_panel`: AI-related, not AI-related, and all job posts.
POST_COUNTS = ("ai_posts", "other_posts", "job_posts")


def count_panel(category_month: pd.DataFrame, treatment_date: str | None = None) -> pd.DataFrame:
    """``category_month`` with each post count per 100 pre-release posts of its category.

    Adds ``other_posts`` (job posts that are not AI-related) and, for each
    count of :data:`POST_COUNTS`, ``<count>_per_pre``: ``100 * count /
    P_c``, where ``P_c`` is the category's mean monthly job posts over the
    pre-release months of the estimation sample (post rule and partly
    treated month of :mod:`analysis.core.periods`). A DiD of
    ``<count>_per_pre`` is then a change in percent of the category's
    pre-release posts: percentage points of ``P_c``. ``ai_posts_per_pre +
    other_posts_per_pre == job_posts_per_pre`` in every row. A category
    without pre-release posts has NaN throughout (nothing to scale by).

    Examples
    --------
    >>> cm = pd.DataFrame({"category": ["A"] * 3, "month": pd.to_datetime(["2022-10-01", "2022-11-01",
    ...                    "2022-12-01"]), "job_posts": [90, 110, 130], "ai_posts": [1, 1, 21]})
    >>> count_panel(cm, "2022-11-30")[["ai_posts_per_pre", "other_posts_per_pre", "job_posts_per_pre"]].iloc[2].tolist()
    [21.0, 109.0, 130.0]
    """
    from analysis import estimation as est

    td = treatment_date or est.TREATMENT_DATE
    cm = category_month.assign(other_posts=category_month["job_posts"] - category_month["ai_posts"])
    pre = ~post_mask(cm["month"], td) & estimation_mask(cm["month"], td)
    cat = cm["category"].astype("str")
    base = cm["job_posts"].astype("float64").where(pre).groupby(cat).transform("mean")
    base = base.where(base > 0)
    return cm.assign(**{f"{c}_per_pre": 100 * cm[c].astype("float64") / base for c in POST_COUNTS})


def post_count_did(category_month: pd.DataFrame, category: str, count: str, controls: Sequence[str] | None = None,
                   treatment_date: str | None = None, seed: int | None = None, inference: str = "auto"):
    """DiD of a post count per pre-release post: one category vs the controls (percentage points).

    The outcome is ``<count>_per_pre`` of :func:`count_panel`, fitted in
    levels as :func:`share_did` fits a share (same inference). The estimate
    is the category's change in ``count`` minus the controls' mean change,
    each in percent of its own pre-release monthly job posts; in percentage
    points (``outcome`` ``<count>_per_pre_pp``). Id ``category.<slug>.<count>``.

    Parameters
    ----------
    category_month : DataFrame
    category : str
    count : {"ai_posts", "other_posts", "job_posts"}
    controls, treatment_date, seed, inference
        As in :func:`share_did`.

    Returns
    -------
    Estimate
        ``details["pre_mean"]`` is the category's pre-release mean of the
        outcome (100 for ``job_posts``).
    """
    if count not in POST_COUNTS:
        raise ValueError(f"count must be one of {POST_COUNTS}, not {count!r}")
    n = len(default_controls(category_month, [category], controls))
    what = {"ai_posts": "AI-related posts", "other_posts": "posts not AI-related", "job_posts": "job posts"}[count]
    slug = slugify(category)
    id_ = f"category.{slug}.{count}" if count != "job_posts" else f"category.{slug}.job_posts_per_pre"
    return _level_did_pp(count_panel(category_month, treatment_date), f"{count}_per_pre", category, controls,
                         treatment_date, seed, inference, id_,
                         f"{category} vs {n} control categories, {what} (percentage points of pre-release posts)")


def post_count_dids(category_month: pd.DataFrame, category: str, controls: Sequence[str] | None = None,
                    treatment_date: str | None = None, seed: int | None = None, inference: str = "auto") -> list:
    """AI-related and other posts of one category vs the controls: ``[ai_posts, other_posts]``.

    See :func:`post_count_did`. Their sum is the DiD of all job posts in
    the same unit (``post_count_did(..., "job_posts")``) to rounding.
    """
    return [post_count_did(category_month, category, c, controls, treatment_date, seed, inference)
            for c in ("ai_posts", "other_posts")]


def ai_share_did(category_month: pd.DataFrame, category: str, controls: Sequence[str] | None = None,
                 treatment_date: str | None = None, seed: int | None = None, inference: str = "auto"):
    """AI-related share of job posts: one category vs the controls (percentage points).

    See :func:`share_did`. Id ``category.<slug>.ai_share``.
    """
    n = len(default_controls(category_month, [category], controls))
    return share_did(category_month, "ai_share", category, controls, treatment_date, seed, inference,
                     id=f"category.{slugify(category)}.ai_share",
                     scope=f"{category} vs {n} control categories, AI-related share of posts (percentage points)")


def expert_share_did(category_month: pd.DataFrame, exposed: Sequence[str], controls: Sequence[str] | None = None,
                     treatment_date: str | None = None, seed: int | None = None, inference: str = "auto"):
    """Expert-level share of job posts: the exposed categories vs the controls (percentage points).

    See :func:`share_did`. Id ``productivity.expert_share``.
    """
    exposed = list(exposed)
    n = len(default_controls(category_month, exposed, controls))
    return share_did(category_month, "expert_share", exposed, controls, treatment_date, seed, inference,
                     id="productivity.expert_share",
                     scope=f"{len(exposed)} focus vs {n} control categories, expert-level share of posts "
                           "(percentage points)")


def leave_one_out_ai(category_month: pd.DataFrame, focus: Sequence[str], controls: Sequence[str], full,
                     treatment_date: str | None = None, seed: int | None = None) -> pd.DataFrame:
    """Claim 3's estimates of each focus category re-estimated without each control in turn.

    The AI-related and other posts (:func:`post_count_dids`) and the
    AI-related share (:func:`ai_share_did`), CRV1 refits, compared with
    ``full`` (the estimates with every control) by the rule of
    :func:`analysis.estimation.common.leave_one_out_rows`; values in
    percentage points.
    """
    def refit(others):
        for cat in focus:
            yield from post_count_dids(category_month, cat, others, treatment_date, seed, inference="crv1")
            yield ai_share_did(category_month, cat, others, treatment_date, seed, inference="crv1")

    return leave_one_out_rows(focus, controls, full, refit)


def estimation_kwargs(treatment_date, seed) -> dict:
    kw = {}
    if treatment_date is not None:
        kw["treatment_date"] = treatment_date
    if seed is not None:
        kw["seed"] = seed
    return kw


def default_controls(cm: pd.DataFrame, treated: Sequence[str], controls) -> list[str]:
    cats = sorted(cm["category"].astype("str").unique())
    given = [c for c in (controls or []) if c not in treated]
    return given or [c for c in cats if c not in treated]
