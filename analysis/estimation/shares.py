"""Difference-in-differences of shares of job posts (AI-related, expert level), in percentage points."""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from ..core.periods import post_mask
from ..core.text import slugify


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
    from analysis import estimation as est

    shift = 100.0
    panel = share_panel(category_month)
    panel[share] = panel[share] + shift
    tr = [treated] if isinstance(treated, str) else list(treated)
    kw = estimation_kwargs(treatment_date, seed)
    e = est.did_panel(panel, share, treated, controls, log=False, inference=inference, id=id, scope=scope, **kw)
    pre = ~post_mask(panel["month"], kw.get("treatment_date", est.TREATMENT_DATE))
    rows = panel["category"].astype("str").isin(tr).to_numpy() & pre & panel[share].notna().to_numpy()
    scale = float(panel.loc[rows, share].mean())
    e.outcome = f"{share}_pp"
    e.estimate_pct, e.ci_low_pct, e.ci_high_pct = (v * scale / 100 for v in
                                                   (e.estimate_pct, e.ci_low_pct, e.ci_high_pct))
    e.details["pre_share_pct"] = scale - shift
    return e


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
