"""Tests of analysis.data.worlds: each world plants what it says, and its truth is right."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from analysis.data import simulate as sim
from analysis.data import worlds as W
from analysis.estimation.shares import share_panel
from analysis.core.params import DEFAULT_PARAMS
from analysis.estimation import did_panel
from analysis.data.panels import build_panels_pandas

START, END = DEFAULT_PARAMS["start"], DEFAULT_PARAMS["end"]
CAT_PANELS = ("category_month", "category_tier_month", "category_level_month")


def _panels(name, seed=5, n_posts=200_000):
    posts, contracts, world, info = W.draw(name, seed, n_posts)
    return build_panels_pandas(posts, contracts, 1000.0, START, END, panels=CAT_PANELS), world, info


def test_library_and_default_world():
    assert W.world_names() == ["default", "no-effect", "ar1-sizes", "pretrend", "low-tier-pretrend",
                               "huge-contract", "spillover", "sparse", "late-effects", "value-shift",
                               "new-category", "mid-month", "switchers"]
    assert W.make_world("default") == sim.World()
    assert W.make_world("no-effect", 3, 1000) == sim.World(seed=3, n_posts=1000, effects=False)
    # The new optional fields stay out of the bundled world's description.
    d = sim.world_to_dict(sim.World())
    assert not {"platform_shock_sd", "platform_shock_rho", "focus", "effect_start", "switch_share",
                "switch_from"} & set(d)
    assert not {"low_trend", "low_trend_start", "value_shift"} & set(d["categories"][0])
    with pytest.raises(KeyError):
        W.make_world("nope")


def test_no_effect_worlds_have_zero_truth_but_the_ai_share_drift():
    counts = [f"category.{slug}.{k}" for slug in ("data-science-analytics", "translation", "writing")
              for k in ("ai_posts", "other_posts")]
    for name in ("no-effect", "ar1-sizes", "pretrend", "low-tier-pretrend", "huge-contract"):
        tr = W.truth(W.make_world(name, 5))
        nonzero = {k: v for k, v in tr.items() if abs(v) > 1e-12}
        # AI-related posts rise everywhere after the release, more in Data Science (ai_base 0.05
        # against a control mean of 0.0256): +1.95 points, an effect even with nothing planted.
        assert sorted(nonzero) == sorted(["category.data-science-analytics.ai_share"] + counts), name
        assert nonzero["category.data-science-analytics.ai_share"] == pytest.approx(1.94912, abs=1e-5)
        # The same drift in AI-related posts per pre-release post; with all posts unchanged, the other
        # posts fall by as much.
        for slug in ("data-science-analytics", "translation", "writing"):
            ai, other = tr[f"category.{slug}.ai_posts"], tr[f"category.{slug}.other_posts"]
            assert ai + other == pytest.approx(0.0, abs=1e-9), (name, slug)
        assert 1.9 < tr["category.data-science-analytics.ai_posts"] < 3.2, name
    assert W.truth(W.make_world("no-effect", 5))["category.data-science-analytics.ai_posts"] == pytest.approx(
        2.06382, abs=1e-5)


def test_ar1_sizes_world():
    w = W.make_world("ar1-sizes", 5)
    s = [c.share for c in w.categories]
    assert max(s) / min(s) == pytest.approx(30.0)
    assert sum(s) == pytest.approx(sum(c.share for c in sim.DEFAULT_CATEGORIES))
    # The platform shock is common to all categories ...
    plain = sim.realised_shocks(sim.World(seed=5, effects=False, categories=w.categories))
    common = sim.realised_shocks(w) - plain
    assert np.allclose(common, common[0][None, :])
    # ... and AR(1) with rho 0.6 and innovation s.d. 0.025 (long series to measure it).
    long = sim.World(seed=9, start="1800-01-01", platform_shock_sd=0.025, platform_shock_rho=0.6)
    u = sim._platform_shocks(long, len(long.months()))
    assert len(u) > 2650
    assert np.corrcoef(u[1:], u[:-1])[0, 1] == pytest.approx(0.6, abs=0.04)
    assert np.std(u[1:] - 0.6 * u[:-1]) == pytest.approx(0.025, rel=0.04)


def _pre_slope(cm, cat, col, controls):
    pre = cm[cm["month"] < "2022-12-01"]
    wide = pre.pivot_table(index="month", columns="category", values=col)
    gap = np.log(wide[cat]) - np.log(wide[controls]).mean(axis=1)
    t = np.arange(len(gap))
    return np.polyfit(t[1:], gap.to_numpy()[1:], 1)[0]  # first month is incomplete


def test_pretrend_worlds_plant_their_trends():
    panels, world, _ = _panels("pretrend", n_posts=400_000)
    cm = panels["category_month"]
    controls = [c.name for c in world.categories if c.name not in W.FOCUS]
    # Data Science & Analytics: +1% a month (0.12 log points a year) against the controls.
    assert _pre_slope(cm, "Data Science & Analytics", "job_posts", controls) == pytest.approx(0.01, abs=0.002)
    panels, world, _ = _panels("low-tier-pretrend", n_posts=400_000)
    low = panels["category_tier_month"].query("tier == 'low'")
    assert _pre_slope(low, "Writing", "contracts", controls) == pytest.approx(math.log(1 - 0.014), abs=0.004)
    high = panels["category_tier_month"].query("tier == 'high'")
    assert _pre_slope(high, "Writing", "contracts", controls) == pytest.approx(0.0, abs=0.004)


def test_huge_contract_world(tmp_path):
    posts, contracts, world, info = W.draw("huge-contract", 5, 30_000)
    big = contracts[contracts["earnings_usd"] == W.HUGE_CONTRACT_USD]
    assert len(big) == 1 and big["contract_id"].iloc[0] == info["contract_id"]
    assert pd.Timestamp(info["started_on"]) >= pd.Timestamp("2022-12-01")
    job = posts.set_index("job_id").loc[big["job_id"].iloc[0]]
    assert job["contract_type"] == "fixed" and job["category"] == info["category"]
    # Written: truth.json as simulate writes it, the one contract changed, world.json beside.
    meta = W.write_world("huge-contract", tmp_path / "w", 5, 30_000)
    sim.write_extract(world, tmp_path / "plain")
    assert (tmp_path / "w" / "truth.json").read_bytes() == (tmp_path / "plain" / "truth.json").read_bytes()
    a = pd.read_parquet(tmp_path / "w" / "contracts.parquet")
    b = pd.read_parquet(tmp_path / "plain" / "contracts.parquet")
    diff = a["earnings_usd"] != b["earnings_usd"]
    assert diff.sum() == 1 and a.loc[diff, "contract_id"].iloc[0] == info["contract_id"]
    assert json.loads((tmp_path / "w" / "world.json").read_text())["postprocess"] == meta["postprocess"] == info
    from analysis.data.contract import validate  # the changed extract still meets the data contract

    summary, violations = validate(tmp_path / "w")
    assert summary is not None and not violations


def test_spillover_truth_is_relative_to_treated_controls():
    w = W.make_world("spillover", 5)
    tr, ab = W.truth(w), W.absolute_effects(w, sim.realised_shocks(w))
    controls = [c.name for c in w.categories if c.name not in W.FOCUS]
    lc = np.mean([np.log1p(ab[f"category.{W.slugify(c)}.job_posts"] / 100) for c in controls])
    ds = np.log1p(ab["category.data-science-analytics.job_posts"] / 100)
    assert tr["category.data-science-analytics.job_posts"] == pytest.approx(100 * np.expm1(ds - lc), abs=1e-9)
    # controls' own rise: +5% plus the platform-wide +6% at full ramp, 8.0% averaged over the
    # ramping post months; Data Science's +20% (and the platform's) gives 18.8%; relative: 9.95%
    assert 100 * np.expm1(lc) == pytest.approx(8.036, abs=0.001)
    assert ab["category.data-science-analytics.job_posts"] == pytest.approx(18.789, abs=0.001)
    assert tr["category.data-science-analytics.job_posts"] == pytest.approx(9.95, abs=0.01)


def test_sparse_world_has_empty_cells():
    panels, world, _ = _panels("sparse")
    tiers = panels["category_tier_month"]
    legal_high = tiers[(tiers["category"] == "Legal") & (tiers["tier"] == "high")]
    assert (legal_high["contracts"] == 0).mean() > 0.15
    assert panels["category_month"].query("category == 'Translation'")["job_posts"].mean() < 25


def test_share_truths_match_a_large_draw():
    """The share truths, computed from the DGP's formulas, against estimates on 2 million posts."""
    panels, world, _ = _panels("default", seed=21, n_posts=2_000_000)
    tr = W.truth(world)
    cm = share_panel(panels["category_month"])
    focus = list(W.FOCUS)
    controls = [c for c in sorted(cm["category"].unique()) if c not in focus]
    ai = did_panel(cm, "ai_share", focus[0], controls, log=False, inference="crv1").coef
    ex = did_panel(cm, "expert_share", focus, controls, log=False, inference="crv1").coef
    assert ai == pytest.approx(tr["category.data-science-analytics.ai_share"], abs=0.4)
    assert ex == pytest.approx(tr["productivity.expert_share"], abs=0.4)
    from analysis.estimation.shares import post_count_did

    for count, tol in (("ai_posts", 0.5), ("other_posts", 1.5)):  # other posts carry the category shocks
        e = post_count_did(panels["category_month"], focus[0], count, controls, inference="crv1")
        assert e.estimate_pct == pytest.approx(tr[f"category.data-science-analytics.{count}"], abs=tol), count
    assert tr["productivity.expert_share"] == pytest.approx(5.38, abs=0.01)


