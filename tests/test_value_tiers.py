"""Value tiers that do not split on the outcome (issue 12).

* hand-computed tiers: by the post's budget, and by the per-category
  pre-release quantile of earnings censored at the horizon (Ibis builder and
  pandas reference alike);
* the ``value-shift`` world (contract values shift up, nothing displaced)
  gives no supported tier claim in the claim check, while tiers cut on
  realised earnings would read the shift as "high up, low down";
* the planted tier gap is recovered in a seeded default world;
* the distribution curve (share above each threshold) covers its truth.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import pandas as pd
import pytest

from analysis import claims as C
from analysis.core.params import DEFAULT_PARAMS, TIER_HORIZON_DAYS
from analysis.data import simulate as sim
from analysis.data import worlds as W
from analysis.data.panels import build_panels, build_panels_pandas
from analysis.estimation import honest as H
from analysis.estimation.did import tier_gap_did
from analysis.estimation.distribution import DEFAULT_GRID, share_above_did
from analysis.results import results_frame

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")

START, END = DEFAULT_PARAMS["start"], DEFAULT_PARAMS["end"]
FOCUS = list(DEFAULT_PARAMS["focus_categories"])
ROLES = C.roles_from_focus(FOCUS)
PANELS = ("category_month", "category_tier_month", "category_level_month")
TIER_IDS = [f"category.{s}.contracts.{k}" for s in ("writing", "translation")
            for k in ("high_value", "low_value", "tier_gap")]


# ---------------------------------------------------------------------------
# Hand-computed tiers
# ---------------------------------------------------------------------------

def _hand_extract(with_budget: bool, with_end: bool):
    """Two categories; A has pre-release earnings 100, 200, 300, 400 (median 250)."""
    d = dt.date
    posts = pd.DataFrame({
        "job_id": [f"J{i}" for i in range(8)],
        "posted_on": [d(2022, 1, 5), d(2022, 2, 5), d(2022, 3, 5), d(2022, 4, 5),
                      d(2023, 1, 5), d(2023, 1, 6), d(2023, 6, 20), d(2022, 1, 5)],
        "category": ["A"] * 7 + ["B"],
        "contract_type": "fixed", "experience_level": "entry", "ai_related": False,
    })
    if with_budget:
        posts["budget_usd"] = [900.0, 1100.0, 1000.0, 50.0, 5000.0, 999.99, 10.0, 2000.0]
    contracts = pd.DataFrame({
        "contract_id": [f"C{i}" for i in range(8)], "job_id": posts.job_id,
        "freelancer_id": "F1", "started_on": posts.posted_on,
        # J4: 900 earned over 360 days -> 225 in the first 90 days (pro-rated)
        "earnings_usd": [100.0, 200.0, 300.0, 400.0, 900.0, 260.0, 5.0, 70.0],
        "hours": np.nan, "feedback": np.nan,
    })
    if with_end:
        ends = [d(2022, 1, 5), d(2022, 2, 5), d(2022, 3, 5), d(2022, 4, 5), d(2023, 12, 30), d(2023, 1, 6), None, None]
        contracts["ended_on"] = ends
    return posts, contracts


def _tiers(panels) -> dict:
    ctm = panels["category_tier_month"]
    ctm = ctm[ctm.contracts > 0]
    return {(r.category, r.month.strftime("%Y-%m"), r.tier): int(r.contracts) for r in ctm.itertuples()}


def _both(tmp_path, posts, contracts, end="2023-07-31", **tiers):
    """Tiers of the Ibis builder (from CSV files) after checking it equals the pandas reference
    (``tiers``: ``tier_quantile``, ``tier_horizon_days``)."""
    posts.to_csv(tmp_path / "job_posts.csv", index=False)
    contracts.to_csv(tmp_path / "contracts.csv", index=False)
    ibis_p = build_panels(tmp_path, 1000.0, "2022-01-01", end, panels=PANELS, **tiers)
    dates = {"posted_on", "started_on", "ended_on"}
    p, c = (df.assign(**{k: pd.to_datetime(df[k]) for k in dates & set(df)}) for df in (posts, contracts))
    ref = build_panels_pandas(p, c, 1000.0, "2022-01-01", end, panels=PANELS, **tiers)
    for name in PANELS:
        pd.testing.assert_frame_equal(ibis_p[name], ref[name], check_dtype=False)
    return _tiers(ibis_p)


def test_budget_tiers_cut_the_posts_budget_not_the_earnings(tmp_path):
    t = _both(tmp_path, *_hand_extract(with_budget=True, with_end=False))
    assert t == {("A", "2022-01", "low"): 1, ("A", "2022-02", "high"): 1, ("A", "2022-03", "high"): 1,
                 ("A", "2022-04", "low"): 1, ("A", "2023-01", "high"): 1, ("A", "2023-01", "low"): 1,
                 ("A", "2023-06", "low"): 1, ("B", "2022-01", "high"): 1}


def test_quantile_tiers_without_ended_on(tmp_path):
    """Median of A's pre-release earnings is 250; B's only contract is its own median (high);
    J6 starts within 90 days of the end and may still run: in no tier."""
    assert TIER_HORIZON_DAYS == 90
    t = _both(tmp_path, *_hand_extract(with_budget=False, with_end=False))
    assert t == {("A", "2022-01", "low"): 1, ("A", "2022-02", "low"): 1, ("A", "2022-03", "high"): 1,
                 ("A", "2022-04", "high"): 1, ("A", "2023-01", "high"): 2, ("B", "2022-01", "high"): 1}


def test_quantile_tiers_censor_earnings_at_the_horizon(tmp_path):
    """With ended_on, J4's 900 over 360 days is 225 in the first 90 days: low (below 250)."""
    t = _both(tmp_path, *_hand_extract(with_budget=False, with_end=True))
    assert t[("A", "2023-01", "low")] == 1 and t[("A", "2023-01", "high")] == 1
    assert not any(k[1] == "2023-06" for k in t)  # J6: open and late


