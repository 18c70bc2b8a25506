"""Panel builder: from a platform extract to the tidy panels the chapters use.

The aggregation is written once as Ibis expressions (:func:`panel_exprs`), so
the same code runs in-process on DuckDB (the default) or on a distributed
engine (PySpark, a warehouse) through another Ibis backend. Results come back
as pandas, with keys normalised (``month`` as ``datetime64[ns]`` first-of-month,
counts as ``int64``, float aggregates as ``float64``) and category x month
grids completed with zero counts, so every category has every month.

Panels
------
``category_month``
    category, month: ``job_posts``, ``ai_posts``, ``expert_posts``,
    ``contracts``, ``earnings``, ``earnings_per_contract``,
    ``hourly_contracts``, ``hourly_earnings``, ``hours``, ``hourly_rate``
    (hourly earnings / hours), ``feedback_sum``, ``n_feedback``,
    ``mean_feedback``.
``category_tier_month``
    category, tier (``low`` below ``value_threshold_usd``, ``high`` at or
    above), month: ``contracts``, ``earnings``, ``earnings_per_contract``.
``category_level_month``
    category, experience_level, month: ``job_posts``, ``contracts``,
    ``earnings``, ``earnings_per_contract``, ``hourly_earnings``, ``hours``,
    ``hourly_rate``.
``freelancer_month``
    freelancer_id, category, month: ``contracts``, ``earnings``,
    ``earnings_per_contract``, ``hourly_contracts``, ``hourly_earnings``,
    ``hours``, ``hourly_rate``, ``feedback_sum``, ``n_feedback``,
    ``mean_feedback``, ``mean_hours`` (hours per hourly contract).

Posts are dated by ``posted_on``; contracts by ``started_on`` and take the
category, contract type and experience level of their post. Rows outside
``[start, end]`` are left out.
"""

from __future__ import annotations

from pathlib import Path

import ibis
import numpy as np
import pandas as pd
from ibis import _

from .contract import CONTRACT, find_table_files

PANELS = ("category_month", "category_tier_month", "category_level_month", "freelancer_month")


def connect(backend: str = "duckdb", **kwargs):
    """Open an Ibis backend.

    Parameters
    ----------
    backend : str
        ``"duckdb"`` (in-process, default), ``"pyspark"`` (a local or given
        Spark session) or an Ibis connection URL such as
        ``"duckdb:///path/file.ddb"`` or ``"postgres://user@host/db"``.
    **kwargs
        Passed to the backend's ``connect``.
    """
    if backend == "duckdb":
        # One thread: parallel float sums differ in the last bits from run to
        # run, and the book promises identical numbers and figure files.
        kwargs.setdefault("threads", 1)
        return ibis.duckdb.connect(**kwargs)
    if backend == "pyspark":
        from .spark import local_session

        session = kwargs.pop("session", None) or local_session()
        return ibis.pyspark.connect(session, **kwargs)
    return ibis.connect(backend, **kwargs)


def read_extract(con, data_dir: str | Path):
    """Register an extract's two tables on an Ibis connection, typed.

    Columns are cast to the data contract's types, extra columns dropped.

    Returns
    -------
    posts, contracts : ibis.Table
    """
    files, problems = find_table_files(Path(data_dir))
    if problems:
        raise FileNotFoundError("; ".join(str(p) for p in problems))
    tables = {}
    for name, path in files.items():
        if path.suffix == ".parquet":
            t = con.read_parquet(str(path))
        else:
            t = con.read_csv(str(path))
        tables[name] = _typed(t, name)
    return tables["job_posts"], tables["contracts"]


_IBIS_TYPES = {"VARCHAR": "string", "DATE": "date", "BOOLEAN": "boolean", "DOUBLE": "float64"}


def _typed(t, name: str):
    return t.select(**{c: t[c].cast(_IBIS_TYPES[typ]) for c, (typ, _d) in CONTRACT[name].items()})


