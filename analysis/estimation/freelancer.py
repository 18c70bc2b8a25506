"""Within-freelancer regressions: the same freelancers before and after the release."""

from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np
import pandas as pd

from ..core.params import DEFAULT_PARAMS
from ..data.panels import draw_freelancers
from ..core.periods import drop_partial_month, post_mask
from ..results import Estimate
from ..results.convert import estimate_from_fit
from .common import NotEstimable, prepare
from .did import TREATMENT_DATE
from .inference import DEFAULT_B, DEFAULT_SEED, codes, crv1_of, feols, infer

_FREELANCER_OUTCOMES = ("hourly_rate", "earnings_per_contract", "mean_hours", "mean_feedback")
#: What a freelancer must have in a month to enter the regression of each outcome, for the reasons of
#: :class:`~analysis.estimation.common.NotEstimable`.
_OUTCOME_WORDS = {"hourly_rate": "an hourly rate", "earnings_per_contract": "a contract with earnings",
                  "mean_hours": "an hourly contract with hours", "mean_feedback": "a contract with feedback"}


def _names(cats) -> str:
    """Category names for a reason: ``A, B`` (plain text; each context escapes it)."""
    return ", ".join(map(str, cats))


def _no_span(df: pd.DataFrame, ex: np.ndarray, post: np.ndarray, groups: dict, treatment_date: str) -> str | None:
    """Why a group of freelancers cannot identify the change, or None.

    A freelancer's own fixed effect absorbs their level, so the change after
    the treatment date is identified only from freelancers observed both
    before and after it, in the exposed group and in the control group
    (without the latter, the month effects absorb the exposed group's
    change): pyfixest would otherwise stop with "All variables are collinear".

    Parameters
    ----------
    df : DataFrame
        The regression's rows (``freelancer_id``).
    ex, post : ndarray of bool
        Exposed rows, post rows.
    groups : dict
        ``{True: words for the exposed group, False: words for the controls}``.
    """
    spans = pd.DataFrame({"ex": ex, "f": df["freelancer_id"].to_numpy(), "post": post}).groupby(
        ["ex", "f"], sort=False)["post"].agg(["min", "max"])
    both = spans[(~spans["min"]) & spans["max"]].index.get_level_values("ex")
    for flag in (True, False):
        if flag not in set(both):
            return (f"no freelancer {groups[flag]} is observed both before and after the treatment date "
                    f"({treatment_date})")
    return None


def _missing_post_months(month: pd.Series, ex: np.ndarray, post_months: Sequence, exposed) -> str | None:
    """Why the equally weighted mean of the post months is not identified, or None.

    The ``"uniform"`` estimand of :func:`within_freelancer` gives every post
    month the same weight, so it needs an exposed freelancer in each of them:
    a post month without one has no effect of its own to average (its
    regressor is all zeros), and before issue 12 the wild cluster bootstrap
    then stopped with numpy's "Singular matrix" (a tiny exposed category,
    such as a sparse world's Legal).

    Parameters
    ----------
    month : Series
        The regression rows' months.
    ex : ndarray of bool
        Exposed rows.
    post_months : sequence
        The post months of the regression, sorted.
    exposed : sequence of str
        The exposed categories, for the reason.

    Examples
    --------
    >>> m = pd.Series(pd.to_datetime(["2022-12-01", "2023-01-01", "2023-01-01", "2023-02-01"]))
    >>> _missing_post_months(m, np.array([True, False, True, False]), sorted(m.unique()), ["Legal"])
    'freelancers of the exposed categories (Legal) are observed in 2 of the 3 post-release months (none in February 2023), and the estimate weights every post-release month equally'
    >>> _missing_post_months(m, np.array([True, True, False, True]), sorted(m.unique()), ["Legal"]) is None
    True
    """
    have = set(pd.to_datetime(month[ex]).unique())
    missing = [m for m in post_months if pd.Timestamp(m) not in have]
    if not missing:
        return None
    shown = ", ".join(f"{pd.Timestamp(m):%B %Y}" for m in missing[:3]) + (", ..." if len(missing) > 3 else "")
    return (f"freelancers of the exposed categories ({_names(exposed)}) are observed in "
            f"{len(post_months) - len(missing)} of the {len(post_months)} post-release months (none in {shown}), "
            "and the estimate weights every post-release month equally")


