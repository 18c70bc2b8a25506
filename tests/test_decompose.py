"""The shift-share decomposition of earnings per contract: hand-computed cases and exact sums."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.core.paths import SYNTHETIC_DIR
from analysis.data.panels import build_panels
from analysis.estimation.decompose import shift_share


@pytest.fixture(scope="module")
def synthetic_panels():
    return build_panels(SYNTHETIC_DIR, panels=("category_month",))


def _panel(rows):
    """A category_month panel from (category, month, contracts, earnings) rows."""
    return pd.DataFrame(rows, columns=["category", "month", "contracts", "earnings"]).assign(
        month=lambda d: pd.to_datetime(d["month"]))


#: Two months before (Oct, Nov 2022) and two after (Dec 2022, Jan 2023) a release on 30 November 2022.
HAND = _panel([
    ("A", "2022-10-01", 40, 4000.0), ("A", "2022-11-01", 40, 4000.0),    # pre: A 80 contracts, USD 100 each
    ("B", "2022-10-01", 10, 2000.0), ("B", "2022-11-01", 10, 2000.0),    # pre: B 20 contracts, USD 200 each
    ("A", "2022-12-01", 25, 2500.0), ("A", "2023-01-01", 25, 2500.0),    # post: A 50 contracts, USD 100 each
    ("B", "2022-12-01", 25, 6250.0), ("B", "2023-01-01", 25, 6250.0),    # post: B 50 contracts, USD 250 each
    ("A", "2022-09-01", 999, 1.0),                                       # outside both periods: ignored
])


def test_three_term_hand_computed():
    # E0 = (8000 + 4000) / 100 = 120; E1 = (5000 + 12500) / 100 = 175; change 55.
    # within = 0.8 * 0 + 0.2 * 50 = 10; mix = -0.3 * 100 + 0.3 * 200 = 30; interaction = 0.3 * 50 = 15.
    d = shift_share(HAND, "2022-11-30", n=2)
    assert (d.epc_pre, d.epc_post) == pytest.approx((120.0, 175.0))
    assert (d.within, d.mix, d.interaction) == pytest.approx((10.0, 30.0, 15.0))
    assert d.total == pytest.approx(55.0)
    assert d.pct("mix") == pytest.approx(25.0)  # 30 / 120
    t = d.table.set_index("category")
    assert t.loc["B", ["within", "mix", "interaction", "total"]].tolist() == pytest.approx([10.0, 60.0, 15.0, 85.0])
    assert t.loc["A", ["within", "mix", "interaction", "total"]].tolist() == pytest.approx([0.0, -30.0, 0.0, -30.0])
    assert t.loc["A", "contracts_pre"] == 80 and t.loc["B", "share_post"] == pytest.approx(0.5)


def test_midpoint_hand_computed():
    # within = mean shares (0.65, 0.35) . (0, 50) = 17.5; mix = (-0.3, 0.3) . mean pay (100, 225) = 37.5.
    d = shift_share(HAND, "2022-11-30", n=2, form="midpoint")
    assert (d.within, d.mix, d.interaction) == pytest.approx((17.5, 37.5, 0.0))
    assert d.parts()["Part"].tolist()[-1] == "Total change"
    assert d.parts()["USD per contract"].iloc[-1] == pytest.approx(55.0)


def test_parts_sum_exactly_to_total_on_the_bundled_data(synthetic_panels):
    cm = synthetic_panels["category_month"]
    for form in ("three", "midpoint"):
        d = shift_share(cm, "2022-11-30", form=form)
        assert d.within + d.mix + d.interaction == pytest.approx(d.total, rel=1e-12, abs=1e-9)
        assert d.table["total"].sum() == pytest.approx(d.total, rel=1e-12, abs=1e-9)
        # E_p is total earnings over total contracts of the period's twelve months.
        pre = cm[(cm["month"] >= "2021-12-01") & (cm["month"] < "2022-12-01")]
        assert d.epc_pre == pytest.approx(pre["earnings"].sum() / pre["contracts"].sum(), rel=1e-12)
        assert d.parts()["% of pre-release level"].iloc[-1] == pytest.approx(100 * d.total / d.epc_pre)


def test_parts_sum_exactly_on_random_panels():
    rng = np.random.default_rng(7)
    months = pd.date_range("2021-12-01", periods=24, freq="MS")
    for _ in range(20):
        cats = [f"c{i}" for i in range(int(rng.integers(2, 9)))]
        rows = [(c, m, int(rng.integers(0, 50)), float(rng.gamma(2.0, 300.0))) for c in cats for m in months]
        cm = _panel(rows)
        cm.loc[cm["contracts"] == 0, "earnings"] = 0.0
        d = shift_share(cm, "2022-11-30")
        assert d.within + d.mix + d.interaction == pytest.approx(d.total, rel=1e-12, abs=1e-9)


def test_category_entering_after_release_counts_as_mix():
    cm = _panel([("A", "2022-11-01", 10, 1000.0), ("A", "2022-12-01", 10, 1000.0),
                 ("B", "2022-12-01", 10, 3000.0)])
    d = shift_share(cm, "2022-11-30", n=1)
    # E0 = 100, E1 = 200; B enters with share 0.5 at USD 300: mix = 0.5 * 300 - 0.5 * 100 = 100.
    assert (d.within, d.mix, d.interaction, d.total) == pytest.approx((0.0, 100.0, 0.0, 100.0))


def test_bad_form_and_empty_period_are_refused():
    with pytest.raises(ValueError, match="form"):
        shift_share(HAND, "2022-11-30", n=2, form="two")
    with pytest.raises(ValueError, match="no contracts"):
        shift_share(HAND, "2030-11-30", n=2)
