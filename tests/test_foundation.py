"""Data contract, synthetic generator and panel builder (issue 2)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from analysis.core.paths import PROJECT_ROOT, SYNTHETIC_DIR
from analysis.core.text import slugify
from analysis.data.contract import validate
from analysis.data.panels import build_panels, build_panels_pandas
from analysis.data.simulate import World, simulate, true_effects, write_extract


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_slugify_matches_the_id_rule():
    assert slugify("Data Science & Analytics") == "data-science-analytics"
    assert slugify("Web, Mobile & Software Dev") == "web-mobile-software-dev"
    assert slugify("<script>alert('x')</script>") == "script-alert-x-script"


def test_bundled_extract_is_valid_and_checksums_match_readme():
    summary, problems = validate(SYNTHETIC_DIR)
    assert problems == []
    assert summary.first_date == "2021-01-01" and summary.last_date == "2024-06-30"
    assert len(summary.categories) == 12
    readme = (PROJECT_ROOT / "data" / "README.md").read_text()
    for f in ("job_posts.parquet", "contracts.parquet", "truth.json"):
        assert _sha(SYNTHETIC_DIR / f) in readme, f"checksum of {f} is not the one in data/README.md"
    total = sum((SYNTHETIC_DIR / f).stat().st_size for f in ("job_posts.parquet", "contracts.parquet"))
    assert total < 25 * 2**20


def test_bundled_extract_regenerates_byte_identical(tmp_path):
    write_extract(World(), tmp_path)
    for f in ("job_posts.parquet", "contracts.parquet", "truth.json"):
        assert _sha(tmp_path / f) == _sha(SYNTHETIC_DIR / f), f


def test_validate_cli_valid_and_exit_codes(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "analysis", "validate", str(SYNTHETIC_DIR)],
                        capture_output=True, text=True)
    assert ok.returncode == 0 and "valid extract" in ok.stdout and "12 categories" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "analysis", "validate", str(tmp_path)],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "missing table 'job_posts'" in bad.stderr


@pytest.fixture(scope="module")
def tiny_tables():
    posts, contracts = simulate(World(n_posts=3_000, seed=3, start="2022-01-01", end="2023-06-30"))
    return posts, contracts


def _write(tmp_path, posts, contracts, fmt="parquet"):
    for name, df in (("job_posts", posts), ("contracts", contracts)):
        if fmt == "parquet":
            df.to_parquet(tmp_path / f"{name}.parquet", index=False)
        else:
            df.to_csv(tmp_path / f"{name}.csv", index=False)
    return tmp_path


BROKEN = {
    "missing column": (lambda p, c: (p.drop(columns="category"), c), "job_posts", "category",
                       "required column is missing"),
    "wrong type": (lambda p, c: (p, c.assign(earnings_usd=c.earnings_usd.astype(str).where(
        c.index != 4, "12,50"))), "contracts", "earnings_usd", "wrong type"),
    "negative earnings": (lambda p, c: (p, c.assign(earnings_usd=c.earnings_usd.where(c.index != 2, -1.0))),
                          "contracts", "earnings_usd", ">= 0"),
    "unknown job_id": (lambda p, c: (p, c.assign(job_id=c.job_id.where(c.index != 1, "NOPE"))),
                       "contracts", "job_id", "unknown job_id"),
    "dates out of order": (lambda p, c: (p, c.assign(started_on=c.started_on.where(
        c.index != 0, pd.Timestamp("2019-01-01")))), "contracts", "started_on", "before the post"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_extracts_fail_with_named_problem(case, tiny_tables, tmp_path):
    breaker, table, column, words = BROKEN[case]
    posts, contracts = breaker(*tiny_tables)
    fmt = "csv" if case == "wrong type" else "parquet"
    _write(tmp_path, posts, contracts, fmt)
    summary, problems = validate(tmp_path)
    assert summary is None
    hits = [v for v in problems if v.file.startswith(table) and v.column == column and words in v.rule]
    assert hits, [str(v) for v in problems]
    assert hits[0].n_rows >= 1 or words == "required column is missing"
    if hits[0].n_rows:
        assert hits[0].examples and hits[0].examples[0].startswith("row ")


def test_panels_equal_pandas_reference(tiny_tables, tmp_path):
    posts, contracts = tiny_tables
    _write(tmp_path, posts, contracts)
    a = build_panels(tmp_path, 800.0, "2022-01-01", "2023-06-30")
    b = build_panels_pandas(posts, contracts, 800.0, "2022-01-01", "2023-06-30")
    assert set(a) == set(b)
    for k in a:
        pd.testing.assert_frame_equal(a[k][b[k].columns], b[k], check_exact=False, rtol=1e-12)
    # Hand check: totals add up to the raw tables.
    cm = a["category_month"]
    assert cm.job_posts.sum() == len(posts)
    assert cm.contracts.sum() == len(contracts)
    assert np.isclose(cm.earnings.sum(), contracts.earnings_usd.sum())
    low = (contracts.earnings_usd < 800).sum()
    assert a["category_tier_month"].query("tier == 'low'").contracts.sum() == low


def test_panel_grid_is_balanced_with_zero_counts(small_extract):
    panels = build_panels(small_extract[0], start="2021-01-01", end="2024-06-30")
    cm = panels["category_month"]
    assert len(cm) == 12 * 42
    assert cm.groupby("category").size().eq(42).all()
    ctm = panels["category_tier_month"]
    assert len(ctm) == 12 * 2 * 42


def _before_after(panel, cat, col, tier=None):
    df = panel[panel.category == cat]
    if tier:
        df = df[df.tier == tier]
    pre = df[(df.month >= "2022-01-01") & (df.month < "2022-12-01")][col].mean()
    post = df[df.month >= "2023-12-01"][col].mean()  # full ramp
    return post / pre - 1


def test_planted_effects_visible_in_raw_panels():
    """Raw before/after changes (same calendar months, a year apart) for planted vs control."""
    panels = build_panels(SYNTHETIC_DIR, start="2021-01-01", end="2024-06-30")
    cm, ctm = panels["category_month"], panels["category_tier_month"]
    dsa = _before_after(cm, "Data Science & Analytics", "job_posts")
    control = _before_after(cm, "Accounting & Consulting", "job_posts")
    assert dsa - control > 0.15  # planted: +25 log points on posts at full ramp
    w_low = _before_after(ctm, "Writing", "contracts", "low")
    w_high = _before_after(ctm, "Writing", "contracts", "high")
    c_low = _before_after(ctm, "Accounting & Consulting", "contracts", "low")
    assert w_low < c_low - 0.1  # planted: low-value Writing down
    assert w_high > w_low + 0.2  # planted: high-value Writing up relative to low
    ai_pre = cm[(cm.category == "Data Science & Analytics") & (cm.month < "2022-12-01")].ai_posts.sum()
    ai_post = cm[(cm.category == "Data Science & Analytics") & (cm.month >= "2023-12-01")].ai_posts.sum()
    assert ai_post > 20 * max(ai_pre, 1) / 23 * 7  # AI-related posts emerge after release


def test_no_effect_world_has_zero_truth_and_no_gap(null_extract):
    _, truth = null_extract
    eff = truth["effects"]
    counts = [k for k in eff if k.endswith((".ai_posts", ".other_posts"))]
    assert all(abs(v) < 1e-9 for k, v in eff.items() if k not in counts)
    # AI-related posts drift up everywhere (ai_base), more in some categories: claim 3's post counts are
    # not zero, but with all posts unchanged the other posts fall by what the AI-related ones gain.
    assert len(counts) == 6 and eff["category.data-science-analytics.ai_posts"] > 1
    for k in counts:
        if k.endswith(".ai_posts"):
            assert eff[k] + eff[k.replace(".ai_posts", ".other_posts")] == pytest.approx(0, abs=1e-9)
    panels = build_panels(null_extract[0], start="2021-01-01", end="2024-06-30")
    cm = panels["category_month"]
    ai = cm[cm.month >= "2022-12-01"].ai_posts.sum()
    assert ai >= 0
    ratio = _before_after(cm, "Data Science & Analytics", "job_posts") - _before_after(
        cm, "Admin Support", "job_posts")
    assert abs(ratio) < 0.2


def test_truth_matches_hand_computed_tier_effect():
    """With no platform-wide effects, a tiered category's low-value truth is its planted log effect
    averaged over the ramp (no expert shift here; the DGP thins low-value posts by exp((low-high)*r) on top of exp(high*r))."""
    import dataclasses

    from analysis.data.simulate import DEFAULT_CATEGORIES

    cats = tuple(dataclasses.replace(c, expert_shift=0.0) for c in DEFAULT_CATEGORIES)
    w = World(categories=cats, platform={"posts": 0.0, "value": 0.0})
    truth = true_effects(w)
    ramp = w.ramp()[w.months() >= pd.Timestamp("2022-11-30")]
    expected = 100 * (np.exp(-0.20 * ramp.mean()) - 1)
    assert truth["category.writing.contracts.low_value"] == pytest.approx(expected, abs=1e-9)
    expected_high = 100 * (np.exp(0.15 * ramp.mean()) - 1)
    assert truth["category.writing.contracts.high_value"] == pytest.approx(expected_high, abs=1e-9)
    assert truth["category.data-science-analytics.job_posts"] == pytest.approx(
        100 * (np.exp(0.25 * ramp.mean()) - 1), abs=1e-9)


def test_truth_json_written_beside_data():
    truth = json.loads((SYNTHETIC_DIR / "truth.json").read_text())
    assert truth["world"]["seed"] == 20240501
    ids = truth["effects"]
    for slug in ("data-science-analytics", "writing", "translation"):
        for k in ("job_posts", "earnings_per_contract", "contracts.low_value", "contracts.high_value"):
            assert f"category.{slug}.{k}" in ids
    assert ids["platform.job_posts"] > 0 and ids["platform.earnings_per_contract"] > 0


def test_csv_and_custom_names_round_trip(tmp_path):
    from analysis.data.simulate import categories_from_names

    names = ["Alpha", "Beta & Co", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta"]
    w = World(n_posts=8_000, seed=5, start="2020-06-01", end="2023-12-31", categories=categories_from_names(names))
    truth = write_extract(w, tmp_path, fmt="csv")
    summary, problems = validate(tmp_path)
    assert problems == [] and summary.categories == sorted(names)
    assert "category.beta-co.contracts.tier_gap" in truth["effects"]


# ---------------------------------------------------------------------------
# Scale: exact sums, lazy and cached panels
# ---------------------------------------------------------------------------


def test_panels_identical_on_any_thread_count(small_extract, tmp_path):
    """Exact fixed-point sums: 1 and 4 DuckDB threads give the same bits.

    The extract is rewritten with 2,000-row row groups so that DuckDB really
    splits the scan across threads.
    """
    import pyarrow.parquet as pq

    from analysis.data.panels import connect

    for name in ("job_posts", "contracts"):
        pq.write_table(pq.read_table(small_extract[0] / f"{name}.parquet"), tmp_path / f"{name}.parquet",
                       row_group_size=2_000)
    one = build_panels(tmp_path, con=connect("duckdb", threads=1))
    four = build_panels(tmp_path, con=connect("duckdb", threads=4))
    for k in one:
        pd.testing.assert_frame_equal(one[k], four[k], check_exact=True)
    # ... and the exact sums are the float sums to rounding.
    c = pd.read_parquet(small_extract[0] / "contracts.parquet")
    assert one["freelancer_month"]["earnings"].sum() == pytest.approx(c["earnings_usd"].sum(), rel=1e-12)


def test_build_panels_subset_and_unknown(small_extract):
    only = build_panels(small_extract[0], panels=("category_month",))
    assert list(only) == ["category_month"]
    alone = build_panels(small_extract[0], panels=("freelancer_month",))
    full = build_panels(small_extract[0])
    assert list(alone) == ["freelancer_month"]
    pd.testing.assert_frame_equal(alone["freelancer_month"], full["freelancer_month"], check_exact=True)
    with pytest.raises(ValueError, match="unknown panel"):
        build_panels(small_extract[0], panels=("category_week",))


def test_panel_store_builds_lazily_and_reuses_its_cache(small_extract, tmp_path, monkeypatch):
    import analysis.data.panels
    from analysis.data.panels import PanelStore

    ref = build_panels(small_extract[0], 1000.0, "2021-01-01", "2024-06-30")
    store = PanelStore(small_extract[0], 1000.0, "2021-01-01", "2024-06-30", checksum="abc", cache_dir=tmp_path)
    cm = store["category_month"]
    (entry,) = list(tmp_path.iterdir())
    assert sorted(p.name for p in entry.iterdir()) == [
        "category_level_month.parquet", "category_month.parquet", "category_tier_month.parquet"]
    assert len(store["freelancer_month"]) == len(ref["freelancer_month"])
    assert (entry / "freelancer_month.parquet").is_file()
    # A second store (the next chapter) reads the files, never builds: identical frames, dtypes included.
    real_build = analysis.data.panels.build_panels

    def must_not_build(*a, **k):
        raise AssertionError("rebuilt although the cache holds the panels")

    monkeypatch.setattr(analysis.data.panels, "build_panels", must_not_build)
    again = PanelStore(small_extract[0], 1000.0, "2021-01-01", "2024-06-30", checksum="abc", cache_dir=tmp_path)
    for k in ref:
        pd.testing.assert_frame_equal(again[k], ref[k], check_exact=True)
    pd.testing.assert_frame_equal(cm, ref["category_month"], check_exact=True)
    monkeypatch.setattr(analysis.data.panels, "build_panels", real_build)
    # Another threshold is another entry, never the cached one.
    other = PanelStore(small_extract[0], 500.0, "2021-01-01", "2024-06-30", checksum="abc", cache_dir=tmp_path)
    low = other["category_tier_month"].query("tier == 'low'").contracts.sum()
    assert low < ref["category_tier_month"].query("tier == 'low'").contracts.sum()
    assert len(list(tmp_path.iterdir())) == 2
    with pytest.raises(KeyError):
        store["category_week"]
