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
    category, tier (``low``, ``high``; see *Value tiers* below), month:
    ``contracts``, ``earnings``, ``earnings_per_contract``.
``category_level_month``
    category, experience_level, month: ``job_posts``, ``contracts``,
    ``earnings``, ``earnings_per_contract``, ``hourly_earnings``, ``hours``,
    ``hourly_rate``.
``freelancer_month``
    freelancer_id, category, month: ``contracts``, ``earnings``,
    ``earnings_per_contract``, ``hourly_contracts``, ``hourly_earnings``,
    ``hours``, ``hourly_rate``, ``feedback_sum``, ``n_feedback``,
    ``mean_feedback``, ``mean_hours`` (hours per hourly contract), and
    ``exposure_category``: the freelancer's main pre-release category
    (:func:`main_category_expr`, the same in every row of a freelancer; null
    for a freelancer without a pre-release contract).

Posts are dated by ``posted_on``; contracts by ``started_on`` and take the
category, contract type and experience level of their post. Rows outside
``[start, end]`` are left out.

Value tiers
-----------
A contract's tier must not be cut on its realised outcome: anything that moves
contract values up (more expert work, inflation, longer contracts) would then
show as "high-value up, low-value down" with no displacement. So
(:func:`tier_rule` says which rule an extract gets):

``budget``
    When ``job_posts.budget_usd`` is present (the client's budget at posting,
    fixed before the contract exists), a contract is ``low`` when its post's
    budget is below ``value_threshold_usd``, ``high`` otherwise.
``quantile``
    Otherwise the threshold is set per category: the ``tier_quantile``
    run parameter's quantile (default 0.5; linear
    interpolation, as DuckDB's ``quantile_cont`` and pandas' default) of
    *censored earnings* of the category's contracts started in the window
    before ``treatment_date``; ``value_threshold_usd`` is not used. Censored
    earnings are earnings over the first ``H`` days (the
    ``tier_horizon_days`` run parameter, default 90): with
    ``contracts.ended_on``, earnings times ``min(1, H / d)`` with ``d`` the
    contract's days (``ended_on - started_on + 1``; a null ``ended_on`` runs
    to the window's ``end``), i.e. earnings pro-rated as if paid evenly over
    the contract. Without ``ended_on`` the earnings are taken as they are.
    In both cases a contract started within ``H`` days of the window's
    ``end`` that may still be running (no ``ended_on``, or a null one) has had
    less than ``H`` days to earn: it is left out of the tiers (tier
    ``none``), so late contracts do not pile up in the low tier. Contracts
    of a category without pre-release contracts are ``none`` too.

Tier ``none`` rows are counted in every other panel but not in
``category_tier_month`` (whose grid has only ``low`` and ``high``).

Freelancer panels
-----------------
Two panels follow freelancers: ``freelancer_month`` (a row per freelancer,
category and month with a contract; the hourly-rate, contract-size and
feedback regressions) and the balanced panel of
:func:`build_freelancer_panel` (a row per freelancer and month; the work
volume regressions). Their rules:

Main pre-release category
    A freelancer's exposure is their main category before the release: the
    category with most of their contracts starting before the first post
    month, ties broken by the category name in binary (UTF-8) order. It is
    the same in every month, also after the freelancer moves to work in
    another category, so no one can choose their group in response to the
    release; the work they move into counts as theirs.
Freelancers without pre-release work
    A freelancer with no contract starting before the first post month has
    no exposure and is left out of both designs (each estimate reports how
    many): they cannot be compared with themselves before the release, and
    the category they start in is the choice the design must not condition
    on.
Balanced span
    In the balanced panel each freelancer has a row for every month from the
    month of their first to the month of their last contract in the window.
    The extract does not say when a freelancer joined or left the platform,
    so months before the first and after the last contract are not in it.
Zeros
    A month of the span without a contract is a row with zero contracts,
    earnings and hours (and ``any_contract`` 0), so idle months count in
    the Poisson regressions and the extensive margin; ``freelancer_month``
    has no such rows.
Sample
    Above ``max_freelancers`` freelancers a simple random sample of that
    many is drawn with ``seed`` from the sorted ids of every freelancer with
    a contract in the window (:func:`draw_freelancers`), the same draw for
    both panels; the balanced panel is then built in the engine for the
    sampled freelancers only, so its cost does not grow with those left out.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
from ibis import _

from analysis.core.params import RELEASE_DATE, TIER_HORIZON_DAYS, TIER_QUANTILE
from analysis.data.contract import CSV_READ_OPTIONS, find_table_files, typed_table

PANELS = ("category_month", "category_tier_month", "category_level_month", "freelancer_month")
#: The panels built together in one pass (the freelancer panel is a pass of its own).
CATEGORY_PANELS = PANELS[:3]
#: Environment variable naming a folder where :class:`PanelStore` keeps built
#: panels (``python -m analysis run`` sets it, so a run builds each panel once).
#: Parquet metadata key of a cached panel: the extract's categories (for estimate ids).
_CATEGORIES_KEY = b"analysis.categories"


def connect(backend: str = "duckdb", **kwargs):
    """Open an Ibis backend.

    Parameters
    ----------
    backend : str
        ``"duckdb"`` (in-process, default), ``"pyspark"`` (a local or given
        Spark session), a Spark standalone master URL ``"spark://host:port"``
        (:func:`analysis.data.spark.cluster_session`) or an Ibis connection URL
        such as ``"duckdb:///path/file.ddb"`` or ``"postgres://user@host/db"``.
    **kwargs
        Passed to the backend's ``connect``. DuckDB uses every core unless
        ``threads`` is given: the panels are identical whatever the thread
        count, because every float sum is computed exactly (see
        :func:`panel_exprs`).
    """
    if backend == "duckdb":
        return ibis.duckdb.connect(**kwargs)
    if backend == "pyspark":
        from analysis.data.spark import local_session

        session = kwargs.pop("session", None) or local_session()
        return ibis.pyspark.connect(session, **kwargs)
    if backend.startswith("spark://"):
        from analysis.data.spark import cluster_session

        return ibis.pyspark.connect(cluster_session(backend), **kwargs)
    return ibis.connect(backend, **kwargs)



