"""A fit's native scale (log points, standard error) to an :class:`~analysis.results.store.Estimate`.

The one place where a coefficient becomes a percent change and an interval
in percent; every estimator calls :func:`estimate_from_fit`.
"""

from __future__ import annotations

import numpy as np

from .store import Estimate


def pct(b):
    """Log points to percent: ``100*(exp(b)-1)`` (scalars or arrays)."""
    return 100.0 * np.expm1(b)


def estimate_from_fit(id_, outcome, scope, coef, ci, p, inference, n, se, log, details, scale=1.0):
    """An :class:`Estimate` from a fit: ``coef`` and ``ci`` in log points (``log``) or in levels.

    Levels are reported as percent of ``scale`` (a pre-period mean); with a
    ``scale`` of zero (e.g. a share that is zero in every pre month) a percent
    is undefined and the estimate and interval are NaN, while ``coef`` keeps
    the level (the caller reports it in its own unit).
    """
    if log:
        est, lo, hi = pct(coef), pct(ci[0]), pct(ci[1])
    elif scale == 0:
        est = lo = hi = np.nan
    else:
        est, lo, hi = 100 * coef / scale, 100 * ci[0] / scale, 100 * ci[1] / scale
    return Estimate(id=id_, outcome=outcome, scope=scope, estimate_pct=float(est),
                    ci_low_pct=float(lo), ci_high_pct=float(hi), p_value=float(p),
                    inference=inference, n_obs=int(n), coef=float(coef),
                    se=None if se is None or not np.isfinite(se) else float(se), details=details)
