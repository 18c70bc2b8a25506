"""Issue 12: controls that are treated too, and extracts the book meets in practice.

* a mid-month treatment date: the partly treated month is left out of
  estimation and is never the event study's reference month (hand-built panel);
* a category created after the release is left out of the comparisons
  (it crashed chapter 3 with pyfixest's "All variables are collinear") and
  the parameter check names it;
* a focus category with no contracts is refused, naming it;
* every control treated a little (``spillover`` world): the estimate recovers
  the difference from the controls, not the focus category's own change;
* leave-one-control-out and least-exposed controls.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import estimation as est
from analysis.core import periods
from analysis.core.params import check_against_data, check_schema, data_notes, uncomparable
from analysis.data import simulate as sim
from analysis.data import worlds as W
from analysis.data.contract import validate
from analysis.data.panels import build_panels_pandas
from analysis.estimation import honest

START, END = "2021-01-01", "2024-06-30"
GPT4 = "2023-03-14"


def _hand_panel(effect=0.2, march_junk=1.0, n_units=6):
    """Exact two-way panel: log y = unit + month + effect * D (u0, from April 2023), plus junk in March 2023."""
    months = pd.date_range("2022-01-01", "2023-12-01", freq="MS")
    rng = np.random.default_rng(3)
    a, g = rng.normal(0, 1, n_units), rng.normal(0, 0.3, len(months))
    rows = []
    for i in range(n_units):
        for t, m in enumerate(months):
            ly = 5 + a[i] + g[t] + rng.normal(0, 0.01 if i else 0.0)
            if i == 0 and m >= pd.Timestamp("2023-04-01"):
                ly += effect
            if i == 0 and m == pd.Timestamp("2023-03-01"):
                ly += march_junk  # the partly treated month: anything may happen in it
            rows.append(dict(category=f"u{i}", month=m, y=math.exp(ly)))
    return pd.DataFrame(rows)


def test_partial_month_rule():
    assert periods.partial_month(GPT4) == pd.Timestamp("2023-03-01")
    assert periods.partial_month("2022-11-30") is None  # one exposed day: counts as pre
    assert periods.partial_month("2023-03-25") is None  # 7 days: pre
    assert periods.reference_month(GPT4) == -2
    lab = periods.around_release(pd.date_range("2022-01-01", "2024-01-01", freq="MS"), GPT4, n=12)
    assert lab[list(pd.date_range("2022-01-01", "2024-01-01", freq="MS")).index(pd.Timestamp("2023-03-01"))] == ""
    assert (lab == "before").sum() == 12 and (lab == "after").sum() == 10


def test_partial_month_rule_exposed_days():
    # 24 March: 8 days on or after it, more than a week: partly treated
    assert periods.partial_month("2023-03-24") == pd.Timestamp("2023-03-01")


def test_mid_month_date_drops_the_partly_treated_month():
    panel = _hand_panel()
    e = est.did_panel(panel, "y", "u0", treatment_date=GPT4, inference="crv1")
    # the junk of March 2023 would bias it by about +1/10 log points if kept
    assert math.log1p(e.estimate_pct / 100) == pytest.approx(0.2, abs=0.01)
    kept = est.did_panel(panel, "y", "u0", treatment_date="2023-03-25", inference="crv1")  # March counts as pre
    assert abs(math.log1p(kept.estimate_pct / 100) - 0.2) > 0.03
    es = est.event_study(panel, "y", "u0", treatment_date=GPT4, window=(-6, 6), baseline="ref")
    t = es.table.set_index("rel_month")
    assert -1 not in t.index  # March 2023 is not in the sample
    assert t.loc[-2, "coef"] == 0 and math.isnan(t.loc[-2, "se"])  # February is the reference
    assert t.loc[3, "coef"] == pytest.approx(0.2, abs=0.03)
    with pytest.raises(ValueError, match="partly treated"):
        est.event_study(panel, "y", "u0", treatment_date=GPT4, ref=-1)
    cov = honest.event_study_cov(panel, "y", "u0", "y", None, GPT4)
    assert cov is not None


def test_mid_month_world_is_estimated_by_the_post_rule():
    posts, contracts, world, _ = W.draw("mid-month", 5, 150_000)
    assert world.release == GPT4
    panels = build_panels_pandas(posts, contracts, 1000.0, START, END, panels=("category_month",))
    cm = panels["category_month"]
    truth = sim.true_effects(world, focus=list(W.FOCUS))
    e = est.did_panel(cm, "job_posts", "Data Science & Analytics",
                      [c for c in cm.category.unique() if c not in W.FOCUS], treatment_date=GPT4)
    t = truth["category.data-science-analytics.job_posts"]
    assert e.ci_low_pct <= t <= e.ci_high_pct


@pytest.fixture(scope="module")
def new_category(tmp_path_factory):
    folder = tmp_path_factory.mktemp("newcat")
    meta = W.write_world("new-category", folder, seed=5, n_posts=60_000)
    summary, violations = validate(folder)
    assert summary is not None and not violations
    return folder, summary, meta


def test_new_category_is_left_out_and_named(new_category):
    folder, summary, meta = new_category
    assert meta["postprocess"]["posts_dropped"] > 0
    full, problems = check_schema({"data_dir": str(folder)})
    assert not problems
    assert not check_against_data(full, summary)
    assert uncomparable(full, summary) == {W.NEW_CATEGORY: (False, True)}
    assert summary.repeat_freelancers > 1000
    notes = data_notes(full, summary)
    assert len(notes) == 1 and "'AI Services'" in notes[0] and "before 2022-11-30" in notes[0]
    # as a focus category it is refused, naming it
    full2, _ = check_schema({"focus_categories": [W.NEW_CATEGORY, "Writing"]})
    probs = check_against_data(full2, summary)
    assert any(p.key == "focus_categories" and "'AI Services' has no job posts before 2022-11-30" in p.message
               for p in probs)


def test_new_category_no_longer_crashes_the_comparisons(new_category):
    folder, summary, _ = new_category
    from analysis.data.panels import build_panels

    panels = build_panels(folder, 1000.0, START, END)
    cm = panels["category_month"]
    kept, dropped = est.comparable_categories(cm)
    assert dropped == [W.NEW_CATEGORY]
    focus = list(W.FOCUS)
    everyone = [c for c in cm.category.unique() if c not in focus]
    with pytest.raises(ValueError):  # the crash of issue 12, with the new category as a control
        est.all_category_effects(cm, focus, everyone, [])
    controls = [c for c in kept if c not in focus]
    out = est.all_category_effects(cm, focus, controls, [])
    assert len(out) == 2 * len(controls)
    assert honest.event_study_cov(cm, "job_posts", focus[0], "job_posts", controls, "2022-11-30") is not None


def test_new_category_platform_truth_is_what_the_book_estimates(new_category):
    """Issue 11: the platform truth of ``new-category`` counts the new category in the observed series from
    its first month (January 2023) and never in the projection, which is fitted on pre-release months
    without it. Before, both sides counted it in every month (truth 4.60% instead of 7.58%)."""
    import json

    folder, _, meta = new_category
    world = W.make_world("new-category", seed=5, n_posts=60_000)
    w, shocks = world.resolved(), sim.realised_shocks(world)
    act, cf = sim._expected(w, shocks, False), sim._expected(w, shocks, True)
    months = w.months()
    j = [c.name for c in w.categories].index(W.NEW_CATEGORY)
    old = [i for i in range(len(w.categories)) if i != j]
    post, live = np.asarray(months >= "2022-12-01"), np.asarray(months >= "2023-01-01")

    def hand(key):  # observed: old categories + the new one from its first month; projected: old categories
        return act[key][old].sum(0) + np.where(live, act[key][j], 0.0), cf[key][old].sum(0)

    (po, pp), (co, cp), (eo, ep) = hand("posts"), hand("contracts"), hand("earnings")
    want = {"platform.job_posts": 100 * (po[post].mean() / pp[post].mean() - 1),
            "platform.contracts": 100 * (co[post].mean() / cp[post].mean() - 1),
            "platform.earnings_per_contract": 100 * ((eo / co)[post].mean() / (ep / cp)[post].mean() - 1)}
    truth = W.truth(world)
    for k, v in want.items():
        assert truth[k] == pytest.approx(v, rel=1e-12)
        assert meta["truth"][k] == pytest.approx(v, rel=1e-12)  # world.json
    assert truth["platform.job_posts"] == pytest.approx(7.580204, abs=1e-6)
    assert truth["platform.earnings_per_contract"] == pytest.approx(9.005232, abs=1e-6)
    # the pre-existing categories' own change is the default world's (same seed, same shocks, ratios do not
    # depend on the category's share); the new category adds its posts on top, relative to the projection
    default = sim.true_effects(W.make_world("default", 5, 60_000),
                               shocks=sim.realised_shocks(W.make_world("default", 5, 60_000)))
    assert default["platform.job_posts"] == pytest.approx(4.601095, abs=1e-6)
    added = np.where(live, act["posts"][j], 0.0)[post].mean() / pp[post].mean()
    assert truth["platform.job_posts"] == pytest.approx(100 * (1 + default["platform.job_posts"] / 100 + added) - 100,
                                                        rel=1e-12)
    # the old truth, counting the new category on both sides in every month, is not the book's estimand
    assert sim.true_effects(world, focus=list(W.FOCUS), shocks=shocks)["platform.job_posts"] == \
        pytest.approx(4.595730, abs=1e-6)
    written = json.loads((folder / "truth.json").read_text())["effects"]  # the extract's truth.json too
    for k, v in want.items():
        assert written[k] == pytest.approx(v, rel=1e-11)
    others = {k: v for k, v in written.items() if not k.startswith("platform.")}
    assert others == sim.round_floats({k: v for k, v in sim.true_effects(world, shocks=shocks).items()
                                       if not k.startswith("platform.")})  # nothing else changes


def test_other_worlds_keep_their_platform_truth():
    """Without a category born after the release the platform truth is the sum over every category."""
    world = W.make_world("spillover", seed=7, n_posts=20_000)
    assert W.category_starts(world) == {}
    w, shocks = world.resolved(), sim.realised_shocks(world)
    act, cf = sim._expected(w, shocks, False), sim._expected(w, shocks, True)
    post = np.asarray(w.months() >= "2022-12-01")
    want = 100 * (act["posts"].sum(0)[post].mean() / cf["posts"].sum(0)[post].mean() - 1)
    assert W.truth(world)["platform.job_posts"] == want  # bit for bit, as before
    with pytest.raises(ValueError, match="before the first post month"):
        sim.true_effects(world, category_starts={"Legal": "2022-06-01"})


def test_focus_category_without_contracts_is_refused(new_category):
    folder, summary, _ = new_category
    import dataclasses

    s = dataclasses.replace(summary, earnings_months={k: v for k, v in summary.earnings_months.items()
                                                      if k != "Writing"})
    full, _ = check_schema({})
    probs = check_against_data(full, s)
    assert [p.key for p in probs] == ["focus_categories"]
    assert "'Writing' has no contracts" in probs[0].message


def test_least_exposed_controls_parameter():
    full, probs = check_schema({"least_exposed_controls": ["Writing"]})
    assert [p.key for p in probs] == ["least_exposed_controls"]
    full, probs = check_schema({"least_exposed_controls": "Legal"})
    assert [p.key for p in probs] == ["least_exposed_controls"]
    full, probs = check_schema({"treatment_label": "a\nb"})
    assert [p.key for p in probs] == ["treatment_label"]


def test_least_exposed_controls_absent_refused_only_when_given(new_category):
    _, summary, _ = new_category
    s = __import__("dataclasses").replace(summary, categories=[c for c in summary.categories
                                                                if c != "IT & Networking"])
    full, _ = check_schema({})
    assert not [p for p in check_against_data(full, s) if p.key == "least_exposed_controls"]
    full, _ = check_schema({"least_exposed_controls": ["IT & Networking"]})
    assert [p.key for p in check_against_data(full, s) if p.key == "least_exposed_controls"] == \
        ["least_exposed_controls"]


@pytest.fixture(scope="module")
def spillover():
    posts, contracts, world, _ = W.draw("spillover", 7, 200_000)
    panels = build_panels_pandas(posts, contracts, 1000.0, START, END, panels=("category_month", "category_tier_month"))
    return panels, world


def test_all_treated_a_little_recovers_the_difference(spillover):
    panels, world = spillover
    cm = panels["category_month"]
    controls = sorted(c for c in cm.category.unique() if c not in W.FOCUS)
    e = est.did_panel(cm, "job_posts", "Data Science & Analytics", controls)
    tr = W.truth(world)["category.data-science-analytics.job_posts"]
    own = W.absolute_effects(world, sim.realised_shocks(world))["category.data-science-analytics.job_posts"]
    assert tr == pytest.approx(9.95, abs=0.01) and own == pytest.approx(18.79, abs=0.01)
    assert e.ci_low_pct <= tr <= e.ci_high_pct
    assert abs(e.estimate_pct - tr) < 4 and abs(e.estimate_pct - own) > 4  # the difference, not the own change


def test_leave_one_out_and_least_exposed(spillover):
    panels, world = spillover
    focus = list(W.FOCUS)
    controls = sorted(c for c in panels["category_month"].category.unique() if c not in focus)
    full = est.category_effects(panels, focus, controls, inference="crv1")
    loo = est.leave_one_out(panels, focus, controls, full)
    assert len(loo) == len(focus) * len(controls) * len(est.did.CATEGORY_OUTCOMES)
    assert set(loo["left_out"]) == set(controls)
    # leaving a control out of a symmetric control group moves an estimate a little
    posts = loo[(loo.category == focus[0]) & (loo.outcome == "job_posts")]
    assert posts["shift_pct"].abs().max() < 3
    # a hand check of one row
    row = posts.iloc[0]
    again = est.did_panel(panels["category_month"], "job_posts", focus[0],
                          [c for c in controls if c != row.left_out], inference="crv1")
    assert again.estimate_pct == pytest.approx(row.estimate_pct, abs=1e-9)
    le = est.least_exposed_effects(panels, focus, ["Engineering & Architecture", "IT & Networking"])
    assert {e.id for e in le} == {f"{e.id}.least_exposed" for e in full}
    assert est.least_exposed_effects(panels, focus, []) == []


def test_leave_one_out_covers_claim_3(spillover):
    """Claim 3's post counts and AI share get the leave-one-control-out check too (issue 12).

    One control (Legal) is given a jump in AI-related posts after the release, half of its posts
    turned AI-related with the totals kept: with it among the controls the focus categories' AI
    estimates fall by about 50/n_controls points; leaving it out restores them, and Legal is the
    control that moves each AI estimate most. Other posts move the other way by as much.
    """
    from analysis.estimation import shares
    from analysis.report import frames

    panels, _ = spillover
    cm = panels["category_month"].copy()
    focus = list(W.FOCUS)
    controls = sorted(c for c in cm.category.unique() if c not in focus)
    after = (cm["category"] == "Legal") & (cm["month"] >= pd.Timestamp("2022-12-01"))
    cm.loc[after, "ai_posts"] = cm.loc[after, "ai_posts"] + (cm.loc[after, "job_posts"] - cm.loc[after, "ai_posts"]) // 2
    full = [e for c in focus for e in shares.post_count_dids(cm, c, controls, inference="crv1")]
    full += [shares.ai_share_did(cm, c, controls, inference="crv1") for c in focus]
    loo = shares.leave_one_out_ai(cm, focus, controls, full)
    assert len(loo) == len(focus) * 3 * len(controls)
    assert set(loo["outcome"]) == {"ai_posts", "other_posts", "ai_share"}
    without = loo[loo.left_out == "Legal"]
    # Legal's AI posts rose by about half its pre-release posts (~48 pp); its share of the controls' mean
    # is 1/len(controls): leaving it out moves each AI estimate up by roughly 48/len(controls) points
    shift = without.loc[without.outcome == "ai_posts", "shift_pct"]
    assert (shift > 30 / len(controls)).all() and (shift < 70 / len(controls)).all(), shift.tolist()
    assert (without.loc[without.outcome == "other_posts", "shift_pct"] < -30 / len(controls)).all()
    table = frames.leave_one_out_table(loo, unit="pp")
    assert "All controls (pp)" in table.columns
    assert (table.loc[table.Estimate != "Other posts", "Moves it most"] == "Legal").all()
    one = loo[(loo.category == focus[0]) & (loo.outcome == "ai_posts") & (loo.left_out == controls[0])].iloc[0]
    again = shares.post_count_did(cm, focus[0], "ai_posts", controls[1:], inference="crv1")
    assert again.estimate_pct == pytest.approx(one.estimate_pct, abs=1e-9)


FIXED = ("ChatGPT", "November", "December", "2022")


def test_release_words_follow_the_parameters():
    from analysis.report import words

    w = words.release_words("2023-03-14", "GPT-4's release")
    text = " ".join(w.values())
    assert not [x for x in FIXED if x in text]
    assert w["first_post_month"] == "April 2023" and w["treatment_day"] == "14 March 2023"
    assert "March 2023, partly after it, is left out" in w["month_rule"]
    d = words.release_words("2022-11-30", "ChatGPT's release")
    assert d["first_post_month"] == "December 2022"
    assert "40 categories" in words.p_floor_sentence(40) and "never" not in words.p_floor_sentence(40)
    assert "never fall below 0.05" in words.p_floor_sentence(12)


def test_no_caption_or_chapter_sentence_is_fixed_to_the_default_release():
    """Captions and alt texts of every figure, and the chapters' prose outside the history chapter and
    the sentences describing the re-created study, name the treatment only through glued words."""
    import re

    from analysis.core.paths import BOOK_DIR
    from analysis.page import _figures_in

    for src in sorted(BOOK_DIR.glob("*.md")):
        for fig_id, meta in _figures_in(src.resolve(), src.stat().st_mtime_ns).items():
            text = f"{meta.get('caption', '')} {meta.get('alt', '')}"
            assert not [x for x in FIXED if x in text], (src.name, fig_id)
    for name in ("02_platform.md", "03_categories.md", "04_productivity.md", "05_methods.md"):
        prose = [ln for ln in (BOOK_DIR / name).read_text().splitlines()
                 if not ln.startswith(("treatment_date", "treatment_label", "page.glue", "#"))
                 and "re-creates" not in ln and "CPI-U" not in ln and "cpi_dec22" not in ln]
        hits = [ln for ln in prose if re.search(r"ChatGPT|November|December 2022|about a dozen|two full years|two years before|about ten categories|is so large", ln)]
        assert not hits, (name, hits)


def test_no_freelancer_with_two_months_is_a_data_problem(tmp_path):
    posts, contracts, world, _ = W.draw("default", 3, 20_000)
    contracts = contracts.copy()
    contracts["freelancer_id"] = [f"f{i}" for i in range(len(contracts))]  # every freelancer seen once
    folder = tmp_path / "once"
    folder.mkdir()
    posts.to_csv(folder / "job_posts.csv", index=False)
    contracts.to_csv(folder / "contracts.csv", index=False)
    summary, violations = validate(folder)
    assert summary is not None and not violations, violations
    assert summary.repeat_freelancers == 0
    full, _ = check_schema({})
    probs = [p for p in check_against_data(full, summary) if "two different months" in p.message]
    assert len(probs) == 1 and probs[0].kind == "data"



def _ids_repeat_only(contracts: pd.DataFrame, lo: str, hi: str, inside: bool) -> pd.DataFrame:
    """``contracts`` with freelancer ids that repeat only inside (``inside``) or only outside ``[lo, hi]``.

    The other side's contracts each get a freelancer of their own; one more freelancer has one
    contract inside and one outside (two months in the extract, one in the window).
    """
    c = contracts.copy()
    started = pd.to_datetime(c["started_on"])
    within = ((started >= pd.Timestamp(lo)) & (started <= pd.Timestamp(hi))).to_numpy()
    alone = ~within if inside else within
    c.loc[alone, "freelancer_id"] = [f"once{i}" for i in range(int(alone.sum()))]
    i_in, i_out = np.flatnonzero(within)[0], np.flatnonzero(~within)[0]
    c.loc[c.index[[i_in, i_out]], "freelancer_id"] = "straddles"
    return c


@pytest.mark.parametrize("inside", [False, True])
def test_repeat_freelancers_are_counted_within_the_window(tmp_path, inside):
    """The check that some freelancer has two months counts them within [start, end], not in the whole extract."""
    posts, contracts, _, _ = W.draw("default", 3, 20_000)
    lo, hi = "2022-07-01", "2023-06-30"
    folder = tmp_path / "extract"
    folder.mkdir()
    posts.to_csv(folder / "job_posts.csv", index=False)
    _ids_repeat_only(contracts, lo, hi, inside).to_csv(folder / "contracts.csv", index=False)
    summary, violations = validate(folder)
    assert summary is not None and not violations, violations
    assert summary.repeat_freelancers > 100  # the whole extract has repeat freelancers either way

    def window_problems(start, end, treatment_date="2022-11-30"):
        full, probs = check_schema({"start": start, "end": end, "treatment_date": treatment_date})
        assert not probs, probs
        return [p for p in check_against_data(full, summary) if "two different months" in p.message]

    window = window_problems(lo, hi)
    outside = window_problems("2021-01-01", "2022-06-30", "2021-10-01")  # a window before [lo, hi]
    if inside:  # repeat freelancers in the window, none outside it: the window passes, a window before it not
        assert window == []
        (p,) = outside
    else:  # repeat freelancers outside the window (and one across its bound), none in it
        assert outside == []
        (p,) = window
        assert p.message.startswith(f"no freelancer has contracts starting in two different months within the "
                                    f"window (start {lo} to end {hi}; {summary.repeat_freelancers:,} freelancers "
                                    "of the extract have them, but not both in the window)")
    assert p.key == "start" and p.kind == "params"  # another window fixes it: not a data problem
    assert "start earlier or end later" in p.message
    assert window_problems("2021-01-01", "2024-06-30") == []  # the whole extract's window

def test_categories_chapter_says_estimates_are_relative_and_shows_the_checks():
    from analysis.core.paths import BOOK_DIR

    text = (BOOK_DIR / "03_categories.md").read_text()
    assert "Every estimate of this chapter is relative to the control categories" in text
    assert "a change common to all categories is differenced away" in text
    assert "est.leave_one_out(" in text and "est.least_exposed_effects," in text
    assert "{glue:text}`left_out_sentence`" in text and "{glue:text}`month_rule`" in text


@pytest.mark.parametrize("name", W.edge_world_names())
def test_edge_worlds_are_refused_as_their_truth_says(tmp_path, name):
    """Each edge world of the library (issue 12), drawn small, stops ``python -m analysis run`` at the checks.

    The exit code, the key and the words are the world's truth (``WorldSpec.refused``); no chapter runs
    (the build folder is never made) and there is no traceback.
    """
    import contextlib
    import io

    from analysis.cli import main

    spec = W.world_spec(name)
    meta = W.write_world(name, tmp_path / "data", seed=4, n_posts=20_000)
    assert meta["refused"] == spec.refused and meta["params"] == spec.params
    sets = [a for k, v in spec.params.items() for a in ("--set", f"{k}={v}")]
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["run", "--data", str(tmp_path / "data"), *sets, "--out", str(tmp_path / "book"),
                     "--cache-dir", str(tmp_path / "cache")])
    text = err.getvalue()
    assert code == spec.refused["exit"], text
    assert "Traceback" not in text and not (tmp_path / "book").exists()
    assert spec.refused["key"] in text
    for w in spec.refused["words"]:
        assert w in text, (w, text)


def test_edge_worlds_plant_what_they_say():
    posts, contracts, _, info = W.draw("no-contracts", 4, 20_000)
    cat = contracts["job_id"].map(posts.set_index("job_id")["category"])
    assert info["contracts_removed"] > 0 and not (cat == W.NO_CONTRACTS_CATEGORY).any()
    assert (posts["category"] == W.NO_CONTRACTS_CATEGORY).any()
    _, contracts, _, info = W.draw("one-month-freelancers", 4, 20_000)
    assert contracts["freelancer_id"].is_unique and info["freelancers_before"] < info["freelancers_after"]
    assert set(W.edge_world_names()).isdisjoint(W.world_names())
