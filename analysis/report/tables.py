"""Display tables of the pages: every table a chapter shows, escaped for HTML.

Each table is made from the object that defines it (estimates, the data
contract, the synthetic world, the parameter spec, figure metadata), never
retyped.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.report.words import p_text
from analysis.results import not_estimated_reason
from analysis.results.verdict import missing as _nan


def package_versions_table(versions: dict) -> pd.DataFrame:
    """A table of package versions (from :func:`analysis.core.hashing.package_versions`)."""
    return pd.DataFrame(list(versions.items()), columns=["Package", "Version"])


#: Header of the column that shows estimate ids in every display table (each cell an anchor).
ID_COLUMN = "Estimate id"


def anchored_ids(ids: Iterable[str], links: Mapping[str, str] | None = None) -> list[str]:
    """Estimate ids as HTML with an anchor: ``<span id="ID">ID</span>``, escaped.

    The anchor is the id itself (ids are dotted slugs, e.g.
    ``category.writing.contracts.low_value``), so a report links to
    ``03_categories.html#category.writing.contracts.low_value``. An id repeated in
    the same table gets its anchor on its first row only (HTML ids are unique);
    empty cells stay empty. An id in ``links`` (id to address, see
    :func:`estimate_links`) is also a link there: ``<a id="ID" href="...">``,
    on each of its rows.

    Examples
    --------
    >>> anchored_ids(["platform.job_posts", "platform.job_posts", ""])
    ['<span class="estimate-id" id="platform.job_posts">platform.job_posts</span>', 'platform.job_posts', '']
    >>> anchored_ids(["a.b"], {"a.b": "02_platform.html#a.b"})
    ['<a class="estimate-id" id="a.b" href="02_platform.html#a.b">a.b</a>']
    """
    import html

    seen, out = set(), []
    links = links or {}
    for i in ids:
        i = "" if i is None or (isinstance(i, float) and math.isnan(i)) else str(i)
        text = html.escape(i, quote=False)
        anchor = f' id="{html.escape(i, quote=True)}"' if i and i not in seen else ""
        seen.add(i)
        if i in links:
            out.append(f'<a class="estimate-id"{anchor} href="{html.escape(links[i], quote=True)}">{text}</a>')
        elif anchor:
            out.append(f'<span class="estimate-id"{anchor}>{text}</span>')
        else:
            out.append(text)
    return out


def estimate_links(shown: Iterable[str], targets: Iterable[str], results: pd.DataFrame,
                   here: str = "") -> dict[str, str]:
    """Where each shown estimate id links: the anchor of its estimate on the page that reports it.

    Parameters
    ----------
    shown : iterable of str
        Ids as the table shows them (the summary's ``<id>.first_year`` ids).
    targets : iterable of str
        For each shown id, the id of the estimate to link to, as a chapter
        names it (the same id, or the estimate on every post month a claim
        window's estimate is computed like).
    results : DataFrame
        A results table with its ``chapter`` column (see
        :mod:`analysis.results.store`): the page of each id.
    here : str
        This page's name: its own ids are not linked.

    Returns
    -------
    dict
        Shown id to ``<chapter>.html#<target>``, for targets reported on
        another page; an id whose estimate only this page makes, or whose
        chapter is not recorded (an interactive run), is left out (it stays
        a plain anchor).

    Examples
    --------
    >>> res = pd.DataFrame({"id": ["platform.job_posts", "productivity.expert_share"],
    ...                     "chapter": ["02_platform", ""]})
    >>> estimate_links(["platform.job_posts.first_year", "productivity.expert_share.first_year"],
    ...                ["platform.job_posts", "productivity.expert_share"], res, here="00_summary")
    {'platform.job_posts.first_year': '02_platform.html#platform.job_posts'}
    """
    page = dict(zip(results["id"], results["chapter"])) if "chapter" in results.columns else {}
    out = {}
    for s, t in zip(shown, targets):
        chapter = page.get(t, "")
        if chapter and chapter != here:
            out[str(s)] = f"{chapter}.html#{t}"
    return out


def styled(df: pd.DataFrame, links: Mapping[str, str] | None = None):
    """``df.style`` with every text cell and index label HTML-escaped.

    Category names come from the user's extract and may contain markup
    (``<script>``); pandas' Styler does not escape by default, so every
    display table of the book goes through this function.

    Examples
    --------
    >>> styled(pd.DataFrame({"c": ["<b>"]})).to_html().count("&lt;b&gt;")
    1

    A column named :data:`ID_COLUMN` gets an anchor per estimate id
    (:func:`anchored_ids`), so a report can link to ``page.html#<id>``; the ids in
    ``links`` also link to the page that reports them (:func:`estimate_links`).

    A missing number (NaN: a statistic that does not apply to the row) is an
    empty cell, never "nan"; the other numbers keep their type, so a later
    ``.format(precision=...)`` still formats them.

    >>> "nan" in styled(pd.DataFrame({"x": [1.5, float("nan")]})).format(precision=2).to_html()
    False
    """
    import html

    def esc(v):
        if isinstance(v, float) and math.isnan(v):
            return ""
        return html.escape(v, quote=False) if isinstance(v, str) else v

    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(esc)
        elif pd.api.types.is_float_dtype(out[col]) and out[col].isna().any():
            out[col] = out[col].astype(object).where(out[col].notna(), "")
    if ID_COLUMN in out.columns:
        out[ID_COLUMN] = anchored_ids(df[ID_COLUMN], links)
    out.index = out.index.map(esc)
    out.columns = out.columns.map(esc)
    return out.style


def display_estimates(estimates: Iterable, labels: dict | None = None, digits: int = 1,
                      inference: bool = False):
    """A display table of estimates (a pandas ``Styler`` without index).

    Columns: estimate id, comparison (``labels[id]`` or the scope), effect,
    95% interval, p-value, n and, with ``inference=True``, the inference
    method (otherwise state it once in the text). An estimate that could not
    be estimated (:func:`analysis.results.not_estimated`) shows "not
    estimated" as its effect and empty interval and p-value; its reason is in
    the inference column and in the page's sentence (:func:`analysis.report.words.phrase`).
    """
    rows = []
    estimates = list(estimates)
    # Effects in percentage points (outcome ``<name>_pp``: shares, linear probability models) get a unit
    # column; a table of percent changes only keeps the unit in its headers.
    mixed = any(str(e.outcome).endswith("_pp") for e in estimates)
    for e in estimates:
        ci = ("" if any(math.isnan(v) for v in (e.ci_low_pct, e.ci_high_pct))
              else f"[{e.ci_low_pct:.{digits}f}, {e.ci_high_pct:.{digits}f}]")
        row = {
            ID_COLUMN: e.id,
            "Comparison": (labels or {}).get(e.id, e.scope),
            "Effect" if mixed else "Effect (%)": "not estimated" if not_estimated_reason(e) is not None
            else f"{e.estimate_pct:.{digits}f}",
            "95% interval" if mixed else "95% interval (%)": ci,
        }
        if mixed:
            row["Unit"] = "pp" if str(e.outcome).endswith("_pp") else "%"
        row.update({"p-value": p_text(e.p_value), "n": f"{e.n_obs:,}"})
        if inference:
            row["Inference"] = e.inference
        rows.append(row)
    return styled(pd.DataFrame(rows)).hide(axis="index")


def display_frame(df: pd.DataFrame, formats: dict | None = None, index: bool = True):
    """A ``Styler`` of a descriptive frame with the given column formats."""
    st = styled(df).format(formats or {}, na_rep="")
    return st if index else st.hide(axis="index")


def pretrend_table(studies: dict):
    """Display table of the pre-trend tests, one row per category."""
    rows = [{"Category": c, "Pre-release months tested": int(((es.table["rel_month"] < 0)
                                                               & (es.table["rel_month"] != es.ref)).sum()),
             "Joint p-value": p_text(es.pretrend_p)} for c, es in studies.items()]
    return styled(pd.DataFrame(rows)).hide(axis="index")


def ai_table(summary: pd.DataFrame):
    """Display table of :func:`ai_share_summary`."""
    df = summary.drop(columns=["ai_posts_change_pct"]).rename(columns={"share_before_pct": "AI share before (%)", "share_after_pct": "AI share after (%)",
                                 "change_pp": "Change (pp)", "ai_posts_change_pct": "AI posts (% change)",
                                 "other_posts_change_pct": "Other posts (% change)"})
    df.index.name = "Category"
    return styled(df).format("{:.1f}", na_rep="")


def _num(v, digits: int = 1) -> str:
    """A number with ``digits`` decimals, or ``""`` when missing."""
    return "" if _nan(v) else f"{v:.{digits}f}"


def display_check(check: pd.DataFrame, digits: int = 1) -> pd.DataFrame:
    """The claim-check table formatted for a page (strings, readable headers)."""
    def f(v, d=digits):
        return _num(v, d)

    return pd.DataFrame({
        "Claim": check["claim"].str.upper(),
        "Category": check["role"],
        ID_COLUMN: check["estimate_id"],
        "Claimed sign": check["expected"],
        "Estimate": [f(v) for v in check["estimate_pct"]],
        "95% interval": ["" if _nan(lo) else f"{f(lo)} to {f(hi)}"
                         for lo, hi in zip(check["ci_low_pct"], check["ci_high_pct"])],
        "Unit": check["unit"],
        "p": [f(v, 3) for v in check["p_value"]],
        "Inference": check["inference"],
        "Verdict": check["verdict"],
    })


def display_honest_check(check: pd.DataFrame, digits: int = 1) -> pd.DataFrame:
    """The honest claim check (:func:`analysis.claims.honest_check`) formatted for a page.

    One row per (claim, estimate): the book's estimate and interval, the
    interval the verdict uses, Holm's adjusted p-value within the claim, the
    linear pre-trend (per month, with its p-value), the interval allowing any
    linear pre-trend, the relative-magnitude interval at ``Mbar = 1`` and the
    breakdown ``Mbar`` (reported, not tested:
    :func:`analysis.estimation.relmag.rm_summary`; a breakdown at the search's
    upper end is shown as "at least"), the verdict and the reason for it.
    Intervals sit in one column each so the table stays narrow.
    """
    from analysis.estimation.relmag import BREAKDOWN_UPPER

    def f(v, d=digits):
        return _num(v, d)

    def ci(lo, hi):
        return "" if _nan(lo) else f"{f(lo)} to {f(hi)}"

    return pd.DataFrame({
        "Claim": check["claim"].str.upper(),
        "Category": check["role"],
        ID_COLUMN: check["result_id"] if "result_id" in check else check["estimate_id"],
        "Sign": check["expected"],
        "Unit": check["unit"],
        "Estimate": [f(v) for v in check["estimate_pct"]],
        "Book interval": [ci(lo, hi) for lo, hi in zip(check["ci_low_pct"], check["ci_high_pct"])],
        "Verdict interval": [ci(lo, hi) for lo, hi in zip(check["honest_low_pct"], check["honest_high_pct"])],
        "Holm p": [f(v, 3) for v in check["holm_p"]],
        "Pre-trend per month (p)": ["" if _nan(s) else f"{s:+.2f} ({p:.2f})"
                                    for s, p in zip(check["pretrend_slope_pct"], check["pretrend_p"])],
        "Interval with a linear pre-trend": [ci(lo, hi) for lo, hi in zip(check["trend_low_pct"],
                                                                          check["trend_high_pct"])],
        "Interval, relative magnitudes (M̄ = 1)": [ci(lo, hi) for lo, hi in zip(check["rm_low_pct"],
                                                                                 check["rm_high_pct"])],
        "Breakdown M̄": ["" if _nan(v) else (f"at least {v:g}" if v >= BREAKDOWN_UPPER else f"{v:.2f}")
                        for v in check["rm_breakdown"]],
        "Verdict": check["verdict"],
        "Why": check["reason"],
    })


#: The claim window of the Monte Carlo's tables: the book's default ``claim_window``.
WORLD_WINDOW = "first_year"


def world_window(frame: pd.DataFrame, window: str | None = None) -> pd.DataFrame:
    """The rows of a worlds table (``benchmarks/worlds.py``) on one window, with a ``window`` column.

    Parameters
    ----------
    frame : DataFrame
        ``worlds_claims.csv``, ``worlds_estimates.csv`` or
        ``worlds_influence.csv``; rows without a ``window`` column were
        measured on every post month (``"all"``).
    window : str, optional
        ``None`` (default): each world's claim window, the one the summary's
        verdicts use - its :data:`WORLD_WINDOW` rows where the world has
        them, else its ``"all"`` rows (a world whose claim window holds every
        post month, such as ``mid-month``, or draws made before the benchmark
        measured the window). ``"all"``: every post month.

    Returns
    -------
    DataFrame
        The selected rows, in the frame's order.

    Examples
    --------
    >>> f = pd.DataFrame({"world": ["a", "a", "b"], "window": ["first_year", "all", "all"], "x": [1, 2, 3]})
    >>> world_window(f)["x"].tolist(), world_window(f, "all")["x"].tolist()
    ([1, 3], [2, 3])
    """
    if "window" not in frame.columns:
        frame = frame.assign(window="all")
    if window is not None:
        return frame[frame["window"] == window]
    has = set(frame.loc[frame["window"] == WORLD_WINDOW, "world"])
    want = np.where(frame["world"].isin(has), WORLD_WINDOW, "all")
    return frame[frame["window"].to_numpy() == want]


def world_claim_table(claims: pd.DataFrame, window: str | None = None) -> pd.DataFrame:
    """Per world and claim, how often each rule gives a false or a non-inconclusive verdict.

    Parameters
    ----------
    claims : DataFrame
        ``worlds_claims.csv`` of ``benchmarks/worlds.py``: per world, check
        (``"interval rule"``: the book's former rule, interval only;
        ``"book"``: :func:`analysis.claims.honest_check`) and claim, the share of
        draws giving each claim verdict, ``any_false`` and ``correct``.

    Returns
    -------
    DataFrame
        World, claim, the truth's verdict, the number of draws, and for each
        rule the share of draws with a false estimate verdict; for the book's
        rule also the share of draws where the claim is (partly) supported and
        where it is anything but inconclusive, and the share equal to the
        truth's verdict. ``window`` names the post months (the claim
        window by default: :func:`world_window`).
    window : str, optional
        As in :func:`world_window`.
    """
    claims = world_window(claims, window)
    order = list(dict.fromkeys(claims["world"]))
    old = claims[claims["check"] == "interval rule"].set_index(["world", "claim"])
    new = claims[claims["check"] == "book"].set_index(["world", "claim"])
    rows = []
    for (world, claim), r in new.iterrows():
        o = old.loc[(world, claim)] if (world, claim) in old.index else None
        rows.append({
            "world": world, "window": r["window"], "claim": claim.upper(), "truth": r["truth_verdict"],
            "draws": int(r["n"]),
            "false, former rule": math.nan if o is None else float(o["any_false"]),
            "false, book": float(r["any_false"]),
            "supported or partly, book": float(r["supported"] + r["partly supported"]),
            "not inconclusive, book": float(1 - r["inconclusive"] - r["not tested"]),
            "equal to truth, book": float(r["correct"]),
        })
    out = pd.DataFrame(rows)
    out["_w"] = out["world"].map({w: k for k, w in enumerate(order)})
    return out.sort_values(["_w", "claim"]).drop(columns="_w").reset_index(drop=True)


def world_coverage_table(estimates: pd.DataFrame, window: str | None = None) -> pd.DataFrame:
    """Per world, coverage of the 95% intervals: the book's against the ones the claim check uses.

    Parameters
    ----------
    estimates : DataFrame
        ``worlds_estimates.csv`` of ``benchmarks/worlds.py`` (per world,
        method and id: ``coverage``, ``reject_ci``, ``pretrend_flag``, ...).

    Returns
    -------
    DataFrame
        World; mean and lowest coverage over the one-category estimates
        (``category.*``, AI share excepted: its truth is a drift) for the
        book's intervals (randomization / Conley-Taber) and the check's
        (Ferman-Pinto) and the interval allowing any linear differential trend
        (Rambachan-Roth, ``M = 0``); coverage of platform job posts and earnings per
        contract with iid and AR(1) errors; the largest share of draws in
        which the linear pre-trend test flags a category estimate; ``window``
        as in :func:`world_window`.
    window : str, optional
        As in :func:`world_window` (default: each world's claim window).
    """
    estimates = world_window(estimates, window)
    order = list(dict.fromkeys(estimates["world"]))
    cat = estimates[estimates["id"].str.startswith("category.") & ~estimates["id"].str.endswith("ai_share")]
    rows = []
    for w in order:
        r = {"world": w, "window": estimates.loc[estimates["world"] == w, "window"].iloc[0]}
        for method, name in (("book", "book"), ("honest", "check"), ("trend-robust", "with a linear trend")):
            c = cat[(cat["world"] == w) & (cat["method"] == method)]["coverage"]
            r[f"category ids, {name}: mean"] = float(c.mean()) if len(c) else math.nan
            r[f"category ids, {name}: lowest"] = float(c.min()) if len(c) else math.nan
        for pid, short in (("platform.job_posts", "platform posts"),
                           ("platform.earnings_per_contract", "platform earnings/contract")):
            for method, name in (("book", "iid"), ("honest", "AR(1)")):
                c = estimates[(estimates["world"] == w) & (estimates["id"] == pid) & (estimates["method"] == method)]
                r[f"{short}, {name}"] = float(c["coverage"].iloc[0]) if len(c) else math.nan
        if "pretrend_flag" in estimates.columns:
            f = estimates[(estimates["world"] == w) & (estimates["method"] == "honest")]["pretrend_flag"]
            r["pre-trend flagged, most"] = float(f.max()) if f.notna().any() else math.nan
        rows.append(r)
    return pd.DataFrame(rows)


def exact_lowest_coverage(n_draws: int, n_cells: int, level: float = 0.95, q: float = 0.5) -> float:
    """The ``q`` quantile of the lowest of ``n_cells`` coverages, each measured on ``n_draws`` draws,
    of intervals that cover exactly ``level`` of the time (independent cells).

    The Monte Carlo's "lowest coverage" is the minimum of several shares of a
    few dozen draws: low by chance alone. The number of misses of a cell is
    Binomial(``n_draws``, ``1 - level``), so the lowest coverage is at most
    ``c`` with probability ``1 - P(cell > c)**n_cells``; this returns the
    smallest attainable ``c`` (a multiple of ``1/n_draws``) at which that
    probability reaches ``q``.

    Examples
    --------
    >>> round(exact_lowest_coverage(34, 14), 3), round(exact_lowest_coverage(10, 14), 2)
    (0.882, 0.8)
    """
    from scipy import stats

    for misses in range(n_draws, -1, -1):  # coverage 1 - misses/n_draws, from the lowest up
        # P(lowest <= this coverage) = 1 - P(every cell has fewer misses)
        if 1 - stats.binom.cdf(misses - 1, n_draws, 1 - level) ** n_cells >= q:
            return 1 - misses / n_draws
    return 1.0  # pragma: no cover - misses = 0 always qualifies


def world_category_coverage(by_category: pd.DataFrame) -> pd.DataFrame:
    """Coverage with every category treated in turn (``worlds_by_category.csv`` of ``benchmarks/worlds.py``).

    Parameters
    ----------
    by_category : DataFrame
        One row per draw, category, estimate and method (``honest``: the
        check's Ferman-Pinto interval; ``book``: Conley-Taber), with
        ``covered`` and ``size_rank``.

    Returns
    -------
    DataFrame
        Per world and category (smallest first): the median size rank, the
        draws, and the share of intervals covering the truth (zero) pooled
        over the four estimates, for the book's and the check's intervals,
        with the check's lowest over the four estimates.
    """
    rows = []
    for (world, cat), g in by_category.groupby(["world", "category"], sort=False):
        fp, ct = g[g["method"] == "honest"], g[g["method"] == "book"]
        rows.append({"world": world, "category": cat, "size rank": int(g["size_rank"].median()),
                     "draws": int(g["seed"].nunique()),
                     "book (Conley-Taber)": float(ct["covered"].mean()),
                     "check (Ferman-Pinto)": float(fp["covered"].mean()),
                     "check, lowest estimate": float(fp.groupby("id")["covered"].mean().min())})
    out = pd.DataFrame(rows)
    order = {w: k for k, w in enumerate(dict.fromkeys(by_category["world"]))}
    return (out.assign(_w=out["world"].map(order)).sort_values(["_w", "size rank"]).drop(columns="_w")
            .reset_index(drop=True))


#: The targets of the claim check's Monte Carlo (issue "honest verdicts"): what is
#: measured, in which worlds, on which claim or estimate, and the limit.
WORLD_TARGETS = (
    ("no effect: a claim whose truth is inconclusive gets another verdict", ("no-effect", "ar1-sizes"),
     "not inconclusive", None, "<=", 0.05),
    ("no effect: some estimate of a claim gets a false verdict", ("no-effect", "ar1-sizes"), "false", None, "<=",
     0.05),
    ("no effect: coverage of the check's category intervals, lowest", ("no-effect", "ar1-sizes"), "coverage",
     None, "in", (0.92, 0.97)),
    ("pre-trend in the new-AI-work category: its job posts estimate gets a false verdict", ("pretrend",),
     "false_id", "category.data-science-analytics.job_posts", "<=", 0.10),
    ("pre-trend in a low tier: claim 4 gets a false estimate verdict", ("low-tier-pretrend",), "false", "c4", "<=",
     0.10),
    ("pre-trend in the new-AI-work category: the linear pre-trend test flags it", ("pretrend",), "flag",
     "category.data-science-analytics.job_posts", ">=", 0.80),
    ("pre-trend in a low tier: the linear pre-trend test flags it", ("low-tier-pretrend",), "flag",
     "category.writing.contracts.low_value", ">=", 0.80),
    ("one huge contract: claim 2 supported", ("huge-contract",), "supported", "c2", "<=", 0.05),
)
#: The target on every category treated in turn (``by_category`` of :func:`world_targets`).
CATEGORY_TARGET = ("no effect: coverage of the check's category intervals, every category treated in turn "
                   "(each category's four estimates pooled)", ("no-effect", "ar1-sizes"),
                   "coverage_by_category", None, "in", (0.92, 0.97))


def world_targets(claims: pd.DataFrame, estimates: pd.DataFrame,
                  by_category: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each target of :data:`WORLD_TARGETS`, measured in the Monte Carlo, met or missed.

    Parameters
    ----------
    claims, estimates : DataFrame
        ``worlds_claims.csv`` and ``worlds_estimates.csv`` of
        ``benchmarks/worlds.py``.
    by_category : DataFrame, optional
        ``worlds_by_category.csv``: adds the target "every category treated
        in turn" (:data:`CATEGORY_TARGET`), measured on each category's
        coverage pooled over its four estimates and the no-effect worlds.

    Returns
    -------
    DataFrame
        ``target``, ``worlds``, ``measured`` (the worst value over the worlds
        and claims the target covers; for a band, the lowest), ``highest``
        (for a band: the highest; else NaN), ``limit`` (text) and ``met``
        (bool; a target with no draws is not met). Without ``by_category``
        the target of :data:`CATEGORY_TARGET` is left out. Each world is measured on its
        claim window (:func:`world_window`), as the summary's verdicts are.
    """
    claims, estimates = world_window(claims), world_window(estimates)
    book = claims[claims["check"] == "book"]
    rows = []
    for text, worlds, what, which, op, limit in WORLD_TARGETS + (CATEGORY_TARGET,):
        c = book[book["world"].isin(worlds)]
        e = estimates[estimates["world"].isin(worlds) & (estimates["method"] == "honest")]
        if what == "not inconclusive":
            c = c[c["truth_verdict"] == "inconclusive"]
            vals = 1 - c["inconclusive"] - c["not tested"]
        elif what == "false":
            vals = (c[c["claim"] == which] if which else c)["any_false"]
        elif what == "supported":
            vals = c[c["claim"] == which]["supported"]
        elif what == "coverage":
            vals = e[e["id"].str.startswith("category.") & ~e["id"].str.endswith("ai_share")]["coverage"]
        elif what == "coverage_by_category":
            if by_category is None:
                continue
            b = by_category[by_category["world"].isin(worlds) & (by_category["method"] == "honest")]
            vals = b.groupby("category")["covered"].mean()
        elif what == "false_id":
            vals = e[e["id"] == which]["false_verdict"]
        elif what == "flag":
            vals = e[e["id"] == which]["pretrend_flag"] if "pretrend_flag" in e.columns else pd.Series(dtype=float)
        else:  # pragma: no cover - guarded by the table
            raise ValueError(what)
        vals = vals.dropna()
        if op == "in":
            measured = float(vals.min()) if len(vals) else math.nan
            hi = float(vals.max()) if len(vals) else math.nan
            met = bool(len(vals)) and limit[0] <= measured and hi <= limit[1]
            lim = f"{limit[0]:.2f} to {limit[1]:.2f}"
        else:
            hi = math.nan
            measured = float((vals.max() if op == "<=" else vals.min())) if len(vals) else math.nan
            met = bool(len(vals)) and (measured <= limit if op == "<=" else measured >= limit)
            lim = f"{'at most' if op == '<=' else 'at least'} {limit:.2f}"
        rows.append(dict(target=text, worlds=", ".join(worlds), measured=measured, highest=hi, limit=lim, met=met))
    return pd.DataFrame(rows)


#: Reader-facing names of the contract's DuckDB types.
TYPE_NAMES = {"VARCHAR": "string", "DATE": "date (ISO YYYY-MM-DD)", "BOOLEAN": "boolean", "DOUBLE": "float"}


def contract_table(contract: dict, table: str) -> pd.DataFrame:
    """One table of the data contract as rows of column, type and rule.

    Parameters
    ----------
    contract : dict
        ``analysis.data.contract.CONTRACT``.
    table : str
        ``"job_posts"`` or ``"contracts"``.

    Returns
    -------
    DataFrame
        Columns ``Column``, ``Type``, ``Stored as (DuckDB)``, ``Rule``.
    """
    rows = [{"Column": c, "Type": TYPE_NAMES.get(t, t.lower()), "Stored as (DuckDB)": t,
             "Rule": rule.replace("`", "")} for c, (t, rule) in contract[table].items()]
    return pd.DataFrame(rows)


def world_tables(world: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every true parameter of a synthetic world, as two tables.

    Parameters
    ----------
    world : dict
        ``analysis.data.simulate.world_to_dict(World())`` (or ``truth.json["world"]``).

    Returns
    -------
    scalars : DataFrame
        ``Parameter``, ``Value``: world-level parameters, one row each
        (platform effects, level shares and offsets and the seasonal profile
        expanded to one row per entry).
    categories : DataFrame
        One row per category, one column per category parameter.
    """
    rows = []
    for k, v in world.items():
        if k == "categories":
            continue
        if isinstance(v, dict):
            for kk, vv in v.items():
                rows.append((f"{k}.{kk}", vv))
        elif isinstance(v, list):
            months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            for j, vv in enumerate(v):
                rows.append((f"{k}.{months[j] if len(v) == 12 else j}", vv))
        else:
            rows.append((k, v))
    scalars = pd.DataFrame(rows, columns=["Parameter", "Value"])
    scalars["Value"] = scalars["Value"].map(str)
    cats = pd.DataFrame(world["categories"])
    first = ["name"] + [c for c in cats.columns if c != "name"]
    return scalars, cats[first]


def wooldridge_display(wool: pd.DataFrame) -> pd.DataFrame:
    """:func:`wooldridge_replications` as text, published values at their printed precision."""
    from analysis.estimation.checks import WOOLDRIDGE_PUBLISHED  # statsmodels: only the methods page pays for it

    dec = {spec["example"]: spec["decimals"] for spec in WOOLDRIDGE_PUBLISHED}
    rows = []
    for r in wool.itertuples(index=False):
        d = dec[r.example]
        rows.append({"Example": r.example, "Question": r.title, "Data": r.dataset, "Term": r.term,
                     "Published estimate (s.e.)": f"{r.published_coef:,.{d}f} ({r.published_se:,.{d}f})",
                     "Computed estimate (s.e.)": f"{r.computed_coef:,.{d + 3}f} ({r.computed_se:,.{d + 3}f})",
                     "Published n": f"{r.published_n:,}", "Computed n": f"{r.computed_n:,}",
                     "Agree": "yes" if r.matches else "no"})
    return pd.DataFrame(rows)


def parameter_table(params=None) -> pd.DataFrame:
    """Every run parameter with its type, default and meaning, from the spec :data:`analysis.core.params.PARAMS`."""
    from analysis.core.params import PARAMS

    return pd.DataFrame([{"Parameter": p.name, "Type": p.kind, "Default": json.dumps(p.default, ensure_ascii=False),
                          "Meaning": p.doc} for p in (params or PARAMS)])


def extract_files(data_dir: str | Path) -> pd.DataFrame:
    """The extract's table files with size and SHA-256."""
    from analysis.core.hashing import file_sha256
    from analysis.data.contract import find_table_files

    files, _ = find_table_files(Path(data_dir))
    return pd.DataFrame([{"File": p.name, "Bytes": p.stat().st_size, "SHA-256": file_sha256(p)}
                         for _, p in sorted(files.items())])


def figure_index(figures_dir: str | Path) -> pd.DataFrame:
    """Every figure of a run, from the ``<fig_id>.json`` files of ``save_figure``.

    Returns
    -------
    DataFrame
        ``id``, ``caption``, ``files`` (formats present), ``data_file``,
        ``data_sha256``, ``how_to_cite``; sorted by id; empty (same columns)
        when the folder has no figure.
    """
    cols = ["id", "caption", "files", "data_file", "data_sha256", "how_to_cite"]
    folder = Path(figures_dir)
    rows = []
    for meta_path in sorted(folder.glob("fig-*.json")) if folder.is_dir() else []:
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        fid = meta.get("id", meta_path.stem)
        fmts = sorted(p.suffix.lstrip(".") for p in folder.glob(f"{fid}.*") if p.suffix not in (".json",))
        rows.append(dict(id=fid, caption=meta.get("caption", ""), files=", ".join(fmts),
                         data_file=meta.get("data_file", ""), data_sha256=meta.get("data_sha256", ""),
                         how_to_cite=meta.get("how_to_cite", "")))
    return pd.DataFrame(rows, columns=cols)


def claim_verdict_table(verdicts: pd.DataFrame) -> pd.DataFrame:
    """The claim verdicts formatted for a page: one row per claim, readable headers.

    Parameters
    ----------
    verdicts : DataFrame
        Output of :func:`analysis.claims.claim_verdicts`.

    Examples
    --------
    >>> v = pd.DataFrame({"claim": ["c1"], "claim_text": ["Posts rose."], "test": ["Projection."],
    ...                   "n_estimates": [1], "verdict": ["supported"]})
    >>> claim_verdict_table(v).columns.tolist()
    ['Claim', 'Claim of the study', 'How this book tests it', 'Estimates', 'Verdict']
    >>> claim_verdict_table(v)["Claim"].tolist()
    ['C1']
    """
    return pd.DataFrame({
        "Claim": verdicts["claim"].str.upper(),
        "Claim of the study": verdicts["claim_text"],
        "How this book tests it": verdicts["test"],
        "Estimates": verdicts["n_estimates"],
        "Verdict": verdicts["verdict"],
    })


def window_verdict_table(verdicts: pd.DataFrame, verdicts_all: pd.DataFrame, label: str,
                         label_all: str) -> pd.DataFrame:
    """The verdict of each claim on the claim window beside its verdict on every post month.

    Parameters
    ----------
    verdicts, verdicts_all : DataFrame
        :func:`analysis.claims.claim_verdicts` of the two checks (same claims, same order);
        ``verdict`` already in the page's words.
    label, label_all : str
        Column headers naming the two sets of post months.

    Examples
    --------
    >>> v = pd.DataFrame({"claim": ["c1"], "verdict": ["supported"]})
    >>> window_verdict_table(v, v.assign(verdict="inconclusive"), "A", "B").values.tolist()
    [['C1', 'supported', 'inconclusive', 'yes']]
    """
    both = verdicts[["claim", "verdict"]].merge(verdicts_all[["claim", "verdict"]], on="claim",
                                               suffixes=("", "_all"), validate="one_to_one")
    return pd.DataFrame({
        "Claim": both["claim"].str.upper(),
        label: both["verdict"],
        label_all: both["verdict_all"],
        "Differs": ["yes" if a != b else "" for a, b in zip(both["verdict"], both["verdict_all"])],
    })


def run_parameter_table(params: dict, is_synthetic: bool) -> pd.DataFrame:
    """The parameters of a run as used, each marked whether it is the default (``output_dir`` left out).

    ``data_dir`` is shown by its folder name only (no machine path), or as the
    bundled synthetic extract, which is its default.

    Parameters
    ----------
    params : dict
        The run's parameters (``analysis.page.Page.params``).
    is_synthetic : bool
        Whether ``data_dir`` is the bundled synthetic extract.

    Returns
    -------
    DataFrame
        Columns ``Parameter``, ``Value`` (JSON), ``Default`` (``"yes"``/``"no"``).

    Examples
    --------
    >>> t = run_parameter_table({"data_dir": "/x/my_extract", "seed": 20240501, "output_dir": "/o"}, False)
    >>> t.values.tolist()
    [['data_dir', '"my_extract"', 'no'], ['seed', '20240501', 'yes']]
    """
    from analysis.core.params import DEFAULT_PARAMS

    rows = []
    for k, v in params.items():
        if k == "output_dir":
            continue
        if k == "data_dir":
            shown, default = ("(bundled synthetic extract)" if is_synthetic else Path(v).name), is_synthetic
        else:
            shown, default = v, k in DEFAULT_PARAMS and v == DEFAULT_PARAMS[k]
        rows.append({"Parameter": k, "Value": json.dumps(shown, ensure_ascii=False),
                     "Default": "yes" if default else "no"})
    return pd.DataFrame(rows, columns=["Parameter", "Value", "Default"])
