"""Property tests of the data-contract validator and the panel builder (hypothesis).

Examples are few and small (each validation or panel build opens DuckDB), so
the module runs in well under a minute.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.data.contract import validate
from analysis.data.panels import build_panels, build_panels_pandas

SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    derandomize=True)
CATEGORY_NAMES = st.sampled_from(["Writing", "Legal", "Data Science & Analytics", "<b>Bold</b>",
                                  "O'Brien \"Co\"", "Ünïcode"])
DAY0 = dt.date(2022, 1, 1)


@st.composite
def extracts(draw, max_posts: int = 12):
    """A valid extract: posts, and at most one contract per post, started on or after it."""
    n = draw(st.integers(1, max_posts))
    posts = pd.DataFrame({
        "job_id": [f"J{i}" for i in range(n)],
        "posted_on": [DAY0 + dt.timedelta(days=draw(st.integers(0, 400))) for _ in range(n)],
        "category": [draw(CATEGORY_NAMES) for _ in range(n)],
        "contract_type": [draw(st.sampled_from(["hourly", "fixed"])) for _ in range(n)],
        "experience_level": [draw(st.sampled_from(["entry", "intermediate", "expert"])) for _ in range(n)],
        "ai_related": [draw(st.booleans()) for _ in range(n)],
    })
    if draw(st.booleans()):  # the optional ex-ante budget (value tiers by budget)
        posts["budget_usd"] = [draw(st.floats(0.01, 5000)) for _ in range(n)]
    with_end = draw(st.booleans())  # the optional contracts.ended_on (earnings censored at the horizon)
    has = [draw(st.booleans()) for _ in range(n)]
    has[0] = True  # at least one contract: an empty table is a violation
    rows = []
    for i in np.flatnonzero(has):
        hourly = posts.contract_type[i] == "hourly"
        rows.append({
            "contract_id": f"C{len(rows)}",
            "job_id": posts.job_id[i],
            "freelancer_id": f"F{draw(st.integers(0, 4))}",
            "started_on": posts.posted_on[i] + dt.timedelta(days=draw(st.integers(0, 30))),
            "earnings_usd": draw(st.floats(0, 5000, allow_nan=False)),
            "hours": draw(st.floats(0.5, 80)) if hourly else None,
            "feedback": draw(st.one_of(st.none(), st.floats(1, 5))),
        })
        if with_end:
            rows[-1]["ended_on"] = draw(st.one_of(st.none(), st.integers(0, 200).map(
                lambda k, s=rows[-1]["started_on"]: s + dt.timedelta(days=k))))
    contracts = pd.DataFrame(rows)
    contracts["hours"] = contracts["hours"].astype("float64")
    contracts["feedback"] = contracts["feedback"].astype("float64")
    return posts, contracts


def _write(folder: Path, posts: pd.DataFrame, contracts: pd.DataFrame) -> Path:
    p = posts.assign(posted_on=pd.to_datetime(posts.posted_on))
    c = contracts.assign(started_on=pd.to_datetime(contracts.started_on))
    if "ended_on" in c:
        c["ended_on"] = pd.to_datetime(c.ended_on)
    p.to_parquet(folder / "job_posts.parquet", index=False)
    c.to_parquet(folder / "contracts.parquet", index=False)
    return folder


@SETTINGS
@given(extracts())
def test_any_valid_extract_passes(ex):
    posts, contracts = ex
    with tempfile.TemporaryDirectory() as d:
        summary, problems = validate(_write(Path(d), posts, contracts))
    assert problems == [], [str(p) for p in problems]
    assert summary.n_posts == len(posts) and summary.n_contracts == len(contracts)
    assert summary.categories == sorted(set(posts.category))


def _inject(kind: str, i: int, posts: pd.DataFrame, contracts: pd.DataFrame):
    """Break contract row ``i`` (0-based) in one way; return (table, column)."""
    c = contracts.copy()
    p = posts.copy()
    if kind == "negative earnings":
        c.loc[i, "earnings_usd"] = -1.0
        return p, c, "contracts", "earnings_usd"
    if kind == "infinite earnings":
        c.loc[i, "earnings_usd"] = np.inf
        return p, c, "contracts", "earnings_usd"
    if kind == "feedback out of range":
        c.loc[i, "feedback"] = 5.5
        return p, c, "contracts", "feedback"
    if kind == "unknown post":
        c.loc[i, "job_id"] = "NOPE"
        return p, c, "contracts", "job_id"
    if kind == "before its post":
        c.loc[i, "started_on"] = DAY0 - dt.timedelta(days=1)
        return p, c, "contracts", "started_on"
    if kind == "hours on fixed":
        j = p.index[p.job_id == c.job_id[i]][0]
        if p.loc[j, "contract_type"] == "hourly":
            p.loc[j, "contract_type"] = "fixed"
        else:
            c.loc[i, "hours"] = 2.0
        return p, c, "contracts", "hours"
    if kind == "null freelancer":
        c.loc[i, "freelancer_id"] = None
        return p, c, "contracts", "freelancer_id"
    raise ValueError(kind)


KINDS = ["negative earnings", "infinite earnings", "feedback out of range", "unknown post", "before its post",
         "hours on fixed", "null freelancer"]


@SETTINGS
@given(extracts(), st.sampled_from(KINDS), st.data())
def test_any_single_violation_is_reported_with_column_and_row(ex, kind, data):
    posts, contracts = ex
    i = data.draw(st.integers(0, len(contracts) - 1))
    p, c, table, column = _inject(kind, i, posts, contracts)
    with tempfile.TemporaryDirectory() as d:
        summary, problems = validate(_write(Path(d), p, c))
    assert summary is None
    assert len(problems) == 1, [str(v) for v in problems]
    v = problems[0]
    assert v.file.startswith(table) and v.column == column, str(v)
    assert v.n_rows == 1 and v.examples[0].startswith(f"row {i + 1} "), str(v)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(extracts(max_posts=30), st.sampled_from([100.0, 1000.0, 2500.0]))
def test_panels_count_every_row_and_equal_pandas_reference(ex, threshold):
    posts, contracts = ex
    start, end = "2022-01-01", "2023-03-31"
    with tempfile.TemporaryDirectory() as d:
        panels = build_panels(_write(Path(d), posts, contracts), threshold, start, end)
    ref = build_panels_pandas(posts.assign(posted_on=pd.to_datetime(posts.posted_on)),
                              contracts.assign(started_on=pd.to_datetime(contracts.started_on)),
                              threshold, start, end)
    in_window = lambda s: (pd.to_datetime(s) >= start) & (pd.to_datetime(s) <= end)  # noqa: E731
    p_in = posts[in_window(posts.posted_on)]
    c_in = contracts[in_window(contracts.started_on) & contracts.job_id.isin(p_in.job_id)]
    cm = panels["category_month"]
    assert cm["job_posts"].sum() == len(p_in)
    assert cm["contracts"].sum() == len(c_in)
    assert panels["freelancer_month"]["contracts"].sum() == len(c_in)
    assert np.isclose(cm["earnings"].sum(), c_in["earnings_usd"].sum())
    ctm = panels["category_tier_month"]
    if "budget_usd" in posts:  # tiers by the post's budget: every contract in a tier
        assert ctm["contracts"].sum() == len(c_in)
        budget = c_in.job_id.map(posts.set_index("job_id").budget_usd)
        assert ctm.loc[ctm.tier == "low", "contracts"].sum() == (budget < threshold).sum()
    else:  # quantile tiers: contracts that may still be running in the last 90 days are in no tier
        ended = pd.to_datetime(c_in["ended_on"]) if "ended_on" in c_in else pd.Series(pd.NaT, index=c_in.index)
        late = ended.isna() & (pd.to_datetime(c_in.started_on) > pd.Timestamp(end) - pd.Timedelta(days=90))
        assert ctm["contracts"].sum() <= (~late).sum()
    for name in panels:
        pd.testing.assert_frame_equal(panels[name].reset_index(drop=True), ref[name].reset_index(drop=True),
                                      check_dtype=False, rtol=1e-9)