def read_extract(con, data_dir: str | Path):
    """Register an extract's two tables on an Ibis connection, typed.

    Files are opened as validation opens them (a CSV file as text, with
    :data:`analysis.data.contract.CSV_READ_OPTIONS`; never with types guessed from
    the first rows) and typed by the same reader,
    :func:`analysis.data.contract.typed_table`: ids as text, money and hours as
    float64, dates as dates (zoned timestamps by their UTC date; DuckDB
    connections are set to UTC). Extra columns are dropped.

    Returns
    -------
    posts, contracts : ibis.Table

    Raises
    ------
    FileNotFoundError
        A table is missing.
    analysis.data.contract.StorageError
        A column is stored in a type the contract cannot read (validation
        reports it).
    """
    files, problems = find_table_files(Path(data_dir))
    if problems:
        raise FileNotFoundError("; ".join(str(p) for p in problems))
    if con.name == "duckdb":
        con.raw_sql("SET TimeZone = 'UTC'")
    tables = {}
    for name, path in files.items():
        if path.suffix == ".parquet":
            t = con.read_parquet(str(path))
        elif con.name == "duckdb":
            t = con.read_csv(str(path), **CSV_READ_OPTIONS)
        else:  # Spark and others: every column as text, RFC 4180 quotes
            t = con.read_csv(str(path), header=True, inferSchema=False, escape='"', encoding="UTF-8")
        tables[name] = typed_table(t, name)[0]
    return tables["job_posts"], tables["contracts"]


#: Fixed-point type of the exact sums: 9 decimals (a billionth of a dollar,
#: hour or star), up to 10^29 in total.
EXACT = "decimal(38, 9)"


def _exact_sum(col):
    """Sum of a float column, exact: each value rounded to 9 decimals, added
    in 128-bit fixed point, the total cast back to float64.

    Float addition depends on the order of the terms, and a parallel or
    distributed engine adds in a different order on every run; fixed-point
    addition does not. So the panels are the same bits on 1 or 16 DuckDB
    threads, and the rounding (at most 5e-10 per value) is far below any unit
    the book reports. On Spark they are the same bits when values have at most
    9 decimals (as money in cents does); with more, the engines round the
    10th decimal differently (DuckDB's cast is not correctly rounded) and
    sums agree to about 1e-12 relative. Values must stay below 10^15
    (``analysis.data.contract.MAX_AMOUNT``) so that totals fit.
    """
    return col.cast(EXACT).sum().cast("float64")


def in_window(posts, contracts, start: str | None = None, end: str | None = None):
    """The rows of the analysis window: posts by their posting date, contracts by their start date,
    both within ``[start, end]`` (inclusive ISO dates; ``None`` leaves that side open)."""
    if start:
        posts = posts.filter(posts.posted_on >= ibis.date(start))
        contracts = contracts.filter(contracts.started_on >= ibis.date(start))
    if end:
        posts = posts.filter(posts.posted_on <= ibis.date(end))
        contracts = contracts.filter(contracts.started_on <= ibis.date(end))
    return posts, contracts


def tier_rule(columns) -> str:
    """``"budget"`` when the posts' columns include ``budget_usd``, else ``"quantile"`` (module docstring)."""
    return "budget" if "budget_usd" in columns else "quantile"


def _late_start(end: str | None, horizon_days: int) -> pd.Timestamp | None:
    """Contracts started after this day have had less than ``horizon_days`` days to earn."""
    return None if not end else pd.Timestamp(end) - pd.Timedelta(days=int(horizon_days))


def _tier_expr(c, value_threshold_usd, treatment_date, end, quantile, horizon_days):
    """The joined contracts ``c`` with their ``tier`` column (module docstring, *Value tiers*)."""
    if "budget_usd" in c.columns:
        return c.mutate(tier=ibis.ifelse(c.budget_usd < float(value_threshold_usd), "low", "high"))
    h = float(horizon_days)
    ce = c.earnings_usd
    open_ = ibis.literal(True)
    if "ended_on" in c.columns:
        stop = c.ended_on.fill_null(ibis.date(end)) if end else c.ended_on
        days = (stop.delta(c.started_on, unit="day") + 1).cast("float64")
        ce = ibis.ifelse(days.isnull(), ce, ce * ibis.least(1.0, h / days))
        open_ = c.ended_on.isnull()
    late_from = _late_start(end, horizon_days)
    late = (open_ & (c.started_on > ibis.date(late_from.date().isoformat()))) if late_from is not None \
        else ibis.literal(False)
    c = c.mutate(_ce=ce, _late=late)
    pre = c.filter((c.started_on < ibis.date(treatment_date)) & ~c._late)
    thr = pre.group_by("category").aggregate(_thr=pre._ce.quantile(float(quantile)))
    c = c.left_join(thr, "category").select(c, thr._thr)
    tier = ibis.cases((c._late | c._thr.isnull(), "none"), (c._ce < c._thr, "low"), else_="high")
    return c.mutate(tier=tier).drop("_ce", "_late", "_thr")


