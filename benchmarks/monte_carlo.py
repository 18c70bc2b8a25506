"""Monte Carlo check of the estimators on synthetic worlds with known effects.

Usage (from the repository root)::

    python benchmarks/monte_carlo.py --seeds 20 [--posts 60000] [--b-reps 999]
                                     [--out _build/monte_carlo.csv]

For each seed the script draws two worlds with :mod:`analysis.data.simulate` -- the
default world (planted effects) and the no-effect world
(``World(effects=False)``) -- writes them to a temporary folder, builds the
panels and runs

* :func:`analysis.estimation.category_effects` for the three default focus
  categories against the nine others (randomization inference, Conley-Taber
  intervals), and
* :func:`analysis.estimation.within_freelancer` for ``hourly_rate``
  (wild cluster bootstrap by category).

Every estimate is compared with ``truth.json`` under the same id. The table
has one row per (world, id): ``bias`` and ``rmse`` in percentage points,
``coverage`` of the 95% interval, ``reject_p05`` (share of p < 0.05: the
false-positive rate in the no-effect world, power in the other) and
``reject_ci`` (share of intervals excluding zero). With ten placements the
smallest randomization p-value is 0.1, so ``reject_p05`` of the category ids
is 0 by construction; ``reject_ci`` is the informative column there.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.core.params import DEFAULT_PARAMS  # noqa: E402
from analysis.estimation import category_effects, within_freelancer  # noqa: E402
from analysis.data.panels import build_panels  # noqa: E402
from analysis.data.simulate import World, write_extract  # noqa: E402

COLUMNS = ["world", "id", "n", "truth_mean", "mean_est", "bias", "rmse", "coverage", "reject_p05", "reject_ci"]


def one_world(seed: int, effects: bool, n_posts: int, b_reps: int, workdir: Path) -> list[dict]:
    """Estimates of one synthetic world, with their truth.

    Returns
    -------
    list of dict
        One row per estimate: world, seed, id, est, lo, hi, p, truth.
    """
    world = World(seed=seed, n_posts=n_posts, effects=effects)
    folder = workdir / f"{'effect' if effects else 'null'}_{seed}"
    truth = write_extract(world, folder)["effects"]
    panels = build_panels(folder, DEFAULT_PARAMS["value_threshold_usd"], DEFAULT_PARAMS["start"],
                          DEFAULT_PARAMS["end"])
    focus = DEFAULT_PARAMS["focus_categories"]
    ests = category_effects(panels, focus, [], seed=seed)
    ests.append(within_freelancer(panels["freelancer_month"], "hourly_rate", focus, seed=seed, b_reps=b_reps))
    rows = []
    for e in ests:
        rows.append(dict(world="effect" if effects else "no-effect", seed=seed, id=e.id, est=e.estimate_pct,
                         lo=e.ci_low_pct, hi=e.ci_high_pct, p=e.p_value, truth=float(truth[e.id])))
    return rows


def summarise(raw: pd.DataFrame) -> pd.DataFrame:
    """Bias, RMSE, coverage and rejection rates by world and id."""
    def agg(g: pd.DataFrame) -> pd.Series:
        err = g["est"] - g["truth"]
        return pd.Series({
            "n": len(g),
            "truth_mean": g["truth"].mean(),
            "mean_est": g["est"].mean(),
            "bias": err.mean(),
            "rmse": math.sqrt((err**2).mean()),
            "coverage": ((g["lo"] <= g["truth"]) & (g["truth"] <= g["hi"])).mean(),
            "reject_p05": (g["p"] < 0.05).mean(),
            "reject_ci": ((g["lo"] > 0) | (g["hi"] < 0)).mean(),
        })

    out = raw.groupby(["world", "id"], sort=True)[["est", "lo", "hi", "p", "truth"]].apply(agg).reset_index()
    out["n"] = out["n"].astype("int64")
    return out[COLUMNS]


def run(seeds: int | list[int], n_posts: int = 60_000, b_reps: int = 999, first_seed: int = 1000,
        workdir: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the Monte Carlo.

    Parameters
    ----------
    seeds : int or list of int
        Number of seeds (``first_seed, first_seed+1, ...``) or the seeds.
    n_posts : int
        Scale of each world.
    b_reps : int
        Wild bootstrap draws of the within-freelancer estimate.
    first_seed : int
    workdir : path, optional
        Where the extracts go (default: a temporary folder, removed after).

    Returns
    -------
    summary, raw : DataFrame
    """
    seed_list = list(range(first_seed, first_seed + seeds)) if isinstance(seeds, int) else list(seeds)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        wd = Path(workdir) if workdir else Path(tmp)
        for s in seed_list:
            for effects in (True, False):
                rows.extend(one_world(s, effects, n_posts, b_reps, wd))
    raw = pd.DataFrame(rows)
    return summarise(raw), raw


def format_table(summary: pd.DataFrame) -> str:
    """The summary as aligned text."""
    return summary.to_string(index=False, float_format=lambda v: f"{v:8.3f}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=20, help="number of seeds (two worlds each)")
    p.add_argument("--posts", type=float, default=60_000, help="expected job posts per world")
    p.add_argument("--b-reps", type=int, default=999, help="wild bootstrap draws")
    p.add_argument("--first-seed", type=int, default=1000)
    p.add_argument("--out", default=str(ROOT / "_build" / "monte_carlo.csv"))
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    summary, raw = run(args.seeds, int(args.posts), args.b_reps, args.first_seed)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    summary.to_csv(out, index=False, float_format="%.6f", lineterminator="\n")
    raw.to_csv(out.with_name(out.stem + "_raw.csv"), index=False, float_format="%.6f", lineterminator="\n")
    print(f"Monte Carlo: {args.seeds} seeds x 2 worlds, {int(args.posts):,} posts, "
          f"{time.perf_counter() - t0:.1f} s")
    print(format_table(summary))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
