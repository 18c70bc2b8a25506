"""Event studies: one coefficient per month relative to the release, with a pre-trend test."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..core.periods import drop_partial_month, first_post_month, reference_month
from ..results.convert import pct
from .common import prepare, resolve_units
from .did import TREATMENT_DATE
from .inference import (
    DEFAULT_SEED,
    MAX_ENUMERATE,
    feols,
    randomization_assignments,
    refit_assignments,
)


@dataclass
class EventStudy:
    """Result of :func:`event_study`.

    Attributes
    ----------
    table : DataFrame
        One row per relative month (``rel_month``, the omitted month
        included): ``coef``, ``se``, ``coef_pct``, ``ci_low_pct``,
        ``ci_high_pct`` on the study's ``baseline``, and ``coef_ref`` and
        ``coef_ref_pct``, the coefficient relative to the omitted month
        ``ref`` (zero there). The
        end bins collect every month beyond the window.
    pretrend_p : float
        Joint test that all pre-period coefficients are equal (zero relative
        to ``ref``); it does not depend on the baseline.
    pretrend_method : str
        How ``pretrend_p`` and the intervals were obtained.
    n_obs : int
    ref : int
        The relative month omitted from the regression.
    baseline : str
        ``"pre-mean"`` (coefficients relative to the mean of the pre-release
        months) or ``"ref"`` (relative to month ``ref``).
    """

    table: pd.DataFrame
    pretrend_p: float
    pretrend_method: str
    n_obs: int
    ref: int = -1
    baseline: str = "pre-mean"


#: Baselines of :func:`event_study`.
BASELINES = ("pre-mean", "ref")


def _baseline_matrix(months: Sequence[int], ref: int, baseline: str) -> np.ndarray:
    """Linear map from the coefficients relative to ``ref`` to those on ``baseline``.

    ``months`` lists every relative month shown, ``ref`` included (its
    coefficient relative to itself is zero). ``"pre-mean"`` subtracts the
    mean over the pre-release months (``k < 0``; an end bin counts as one
    month); ``"ref"`` is the identity.

    >>> _baseline_matrix([-2, -1, 0], -1, "pre-mean") @ np.array([0.2, 0.0, 0.5])
    array([ 0.1, -0.1,  0.4])
    """
    n = len(months)
    if baseline == "ref":
        return np.eye(n)
    if baseline != "pre-mean":
        raise ValueError(f"baseline must be one of {BASELINES}, not {baseline!r}")
    pre = np.array([k < 0 for k in months], dtype="float64")
    if not pre.any():
        raise ValueError("baseline 'pre-mean' needs at least one pre-release month in the window")
    return np.eye(n) - np.outer(np.ones(n), pre / pre.sum())


def event_study(panel: pd.DataFrame, outcome: str, treated, controls: Sequence[str] | None = None,
                treatment_date: str = TREATMENT_DATE, window: tuple[int, int] = (-12, 18), ref: int | None = None,
                log: bool = True, unit: str = "category", time: str = "month",
                seed: int = DEFAULT_SEED, max_enumerate: int = MAX_ENUMERATE,
                baseline: str = "pre-mean") -> EventStudy:
    """Event-study DiD with unit and month fixed effects.

    ``log(y) ~ sum_k b_k 1[treated, rel = k] | unit + month`` where ``rel`` is
    the month relative to the first post month (0 = December 2022 for the
    default date); ``rel`` below ``window[0]`` is binned into ``window[0]``
    and above ``window[1]`` into ``window[1]``; ``ref`` is omitted.

    The coefficients are reported relative to the mean of the pre-release
    months (``baseline="pre-mean"``, the default): a single reference month
    carries its own noise into every coefficient, so a noisy or unusual
    month before the release would shift the whole curve; the pre-release
    mean averages that noise away, and a steady pre-release trend shows as
    coefficients that rise (or fall) through zero. ``baseline="ref"`` gives
    the regression's own parametrisation (zero at ``ref``). The change of
    baseline is a linear map of the coefficient vector (:func:`_baseline_matrix`),
    applied alike to the estimate, to every placebo vector (Conley-Taber) and
    to the cluster-robust covariance, so the intervals are those of the
    re-centred coefficients; the omitted month then has an interval too.

    Inference follows :func:`did_panel`. With one treated unit, each
    coefficient's interval is Conley-Taber style (placebo event studies of
    every control against the other controls, t with n_c-1 df). With several,
    intervals are CRV1 by unit (t, G-1 df). The joint pre-trend test is by
    randomization in both cases (a CRV1 Wald test with as many pre
    coefficients as clusters is singular): the statistic
    ``W = sum_pre (b_k / s_k)^2``, with ``s_k`` the spread of ``b_k`` across
    all placements, is compared with its value under every placement of the
    treatment (same number of treated units).

    Parameters
    ----------
    panel, outcome, treated, controls, treatment_date, log, unit, time, seed
        As in :func:`did_panel`.
    window : (int, int)
        First and last relative month shown (end bins).
    ref : int, optional
        Omitted reference relative month. Default: the last whole pre month
        (:func:`analysis.core.periods.reference_month`: -1, or -2 when the
        month before the first post month is partly treated; that month is
        left out of the sample and cannot be the reference).
    max_enumerate : int
        Enumeration limit of the placements.
    baseline : {"pre-mean", "ref"}
        What the coefficients are relative to (see above).

    Returns
    -------
    EventStudy
    """
    treated, controls = resolve_units(panel, unit, treated, controls)
    df = prepare(drop_partial_month(panel, treatment_date, time), outcome, treated + controls, unit, log)
    if ref is None:
        ref = reference_month(treatment_date)
    elif ref > reference_month(treatment_date) and ref < 0:
        raise ValueError(f"ref {ref} is the partly treated month of {treatment_date}: use "
                         f"{reference_month(treatment_date)}")
    lo, hi = window
    if not lo <= ref <= hi:
        raise ValueError("ref must lie inside the window")
    first = first_post_month(treatment_date).to_period("M")
    rel = np.array([(m - first).n for m in pd.to_datetime(df[time]).dt.to_period("M")])
    rel = np.clip(rel, lo, hi)
    ks = [k for k in range(lo, hi + 1) if k != ref and (rel == k).any()]
    onehot = np.column_stack([(rel == k) for k in ks]).astype("float64")
    names = [f"_e{j}" for j in range(len(ks))]

    def make_x(in_s, rows):
        return onehot[rows] * in_s[:, None]

    tr = df[unit].isin(treated).to_numpy()
    x = make_x(tr, df["_row"].to_numpy())
    for j, nm in enumerate(names):
        df[nm] = x[:, j]
    fit = feols("_y ~ " + " + ".join(names) + f" | {unit} + {time}", df, {"CRV1": unit})
    b = fit.coef()[names].to_numpy()
    all_units = sorted(set(treated) | set(controls))
    assign = randomization_assignments(all_units, len(treated), seed, max_enumerate, include=treated)
    pl = refit_assignments(df, unit, [unit, time], make_x, range(len(ks)), assign).coefs
    pre = np.array([k < ref for k in ks]) if ref < 0 else np.array([k < 0 for k in ks])
    s = pl.std(axis=0)
    s[s == 0] = np.inf
    w_all = ((pl[:, pre] / s[pre]) ** 2).sum(axis=1)
    w_act = float(((b[pre] / s[pre]) ** 2).sum())
    p_pre = float(np.mean(w_all >= w_act - 1e-10 * max(1.0, w_act)))
    # Every month shown, the omitted one included (zero relative to itself), and the map to the baseline.
    months = sorted([*ks, ref])
    at = [months.index(k) for k in ks]
    a_map = _baseline_matrix(months, ref, baseline)

    def full(v: np.ndarray) -> np.ndarray:  # coefficients over ks (last axis) -> over months, 0 at ref
        out = np.zeros((*v.shape[:-1], len(months)))
        out[..., at] = v
        return out

    if len(treated) == 1 and len(controls) > 1:
        dfc = df[df[unit].isin(controls)].reset_index(drop=True)
        ct = refit_assignments(dfc, unit, [unit, time], make_x,
                                range(len(ks)), [(c,) for c in controls]).coefs
        se = np.sqrt(((full(ct) @ a_map.T) ** 2).mean(axis=0))
        tq = stats.t.ppf(0.975, len(controls) - 1)
        method = (f"Conley-Taber intervals ({len(controls)} controls); pre-trend p by randomization "
                  f"({len(assign)} placements)")
    else:
        pos = [list(fit.coef().index).index(nm) for nm in names]
        v = np.zeros((len(months), len(months)))
        v[np.ix_(at, at)] = np.asarray(fit._vcov)[np.ix_(pos, pos)]
        se = np.sqrt(np.clip(np.diag(a_map @ v @ a_map.T), 0, None))
        tq = stats.t.ppf(0.975, len(all_units) - 1)
        method = (f"CRV1 intervals by {unit} (t, {len(all_units) - 1} df); pre-trend p by randomization "
                  f"({len(assign)} placements)")
    b_ref = full(b)
    b_out = a_map @ b_ref
    if baseline == "ref":
        se[months.index(ref)] = math.nan  # the omitted month: zero by construction
    tab = pd.DataFrame({"rel_month": months, "coef": b_out, "se": se, "coef_ref": b_ref})
    f = pct if log else (lambda v: 100 * v / float(df.loc[tr, "_y"].mean()))
    tab["coef_pct"] = f(tab["coef"])
    tab["ci_low_pct"] = f(tab["coef"] - tq * tab["se"])
    tab["ci_high_pct"] = f(tab["coef"] + tq * tab["se"])
    tab["coef_ref_pct"] = f(tab["coef_ref"])
    return EventStudy(tab, p_pre, method, len(df), ref=ref, baseline=baseline)


def pretrend_estimate(study, id: str, outcome: str, scope: str):
    """The pre-trend test of an event study as an :class:`~analysis.results.Estimate` for the results table.

    ``estimate_pct`` is the mean of the pre-release coefficients other than
    the omitted month, each relative to the omitted month (``coef_ref_pct``; percent as the study's
    coefficients are, whatever the study's baseline), ``p_value`` the joint test of
    :func:`analysis.estimation.event_study`; there is no interval.
    """
    from analysis.results import Estimate

    t = study.table
    pre = t[(t["rel_month"] < 0) & (t["rel_month"] != study.ref)]
    est_pct = float(pre["coef_ref_pct"].mean())
    return Estimate(id=id, outcome=outcome, scope=scope, estimate_pct=est_pct,
                    ci_low_pct=math.nan, ci_high_pct=math.nan, p_value=float(study.pretrend_p),
                    inference=f"joint pre-trend test: {study.pretrend_method}", n_obs=int(study.n_obs))
