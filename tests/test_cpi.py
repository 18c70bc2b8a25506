"""The CPI table, user-supplied price indices, and deflated earnings per contract (values checked by hand)."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from analysis.core.params import check_schema
from analysis.core.paths import SYNTHETIC_DIR
from analysis.data.cpi import CPI_CSV, CPIError, base_month, deflate, load_cpi
from analysis.data.panels import build_panels
from analysis.estimation import platform_series, real_platform_counterfactual


@pytest.fixture(scope="module")
def cm():
    return build_panels(SYNTHETIC_DIR, panels=("category_month",))["category_month"]


def test_bundled_table_values_and_checksum():
    cpi = load_cpi()
    # BLS CUUR0000SA0 as published (see data/README.md): November 2022 and June 2023.
    assert cpi.loc["2022-11-01"] == 297.711
    assert cpi.loc["2023-06-01"] == 305.109
    assert cpi.index.min() == pd.Timestamp("2019-01-01") and cpi.index.max() == pd.Timestamp("2025-12-01")
    assert pd.Timestamp("2025-10-01") not in cpi.index  # no value published for October 2025
    assert len(cpi) == 83
    # December 2022 over December 2021: the 6.5% twelve-month rise BLS reported.
    assert round(100 * (cpi.loc["2022-12-01"] / cpi.loc["2021-12-01"] - 1), 1) == 6.5
    readme = (CPI_CSV.parent / "README.md").read_text(encoding="utf-8")
    assert hashlib.sha256(CPI_CSV.read_bytes()).hexdigest() in readme


def test_deflate_one_value_by_hand(cm):
    cpi = load_cpi()
    real = deflate(cm, cpi, base_month("2022-11-30"))
    row = (cm["category"] == "Writing") & (cm["month"] == "2023-06-01")
    nominal = float(cm.loc[row, "earnings"].iloc[0])
    assert float(real.loc[row, "earnings"].iloc[0]) == pytest.approx(nominal * 297.711 / 305.109, rel=1e-12)
    k = float(cm.loc[row, "contracts"].iloc[0])
    assert float(real.loc[row, "earnings_per_contract"].iloc[0]) == pytest.approx(
        nominal * 297.711 / 305.109 / k, rel=1e-12)
    base = (cm["month"] == "2022-11-01")
    assert real.loc[base, "earnings"].tolist() == pytest.approx(cm.loc[base, "earnings"].tolist(), rel=1e-15)
    assert real["contracts"].equals(cm["contracts"]) and not cm["earnings"].equals(real["earnings"])


def test_user_supplied_index(tmp_path):
    f = tmp_path / "my_cpi.csv"
    f.write_text("month,cpi,note\n2022-11,200,x\n2022-12,250,y\n", encoding="utf-8")
    cpi = load_cpi(f)
    panel = pd.DataFrame({"month": pd.to_datetime(["2022-11-01", "2022-12-01"]), "contracts": [4, 5],
                          "earnings": [400.0, 500.0], "hourly_earnings": [100.0, 100.0], "hours": [10.0, 10.0],
                          "hourly_rate": [10.0, 10.0]})
    real = deflate(panel, cpi, "2022-11-15")
    # December: 500 * 200 / 250 = 400 over 5 contracts = 80; hourly 100 * 0.8 / 10 = 8.
    assert real["earnings"].tolist() == [400.0, 400.0]
    assert real["earnings_per_contract"].tolist() == [100.0, 80.0]
    assert real["hourly_rate"].tolist() == [10.0, 8.0]
    full, problems = check_schema({"cpi_file": str(f)})
    assert not problems and full["cpi_file"] == str(f.resolve())


@pytest.mark.parametrize("text, match", [
    ("month,index\n2022-11,1\n", "missing"),
    ("month,cpi\n11/2022,1\n", "YYYY-MM"),
    ("month,cpi\n2022-11,-3\n", "positive"),
    ("month,cpi\n2022-11,abc\n", "positive"),
    ("month,cpi\n2022-11,1\n2022-11,2\n", "more than once"),
])
def test_bad_index_files_are_refused(tmp_path, text, match):
    f = tmp_path / "bad.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(CPIError, match=match):
        load_cpi(f)


def test_months_without_index_values_are_named():
    cpi = pd.Series([1.0], index=pd.to_datetime(["2022-11-01"]))
    panel = pd.DataFrame({"month": pd.to_datetime(["2022-11-01", "2023-01-01"]), "earnings": [1.0, 1.0]})
    with pytest.raises(CPIError, match="2023-01"):
        deflate(panel, cpi, "2022-11-01")


def test_missing_cpi_file_is_a_parameter_problem(tmp_path):
    _, problems = check_schema({"cpi_file": str(tmp_path / "nope.csv")})
    assert [p.key for p in problems] == ["cpi_file"]


def test_real_projection_deflates_the_series(cm):
    cpi = load_cpi()
    series, e = real_platform_counterfactual(cm, cpi, "2022-11-30", seed=1, n_sims=200)
    assert e.id == "platform.earnings_per_contract_real" and e.details["base_month"] == "2022-11"
    nominal = platform_series(cm, "earnings_per_contract")
    got = series.set_index("month")["observed"]
    assert got.loc["2023-06-01"] == pytest.approx(nominal.loc["2023-06-01"] * 297.711 / 305.109, rel=1e-12)
    assert got.loc["2022-11-01"] == pytest.approx(nominal.loc["2022-11-01"], rel=1e-12)


@pytest.mark.parametrize("value", [None, True, 0, -1, 10**400, float("nan"), "", "  ", "x" * 10_000, "a\x00b",
                                   [], [["x"]], {"a": 1}, "2021-02-30"])
def test_odd_cpi_file_values_are_problems_not_crashes(value):
    full, problems = check_schema({"cpi_file": value})
    assert all(len(str(p)) < 600 for p in problems)
    assert (problems == []) == (isinstance(value, str) and not value.strip())
    assert isinstance(full["cpi_file"], str)


def test_manifest_names_the_checksum_of_a_user_cpi_file(tmp_path):
    import datetime as dt
    import hashlib
    import json
    from types import SimpleNamespace

    from analysis.build.run import write_manifest

    f = tmp_path / "my_cpi.csv"
    f.write_text("month,cpi\n2021-01,100\n")
    summary = SimpleNamespace(n_posts=1, n_contracts=1, first_date="2021-01-01", last_date="2021-01-31",
                              categories=["A"])
    inputs = SimpleNamespace(params={"cpi_file": str(f), "output_dir": "x"}, files={}, summary=summary,
                             sweep=[], data_dir=tmp_path)
    args = SimpleNamespace(params=None, sweep=None, backend="duckdb", jobs=1)
    now = dt.datetime(2026, 1, 1)
    write_manifest(tmp_path / "manifest.json", args, inputs, [], "k", "c", now, now, 0.0)
    files = json.loads((tmp_path / "manifest.json").read_text())["extract"]["files"]
    assert files[str(f.resolve())] == hashlib.sha256(f.read_bytes()).hexdigest()