#: Reason of a within-freelancer design whose regressors are collinear once the fixed effects are taken out.
_COLLINEAR = ("the exposed freelancers' months are collinear with the freelancer and month fixed effects "
              "(too few exposed freelancers or months to separate the effect from them)")


def _drop_singletons(df: pd.DataFrame, fe_cols: Sequence[str]) -> pd.DataFrame:
    """Drop rows that are alone in a fixed-effect level, until none is left.

    Such rows are fitted exactly by their own effect and carry no information
    on the slope; pyfixest drops them too, so dropping them first keeps
    ``n_obs`` and the bootstrap on the same rows.
    """
    while True:
        keep = np.ones(len(df), dtype=bool)
        for c in fe_cols:
            keep &= df.groupby(c, sort=False)[c].transform("size").to_numpy() > 1
        if keep.all():
            return df.reset_index(drop=True)
        df = df[keep]


#: Default cap on the freelancers of the within-freelancer regressions (the
#: ``max_freelancers`` run parameter).
MAX_FREELANCERS = DEFAULT_PARAMS["max_freelancers"]


def sample_freelancers(freelancer_month: pd.DataFrame, max_freelancers: int = MAX_FREELANCERS,
                       seed: int = DEFAULT_SEED) -> tuple[pd.DataFrame, dict]:
    """A simple random sample of freelancers, all rows of each kept.

    The within-freelancer regressions cost time in proportion to the rows of
    the ``freelancer_month`` panel (about 2 million at 10^7 job posts, where
    one regression with its bootstrap takes about half a minute). Treatment
    varies by category, so their precision comes from the category-level
    contrast and is hardly lower on a large random sample of freelancers,
    which leaves the estimand unchanged (each freelancer equally likely to be
    drawn).

    Parameters
    ----------
    freelancer_month : DataFrame
        The ``freelancer_month`` panel.
    max_freelancers : int
        Keep every freelancer when there are at most this many, or when 0;
        otherwise draw this many without replacement.
    seed : int
        Seed of the draw (from the sorted freelancer ids: the same data and
        seed give the same sample on any machine).

    Returns
    -------
    sample : DataFrame
        Rows of the sampled freelancers, in the panel's order.
    info : dict
        ``n_freelancers`` (in the panel), ``n_sampled``, ``sampled`` (bool),
        ``max_freelancers``, ``seed``.
    """
    ids = freelancer_month["freelancer_id"].astype("str")
    keep, sampled = draw_freelancers(ids, max_freelancers, seed)  # the balanced panel's draw too
    info = {"n_freelancers": int(ids.nunique()), "n_sampled": int(len(keep)), "sampled": False,
            "max_freelancers": int(max_freelancers), "seed": int(seed)}
    if not sampled:
        return freelancer_month, info
    out = freelancer_month[freelancer_month["freelancer_id"].astype("str").isin(keep)].reset_index(drop=True)
    info.update(n_sampled=int(max_freelancers), sampled=True)
    return out, info