def panel_exprs(posts, contracts, value_threshold_usd: float = 1000.0,
                start: str | None = None, end: str | None = None, treatment_date: str = RELEASE_DATE,
                tier_quantile: float = TIER_QUANTILE, tier_horizon_days: int = TIER_HORIZON_DAYS) -> dict:
    """Ibis expressions of the panels' building blocks (backend-agnostic).

    Three aggregates are computed in the engine, each in one pass:

    ``posts_fine``
        posts by category x experience level x month (``job_posts``,
        ``ai_posts``);
    ``contracts_fine``
        contracts (joined once to their posts) by category x experience level x
        tier x month, with every contract sum;
    ``freelancer_month``
        contracts by freelancer x category x month.

    :func:`finish_panels` rolls the two small ones up into
    ``category_month``, ``category_tier_month`` and ``category_level_month``
    (a few thousand rows, in pandas).

    Parameters
    ----------
    posts, contracts : ibis.Table
        Typed tables (see :func:`read_extract`).
    value_threshold_usd : float
        Posts whose ``budget_usd`` is below it are ``low`` tier, the rest
        ``high`` (used only with ``budget_usd``; module docstring).
    start, end : str, optional
        ISO dates bounding the rows used (inclusive).
    treatment_date : str
        Contracts started before it set the quantile thresholds.
    tier_quantile, tier_horizon_days : float, int
        The quantile rule's quantile and censoring horizon.

    Returns
    -------
    dict of str to ibis.Table
    """
    posts, contracts = in_window(posts, contracts, start, end)
    p = posts.mutate(month=posts.posted_on.truncate("M"))
    c = contracts.join(
        posts.select("job_id", "category", "contract_type", "experience_level",
                     *(["budget_usd"] if "budget_usd" in posts.columns else [])), "job_id"
    )
    c = _tier_expr(c, value_threshold_usd, treatment_date, end, tier_quantile, tier_horizon_days)
    is_hourly = c.contract_type == "hourly"
    c = c.mutate(
        month=c.started_on.truncate("M"),
        hourly_earnings=ibis.ifelse(is_hourly & c.hours.notnull(), c.earnings_usd, 0.0),
        hourly_hours=ibis.ifelse(is_hourly & c.hours.notnull(), c.hours, 0.0),
        is_hourly=ibis.ifelse(is_hourly, 1, 0),
        has_feedback=ibis.ifelse(c.feedback.notnull(), 1, 0),
        feedback0=c.feedback.fill_null(0.0),
    )
    con_aggs = dict(
        contracts=_.count(),
        earnings=_exact_sum(_.earnings_usd),
        hourly_contracts=_.is_hourly.sum(),
        hourly_earnings=_exact_sum(_.hourly_earnings),
        hours=_exact_sum(_.hourly_hours),
        feedback_sum=_exact_sum(_.feedback0),
        n_feedback=_.has_feedback.sum(),
    )
    return {
        "posts_fine": p.group_by(["category", "experience_level", "month"]).aggregate(
            job_posts=_.count(), ai_posts=ibis.ifelse(_.ai_related, 1, 0).sum()),
        "contracts_fine": c.group_by(["category", "experience_level", "tier", "month"]).aggregate(**con_aggs),
        "freelancer_month": _with_exposure(
            c.group_by(["freelancer_id", "category", "month"]).aggregate(**con_aggs),
            main_category_expr(c, treatment_date)),
    }


def _with_exposure(fm, main):
    """``fm`` with each freelancer's ``exposure_category`` (null without pre-release contracts)."""
    return fm.left_join(main, "freelancer_id").select(fm, main.exposure_category)


_COUNTS = ("job_posts", "ai_posts", "expert_posts", "contracts", "hourly_contracts", "n_feedback")
_SUMS = ("earnings", "hourly_earnings", "hours", "feedback_sum")
_CON_COLS = ("contracts", "earnings", "hourly_contracts", "hourly_earnings", "hours", "feedback_sum", "n_feedback")