def test_tier_parameters_move_the_quantile_and_the_horizon(tmp_path):
    """tier_quantile 0.75: A's threshold is 325 (linear interpolation of 100..400), B's is its one
    contract (high); tier_horizon_days 30: J6 (20 June, end 31 July) is no longer late: low."""
    t = _both(tmp_path, *_hand_extract(with_budget=False, with_end=False), tier_quantile=0.75,
              tier_horizon_days=30)
    assert t == {("A", "2022-01", "low"): 1, ("A", "2022-02", "low"): 1, ("A", "2022-03", "low"): 1,
                 ("A", "2022-04", "high"): 1, ("A", "2023-01", "high"): 1, ("A", "2023-01", "low"): 1,
                 ("A", "2023-06", "low"): 1, ("B", "2022-01", "high"): 1}


def test_tier_parameters_are_checked_and_reach_the_panels(tmp_path):
    from analysis.core.params import check_schema
    from analysis.data.panels import PanelStore
    from analysis.page import Page

    assert DEFAULT_PARAMS["tier_quantile"] == 0.5 and DEFAULT_PARAMS["tier_horizon_days"] == 90
    for bad in (0, 1, 1.5, -0.1, "half", True, float("nan")):
        problems = check_schema({"tier_quantile": bad})[1]
        assert [p.key for p in problems] == ["tier_quantile"] and "between 0 and 1" in str(problems[0]), bad
    for bad in (0, -3, 2.5, "90", False):
        problems = check_schema({"tier_horizon_days": bad})[1]
        assert [p.key for p in problems] == ["tier_horizon_days"] and "at least 1" in str(problems[0]), bad
    # A horizon as long as the post period would leave every post contract out of the tiers.
    problems = check_schema({"tier_horizon_days": 578})[1]  # 2022-11-30 to 2024-06-30
    assert [p.key for p in problems] == ["tier_horizon_days"] and "578 days" in str(problems[0])
    assert check_schema({"tier_horizon_days": 577, "tier_quantile": 0.25})[1] == []
    # The panels' cache key: unchanged for the defaults, another one for other tiers.
    key = PanelStore(tmp_path, checksum="abc").key()
    assert PanelStore(tmp_path, checksum="abc", tier_quantile=0.5, tier_horizon_days=90).key() == key
    assert PanelStore(tmp_path, checksum="abc", tier_quantile=0.75).key() != key
    assert PanelStore(tmp_path, checksum="abc", tier_horizon_days=30).key() != key
    # A page hands its parameters to the panels.
    store = Page({"tier_quantile": 0.75, "tier_horizon_days": 30}).panels
    assert store.tiers == (0.75, 30)


# ---------------------------------------------------------------------------
# Worlds
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _draw(name, seed=5, n_posts=200_000):
    return W.draw(name, seed, n_posts)


@functools.lru_cache(maxsize=None)
def _check(name, drop_budget=False):
    posts, contracts, world, _ = _draw(name)
    if drop_budget:
        posts = posts.drop(columns="budget_usd")
    panels = build_panels_pandas(posts, contracts, 1000.0, START, END, panels=PANELS)
    ids = [i for i in C.required_ids(ROLES) if i != "productivity.hourly_rate"]
    est = results_frame(C.compute_estimates(panels, ROLES, ids, quick=True))
    cf = H.contract_frame(posts, contracts, START, END)
    chk = C.honest_check(panels, ROLES, est, contracts=cf)
    return chk, W.truth(world), panels


