"""Inference, chosen in one place for every estimator.

Inference with few categories
-----------------------------
The platform has about a dozen top-level categories, and each category
effect compares ONE category with the others. Cluster-robust standard errors
(CRV1 by category) are then unreliable: the treated cluster's score is
estimated from a single cluster, and CRV1 t-tests over-reject badly. The
wild cluster bootstrap is no cure either when only one cluster is treated
(MacKinnon and Webb 2017). We therefore use:

* **one treated unit** (the default of :func:`analysis.estimation.did.did_panel`): *randomization
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
from scipy import linalg, stats

#: Wild bootstrap draws (Webb weights) used by default.
DEFAULT_B = 9999


#: Largest number of treatment assignments enumerated by randomization inference.
MAX_ENUMERATE = 2000


#: Assignments drawn when there are more than :data:`MAX_ENUMERATE`.
N_RANDOM_ASSIGNMENTS = 1999


DEFAULT_SEED = 20240501


@contextlib.contextmanager
def quiet():
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


def pyfixest():
    """The ``pyfixest`` module, imported without its side effect on logging.

    pyfixest 0.60 calls ``logging.basicConfig(level=logging.INFO)`` when it is
    imported, which made every library's INFO messages (fontTools subsetting
    fonts whenever a PDF figure is saved) print into the chapters' pages. The
    root logger's level and handlers are put back as they were.
    """
    import importlib
    import logging

    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    import pyfixest as pf

    try:  # the module with the basicConfig call, imported lazily by pyfixest: import it now, under our control
        importlib.import_module("pyfixest.estimation.models.feols_compressed_")
    except ImportError:  # pragma: no cover (another pyfixest layout)
        pass
    root.setLevel(level)
    for h in list(root.handlers):
        if h not in handlers:
            root.removeHandler(h)
    return pf


def feols(fml: str, data: pd.DataFrame, vcov):
    pf = pyfixest()

    # A tight demeaning tolerance: with the default (1e-8) two runs of the
    # alternating projections differ in the 9th digit, and the book promises
    # identical numbers and figure files for identical inputs.
    with quiet():
        return pf.feols(fml, data=data, vcov=vcov, fixef_tol=1e-13, fixef_maxiter=100_000)


def codes(values) -> np.ndarray:
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
    pyfixest()
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

    # The projection off ``others``: an orthonormal basis of their span, from a
    # pivoted QR once (columns beyond the numerical rank are left out, so
    # collinear ``others`` span what they span instead of making a singular system).
    basis = None
    if od.shape[1]:
        q_, r_, _ = linalg.qr(od, mode="economic", pivoting=True)
        diag = np.abs(np.diag(r_))
        rank = int((diag > diag.max(initial=0.0) * max(od.shape) * np.finfo(float).eps).sum())
        basis = q_[:, :rank] if rank else None

    def m_other(z):
        if basis is None:
            return z
        return z - basis @ (basis.T @ z)

    yt, xt = m_other(yd), m_other(xd)
    xx = float(xt @ xt)
    b = float(xt @ yt) / xx
    u_unr = yt - xt * b  # unrestricted residuals (in the M space)
    xx_g = np.bincount(cl, weights=xt * xt, minlength=n_cl)

    def scores(u):
        return np.bincount(cl, weights=xt * u, minlength=n_cl)

    se = float(np.sqrt((scores(u_unr) ** 2).sum()) / xx)
    t = b / se
    onehot = np.zeros((len(cl), n_cl))
    onehot[np.arange(len(cl)), cl] = 1.0

    def a_matrix(u):
        mz = m_other(_demean(onehot * u[:, None], fe_codes))
        # A[g, h] = sum_{i in g} x~_i (M z_h)_i
        return onehot.T @ (xt[:, None] * mz)

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


@dataclass
class _Placements:
    """Coefficients of the target column(s) under alternative assignments."""

    assignments: list[tuple[str, ...]]
    coefs: np.ndarray  # (n_assign, n_target)


def refit_assignments(df: pd.DataFrame, unit: str, fe_cols: Sequence[str],
                       make_x: Callable[[np.ndarray], np.ndarray], target: Sequence[int],
                       assignments: list[tuple[str, ...]]) -> _Placements:
    proj = _FEProjector([codes(df[c]) for c in fe_cols])
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
    full = refit_assignments(df, unit, fe_cols, make_x, [target_col], assign)
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
        ct = refit_assignments(dfc, unit, fe_cols, make_x, [target_col], ct_assign).coefs[:, 0]
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
    fe = np.column_stack([codes(df[c]) for c in fe_cols])
    oth = df[list(others)].to_numpy(dtype=float) if others else None
    r = wild_cluster_bootstrap(df["_y"].to_numpy(), df[xcol].to_numpy(float), fe, codes(df[cluster_col]),
                               others=oth, b_reps=b_reps, seed=seed)
    return r["p"], r["ci"], r["critical"]


def crv1_of(fit, param: str) -> dict:
    ci = fit.confint()
    return dict(coef=float(fit.coef()[param]), se=float(fit.se()[param]),
                p=float(fit.pvalue()[param]),
                ci=(float(ci.loc[param].iloc[0]), float(ci.loc[param].iloc[1])))


#: Inference methods every estimator accepts (``inference=...``).
METHODS = ("auto", "randomization", "wild", "crv1")


@dataclass
class Inference:
    """The inference of one coefficient: p-value, 95% interval, scale, method label, details."""

    p: float
    ci: tuple[float, float]
    se: float
    label: str
    details: dict = field(default_factory=dict)


def infer(method: str, df: pd.DataFrame, *, unit: str, fe_cols: Sequence[str], xcol: str, crv1: dict,
          treated: Sequence[str], controls: Sequence[str], seed: int, n_clusters: int,
          make_x: Callable | None = None, target: int = 0, others: Sequence[str] = (),
          b_reps: int = DEFAULT_B, max_enumerate: int = MAX_ENUMERATE, n_random: int = N_RANDOM_ASSIGNMENTS,
          cluster_word: str = "") -> Inference:
    """Inference for the coefficient of ``xcol``, by one of :data:`METHODS`.

    ``"auto"`` is randomization inference with a Conley-Taber interval when one
    unit is treated and the wild cluster bootstrap (Webb weights, WCR) when
    several are (see the module docstring). ``"crv1"`` is pyfixest's
    cluster-robust result, with ``t`` on ``n_clusters - 1`` degrees of
    freedom.

    Parameters
    ----------
    method : str
        One of :data:`METHODS`.
    df : DataFrame
        The estimation sample (with ``_y`` and the regressors).
    unit : str
        The column treatment is assigned by (also the bootstrap's cluster).
    fe_cols : sequence of str
        Fixed-effect columns.
    xcol : str
        The coefficient's regressor.
    crv1 : dict
        :func:`crv1_of` of the fit (its ``se`` is reported by the bootstrap).
    treated, controls : sequence of str
        Treated and control units.
    seed : int
        Seed of the bootstrap and of sampled placements.
    n_clusters : int
        Number of clusters named in the method label.
    make_x : callable, optional
        ``make_x(in_treated_rows, rows) -> X`` for randomization placements;
        ``target`` is the column of ``X`` that holds the coefficient.
    others : sequence of str
        Other regressors partialled out by the bootstrap.
    b_reps, max_enumerate, n_random : int
        Bootstrap draws, enumeration limit and sample size of placements.
    cluster_word : str
        Words after "wild cluster bootstrap" in the label (e.g. ``" by category"``).

    Returns
    -------
    Inference
    """
    if method == "auto":
        method = "randomization" if len(treated) == 1 else "wild"
    if method == "randomization":
        if make_x is None:
            raise ValueError("randomization inference needs make_x")
        ri = _ri_and_ct(df, unit, fe_cols, make_x, target, list(treated), list(controls), seed,
                        max_enumerate, n_random)
        return Inference(ri["p"], ri["ci"], ri["se"], _ri_label(ri, len(controls)), ri)
    if method == "wild":
        p, ci, q = _wild(df, xcol, fe_cols, unit, b_reps, seed, others=others)
        return Inference(p, ci, crv1["se"],
                         f"wild cluster bootstrap{cluster_word} (Webb, B={b_reps}; {n_clusters} clusters)",
                         {"wcu_critical": q})
    if method == "crv1":
        return Inference(crv1["p"], crv1["ci"], crv1["se"], f"CRV1 by {unit} (t, {n_clusters - 1} df)",
                         {"wcu_critical": math.nan})
    raise ValueError(f"unknown inference {method!r}; valid: {list(METHODS)}")