def _normalise(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy(deep=False)  # copy-on-write: columns are replaced, not changed in place
    if df["month"].dtype != "datetime64[ns]":
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


def _roll_up(df: pd.DataFrame, keys: list[str], cols) -> pd.DataFrame:
    """Sum ``cols`` of a fine aggregate over ``keys`` (sorted keys: stable float sums)."""
    return df.sort_values(keys + [c for c in df.columns if c not in cols and c not in keys], kind="stable") \
        .groupby(keys, as_index=False, sort=True)[list(cols)].sum()


def _pieces_from_fine(raw: dict) -> dict:
    """The six category-level pieces from the two fine aggregates of :func:`panel_exprs`."""
    pf, cf = raw["posts_fine"], raw["contracts_fine"]
    cm_posts = _roll_up(pf.assign(expert_posts=np.where(pf["experience_level"] == "expert", pf["job_posts"], 0)),
                        ["category", "month"], ("job_posts", "ai_posts", "expert_posts"))
    return {
        "category_month_posts": cm_posts,
        "category_month_contracts": _roll_up(cf, ["category", "month"], _CON_COLS),
        "category_tier_month": _roll_up(cf, ["category", "tier", "month"], ("contracts", "earnings")),
        "category_level_month_posts": pf[["category", "experience_level", "month", "job_posts"]],
        "category_level_month_contracts": _roll_up(cf, ["category", "experience_level", "month"],
                                                   ("contracts", "earnings", "hourly_earnings", "hours")),
        "freelancer_month": raw.get("freelancer_month"),
    }


def finish_panels(raw: dict[str, pd.DataFrame], start: str | None = None,
                  end: str | None = None) -> dict[str, pd.DataFrame]:
    """Normalise executed panel pieces, complete the grids, add ratios.

    ``raw`` holds the executed expressions of :func:`panel_exprs`
    (``posts_fine``, ``contracts_fine``, ``freelancer_month``) or the six
    category-level pieces of the plain-pandas reference. Without
    ``freelancer_month`` only the three category panels are returned.
    """
    raw = {k: _normalise(v) for k, v in raw.items() if v is not None}
    if "contracts_fine" in raw:
        raw = {k: v for k, v in _pieces_from_fine(raw).items() if v is not None}
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
    out = {
        "category_month": cm.sort_values(["category", "month"], ignore_index=True),
        "category_tier_month": ctm.sort_values(["category", "tier", "month"], ignore_index=True),
        "category_level_month": clm.sort_values(["category", "experience_level", "month"], ignore_index=True),
    }
    if "freelancer_month" in raw:
        out["freelancer_month"] = finish_freelancer_month(raw["freelancer_month"], normalised=True)
    cm, ctm, clm = out["category_month"], out["category_tier_month"], out["category_level_month"]
    for df in (cm, ctm, clm):
        df["earnings_per_contract"] = _ratio(df["earnings"], df["contracts"])
    for df in (cm, clm):
        df["hourly_rate"] = _ratio(df["hourly_earnings"], df["hours"])
    cm["mean_feedback"] = _ratio(cm["feedback_sum"], cm["n_feedback"])
    for df in (cm, ctm, clm):
        df["month"] = df["month"].astype("datetime64[ns]")
    return out


def finish_freelancer_month(fm: pd.DataFrame, normalised: bool = False, presorted: bool = False) -> pd.DataFrame:
    """Sort the executed ``freelancer_month`` aggregate and add its ratios.

    ``presorted=True`` skips the sort when the engine already ordered the rows
    by freelancer, category and month (binary string order, which is
    pandas' order of UTF-8 text).
    """
    fm = fm if normalised else _normalise(fm)
    if not presorted:
        fm = fm.sort_values(["freelancer_id", "category", "month"], ignore_index=True)
    fm["earnings_per_contract"] = _ratio(fm["earnings"], fm["contracts"])
    fm["hourly_rate"] = _ratio(fm["hourly_earnings"], fm["hours"])
    fm["mean_feedback"] = _ratio(fm["feedback_sum"], fm["n_feedback"])
    fm["mean_hours"] = _ratio(fm["hours"], fm["hourly_contracts"])
    fm["month"] = fm["month"].astype("datetime64[ns]")
    if "exposure_category" in fm.columns:
        fm["exposure_category"] = _exposure_column(fm["exposure_category"])
    return fm


def _exposure_column(s: pd.Series) -> pd.Series:
    """``exposure_category`` as text (pandas' string dtype, as ``category`` and as a Parquet
    round trip gives it), missing where a freelancer has no pre-release contract."""
    return s.astype("str")


# ---------------------------------------------------------------------------
# Balanced freelancer-month panel (the within-freelancer design)
# ---------------------------------------------------------------------------

#: Columns of the balanced freelancer panel that are contract sums (zero in a
#: month without a contract).
FREELANCER_SUMS = ("contracts", "earnings", "hourly_contracts", "hourly_earnings", "hours")


def draw_freelancers(ids, max_freelancers: int, seed: int) -> tuple[np.ndarray, bool]:
    """The seeded simple random sample of freelancer ids.

    The draw is made from the sorted distinct ids (as text) with a NumPy
    generator of its own stream of ``seed``, so the same ids and seed give
    the same sample on any machine and engine. It is drawn before any
    freelancer panel is built: the engine then aggregates only the sampled
    freelancers' contracts (:func:`build_freelancer_panel`).

    Parameters
    ----------
    ids : array-like
        Freelancer ids (duplicates allowed).
    max_freelancers : int
        Keep every id when there are at most this many, or when 0.
    seed : int

    Returns
    -------
    kept : ndarray of str
        Sorted kept ids.
    sampled : bool
        Whether a sample was drawn (False: every id kept).
    """
    ids = np.sort(pd.unique(pd.Series(ids, dtype="object").astype("str")))
    if not max_freelancers or len(ids) <= max_freelancers:
        return ids, False
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x46524C]))  # stream of its own
    return ids[np.sort(rng.choice(len(ids), size=int(max_freelancers), replace=False))], True


def _first_post(treatment_date: str) -> pd.Timestamp:
    from analysis.core.periods import first_post_month

    return first_post_month(treatment_date)


def freelancer_months(start, end, first_contract, last_contract) -> pd.DatetimeIndex:
    """Calendar of the balanced panel: ``start``'s to ``end``'s month, each
    bound defaulting to the month of the first or last contract."""
    lo = pd.Timestamp(start) if start else pd.Timestamp(first_contract)
    hi = pd.Timestamp(end) if end else pd.Timestamp(last_contract)
    return pd.date_range(lo.to_period("M").to_timestamp(), hi.to_period("M").to_timestamp(), freq="MS")


def main_category_expr(c, treatment_date: str):
    """Each freelancer's main pre-release category (module docstring, *Freelancer
    panels*; first post month: :func:`analysis.core.periods.first_post_month`), from joined contracts ``c`` with ``month``
    and ``category``: ``freelancer_id``, ``exposure_category``, one row per
    freelancer with a pre-release contract. The one definition used by both
    freelancer panels (``freelancer_month`` and the balanced panel)."""
    pre = c.filter(c.month < ibis.date(_first_post(treatment_date).date().isoformat()))
    pre = pre.group_by(["freelancer_id", "category"]).aggregate(n=_.count())
    rank = ibis.row_number().over(group_by="freelancer_id", order_by=[ibis.desc("n"), "category"])
    return pre.mutate(r=rank).filter(_.r == 0).select("freelancer_id", exposure_category=_.category)