def within_freelancer(freelancer_month: pd.DataFrame, outcome: str, exposed: Sequence[str],
                      treatment_date: str = TREATMENT_DATE, seed: int = DEFAULT_SEED,
                      b_reps: int = DEFAULT_B, inference: str = "wild",
                      post_weights: str = "uniform", id: str | None = None,
                      max_freelancers: int = MAX_FREELANCERS, exposure: str = "pre_release",
                      controls: Sequence[str] | None = None) -> Estimate:
    """Within-freelancer DiD: exposed categories' freelancers vs the rest (or vs ``controls``).

    ``y ~ exposed x post | freelancer_id + month`` (pyfixest) on the rows of
    the ``freelancer_month`` panel (freelancer x category x month), where a
    freelancer is exposed when their *main pre-release category*
    (``exposure_category``, :func:`analysis.data.panels.main_category_expr`:
    the category with most contracts before the first post month, the same
    rule as the balanced panel's) is in ``exposed``. Exposure is fixed per
    freelancer: a freelancer who moves into a focus category after the
    release stays in their pre-release group, and the rates of the work they
    move into count as theirs (the move is part of the effect, not a change
    of group). Exposure by the category of each row (``exposure="row"``, the
    design before issue 12) lets freelancers choose their group: a control
    freelancer who takes better-paid work in a focus category after the
    release shows up as an exposed freelancer whose rate rose, an effect
    that no focus freelancer had (the ``switchers`` world of
    :mod:`analysis.data.worlds`); it is kept for that comparison only.

    Freelancers without a pre-release contract have no exposure and are left
    out (``details["n_no_exposure"]`` of the sampled ones): they cannot be
    compared with themselves before the release, and their category after it
    is the choice the design must not condition on. The sample of
    ``max_freelancers`` is drawn before they are left out (the same draw as
    the balanced panel's). For
    ``hourly_rate``, ``earnings_per_contract`` and ``mean_hours`` ``y`` is
    the log (non-positive or missing rows dropped) and the effect is
    ``100*(exp(b)-1)``. ``mean_feedback`` (1-5 stars) is modelled in levels
    and reported as percent of the exposed freelancers' pre-period mean
    feedback (``100*b/mean_pre``; e.g. -1% is about -0.045 stars); the raw
    coefficient in stars is ``Estimate.coef``.

    ``post_weights="pooled"`` is the single ``exposed x post``
    coefficient. With freelancer effects and careers that end, freelancers
    seen before the release are mostly seen in the first post months, so the
    pooled coefficient weights early post months (small effects while
    generative AI ramps up) more than late ones. ``"uniform"`` (default) instead
    estimates one exposed x month effect per post month and reports their
    equally weighted mean (the estimand of ``truth.json``), as the
    coefficient of ``D`` after the reparametrisation
    ``sum_m b_m D_m = b_bar D + sum_{m<last} (b_m - b_bar)(D_m - D_last)``,
    so the same bootstrap applies.

    Inference: wild cluster bootstrap by pre-release category (Webb
    weights, ``b_reps`` draws, seeded; WCR p-value and WCR test-inversion
    interval), since the treatment is assigned by that category.
    ``inference="crv1"`` gives the CRV1-by-category result.

    Parameters
    ----------
    freelancer_month : DataFrame
        The ``freelancer_month`` panel.
    outcome : {"hourly_rate", "earnings_per_contract", "mean_hours", "mean_feedback"}
    exposed : sequence of str
        Exposed categories.
    treatment_date, seed, b_reps
        As in :func:`did_panel`.
    inference : {"wild", "crv1"}
    post_weights : {"uniform", "pooled"}
        Equal weight for every post month (default) or the single pooled
        coefficient (see above).
    id : str, optional
        Default ``productivity.<outcome>`` (``productivity.feedback`` for
        ``mean_feedback``, the truth key).
    max_freelancers : int
        Above this many freelancers the regression uses a random sample of
        them (:func:`sample_freelancers`, drawn with ``seed``); 0 uses all.
    exposure : {"pre_release", "row"}
        Exposure by the freelancer's main pre-release category (default) or
        by the category of each row (the endogenous design, for comparison).
    controls : sequence of str, optional
        Compare with the freelancers of these categories only; the others
        (for example the other exposed group's, when one exposed group is
        estimated on its own) are left out after the sample is drawn.
        Default: every category that is not exposed.

    Returns
    -------
    Estimate
        ``details["sample"]`` is the sample's description,
        ``details["n_no_exposure"]`` the sampled freelancers left out for
        want of a pre-release contract, ``details["exposure"]`` the design.

    Raises
    ------
    NotEstimable
        When the design has nothing to compare (issue 12), with a reason for
        the reader: no exposed freelancers, no control freelancers, no
        freelancer with the outcome in two different months, a group
        (exposed or control) none of whose freelancers is observed both
        before and after the treatment date, with ``post_weights="uniform"``
        a post month without an exposed freelancer (a tiny exposed category:
        the equal-weight mean is not identified), or regressors collinear
        with the fixed effects (pyfixest drops one, or the bootstrap meets a
        singular matrix). Its
        :meth:`~analysis.estimation.common.NotEstimable.as_estimate` keeps
        ``details["sample"]``, ``details["n_no_exposure"]`` and
        ``details["n_freelancers"]`` (0), so a page's sentences about the
        sample still read.
    """
    if outcome not in _FREELANCER_OUTCOMES:
        raise ValueError(f"outcome must be one of {_FREELANCER_OUTCOMES}")
    if exposure not in ("pre_release", "row"):
        raise ValueError(f"exposure must be 'pre_release' or 'row', not {exposure!r}")
    if post_weights not in ("uniform", "pooled"):
        raise ValueError("post_weights must be 'pooled' or 'uniform'")
    if inference not in ("wild", "crv1"):
        raise ValueError(f"unknown inference {inference!r}; valid: ['wild', 'crv1']")
    log = outcome != "mean_feedback"
    if id is None:
        id = "productivity.feedback" if outcome == "mean_feedback" else f"productivity.{outcome}"
    fm, sample = sample_freelancers(freelancer_month, max_freelancers, seed)
    unit, n_no_exposure = "category", 0
    if exposure == "pre_release":
        if "exposure_category" not in fm.columns:
            raise ValueError("the freelancer_month panel has no exposure_category column "
                             "(build it with analysis.data.panels.build_panels)")
        has = fm["exposure_category"].notna()
        n_no_exposure = int(fm.loc[~has, "freelancer_id"].nunique())
        fm, unit = fm[has], "exposure_category"
    exposed = sorted(set(map(str, exposed)))
    if controls is not None:
        fm = fm[fm[unit].astype("str").isin(set(exposed) | set(map(str, controls)))]
    cats = fm[unit].astype("str")

    def not_estimable(reason: str):
        n_all = cats.nunique()
        n_ex = int(cats[cats.isin(exposed)].nunique())
        scope = (f"freelancers by main pre-release category, {n_ex} exposed vs {n_all - n_ex} other categories "
                 "(freelancer FE)" if exposure == "pre_release" else
                 f"freelancer rows by their own category, {n_ex} exposed vs {n_all - n_ex} others")
        return NotEstimable(reason, id, outcome, scope,
                            {"sample": sample, "n_freelancers": 0, "n_no_exposure": n_no_exposure,
                             "exposure": exposure, "pre_mean": None})

    who = "main pre-release category" if exposure == "pre_release" else "category"
    if not len(fm):
        raise not_estimable("no sampled freelancer has a contract before the treatment date "
                            f"({treatment_date}), so none has a main pre-release category")
    if not cats.isin(exposed).any():
        raise not_estimable(f"no freelancer's {who} is one of the exposed categories ({_names(exposed)})")
    if cats.isin(exposed).all():
        raise not_estimable(f"every freelancer's {who} is an exposed category ({_names(exposed)}): "
                            "there are no control freelancers")
    df = prepare(drop_partial_month(fm, treatment_date), outcome, sorted(cats.unique()), unit, log)
    df["freelancer_id"] = df["freelancer_id"].astype("str")
    df = _drop_singletons(df, ["freelancer_id", "month"])
    if not len(df):
        raise not_estimable(f"no freelancer has {_OUTCOME_WORDS[outcome]} in two different months (a freelancer "
                            "seen in one month only is fitted exactly by their own fixed effect)")
    post = post_mask(df["month"], treatment_date)
    ex = df[unit].isin(exposed).to_numpy()
    why = _no_span(df, ex, post, {True: f"of the exposed categories ({_names(exposed)})",
                                  False: "of the control categories"}, treatment_date)
    if why:
        raise not_estimable(why)
    df["_D"] = (ex & post).astype("float64")
    df["_cl"] = codes(df[unit])
    others: list[str] = []
    if post_weights == "uniform":
        # sum_m b_m D_m = b_bar * D + sum_{m != last} (b_m - b_bar) (D_m - D_last)
        post_months = sorted(df.loc[post, "month"].unique())
        why = _missing_post_months(df["month"], ex, post_months, exposed)
        if why:
            raise not_estimable(why)
        d_last = (ex & (df["month"] == post_months[-1]).to_numpy()).astype("float64")
        for j, m in enumerate(post_months[:-1]):
            df[f"_W{j}"] = (ex & (df["month"] == m).to_numpy()).astype("float64") - d_last
            others.append(f"_W{j}")
    fit = feols("_y ~ " + " + ".join(["_D"] + others) + " | freelancer_id + month", df, {"CRV1": unit})
    if set(fit.coef().index) != {"_D", *others}:  # pyfixest dropped a regressor: the design is collinear
        raise not_estimable(_COLLINEAR)
    crv1 = crv1_of(fit, "_D")
    n_cl = int(df["_cl"].nunique())
    word = " by pre-release category" if exposure == "pre_release" else " by category"
    try:
        inf = infer(inference, df, unit=unit, fe_cols=["freelancer_id", "month"], xcol="_D", crv1=crv1,
                    treated=exposed, controls=[], seed=seed, n_clusters=n_cl, others=others, b_reps=b_reps,
                    cluster_word=word)
    except np.linalg.LinAlgError:  # the bootstrap's partialling-out met a singular matrix
        raise not_estimable(_COLLINEAR) from None
    p, ci, q, label = inf.p, inf.ci, inf.details["wcu_critical"], inf.label
    scale = 1.0 if log else float(df.loc[ex & ~post, "_y"].mean())
    if exposure == "pre_release":
        scope = (f"freelancers by main pre-release category, {len(exposed)} exposed vs {n_cl - len(exposed)} "
                 f"other categories (freelancer FE)")
    else:
        scope = f"freelancer rows by their own category, {len(exposed)} exposed vs {n_cl - len(exposed)} others"
    if sample["sampled"]:
        scope += f"; random sample of {sample['n_sampled']:,} of {sample['n_freelancers']:,} freelancers"
    details = {"crv1": crv1, "wcu_critical": q, "pre_mean": scale if not log else None,
               "n_freelancers": int(df["freelancer_id"].nunique()), "sample": sample,
               "n_no_exposure": n_no_exposure, "exposure": exposure}
    return estimate_from_fit(id, outcome, scope, crv1["coef"], ci, p, label, len(df), crv1["se"], log,
                          details, scale)