def test_value_shift_world_gives_no_supported_tier_claim():
    chk, truth, _ = _check("value-shift")
    assert all(truth[i] == 0 for i in TIER_IDS)
    assert truth["category.writing.earnings_per_contract"] > 15  # values did shift up
    rows = chk.drop_duplicates("estimate_id").set_index("estimate_id")
    assert not (rows.loc[TIER_IDS, "verdict"] == "supported").any(), rows.loc[TIER_IDS, ["verdict", "reason"]]
    assert C.claim_verdicts(chk).set_index("claim").loc["c4", "verdict"] != "supported"


def test_tiers_cut_on_earnings_never_make_a_tier_verdict():
    """The value-shift world without its budgets (tiers cut on realised earnings, the quantile rule): the
    tier gap of Writing would be 'supported' on its interval (the spurious split of the test below); the
    check's rule 5 makes every tier estimate inconclusive and says why; claim 4 is not supported."""
    chk, truth, _ = _check("value-shift", drop_budget=True)
    rows = chk.drop_duplicates("estimate_id").set_index("estimate_id")
    assert (rows.loc[TIER_IDS, "verdict"] == "inconclusive").all(), rows.loc[TIER_IDS, ["verdict", "reason"]]
    gap = rows.loc["category.writing.contracts.tier_gap"]
    assert gap["book_verdict"] == "supported" and gap["holm_p"] <= C.ALPHA  # the interval alone would claim it
    assert "tiers cut on realised earnings" in gap["reason"]
    assert C.claim_verdicts(chk).set_index("claim").loc["c4", "verdict"] not in ("supported", "partly supported")
    with_budget, _, _ = _check("value-shift")
    assert not with_budget["reason"].str.contains("realised earnings").any()


def test_value_shift_world_tiers_cut_on_earnings_would_split_on_the_outcome():
    """The same world tiered on realised earnings (no budget: quantile rule) shows the spurious gap."""
    _, _, by_budget = _check("value-shift")
    posts, contracts, _, _ = _draw("value-shift")
    by_earn = build_panels_pandas(posts.drop(columns="budget_usd"), contracts, 1000.0, START, END, panels=PANELS)
    gap_b = tier_gap_did(by_budget["category_tier_month"], "Writing", inference="crv1").estimate_pct
    gap_e = tier_gap_did(by_earn["category_tier_month"], "Writing", inference="crv1").estimate_pct
    assert gap_e < -8 and gap_e < gap_b - 8, (gap_e, gap_b)


def test_default_world_tier_gap_is_recovered_from_budget_tiers():
    posts, contracts, world, _ = _draw("default")
    truth = W.truth(world)
    panels = build_panels_pandas(posts, contracts, 1000.0, START, END, panels=PANELS)
    for cat, slug in (("Writing", "writing"), ("Translation", "translation")):
        e = tier_gap_did(panels["category_tier_month"], cat, inference="crv1")
        t = truth[f"category.{slug}.contracts.tier_gap"]
        assert t < -20
        assert e.ci_low_pct <= t <= e.ci_high_pct, (cat, e.estimate_pct, t)


def test_distribution_curve_covers_its_truth_and_value_shift_leaves_budgets_alone():
    for name in ("default", "value-shift"):
        posts, contracts, world, _ = _draw(name)
        c = contracts.merge(posts[["job_id", "category", "budget_usd"]], on="job_id")
        c["month"] = pd.to_datetime(c.started_on).dt.to_period("M").dt.to_timestamp()
        values = c[(c.started_on >= START) & (c.started_on <= END)]
        truth = sim.true_share_above(world, DEFAULT_GRID, focus=FOCUS)["Writing"]
        curve = share_above_did(values, "Writing", thresholds=DEFAULT_GRID)  # the book's inference
        curve["truth"] = curve.threshold.map(truth)
        inside = (curve.ci_low_pp <= curve.truth) & (curve.truth <= curve.ci_high_pp)
        assert inside.mean() >= 8 / 9, curve
        assert (curve.estimate_pp - curve.truth).abs().max() < 3, curve
        if name == "default":  # displacement below the cut raises the share above it
            assert truth[1000.0] > 4 and curve.set_index("threshold").loc[1000.0, "estimate_pp"] > 0
        else:
            assert all(v == 0 for v in truth.values())


