"""The book's claim check (analysis.claims.honest_check) in worlds built to break the former rule.

Each world is a small seeded draw of :mod:`analysis.data.worlds` with its truth;
the chapters' estimates are taken with cheap (CRV1) intervals, since the check
recomputes every interval it uses itself.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
import pytest

from analysis import claims as C
from analysis.core.params import DEFAULT_PARAMS
from analysis.data import worlds as W
from analysis.data.panels import build_panels, build_panels_pandas, contract_values
from analysis.core.paths import SYNTHETIC_DIR
from analysis.estimation import honest as H
from analysis.report import tables
from analysis.results import results_frame

START, END = DEFAULT_PARAMS["start"], DEFAULT_PARAMS["end"]
FOCUS = list(DEFAULT_PARAMS["focus_categories"])
ROLES = C.roles_from_focus(FOCUS)
PANELS = ("category_month", "category_tier_month", "category_level_month")


@functools.lru_cache(maxsize=None)
def _check(name, seed=5, n_posts=200_000):
    posts, contracts, world, _ = W.draw(name, seed, n_posts)
    panels = build_panels_pandas(posts, contracts, 1000.0, START, END, panels=PANELS)
    ids = [i for i in C.required_ids(ROLES) if i != "productivity.hourly_rate"]
    est = results_frame(C.compute_estimates(panels, ROLES, ids, quick=True))
    cf = H.contract_frame(posts, contracts, START, END)
    chk = C.honest_check(panels, ROLES, est, contracts=cf)
    return chk.drop_duplicates("estimate_id").set_index("estimate_id"), W.truth(world), chk


def _row(**kw):
    base = dict(book_verdict="supported", expected="+", honest_pct=5.0, honest_p=0.01, holm_p=0.02,
                trend_low_pct=1.0, trend_high_pct=9.0)
    base.update(kw)
    return base


@pytest.mark.parametrize("kw, verdict, reason", [
    ({}, "supported", "robust to a linear pre-release trend"),
    ({"expected": "-"}, "contradicted", "robust"),
    ({"holm_p": 0.08}, "inconclusive", "not significant after Holm"),
    ({"honest_p": 0.2, "holm_p": 0.4}, "inconclusive", "interval contains zero"),
    ({"trend_low_pct": -1.0}, "inconclusive", "not robust to a linear pre-release trend"),
    ({"trend_low_pct": math.nan, "trend_high_pct": math.nan}, "supported", "not assessed"),
    ({"_influence_flag": True}, "inconclusive", "largest contracts"),
    ({"_trend_failed": True}, "inconclusive", "cannot be assessed"),
    ({"_honest_failed": True}, "inconclusive", "cannot be computed"),
    ({"book_verdict": "missing"}, "missing", "not in the results table"),
])
def test_honest_verdict_rule(kw, verdict, reason):
    r = _row(**kw)
    assert C.honest_verdict(r) == verdict
    assert reason in C.honest_reason(r)


def test_pretrend_world_the_trending_estimate_is_not_supported():
    chk, truth, _ = _check("pretrend")
    r = chk.loc["category.data-science-analytics.job_posts"]
    assert truth["category.data-science-analytics.job_posts"] == 0
    assert r["book_verdict"] == "supported"  # the former rule is fooled by the trend ...
    assert r["verdict"] != "supported"  # ... the check is not
    assert r["pretrend_p"] < 0.01
    # the planted differential growth is 0.12 a year: 1.0% a month
    assert 0.7 < r["pretrend_slope_pct"] < 1.3
    assert r["trend_low_pct"] < 0 < r["trend_high_pct"]
    # the relative-magnitude set at Mbar = 1 (reported beside the rule) also covers the zero truth,
    # and the estimate's sign breaks down well below a post move as large as the pre-release ones
    assert r["rm_low_pct"] < 0 < r["rm_high_pct"]
    assert 0 <= r["rm_breakdown"] < 0.5


def test_low_tier_pretrend_world_claim_4_has_no_false_verdict():
    chk, truth, full = _check("low-tier-pretrend")
    r = chk.loc["category.writing.contracts.low_value"]
    assert r["pretrend_p"] < 0.05 and r["pretrend_slope_pct"] < 0
    c4 = full[full["claim"] == "c4"]
    assert not (c4["verdict"] == "supported").any()


def test_huge_contract_world_claim_2_not_supported_and_influence_reported():
    chk, truth, full = _check("huge-contract")
    r = chk.loc["platform.earnings_per_contract"]
    assert r["verdict"] != "supported"
    assert "winsorized at p99.9" in r["influence"] and "without top" in r["influence"]
    assert C.claim_verdicts(full).set_index("claim").loc["c2", "verdict"] != "supported"


def test_default_world_keeps_the_large_planted_effect():
    chk, truth, _ = _check("default")
    r = chk.loc["category.data-science-analytics.job_posts"]
    assert truth["category.data-science-analytics.job_posts"] > 10
    assert r["verdict"] == "supported"
    assert r["honest_low_pct"] <= truth["category.data-science-analytics.job_posts"] <= r["honest_high_pct"]
    # the one-category interval's point is the chapters' estimate
    assert r["honest_pct"] == pytest.approx(r["estimate_pct"], abs=1e-9)


def test_holm_is_within_each_claim():
    _, _, full = _check("default")
    for cid, g in full.groupby("claim"):
        ev = g[g["expected"] != C.CONTEXT]  # the family: the claim's evidence, not the rows shown beside it
        assert np.allclose(ev["holm_p"].to_numpy(), H.holm(ev["honest_p"].to_numpy()), equal_nan=True)
        assert g.loc[g["expected"] == C.CONTEXT, "holm_p"].isna().all()
    assert (full["expected"] == C.CONTEXT).sum() == 1  # claim 3's other posts


def test_contract_values_sum_to_the_panel():
    panels = build_panels(SYNTHETIC_DIR, 1000.0, START, END, panels=PANELS)
    cv = contract_values(SYNTHETIC_DIR, START, END)
    g = cv.groupby(["category", "month"])["earnings_usd"].agg(["size", "sum"])
    cm = panels["category_month"]
    key = pd.MultiIndex.from_arrays([cm["category"].astype(str), pd.to_datetime(cm["month"])])
    assert (g["size"].reindex(key).fillna(0).to_numpy() == cm["contracts"].to_numpy()).all()
    assert np.allclose(g["sum"].reindex(key).fillna(0).to_numpy(), cm["earnings"].to_numpy(), rtol=1e-9)


def test_world_targets_hand_made():
    claims = pd.DataFrame([
        dict(world="no-effect", check="book", claim="c1", truth_verdict="inconclusive", n=10, supported=0.0,
             **{"partly supported": 0.0, "conflicting evidence": 0.0, "contradicted": 0.1, "inconclusive": 0.9,
                "not tested": 0.0}, correct=0.9, any_false=0.1),
        dict(world="huge-contract", check="book", claim="c2", truth_verdict="inconclusive", n=10, supported=0.0,
             **{"partly supported": 0.0, "conflicting evidence": 0.0, "contradicted": 0.0, "inconclusive": 1.0,
                "not tested": 0.0}, correct=1.0, any_false=0.0),
    ])
    est = pd.DataFrame([dict(world="no-effect", method="honest", id="category.a.job_posts", coverage=0.95,
                             false_verdict=0.0, pretrend_flag=0.0)])
    t = tables.world_targets(claims, est).set_index("target")
    first = t.iloc[0]
    assert first["measured"] == pytest.approx(0.1) and not first["met"]
    cov = t.loc["no effect: coverage of the check's category intervals, lowest"]
    assert cov["measured"] == pytest.approx(0.95) and cov["met"]
    assert t.loc["one huge contract: claim 2 supported", "met"]
    assert not t.loc["pre-trend in the new-AI-work category: the linear pre-trend test flags it", "met"]  # no draws