def main_category_pandas(c: pd.DataFrame, treatment_date: str) -> pd.Series:
    """:func:`main_category_expr` in pandas (the reference implementations): a
    Series from ``freelancer_id`` to ``exposure_category``."""
    pre = c[c["month"] < _first_post(treatment_date)].groupby(["freelancer_id", "category"]).size()
    pre = pre.rename("n").reset_index()
    pre["key"] = pre["category"].map(lambda s: s.encode("utf-8"))  # binary order, as the engine
    return pre.sort_values(["freelancer_id", "n", "key"], ascending=[True, False, True]).drop_duplicates(
        "freelancer_id").set_index("freelancer_id")["category"]


def freelancer_panel_expr(posts, contracts, treatment_date: str, months, start: str | None = None,
                          end: str | None = None, ids=None):
    """Ibis expression of the balanced freelancer x month panel.

    Rules: the module docstring's *Freelancer panels* (the same in
    :func:`freelancer_panel_pandas`). ``exposure_category`` comes from
    :func:`main_category_expr` (null without a pre-release contract); the
    calendar runs from ``start``'s month to ``end``'s month, or (without
    them) from the first to the last month with a contract; with ``ids``
    only those freelancers' contracts are aggregated (a join on a table of
    the ids).

    Parameters
    ----------
    posts, contracts : ibis.Table
        Typed tables (:func:`read_extract`).
    treatment_date : str
    months : sequence of Timestamp
        The calendar (see :func:`freelancer_months`).
    start, end : str, optional
    ids : sequence of str, optional

    Returns
    -------
    ibis.Table
        ``freelancer_id``, ``month``, ``exposure_category`` and
        :data:`FREELANCER_SUMS`.
    """
    posts, contracts = in_window(posts, contracts, start, end)
    c = contracts.join(posts.select("job_id", "category", "contract_type"), "job_id")
    months = ibis.memtable({"month": pd.DatetimeIndex(months).date})
    if ids is not None:
        c = c.join(ibis.memtable({"freelancer_id": pd.Series(list(ids), dtype="str")}), "freelancer_id")
    is_hourly = (c.contract_type == "hourly") & c.hours.notnull()
    c = c.mutate(month=c.started_on.truncate("M"), is_hourly=ibis.ifelse(c.contract_type == "hourly", 1, 0),
                 hourly_earnings=ibis.ifelse(is_hourly, c.earnings_usd, 0.0),
                 hourly_hours=ibis.ifelse(is_hourly, c.hours, 0.0))
    agg = c.group_by(["freelancer_id", "month"]).aggregate(
        contracts=_.count(), earnings=_exact_sum(_.earnings_usd), hourly_contracts=_.is_hourly.sum(),
        hourly_earnings=_exact_sum(_.hourly_earnings), hours=_exact_sum(_.hourly_hours))
    span = agg.group_by("freelancer_id").aggregate(first=_.month.min(), last=_.month.max())
    grid = span.cross_join(months)
    grid = grid.filter((grid.month >= grid.first) & (grid.month <= grid.last)).select("freelancer_id", "month")
    main = main_category_expr(c, treatment_date)
    out = grid.left_join(agg, ["freelancer_id", "month"]).select(grid.freelancer_id, grid.month,
                                                                *[agg[k] for k in FREELANCER_SUMS])
    out = out.left_join(main, "freelancer_id").select(out.freelancer_id, out.month, main.exposure_category,
                                                       *[out[k] for k in FREELANCER_SUMS])
    return out.mutate(**{k: out[k].fill_null(0) for k in FREELANCER_SUMS})


def finish_freelancer_panel(df: pd.DataFrame) -> pd.DataFrame:
    """Normalise the executed balanced panel: types, order (freelancer,
    month), ``any_contract`` (1 in a month with a contract) and the ratios
    ``earnings_per_contract`` and ``hourly_rate`` (missing without
    contracts or hours)."""
    exposure = df["exposure_category"]
    df = _normalise(df.drop(columns="exposure_category"))
    df["exposure_category"] = _exposure_column(exposure)
    df = df.sort_values(["freelancer_id", "month"], ignore_index=True)
    df["any_contract"] = (df["contracts"] > 0).astype("int64")
    df["earnings_per_contract"] = _ratio(df["earnings"], df["contracts"])
    df["hourly_rate"] = _ratio(df["hourly_earnings"], df["hours"])
    cols = ["freelancer_id", "exposure_category", "month", "any_contract", *FREELANCER_SUMS,
            "earnings_per_contract", "hourly_rate"]
    return df[cols]


