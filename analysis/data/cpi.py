"""Consumer prices: the bundled US CPI-U table, a user's own, and deflating money to real terms.

Earnings per contract and hourly rates in an extract are nominal US dollars.
:func:`deflate` turns the money columns of a panel into dollars of one base
month with a monthly price index: ``real_t = nominal_t * cpi_base / cpi_t``.

The bundled table ``data/cpi_u.csv`` is the US Consumer Price Index for All
Urban Consumers, all items, US city average, not seasonally adjusted,
1982-84 = 100 (BLS series CUUR0000SA0); its source, vintage, licence and
checksum are in ``data/README.md``. A user supplies another index with the
run parameter ``cpi_file``: a CSV with a header row and the columns ``month``
(``YYYY-MM``) and ``cpi`` (a positive number), one row per month; other
columns are ignored.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.paths import DATA_DIR
from analysis.core.periods import first_post_month

__all__ = ["CPI_CSV", "CPI_LABEL", "MONEY_COLUMNS", "base_month", "deflate", "load_cpi"]

#: The bundled CPI-U table.
CPI_CSV = DATA_DIR / "cpi_u.csv"
#: How the book names the bundled index.
CPI_LABEL = "US CPI-U (all items, US city average, not seasonally adjusted; BLS series CUUR0000SA0)"
#: Money columns of the panels that :func:`deflate` converts by default.
MONEY_COLUMNS = ("earnings", "hourly_earnings")


class CPIError(ValueError):
    """A price-index file that cannot be used (missing, wrong columns, bad values, months not covered)."""


def load_cpi(path: str | Path | None = None) -> pd.Series:
    """Read a monthly price index.

    Parameters
    ----------
    path : str or Path, optional
        CSV with columns ``month`` (``YYYY-MM``) and ``cpi``; empty or None:
        the bundled CPI-U table (:data:`CPI_CSV`).

    Returns
    -------
    pandas.Series
        ``cpi`` (float64) indexed by the first day of each month
        (``datetime64[ns]``), sorted.

    Raises
    ------
    CPIError
        If the file is missing, lacks a column, has a month that is not
        ``YYYY-MM`` or is listed twice, or a value that is not a positive
        finite number.

    Examples
    --------
    >>> cpi = load_cpi()
    >>> float(cpi.loc["2022-11-01"])
    297.711
    """
    path = Path(path) if path else CPI_CSV
    if not path.is_file():
        raise CPIError(f"{path}: price-index file not found")
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in ("month", "cpi") if c not in table.columns]
    if missing:
        raise CPIError(f"{path}: needs columns month (YYYY-MM) and cpi; missing {missing}, "
                       f"found {list(table.columns)}")
    month = pd.to_datetime(table["month"].str.strip(), format="%Y-%m", errors="coerce")
    bad = table.loc[month.isna(), "month"].tolist()
    if bad:
        raise CPIError(f"{path}: month must be YYYY-MM; got {bad[:5]}")
    value = pd.to_numeric(table["cpi"].str.strip(), errors="coerce")
    bad = table.loc[~(np.isfinite(value) & (value > 0)), "month"].tolist()
    if bad:
        raise CPIError(f"{path}: cpi must be a positive number; not so for {bad[:5]}")
    dup = sorted(set(table.loc[month.duplicated(), "month"]))
    if dup:
        raise CPIError(f"{path}: months listed more than once: {dup[:5]}")
    return pd.Series(value.to_numpy(dtype="float64"), index=pd.DatetimeIndex(month.to_numpy(), name="month"),
                     name="cpi").sort_index()


def base_month(treatment_date: str) -> pd.Timestamp:
    """The default base month of real dollars: the last month before the first post month.

    Examples
    --------
    >>> base_month("2022-11-30")
    Timestamp('2022-11-01 00:00:00')
    """
    return first_post_month(treatment_date) - pd.offsets.MonthBegin(1)


def deflate(panel: pd.DataFrame, cpi: pd.Series, base: str | pd.Timestamp,
            columns: tuple[str, ...] | list[str] = MONEY_COLUMNS) -> pd.DataFrame:
    """A copy of ``panel`` with its money columns in dollars of the base month.

    ``real = nominal * cpi[base] / cpi[month]``; columns derived from money
    (``earnings_per_contract`` = earnings / contracts, ``hourly_rate`` =
    hourly earnings / hours) are recomputed when present, so ratios of sums
    stay ratios of sums.

    Parameters
    ----------
    panel : DataFrame
        A panel with a ``month`` column (first day of each month).
    cpi : pandas.Series
        Index by month (:func:`load_cpi`).
    base : str or Timestamp
        Base month (its first day, or any day of it).
    columns : sequence of str
        Money columns to convert (those present).

    Returns
    -------
    DataFrame

    Raises
    ------
    CPIError
        If the index has no value for the base month or for a month of the panel.

    Examples
    --------
    >>> cm = pd.DataFrame({"month": pd.to_datetime(["2022-11-01", "2023-11-01"]),
    ...                    "contracts": [2, 2], "earnings": [200.0, 200.0]})
    >>> cpi = pd.Series([100.0, 125.0], index=pd.to_datetime(["2022-11-01", "2023-11-01"]))
    >>> deflate(cm, cpi, "2022-11-01")["earnings_per_contract"].tolist()
    [100.0, 80.0]
    """
    base = pd.Timestamp(base).to_period("M").to_timestamp()
    months = pd.DatetimeIndex(panel["month"]).to_period("M").to_timestamp()
    have = cpi.index.to_period("M").to_timestamp()
    index = pd.Series(cpi.to_numpy(dtype="float64"), index=have)
    absent = sorted({m for m in list(months.unique()) + [base] if m not in index.index})
    if absent:
        shown = ", ".join(m.strftime("%Y-%m") for m in absent[:6]) + (" ..." if len(absent) > 6 else "")
        raise CPIError(f"the price index has no value for {len(absent)} month(s) needed: {shown}")
    factor = index.loc[base] / index.reindex(months).to_numpy()
    out = panel.copy()
    for col in columns:
        if col in out.columns:
            out[col] = out[col].astype("float64") * factor
    if "earnings" in out.columns and "contracts" in out.columns:
        out["earnings_per_contract"] = out["earnings"] / out["contracts"].where(out["contracts"] > 0)
    if "hourly_rate" in out.columns and "hourly_earnings" in out.columns and "hours" in out.columns:
        out["hourly_rate"] = out["hourly_earnings"] / out["hours"].where(out["hours"] > 0)
    return out
