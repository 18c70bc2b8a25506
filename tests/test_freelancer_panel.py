"""The balanced freelancer-month panel and its within-freelancer estimates.

Hand-built extracts check the panel's rules (exposure fixed at the main
pre-release category, zeros inside the span, the seeded sample); a
hypothesis property checks the engine against the pandas reference; a
seeded small world checks that Poisson PML recovers the planted change in
freelancers' contract counts.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from analysis.data.panels import build_freelancer_panel, draw_freelancers, freelancer_panel_pandas
from tests.test_properties import _write, extracts

RELEASE = "2022-11-30"


def _extract(rows):
    """Posts and contracts from (freelancer, category, started_on) rows, one post per contract."""
    posts = pd.DataFrame({
        "job_id": [f"J{i}" for i in range(len(rows))],
        "posted_on": [pd.Timestamp(r[2]) for r in rows],
        "category": [r[1] for r in rows],
        "contract_type": ["hourly"] * len(rows),
        "experience_level": ["entry"] * len(rows),
        "ai_related": [False] * len(rows),
    })
    contracts = pd.DataFrame({
        "contract_id": [f"C{i}" for i in range(len(rows))],
        "job_id": posts["job_id"],
        "freelancer_id": [r[0] for r in rows],
        "started_on": posts["posted_on"],
        "earnings_usd": [100.0 * (i + 1) for i in range(len(rows))],
        "hours": [10.0] * len(rows),
        "feedback": [5.0] * len(rows),
    })
    return posts, contracts


#: F1 works mostly in Writing before the release (2 of 3 contracts) and only
#: in Data Science after it; F2 has no contract in Feb-Mar 2022 inside its
#: span; F3 starts after the release; F4 ties Legal and Writing before it.
ROWS = [
    ("F1", "Writing", "2022-09-05"), ("F1", "Writing", "2022-10-05"), ("F1", "Legal", "2022-10-20"),
    ("F1", "Data Science & Analytics", "2023-01-10"), ("F1", "Data Science & Analytics", "2023-02-10"),
    ("F2", "Legal", "2022-01-15"), ("F2", "Legal", "2022-04-15"),
    ("F3", "Writing", "2023-01-03"),
    ("F4", "Writing", "2022-06-01"), ("F4", "Legal", "2022-07-01"),
]


@pytest.fixture(scope="module")
def hand_panel(tmp_path_factory):
    posts, contracts = _extract(ROWS)
    folder = _write(tmp_path_factory.mktemp("hand"), posts, contracts)
    return build_freelancer_panel(folder, RELEASE)[0], (posts, contracts)


def test_switcher_keeps_pre_release_exposure(hand_panel):
    panel, _ = hand_panel
    f1 = panel[panel.freelancer_id == "F1"]
    assert set(f1["exposure_category"]) == {"Writing"}  # also in 2023, when all work is Data Science
    assert f1.loc[f1.month >= "2023-01-01", "contracts"].sum() == 2
    # Tie (one Legal, one Writing contract): the first name in binary order.
    assert set(panel.loc[panel.freelancer_id == "F4", "exposure_category"]) == {"Legal"}
    # No pre-release contract: not in the exposure design.
    assert panel.loc[panel.freelancer_id == "F3", "exposure_category"].isna().all()


def test_zero_months_inside_the_span(hand_panel):
    panel, _ = hand_panel
    f2 = panel[panel.freelancer_id == "F2"].set_index("month")
    assert list(f2.index) == list(pd.date_range("2022-01-01", "2022-04-01", freq="MS"))
    assert f2["contracts"].tolist() == [1, 0, 0, 1]
    assert f2["any_contract"].tolist() == [1, 0, 0, 1]
    assert f2["earnings"].tolist()[1:3] == [0.0, 0.0]
    # F1: Sep 2022 to Feb 2023, six months; no rows outside a span.
    assert (panel.freelancer_id == "F1").sum() == 6
    assert len(panel) == 6 + 4 + 1 + 2


def test_hand_panel_equals_pandas_reference(hand_panel):
    panel, (posts, contracts) = hand_panel
    ref, _ = freelancer_panel_pandas(posts, contracts, RELEASE)
    pd.testing.assert_frame_equal(panel, ref, check_dtype=False, rtol=1e-9)


def test_same_seed_same_sample():
    ids = [f"F{i}" for i in range(200)] * 2
    a, sa = draw_freelancers(ids, 50, seed=3)
    b, _ = draw_freelancers(list(reversed(ids)), 50, seed=3)
    c, _ = draw_freelancers(ids, 50, seed=4)
    assert sa and len(a) == 50 and list(a) == list(b) and set(a) != set(c)
    assert len(draw_freelancers(ids, 0, seed=3)[0]) == 200 and not draw_freelancers(ids, 200, 3)[1]


def test_engine_sample_is_the_drawn_sample(tmp_path):
    posts, contracts = _extract(ROWS)
    folder = _write(tmp_path, posts, contracts)
    panel, info = build_freelancer_panel(folder, RELEASE, max_freelancers=2, seed=5)
    kept, _ = draw_freelancers(contracts["freelancer_id"], 2, seed=5)
    assert info["sampled"] and info["n_freelancers"] == 4 and info["n_sampled"] == 2
    assert sorted(panel["freelancer_id"].unique()) == list(kept)
    ref, _ = freelancer_panel_pandas(posts, contracts, RELEASE, max_freelancers=2, seed=5)
    pd.testing.assert_frame_equal(panel, ref, check_dtype=False, rtol=1e-9)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(extracts(max_posts=30))
def test_freelancer_panel_equals_pandas_reference(ex):
    posts, contracts = ex
    start, end = "2022-01-01", "2023-03-31"
    with tempfile.TemporaryDirectory() as d:
        panel, info = build_freelancer_panel(_write(Path(d), posts, contracts), "2022-08-15", start, end)
    ref, rinfo = freelancer_panel_pandas(posts.assign(posted_on=pd.to_datetime(posts.posted_on)),
                                         contracts.assign(started_on=pd.to_datetime(contracts.started_on)),
                                         "2022-08-15", start, end)
    assert info == rinfo
    pd.testing.assert_frame_equal(panel, ref, check_dtype=False, rtol=1e-9)
    in_window = (pd.to_datetime(contracts.started_on) >= start) & (pd.to_datetime(contracts.started_on) <= end)
    p_in = posts[(pd.to_datetime(posts.posted_on) >= start) & (pd.to_datetime(posts.posted_on) <= end)]
    assert panel["contracts"].sum() == (in_window & contracts.job_id.isin(p_in.job_id)).sum()


def _poisson_panel(effect: float, seed: int = 0, n_per_cat: int = 150, n_cats: int = 12):
    """Balanced panel: counts ~ Poisson(exp(freelancer + month + category shock + effect * D)),
    the first two categories exposed; some freelancers without exposure."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2021-06-01", "2024-05-01", freq="MS")
    post = (months >= "2022-12-01").astype(float)
    rows = []
    for c in range(n_cats):
        shock = rng.normal(0, 0.03, len(months))
        for j in range(n_per_cat):
            u = rng.normal(0, 0.5)
            mu = np.exp(u + 0.2 * np.sin(np.arange(len(months)) / 3) + shock + effect * post * (c < 2))
            n = rng.poisson(mu)
            cat = f"C{c:02d}" if j % 10 else None  # every tenth freelancer has no pre-release contract
            rows.append(pd.DataFrame({"freelancer_id": f"F{c:02d}{j:03d}", "exposure_category": cat,
                                      "month": months, "contracts": n, "earnings": 100.0 * n,
                                      "any_contract": (n > 0).astype(int)}))
    return pd.concat(rows, ignore_index=True), post, months


