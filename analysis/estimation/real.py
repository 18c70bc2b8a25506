"""Real money: the platform projection of earnings per contract in dollars of one month."""

from __future__ import annotations

import dataclasses

import pandas as pd

from ..data.cpi import base_month, deflate
from .counterfactual import platform_counterfactual
from .did import TREATMENT_DATE
from .inference import DEFAULT_SEED

__all__ = ["real_platform_counterfactual"]


def real_platform_counterfactual(category_month: pd.DataFrame, cpi: pd.Series,
                                 treatment_date: str = TREATMENT_DATE, seed: int = DEFAULT_SEED,
                                 base: str | pd.Timestamp | None = None, index_label: str = "CPI",
                                 **kw) -> tuple[pd.DataFrame, object]:
    """:func:`~analysis.estimation.counterfactual.platform_counterfactual` of earnings per contract, deflated.

    Each month's earnings are converted to dollars of ``base`` with
    :func:`analysis.data.cpi.deflate` before the projection is fitted, so both
    the observed series and its pre-release trend are real. The log-linear
    trend absorbs steady inflation; the real and nominal gaps differ when
    inflation after the release departs from its pre-release pace.

    Parameters
    ----------
    category_month : DataFrame
        The ``category_month`` panel (nominal).
    cpi : pandas.Series
        Monthly price index (:func:`analysis.data.cpi.load_cpi`).
    treatment_date, seed
        As in ``platform_counterfactual``.
    base : str or Timestamp, optional
        Base month of the real dollars; default the month before the first
        post month (:func:`analysis.data.cpi.base_month`).
    index_label : str
        Name of the index, written into the estimate's scope.
    **kw
        Passed to ``platform_counterfactual``.

    Returns
    -------
    series : DataFrame
        As ``platform_counterfactual``, in dollars of ``base``.
    estimate : Estimate
        Id ``platform.earnings_per_contract_real``; outcome
        ``earnings_per_contract_real``; ``details["base_month"]`` the base month (``YYYY-MM``),
        ``details["base_label"]`` the same in words (``November 2022``).
    """
    base = pd.Timestamp(base) if base is not None else base_month(treatment_date)
    real = deflate(category_month, cpi, base, columns=("earnings",))
    series, e = platform_counterfactual(real, "earnings_per_contract", treatment_date=treatment_date, seed=seed,
                                        **kw)
    e = dataclasses.replace(e, id="platform.earnings_per_contract_real", outcome="earnings_per_contract_real",
                            scope=f"platform, observed vs projected, {index_label}-deflated "
                                  f"(USD of {base:%B %Y})",
                            details={**e.details, "base_month": f"{base:%Y-%m}", "base_label": f"{base:%B %Y}"})
    return series, e
