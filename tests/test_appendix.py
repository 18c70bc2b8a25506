"""Unit tests of analysis.report.docs: tables rendered from the code's own definitions."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.core import hashing
from analysis.estimation import checks
from analysis.report import docs as appendix
from analysis.report import tables
from analysis.data import simulate
from analysis.core.params import DEFAULT_PARAMS
from analysis.core.paths import SYNTHETIC_DIR
from analysis.data.contract import CONTRACT


def test_contract_table_is_the_contract():
    for table in CONTRACT:
        df = tables.contract_table(CONTRACT, table)
        assert list(df["Column"]) == list(CONTRACT[table])
        assert list(df["Stored as (DuckDB)"]) == [t for t, _ in CONTRACT[table].values()]
        assert df["Type"].str.len().gt(0).all()


def test_docstring_section_and_rst_conversion():
    doc = """Title.

Alpha
-----
Some :math:`x^2` text with ``code`` and :func:`analysis.x`.

Term one
    first line
    second line
Term two
    body :cite:p:`key2020`

Beta
----
other
"""
    body = appendix.docstring_section(doc, "Alpha")
    assert "Beta" not in body and body.startswith("Some")
    md = appendix.rst_to_myst(body)
    assert "$x^2$" in md and "`code`" in md and "`analysis.x`" in md
    assert "**Term one.** first line second line" in md
    assert "**Term two.** body {cite:p}`key2020`" in md
    with pytest.raises(KeyError):
        appendix.docstring_section(doc, "Gamma")


def test_simulate_docstring_renders():
    md = appendix.rst_to_myst(appendix.docstring_section(simulate.__doc__, "Data-generating process"))
    assert "**Job posts.**" in md and ":math:" not in md and "``" not in md
    assert "Calibration" not in md


def test_world_tables_hold_every_parameter():
    world = simulate.world_to_dict(simulate.World())
    scalars, cats = tables.world_tables(world)
    assert len(cats) == len(world["categories"])
    assert set(cats.columns) == set(world["categories"][0])
    params = set(scalars["Parameter"])
    assert {"seed", "n_posts", "tier_threshold_usd", "platform.posts", "seasonality.Jan",
            "level_shares.expert", "sigma_value", "contract_rate"} <= params
    assert scalars.loc[scalars.Parameter == "seed", "Value"].item() == str(world["seed"])


def test_truth_applies_and_comparison():
    truth = appendix.load_truth(SYNTHETIC_DIR)
    assert truth is not None
    ok, why = appendix.truth_applies(truth, dict(DEFAULT_PARAMS))
    assert ok and why == ""
    ok, why = appendix.truth_applies(truth, {**DEFAULT_PARAMS, "value_threshold_usd": 500.0})
    assert not ok and "value_threshold_usd" in why
    ok, why = appendix.truth_applies(truth, {**DEFAULT_PARAMS, "focus_categories": ["Writing"]})
    assert not ok and "focus" in why
    ok, _ = appendix.truth_applies(None, dict(DEFAULT_PARAMS))
    assert not ok
    est = pd.DataFrame({"id": ["platform.job_posts", "not.in.truth"], "estimate_pct": [5.0, 1.0],
                        "ci_low_pct": [4.0, 0.0], "ci_high_pct": [6.0, 2.0], "inference": ["x", "y"]})
    cmp_ = appendix.truth_comparison(est, {"platform.job_posts": 4.77})
    assert list(cmp_["id"]) == ["platform.job_posts"]
    assert bool(cmp_.loc[0, "covered"]) and cmp_.loc[0, "error_pp"] == pytest.approx(0.23)
    ids = appendix.truth_ids(truth["effects"], DEFAULT_PARAMS["focus_categories"])
    assert "productivity.hourly_rate" in ids and "productivity.feedback" not in ids
    assert "category.writing.contracts.tier_gap" in ids


def test_wooldridge_replications_match_textbook():
    w = checks.wooldridge_replications()
    assert list(w["example"]) == ["13.3", "13.4"]
    assert w["matches"].all()
    assert w.loc[0, "computed_n"] == 321 and w.loc[1, "computed_n"] == 5626
    d = tables.wooldridge_display(w)
    assert d.loc[0, "Published estimate (s.e.)"] == "-11,863.9 (7,456.6)"
    assert d.loc[1, "Published estimate (s.e.)"] == "0.191 (0.069)"


def test_panel_monte_carlo_small_and_deterministic():
    a = checks.panel_monte_carlo(n_reps=3, effect=0.3, seed=5)
    b = checks.panel_monte_carlo(n_reps=3, effect=0.3, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 6 and set(a["world"]) == {"no effect", "effect"}
    s = checks.summarise_monte_carlo(a)
    assert s.loc["no effect", "truth"] == 0.0
    assert s.loc["effect", "truth"] > 10  # 0.3 log points at full ramp
    assert s.loc["effect", "mean_estimate"] > 10  # a large effect is found
    assert 0.0 <= s.loc["effect", "coverage"] <= 1.0


def test_summarise_monte_carlo_by_hand():
    raw = pd.DataFrame({"world": ["w"] * 4, "truth": [1.0] * 4, "estimate": [0.0, 2.0, 1.0, 5.0],
                        "lo": [-1, 1.5, 0.5, 4], "hi": [2, 3, 2, 6], "p": [0.5, 0.1, 0.2, 0.05]})
    s = checks.summarise_monte_carlo(raw).loc["w"]
    assert s["bias"] == pytest.approx(1.0)
    assert s["coverage"] == pytest.approx(0.5)  # rows 0 and 2 contain 1.0
    assert s["reject_ci"] == pytest.approx(0.75)
    assert s["reject_p"] == pytest.approx(0.5)


def test_parameter_table_documents_every_default():
    t = tables.parameter_table()
    assert list(t["Parameter"]) == list(DEFAULT_PARAMS)
    assert t["Meaning"].str.len().gt(20).all()
    assert t.loc[t.Parameter == "seed", "Default"].item() == str(DEFAULT_PARAMS["seed"])
    assert t.loc[t.Parameter == "value_threshold_usd", "Type"].item() == "number"
    assert t.loc[t.Parameter == "start", "Type"].item() == "date"


def test_params_yaml_round_trip():
    from analysis.core.params import check_schema, load_yaml

    text = appendix.params_yaml(DEFAULT_PARAMS)
    back = load_yaml(text)
    assert "output_dir" not in back
    full, problems = check_schema(back)
    assert problems == []
    assert {k: full[k] for k in back} == {k: DEFAULT_PARAMS[k] for k in back}


def test_figure_index(tmp_path):
    assert tables.figure_index(tmp_path / "missing").empty
    meta = {"id": "fig-a-b", "caption": "Cap", "data_file": "fig-a-b.csv", "data_sha256": "0" * 64,
            "how_to_cite": "Cap. Figure fig-a-b"}
    (tmp_path / "fig-a-b.json").write_text(json.dumps(meta))
    for ext in ("svg", "png", "pdf", "csv"):
        (tmp_path / f"fig-a-b.{ext}").write_text("x")
    (tmp_path / "fig-bad.json").write_text("{not json")
    idx = tables.figure_index(tmp_path)
    assert list(idx["id"]) == ["fig-a-b"]
    assert idx.loc[0, "files"] == "csv, pdf, png, svg"
    assert idx.loc[0, "how_to_cite"].startswith("Cap.")


def test_package_versions_and_files():
    v = tables.package_versions_table(hashing.package_versions(["pandas", "no-such-package-xyz"]))
    assert v.loc[0, "Package"] == "python"
    assert v.set_index("Package").loc["no-such-package-xyz", "Version"] == "not installed"
    f = tables.extract_files(SYNTHETIC_DIR)
    assert set(f["File"]) == {"job_posts.parquet", "contracts.parquet"}
    assert f["SHA-256"].str.len().eq(64).all()