#: Outcomes of the balanced-panel design and their model: Poisson PML for
#: counts and dollars (zeros kept), a linear probability model for the
#: extensive margin.
BALANCED_OUTCOMES = {"contracts": "ppml", "earnings": "ppml", "any_contract": "lpm"}


def balanced_within_freelancer(panel: pd.DataFrame, outcome: str, exposed: Sequence[str],
                               controls: Sequence[str], treatment_date: str = TREATMENT_DATE,
                               group: str = "focus", id: str | None = None,
                               sample: dict | None = None, seed: int | None = None) -> Estimate:
    """Within-freelancer DiD on the balanced freelancer-month panel.

    ``y ~ D | freelancer_id + month`` on the panel of
    :func:`analysis.data.panels.build_freelancer_panel` (one row per month of
    each freelancer's span, zeros included), where ``D`` is 1 after the
    release for freelancers whose *main pre-release category*
    (``exposure_category``) is in ``exposed``. Exposure is fixed per
    freelancer, so a freelancer who moves to another category after the
    release stays in their pre-release group (the move is part of the
    effect, not a change of group). Freelancers without a pre-release
    contract have no exposure and are left out (``details["n_no_exposure"]``);
    so are freelancers whose main category is in neither ``exposed`` nor
    ``controls`` (e.g. the other focus group's).

    ``contracts`` and ``earnings`` are estimated by Poisson pseudo-maximum
    likelihood (pyfixest ``fepois``), consistent for the log of the mean
    under any distribution of the counts and with zeros kept; the effect is
    ``100*(exp(b)-1)`` percent. ``any_contract`` (1 in a month with a
    contract) is a linear probability model (``feols``); the effect is
    ``100*b`` percentage points. ``b`` is the single pooled post
    coefficient (with PPML, months weigh by their expected counts).

    Inference: CRV1 clustered by the pre-release category, because
    treatment is assigned by category and shocks to a category's demand hit
    all its freelancers together (clustering by freelancer would treat
    freelancers of the same category as independent and understate the
    error). pyfixest's CRV1 uses the t distribution with G-1 degrees of
    freedom; with about 12 categories, and a single exposed one for the
    new-AI-work group, the interval is a rough guide only (CRV1 over-rejects
    with one treated cluster), so these estimates are reported but carry no
    verdict of their own; the label says how many clusters were exposed.

    Parameters
    ----------
    panel : DataFrame
        The balanced panel.
    outcome : {"contracts", "earnings", "any_contract"}
    exposed, controls : sequence of str
        Exposed and control categories (by pre-release category).
    treatment_date : str
    group : str
        Name of the exposed group in the id (``"new_ai_work"``, ``"tiered"``).
    id : str, optional
        Default ``productivity.balanced.<group>.<outcome>``.
    sample : dict, optional
        The sample description of the panel's build, kept in ``details``.
    seed : int, optional
        Accepted so that every estimator takes the run's seed; unused (the
        sample is drawn when the panel is built, and CRV1 has no random step).

    Returns
    -------
    Estimate

    Raises
    ------
    NotEstimable
        When no freelancer's main pre-release category is among ``exposed``,
        or none among ``controls``, or when no freelancer of one of the two
        groups is observed both before and after the treatment date (the
        reason names the categories; ``details["n_no_exposure"]`` and
        ``details["sample"]`` are kept for the page).
    """
    if outcome not in BALANCED_OUTCOMES:
        raise ValueError(f"outcome must be one of {sorted(BALANCED_OUTCOMES)}")
    exposed, controls = sorted(set(map(str, exposed))), sorted(set(map(str, controls)) - set(map(str, exposed)))
    has = panel["exposure_category"].notna()
    n_no_exposure = int(panel.loc[~has, "freelancer_id"].nunique())
    # The partly treated month of a mid-month treatment date is neither before nor after: left out,
    # as in within_freelancer and the category DiDs (analysis.core.periods.drop_partial_month).
    df = drop_partial_month(panel[has & panel["exposure_category"].isin(exposed + controls)], treatment_date).copy()
    ex = df["exposure_category"].isin(exposed).to_numpy()
    ppml = BALANCED_OUTCOMES[outcome] == "ppml"
    log, model = (True, "Poisson PML") if ppml else (False, "linear probability model")
    if id is None:
        id = f"productivity.balanced.{group}.{outcome}"
    n_ex = len(exposed)
    scope = (f"{model}; freelancers by main pre-release category, {n_ex} exposed vs {len(controls)} control "
             f"categories; balanced freelancer-month panel with zeros (freelancer and month FE)")
    # A linear probability model's effect is in percentage points: ``<outcome>_pp``, as the shares
    # (analysis.estimation.shares), so tables give it its unit.
    out_name = outcome if log else f"{outcome}_pp"
    post = post_mask(df["month"], treatment_date)

    def not_estimable(reason: str):
        return NotEstimable(reason, id, out_name, scope, {"model": model, "n_freelancers": 0,
                                                         "n_no_exposure": n_no_exposure, "sample": sample,
                                                         "group": group})

    if not ex.any():
        raise not_estimable(f"no freelancer's main pre-release category is one of the exposed categories "
                            f"({_names(exposed)})")
    if ex.all():
        raise not_estimable("no freelancer's main pre-release category is one of the control categories"
                            + (f" ({_names(controls)})" if controls else " (there are none)"))
    why = _no_span(df, ex, post, {True: f"of the exposed categories ({_names(exposed)})",
                                  False: f"of the {len(controls)} control categories"}, treatment_date)
    if why:
        raise not_estimable(why)
    df["_D"] = (ex & post).astype("float64")
    df["_y"] = df[outcome].astype("float64")
    vcov = {"CRV1": "exposure_category"}
    if ppml:
        from .inference import pyfixest, quiet

        pf = pyfixest()

        with quiet(), warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "singleton fixed effects dropped": n_obs says so
            fit = pf.fepois("_y ~ _D | freelancer_id + month", data=df, vcov=vcov, fixef_tol=1e-13,
                            fixef_maxiter=100_000, iwls_tol=1e-10, iwls_maxiter=100)
    else:
        fit = feols("_y ~ _D | freelancer_id + month", _drop_singletons(df, ["freelancer_id", "month"]), vcov)
    r = crv1_of(fit, "_D")
    n_cl = len(set(df["exposure_category"]))
    label = f"CRV1 by pre-release category ({n_cl} clusters, {n_ex} exposed; t with {n_cl - 1} df)"
    details = {"crv1": r, "model": model, "n_freelancers": int(df["freelancer_id"].nunique()),
               "n_no_exposure": n_no_exposure, "sample": sample, "group": group}
    return estimate_from_fit(id, out_name, scope, r["coef"], r["ci"], r["p"], label, int(fit._N), r["se"], log,
                             details)