def test_ppml_recovers_planted_freelancer_effect():
    from analysis import estimation as E

    panel, _, _ = _poisson_panel(np.log(1.2), seed=1)
    cats = sorted(panel["exposure_category"].dropna().unique())
    e = E.balanced_within_freelancer(panel, "contracts", cats[:2], cats[2:], "2022-11-30", group="g")
    assert e.id == "productivity.balanced.g.contracts"
    assert abs(e.estimate_pct - 20.0) < 4.0 and e.ci_low_pct < 20.0 < e.ci_high_pct and e.p_value < 0.01
    assert e.details["n_no_exposure"] == 12 * 15  # left out, and counted
    assert e.details["n_freelancers"] == 12 * 135
    assert "12 clusters, 2 exposed" in e.inference
    null = E.balanced_within_freelancer(_poisson_panel(0.0, seed=2)[0], "earnings", cats[:2], cats[2:],
                                        "2022-11-30")
    assert abs(null.estimate_pct) < 4.0


def test_extensive_margin_is_the_lpm_in_points():
    from analysis import estimation as E

    panel, _, _ = _poisson_panel(np.log(1.5), seed=3)
    cats = sorted(panel["exposure_category"].dropna().unique())
    e = E.balanced_within_freelancer(panel, "any_contract", cats[:2], cats[2:], "2022-11-30")
    # Hand-computed: the DiD of the share of months with a contract, exposed vs control, post vs pre
    # (balanced panel, so the two-way FE coefficient is this difference of means).
    p = panel[panel["exposure_category"].notna()]
    m = p.assign(ex=p.exposure_category.isin(cats[:2]), post=p.month >= "2022-12-01").groupby(
        ["ex", "post"])["any_contract"].mean()
    did = (m[True, True] - m[True, False]) - (m[False, True] - m[False, False])
    assert e.estimate_pct == pytest.approx(100 * did, abs=1e-6)
    assert e.estimate_pct > 3.0


