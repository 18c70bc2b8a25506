"""Rambachan-Roth confidence sets under relative-magnitude bounds, :math:`\\Delta^{RM}(\\bar M)`.

The restriction: after the release, the differential trend may move between
consecutive periods by at most ``Mbar`` times the largest move between
consecutive pre-release periods (Rambachan and Roth 2023, section 2.4).
``Mbar = 1``: a violation of parallel trends as large as the worst the
pre-period shows. The confidence set is the union, over the location ``s``
of that largest pre-period move and its sign, of the Andrews-Roth-Pakes
(ARP) conditional-least-favourable hybrid test's acceptance region
(:func:`relative_magnitudes_ci`). The breakdown value (:func:`breakdown_mbar`)
is the largest ``Mbar`` at which the set still excludes zero.

This is a port of the R package HonestDiD (``deltarm.R``,
``arp-nuisance.R``): the same constraint matrices, the same ``s`` values
(every pre-period difference, ``s = -(T_pre - 1), ..., 0``, the last being
the difference into the reference period), the same grid (1,000 points on
``±20`` standard errors of the target around zero), the same test, and the
least-favourable critical value from the same 1,000 simulated draws (R's
``set.seed(0); mvtnorm::rmvnorm``, reproduced by
:func:`analysis.estimation.honest._r_rnorm` and the symmetric square root
that ``rmvnorm``'s default ``"eigen"`` method uses). It reproduces the
printed relative-magnitude table of the HonestDiD README (Medicaid example;
``tests/test_honest.py``). ``moderndid`` 0.2.0's port was not used: it
leaves out one of the ``s`` values (its ``s`` indexes the difference one
period later than R's, so the earliest pre-period difference is never the
largest) and gives 0.0086 where R prints 0.00824 (``Mbar = 1.5``).

Two departures, for speed, that do not change the answer: each ``(s,
sign)`` acceptance region is found by bisection from an accepted grid point
rather than by testing all 1,000 points (the regions are intervals; the
test suite checks it against the full grid on the Medicaid example), and the
least-favourable value of each simulated draw is computed by enumerating the
vertices of its small linear program (exact, vectorized over the draws)
rather than by 1,000 calls to a solver.

References
----------
Andrews, I., J. Roth and A. Pakes (2023). Inference for linear conditional
moment inequalities. *Review of Economic Studies* 90(6), 2763-2791.

Rambachan, A. and J. Roth (2023). A more credible approach to parallel
trends. *Review of Economic Studies* 90(5), 2555-2591.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from scipy import optimize, stats

__all__ = ["rm_constraints", "relative_magnitudes_ci", "sensitivity_rm", "breakdown_mbar", "bin_event_study",
           "rm_summary", "binned_periods", "RM_BIN_MONTHS", "RM_MBAR", "BREAKDOWN_UPPER"]

#: Simulated draws of the least-favourable critical value (HonestDiD's default).
LF_SIMS = 1000
#: Grid points of the confidence set (HonestDiD's default).
GRID_POINTS = 1000
_TOL_LAMBDA = 1e-6


def rm_constraints(n_pre: int, n_post: int, mbar: float, s: int, positive: bool) -> np.ndarray:
    """``A`` with ``A delta <= 0`` for :math:`\\Delta^{RM}_{s,\\pm}(\\bar M)` (HonestDiD's ``.create_A_RM``).

    ``delta`` holds the pre-period coefficients ``-n_pre..-1`` then the post
    ones ``1..n_post`` (the reference period 0 is dropped). ``s`` in
    ``-(n_pre-1)..0`` names the largest pre-period difference
    ``delta_s - delta_{s-1}``; ``positive`` its sign.

    Examples
    --------
    >>> rm_constraints(2, 1, 1.0, 0, True).shape
    (5, 3)
    """
    if not -(n_pre - 1) <= s <= 0:
        raise ValueError(f"s must be in {-(n_pre - 1)}..0, not {s}")
    t = n_pre + n_post
    atilde = np.zeros((t, t + 1))
    for r in range(t):
        atilde[r, r:r + 2] = (-1.0, 1.0)
    v = np.zeros(t + 1)
    v[n_pre + s - 1:n_pre + s + 1] = (-1.0, 1.0)
    if not positive:
        v = -v
    a_ub = np.vstack([np.tile(v, (n_pre, 1)), np.tile(mbar * v, (n_post, 1))])
    a = np.vstack([atilde - a_ub, -atilde - a_ub])
    a = a[(a**2).sum(axis=1) > 1e-10]
    return np.delete(a, n_pre, axis=1)


def _gamma(l_vec: np.ndarray) -> np.ndarray:
    """Invertible matrix with ``l'`` as first row (HonestDiD's ``.construct_Gamma``: the
    pivot columns of ``[l, I]``, i.e. ``l`` then the unit vectors that add rank)."""
    n = len(l_vec)
    cols = [l_vec]
    for j in range(n):
        e = np.zeros(n)
        e[j] = 1.0
        if np.linalg.matrix_rank(np.column_stack(cols + [e])) > len(cols):
            cols.append(e)
        if len(cols) == n:
            break
    return np.column_stack(cols).T


def _sqrt_psd(sigma: np.ndarray) -> np.ndarray:
    """Symmetric square root, as ``mvtnorm::rmvnorm(method = "eigen")`` uses (unique, so
    independent of the eigen-solver's signs)."""
    w, v = np.linalg.eigh(sigma)
    return (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T


def _eta_min_max(xi: np.ndarray, x: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """``min_d max_i (xi_i - x_i'd) / sd_i`` for each row of ``xi`` (exact: the optimum of this
    linear program sits at a vertex where ``k + 1`` constraints bind; every ``d`` gives an upper
    bound, so the least over the vertices' ``d`` is the optimum)."""
    m, k = x.shape
    w = np.column_stack([sd, x])
    best = np.full(len(xi), np.inf)
    combos = list(itertools.combinations(range(m), k + 1))
    if len(combos) > 20_000:  # pragma: no cover - the book's designs stay far below
        raise ValueError("too many moments for the vertex enumeration")
    for rows in combos:
        ws = w[list(rows)]
        if abs(np.linalg.det(ws)) < 1e-12:
            continue
        sol = np.linalg.solve(ws, xi[:, list(rows)].T)  # (k+1) x draws
        d = sol[1:]
        vals = ((xi - (x @ d).T) / sd).max(axis=1)
        best = np.minimum(best, vals)
    return best


def _lf_cv(x: np.ndarray, sigma: np.ndarray, kappa: float, sims: int = LF_SIMS) -> float:
    """Least-favourable critical value (HonestDiD's ``.compute_least_favorable_cv``, seed 0)."""
    from analysis.estimation.honest import _r_rnorm

    m = sigma.shape[0]
    z = _r_rnorm(sims * m, 0).reshape(sims, m)  # matrix(rnorm(n * k), nrow = n, byrow = TRUE)
    xi = z @ _sqrt_psd(sigma)
    eta = _eta_min_max(xi, x, np.sqrt(np.diag(sigma)))
    eta = eta[np.isfinite(eta)]
    return float(np.quantile(eta, 1 - kappa))


def _eta_lp(y: np.ndarray, x: np.ndarray, sigma: np.ndarray):
    """``min eta s.t. y - x d <= sd eta`` with its dual (HonestDiD's ``.test_delta_lp_fn``)."""
    sd = np.sqrt(np.diag(sigma))
    k = x.shape[1]
    res = optimize.linprog(np.r_[1.0, np.zeros(k)], A_ub=-np.column_stack([sd, x]), b_ub=-y,
                           bounds=[(None, None)] * (k + 1), method="highs-ds")
    if res.status != 0:
        return None
    return float(res.x[0]), -np.asarray(res.ineqlin.marginals, float)


def _max_program(s_t, gamma, sigma, w_t, c):
    """HonestDiD's ``.max_program``: max ``f'g`` over ``g >= 0``, ``W'g = e_1``."""
    f = s_t + (sigma @ gamma) * c / float(gamma @ sigma @ gamma)
    beq = np.zeros(w_t.shape[1])
    beq[0] = 1.0
    res = optimize.linprog(-f, A_eq=w_t.T, b_eq=beq, bounds=[(0, None)] * len(f), method="highs")
    return res


def _is_solution(c, s_t, gamma, sigma, w_t, tol=1e-6):
    res = _max_program(s_t, gamma, sigma, w_t, c)
    if res.status != 0:
        return False, res
    return abs(c - (-res.fun)) <= tol, res


def _vlo_vup_dual(eta, s_t, gamma, sigma, w_t):
    """Truncation points of the dual approach by HonestDiD's shortcut-then-bisection
    (``.vlo_vup_dual_fn``; ARP 2023, appendix D, algorithm 1)."""
    tol_c = 1e-6
    sigma_b = math.sqrt(float(gamma @ sigma @ gamma))
    low0, high0 = min(-100.0, eta - 20 * sigma_b), max(100.0, eta + 20 * sigma_b)
    ok, _ = _is_solution(eta, s_t, gamma, sigma, w_t)
    if not ok:
        return eta, math.inf
    b = (sigma @ gamma) / float(gamma @ sigma @ gamma)

    def shortcut(res):
        x = res.x
        num = float(x @ s_t)
        num = 0.0 if abs(num) < np.finfo(float).eps ** 0.75 else num
        return num / (1 - float(x @ b))

    out = []
    for start, upward in ((high0, True), (low0, False)):
        ok, res = _is_solution(start, s_t, gamma, sigma, w_t)
        if ok:
            out.append(math.inf if upward else -math.inf)
            continue
        dif, iters = 0.0, 1
        mid = shortcut(res)
        while True:
            ok, res = _is_solution(mid, s_t, gamma, sigma, w_t)
            if ok:
                break
            iters += 1
            if iters >= 10:
                dif = tol_c + 1
                break
            mid = shortcut(res)
        lo, hi = (eta, mid) if upward else (mid, eta)
        while dif > tol_c and iters < 10_000:
            iters += 1
            mid = (lo + hi) / 2
            inside = _is_solution(mid, s_t, gamma, sigma, w_t)[0]
            if upward:
                lo, hi = (mid, hi) if inside else (lo, mid)
            else:
                lo, hi = (lo, mid) if inside else (mid, hi)
            dif = hi - lo
        out.append(mid)
    vup, vlo = out
    return vlo, vup


def _truncnorm_q(p, lo, hi):
    return float(stats.truncnorm.ppf(p, lo, hi))


def _conditional_test(y, x, sigma, alpha, kappa, lf_cv) -> bool:
    """Reject? The ARP conditional-least-favourable hybrid test of ``E[y - x d] <= 0`` for some
    ``d`` (HonestDiD's ``.lp_conditional_test_fn`` with ``hybrid_flag = "LF"``)."""
    sol = _eta_lp(y, x, sigma)
    if sol is None:
        return False
    eta, lam = sol
    if eta > lf_cv:
        return True
    mod_size = (alpha - kappa) / (1 - kappa)
    m, k = x.shape
    binding = lam > _TOL_LAMBDA
    degenerate = int(binding.sum()) != k + 1
    xb = x[binding]
    full_rank = min(xb.shape) > 0 and np.linalg.matrix_rank(xb) == min(xb.shape)
    sd = np.sqrt(np.diag(sigma))
    if degenerate or not full_rank:
        w_t = np.column_stack([sd, x])
        g = lam
        s2 = float(g @ sigma @ g)
        s_t = y - (sigma @ g) * float(g @ y) / s2
        if abs(s2) < np.finfo(float).eps:
            return eta > 0
        vlo, vup = _vlo_vup_dual(eta, s_t, g, sigma, w_t)
        sb = math.sqrt(s2)
        stat = eta / sb
        zlo, zup = vlo / sb, min(vup, lf_cv) / sb
    else:
        nb = ~binding
        wb = np.column_stack([sd[binding], xb])
        wbc = np.column_stack([sd[nb], x[nb]])
        eye = np.eye(m)
        s_b, s_bc = eye[binding], eye[nb]
        wbi = np.linalg.inv(wb)
        gamma_b = wbc @ wbi @ s_b - s_bc
        v_b = (wbi @ s_b)[0]
        s2 = float(v_b @ sigma @ v_b)
        sb = math.sqrt(s2)
        rho = gamma_b @ sigma @ v_b / s2
        mm = (-gamma_b @ y) / rho + float(v_b @ y)
        vlo = float(mm[rho > 0].max()) if (rho > 0).any() else -math.inf
        vup = float(mm[rho < 0].min()) if (rho < 0).any() else math.inf
        zlo, zup = vlo / sb, min(vup, lf_cv) / sb
        stat = eta / sb
    if not (zlo <= stat <= zup):
        return False
    cval = max(0.0, _truncnorm_q(1 - mod_size, zlo, zup))
    return stat > cval


class _FixedS:
    """The ARP test of ``theta`` for one ``(s, sign)`` polyhedron (HonestDiD's ``.ARP_computeCI``)."""

    def __init__(self, betahat, sigma, n_pre, n_post, l_vec, mbar, s, positive, alpha):
        a = rm_constraints(n_pre, n_post, mbar, s, positive)
        post = slice(n_pre, n_pre + n_post)
        agi = a[:, post] @ np.linalg.inv(_gamma(l_vec))
        rows = np.flatnonzero((a[:, post] != 0).sum(axis=1) > 0) if n_post > 1 else np.arange(len(a))
        self.y = a @ betahat
        self.sigma_y = (a @ sigma @ a.T)[np.ix_(rows, rows)]
        self.one = agi[rows, 0]
        self.x = agi[rows, 1:]
        self.y = self.y[rows]
        self.alpha, self.kappa = alpha, alpha / 10
        self.lf = _lf_cv(self.x, self.sigma_y, self.kappa)

    def accepts(self, theta: float) -> bool:
        return not _conditional_test(self.y - self.one * theta, self.x, self.sigma_y, self.alpha, self.kappa,
                                     self.lf)


def _accepted_range(test, grid: np.ndarray, start: int):
    """First and last accepted grid index of an interval acceptance region, by bisection from
    an accepted ``start`` (or ``None`` when no grid point nearby is accepted)."""
    n = len(grid)
    if not test(grid[start]):
        found = None
        for off in range(1, n):
            for j in (start - off, start + off):
                if 0 <= j < n and test(grid[j]):
                    found = j
                    break
            if found is not None or (start - off < 0 and start + off >= n):
                break
        if found is None:
            return None
        start = found
    lo, hi = 0, start
    if test(grid[0]):
        lo_idx = 0
    else:
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if test(grid[mid]) else (mid, hi)
        lo_idx = hi
    lo, hi = start, n - 1
    if test(grid[-1]):
        hi_idx = n - 1
    else:
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if test(grid[mid]) else (lo, mid)
        hi_idx = lo
    return lo_idx, hi_idx


def _check(betahat, sigma, n_pre, n_post, l_vec):
    betahat = np.asarray(betahat, float)
    sigma = np.asarray(sigma, float)
    if n_pre < 1 or n_post < 2:
        raise ValueError("relative-magnitude sets need at least one pre and two post periods")
    if betahat.shape != (n_pre + n_post,) or sigma.shape != (n_pre + n_post,) * 2:
        raise ValueError("betahat and sigma must have n_pre + n_post entries")
    l_vec = np.zeros(n_post) if l_vec is None else np.asarray(l_vec, float)
    if not l_vec.any():
        l_vec[0] = 1.0
    return betahat, sigma, l_vec


def relative_magnitudes_ci(betahat, sigma, n_pre: int, n_post: int, mbar: float, l_vec=None,
                           alpha: float = 0.05, grid_points: int = GRID_POINTS, exhaustive: bool = False,
                           grid: str = "R") -> dict:
    """Rambachan-Roth confidence set for ``theta = l' tau_post`` under :math:`\\Delta^{RM}(\\bar M)`.

    Parameters
    ----------
    betahat, sigma : array
        Event-study coefficients (pre periods first, the reference period
        left out) and their covariance.
    n_pre, n_post : int
        Pre and post coefficients (``n_post >= 2``: the nuisance-parameter
        version of the test; HonestDiD uses another for one post period).
    mbar : float
        ``Mbar`` of the restriction.
    l_vec : array, optional
        Weights of the target; the first post period by default.
    alpha : float
    grid_points : int
        Points of the grid.
    exhaustive : bool
        Test every grid point (as HonestDiD does) instead of bisecting.
    grid : {"R", "centred"}
        ``"R"``: HonestDiD's grid, ``±20`` standard errors of
        ``l' beta_post`` around zero, which misses the set of an estimate
        more than 20 standard errors from zero. ``"centred"``: around
        ``l' beta_post``, half-width 20 standard errors plus the widest
        bias the restriction allows (``Mbar`` times the largest pre-period
        move times ``sum_t t |l_t|``), so the set always lies inside.

    Returns
    -------
    dict
        ``lb``, ``ub`` (``nan`` when the set is empty), ``mbar``,
        ``open`` (the set reaches an end of the grid: widen it).

    Examples
    --------
    >>> import numpy as np
    >>> r = relative_magnitudes_ci([0.0, 0.1, 0.1], np.eye(3) * 1e-4, 1, 2, 1.0, grid_points=200)
    >>> r["lb"] > 0
    True
    """
    betahat, sigma, l_vec = _check(betahat, sigma, n_pre, n_post, l_vec)
    post = slice(n_pre, n_pre + n_post)
    sd_theta = math.sqrt(float(l_vec @ sigma[post, post] @ l_vec))
    theta_hat = float(l_vec @ betahat[post])
    if grid == "R":
        grid = np.linspace(-20 * sd_theta, 20 * sd_theta, grid_points)
    elif grid == "centred":
        max_pre = float(np.abs(np.diff(np.r_[betahat[:n_pre], 0.0])).max())
        half = 20 * sd_theta + mbar * max_pre * float(np.arange(1, n_post + 1) @ np.abs(l_vec))
        grid = np.linspace(theta_hat - half, theta_hat + half, grid_points)
    else:
        raise ValueError("grid must be 'R' or 'centred'")
    start = int(np.clip(np.searchsorted(grid, theta_hat), 0, grid_points - 1))
    accept = np.zeros(grid_points, bool)
    for s in range(-(n_pre - 1), 1):
        for positive in (True, False):
            fs = _FixedS(betahat, sigma, n_pre, n_post, l_vec, mbar, s, positive, alpha)
            if exhaustive:
                accept |= np.array([fs.accepts(t) for t in grid])
            else:
                r = _accepted_range(fs.accepts, grid, start)
                if r is not None:
                    accept[r[0]:r[1] + 1] = True
    if not accept.any():
        return dict(lb=math.nan, ub=math.nan, mbar=float(mbar), open=False)
    return dict(lb=float(grid[accept].min()), ub=float(grid[accept].max()), mbar=float(mbar),
                open=bool(accept[0] or accept[-1]))


def sensitivity_rm(betahat, sigma, n_pre: int, n_post: int, mbar_vec, l_vec=None, alpha: float = 0.05,
                   grid_points: int = GRID_POINTS):
    """:func:`relative_magnitudes_ci` for each ``Mbar`` (HonestDiD's
    ``createSensitivityResults_relativeMagnitudes``): a DataFrame ``lb``, ``ub``, ``Mbar``."""
    import pandas as pd

    rows = [relative_magnitudes_ci(betahat, sigma, n_pre, n_post, m, l_vec, alpha, grid_points) for m in mbar_vec]
    return pd.DataFrame({"lb": [r["lb"] for r in rows], "ub": [r["ub"] for r in rows],
                         "Mbar": [float(m) for m in mbar_vec]})


def _zero_rejected(betahat, sigma, n_pre, n_post, l_vec, mbar, alpha) -> bool:
    """Whether every ``(s, sign)`` test rejects ``theta = 0`` (the set excludes zero, up to the grid)."""
    for s in range(-(n_pre - 1), 1):
        for positive in (True, False):
            if _FixedS(betahat, sigma, n_pre, n_post, l_vec, mbar, s, positive, alpha).accepts(0.0):
                return False
    return True


#: Upper end of the breakdown search of :func:`breakdown_mbar`.
BREAKDOWN_UPPER = 4.0


def breakdown_mbar(betahat, sigma, n_pre: int, n_post: int, l_vec=None, alpha: float = 0.05,
                   upper: float = BREAKDOWN_UPPER, tol: float = 0.02) -> float:
    """Breakdown value: the largest ``Mbar`` at which the set still excludes zero.

    Bisection on ``Mbar`` in ``[0, upper]`` (to ``tol``) of whether every
    ``(s, sign)`` test rejects ``theta = 0`` (the sets grow with ``Mbar``).
    Returns ``0.0`` when zero is not excluded even at ``Mbar = 0`` (parallel
    trends after the release, any pre-period), and ``upper`` when it is
    excluded at ``upper``.

    Examples
    --------
    >>> import numpy as np
    >>> breakdown_mbar([0.0, 0.0, 0.0], np.eye(3) * 1e-4, 1, 2)
    0.0
    """
    betahat, sigma, l_vec = _check(betahat, sigma, n_pre, n_post, l_vec)
    if not _zero_rejected(betahat, sigma, n_pre, n_post, l_vec, 0.0, alpha):
        return 0.0
    if _zero_rejected(betahat, sigma, n_pre, n_post, l_vec, upper, alpha):
        return float(upper)
    lo, hi = 0.0, float(upper)
    while hi - lo > tol:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _zero_rejected(betahat, sigma, n_pre, n_post, l_vec, mid, alpha) else (lo, mid)
    return round(lo, 6)


def bin_event_study(es: dict, months_per_bin: int = 6) -> dict:
    """Monthly event-study coefficients averaged into bins of ``months_per_bin`` months.

    Bins are counted from the first post month (bin 0: months
    ``0..months_per_bin-1``); the bin just before it (the months that end at
    the reference month ``-1``) is the new reference, so each binned
    coefficient is a bin's mean minus the reference bin's mean. Incomplete
    bins at either end are left out. The covariance follows (the map is
    linear). Relative magnitudes compare moves between consecutive periods;
    monthly moves are mostly sampling noise, so the book bins before
    applying them.

    Parameters
    ----------
    es : dict
        :func:`analysis.estimation.honest.event_study_cov` output.
    months_per_bin : int

    Returns
    -------
    dict
        ``betahat``, ``sigma``, ``n_pre``, ``n_post`` of the binned study,
        ``months_per_bin``.

    Examples
    --------
    >>> import numpy as np
    >>> rel = np.array([-4, -3, -2, 0, 1])
    >>> b = bin_event_study(dict(betahat=np.arange(5.0), sigma=np.eye(5), rel_months=rel), 2)
    >>> b["n_pre"], b["n_post"], b["betahat"].round(2).tolist()
    (1, 1, [-0.5, 2.5])
    """
    rel = np.asarray(es["rel_months"])
    full = np.r_[rel, -1]  # the reference month, coefficient 0
    k = len(rel)
    w = int(months_per_bin)
    bins = np.floor_divide(full, w)  # -1: the reference bin
    lo, hi = int(bins.min()), int(bins.max())
    counts = {b: int((bins == b).sum()) for b in range(lo, hi + 1)}
    keep = [b for b in range(lo, hi + 1) if counts[b] == w and b != -1]
    if counts.get(-1, 0) != w:
        raise ValueError("the reference bin is incomplete")
    ref = (bins[:k] == -1).astype(float) / w
    rows = []
    for b in keep:
        rows.append((bins[:k] == b).astype(float) / w - ref)
    mat = np.array(rows)
    n_pre = sum(1 for b in keep if b < -1)
    return dict(betahat=mat @ np.asarray(es["betahat"], float), sigma=mat @ np.asarray(es["sigma"], float) @ mat.T,
                n_pre=n_pre, n_post=len(keep) - n_pre, months_per_bin=w)


def binned_periods(n_pre_months: int, n_post_months: int, months_per_bin: int) -> tuple[int, int]:
    """Pre and post periods :func:`bin_event_study` makes of a study with these months.

    ``n_pre_months`` counts the reference month. The reference bin takes the
    last ``months_per_bin`` pre months; only complete bins are kept.

    >>> binned_periods(23, 19, 6)
    (2, 3)
    """
    w = int(months_per_bin)
    return max(0, int(n_pre_months) // w - 1), int(n_post_months) // w


#: Months per period of the binned event study the book's relative-magnitude sets use.
RM_BIN_MONTHS = 6
#: ``Mbar`` of the interval the claim check reports: a post-release move as large as the largest pre-release one.
RM_MBAR = 1.0


def rm_summary(es: dict, alpha: float = 0.05, months_per_bin: int = RM_BIN_MONTHS, mbar: float = RM_MBAR,
               grid_points: int = GRID_POINTS) -> dict:
    """Relative-magnitude evidence on the average post-period effect of a monthly event study.

    The study is binned (:func:`bin_event_study`); the target is the mean of
    the post bins (``l = 1/n_post``); the set is :func:`relative_magnitudes_ci`
    at ``mbar`` on the ``"centred"`` grid and the breakdown value
    :func:`breakdown_mbar`.

    Returns
    -------
    dict
        ``lb``, ``ub`` (log points or level units, as ``es``), ``breakdown``,
        ``mbar``, ``n_pre``, ``n_post`` (binned periods), ``months_per_bin``.
    """
    b = bin_event_study(es, months_per_bin)
    lv = np.ones(b["n_post"]) / b["n_post"]
    r = relative_magnitudes_ci(b["betahat"], b["sigma"], b["n_pre"], b["n_post"], mbar, lv, alpha, grid_points,
                               grid="centred")
    bd = breakdown_mbar(b["betahat"], b["sigma"], b["n_pre"], b["n_post"], lv, alpha)
    return dict(lb=r["lb"], ub=r["ub"], breakdown=bd, mbar=float(mbar), n_pre=b["n_pre"], n_post=b["n_post"],
                months_per_bin=int(months_per_bin))
