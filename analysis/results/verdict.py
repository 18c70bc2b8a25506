"""The verdict of one estimate: what its 95% interval says about a claimed sign.

The claim check (:mod:`analysis.claims`), the prose words
(:func:`analysis.report.words.verdict`) and the honest-inference tools
(:mod:`analysis.estimation.honest`) all apply this one rule; it sits in the
results layer so that every layer above can use it.
"""

from __future__ import annotations

import math

__all__ = ["missing", "verdict"]


def missing(v) -> bool:
    """True for None or a float NaN (a value that could not be estimated).

    Examples
    --------
    >>> missing(None), missing(float("nan")), missing(0.0)
    (True, True, False)
    """
    return v is None or (isinstance(v, float) and math.isnan(v))


def verdict(ci_low: float, ci_high: float, expected: int) -> str:
    """Verdict of one estimate from its interval and the claimed sign.

    Parameters
    ----------
    ci_low, ci_high : float
        95% interval (any order; NaN when unavailable).
    expected : int
        Claimed sign, +1 or -1.

    Returns
    -------
    str
        ``"supported"``, ``"contradicted"`` or ``"inconclusive"`` (see
        :mod:`analysis.claims`).

    Examples
    --------
    >>> verdict(2.0, 9.0, +1), verdict(2.0, 9.0, -1), verdict(-2.0, 9.0, +1)
    ('supported', 'contradicted', 'inconclusive')
    >>> verdict(float("nan"), 3.0, +1)
    'inconclusive'
    """
    if expected not in (1, -1):
        raise ValueError("expected must be +1 or -1")
    if missing(ci_low) or missing(ci_high):
        return "inconclusive"
    lo, hi = sorted((float(ci_low), float(ci_high)))
    if lo > 0:
        return "supported" if expected > 0 else "contradicted"
    if hi < 0:
        return "supported" if expected < 0 else "contradicted"
    return "inconclusive"