def build_freelancer_panel(data_dir: str | Path, treatment_date: str, start: str | None = None,
                           end: str | None = None, max_freelancers: int = 0, seed: int = 0,
                           backend: str = "duckdb", con=None) -> tuple[pd.DataFrame, dict]:
    """Build the balanced freelancer-month panel of an extract in the engine.

    The distinct freelancer ids of the window's contracts are fetched, the
    sample is drawn from them (:func:`draw_freelancers`, with ``seed``), and
    only the sampled freelancers' panel is built
    (:func:`freelancer_panel_expr`), so its cost does not grow with the
    freelancers left out.

    Parameters
    ----------
    data_dir : str or Path
    treatment_date : str
    start, end : str, optional
    max_freelancers : int
        Sample size (0: every freelancer).
    seed : int
    backend, con
        As in :func:`build_panels`.

    Returns
    -------
    panel : DataFrame
        See :func:`finish_freelancer_panel`.
    info : dict
        ``n_freelancers`` (with a contract in the window), ``n_sampled``,
        ``sampled``, ``max_freelancers``, ``seed``.
    """
    con = con if con is not None else connect(backend)
    posts, contracts = read_extract(con, data_dir)
    p, c = in_window(posts, contracts, start, end)
    c = c.join(p.select("job_id"), "job_id")
    all_ids = c.select("freelancer_id").distinct().to_pyarrow()["freelancer_id"].to_pylist()
    kept, sampled = draw_freelancers(all_ids, max_freelancers, seed)
    span = c.aggregate(lo=c.started_on.min(), hi=c.started_on.max()).to_pyarrow().to_pylist()[0]
    months = freelancer_months(start, end, span["lo"], span["hi"])
    expr = freelancer_panel_expr(posts, contracts, treatment_date, months, start, end,
                                 kept if sampled else None)
    info = {"n_freelancers": len(set(all_ids)), "n_sampled": int(len(kept)), "sampled": sampled,
            "max_freelancers": int(max_freelancers), "seed": int(seed)}
    return finish_freelancer_panel(_execute(expr)), info


def freelancer_panel_pandas(posts: pd.DataFrame, contracts: pd.DataFrame, treatment_date: str,
                            start: str | None = None, end: str | None = None, max_freelancers: int = 0,
                            seed: int = 0) -> tuple[pd.DataFrame, dict]:
    """Reference implementation of :func:`build_freelancer_panel` in plain
    pandas (same rules; used by the tests)."""
    posts, contracts = posts.copy(), contracts.copy()
    posts["posted_on"] = pd.to_datetime(posts["posted_on"])
    contracts["started_on"] = pd.to_datetime(contracts["started_on"])
    lo = pd.Timestamp(start) if start else None
    hi = pd.Timestamp(end) if end else None
    for df, col in ((posts, "posted_on"), (contracts, "started_on")):
        keep = pd.Series(True, index=df.index)
        if lo is not None:
            keep &= df[col] >= lo
        if hi is not None:
            keep &= df[col] <= hi
        df.drop(index=df.index[~keep], inplace=True)
    c = contracts.merge(posts[["job_id", "category", "contract_type"]], on="job_id")
    c["freelancer_id"] = c["freelancer_id"].astype("str")
    months = freelancer_months(start, end, c["started_on"].min(), c["started_on"].max())
    kept, sampled = draw_freelancers(c["freelancer_id"], max_freelancers, seed)
    n_all = c["freelancer_id"].nunique()
    c = c[c["freelancer_id"].isin(set(kept))].copy()
    c["month"] = c["started_on"].dt.to_period("M").dt.to_timestamp()
    hourly = (c["contract_type"] == "hourly") & c["hours"].notna()
    c["is_hourly"] = (c["contract_type"] == "hourly").astype(int)
    c["hourly_earnings"] = np.where(hourly, c["earnings_usd"], 0.0)
    c["hourly_hours"] = np.where(hourly, c["hours"], 0.0)
    agg = c.groupby(["freelancer_id", "month"], as_index=False).agg(
        contracts=("job_id", "size"), earnings=("earnings_usd", "sum"), hourly_contracts=("is_hourly", "sum"),
        hourly_earnings=("hourly_earnings", "sum"), hours=("hourly_hours", "sum"))
    span = agg.groupby("freelancer_id")["month"].agg(["min", "max"])
    rows = [(f, m) for f, (a, b) in span.iterrows() for m in months if a <= m <= b]
    grid = pd.DataFrame(rows, columns=["freelancer_id", "month"])
    out = grid.merge(agg, on=["freelancer_id", "month"], how="left")
    out["exposure_category"] = out["freelancer_id"].map(main_category_pandas(c, treatment_date))
    for k in FREELANCER_SUMS:
        out[k] = out[k].fillna(0)
    info = {"n_freelancers": int(n_all), "n_sampled": int(len(kept)), "sampled": sampled,
            "max_freelancers": int(max_freelancers), "seed": int(seed)}
    return finish_freelancer_panel(out), info


def _execute(expr) -> pd.DataFrame:
    """Run an expression and hand the result to pandas through Arrow
    (faster than Ibis's own ``to_pandas`` on millions of rows); months
    become ``datetime64[ns]`` on the Arrow side, without a pandas copy."""
    import pyarrow as pa

    t = expr.to_pyarrow()
    i = t.schema.get_field_index("month")
    if i >= 0 and pa.types.is_date(t.schema.field(i).type):
        t = t.set_column(i, "month", t["month"].cast(pa.timestamp("ns")))
    # (time-zone-aware timestamps are left to _normalise, which keeps their local date)
    # Arrow buffers are released column by column as pandas takes them over.
    return t.to_pandas(split_blocks=True, self_destruct=True)


def declare_categories(posts) -> list[str]:
    """Every category of the extract (not only the window's), declared to
    :func:`analysis.core.text.use_categories` so that estimate ids are distinct
    for any names and the same for every window; returns them sorted."""
    from analysis.core.text import use_categories

    cats = sorted(str(c) for c in posts.select("category").distinct().to_pyarrow()["category"].to_pylist()
                  if c is not None)
    use_categories(cats)
    return cats