def _benchmark():
    import importlib.util

    from analysis.core.paths import PROJECT_ROOT

    spec = importlib.util.spec_from_file_location("worlds_benchmark", PROJECT_ROOT / "benchmarks" / "worlds.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_late_effects_truth_on_the_claim_window_is_zero():
    from analysis.core.periods import claim_window_end

    w = W.make_world("late-effects", 5, 30_000)
    params = W.run_params(w)
    end = claim_window_end(params["treatment_date"], params["claim_window"], params["end"])
    assert end == "2023-12-31"
    window = W.truth(w, end=end)
    every = W.truth(w)
    # Nothing is planted in 2023 (the ramp starts in January 2024): every truth of the window is 0,
    # shares included; on every post month the same ids have the six 2024 months' effects.
    assert set(window) == set(every)
    assert all(v == 0.0 for v in window.values())
    assert every["category.data-science-analytics.job_posts"] == pytest.approx(2.329, abs=0.001)
    assert every["platform.job_posts"] == pytest.approx(0.573, abs=0.001)
    # In the default world the window's truth is the mean over 2022-12 to 2023-12 of the ramp: smaller
    # than over every post month (the ramp reaches its plateau in 2023-11).
    d = W.make_world("default", 5, 30_000)
    assert W.truth(d, end=end)["category.data-science-analytics.job_posts"] == pytest.approx(15.515, abs=0.001)
    assert W.truth(d)["category.data-science-analytics.job_posts"] == pytest.approx(19.439, abs=0.001)


def test_benchmark_leaves_the_new_category_out_and_uses_the_world_date():
    bm = _benchmark()
    d = bm.draw_design("new-category", 5, 30_000)
    assert d["left_out"] == [W.NEW_CATEGORY]
    assert W.NEW_CATEGORY not in d["controls"] and len(d["controls"]) == 9
    assert d["roles"].focus == list(W.FOCUS)
    # The book's truth uses the same controls: the new category is not among them.
    tr = W.truth(d["world"], controls=d["controls"])
    assert tr == W.truth(d["world"], controls=[c for c in d["controls"]])
    m = bm.draw_design("mid-month", 5, 30_000)
    assert m["params"]["treatment_date"] == W.MID_MONTH_DATE and m["left_out"] == []
    # One draw: every estimate the check reads is made against the nine comparable controls.
    rows, verdicts, influence = bm.one_draw("new-category", 5, 30_000)
    assert influence["window"] == "first_year"
    chk = verdicts[("first_year", "book")][0]
    assert set(chk["claim"]) == {"c1", "c2", "c3", "c4", "c5"}
    honest = [r for r in rows if r["method"] == "honest" and r["id"].startswith("category.")]
    assert honest and {r["window"] for r in honest} == {"first_year", "all"}
    fp = [r for r in rows if r["method"] == "honest" and r["id"] == "category.writing.contracts.low_value"]
    assert len(fp) == 2
    for window in ("first_year", "all"):
        chk = verdicts[(window, "book")][0]
        cat = chk[chk["estimate_id"].str.startswith("category.")]
        # c3: job posts, AI-related and other posts; c4: two tiered categories x (high, low, gap)
        assert len(cat) == 9 and cat["inference"].str.endswith("Conley-Taber interval (9 controls)").all()


def test_world_tables_use_each_worlds_claim_window_and_every_category():
    from analysis.report import tables

    est = pd.DataFrame([
        dict(world="late-effects", window="first_year", method="honest", id="category.a.job_posts", coverage=0.9,
             n=10, false_verdict=0.0, pretrend_flag=0.0),
        dict(world="late-effects", window="all", method="honest", id="category.a.job_posts", coverage=0.5, n=10,
             false_verdict=0.5, pretrend_flag=0.0),
        dict(world="no-effect", window="all", method="honest", id="category.a.job_posts", coverage=0.95, n=34,
             false_verdict=0.0, pretrend_flag=0.0)])
    cov = tables.world_coverage_table(est).set_index("world")
    assert cov.loc["late-effects", "window"] == "first_year"
    assert cov.loc["late-effects", "category ids, check: mean"] == pytest.approx(0.9)
    assert cov.loc["no-effect", "window"] == "all"  # drawn before the window was measured
    assert tables.world_coverage_table(est, "all").set_index("world").loc[
        "late-effects", "category ids, check: mean"] == pytest.approx(0.5)
    # Every category treated in turn: 2 draws x 2 estimates per category; Legal misses one of four.
    rows = []
    for seed in (1, 2):
        for i, (cat, size) in enumerate((("Legal", 10.0), ("Writing", 100.0))):
            for eid in ("job_posts", "contracts.low_value"):
                for method in ("honest", "book"):
                    miss = cat == "Legal" and seed == 2 and eid == "job_posts"
                    rows.append(dict(world="no-effect", seed=seed, category=cat, size=size, size_rank=i + 1, id=eid,
                                     method=method, covered=not miss))
    bc = pd.DataFrame(rows)
    t = tables.world_category_coverage(bc)
    assert t["category"].tolist() == ["Legal", "Writing"] and t["draws"].tolist() == [2, 2]
    assert t["check (Ferman-Pinto)"].tolist() == [0.75, 1.0]
    assert t["check, lowest estimate"].tolist() == [0.5, 1.0]
    claims = pd.DataFrame([dict(world="no-effect", check="book", claim="c1", truth_verdict="inconclusive", n=34,
                                supported=0.0, **{"partly supported": 0.0, "conflicting evidence": 0.0,
                                                  "contradicted": 0.0, "inconclusive": 1.0, "not tested": 0.0},
                                correct=1.0, any_false=0.0)])
    targets = tables.world_targets(claims, est).set_index("target")
    assert tables.CATEGORY_TARGET[0] not in targets.index  # not measured without the by-category draws
    row = tables.world_targets(claims, est, bc).set_index("target").loc[tables.CATEGORY_TARGET[0]]
    assert row["measured"] == pytest.approx(0.75) and row["highest"] == pytest.approx(1.0) and not row["met"]
    # With intervals that cover exactly 95%, the lowest of 14 coverages of 34 draws is 0.88 or less half the time.
    assert tables.exact_lowest_coverage(34, 14) == pytest.approx(1 - 4 / 34)
    assert tables.exact_lowest_coverage(200, 14) == pytest.approx(0.925)
