"""The platform-wide counterfactual: the pre-release trend and season projected past the release."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.periods import estimation_mask, post_mask
from ..results import Estimate
from .did import TREATMENT_DATE
from .inference import DEFAULT_SEED

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
    post = post_mask(months, treatment_date)
    t = np.arange(len(months)) / 12.0
    moy = pd.get_dummies(pd.Categorical(months.month, categories=range(1, 13)), drop_first=True)
    x = np.column_stack([np.ones(len(months)), t, moy.to_numpy(dtype="float64")])
    fit_rows = ~post & estimation_mask(months, treatment_date) & (np.arange(len(months)) >= skip_first) & (y.to_numpy() > 0)
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
    import statsmodels.api as sm  # here, not at the top: it is half of a page's import time

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