def build_panels(data_dir: str | Path, value_threshold_usd: float = 1000.0,
                 start: str | None = None, end: str | None = None,
                 backend: str = "duckdb", con=None, panels=PANELS,
                 treatment_date: str = RELEASE_DATE, tier_quantile: float = TIER_QUANTILE,
                 tier_horizon_days: int = TIER_HORIZON_DAYS) -> dict[str, pd.DataFrame]:
    """Build the panels of an extract.

    Parameters
    ----------
    data_dir : str or Path
        Folder of the extract (data contract).
    value_threshold_usd : float
        Budget threshold between low- and high-value contracts (used when
        the posts have ``budget_usd``; see the module docstring).
    start, end : str, optional
        ISO dates bounding the analysis window; months of the grid run from
        ``start``'s month to ``end``'s month.
    backend : str
        Ibis backend (see :func:`connect`); ignored when ``con`` is given.
    con : ibis backend, optional
        An open Ibis connection to use.
    panels : sequence of str
        Which panels to build (default all four). The three category panels
        come from one pass over the posts and one over the joined contracts;
        ``freelancer_month`` (about half as many rows as contracts) is a
        further pass, so leave it out when it is not needed.
    treatment_date : str
        Pre-release contracts set the quantile tiers and the freelancers'
        main pre-release category.
    tier_quantile, tier_horizon_days : float, int
        The quantile tier rule's run parameters (module docstring).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``category_month``, ``category_tier_month``, ``category_level_month``,
        ``freelancer_month`` (those asked for).

    Also declares the extract's categories for estimate ids
    (:func:`declare_categories`).
    """
    unknown = sorted(set(panels) - set(PANELS))
    if unknown:
        raise ValueError(f"unknown panel(s) {unknown}; valid: {list(PANELS)}")
    con = con if con is not None else connect(backend)
    posts, contracts = read_extract(con, data_dir)
    declare_categories(posts)
    exprs = panel_exprs(posts, contracts, value_threshold_usd, start, end, treatment_date, tier_quantile,
                        tier_horizon_days)
    out = {}
    if set(panels) & set(CATEGORY_PANELS):
        out = finish_panels({"posts_fine": _execute(exprs["posts_fine"]),
                             "contracts_fine": _execute(exprs["contracts_fine"])}, start, end)
    if "freelancer_month" in panels:
        # Ordered in the engine: a parallel sort there is cheaper than
        # pandas' sort of millions of string keys.
        fm = _execute(exprs["freelancer_month"].order_by(["freelancer_id", "category", "month"]))
        out["freelancer_month"] = finish_freelancer_month(fm, presorted=True)
    return {k: out[k] for k in PANELS if k in panels}


def contract_values(data_dir: str | Path, start: str | None = None, end: str | None = None,
                    backend: str = "duckdb", con=None) -> pd.DataFrame:
    """One row per contract in ``[start, end]``: ``category``, ``month``, ``earnings_usd``
    (and the post's ``budget_usd`` when the extract has it).

    Read with the typed reader of :func:`read_extract` and filtered as
    :func:`panel_exprs` filters (:func:`in_window`; contracts joined to
    their posts), so that summing it by category and month gives the
    ``contracts`` and ``earnings`` of ``category_month``. Used to check how
    much an estimate rests on the largest contracts
    (:func:`analysis.estimation.honest.influence_check`); rows are sorted by
    category, month and earnings so the frame is the same on every engine.
    """
    con = con or connect(backend)
    posts, contracts = read_extract(con, data_dir)
    posts, contracts = in_window(posts, contracts, start, end)
    budget = ["budget_usd"] if "budget_usd" in posts.columns else []
    c = contracts.join(posts.select("job_id", "category", *budget), "job_id")
    c = c.select(category=c.category, month=c.started_on.truncate("M"), earnings_usd=c.earnings_usd.cast("float64"),
                 **{b: c[b].cast("float64") for b in budget})
    df = c.to_pyarrow().to_pandas()
    df["month"] = pd.to_datetime(df["month"])
    df["category"] = df["category"].astype("str")
    return df.sort_values(["category", "month", "earnings_usd"], ignore_index=True)


