"""The claim window: the summary's claim check on the calendar year after the release (``claim_window``).

The ``late-effects`` world plants the default effects but starts them in
January of the second calendar year after the release, so every estimate on
the claim window has truth zero while the estimates on every post month do
not. A check that ignored the window would find the reinstatement claim's
rise of AI-related posts; the window's check must not.
"""

from __future__ import annotations

import functools

import pandas as pd
import pytest

from analysis import claims as C
from analysis.core.params import DEFAULT_PARAMS, check_schema
from analysis.core.periods import claim_window_end
from analysis.data import worlds as W
from analysis.data.panels import build_panels_pandas
from analysis.estimation import honest as H
from analysis.report import tables, words
from analysis.results import results_frame

START, END = DEFAULT_PARAMS["start"], DEFAULT_PARAMS["end"]
ROLES = C.roles_from_focus(list(DEFAULT_PARAMS["focus_categories"]))
AI_POSTS = "category.data-science-analytics.ai_posts"
DSA_POSTS = "category.data-science-analytics.job_posts"


@functools.lru_cache(maxsize=None)
def _late(window="first_year", seed=5, n_posts=200_000):
    posts, contracts, world, _ = W.draw("late-effects", seed, n_posts)
    panels = build_panels_pandas(posts, contracts, 1000.0, START, END,
                                 panels=("category_month", "category_tier_month", "category_level_month"))
    ids = [i for i in C.required_ids(ROLES) if i != "productivity.hourly_rate"]
    est = results_frame(C.compute_estimates(panels, ROLES, ids, quick=True))
    cf = H.contract_frame(posts, contracts, START, END)
    wc = C.windowed_check(panels, ROLES, est, {**DEFAULT_PARAMS, "claim_window": window}, cf)
    return wc, world, est


def _by_id(check: pd.DataFrame) -> pd.DataFrame:
    return check.drop_duplicates("estimate_id").set_index("estimate_id")


def test_window_end_follows_the_treatment_date_and_the_run_end():
    assert claim_window_end("2022-11-30", "first_year", "2024-06-30") == "2023-12-31"
    assert claim_window_end("2023-03-14", "first_year", "2025-06-30") == "2024-12-31"
    assert claim_window_end("2022-11-30", "first_year", "2023-08-31") == "2023-08-31"
    assert claim_window_end("2022-11-30", "all", "2024-06-30") == "2024-06-30"
    with pytest.raises(ValueError, match="claim_window"):
        claim_window_end("2022-11-30", "2023", "2024-06-30")


@pytest.mark.parametrize("value", ["2023", "first year", 1, None])
def test_bad_claim_window_is_refused_by_name(value):
    _, problems = check_schema({"claim_window": value})
    assert [p.key for p in problems] == ["claim_window"]
    assert "first_year, all" in problems[0].message


def test_late_effects_world_has_no_effect_in_the_claim_window():
    _, world, _ = _late()
    months, ramp = world.months(), world.ramp()
    assert ramp[months <= pd.Timestamp("2023-12-31")].max() == 0.0
    assert ramp[months == pd.Timestamp("2024-06-01")][0] > 0.4


def test_window_estimates_are_near_zero_where_every_month_finds_the_effect():
    wc, world, _ = _late()
    truth = W.truth(world)
    win, every = _by_id(wc.check), _by_id(wc.check_all)
    # AI-related posts of Data Science & Analytics (pp of pre-release posts): planted from 2024 on.
    assert truth[AI_POSTS] > 2.5
    assert abs(every.loc[AI_POSTS, "estimate_pct"] - truth[AI_POSTS]) < 0.5
    assert every.loc[AI_POSTS, "honest_low_pct"] > 0
    assert abs(win.loc[AI_POSTS, "estimate_pct"]) < 0.3
    assert win.loc[AI_POSTS, "honest_low_pct"] < 0 < win.loc[AI_POSTS, "honest_high_pct"]
    assert win.loc[DSA_POSTS, "honest_low_pct"] < 0 < win.loc[DSA_POSTS, "honest_high_pct"]
    assert wc.end == pd.Timestamp("2023-12-31") and wc.all_end == pd.Timestamp(END)


def test_window_verdicts_do_not_credit_effects_that_came_later():
    wc, _, _ = _late()
    v, v_all = C.claim_verdicts(wc.check), C.claim_verdicts(wc.check_all)
    assert set(v["verdict"]) == {"inconclusive"}
    # Every post month does see the 2024 rise of AI-related posts (claim 3).
    assert v_all.set_index("claim").loc["c3", "verdict"] == "partly supported"
    table = tables.window_verdict_table(words.worded_verdicts(v), words.worded_verdicts(v_all), "2023", "all")
    assert table.set_index("Claim").loc["C3", "Differs"] == "yes"
    assert (table["Differs"] == "yes").sum() == 1


def test_window_estimates_are_recorded_under_their_own_ids():
    wc, _, est = _late()
    assert [e.id for e in wc.records] == [f"{i}.first_year" for i in est["id"]]
    assert all(e.scope.endswith("post months 2022-12 to 2023-12") for e in wc.records)
    assert set(wc.check["window"]) == {"first_year"} and set(wc.check_all["window"]) == {"all"}
    assert (wc.check["result_id"] == wc.check["estimate_id"] + ".first_year").all()
    assert (wc.check_all["result_id"] == wc.check_all["estimate_id"]).all()
    assert len(wc.table) == len(wc.check) + len(wc.check_all)


def test_window_all_is_the_chapters_check():
    wc, _, _ = _late("all")
    assert wc.is_all and wc.records == []
    pd.testing.assert_frame_equal(wc.check, wc.check_all)
    assert len(wc.table) == len(wc.check)
    assert words.claim_window_sentence("all", wc.first_month, wc.end, wc.all_end).startswith(
        "The answers use every post month, December 2022 to June 2024")
