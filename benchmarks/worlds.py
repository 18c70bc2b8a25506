"""Monte Carlo of the claim check on the worlds of analysis.data.worlds.

Usage (from the repository root)::

    python benchmarks/worlds.py [--draws 2] [--worlds default,no-effect,...] [--posts 200000]
                                [--first-seed 1000] [--out benchmarks/results] [--no-merge]
    python benchmarks/worlds.py --by-category [--draws 40]    # every category treated in turn
    python benchmarks/worlds.py --report                      # Markdown tables of the CSVs in --out

For each world and each of ``--draws`` seeds (``first_seed, first_seed+1, ...``;
the same seeds in every world) the script draws an extract in memory
(:func:`analysis.data.worlds.draw`) and sets it up as a run of the book on it
would be (:func:`draw_design`): the run parameters with the world's treatment
date (:func:`analysis.data.worlds.run_params`), the panels built with that date
(:func:`analysis.data.panels.build_panels_pandas`, the reference builder: same
panels as the book's), and the focus, control and left-out categories of
:func:`analysis.estimation.did.run_categories`, the rule every page uses. It then
computes

* the estimates the book reports, with :func:`analysis.claims.compute_estimates`
  (the chapters' calls; method ``book`` in the tables);
* the summary page's claim check, :func:`analysis.claims.windowed_check`: the
  check on the claim window (parameter ``claim_window``, default the calendar
  year after the release) and on every post month, each with two rules: the
  **interval rule** the book used before (:func:`analysis.claims.claim_check`:
  an interval excluding zero decides), and the **book**'s rule now,
  :func:`analysis.claims.honest_check` - Ferman-Pinto and AR(1) intervals
  (method ``honest``), Holm within each claim, the linear pre-trend test and
  the interval allowing any linear differential trend (method
  ``trend-robust``), and the influence of the largest contracts on platform
  earnings per contract.

Every row has a ``window`` (``first_year``: the claim window; ``all``: every post
month; a world whose claim window holds every post month has ``all`` rows only)
and is compared with the truth of that window: :func:`analysis.data.worlds.truth`
cut at the window's end, against the book's controls.

The summary tables are made by :func:`analysis.report.tables.world_claim_table`,
:func:`analysis.report.tables.world_coverage_table` and
:func:`analysis.report.tables.world_targets`, the functions the methods chapter
uses on the committed CSVs; they report each world on its claim window
(:func:`analysis.report.tables.world_window`). Draws run round by round (every
world once per round), and the CSVs are rewritten after each round, so a run
stopped early leaves every world with the same number of draws. Rows of worlds
not drawn by a run are kept from the CSVs already in ``--out`` (unless
``--no-merge``).

Truth is :func:`analysis.data.worlds.truth`. A verdict is *false* when it says
supported or contradicted and the truth's own verdict (the sign of the true
effect against the claimed sign; inconclusive for a zero effect) differs.

Output (``--out``):

``worlds_estimates.csv``
    per world, window, method and estimate id: ``n``, ``truth``, ``mean_est``,
    ``bias``, ``rmse``, ``coverage`` of the 95% interval, ``reject_ci`` (share of
    intervals excluding zero), ``reject_p05`` (share of p < 0.05),
    ``pretrend_flag``, ``false_verdict`` (share of false verdicts, for ids the
    claim check reads).
``worlds_claims.csv``
    per world, window, check and claim: ``truth_verdict``, ``n``, the share of
    draws giving each verdict, ``correct`` (share equal to the truth's verdict)
    and ``any_false`` (share of draws where an estimate of the claim has a false
    verdict).
``worlds_influence.csv``
    per world (claim window): share of draws whose platform earnings-per-contract
    verdict changes when the largest contracts are tamed.
``worlds_raw.csv``, ``worlds_timing.csv``
    every estimate of every draw; CPU seconds per draw.
``worlds_by_category.csv`` (``--by-category``)
    every category treated in turn in the no-effect worlds
    (:func:`by_category_draw`): one row per draw, category, estimate and method.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
import warnings
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis import claims as C  # noqa: E402
from analysis import estimation as est  # noqa: E402
from analysis.estimation import honest as H  # noqa: E402
from analysis.estimation.did import CATEGORY_OUTCOMES  # noqa: E402
from analysis.data import worlds as W  # noqa: E402
from analysis.core.text import slugify  # noqa: E402
from analysis.data.panels import build_panels_pandas  # noqa: E402
from analysis.results import results_frame  # noqa: E402
from analysis.report import tables  # noqa: E402


def truth_verdict(truth: float, expected: int, tol: float = 1e-9) -> str:
    """The verdict the truth itself gives: sign of the true effect against the claimed sign."""
    if not np.isfinite(truth) or abs(truth) <= tol:
        return "inconclusive"
    return "supported" if np.sign(truth) == expected else "contradicted"


def _row(e, method: str) -> dict:
    return dict(id=e.id, method=method, est=float(e.estimate_pct), lo=float(e.ci_low_pct), hi=float(e.ci_high_pct),
                p=float(e.p_value))


def _check_rows(chk: pd.DataFrame, book: pd.DataFrame) -> list[dict]:
    """Rows of the raw table for one window: the book's estimates, the check's intervals, the trend-robust ones."""
    rows = [dict(id=r.id, method="book", est=float(r.estimate_pct), lo=float(r.ci_low_pct), hi=float(r.ci_high_pct),
                 p=float(r.p_value)) for r in book.itertuples()]
    for r in chk.itertuples():
        rows.append(dict(id=r.estimate_id, method="honest", est=r.honest_pct, lo=r.honest_low_pct,
                         hi=r.honest_high_pct, p=r.honest_p, pretrend_p=r.pretrend_p))
        if math.isfinite(r.trend_low_pct):
            rows.append(dict(id=r.estimate_id, method="trend-robust", est=math.nan, lo=r.trend_low_pct,
                             hi=r.trend_high_pct, p=math.nan))
    return list({(r["id"], r["method"]): r for r in rows}.values())  # an id used by two claims once


def draw_design(world_name: str, seed: int, n_posts: int):
    """One draw of a world set up as a run of the book on it would be.

    The parameters are :func:`analysis.data.worlds.run_params` (the world's
    treatment date); the panels are built with that date; the focus, control
    and left-out categories come from
    :func:`analysis.estimation.did.run_categories` - the rule of every page -
    so a category without pre-release data (``new-category``) is in no
    comparison, as in the book.

    Returns
    -------
    dict
        ``posts``, ``contracts``, ``world``, ``params``, ``panels``, ``focus``,
        ``controls``, ``left_out``, ``roles``.
    """
    posts, contracts, world, _ = W.draw(world_name, seed, n_posts)
    params = W.run_params(world)
    td = params["treatment_date"]
    panels = build_panels_pandas(posts, contracts, params["value_threshold_usd"], params["start"], params["end"],
                                 treatment_date=td)
    focus, controls, left_out = est.run_categories(panels["category_month"], params["focus_categories"],
                                                   params["control_categories"], td)
    return dict(posts=posts, contracts=contracts, world=world, params=params, panels=panels, focus=focus,
                controls=controls, left_out=left_out, roles=C.roles_from_focus(focus))


def one_draw(world_name: str, seed: int, n_posts: int) -> tuple[list[dict], dict, dict]:
    """All estimates, claim verdicts and the influence check of one draw, on both windows.

    The estimates are :func:`analysis.claims.compute_estimates` (the chapters'
    calls) of every id the claim check needs, plus the other category
    outcomes and platform contracts, and the check is
    :func:`analysis.claims.windowed_check` - the summary page's call: the
    claim window's estimates (default the calendar year after the release)
    and the same check on every post month. Each row carries ``window``
    (``"first_year"`` or ``"all"``) and the truth of that window
    (:func:`analysis.data.worlds.truth` cut at the window's end, with the
    book's controls).

    Returns
    -------
    rows : list of dict
        Raw estimate rows (``window``, ``id``, ``method``, ``est``, ``lo``,
        ``hi``, ``p``, ``pretrend_p``, ``truth``).
    verdicts : dict
        ``(window, check) -> (check table, claim verdicts)`` for the checks
        ``"interval rule"`` (:func:`analysis.claims.claim_check`) and
        ``"book"``.
    influence : dict
        The influence check of platform earnings per contract on the claim
        window (``window``: its name, ``"all"`` when it holds every post month).
    """
    d = draw_design(world_name, seed, n_posts)
    params, panels, roles, ctrl = d["params"], d["panels"], d["roles"], d["controls"]
    td = params["treatment_date"]
    ids = C.required_ids(roles) + [f"category.{slugify(c)}.{o}" for c in roles.focus for o in CATEGORY_OUTCOMES]
    ids += ["platform.contracts"]
    made = C.compute_estimates(panels, roles, ids, ctrl, td, params["seed"],
                               max_freelancers=params["max_freelancers"])
    cf = H.contract_frame(d["posts"], d["contracts"], params["start"], params["end"])
    wc = C.windowed_check(panels, roles, results_frame(made), params, contracts=cf, controls=ctrl)
    name = "all" if wc.is_all else wc.window
    windows = {name: (wc.check, wc.estimates, str(wc.end.date()))}
    if not wc.is_all:
        windows["all"] = (wc.check_all, results_frame(made), None)
    rows: list[dict] = []
    verdicts = {}
    for window, (chk, book, end) in windows.items():
        truth = W.truth(d["world"], end=end, controls=ctrl)
        for r in _check_rows(chk, book):
            rows.append(dict(window=window, **r, truth=float(truth.get(r["id"], math.nan))))
        chk = chk.drop(columns=["window", "result_id"], errors="ignore")
        old = C.claim_check(book, roles)
        verdicts[(window, "interval rule")] = (old, C.claim_verdicts(old))
        verdicts[(window, "book")] = (chk[C.CHECK_COLUMNS], C.claim_verdicts(chk))
    ep = wc.check.set_index("estimate_id").loc["platform.earnings_per_contract"]
    ep = ep.iloc[0] if isinstance(ep, pd.DataFrame) else ep
    influence = dict(window=name, flag=bool(str(ep["reason"]).startswith("verdict changes")),
                     original=ep["book_verdict"], book=ep["verdict"], detail=ep["influence"])
    return rows, verdicts, influence


#: The one-category estimates of the check measured with every category treated in turn
#: (``--by-category``): name, panel, outcome, size column, log.
BY_CATEGORY_UNITS = (("job_posts", "category_month", "job_posts", "job_posts", True),
                     ("contracts.low_value", "low", "contracts", "contracts", True),
                     ("contracts.high_value", "high", "contracts", "contracts", True),
                     ("contracts.tier_gap", "gap", "gap", "size", False))
#: Worlds of ``--by-category`` by default: those whose truth is zero for every category.
BY_CATEGORY_WORLDS = ("no-effect", "ar1-sizes")


def by_category_draw(world_name: str, seed: int, n_posts: int) -> list[dict]:
    """Every category treated in turn against all the other comparable categories, in one draw.

    For each category and each of :data:`BY_CATEGORY_UNITS`, the
    Ferman-Pinto interval of the claim check (method ``honest``) and the
    book's Conley-Taber interval (method ``book``; the same function with
    ``rescale=False``), as :func:`analysis.claims.honest_check` calls it on
    the claim window's months (:func:`analysis.claims.window_panels`). Meant
    for worlds where no category has an effect, so that the truth is zero
    for every category, whatever the controls.

    Returns
    -------
    list of dict
        ``world``, ``seed``, ``category``, ``size`` (the pre-release mean of
        the size column), ``size_rank`` (1 = smallest, within the draw and
        estimate), ``id`` (the estimate's suffix), ``method``, ``est``
        (coefficient), ``lo``, ``hi``, ``covered`` (the interval contains 0).
    """
    from analysis.core.periods import claim_window_end

    d = draw_design(world_name, seed, n_posts)
    params = d["params"]
    td = params["treatment_date"]
    end = claim_window_end(td, params["claim_window"], params["end"])
    panels = C.window_panels(d["panels"], end)
    cm, ctm = panels["category_month"], panels["category_tier_month"]
    frames = {"category_month": cm, "low": ctm[ctm["tier"].astype("str") == "low"],
              "high": ctm[ctm["tier"].astype("str") == "high"], "gap": H.tier_gap_panel(ctm)}
    cats = [c for c in sorted(cm["category"].astype("str").unique()) if c not in d["left_out"]]
    rows = []
    for name, frame, outcome, size, log in BY_CATEGORY_UNITS:
        part = []
        for cat in cats:
            ctrl = [c for c in cats if c != cat]
            for method, rescale in (("honest", True), ("book", False)):
                r = H.ferman_pinto(frames[frame], outcome, cat, size, ctrl, td, log=log, rescale=rescale)
                lo, hi = r.details["ci_coef"]
                part.append(dict(world=world_name, seed=seed, category=cat, size=float(r.details["size"][cat]),
                                 id=name, method=method, est=r.coef, lo=lo, hi=hi, covered=bool(lo <= 0.0 <= hi)))
        rank = pd.Series([x["size"] for x in part]).rank(method="first").to_numpy()
        for x, k in zip(part, rank):
            x["size_rank"] = int((k + 1) // 2)  # two methods per category: the same rank
        rows += part
    return rows


def run_by_category(worlds, draws: int, n_posts: int, first_seed: int, out: Path, progress=print) -> pd.DataFrame:
    """``--by-category``: :func:`by_category_draw` round by round; ``worlds_by_category.csv`` rewritten each round."""
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for k in range(draws):
        for world in worlds:
            t0 = time.process_time()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rows += by_category_draw(world, first_seed + k, n_posts)
            progress(f"{world} seed {first_seed + k} (every category in turn): {time.process_time() - t0:.1f} s CPU")
        frame = pd.DataFrame(rows)
        frame.to_csv(out / "worlds_by_category.csv", index=False, float_format="%.6f", lineterminator="\n")
    return pd.DataFrame(rows)


KEY = ["world", "window"]


def _windowed(frame: pd.DataFrame) -> pd.DataFrame:
    """A table with a ``window`` column (rows written before the claim window existed: every post month)."""
    if "window" not in frame.columns:
        frame = frame.assign(window="all")
    cols = list(frame.columns)
    cols.insert(1, cols.pop(cols.index("window")))
    return frame[cols]


def summarise_estimates(raw: pd.DataFrame, checks: pd.DataFrame) -> pd.DataFrame:
    def agg(g):
        err = g["est"] - g["truth"]
        ok = g["lo"].notna()
        return pd.Series({
            "n": int(ok.sum()), "truth": g["truth"].mean(), "mean_est": g["est"].mean(), "bias": err.mean(),
            "rmse": math.sqrt((err**2).mean()) if ok.any() else math.nan,
            "coverage": ((g["lo"] <= g["truth"]) & (g["truth"] <= g["hi"]))[ok].mean(),
            "reject_ci": ((g["lo"] > 0) | (g["hi"] < 0))[ok].mean(),
            "reject_p05": (g["p"] < 0.05)[g["p"].notna()].mean() if g["p"].notna().any() else math.nan,
        })

    by = KEY + ["method", "id"]
    out = raw.groupby(by, sort=False)[["est", "lo", "hi", "p", "truth"]].apply(agg)
    out = out.reset_index()
    if "pretrend_p" in raw.columns:  # share of draws whose linear pre-trend test rejects at 5%
        pt = raw[raw["pretrend_p"].notna()].groupby(by)["pretrend_p"].apply(
            lambda s: float((s < 0.05).mean())).rename("pretrend_flag")
        out = out.merge(pt, left_on=by, right_index=True, how="left")
    fv = checks[checks["check"].isin(["interval rule", "book"])].copy()
    fv["method"] = fv["check"].map({"interval rule": "book", "book": "honest"})
    fv["false"] = [(v in ("supported", "contradicted")) and v != truth_verdict(t, 1 if e == "+" else -1)
                   for v, t, e in zip(fv["verdict"], fv["truth"], fv["expected"])]
    f = fv.groupby(KEY + ["method", "estimate_id"])["false"].mean().rename("false_verdict")
    out = out.merge(f, left_on=by, right_index=True, how="left")
    out["n"] = out["n"].astype("int64")
    return out


def summarise_claims(claim_rows: pd.DataFrame, checks: pd.DataFrame) -> pd.DataFrame:
    checks = checks.copy()
    checks["truth_v"] = ["context" if e == C.CONTEXT else truth_verdict(t, 1 if e == "+" else -1)
                         for t, e in zip(checks["truth"], checks["expected"])]  # rows shown beside: no verdict
    checks["false"] = [(v in ("supported", "contradicted")) and v != tv
                       for v, tv in zip(checks["verdict"], checks["truth_v"])]
    key = KEY + ["check", "seed", "claim"]
    any_false = checks.groupby(key)["false"].any().rename("any_false")
    cr = claim_rows.merge(any_false, left_on=key, right_index=True)
    rows = []
    for (world, window, check, claim), g in cr.groupby(KEY + ["check", "claim"], sort=False):
        tv = checks[(checks["world"] == world) & (checks["window"] == window) & (checks["check"] == check)
                    & (checks["claim"] == claim)]
        # the truth's own claim verdict (same for every draw of a world)
        t_claim = C.combine(tv[tv["seed"] == tv["seed"].iloc[0]]["truth_v"].tolist())
        row = dict(world=world, window=window, check=check, claim=claim, truth_verdict=t_claim, n=len(g))
        for v in C.CLAIM_VERDICTS:
            row[v] = float((g["verdict"] == v).mean())
        row["correct"] = float((g["verdict"] == t_claim).mean())
        row["any_false"] = float(g["any_false"].mean())
        rows.append(row)
    return pd.DataFrame(rows)


def run(worlds: list[str], draws: int, n_posts: int, first_seed: int, out: Path, progress=print,
        merge: bool = True) -> dict:
    """Run the Monte Carlo; rewrite the CSVs in ``out`` after every round (see :func:`write`)."""
    out.mkdir(parents=True, exist_ok=True)
    kept = kept_rows(out, worlds) if merge else {}
    raw, claim_rows, check_rows, infl_rows, timing = [], [], [], [], []
    for k in range(draws):  # draws outside, worlds inside: every world has as many draws whenever it stops
        for world in worlds:
            seed = first_seed + k
            t0 = time.process_time()
            w0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rows, verdicts, influence = one_draw(world, seed, n_posts)
            cpu = time.process_time() - t0
            timing.append(dict(world=world, seed=seed, cpu_s=cpu, wall_s=time.perf_counter() - w0))
            for r in rows:
                raw.append(dict(world=world, seed=seed, **r))
            truth = {(r["window"], r["id"]): r["truth"] for r in rows}
            for (window, check), (chk, cv) in verdicts.items():
                for r in cv.itertuples():
                    claim_rows.append(dict(world=world, window=window, check=check, seed=seed, claim=r.claim,
                                           verdict=r.verdict))
                for r in chk.itertuples():
                    check_rows.append(dict(world=world, window=window, check=check, seed=seed, claim=r.claim,
                                           estimate_id=r.estimate_id, expected=r.expected, verdict=r.verdict,
                                           truth=truth.get((window, r.estimate_id), math.nan)))
            infl_rows.append(dict(world=world, seed=seed, **influence))
            progress(f"{world} seed {seed}: {cpu:.1f} s CPU")
        write(out, raw, claim_rows, check_rows, infl_rows, timing, kept)
    return write(out, raw, claim_rows, check_rows, infl_rows, timing, kept)


#: The CSVs of a run, by table name.
FILES = {"estimates": "worlds_estimates.csv", "claims": "worlds_claims.csv", "influence": "worlds_influence.csv",
         "raw": "worlds_raw.csv", "timing": "worlds_timing.csv"}


def kept_rows(out: Path, worlds: list[str]) -> dict[str, pd.DataFrame]:
    """The rows of the CSVs already in ``out`` for worlds this run does not draw (kept when it writes).

    A run of some worlds thereby replaces those worlds' rows and keeps the
    others' draws; rows written before the claim window was measured get
    ``window = "all"`` (:func:`_windowed`).
    """
    kept = {}
    for name, f in FILES.items():
        path = out / f
        if path.is_file():
            old = pd.read_csv(path)
            old = old[~old["world"].isin(worlds)]
            kept[name] = old if name == "timing" else _windowed(old)
    return kept


def write(out: Path, raw, claim_rows, check_rows, infl_rows, timing, kept: dict | None = None) -> dict:
    kept = kept or {}
    raw_df = pd.DataFrame(raw)
    checks = pd.DataFrame(check_rows)
    est_tab = summarise_estimates(raw_df, checks)
    claim_tab = summarise_claims(pd.DataFrame(claim_rows), checks)
    infl = pd.DataFrame(infl_rows)
    infl_tab = infl.groupby(KEY, sort=False).agg(
        n=("flag", "size"), flag=("flag", "mean"),
        interval_rule_supported=("original", lambda s: (s == "supported").mean()),
        book_supported=("book", lambda s: (s == "supported").mean())).reset_index()
    tables_out = dict(estimates=est_tab, claims=claim_tab, influence=infl_tab, raw=raw_df, timing=pd.DataFrame(timing))
    kw = dict(index=False, float_format="%.4f", lineterminator="\n")
    for name, frame in tables_out.items():
        if name in kept and len(kept[name]):
            frame = pd.concat([kept[name], frame], ignore_index=True)
            tables_out[name] = frame
        frame.to_csv(out / FILES[name], **kw)
    return tables_out


def _md(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for r in df.itertuples(index=False):
        lines.append("| " + " | ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in r) + " |")
    return "\n".join(lines)


def report(out: Path) -> str:
    """Markdown tables of a finished run (the README's and the methods chapter's), from the CSVs in ``out``.

    Each world is reported on its claim window (:func:`analysis.report.tables.world_window`); the
    worlds that have the claim window's rows also get their every-post-month claim verdicts; the
    every-category table is added when ``worlds_by_category.csv`` exists (``--by-category``).
    """
    claims = pd.read_csv(out / "worlds_claims.csv")
    est_tab = pd.read_csv(out / "worlds_estimates.csv")
    infl = tables.world_window(pd.read_csv(out / "worlds_influence.csv"))
    tim = pd.read_csv(out / "worlds_timing.csv")
    bc_file = out / "worlds_by_category.csv"
    bc = pd.read_csv(bc_file) if bc_file.is_file() else None
    t1 = tables.world_claim_table(claims)
    t2 = tables.world_coverage_table(est_tab)
    t3 = infl[["world", "window", "n", "interval_rule_supported", "book_supported", "flag"]]
    t0 = tables.world_targets(claims, est_tab, bc)
    windowed = set(tables.world_window(claims).query("window == @tables.WORLD_WINDOW")["world"])
    t4 = tables.world_claim_table(claims[claims["world"].isin(windowed)], "all") if windowed else None
    n = len(tim)
    per = tim.groupby("world").size()
    text = [f"Draws: {n} ({per.min()}-{per.max()} per world); "
            f"CPU per draw: median {tim['cpu_s'].median():.2f} s, mean {tim['cpu_s'].mean():.2f} s, "
            f"max {tim['cpu_s'].max():.2f} s (the first includes JIT compilation); total {tim['cpu_s'].sum():.0f} s.",
            "", "### Targets", "", _md(t0), "", "### Claim verdicts (each world's claim window)", "", _md(t1), ""]
    if t4 is not None:
        text += ["### Claim verdicts on every post month (worlds with the claim window measured)", "", _md(t4), ""]
    text += ["### Coverage of 95% intervals", "", _md(t2), ""]
    if bc is not None:
        text += [f"### Every category treated in turn ({bc['seed'].nunique()} draws; four estimates pooled)", "",
                 _md(tables.world_category_coverage(bc)), ""]
    text += ["### Influence of the largest contracts (platform earnings per contract)", "", _md(t3)]
    return "\n".join(text)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--draws", type=int, default=2, help="draws per world (the issue's full run: 200)")
    p.add_argument("--worlds", default=",".join(W.world_names()))
    p.add_argument("--posts", type=float, default=200_000, help="expected job posts per extract")
    p.add_argument("--first-seed", type=int, default=1000)
    p.add_argument("--no-merge", action="store_true",
                   help="write only this run's worlds (default: keep the other worlds' rows already in --out)")
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    p.add_argument("--report", action="store_true", help="only print the Markdown tables of the run in --out")
    p.add_argument("--by-category", action="store_true",
                   help="every category treated in turn in the no-effect worlds (worlds_by_category.csv)")
    a = p.parse_args(argv)
    if a.report:
        print(report(Path(a.out)))
        return 0
    worlds = [w for w in a.worlds.split(",") if w]
    if a.by_category:
        worlds = worlds if a.worlds != p.get_default("worlds") else list(BY_CATEGORY_WORLDS)
        bc = run_by_category(worlds, a.draws, int(a.posts), a.first_seed, Path(a.out),
                             progress=lambda m: print(m, file=sys.stderr, flush=True))
        print(_md(tables.world_category_coverage(bc)))
        return 0
    t0 = time.process_time()
    res = run(worlds, a.draws, int(a.posts), a.first_seed, Path(a.out),
              progress=lambda m: print(m, file=sys.stderr, flush=True), merge=not a.no_merge)
    tim = res["timing"]
    print(f"{len(tim)} draws ({a.draws} per world x {len(worlds)} worlds), {int(a.posts):,} posts each: "
          f"{time.process_time() - t0:.0f} s CPU in all; per draw median {tim['cpu_s'].median():.2f} s CPU "
          f"(min {tim['cpu_s'].min():.2f}, max {tim['cpu_s'].max():.2f})")
    print(tables.world_targets(res["claims"], res["estimates"]).to_string(index=False,
                                                                         float_format=lambda v: f"{v:.2f}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