def build_panels_pandas(posts: pd.DataFrame, contracts: pd.DataFrame, value_threshold_usd: float = 1000.0,
                        start: str | None = None, end: str | None = None,
                        panels=PANELS, treatment_date: str = RELEASE_DATE,
                        tier_quantile: float = TIER_QUANTILE,
                        tier_horizon_days: int = TIER_HORIZON_DAYS) -> dict[str, pd.DataFrame]:
    """Reference implementation of :func:`build_panels` in plain pandas.

    Used by the tests (identical panels on small data) and as the baseline of
    the benchmarks: the obvious code a newcomer would write. ``panels``
    leaves out ``freelancer_month`` when not asked for (the category panels
    are always made together).
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
    budget = ["budget_usd"] if "budget_usd" in posts.columns else []
    c = contracts.merge(posts[["job_id", "category", "contract_type", "experience_level", *budget]], on="job_id")
    c["month"] = c.started_on.dt.to_period("M").dt.to_timestamp()
    hourly = (c.contract_type == "hourly") & c.hours.notna()
    c["tier"] = _tiers_pandas(c, value_threshold_usd, treatment_date, end, tier_quantile, tier_horizon_days)
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
    }
    if "freelancer_month" in panels:
        fm = c.groupby(["freelancer_id", "category", "month"], as_index=False).agg(**con_aggs)
        fm["exposure_category"] = fm["freelancer_id"].astype("str").map(
            main_category_pandas(c.assign(freelancer_id=c["freelancer_id"].astype("str")), treatment_date))
        raw["freelancer_month"] = fm
    out = finish_panels(raw, start, end)
    return {k: out[k] for k in PANELS if k in panels}


def _tiers_pandas(c: pd.DataFrame, value_threshold_usd, treatment_date, end, quantile, horizon_days) -> np.ndarray:
    """The tier of each joined contract, in pandas (as :func:`_tier_expr`)."""
    if "budget_usd" in c.columns:
        return np.where(c.budget_usd < value_threshold_usd, "low", "high")
    ce = c.earnings_usd.astype("float64")
    open_ = pd.Series(True, index=c.index)
    if "ended_on" in c.columns:
        ended = pd.to_datetime(c.ended_on)
        stop = ended.fillna(pd.Timestamp(end)) if end else ended
        days = ((stop - c.started_on).dt.days + 1).astype("float64")
        ce = ce.where(days.isna(), ce * np.minimum(1.0, float(horizon_days) / days))
        open_ = ended.isna()
    late_from = _late_start(end, horizon_days)
    late = open_ & (c.started_on > late_from) if late_from is not None else pd.Series(False, index=c.index)
    pre = (c.started_on < pd.Timestamp(treatment_date)) & ~late
    thr = c.category.map(ce[pre].groupby(c.category[pre]).quantile(quantile))
    return np.where(late | thr.isna(), "none", np.where(ce < thr, "low", "high"))


def builder_fingerprint() -> str:
    """SHA-256 of what the panels depend on besides the data and parameters:
    the source of this module and of :mod:`analysis.data.contract` (types, file
    discovery) and the versions of DuckDB, Ibis, pandas and pyarrow."""
    from importlib.metadata import version

    h = hashlib.sha256()
    for mod in ("panels.py", "contract.py"):
        h.update((Path(__file__).parent / mod).read_bytes())
    for dist in ("duckdb", "ibis-framework", "pandas", "pyarrow"):
        h.update(f"{dist}=={version(dist)}".encode())
    return h.hexdigest()


class PanelStore(Mapping):
    """The panels of one extract and parameter set, built on first use.

    A mapping from panel name to DataFrame, like the dict of
    :func:`build_panels`, except that a panel is built only when asked for:
    the three category panels together (one pass), ``freelancer_month``
    alone. With ``cache_dir`` (within ``python -m analysis run``, the run's
    panel cache, handed to the chapter by :class:`analysis.page.Page`)
    built panels are written there as Parquet under a key of the extract's
    checksum, the parameters and :func:`builder_fingerprint`, and read back
    by the next chapter instead of rebuilt.

    Parameters
    ----------
    data_dir : str or Path
    value_threshold_usd : float
    start, end : str or None
    treatment_date, tier_quantile, tier_horizon_days
        As in :func:`build_panels` (they set the quantile tier thresholds;
        part of the cache key).
    checksum : str or callable, optional
        The extract's checksum (or a function returning it); needed only with
        a cache.
    cache_dir : str or Path, optional
        Folder of the panel cache; None builds in memory only.
    """

    def __init__(self, data_dir, value_threshold_usd: float = 1000.0, start: str | None = None,
                 end: str | None = None, checksum=None, cache_dir=None, treatment_date: str = RELEASE_DATE,
                 tier_quantile: float = TIER_QUANTILE, tier_horizon_days: int = TIER_HORIZON_DAYS):
        self.data_dir = Path(data_dir)
        self.args = (float(value_threshold_usd), start, end)
        self.tiers = (float(tier_quantile), int(tier_horizon_days))
        self.treatment_date = str(treatment_date)
        self._checksum = checksum
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self._frames: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in PANELS:
            raise KeyError(name)
        if name not in self._frames:
            group = CATEGORY_PANELS if name in CATEGORY_PANELS else ("freelancer_month",)
            self._frames.update(self._load_or_build(group))
        return self._frames[name]

    def __iter__(self):
        return iter(PANELS)

    def __len__(self) -> int:
        return len(PANELS)

    def key(self) -> str:
        """Cache key: extract checksum, parameters and the builder's source."""
        checksum = self._checksum() if callable(self._checksum) else self._checksum
        if not checksum:
            from analysis.data.extract import extract_checksum

            checksum = extract_checksum(self.data_dir)
        key = {"extract": checksum, "args": self.args, "treatment_date": self.treatment_date,
               "code": builder_fingerprint()}
        if self.tiers != (TIER_QUANTILE, TIER_HORIZON_DAYS):  # (default tiers: the key of earlier caches)
            key["tiers"] = self.tiers
        blob = json.dumps(key, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:24]

    def _load_or_build(self, group) -> dict[str, pd.DataFrame]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        from analysis.core.text import declared_categories, use_categories

        folder = self.cache_dir / self.key() if self.cache_dir else None
        if folder is not None and all((folder / f"{n}.parquet").is_file() for n in group):
            try:
                os.utime(folder)  # most recently used: kept by the cache pruning
                frames = {n: pd.read_parquet(folder / f"{n}.parquet") for n in group}
                meta = pq.read_schema(folder / f"{group[0]}.parquet").metadata or {}
                use_categories(json.loads(meta[_CATEGORIES_KEY]))  # as the build declared them
                return frames
            except (OSError, KeyError, ValueError):  # removed meanwhile by another run's pruning: build instead
                pass
        frames = build_panels(self.data_dir, *self.args, panels=group, treatment_date=self.treatment_date,
                              tier_quantile=self.tiers[0], tier_horizon_days=self.tiers[1])
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            cats = json.dumps(declared_categories(), ensure_ascii=False).encode("utf-8")
            for n, df in frames.items():
                tmp = folder / f".{n}.parquet.tmp-{os.getpid()}"
                table = pa.Table.from_pandas(df, preserve_index=False)  # as DataFrame.to_parquet(index=False)
                table = table.replace_schema_metadata({**(table.schema.metadata or {}), _CATEGORIES_KEY: cats})
                pq.write_table(table, tmp)
                os.replace(tmp, folder / f"{n}.parquet")  # atomic: a reader never sees half a file
        return frames