def panel_exprs(posts, contracts, value_threshold_usd: float = 1000.0,
                start: str | None = None, end: str | None = None) -> dict:
    """Ibis expressions of the four panels (backend-agnostic).

    Parameters
    ----------
    posts, contracts : ibis.Table
        Typed tables (see :func:`read_extract`).
    value_threshold_usd : float
        Contracts below it are ``low`` tier, the rest ``high``.
    start, end : str, optional
        ISO dates bounding the rows used (inclusive).

    Returns
    -------
    dict of str to ibis.Table
    """
    if start:
        posts = posts.filter(posts.posted_on >= ibis.date(start))
        contracts = contracts.filter(contracts.started_on >= ibis.date(start))
    if end:
        posts = posts.filter(posts.posted_on <= ibis.date(end))
        contracts = contracts.filter(contracts.started_on <= ibis.date(end))
    p = posts.mutate(month=posts.posted_on.truncate("M"))
    c = contracts.join(
        posts.select("job_id", "category", "contract_type", "experience_level"), "job_id"
    )
    is_hourly = c.contract_type == "hourly"
    c = c.mutate(
        month=c.started_on.truncate("M"),
        tier=ibis.ifelse(c.earnings_usd < float(value_threshold_usd), "low", "high"),
        hourly_earnings=ibis.ifelse(is_hourly & c.hours.notnull(), c.earnings_usd, 0.0),
        hourly_hours=ibis.ifelse(is_hourly & c.hours.notnull(), c.hours, 0.0),
        is_hourly=ibis.ifelse(is_hourly, 1, 0),
        has_feedback=ibis.ifelse(c.feedback.notnull(), 1, 0),
        feedback0=c.feedback.fill_null(0.0),
    )
    con_aggs = dict(
        contracts=_.count(),
        earnings=_.earnings_usd.sum(),
        hourly_contracts=_.is_hourly.sum(),
        hourly_earnings=_.hourly_earnings.sum(),
        hours=_.hourly_hours.sum(),
        feedback_sum=_.feedback0.sum(),
        n_feedback=_.has_feedback.sum(),
    )
    post_aggs = dict(
        job_posts=_.count(),
        ai_posts=ibis.ifelse(_.ai_related, 1, 0).sum(),
        expert_posts=ibis.ifelse(_.experience_level == "expert", 1, 0).sum(),
    )
    return {
        "category_month_posts": p.group_by(["category", "month"]).aggregate(**post_aggs),
        "category_month_contracts": c.group_by(["category", "month"]).aggregate(**con_aggs),
        "category_tier_month": c.group_by(["category", "tier", "month"]).aggregate(
            contracts=_.count(), earnings=_.earnings_usd.sum()),
        "category_level_month_posts": p.group_by(["category", "experience_level", "month"]).aggregate(
            job_posts=_.count()),
        "category_level_month_contracts": c.group_by(["category", "experience_level", "month"]).aggregate(
            contracts=_.count(), earnings=_.earnings_usd.sum(),
            hourly_earnings=_.hourly_earnings.sum(), hours=_.hourly_hours.sum()),
        "freelancer_month": c.group_by(["freelancer_id", "category", "month"]).aggregate(**con_aggs),
    }


_COUNTS = ("job_posts", "ai_posts", "expert_posts", "contracts", "hourly_contracts", "n_feedback")
_SUMS = ("earnings", "hourly_earnings", "hours", "feedback_sum")


def _normalise(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["month"] = pd.to_datetime(df["month"]).dt.tz_localize(None).astype("datetime64[ns]")
    for col in df.columns:
        if col in _COUNTS:
            df[col] = df[col].fillna(0).astype("int64")
        elif col in _SUMS:
            df[col] = df[col].astype("float64").fillna(0.0)
        elif col in ("category", "tier", "experience_level", "freelancer_id"):
            df[col] = df[col].astype("str")
    return df


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num / den.where(den > 0)).astype("float64")


def _complete(df: pd.DataFrame, keys: list[str], levels: dict) -> pd.DataFrame:
    """Reindex to the full grid of ``levels`` (zero counts, zero sums)."""
    idx = pd.MultiIndex.from_product([levels[k] for k in keys], names=keys)
    out = df.set_index(keys).reindex(idx).reset_index()
    for col in out.columns:
        if col in _COUNTS:
            out[col] = out[col].fillna(0).astype("int64")
        elif col in _SUMS:
            out[col] = out[col].fillna(0.0)
    return out


def _months(start, end, frames) -> pd.DatetimeIndex:
    if start and end:
        lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    else:
        ms = pd.concat([f["month"] for f in frames if len(f)])
        lo, hi = ms.min(), ms.max()
        lo = pd.Timestamp(start) if start else lo
        hi = pd.Timestamp(end) if end else hi
    return pd.date_range(lo.to_period("M").to_timestamp(), hi.to_period("M").to_timestamp(), freq="MS")


def finish_panels(raw: dict[str, pd.DataFrame], start: str | None = None,
                  end: str | None = None) -> dict[str, pd.DataFrame]:
    """Normalise executed panel pieces, complete the grids, add ratios."""
    raw = {k: _normalise(v) for k, v in raw.items()}
    cats = sorted(set(raw["category_month_posts"]["category"]) | set(raw["category_month_contracts"]["category"]))
    months = _months(start, end, [raw["category_month_posts"], raw["category_month_contracts"]])
    lv = {"category": cats, "month": months, "tier": ["low", "high"],
          "experience_level": ["entry", "intermediate", "expert"]}
    cm = _complete(raw["category_month_posts"], ["category", "month"], lv).merge(
        _complete(raw["category_month_contracts"], ["category", "month"], lv), on=["category", "month"])
    ctm = _complete(raw["category_tier_month"], ["category", "tier", "month"], lv)
    clm = _complete(raw["category_level_month_posts"], ["category", "experience_level", "month"], lv).merge(
        _complete(raw["category_level_month_contracts"], ["category", "experience_level", "month"], lv),
        on=["category", "experience_level", "month"])
    fm = raw["freelancer_month"].sort_values(["freelancer_id", "category", "month"], ignore_index=True)
    for df in (cm, ctm, clm, fm):
        df["earnings_per_contract"] = _ratio(df["earnings"], df["contracts"])
    for df in (cm, clm, fm):
        df["hourly_rate"] = _ratio(df["hourly_earnings"], df["hours"])
    for df in (cm, fm):
        df["mean_feedback"] = _ratio(df["feedback_sum"], df["n_feedback"])
    fm["mean_hours"] = _ratio(fm["hours"], fm["hourly_contracts"])
    for df in (cm, ctm, clm, fm):
        df["month"] = df["month"].astype("datetime64[ns]")
    return {
        "category_month": cm.sort_values(["category", "month"], ignore_index=True),
        "category_tier_month": ctm.sort_values(["category", "tier", "month"], ignore_index=True),
        "category_level_month": clm.sort_values(["category", "experience_level", "month"], ignore_index=True),
        "freelancer_month": fm,
    }


