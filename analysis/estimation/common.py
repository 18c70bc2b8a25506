"""Sample preparation shared by the estimators: which units, which rows, which outcome scale."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd


def prepare(panel: pd.DataFrame, outcome: str, units: Sequence[str], unit: str, log: bool) -> pd.DataFrame:
    df = panel[panel[unit].astype("str").isin(list(units))].copy()
    y = pd.to_numeric(df[outcome], errors="coerce").astype("float64")
    if log:
        keep = y.notna() & (y > 0)
        df = df[keep].copy()
        df["_y"] = np.log(y[keep])
    else:
        keep = y.notna()
        df = df[keep].copy()
        df["_y"] = y[keep]
    df[unit] = df[unit].astype("str")
    df = df.reset_index(drop=True)
    df["_row"] = np.arange(len(df))
    return df


def resolve_units(panel: pd.DataFrame, unit: str, treated, controls) -> tuple[list[str], list[str]]:
    treated = [treated] if isinstance(treated, str) else list(treated)
    all_units = sorted(panel[unit].astype("str").unique())
    missing = [t for t in treated if t not in all_units]
    if missing:
        raise ValueError(f"treated units not in the panel: {missing}")
    controls = [c for c in (controls or []) if c not in treated]
    if not controls:
        controls = [u for u in all_units if u not in treated]
    bad = [c for c in controls if c not in all_units]
    if bad:
        raise ValueError(f"control units not in the panel: {bad}")
    if not treated or not controls:
        raise ValueError("need at least one treated and one control unit")
    return sorted(treated), sorted(controls)
