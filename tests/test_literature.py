"""Tests for the table of figures quoted from the literature."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.data.literature import (HOW_CHECKED, LITERATURE_COLUMNS, REFERENCES_BIB, bibtex_keys,
                                      load_literature_figures)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_literature_figures()


def test_table_loads_with_rows(table):
    assert len(table) >= 6


def test_expected_columns(table):
    assert list(table.columns) == LITERATURE_COLUMNS


def test_ids_unique(table):
    assert table["id"].is_unique


def test_values_numeric_and_finite(table):
    assert pd.api.types.is_float_dtype(table["value"])
    assert table["value"].notna().all()
    assert all(abs(v) < 1e6 for v in table["value"])


def test_every_source_key_is_in_references_bib(table):
    text = REFERENCES_BIB.read_text(encoding="utf-8")
    for key in table["source_key"]:
        assert re.search(r"@\w+\{" + re.escape(key) + r",", text), key


def test_bibtex_keys_parser_agrees_with_file():
    keys = bibtex_keys()
    assert "acemoglu2019automation" in keys
    assert "upwork2024genai" in keys


def test_verified_column_is_documented(table):
    ok = table["verified"].str.startswith(("search:http", "quoted:")) | (
        table["verified"] == "no-source-in-search"
    )
    assert ok.all(), table.loc[~ok, ["id", "verified"]]


def test_how_checked_says_which_rows_rest_on_secondary_sources(table):
    how = table.set_index("id")["how_checked"]
    assert set(how) <= set(HOW_CHECKED)
    # The issue-15 audit: Hui et al.'s 2% and 5.2% rest on press reports, Autor's 60% on his own statement.
    assert how["hui2023_jobs"] == how["hui2023_earnings"] == "secondary reports only"
    assert how["autor2024_new_work_share"] == "author statement"
    assert how["teutloff2025_ml_demand"] == "primary text"
    # Both versions of Eloundou et al. are quoted, each citing its own version.
    keys = table.set_index("id")["source_key"]
    assert keys["eloundou2023_exposed50"] == "eloundou2023gpts" and keys["eloundou2024_jobs_half_simple"] == "eloundou2024gpts"


@pytest.mark.parametrize("column, bad, match", [
    ("how_checked", "I think so", "how_checked"),
    ("source_key", "nosuchkey1999", "nosuchkey1999"),
    ("value", "about sixty", "non-numeric"),
])
def test_bad_cell_is_rejected(tmp_path, table, column, bad, match):
    broken = table.astype({"value": str})
    broken.loc[0, column] = bad
    path = tmp_path / "broken.csv"
    broken.to_csv(path, index=False)
    with pytest.raises(ValueError, match=match):
        load_literature_figures(path)


def test_wrong_columns_are_rejected(tmp_path, table):
    path = tmp_path / "broken.csv"
    table.drop(columns=["verified"]).to_csv(path, index=False)
    with pytest.raises(ValueError, match="columns"):
        load_literature_figures(path)
