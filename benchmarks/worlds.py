"""Monte Carlo of the claim check on the worlds of analysis.data.worlds.

Usage (from the repository root)::

    python benchmarks/worlds.py [--draws 2] [--worlds default,no-effect,...] [--posts 200000]
                                [--first-seed 1000] [--out benchmarks/results]

For each world and each of ``--draws`` seeds (``first_seed, first_seed+1, ...``;
the same seeds in every world) the script draws an extract in memory
(:func:`analysis.data.worlds.draw`), builds the four panels
(:func:`analysis.data.panels.build_panels_pandas`, the reference builder: same panels
as the book's), and computes

* the estimates the book reports, by the same calls as
  :func:`analysis.claims.compute_estimates` - ``category_effects`` of each focus
  category against the nine others (randomization inference, Conley-Taber
  intervals), ``platform_counterfactual`` of the three platform series (iid
  errors), ``within_freelancer`` of hourly rates (wild cluster bootstrap) and the
  two share estimates (method ``book`` in the tables);
* two claim checks on them: the **interval rule** the book used before
  (:func:`analysis.claims.claim_check`: an interval excluding zero decides), and
  the **book**'s rule now, :func:`analysis.claims.honest_check` - Ferman-Pinto
  and AR(1) intervals (method ``honest``), Holm within each claim, the linear
  pre-trend test and the interval allowing any linear differential trend
  (method ``trend-robust``), and the influence of the largest contracts on
  platform earnings per contract.

The summary tables are made by :func:`analysis.report.tables.world_claim_table`,
:func:`analysis.report.tables.world_coverage_table` and
:func:`analysis.report.tables.world_targets`, the functions the methods chapter
uses on the committed CSVs. Draws run round by round (every world once per
round), and the CSVs are rewritten after each round, so a run stopped early
leaves every world with the same number of draws.

Truth is :func:`analysis.data.worlds.truth`. A verdict is *false* when it says
supported or contradicted and the truth's own verdict (the sign of the true
effect against the claimed sign; inconclusive for a zero effect) differs.

Output (``--out``):

``worlds_estimates.csv``
    per world, method and estimate id: ``n``, ``truth``, ``mean_est``, ``bias``,
    ``rmse``, ``coverage`` of the 95% interval, ``reject_ci`` (share of
    intervals excluding zero), ``reject_p05`` (share of p < 0.05),
    ``false_verdict`` (share of false verdicts, for ids the claim check reads).
``worlds_claims.csv``
    per world, check and claim: ``truth_verdict``, ``n``, the share of draws
    giving each verdict, ``correct`` (share equal to the truth's verdict) and
    ``any_false`` (share of draws where an estimate of the claim has a false
    verdict).
``worlds_influence.csv``
    per world: share of draws whose platform earnings-per-contract verdict
    changes when the largest contracts are tamed.
``worlds_raw.csv``, ``worlds_timing.csv``
    every estimate of every draw; CPU seconds per draw.
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
from analysis.estimation import shares  # noqa: E402
from analysis.data import worlds as W  # noqa: E402
from analysis.core.params import DEFAULT_PARAMS  # noqa: E402
from analysis.data.panels import build_panels_pandas  # noqa: E402
from analysis.results import results_frame  # noqa: E402
from analysis.report import tables  # noqa: E402

START, END = DEFAULT_PARAMS["start"], DEFAULT_PARAMS["end"]
SEED = DEFAULT_PARAMS["seed"]
FOCUS = list(DEFAULT_PARAMS["focus_categories"])
ROLES = C.roles_from_focus(FOCUS)
EXPECTED = {eid: ev.expected for _, ev, _, eid in C.evidence_rows(ROLES)}


def truth_verdict(truth: float, expected: int, tol: float = 1e-9) -> str:
    """The verdict the truth itself gives: sign of the true effect against the claimed sign."""
    if not np.isfinite(truth) or abs(truth) <= tol:
        return "inconclusive"
    return "supported" if np.sign(truth) == expected else "contradicted"


def _row(e, method: str) -> dict:
    return dict(id=e.id, method=method, est=float(e.estimate_pct), lo=float(e.ci_low_pct), hi=float(e.ci_high_pct),
                p=float(e.p_value))


def one_draw(world_name: str, seed: int, n_posts: int, b_reps: int) -> tuple[list[dict], dict, dict]:
    """All estimates, claim verdicts and the influence check of one draw."""
    posts, contracts, world, _ = W.draw(world_name, seed, n_posts)
    truth = W.truth(world)
    panels = build_panels_pandas(posts, contracts, DEFAULT_PARAMS["value_threshold_usd"], START, END)
    cm = panels["category_month"]
    cats = sorted(cm["category"].astype(str).unique())
    ctrl = [c for c in cats if c not in FOCUS]
    rows: list[dict] = []
    book = []
    for cat in FOCUS:
        book += est.category_effects(panels, [cat], ctrl, seed=SEED)
    for outcome in ("job_posts", "contracts", "earnings_per_contract"):
        book.append(est.platform_counterfactual(cm, outcome, seed=SEED)[1])
    book.append(est.within_freelancer(panels["freelancer_month"], "hourly_rate", FOCUS, seed=SEED, b_reps=b_reps))
    book.append(shares.ai_share_did(cm, FOCUS[0], ctrl, seed=SEED))
    book += shares.post_count_dids(cm, FOCUS[0], ctrl, seed=SEED)
    book.append(shares.expert_share_did(cm, FOCUS, ctrl, seed=SEED))
    rows += [_row(e, "book") for e in book]

    # The book's claim check (analysis.claims.honest_check): honest intervals, Holm within each claim,
    # pre-trend robustness and the influence of the largest contracts, on the same estimates.
    res_book = results_frame(book)
    cf = H.contract_frame(posts, contracts, START, END)
    chk = C.honest_check(panels, ROLES, res_book, ctrl, seed=SEED, contracts=cf)
    for r in chk.itertuples():
        rows.append(dict(id=r.estimate_id, method="honest", est=r.honest_pct, lo=r.honest_low_pct,
                         hi=r.honest_high_pct, p=r.honest_p, pretrend_p=r.pretrend_p))
        if math.isfinite(r.trend_low_pct):
            rows.append(dict(id=r.estimate_id, method="trend-robust", est=math.nan, lo=r.trend_low_pct,
                             hi=r.trend_high_pct, p=math.nan))
    rows = list({(r["id"], r["method"]): r for r in rows}.values())  # an id used by two claims once

    for r in rows:
        r["truth"] = float(truth.get(r["id"], math.nan))

    # Claim checks: the interval-only rule the book used before, and the book's rule now.
    check_old = C.claim_check(res_book, ROLES)
    verdicts = {"interval rule": (check_old, C.claim_verdicts(check_old)),
                "book": (chk[C.CHECK_COLUMNS], C.claim_verdicts(chk))}
    ep = chk.set_index("estimate_id").loc["platform.earnings_per_contract"]
    ep = ep.iloc[0] if isinstance(ep, pd.DataFrame) else ep
    influence = dict(flag=bool(str(ep["reason"]).startswith("verdict changes")), original=ep["book_verdict"],
                     book=ep["verdict"], detail=ep["influence"])
    return rows, verdicts, influence


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

    out = raw.groupby(["world", "method", "id"], sort=False)[["est", "lo", "hi", "p", "truth"]].apply(agg)
    out = out.reset_index()
    if "pretrend_p" in raw.columns:  # share of draws whose linear pre-trend test rejects at 5%
        pt = raw[raw["pretrend_p"].notna()].groupby(["world", "method", "id"])["pretrend_p"].apply(
            lambda s: float((s < 0.05).mean())).rename("pretrend_flag")
        out = out.merge(pt, left_on=["world", "method", "id"], right_index=True, how="left")
    fv = checks[checks["check"].isin(["interval rule", "book"])].copy()
    fv["method"] = fv["check"].map({"interval rule": "book", "book": "honest"})
    fv["false"] = [(v in ("supported", "contradicted")) and v != truth_verdict(t, 1 if e == "+" else -1)
                   for v, t, e in zip(fv["verdict"], fv["truth"], fv["expected"])]
    f = fv.groupby(["world", "method", "estimate_id"])["false"].mean().rename("false_verdict")
    out = out.merge(f, left_on=["world", "method", "id"], right_index=True, how="left")
    out["n"] = out["n"].astype("int64")
    return out


def summarise_claims(claim_rows: pd.DataFrame, checks: pd.DataFrame) -> pd.DataFrame:
    checks = checks.copy()
    checks["truth_v"] = ["context" if e == C.CONTEXT else truth_verdict(t, 1 if e == "+" else -1)
                         for t, e in zip(checks["truth"], checks["expected"])]  # rows shown beside: no verdict
    checks["false"] = [(v in ("supported", "contradicted")) and v != tv
                       for v, tv in zip(checks["verdict"], checks["truth_v"])]
    key = ["world", "check", "seed", "claim"]
    any_false = checks.groupby(key)["false"].any().rename("any_false")
    cr = claim_rows.merge(any_false, left_on=key, right_index=True)
    rows = []
    for (world, check, claim), g in cr.groupby(["world", "check", "claim"], sort=False):
        tv = checks[(checks["world"] == world) & (checks["check"] == check) & (checks["claim"] == claim)]
        # the truth's own claim verdict (same for every draw of a world)
        t_claim = C.combine(tv[tv["seed"] == tv["seed"].iloc[0]]["truth_v"].tolist())
        row = dict(world=world, check=check, claim=claim, truth_verdict=t_claim, n=len(g))
        for v in C.CLAIM_VERDICTS:
            row[v] = float((g["verdict"] == v).mean())
        row["correct"] = float((g["verdict"] == t_claim).mean())
        row["any_false"] = float(g["any_false"].mean())
        rows.append(row)
    return pd.DataFrame(rows)


def run(worlds: list[str], draws: int, n_posts: int, first_seed: int, b_reps: int, out: Path,
        progress=print) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    raw, claim_rows, check_rows, infl_rows, timing = [], [], [], [], []
    for k in range(draws):  # draws outside, worlds inside: every world has as many draws whenever it stops
        for world in worlds:
            seed = first_seed + k
            t0 = time.process_time()
            w0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rows, verdicts, influence = one_draw(world, seed, n_posts, b_reps)
            cpu = time.process_time() - t0
            timing.append(dict(world=world, seed=seed, cpu_s=cpu, wall_s=time.perf_counter() - w0))
            for r in rows:
                raw.append(dict(world=world, seed=seed, **r))
            truth = {r["id"]: r["truth"] for r in rows}
            for check, (chk, cv) in verdicts.items():
                for r in cv.itertuples():
                    claim_rows.append(dict(world=world, check=check, seed=seed, claim=r.claim, verdict=r.verdict))
                for r in chk.itertuples():
                    check_rows.append(dict(world=world, check=check, seed=seed, claim=r.claim,
                                           estimate_id=r.estimate_id, expected=r.expected, verdict=r.verdict,
                                           truth=truth.get(r.estimate_id, math.nan)))
            infl_rows.append(dict(world=world, seed=seed, **influence))
            progress(f"{world} seed {seed}: {cpu:.1f} s CPU")
        write(out, raw, claim_rows, check_rows, infl_rows, timing)
    return write(out, raw, claim_rows, check_rows, infl_rows, timing)


def write(out: Path, raw, claim_rows, check_rows, infl_rows, timing) -> dict:
    raw_df = pd.DataFrame(raw)
    checks = pd.DataFrame(check_rows)
    est_tab = summarise_estimates(raw_df, checks)
    claim_tab = summarise_claims(pd.DataFrame(claim_rows), checks)
    infl = pd.DataFrame(infl_rows)
    infl_tab = infl.groupby("world", sort=False).agg(
        n=("flag", "size"), flag=("flag", "mean"),
        interval_rule_supported=("original", lambda s: (s == "supported").mean()),
        book_supported=("book", lambda s: (s == "supported").mean())).reset_index()
    tim = pd.DataFrame(timing)
    kw = dict(index=False, float_format="%.4f", lineterminator="\n")
    est_tab.to_csv(out / "worlds_estimates.csv", **kw)
    claim_tab.to_csv(out / "worlds_claims.csv", **kw)
    infl_tab.to_csv(out / "worlds_influence.csv", **kw)
    raw_df.to_csv(out / "worlds_raw.csv", **kw)
    tim.to_csv(out / "worlds_timing.csv", **kw)
    return dict(estimates=est_tab, claims=claim_tab, influence=infl_tab, timing=tim)


def _md(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for r in df.itertuples(index=False):
        lines.append("| " + " | ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in r) + " |")
    return "\n".join(lines)


def report(out: Path) -> str:
    """Markdown tables of a finished run (the README's and the methods chapter's), from the CSVs in ``out``."""
    claims = pd.read_csv(out / "worlds_claims.csv")
    est_tab = pd.read_csv(out / "worlds_estimates.csv")
    infl = pd.read_csv(out / "worlds_influence.csv")
    tim = pd.read_csv(out / "worlds_timing.csv")
    t1 = tables.world_claim_table(claims)
    t2 = tables.world_coverage_table(est_tab)
    t3 = infl[["world", "n", "interval_rule_supported", "book_supported", "flag"]]
    t0 = tables.world_targets(claims, est_tab)
    n = len(tim)
    text = [f"Draws: {n} ({tim.groupby('world').size().min()}-{tim.groupby('world').size().max()} per world); "
            f"CPU per draw: median {tim['cpu_s'].median():.2f} s, mean {tim['cpu_s'].mean():.2f} s, "
            f"max {tim['cpu_s'].max():.2f} s (the first includes JIT compilation); total {tim['cpu_s'].sum():.0f} s.",
            "", "### Targets", "", _md(t0), "", "### Claim verdicts", "", _md(t1), "", "### Coverage of 95% intervals", "", _md(t2), "",
            "### Influence of the largest contracts (platform earnings per contract)", "", _md(t3)]
    return "\n".join(text)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--draws", type=int, default=2, help="draws per world (the issue's full run: 200)")
    p.add_argument("--worlds", default=",".join(W.world_names()))
    p.add_argument("--posts", type=float, default=200_000, help="expected job posts per extract")
    p.add_argument("--first-seed", type=int, default=1000)
    p.add_argument("--b-reps", type=int, default=est.DEFAULT_B, help="wild bootstrap draws (book: 9999)")
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    p.add_argument("--report", action="store_true", help="only print the Markdown tables of the run in --out")
    a = p.parse_args(argv)
    if a.report:
        print(report(Path(a.out)))
        return 0
    worlds = [w for w in a.worlds.split(",") if w]
    t0 = time.process_time()
    res = run(worlds, a.draws, int(a.posts), a.first_seed, a.b_reps, Path(a.out),
              progress=lambda m: print(m, file=sys.stderr, flush=True))
    tim = res["timing"]
    print(f"{len(tim)} draws ({a.draws} per world x {len(worlds)} worlds), {int(a.posts):,} posts each: "
          f"{time.process_time() - t0:.0f} s CPU in all; per draw median {tim['cpu_s'].median():.2f} s CPU "
          f"(min {tim['cpu_s'].min():.2f}, max {tim['cpu_s'].max():.2f})")
    print(tables.world_targets(res["claims"], res["estimates"]).to_string(index=False,
                                                                         float_format=lambda v: f"{v:.2f}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