def test_balanced_estimator_refuses_bad_input():
    from analysis import estimation as E

    panel, _, _ = _poisson_panel(0.0, seed=4, n_per_cat=10, n_cats=3)
    with pytest.raises(ValueError, match="outcome must be one of"):
        E.balanced_within_freelancer(panel, "hourly_rate", ["C00"], ["C01"])
    # no controls: a design with nothing to compare, said in words (issue 12; tests/test_not_estimable.py)
    with pytest.raises(E.NotEstimable, match=r"one of the control categories \(there are none\)"):
        E.balanced_within_freelancer(panel, "contracts", ["C00"], [])


def test_readme_states_the_rules_of_the_code():
    """data/README.md carries the freelancer panels' rules as the data appendix renders them from
    the panels module (one text, two places)."""
    from analysis.core.paths import PROJECT_ROOT as ROOT
    from analysis.data import panels
    from analysis.report import docs

    text = docs.rst_to_myst(docs.docstring_section(panels.__doc__, "Freelancer panels"))
    assert "**Main pre-release category.**" in text and "**Zeros.**" in text
    assert text in (ROOT / "data" / "README.md").read_text(encoding="utf-8")


def test_balanced_panel_leaves_out_the_partly_treated_month():
    """A mid-month treatment date (2023-03-14): March 2023 is neither before nor after. The balanced
    estimate must equal the one on the panel without March, whatever March holds (here: the exposed
    freelancers' counts multiplied by 20 in that month only)."""
    from analysis import estimation as E

    panel, _, _ = _poisson_panel(0.0, seed=4)
    cats = sorted(panel["exposure_category"].dropna().unique())
    march = panel["month"] == pd.Timestamp("2023-03-01")
    junk = panel.copy()
    junk.loc[march & junk["exposure_category"].isin(cats[:2]), "contracts"] *= 20
    with_junk = E.balanced_within_freelancer(junk, "contracts", cats[:2], cats[2:], "2023-03-14")
    without = E.balanced_within_freelancer(panel[~march], "contracts", cats[:2], cats[2:], "2023-03-14")
    assert with_junk.estimate_pct == pytest.approx(without.estimate_pct, abs=1e-9)
    assert abs(without.estimate_pct) < 5.0
    assert with_junk.n_obs == without.n_obs == int((~march & panel["exposure_category"].notna()).sum())