def build_panels(data_dir: str | Path, value_threshold_usd: float = 1000.0,
                 start: str | None = None, end: str | None = None,
                 backend: str = "duckdb", con=None) -> dict[str, pd.DataFrame]:
    """Build every panel of an extract.

    Parameters
    ----------
    data_dir : str or Path
        Folder of the extract (data contract).
    value_threshold_usd : float
        Threshold between low- and high-value contracts.
    start, end : str, optional
        ISO dates bounding the analysis window; months of the grid run from
        ``start``'s month to ``end``'s month.
    backend : str
        Ibis backend (see :func:`connect`); ignored when ``con`` is given.
    con : ibis backend, optional
        An open Ibis connection to use.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``category_month``, ``category_tier_month``, ``category_level_month``,
        ``freelancer_month``.
    """
    con = con if con is not None else connect(backend)
    posts, contracts = read_extract(con, data_dir)
    exprs = panel_exprs(posts, contracts, value_threshold_usd, start, end)
    raw = {k: e.to_pandas() for k, e in exprs.items()}
    return finish_panels(raw, start, end)


def build_panels_pandas(posts: pd.DataFrame, contracts: pd.DataFrame, value_threshold_usd: float = 1000.0,
                        start: str | None = None, end: str | None = None) -> dict[str, pd.DataFrame]:
    """Reference implementation of :func:`build_panels` in plain pandas.

    Used by the tests (identical panels on small data) and as the baseline of
    the benchmarks: the obvious code a newcomer would write.
    """
    posts = posts.copy()
    contracts = contracts.copy()
    posts["posted_on"] = pd.to_datetime(posts["posted_on"])
    contracts["started_on"] = pd.to_datetime(contracts["started_on"])
    if start:
        posts = posts[posts.posted_on >= pd.Timestamp(start)]
        contracts = contracts[contracts.started_on >= pd.Timestamp(start)]
    if end:
        posts = posts[posts.posted_on <= pd.Timestamp(end)]
        contracts = contracts[contracts.started_on <= pd.Timestamp(end)]
    posts["month"] = posts.posted_on.dt.to_period("M").dt.to_timestamp()
    c = contracts.merge(posts[["job_id", "category", "contract_type", "experience_level"]], on="job_id")
    c["month"] = c.started_on.dt.to_period("M").dt.to_timestamp()
    hourly = (c.contract_type == "hourly") & c.hours.notna()
    c["tier"] = np.where(c.earnings_usd < value_threshold_usd, "low", "high")
    c["hourly_earnings"] = np.where(hourly, c.earnings_usd, 0.0)
    c["hourly_hours"] = np.where(hourly, c.hours, 0.0)
    c["is_hourly"] = (c.contract_type == "hourly").astype(int)
    c["has_feedback"] = c.feedback.notna().astype(int)
    c["feedback0"] = c.feedback.fillna(0.0)
    con_aggs = dict(contracts=("job_id", "size"), earnings=("earnings_usd", "sum"),
                    hourly_contracts=("is_hourly", "sum"), hourly_earnings=("hourly_earnings", "sum"),
                    hours=("hourly_hours", "sum"), feedback_sum=("feedback0", "sum"),
                    n_feedback=("has_feedback", "sum"))
    posts["ai"] = posts.ai_related.astype(int)
    posts["expert"] = (posts.experience_level == "expert").astype(int)
    raw = {
        "category_month_posts": posts.groupby(["category", "month"], as_index=False).agg(
            job_posts=("job_id", "size"), ai_posts=("ai", "sum"), expert_posts=("expert", "sum")),
        "category_month_contracts": c.groupby(["category", "month"], as_index=False).agg(**con_aggs),
        "category_tier_month": c.groupby(["category", "tier", "month"], as_index=False).agg(
            contracts=("job_id", "size"), earnings=("earnings_usd", "sum")),
        "category_level_month_posts": posts.groupby(["category", "experience_level", "month"], as_index=False).agg(
            job_posts=("job_id", "size")),
        "category_level_month_contracts": c.groupby(["category", "experience_level", "month"], as_index=False).agg(
            contracts=("job_id", "size"), earnings=("earnings_usd", "sum"),
            hourly_earnings=("hourly_earnings", "sum"), hours=("hourly_hours", "sum")),
        "freelancer_month": c.groupby(["freelancer_id", "category", "month"], as_index=False).agg(**con_aggs),
    }
    return finish_panels(raw, start, end)
