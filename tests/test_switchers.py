"""Exposure of the within-freelancer rate design (issue 12): fixed at each
freelancer's main pre-release category, not the category of each row.

In the ``switchers`` world no rate effect is planted, and after the release
freelancers of the two lowest-paid control categories take 30% of the focus
categories' contracts, at the focus categories' rates. Exposure by the row's
category counts those moves as a rise of the exposed freelancers' rates (a
spurious effect of about +60%); exposure fixed before the release keeps the
switchers in the control group, where their gain is diluted (truth about -3%).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from analysis import estimation as E
from analysis.data import simulate as sim
from analysis.data import worlds as W
from analysis.data.panels import build_panels, build_freelancer_panel
from tests.test_freelancer_panel import ROWS, _extract
from tests.test_properties import _write

pytestmark = pytest.mark.xdist_group("switchers")

FOCUS = list(W.FOCUS)
KEY = "productivity.hourly_rate"


@pytest.fixture(scope="module")
def switch_world(tmp_path_factory):
    world = W.make_world("switchers", seed=7, n_posts=60_000)
    folder = tmp_path_factory.mktemp("switchers")
    truth = sim.write_extract(world, folder)["effects"]
    return build_panels(folder, panels=("freelancer_month",), start=world.start, end=world.end)[
        "freelancer_month"], truth, world


def test_switchers_move_into_the_focus_and_keep_their_exposure(switch_world):
    fm, _, world = switch_world
    post = fm["month"] >= "2022-12-01"
    moved = fm[post & fm["category"].isin(FOCUS) & fm["exposure_category"].isin(W.SWITCH_FROM)]
    # A few hundred switcher rows, a large share of the focus categories' post rows with exposure.
    focus_post = fm[post & fm["category"].isin(FOCUS) & fm["exposure_category"].notna()]
    assert 0.1 < len(moved) / len(focus_post) < 0.4
    # None of them was exposed: their main pre-release category is an origin category.
    assert not moved["exposure_category"].isin(FOCUS).any()
    # Every row of a freelancer carries the same exposure.
    assert (fm.groupby("freelancer_id")["exposure_category"].nunique(dropna=False) == 1).all()


def test_truth_counts_the_switchers_gain_in_the_control_group(switch_world):
    _, truth, world = switch_world
    # Nothing planted on rates: the truth is only the switchers' gain, against the focus, and small.
    assert all(c.rate == 0 for c in world.categories)
    assert -5.0 < truth[KEY] < -1.0
    # Without switchers the same world has zero truth; with the default world the planted rates.
    still = sim.true_effects(dataclasses.replace(world, switch_share=0.0))
    assert still[KEY] == 0.0
    d = sim.true_effects(sim.World())
    gaps = {c.name: c.rate for c in sim.DEFAULT_CATEGORIES}
    ramp, post = sim.World().ramp(), sim.post_mask(sim.World().months(), sim.World().release)
    planted = np.mean([gaps[n] for n in FOCUS]) * ramp[post].mean()
    assert d[KEY] == pytest.approx(100 * math.expm1(planted), rel=1e-9)


def test_row_category_exposure_finds_a_spurious_rise_fixed_exposure_does_not(switch_world):
    fm, truth, _ = switch_world
    fixed = E.within_freelancer(fm, "hourly_rate", FOCUS, seed=2, b_reps=499)
    row = E.within_freelancer(fm, "hourly_rate", FOCUS, seed=2, inference="crv1", exposure="row")
    assert fixed.id == row.id == KEY  # the claim's id is kept
    assert fixed.details["exposure"] == "pre_release" and fixed.details["n_no_exposure"] > 0
    # Fixed exposure: the interval covers the truth and zero.
    assert fixed.ci_low_pct <= truth[KEY] <= fixed.ci_high_pct
    assert fixed.ci_low_pct <= 0.0 <= fixed.ci_high_pct
    # Row exposure: +40% or more, above the fixed design's whole interval, more than three
    # standard errors above the truth and significant at 1% (CRV1 by category).
    assert row.estimate_pct > max(40.0, fixed.ci_high_pct)
    assert (row.coef - math.log1p(truth[KEY] / 100)) / row.se > 3.0
    assert row.p_value < 0.01


def test_freelancers_without_pre_release_work_are_left_out(tmp_path):
    posts, contracts = _extract(ROWS)
    folder = _write(tmp_path, posts, contracts)
    fm = build_panels(folder, panels=("freelancer_month",), treatment_date="2022-11-30")["freelancer_month"]
    bp, _ = build_freelancer_panel(folder, "2022-11-30")
    # The same main category as the balanced panel's, in every row of the freelancer.
    main = bp.drop_duplicates("freelancer_id").set_index("freelancer_id")["exposure_category"]
    got = fm.drop_duplicates("freelancer_id").set_index("freelancer_id")["exposure_category"]
    pd.testing.assert_series_equal(got.sort_index(), main.sort_index(), check_names=False)
    assert got["F1"] == "Writing" and got["F4"] == "Legal" and pd.isna(got["F3"])
    # F1's Data Science rows after the release are Writing-exposed rows.
    f1 = fm[(fm.freelancer_id == "F1") & (fm.category == "Data Science & Analytics")]
    assert len(f1) == 2 and set(f1["exposure_category"]) == {"Writing"}


def test_exposure_argument_is_checked(switch_world):
    fm, _, _ = switch_world
    with pytest.raises(ValueError, match="exposure must be"):
        E.within_freelancer(fm, "hourly_rate", FOCUS, exposure="category")
    with pytest.raises(ValueError, match="exposure_category"):
        E.within_freelancer(fm.drop(columns="exposure_category"), "hourly_rate", FOCUS)