def test_distribution_point_above_every_pre_release_contract_of_the_category():
    """Issue 12: a grid threshold that no pre-release contract of the category reaches (the top of the grid
    on a small extract) gave the category a pre-release share of 0, and chapter 3 stopped with
    ZeroDivisionError (the point went through a percent of that mean). The share is in percent, so the DiD is
    already in percentage points: here the difference of mean differences of a balanced panel."""
    months = pd.date_range("2022-06-01", "2023-05-01", freq="MS")
    rows = []
    for c, cat in enumerate("ABCD"):
        for t, m in enumerate(months):
            post = m >= pd.Timestamp("2022-12-01")
            # four contracts a month; A reaches 500 only after the release, in one or two of them; control c
            # has one such contract, and a second in its first c post months (placebo changes that differ)
            n_high = (post * (1 + (t % 3 == 0))) if cat == "A" else 1 + (post and t < 6 + c)
            for k in range(4):
                high = k < n_high
                rows.append(dict(category=cat, month=m, earnings_usd=600.0 if high else 100.0 + 10 * k))
    values = pd.DataFrame(rows)
    curve = share_above_did(values, "A", thresholds=[500.0]).iloc[0]  # the book's inference
    share = values.assign(s=100.0 * (values.earnings_usd >= 500), post=values.month >= "2022-12-01",
                          a=values.category == "A")
    cell = share.groupby(["category", "month"], as_index=False).agg(s=("s", "mean"), post=("post", "first"),
                                                                     a=("a", "first"))
    m = cell.groupby(["a", "post"])["s"].mean()
    did = (m[True, True] - m[True, False]) - (m[False, True] - m[False, False])
    # A: 0 before, 100 * (1 + 1/3) / 4 after; controls: 25 * (1 + 2 + 3) / 6 / 3 points more after
    assert curve["pre_share"] == 0.0 and m[True, False] == 0.0 and did == pytest.approx(100 / 3 - 25 / 3)
    assert curve["estimate_pp"] == pytest.approx(did, abs=1e-9)
    assert curve["ci_low_pp"] < curve["estimate_pp"] < curve["ci_high_pp"]


def test_threshold_check_reads_budgets_and_is_skipped_for_quantile_tiers():
    from analysis.core.params import _tier_problems
    from analysis.data.contract import Summary

    rows = {c: [["2022-06", 5, 10.0, 500.0], ["2023-06", 5, 20.0, 800.0]] for c in ("A", "B", "C", "D")}
    params = {**DEFAULT_PARAMS, "focus_categories": ["A"], "control_categories": []}
    base = dict(folder="x", files={}, n_posts=1, n_contracts=1, first_date="2022-01-01", last_date="2023-12-31",
                categories=["A", "B", "C", "D"], earnings_months=rows)
    params = {**params, "start": "2022-01-01", "end": "2023-12-31", "value_threshold_usd": 900.0}
    assert _tier_problems(params, Summary(**base)) == []  # no budget: quantile tiers, threshold unused
    (p,) = _tier_problems(params, Summary(**base, budget_months=rows))
    assert p.key == "value_threshold_usd" and "budget" in p.message and "reaches it" in p.message
    assert _tier_problems({**params, "value_threshold_usd": 300.0}, Summary(**base, budget_months=rows)) == []


def test_bundled_extract_exercises_the_horizon_censoring(tmp_path):
    """The generator writes ended_on (issue 12): on a copy of the bundled extract without budget_usd
    the quantile rule censors at the horizon, so contracts of the last 90 days that have ended are
    tiered (without ended_on they may still be running and are in no tier), and long contracts are
    pro-rated (some move from high to low)."""
    from analysis.core.paths import SYNTHETIC_DIR

    posts = pd.read_parquet(SYNTHETIC_DIR / "job_posts.parquet").drop(columns="budget_usd")
    contracts = pd.read_parquet(SYNTHETIC_DIR / "contracts.parquet")
    ended = pd.to_datetime(contracts["ended_on"])
    assert 0.005 < ended.isna().mean() < 0.05  # still running at the end of the extract
    assert (ended.dropna() >= pd.to_datetime(contracts.loc[ended.notna(), "started_on"])).all()
    got = {}
    for name, c in (("with", contracts), ("without", contracts.drop(columns="ended_on"))):
        folder = tmp_path / name
        folder.mkdir()
        posts.to_parquet(folder / "job_posts.parquet", index=False)
        c.to_parquet(folder / "contracts.parquet", index=False)
        got[name] = build_panels(folder, 1000.0, START, END, panels=("category_tier_month",))["category_tier_month"]
    late = pd.Timestamp(END) - pd.Timedelta(days=90)
    n_late = lambda df: int(df.loc[df.month >= late.to_period("M").to_timestamp() + pd.offsets.MonthBegin(1),  # noqa: E731
                                   "contracts"].sum())
    assert n_late(got["without"]) == 0  # whole months after end - 90 days: every contract may be running
    assert n_late(got["with"]) > 1000  # those that ended are tiered
    low = {k: int(v.loc[v.tier == "low", "contracts"].sum()) for k, v in got.items()}
    assert low["with"] != low["without"]
