"""Within versus mix: a shift-share decomposition of the change in earnings per contract.

Platform earnings per contract is a contract-weighted average over categories,
``E = sum_c s_c e_c`` with ``s_c`` the category's share of contracts and
``e_c`` its own earnings per contract. Between a period before the release
(``0``) and one after it (``1``) the change splits exactly into

``within``
    ``sum_c s_c0 (e_c1 - e_c0)``: what the change would be with the category
    mix held at its pre-release shares;
``mix``
    ``sum_c (s_c1 - s_c0) e_c0``: what moving contracts between categories
    adds at pre-release earnings per contract (positive when contracts move
    into better-paid categories);
``interaction``
    ``sum_c (s_c1 - s_c0)(e_c1 - e_c0)``: positive when the categories that
    gained shares are also those whose earnings per contract rose.

With ``form="midpoint"`` the interaction is split equally between the other
two (within at mean shares, mix at mean earnings per contract), so the change
is the sum of two parts. In both forms the parts sum to ``E_1 - E_0``
exactly (up to floating-point rounding); ``E_p`` is total earnings over total
contracts in period ``p`` (a ratio of sums over the period's months).

A category without contracts in one period has no earnings per contract
there; its value in the other period is used for it, so its whole
contribution counts as mix (its share term is zero either way).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..core.periods import around_release, first_post_month
from .did import TREATMENT_DATE

__all__ = ["SHIFT_SHARE_COLUMNS", "ShiftShare", "shift_share"]

#: Columns of :attr:`ShiftShare.table`.
SHIFT_SHARE_COLUMNS = ["category", "contracts_pre", "contracts_post", "share_pre", "share_post", "epc_pre",
                       "epc_post", "within", "mix", "interaction", "total"]


@dataclass(frozen=True)
class ShiftShare:
    """A shift-share decomposition of the change in earnings per contract.

    Attributes
    ----------
    table : DataFrame
        One row per category (:data:`SHIFT_SHARE_COLUMNS`): contracts, share
        of contracts and earnings per contract (USD) before and after, and the
        category's contribution (USD) to each part; ``total`` is the sum of the
        parts, the category's contribution to the change.
    epc_pre, epc_post : float
        Earnings per contract over all categories, before and after (USD).
    within, mix, interaction : float
        The parts (USD); ``interaction`` is 0 in the midpoint form.
    form : str
        ``"three"`` or ``"midpoint"``.
    periods : str
        Which months are compared, in words.
    """

    table: pd.DataFrame
    epc_pre: float
    epc_post: float
    within: float
    mix: float
    interaction: float
    form: str
    periods: str

    @property
    def total(self) -> float:
        """``epc_post - epc_pre`` (USD)."""
        return self.epc_post - self.epc_pre

    def pct(self, part: str) -> float:
        """A part (``"within"``, ``"mix"``, ``"interaction"`` or ``"total"``) in percent of ``epc_pre``."""
        return float(100 * getattr(self, part) / self.epc_pre)

    def parts(self) -> pd.DataFrame:
        """The parts as a tidy table: ``Part``, ``USD per contract``, ``% of pre-release level``.

        One row per part (two in the midpoint form, three otherwise) and a
        last row, ``Total change``, their sum.
        """
        if self.form == "midpoint":
            names = {"within": "Within categories (at mean shares)", "mix": "Category mix (at mean pay)"}
        else:
            names = {"within": "Within categories (at pre-release shares)",
                     "mix": "Category mix (at pre-release pay)",
                     "interaction": "Interaction (share change x pay change)"}
        names["total"] = "Total change"
        return pd.DataFrame({"Part": list(names.values()),
                             "USD per contract": [float(getattr(self, k)) for k in names],
                             "% of pre-release level": [self.pct(k) for k in names]})


def shift_share(category_month: pd.DataFrame, treatment_date: str = TREATMENT_DATE, n: int = 12,
                form: str = "three", earnings: str = "earnings", contracts: str = "contracts",
                by: str = "category") -> ShiftShare:
    """Decompose the change in earnings per contract into within-category and category-mix parts.

    Parameters
    ----------
    category_month : DataFrame
        The ``category_month`` panel (``category``, ``month``, ``contracts``,
        ``earnings``), or any panel with ``by``, ``month`` and the two sums.
    treatment_date : str
        The release; the periods are the ``n`` months before the first post
        month and the first ``n`` post months
        (:func:`analysis.core.periods.around_release`, the chapter's
        year-on-year comparison).
    n : int
        Months in each period.
    form : {"three", "midpoint"}
        Three parts (within at pre shares, mix at pre earnings per contract,
        interaction) or two (each at the mean of the two periods).
    earnings, contracts, by : str
        Column names of the sum of earnings, the number of contracts and the
        grouping.

    Returns
    -------
    ShiftShare

    Raises
    ------
    ValueError
        If ``form`` is unknown or a period has no contracts.

    Examples
    --------
    Two categories; contracts move into the better-paid one, whose pay also rises:

    >>> cm = pd.DataFrame({"category": ["A", "B", "A", "B"],
    ...                    "month": pd.to_datetime(["2022-11-01"] * 2 + ["2022-12-01"] * 2),
    ...                    "contracts": [80, 20, 50, 50], "earnings": [8000.0, 4000.0, 5000.0, 12500.0]})
    >>> d = shift_share(cm, "2022-11-30", n=1)
    >>> [round(x, 9) for x in (d.epc_pre, d.epc_post, d.within, d.mix, d.interaction)]
    [120.0, 175.0, 10.0, 30.0, 15.0]
    """
    if form not in ("three", "midpoint"):
        raise ValueError(f"form must be 'three' or 'midpoint', got {form!r}")
    lab = around_release(pd.DatetimeIndex(category_month["month"]), treatment_date, n)
    df = category_month.assign(_period=lab)
    df = df[df["_period"] != ""]
    g = df.groupby([by, "_period"])[[earnings, contracts]].sum().unstack("_period", fill_value=0)
    g = g.reindex(columns=pd.MultiIndex.from_product([[earnings, contracts], ["before", "after"]]), fill_value=0)
    k0, k1 = g[(contracts, "before")].astype("float64"), g[(contracts, "after")].astype("float64")
    y0, y1 = g[(earnings, "before")].astype("float64"), g[(earnings, "after")].astype("float64")
    if k0.sum() <= 0 or k1.sum() <= 0:
        raise ValueError(f"no contracts in the {n} months before or after {treatment_date}")
    s0, s1 = k0 / k0.sum(), k1 / k1.sum()
    e0, e1 = y0 / k0.where(k0 > 0), y1 / k1.where(k1 > 0)
    e0, e1 = e0.fillna(e1), e1.fillna(e0)  # a category absent from one period: all its change is mix
    ds, de = s1 - s0, e1 - e0
    if form == "three":
        within, mix, inter = s0 * de, ds * e0, ds * de
    else:
        within, mix, inter = (s0 + s1) / 2 * de, ds * (e0 + e1) / 2, 0.0 * ds
    # A category with no contracts in either period contributes nothing.
    within, mix, inter = (x.fillna(0.0) for x in (within, mix, inter))
    table = pd.DataFrame({"category": g.index.astype(str), "contracts_pre": k0.to_numpy(dtype="int64"),
                          "contracts_post": k1.to_numpy(dtype="int64"), "share_pre": s0.to_numpy(),
                          "share_post": s1.to_numpy(), "epc_pre": e0.to_numpy(), "epc_post": e1.to_numpy(),
                          "within": within.to_numpy(), "mix": mix.to_numpy(), "interaction": inter.to_numpy()})
    table["total"] = table["within"] + table["mix"] + table["interaction"]
    periods = f"the {n} months from {first_post_month(treatment_date):%B %Y} against the {n} months before"
    return ShiftShare(table=table[SHIFT_SHARE_COLUMNS].reset_index(drop=True),
                      epc_pre=float(y0.sum() / k0.sum()), epc_post=float(y1.sum() / k1.sum()),
                      within=float(within.sum()), mix=float(mix.sum()), interaction=float(inter.sum()),
                      form=form, periods=periods)

