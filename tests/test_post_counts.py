"""Claim 3's post counts: AI-related and other job posts per pre-release post (analysis.estimation.shares).

Known truth: the seeded ``small_extract`` plants new AI work in Data Science &
Analytics (``truth.json``: ``category.<slug>.ai_posts`` and ``.other_posts``, in
percentage points of the category's pre-release monthly posts), and the two
counts add up to all job posts, so their DiDs add up to the DiD of all posts
in the same unit, which on a balanced panel is the two-by-two difference of
means that can be computed by hand.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from analysis import claims as C
from analysis.core.periods import post_mask
from analysis.data import simulate as sim
from analysis.data.panels import build_panels
from analysis.estimation import shares
from analysis.results import results_frame

FOCUS = ["Data Science & Analytics", "Writing", "Translation"]
DSA = "Data Science & Analytics"
AI, OTHER = "category.data-science-analytics.ai_posts", "category.data-science-analytics.other_posts"
TD = "2022-11-30"


@functools.lru_cache(maxsize=None)
def _panels(folder):
    return build_panels(folder, 1000.0, "2021-01-01", "2024-06-30")


def _controls(cm):
    return [c for c in sorted(cm["category"].astype(str).unique()) if c not in FOCUS]


def test_count_panel_scales_by_pre_release_posts(small_extract):
    cm = _panels(small_extract[0])["category_month"]
    cp = shares.count_panel(cm, TD)
    assert np.allclose(cp["ai_posts_per_pre"] + cp["other_posts_per_pre"], cp["job_posts_per_pre"], atol=1e-9)
    pre = ~post_mask(cp["month"], TD)
    assert np.allclose(cp[pre].groupby("category", observed=True)["job_posts_per_pre"].mean(), 100.0)
    # one hand-checked cell: Data Science & Analytics, first month
    row = cp[cp["category"] == DSA].iloc[0]
    base = cm[(cm["category"] == DSA) & pre]["job_posts"].mean()
    assert row["ai_posts_per_pre"] == pytest.approx(100 * row["ai_posts"] / base, rel=1e-12)


def test_post_counts_recover_the_planted_truth(small_extract):
    folder, truth = small_extract
    cm = _panels(folder)["category_month"]
    ai, other = shares.post_count_dids(cm, DSA, _controls(cm))
    eff = truth["effects"]
    assert (ai.id, other.id) == (AI, OTHER) and ai.outcome == "ai_posts_per_pre_pp"
    assert eff[AI] == pytest.approx(24.3063, abs=1e-3)  # planted: nearly all of the new posts are AI work
    assert abs(eff[OTHER]) < 3  # the rest moves with the controls (their AI drift takes a little)
    for e in (ai, other):
        assert e.ci_low_pct <= eff[e.id] <= e.ci_high_pct, e.id
    assert ai.ci_low_pct > 0 and ai.estimate_pct == pytest.approx(eff[AI], abs=2.0)
    assert ai.estimate_pct == pytest.approx(ai.coef, rel=1e-10)  # reported in pp: the coefficient itself


def test_ai_plus_other_posts_is_the_job_post_change_in_the_same_unit(small_extract):
    cm = _panels(small_extract[0])["category_month"]
    ctrl = _controls(cm)
    ai, other = shares.post_count_dids(cm, DSA, ctrl, inference="crv1")
    total = shares.post_count_did(cm, DSA, "job_posts", ctrl, inference="crv1")
    assert ai.estimate_pct + other.estimate_pct == pytest.approx(total.estimate_pct, abs=1e-9)
    # By hand: the balanced panel's two-by-two difference of means.
    cp = shares.count_panel(cm, TD)
    cp = cp[cp["category"].astype(str).isin([DSA] + ctrl)]
    cp = cp.assign(post=post_mask(cp["month"], TD))
    means = cp.groupby([cp["category"].astype(str), "post"])["job_posts_per_pre"].mean().unstack()
    change = means[True] - means[False]
    assert total.estimate_pct == pytest.approx(change[DSA] - change[ctrl].mean(), abs=1e-9)
    assert total.details["pre_mean"] == pytest.approx(100.0)


def test_no_effect_world_other_posts_mirror_the_ai_drift():
    """Nothing planted: all posts unchanged, so AI-related and other posts move by equal and opposite amounts."""
    w = sim.World(n_posts=30_000, seed=8, effects=False)
    t = sim.true_effects(w, shocks=sim.realised_shocks(w))
    for slug in ("data-science-analytics", "writing", "translation"):
        assert t[f"category.{slug}.job_posts"] == 0.0
        assert t[f"category.{slug}.ai_posts"] + t[f"category.{slug}.other_posts"] == pytest.approx(0.0, abs=1e-9)
    # Data Science's AI drift (ai_base 0.05) is above the controls' (mean 0.0256): about +2 points.
    assert 1.8 < t["category.data-science-analytics.ai_posts"] < 2.3


def test_claim_path_computes_and_checks_the_post_counts(small_extract):
    """compute_estimates, honest_check: the counts get the claim check's treatment; other posts are context."""
    panels = _panels(small_extract[0])
    roles = C.roles_from_focus(FOCUS)
    ids = [i for i in C.required_ids(roles) if i.startswith("category.data-science-analytics.")]
    assert ids == ["category.data-science-analytics.job_posts", AI, OTHER]
    made = C.compute_estimates(panels, roles, ids, quick=True)
    assert [e.id for e in made] == ids
    direct = shares.post_count_dids(panels["category_month"], DSA, _controls(panels["category_month"]),
                                    inference="crv1")
    assert [e.estimate_pct for e in made[1:]] == pytest.approx([e.estimate_pct for e in direct], rel=1e-12)
    chk = C.honest_check(panels, roles, results_frame(made))
    c3 = chk[chk["claim"] == "c3"].set_index("estimate_id")
    assert list(c3.index) == ids and list(c3["unit"]) == ["%", "pp", "pp"]
    assert c3.loc[OTHER, "verdict"] == "context" and c3.loc[OTHER, "expected"] == C.CONTEXT
    assert np.isnan(c3.loc[OTHER, "holm_p"])  # outside Holm's family of the claim
    assert c3[["honest_low_pct", "honest_high_pct", "pretrend_p", "trend_low_pct"]].notna().all().all()
    # Holm over the two estimates the verdict rests on: at most twice the smaller p-value
    p = c3.loc[[ids[0], AI], "honest_p"].to_numpy()
    assert c3.loc[[ids[0], AI], "holm_p"].min() == pytest.approx(min(1.0, 2 * p.min()))
    assert c3.loc[AI, "honest_low_pct"] <= small_extract[1]["effects"][AI] <= c3.loc[AI, "honest_high_pct"]
    v = C.claim_verdicts(chk).set_index("claim").loc["c3"]
    assert v["n_estimates"] == 2 and v["verdict"] == C.combine(c3.loc[[ids[0], AI], "verdict"])


def test_bad_count_is_refused():
    with pytest.raises(ValueError, match="count"):
        shares.post_count_did(pd.DataFrame(), DSA, "expert_posts")
