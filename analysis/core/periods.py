"""The calendar rules of the design, each stated once.

The post rule
    A month is *post* when it starts on or after the treatment date
    (:func:`post_mask`). The first post month (:func:`first_post_month`) is
    therefore the first whole calendar month of exposure: for a release on
    30 November 2022 it is December 2022, for a release on 1 December 2022
    also December 2022.
The partly treated month
    A treatment date after the first of a month leaves that month partly
    exposed (GPT-4, 14 March 2023: 18 of March's 31 days).
    :func:`partial_month` names it when more than
    :data:`MAX_EXPOSED_DAYS` of its days are on or after the treatment date;
    such a month is neither pre nor post: :func:`estimation_mask` leaves it
    out of every estimation sample, so it is never the reference month (the
    reference becomes the month before it, :func:`reference_month`).
    A month with at most :data:`MAX_EXPOSED_DAYS` exposed days (30 November
    2022: one day) counts as pre, as the post rule says: its exposure is
    too short to matter, and dropping it would throw away a month of data.
Windows around the release
    :func:`around_release` labels the ``n`` months before the first post
    month and the first ``n`` post months.
Placebo dates
    :func:`placebo_date` moves the treatment date back by whole years.

Every estimator, frame, figure and sentence of the book takes these rules
from here; the data generator (:mod:`analysis.data.simulate`) plants its
effects by the same rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.params import RELEASE_DATE

__all__ = ["post_mask", "first_post_month", "relative_months", "around_release", "placebo_date",
           "claim_window_end",
           "MAX_EXPOSED_DAYS", "partial_month", "estimation_mask", "drop_partial_month", "reference_month"]

#: Most days of a month on or after the treatment date for the month still to
#: count as pre (a week: the default release, 30 November 2022, exposes one day).
MAX_EXPOSED_DAYS = 7


def post_mask(months, treatment_date: str = RELEASE_DATE) -> np.ndarray:
    """Months that count as post-treatment.

    Parameters
    ----------
    months : array-like of dates
        First-of-month dates (a DatetimeIndex, a Series or a list).
    treatment_date : str
        ISO date.

    Returns
    -------
    ndarray of bool

    Examples
    --------
    >>> post_mask(["2022-11-01", "2022-12-01"], "2022-11-30").tolist()
    [False, True]
    """
    return np.asarray(pd.DatetimeIndex(pd.to_datetime(months)) >= pd.Timestamp(treatment_date))


def first_post_month(treatment_date: str = RELEASE_DATE) -> pd.Timestamp:
    """The first month that starts on or after ``treatment_date``.

    Examples
    --------
    >>> first_post_month("2022-11-30").date(), first_post_month("2022-12-01").date()
    (datetime.date(2022, 12, 1), datetime.date(2022, 12, 1))
    """
    ts = pd.Timestamp(treatment_date)
    start = ts.to_period("M").to_timestamp()
    return start if start == ts else (ts.to_period("M") + 1).to_timestamp()


def partial_month(treatment_date: str = RELEASE_DATE) -> pd.Timestamp | None:
    """The partly treated month left out of estimation, if any.

    The month containing ``treatment_date`` when the date is not its first
    day and more than :data:`MAX_EXPOSED_DAYS` of its days are on or after
    the date; else None.

    Examples
    --------
    >>> partial_month("2023-03-14").date()
    datetime.date(2023, 3, 1)
    >>> partial_month("2022-11-30") is None, partial_month("2022-12-01") is None
    (True, True)
    """
    ts = pd.Timestamp(treatment_date)
    start = ts.to_period("M").to_timestamp()
    exposed = ts.days_in_month - ts.day + 1
    return start if start != ts and exposed > MAX_EXPOSED_DAYS else None


def estimation_mask(months, treatment_date: str = RELEASE_DATE) -> np.ndarray:
    """Months an estimation sample may use: all but the partly treated month (:func:`partial_month`).

    Examples
    --------
    >>> estimation_mask(["2023-02-01", "2023-03-01", "2023-04-01"], "2023-03-14").tolist()
    [True, False, True]
    """
    m = pd.DatetimeIndex(pd.to_datetime(months))
    part = partial_month(treatment_date)
    return np.ones(len(m), dtype=bool) if part is None else np.asarray(m.to_period("M") != part.to_period("M"))


def drop_partial_month(frame: pd.DataFrame, treatment_date: str = RELEASE_DATE, time: str = "month") -> pd.DataFrame:
    """The rows of ``frame`` outside the partly treated month (all rows when there is none).

    Examples
    --------
    >>> f = pd.DataFrame({"month": pd.to_datetime(["2023-02-01", "2023-03-01"])})
    >>> len(drop_partial_month(f, "2023-03-14")), len(drop_partial_month(f, "2022-11-30"))
    (1, 2)
    """
    if partial_month(treatment_date) is None:
        return frame
    return frame[estimation_mask(frame[time], treatment_date)]


def reference_month(treatment_date: str = RELEASE_DATE) -> int:
    """Relative month (:func:`relative_months`) of the last whole pre month, the event studies' reference.

    -1, or -2 when the month before the first post month is partly treated.

    Examples
    --------
    >>> reference_month("2022-11-30"), reference_month("2023-03-14")
    (-1, -2)
    """
    return -1 if partial_month(treatment_date) is None else -2


def relative_months(months, treatment_date: str = RELEASE_DATE) -> np.ndarray:
    """Months relative to the first post month (0 is the first post month, -1 the last pre month).

    Examples
    --------
    >>> relative_months(["2022-11-01", "2022-12-01", "2023-02-01"], "2022-11-30").tolist()
    [-1, 0, 2]
    """
    m = pd.DatetimeIndex(pd.to_datetime(months)).to_period("M")
    first = first_post_month(treatment_date).to_period("M")
    return np.asarray([(x - first).n for x in m], dtype=int)


def around_release(months, treatment_date: str = RELEASE_DATE, n: int = 12) -> np.ndarray:
    """Label each month ``"before"`` (the ``n`` whole pre months before the first post month),
    ``"after"`` (the first ``n`` post months) or ``""`` (others, and the partly
    treated month of :func:`partial_month`).

    Examples
    --------
    >>> around_release(["2021-11-01", "2021-12-01", "2023-11-01", "2023-12-01"], "2022-11-30").tolist()
    ['', 'before', 'after', '']
    """
    rel = relative_months(months, treatment_date)
    last = reference_month(treatment_date)
    before = (rel >= last - n + 1) & (rel <= last)
    return np.where(before, "before", np.where((rel >= 0) & (rel < n), "after", ""))


def placebo_date(treatment_date: str = RELEASE_DATE, years: int = 1) -> str:
    """The placebo release date: ``years`` before the treatment date.

    Examples
    --------
    >>> placebo_date("2022-11-30")
    '2021-11-30'
    """
    return (pd.Timestamp(treatment_date) - pd.DateOffset(years=years)).strftime("%Y-%m-%d")


def claim_window_end(treatment_date: str, window: str, end: str) -> str:
    """Last day of the post months the claim check uses (the ``claim_window`` parameter).

    ``"first_year"``: 31 December of the calendar year after the release (the
    study measured "2023" for a release in November 2022), or ``end`` if that
    comes first. ``"all"``: ``end``. The window always starts at the first post
    month and keeps every pre-release month.

    Parameters
    ----------
    treatment_date, end : str
        ISO dates (the run parameters of the same names).
    window : str
        ``"first_year"`` or ``"all"`` (:data:`analysis.core.params.CLAIM_WINDOWS`).

    Returns
    -------
    str
        ISO date.

    Examples
    --------
    >>> claim_window_end("2022-11-30", "first_year", "2024-06-30")
    '2023-12-31'
    >>> claim_window_end("2022-11-30", "first_year", "2023-06-30"), claim_window_end("2022-11-30", "all", "2024-06-30")
    ('2023-06-30', '2024-06-30')
    """
    if window == "all":
        return str(end)
    if window != "first_year":
        raise ValueError(f"claim_window {window!r} is not 'first_year' or 'all'")
    year_end = f"{pd.Timestamp(treatment_date).year + 1}-12-31"
    return min(year_end, str(pd.Timestamp(end).date()))
