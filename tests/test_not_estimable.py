"""Designs with nothing to compare (issue 12): said in words, never a kernel crash.

The within-freelancer estimators raise
:class:`analysis.estimation.common.NotEstimable` with a reason for the reader
when the data leave them nothing to compare (no exposed freelancers, no
control freelancers, no freelancer seen in two months, or a group none of
whose freelancers is seen both before and after the treatment date; before,
these raised a bare ``ValueError`` or stopped inside pyfixest with "All
variables are collinear"). The page records the "not estimated" row
(:func:`analysis.results.not_estimated`) and everything downstream says so:
the results CSV, the phrase ("could not be estimated: <reason>"), the display
table, the forest plot ("not estimated") and the claim check ("inconclusive"
with the reason).

The panels are built by hand, so every reason is known in advance; one
seeded draw of the default world (its focus freelancers renamed after the
release, so none of them is seen on both sides) checks the chapters' calls
(:func:`analysis.claims.compute_estimates`, :func:`~analysis.claims.gather_estimates`,
:meth:`analysis.page.Page.estimate`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import estimation as E
from analysis.estimation.common import NotEstimable
from analysis.results import NOT_ESTIMATED, not_estimated, not_estimated_reason, read_results, write_results

TD = "2022-11-30"
MONTHS = pd.date_range("2022-06-01", "2023-06-01", freq="MS")  # 6 pre months, 7 post months
CATS = ("A", "B", "C", "D")
EFFECT = 0.1  # log points, exposed category A after the release


def _fm(drop=None, effect: float = EFFECT) -> pd.DataFrame:
    """A freelancer_month panel without noise: log rate = freelancer + month + EFFECT * (A and post).

    Three freelancers per category, each seen every month in their own
    category (their main pre-release category). ``drop(row) -> bool`` removes rows.
    """
    rows = []
    for c, cat in enumerate(CATS):
        for j in range(3):
            for t, m in enumerate(MONTHS):
                post = m >= pd.Timestamp("2022-12-01")
                rows.append(dict(freelancer_id=f"{cat}{j}", category=cat, exposure_category=cat, month=m,
                                 post=post, hourly_rate=math.exp(3 + 0.1 * j + 0.2 * c + 0.01 * t
                                                                 + effect * (cat == "A" and post))))
    df = pd.DataFrame(rows)
    if drop is not None:
        df = df[~df.apply(drop, axis=1)]
    return df.drop(columns="post").reset_index(drop=True)


def _reason(fm, exposed=("A",), **kw) -> str:
    with pytest.raises(NotEstimable) as info:
        E.within_freelancer(fm, "hourly_rate", list(exposed), treatment_date=TD, inference="crv1", **kw)
    exc = info.value
    assert isinstance(exc, ValueError)  # callers catching ValueError keep working
    row = exc.as_estimate()
    assert row.id == "productivity.hourly_rate" and row.outcome == "hourly_rate" and row.n_obs == 0
    assert all(math.isnan(v) for v in (row.estimate_pct, row.ci_low_pct, row.ci_high_pct, row.p_value, row.coef))
    assert row.inference == NOT_ESTIMATED + exc.reason and not_estimated_reason(row) == exc.reason
    assert {"sample", "n_no_exposure", "n_freelancers"} <= set(row.details)
    return exc.reason


def test_a_valid_hand_panel_gives_the_planted_effect():
    e = E.within_freelancer(_fm(), "hourly_rate", ["A"], treatment_date=TD, inference="crv1")
    assert e.estimate_pct == pytest.approx(100 * math.expm1(EFFECT), abs=1e-6)  # 10.517%
    assert not_estimated_reason(e) is None and e.n_obs == len(_fm())


def test_within_freelancer_reasons():
    assert _reason(_fm(), exposed=["Z"]) == "no freelancer's main pre-release category is one of the exposed " \
                                            "categories (Z)"
    assert _reason(_fm(), exposed=CATS) == ("every freelancer's main pre-release category is an exposed category "
                                            "(A, B, C, D): there are no control freelancers")
    after = pd.Timestamp("2022-12-01")
    assert _reason(_fm(lambda r: r.category == "A" and r.month >= after)) == (
        "no freelancer of the exposed categories (A) is observed both before and after the treatment date "
        "(2022-11-30)")
    assert _reason(_fm(lambda r: r.category != "A" and r.month >= after)) == (
        "no freelancer of the control categories is observed both before and after the treatment date (2022-11-30)")
    # exposed freelancers seen before and after, but never the same freelancer on both sides
    assert _reason(_fm(lambda r: r.category == "A" and (r.month >= after) == (r.freelancer_id == "A0"))) == (
        "no freelancer of the exposed categories (A) is observed both before and after the treatment date "
        "(2022-11-30)")
    one_month = _fm(lambda r: r.month != MONTHS[int(r.freelancer_id[1]) + 3 * CATS.index(r.category)])
    assert _reason(one_month) == ("no freelancer has an hourly rate in two different months (a freelancer seen in "
                                  "one month only is fitted exactly by their own fixed effect)")
    nobody = _fm().assign(exposure_category=None)
    assert _reason(nobody) == ("no sampled freelancer has a contract before the treatment date (2022-11-30), so "
                               "none has a main pre-release category")


def test_the_not_estimated_row_keeps_what_the_page_reads():
    fm = _fm(lambda r: r.category == "A" and r.month >= pd.Timestamp("2022-12-01"))
    fm.loc[fm.freelancer_id == "B0", "exposure_category"] = None  # one freelancer without exposure
    with pytest.raises(NotEstimable) as info:
        E.within_freelancer(fm, "hourly_rate", ["A"], treatment_date=TD)
    row = info.value.as_estimate()
    assert row.details["n_no_exposure"] == 1 and row.details["n_freelancers"] == 0
    assert row.details["sample"]["n_freelancers"] == 12 and row.details["sample"]["sampled"] is False
    assert row.scope == "freelancers by main pre-release category, 1 exposed vs 3 other categories (freelancer FE)"



def test_a_post_month_without_exposed_freelancers_is_said_not_a_singular_matrix():
    # The equal-weight mean of the post months needs an exposed freelancer in each of them; before, pyfixest
    # dropped the month's regressor (CRV1 printed a number of another estimand) and the bootstrap stopped
    # with numpy's "Singular matrix".
    gap = _fm(lambda r: r.category == "A" and r.month == MONTHS[-2])
    why = ("freelancers of the exposed categories (A) are observed in 6 of the 7 post-release months (none in "
           "May 2023), and the estimate weights every post-release month equally")
    assert _reason(gap) == why
    with pytest.raises(NotEstimable, match=r"6 of the 7 post-release months"):
        E.within_freelancer(gap, "hourly_rate", ["A"], treatment_date=TD, b_reps=9)
    pooled = E.within_freelancer(gap, "hourly_rate", ["A"], treatment_date=TD, b_reps=9, post_weights="pooled")
    assert pooled.estimate_pct == pytest.approx(100 * math.expm1(EFFECT), abs=1e-6)  # one coefficient: identified
    # A post month with exposed freelancers only: its effect is the month's fixed effect (pyfixest drops it).
    alone = _fm(lambda r: r.category != "A" and r.month == MONTHS[-2])
    assert _reason(alone) == ("the exposed freelancers' months are collinear with the freelancer and month fixed "
                              "effects (too few exposed freelancers or months to separate the effect from them)")


@pytest.fixture(scope="module")
def sparse_fm():
    """The freelancer_month panel of a small seeded draw of the sparse world (Legal: 4 pre-release freelancers)."""
    from analysis.data import worlds as W
    from analysis.data.panels import build_panels_pandas

    posts, contracts, _, _ = W.draw("sparse", 3, 20_000)
    return build_panels_pandas(posts, contracts, 1000.0, "2021-01-01", "2024-06-30", treatment_date=TD,
                               panels=("freelancer_month",))["freelancer_month"]


def test_a_tiny_exposed_category_of_a_sparse_world_is_not_estimated(sparse_fm, tmp_path, monkeypatch):
    import myst_nb

    from analysis.page import Page

    with pytest.raises(NotEstimable) as info:  # before: numpy.linalg.LinAlgError "Singular matrix"
        E.within_freelancer(sparse_fm, "hourly_rate", ["Legal"], treatment_date=TD, seed=1, b_reps=99)
    assert info.value.reason.startswith("freelancers of the exposed categories (Legal) are observed in 1 of the 19 "
                                        "post-release months (none in December 2022, January 2023, February 2023")
    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: None)
    page = Page({}, output_dir=str(tmp_path / "out"))
    e = page.estimate(E.within_freelancer, sparse_fm, "mean_feedback", ["Legal"], b_reps=99)
    assert not_estimated_reason(e).startswith("freelancers of the exposed categories (Legal)")
    assert {"sample", "n_freelancers", "n_no_exposure"} <= set(e.details)  # the chapter's sentences still read

def _bp(drop=None) -> pd.DataFrame:
    """A balanced freelancer panel: four freelancers per category, 0 to 2 contracts a month."""
    rows = [dict(freelancer_id=f"{c}{j}", exposure_category=c, month=m, contracts=(j + t) % 3,
                 earnings=100.0 * ((j + t) % 3), any_contract=int((j + t) % 3 > 0))
            for c in CATS for j in range(4) for t, m in enumerate(MONTHS)]
    df = pd.DataFrame(rows)
    return df if drop is None else df[~df.apply(drop, axis=1)].reset_index(drop=True)


@pytest.mark.parametrize("outcome", sorted(E.BALANCED_OUTCOMES))
def test_balanced_within_freelancer_reasons(outcome):
    after = pd.Timestamp("2022-12-01")

    def reason(panel, exposed, controls):
        with pytest.raises(NotEstimable) as info:
            E.balanced_within_freelancer(panel, outcome, exposed, controls, TD, group="g")
        row = info.value.as_estimate()
        assert row.id == f"productivity.balanced.g.{outcome}" and row.n_obs == 0 and math.isnan(row.estimate_pct)
        assert row.outcome == (f"{outcome}_pp" if outcome == "any_contract" else outcome)  # its unit, as estimated
        return info.value.reason

    assert reason(_bp(), ["Z"], ["B", "C"]) == ("no freelancer's main pre-release category is one of the exposed "
                                                "categories (Z)")
    assert reason(_bp(), ["A"], ["Y"]) == ("no freelancer's main pre-release category is one of the control "
                                           "categories (Y)")
    assert reason(_bp(), ["A"], []) == ("no freelancer's main pre-release category is one of the control "
                                        "categories (there are none)")
    assert reason(_bp(lambda r: r.exposure_category == "A" and r.month >= after), ["A"], ["B", "C"]) == (
        "no freelancer of the exposed categories (A) is observed both before and after the treatment date "
        "(2022-11-30)")
    assert reason(_bp(lambda r: r.exposure_category != "A" and r.month >= after), ["A"], ["B", "C"]) == (
        "no freelancer of the 2 control categories is observed both before and after the treatment date "
        "(2022-11-30)")
    ok = E.balanced_within_freelancer(_bp(), outcome, ["A"], ["B", "C"], TD)
    assert not_estimated_reason(ok) is None and math.isfinite(ok.estimate_pct)


def test_not_estimated_row_in_the_results_csv(tmp_path):
    e = not_estimated("productivity.hourly_rate", "hourly_rate", "focus vs others",
                      "no freelancer of the exposed categories (A <b>&</b>) is observed\nboth before and after")
    assert e.inference == ("not estimated: no freelancer of the exposed categories (A <b>&</b>) is observed both "
                           "before and after")  # one line
    write_results([e], tmp_path / "r.csv")
    row = read_results(tmp_path / "r.csv").iloc[0]
    assert row["n_obs"] == 0 and math.isnan(row["estimate_pct"]) and math.isnan(row["ci_low_pct"])
    assert not_estimated_reason(row) == ("no freelancer of the exposed categories (A <b>&</b>) is observed both "
                                         "before and after")
    line = (tmp_path / "r.csv").read_text().splitlines()[1]
    assert line == ('productivity.hourly_rate,hourly_rate,focus vs others,,,,,not estimated: no freelancer of the '
                    'exposed categories (A <b>&</b>) is observed both before and after,0,')
    with pytest.raises(ValueError, match="needs a reason"):
        not_estimated("x", "y", "z", "  ")


NE = not_estimated("productivity.hourly_rate", "hourly_rate", "focus vs others",
                   "no freelancer of the exposed categories (A*B, <i>C</i>) is observed both before and after "
                   "the treatment date (2022-11-30)")


def test_phrase_table_and_verdict_word_of_a_not_estimated_estimate():
    from analysis.report import tables, words
    from analysis.report.escape import Markdown

    text = words.phrase(NE)
    assert text == ("could not be estimated: no freelancer of the exposed categories (A*B, <i>C</i>) is observed "
                    "both before and after the treatment date (2022-11-30)")
    assert words.phrase(NE.as_row(), up="above", digits=2) == text  # a results row, any wording
    assert words.verdict_of(NE, +1) == "does not support"
    md = Markdown.build("Hourly rates {x}.", x=text)  # escaped as all text from data
    assert "\\(A\\*B\\, \\<i\\>C\\<\\/i\\>\\)" in md and "<i>" not in md
    html = tables.display_estimates([NE]).to_html()
    assert ">not estimated<" in html and "&lt;i&gt;" not in html  # the reason is in the text, not the table
    cells = tables.display_estimates([NE]).data.iloc[0]
    assert cells["Effect (%)"] == "not estimated" and cells["95% interval (%)"] == "" and cells["p-value"] == ""


def test_forest_writes_not_estimated_in_its_row():
    from analysis.report import figures as F

    data = pd.DataFrame({"measure": ["Hourly rate", "Feedback", "Hours"], "estimate_pct": [3.0, np.nan, -1.0],
                         "ci_low_pct": [1.0, np.nan, -4.0], "ci_high_pct": [5.0, np.nan, 2.0]})
    ax = F.within_freelancer_forest(data, label="measure").axes[0]
    texts = [t for t in ax.texts if t.get_text() == F.NOT_ESTIMATED_TEXT]
    assert len(texts) == 1
    ticks = {t.get_text(): y for y, t in zip(ax.get_yticks(), ax.get_yticklabels())}
    assert texts[0].get_position()[1] == ticks["Feedback"]
    everything = data.assign(estimate_pct=np.nan, ci_low_pct=np.nan, ci_high_pct=np.nan)
    ax = F.within_freelancer_forest(everything, label="measure").axes[0]
    assert [t.get_text() for t in ax.texts] == [F.NOT_ESTIMATED_TEXT] * 3


def test_claim_check_is_inconclusive_with_the_reason():
    from analysis import claims as C
    from analysis.results import Estimate, results_frame

    share = Estimate(id="productivity.expert_share", outcome="expert_share_pp", scope="s", estimate_pct=3.0,
                     ci_low_pct=1.0, ci_high_pct=5.0, p_value=0.001, inference="CRV1", n_obs=10)
    res = results_frame([NE, share])
    check = C.claim_check(res, ["Data Science & Analytics", "Writing"])
    c5 = check[check.claim == "c5"].set_index("estimate_id")
    assert c5.loc["productivity.hourly_rate", "verdict"] == "inconclusive"
    assert c5.loc["productivity.hourly_rate", "inference"] == NE.inference
    assert C.claim_verdicts(check).set_index("claim").loc["c5", "verdict"] == "partly supported"
    r = {"book_verdict": "inconclusive", "expected": "+", "inference": NE.inference, "honest_p": math.nan,
         "holm_p": math.nan, "honest_pct": math.nan}
    assert C.honest_verdict(r) == "inconclusive"
    assert C.honest_reason(r) == "could not be estimated: " + not_estimated_reason(NE)


@pytest.fixture(scope="module")
def never_after():
    """A small default-world draw whose focus freelancers are never seen after the release (renamed)."""
    from analysis.data import worlds as W
    from analysis.data.panels import build_panels_pandas

    posts, contracts, _, _ = W.draw("default", 3, 20_000)
    cat = contracts.job_id.map(posts.set_index("job_id").category)
    post = pd.to_datetime(contracts.started_on) >= pd.Timestamp("2022-12-01")
    c = contracts.copy()
    was = set(c.loc[cat.isin(W.FOCUS) & ~post, "freelancer_id"])
    moved = post & c.freelancer_id.isin(was)
    c.loc[moved, "freelancer_id"] = "new-" + c.loc[moved, "freelancer_id"].astype(str)
    panels = build_panels_pandas(posts, c, 1000.0, "2021-01-01", "2024-06-30", treatment_date=TD)
    return panels, list(W.FOCUS)


WHY = ("no freelancer of the exposed categories (Data Science & Analytics, Translation, Writing) is observed both "
       "before and after the treatment date (2022-11-30)")


def test_claim_estimates_and_the_honest_check_record_the_reason(never_after):
    from analysis import claims as C
    from analysis.results import results_frame

    panels, focus = never_after
    roles = C.roles_from_focus(focus)
    (e,) = C.compute_estimates(panels, roles, ["productivity.hourly_rate"], treatment_date=TD, seed=1)
    assert not_estimated_reason(e) == WHY  # before: "All variables are collinear" from pyfixest
    res = results_frame([e])
    got, prov = C.gather_estimates(panels, roles, res, treatment_date=TD, seed=1, ids=["productivity.hourly_rate"])
    assert prov.to_dict("records") == [dict(id="productivity.hourly_rate", source="results table", reason="current")]
    assert got.iloc[0]["inference"] == NOT_ESTIMATED + WHY
    check = C.honest_check(panels, roles, res, treatment_date=TD, seed=1)
    row = check.set_index("estimate_id").loc["productivity.hourly_rate"]
    assert row["verdict"] == "inconclusive" and row["reason"] == "could not be estimated: " + WHY
    assert math.isnan(row["honest_pct"]) and math.isnan(row["holm_p"])


def test_page_records_the_not_estimated_row(never_after, tmp_path, monkeypatch):
    import myst_nb

    from analysis.page import Page

    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: None)
    panels, focus = never_after
    page = Page({}, output_dir=str(tmp_path / "out"))
    e = page.estimate(E.within_freelancer, panels["freelancer_month"], "hourly_rate", focus, b_reps=9)
    assert not_estimated_reason(e) == WHY and e.details["n_no_exposure"] > 0
    stored = page.stored_results().set_index("id").loc["productivity.hourly_rate"]
    assert stored["inference"] == NOT_ESTIMATED + WHY and stored["n_obs"] == 0
    assert page.say("wf_hourly_rate", e, expected=+1) == "could not be estimated: " + WHY
    ok = page.estimate(E.within_freelancer, panels["freelancer_month"], "hourly_rate", ["Web, Mobile & Software Dev"],
                       b_reps=9)
    assert not_estimated_reason(ok) is None and math.isfinite(ok.estimate_pct)  # other designs still fit
