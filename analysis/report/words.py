"""The book's words: every direction, verdict and interval phrase a page prints.

One function per kind of word, so that "rose"/"fell", "supports"/"does not
support" and the phrase of an estimate with its interval are written once
(:func:`phrase`). Text that comes from data (category names) is escaped by
the caller's context (:mod:`analysis.report.escape`).
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.report.escape import Markdown
from analysis.results import not_estimated_reason
from analysis.results.verdict import missing as _nan
from analysis.results.verdict import verdict as rule


def direction(x: float, up: str = "rose", down: str = "fell", flat: str = "did not change",
              tol: float = 0.0) -> str:
    """The word for the sign of ``x``: ``up`` if ``x > tol``, ``down`` if ``x < -tol``, else ``flat``.

    Examples
    --------
    >>> direction(3.2), direction(-0.1), direction(0.0), direction(float("nan"))
    ('rose', 'fell', 'did not change', 'could not be estimated')
    >>> direction(-4, up="higher", down="lower")
    'lower'
    """
    if _nan(x):
        return "could not be estimated"
    if x > tol:
        return up
    if x < -tol:
        return down
    return flat


#: The verdict words of one estimate for a hypothesis, by the estimate's verdict
#: (:func:`analysis.results.verdict.verdict`) and, when inconclusive, by the point estimate's side.
VERDICT_WORDS = {
    "supported": "supports",
    "contradicted": "contradicts",
    "same side": "points the same way as, but does not establish,",
    "inconclusive": "does not support",
}


#: Words of one *descriptive* estimate (a gap against a projection, not a causal effect) for a hypothesis,
#: by the same verdicts as :data:`VERDICT_WORDS`: "consistent with", never "supports".
CONSISTENCY_WORDS = {
    "supported": "is consistent with",
    "contradicted": "is not consistent with",
    "same side": "points toward, but is not clearly consistent with,",
    "inconclusive": "is not clearly consistent with",
}

#: Claims whose evidence is descriptive: claims 1 and 2 rest on platform projections (job posts, earnings
#: per contract), which chapter 2 calls "not a causal effect", so their verdicts are worded as consistency
#: (:func:`claim_verdict_word`).
DESCRIPTIVE_CLAIMS = ("c1", "c2")

#: Claim verdicts (:data:`analysis.claims.CLAIM_VERDICTS`) worded for a descriptive claim.
DESCRIPTIVE_CLAIM_WORDS = {
    "supported": "consistent with the data",
    "partly supported": "partly consistent with the data",
    "conflicting evidence": "met by conflicting evidence",
    "contradicted": "not consistent with the data",
    "inconclusive": "inconclusive",
    "not tested": "not tested",
}


def claim_verdict_word(claim_id: str, claim_verdict: str) -> str:
    """The words of a claim's verdict: as computed, or as consistency for a descriptive claim.

    The verdict itself is the claim check's (:func:`analysis.claims.claim_verdicts`); only its words change.

    Examples
    --------
    >>> claim_verdict_word("c1", "supported"), claim_verdict_word("c1", "contradicted")
    ('consistent with the data', 'not consistent with the data')
    >>> claim_verdict_word("c3", "supported")
    'supported'
    """
    if claim_id in DESCRIPTIVE_CLAIMS:
        return DESCRIPTIVE_CLAIM_WORDS[claim_verdict]
    return claim_verdict


def consistency_of(e, expected: int) -> str:
    """:func:`verdict_of` in the words of a descriptive estimate (:data:`CONSISTENCY_WORDS`).

    Examples
    --------
    >>> consistency_of({"estimate_pct": 5, "ci_low_pct": 1, "ci_high_pct": 9}, +1)
    'is consistent with'
    >>> consistency_of({"estimate_pct": -5, "ci_low_pct": -9, "ci_high_pct": -1}, +1)
    'is not consistent with'
    """
    word = verdict_of(e, expected)
    return CONSISTENCY_WORDS[{v: k for k, v in VERDICT_WORDS.items()}[word]]


def verdict(estimate: float, ci_low: float, ci_high: float, expected: int = 1) -> str:
    """Whether an estimate supports a hypothesis of sign ``expected`` (+1 or -1), as a verb for prose.

    The rule is the claim check's (:func:`analysis.results.verdict.verdict`): "supports"
    when the whole 95% interval lies on the expected side of zero,
    "contradicts" when it lies on the other side; otherwise "points the same
    way as, but does not establish," when the point estimate has the expected
    sign and "does not support" when it has not (or is missing).

    Examples
    --------
    >>> verdict(5, 1, 9), verdict(5, -1, 11), verdict(-5, -9, -1), verdict(-5, -9, 1)
    ('supports', 'points the same way as, but does not establish,', 'contradicts', 'does not support')
    >>> verdict(-5, -9, -1, expected=-1)
    'supports'
    """
    v = rule(ci_low, ci_high, expected)
    if v == "inconclusive" and not _nan(estimate) and np.sign(expected) * estimate > 0:
        v = "same side"
    return VERDICT_WORDS[v]


def _fields(e):
    get = (lambda k: e[k]) if isinstance(e, (dict, pd.Series)) else (lambda k: getattr(e, k))
    return float(get("estimate_pct")), float(get("ci_low_pct")), float(get("ci_high_pct"))


def verdict_of(e, expected: int) -> str:
    """:func:`verdict` of an :class:`~analysis.results.Estimate` (or a results row)."""
    return verdict(*_fields(e), expected=expected)


def phrase(e, digits: int = 1, up: str = "rose", down: str = "fell", flat: str = "did not change",
           by: str = "by", interval: str = "95% interval", unit: str = "%") -> str:
    """The phrase of an estimate: direction, size and interval, in one place.

    ``unit`` follows the size and each end of the interval: ``"%"`` for the
    percent changes of the results table, ``" pp"`` for the share estimates,
    whose ``estimate_pct`` is in percentage points.

    An estimate that could not be estimated on these data
    (:func:`analysis.results.not_estimated`) is "could not be estimated:
    <reason>". The phrase is plain text, like every phrase here: glued with
    ``{glue:text}`` it is shown as it is, and a Markdown context escapes it
    (:meth:`analysis.report.escape.Markdown.build`), since the reason may name
    categories from the data.

    Examples
    --------
    >>> phrase({"estimate_pct": 12.34, "ci_low_pct": 4.1, "ci_high_pct": 20.0})
    'rose by 12.3% (95% interval 4.1% to 20.0%)'
    >>> phrase({"estimate_pct": -3.0, "ci_low_pct": -9.0, "ci_high_pct": 2.5}, up="above", down="below", by="")
    'below 3.0% (95% interval -9.0% to 2.5%)'
    >>> phrase({"estimate_pct": float("nan"), "ci_low_pct": float("nan"), "ci_high_pct": float("nan")})
    'could not be estimated'
    >>> phrase({"estimate_pct": 2.04, "ci_low_pct": 0.5, "ci_high_pct": 3.6}, unit=" pp")
    'rose by 2.0 pp (95% interval 0.5 pp to 3.6 pp)'
    >>> phrase({"estimate_pct": float("nan"), "ci_low_pct": float("nan"), "ci_high_pct": float("nan"),
    ...         "inference": "not estimated: no control freelancers"})
    'could not be estimated: no control freelancers'
    """
    reason = not_estimated_reason(e)
    if reason is not None:
        return f"could not be estimated: {reason}"
    x, lo, hi = _fields(e)
    if _nan(x):
        return "could not be estimated"
    word = direction(x, up, down, flat)
    size = f"{abs(x):.{digits}f}{unit}"
    head = f"{word} {by} {size}" if by else f"{word} {size}"
    if _nan(lo) or _nan(hi):
        return f"{head} (no interval)"
    return f"{head} ({interval} {lo:.{digits}f}{unit} to {hi:.{digits}f}{unit})"


def _field(e, key: str) -> float:
    """One number of an estimate, a results row or a dict (NaN when absent or empty)."""
    v = e.get(key) if isinstance(e, (dict, pd.Series)) else getattr(e, key, None)
    return math.nan if _nan(v) else float(v)


def p_clause(e, digits: int = 3) -> str:
    """The p-value of an estimate as a parenthesis that follows its phrase, or nothing.

    Glued right after the phrase (``{glue:text}`x`{glue:text}`x_p```), it
    reads "rose by 3.1% (95% interval 0.2% to 6.0%) (p = 0.041)". An estimate
    that could not be estimated (:func:`analysis.results.not_estimated`,
    whose phrase already says why) or has no p-value gets ``""``, so a page
    never prints "p = nan". A p-value below ``10**-digits`` is written
    ``p < 0.001``, never ``p = 0.000``.

    Parameters
    ----------
    e : Estimate, results row, dict or float
        The estimate (its ``p_value`` and ``inference``), or the p-value itself.
    digits : int
        Decimals of the p-value.

    Examples
    --------
    >>> p_clause({"p_value": 0.04127, "inference": "wild cluster bootstrap"})
    ' (p = 0.041)'
    >>> p_clause({"p_value": float("nan"), "inference": "not estimated: no exposed freelancers"})
    ''
    >>> p_clause(0.0002), p_clause(float("nan")), p_clause(None)
    (' (p < 0.001)', '', '')
    """
    if e is None or isinstance(e, (int, float, np.floating)):
        p = math.nan if _nan(e) else float(e)
    elif not_estimated_reason(e) is not None:
        return ""
    else:
        p = _field(e, "p_value")
    text = p_text(p, digits)
    if not text:
        return ""
    return f" (p < {text[1:]})" if text.startswith("<") else f" (p = {text})"


def stars_clause(e, digits: int = 3) -> str:
    """The size of a feedback estimate in stars, as a clause that follows its phrase, or nothing.

    The within-freelancer feedback regression is fitted in stars and
    reported as a percent (:func:`analysis.estimation.within_freelancer`);
    its raw coefficient ``coef`` is the change in stars. Glued after the
    phrase it reads "fell by 0.72% (...), about 0.031 stars"; an estimate
    that could not be estimated, or has no coefficient, gets ``""`` (never
    "about nan stars"). The sign is the phrase's word, so the size is
    unsigned; below half the last digit it is "less than 0.001 stars".

    Parameters
    ----------
    e : Estimate, results row or dict
        With ``coef`` (stars) and ``inference``.
    digits : int
        Decimals of the size.

    Examples
    --------
    >>> stars_clause({"coef": -0.03147, "inference": "wild cluster bootstrap"})
    ', about 0.031 stars'
    >>> stars_clause({"coef": float("nan"), "inference": "not estimated: no control freelancers"})
    ''
    >>> stars_clause({"coef": 0.0001, "inference": "CRV1"})
    ', less than 0.001 stars'
    """
    if not_estimated_reason(e) is not None:
        return ""
    x = _field(e, "coef")
    if math.isnan(x):
        return ""
    floor = 10.0 ** -digits
    if abs(x) < floor / 2:
        return f", less than {floor:.{digits}f} stars"
    return f", about {abs(x):.{digits}f} stars"


def interval_word(ci_low: float, ci_high: float, yes: str = "excludes", no: str = "includes") -> str:
    """``yes`` if the interval excludes zero, ``no`` if it includes it (or is missing)."""
    if ci_low is None or ci_high is None or math.isnan(ci_low) or math.isnan(ci_high):
        return no
    return yes if (ci_low > 0 or ci_high < 0) else no


def post_split(ai, other) -> str:
    """Where a change in job posts came from, by the intervals of its AI-related and its other part.

    ``ai`` and ``other`` are estimates (or results rows) of the AI-related
    and the other posts of one category (claim 3's ``ai_posts`` and
    ``other_posts``, in the same unit, adding up to the change in all its
    posts). The words follow the claim check's rule for one estimate: a part
    rose or fell only when its interval excludes zero on that side.

    Examples
    --------
    >>> up, flat, down = ({"estimate_pct": (a + b) / 2, "ci_low_pct": a, "ci_high_pct": b}
    ...                   for a, b in ((2, 9), (-3, 4), (-9, -2)))
    >>> post_split(up, flat)
    'came mostly from AI-related work, as the reinstatement effect predicts'
    >>> post_split(up, up)
    'came from AI-related and other work alike, not from new AI work alone'
    >>> post_split(up, down)
    'came from AI-related work, while the other work fell against the controls'
    >>> post_split(flat, up)
    'did not come from a measurable rise of AI-related work'
    """
    def side(e):
        _, lo, hi = _fields(e)
        return rule(lo, hi, +1)

    if side(ai) != "supported":
        return "did not come from a measurable rise of AI-related work"
    return {"supported": "came from AI-related and other work alike, not from new AI work alone",
            "contradicted": "came from AI-related work, while the other work fell against the controls"}.get(
        side(other), "came mostly from AI-related work, as the reinstatement effect predicts")


def pretrend_word(p: float, alpha: float = 0.10, ok: str = "gives no evidence against",
                  bad: str = "casts doubt on") -> str:
    """Word for a pre-trend test: ``ok`` when ``p >= alpha``, ``bad`` otherwise."""
    return ok if (p is not None and not math.isnan(p) and p >= alpha) else bad


def pretrend_words(randomization_p: float, linear_p: float, alpha_randomization: float = 0.10,
                   alpha_linear: float = 0.05) -> str:
    """Words for two pre-trend tests together: the coarse randomization test and the linear-slope test.

    "give no evidence against" when neither rejects (randomization at
    ``alpha_randomization``, slope at ``alpha_linear``), else "cast doubt on".

    Examples
    --------
    >>> pretrend_words(0.4, 0.3), pretrend_words(0.4, 0.01)
    ('give no evidence against', 'cast doubt on')
    """
    ok = (pretrend_word(randomization_p, alpha_randomization) == pretrend_word(1.0)
          and pretrend_word(linear_p, alpha_linear) == pretrend_word(1.0))
    return "give no evidence against" if ok else "cast doubt on"


def unit(e) -> str:
    """The unit an estimate's effect is in, as :func:`phrase` writes it: ``" pp"`` for outcomes in
    percentage points (``<name>_pp``: shares, linear probability models), else ``"%"``.

    >>> from types import SimpleNamespace as E
    >>> unit(E(outcome="any_contract_pp")), unit(E(outcome="job_posts"))
    (' pp', '%')
    """
    return " pp" if str(getattr(e, "outcome", "")).endswith("_pp") else "%"


def name_list(names: Sequence[str], conj: str = "and") -> str:
    """``"A"``, ``"A and B"``, ``"A, B and C"``."""
    names = [str(n) for n in names]
    if not names:
        return "none"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + f" {conj} " + names[-1]


def count_range(lo: int, hi: int, joiner: str = "to") -> str:
    """A count that may vary, as text: one number when ``lo == hi``.

    >>> count_range(34, 34), count_range(34, 50)
    ('34', '34 to 50')
    """
    return f"{lo:,}" if lo == hi else f"{lo:,} {joiner} {hi:,}"


def p_text(p: float, digits: int = 3) -> str:
    """A p-value for tables: ``digits`` decimals, ``<0.001`` (for 3) below that, empty when missing."""
    if p is None or math.isnan(p):
        return ""
    floor = 10.0 ** -digits
    return f"<{floor:.{digits}f}" if p < floor else f"{p:.{digits}f}"


def count_where(values: Iterable[bool]) -> int:
    """Number of true values."""
    return int(sum(bool(v) for v in values))


def excludes_zero(e) -> bool:
    """True when an estimate's 95% interval excludes zero."""
    return interval_word(e.ci_low_pct, e.ci_high_pct) == "excludes"


def name_of_min(names: Sequence[str], values: Sequence[float]) -> str:
    """The name whose value is smallest (first on ties)."""
    return list(names)[int(np.argmin(np.asarray(values, dtype="float64")))]


def freelancer_sample_sentence(sample: dict, n_used: int | None = None) -> Markdown:
    """Which freelancers a within-freelancer regression uses, as Markdown sentences (for ``Page.md``).

    The sentences are written from counts and the seed only (no text from
    data), so their Markdown (the code span of the parameter name) is trusted.

    Parameters
    ----------
    sample : dict
        ``Estimate.details["sample"]`` of
        :func:`analysis.estimation.within_freelancer`.
    n_used : int, optional
        Freelancers left after dropping those seen in one month only
        (``Estimate.details["n_freelancers"]``).

    Examples
    --------
    >>> freelancer_sample_sentence({"n_freelancers": 4239, "n_sampled": 4239, "sampled": False,
    ...                             "max_freelancers": 25000, "seed": 1})
    'The regressions use all 4,239 freelancers of the extract (the run parameter `max_freelancers`, 25,000, caps them).'
    >>> freelancer_sample_sentence({"n_freelancers": 209830, "n_sampled": 25000, "sampled": True,
    ...                             "max_freelancers": 25000, "seed": 7}, 20991)[:79]
    'The regressions use a simple random sample of 25,000 of the 209,830 freelancers'
    """
    cap = sample["max_freelancers"]
    if not sample["sampled"]:
        limit = "the run parameter `max_freelancers` is 0: no cap" if not cap else \
            f"the run parameter `max_freelancers`, {cap:,}, caps them"
        text = f"The regressions use all {sample['n_freelancers']:,} freelancers of the extract ({limit})."
    else:
        text = (f"The regressions use a simple random sample of {sample['n_sampled']:,} of the "
                f"{sample['n_freelancers']:,} freelancers of the extract, with all their months (drawn with seed "
                f"{sample['seed']}; run parameter `max_freelancers`, 0 for every freelancer). "
                f"Their cost grows with the rows of the freelancer panel, while their precision comes from the "
                f"contrast between categories, which a large random sample of freelancers keeps.")
    if n_used is not None:
        text += (f" After dropping freelancers seen in one month only (their own fixed effect would fit them "
                 f"exactly), {n_used:,} remain.")
    return Markdown.trusted(text)


def month_span(first, last) -> str:
    """Two months as words: ``"December 2022 to December 2023"``.

    >>> month_span("2022-12-01", "2023-12-31")
    'December 2022 to December 2023'
    """
    return f"{month_text(first)} to {month_text(last)}"


def claim_window_sentence(window: str, first_month, end, all_end) -> Markdown:
    """Which post months the summary's claim check uses, as Markdown (for ``Page.md``).

    Written from dates and the parameter's value only, so the Markdown is trusted.

    Parameters
    ----------
    window : str
        The ``claim_window`` parameter (``"first_year"`` or ``"all"``).
    first_month, end, all_end : date-like
        First post month, last day of the claim window, last day of the run.

    Examples
    --------
    >>> claim_window_sentence("first_year", "2022-12-01", "2023-12-31", "2024-06-30")[:84]
    'The answers use the post months from December 2022 to December 2023: the calendar ye'
    >>> claim_window_sentence("all", "2022-12-01", "2024-06-30", "2024-06-30")[:70]
    'The answers use every post month, December 2022 to June 2024, as the c'
    """
    end, all_end = pd.Timestamp(end), pd.Timestamp(all_end)
    if end < all_end:
        return Markdown.trusted(
            f"The answers use the post months from {month_span(first_month, end)}: the calendar year after the "
            "release, which is what the study measured (run parameter `claim_window: first_year`), against "
            f"every pre-release month. The chapters use every post month, to {month_text(all_end)}; the verdicts on "
            "those months are given beside these at the end of the next section.")
    if window == "all":
        why = "as the chapters do (run parameter `claim_window: all`)"
    else:
        why = ("as the chapters do: the run's data end within the calendar year after the release, which "
               "`claim_window: first_year` asks for")
    return Markdown.trusted(f"The answers use every post month, {month_span(first_month, all_end)}, {why}.")


def window_comparison_sentence(first_month, end, all_end, n_differs: int, n_claims: int) -> Markdown:
    """How the claim window's verdicts compare with those on every post month, as trusted Markdown.

    Examples
    --------
    >>> window_comparison_sentence("2022-12-01", "2023-12-31", "2024-06-30", 1, 5)[:90]
    'With the same rule, the verdicts on December 2022 to December 2023 and on December 2022 to'
    >>> window_comparison_sentence("2022-12-01", "2024-06-30", "2024-06-30", 0, 5)[:60]
    'The answers above already use every post month (December 202'
    """
    if pd.Timestamp(end) >= pd.Timestamp(all_end):
        return Markdown.trusted(f"The answers above already use every post month ({month_span(first_month, all_end)}),"
                                " so the table repeats their verdicts.")
    claims = "claim" if n_claims == 1 else "claims"
    return Markdown.trusted(
        f"With the same rule, the verdicts on {month_span(first_month, end)} and on "
        f"{month_span(first_month, all_end)} differ for {n_differs} of the {n_claims} {claims}.")


def worded_verdicts(verdicts: pd.DataFrame) -> pd.DataFrame:
    """Claim verdicts with ``verdict`` in the page's words (:func:`claim_verdict_word`)."""
    return verdicts.assign(verdict=[claim_verdict_word(c, v) for c, v in zip(verdicts["claim"], verdicts["verdict"])])
def quantile_word(quantile: float) -> str:
    """A quantile in words: ``"median"`` for 0.5, else the percentile.

    >>> quantile_word(0.5), quantile_word(0.25), quantile_word(0.333)
    ('median', '25th percentile', '33.3th percentile')
    """
    return "median" if quantile == 0.5 else f"{100 * quantile:g}th percentile"


def tier_rule_text(rule: str, threshold_usd: float, quantile: float, horizon_days: int) -> str:
    """How this run's contracts are split into value tiers, as plain text (see :mod:`analysis.data.panels`).

    >>> tier_rule_text("budget", 1000.0, 0.5, 90)
    "by the client's budget at posting: low value below USD 1,000, high value at or above it"
    >>> tier_rule_text("quantile", 1000.0, 0.5, 90)[:63]
    'per category at the median of the earnings, in the first 90 day'
    """
    if rule == "budget":
        return (f"by the client's budget at posting: low value below USD {threshold_usd:,.0f}, "
                "high value at or above it")
    return (f"per category at the {quantile_word(quantile)} of the earnings, in the first {horizon_days} days of a contract, of the "
            "category's contracts started before the release (the extract has no budget at posting); contracts "
            f"started in the last {horizon_days} days that may still be running are in neither tier")


def tier_rule_check_sentence(rule: str) -> str:
    """What the claim check's rule on value tiers (:func:`analysis.claims.honest_check`, test 5) does in this run.

    >>> tier_rule_check_sentence("budget")
    'the extract has budgets at posting, so its tiers are fixed before the outcome and the rule changes no verdict'
    >>> tier_rule_check_sentence("quantile")[:59]
    'the extract has no budget at posting, so its tiers are cut '
    """
    if rule == "budget":
        return ("the extract has budgets at posting, so its tiers are fixed before the outcome and the rule "
                "changes no verdict")
    return ("the extract has no budget at posting, so its tiers are cut on realised earnings and every tier "
            "estimate is inconclusive")


def times_phrase(m: float) -> str:
    """``"as much as"`` for 1, else ``"<m> times"``: a multiple before a noun phrase.

    >>> times_phrase(1.0), times_phrase(2.0), times_phrase(0.5)
    ('as much as', '2 times', '0.5 times')
    """
    return "as much as" if float(m) == 1.0 else f"{float(m):g} times"


def rm_robust_sentence(counts: dict) -> str:
    """How many of the run's decided category estimates keep their sign under relative magnitudes.

    ``counts`` is :func:`analysis.claims.rm_robustness`.

    >>> rm_robust_sentence({"decided": 5, "robust": 1})
    '1 of the 5 category estimates the rule decides keeps its sign under it'
    >>> rm_robust_sentence({"decided": 2, "robust": 2})
    'both category estimates the rule decides keep their sign under it'
    >>> rm_robust_sentence({"decided": 0, "robust": 0})
    'the rule decides no category estimate, so there is nothing for it to overturn'
    """
    n, k = counts["decided"], counts["robust"]
    if n == 0:
        return "the rule decides no category estimate, so there is nothing for it to overturn"
    if n == 1:
        return ("the one category estimate the rule decides " + ("keeps" if k else "does not keep")
                + " its sign under it")
    if k == n:
        return ("both" if n == 2 else f"all {n}") + " category estimates the rule decides keep their sign under it"
    if k == 0:
        return f"none of the {n} category estimates the rule decides keeps its sign under it"
    return f"{k} of the {n} category estimates the rule decides " + ("keeps its" if k == 1 else "keep their") \
        + " sign under it"


def tier_sentences(check: pd.DataFrame, digits: int = 1) -> Markdown:
    """Markdown paragraph: one sentence per tiered category of claim 4, numbers from ``check``.

    Category names are escaped (:func:`analysis.report.escape.myst`). Returns a
    sentence saying the claim is not tested when there is no tiered category.

    Examples
    --------
    >>> import pandas as pd
    >>> check = pd.DataFrame({"claim": ["c4"], "role": ["<b>W</b>"], "estimate_id": ["category.w.contracts.low_value"],
    ...                       "estimate_pct": [-5.0], "ci_low_pct": [-9.0], "ci_high_pct": [-1.0], "verdict": ["supported"]})
    >>> print(tier_sentences(check)[:65])
    In **\\<b\\>W\\<\\/b\\>**, high-value contracts could not be estimated
    """
    sub = check[check["claim"] == "c4"]
    if sub.empty:
        return Markdown.trusted("This run's focus list has no tiered category (only the first focus category is "
                                "given), so claim 4 is not tested.")
    lines = []
    for cat, g in sub.groupby("role", sort=False):
        r = g.set_index(g["estimate_id"].str.rsplit(".", n=1).str[-1])

        def change(key):
            if key not in r.index or _nan(r.loc[key, "estimate_pct"]):
                return "could not be estimated"
            x = r.loc[key]
            return phrase(x, digits).rstrip(")") + f"; {x.verdict})"

        lines.append(Markdown.build("In **{cat}**, high-value contracts {high}, low-value contracts {low}, and "
                                    "low- relative to high-value contracts {gap}.", cat=cat,
                                    high=change("high_value"), low=change("low_value"), gap=change("tier_gap")))
    # One paragraph: the text is pasted inline into a list item of the
    # summary, where a Markdown list would not render as a list.
    return Markdown(" ".join(lines))


def day_text(date) -> str:
    """A date as the book prints it.

    Examples
    --------
    >>> day_text("2023-03-14")
    '14 March 2023'
    """
    ts = pd.Timestamp(date)
    return f"{ts.day} {ts:%B %Y}"


def month_text(month) -> str:
    """A month as the book prints it.

    Examples
    --------
    >>> month_text("2022-12-01")
    'December 2022'
    """
    return f"{pd.Timestamp(month):%B %Y}"


def release_words(treatment_date: str, label: str) -> dict[str, str]:
    """The words every page uses for the treatment: its name, its day, and the month rule.

    Nothing here is fixed to a date or a model: everything comes from the
    parameters ``treatment_date`` and ``treatment_label``
    (:mod:`analysis.core.periods` for the month rule).

    Returns
    -------
    dict
        ``treatment_label``; ``treatment_day`` (e.g. ``30 November 2022``);
        ``first_post_month`` (e.g. ``December 2022``); ``month_rule``: the
        sentence stating the post rule and what happens to a partly treated
        month.

    Examples
    --------
    >>> w = release_words("2023-03-14", "GPT-4's release")
    >>> w["first_post_month"]
    'April 2023'
    >>> w["month_rule"]
    "A month counts as after GPT-4's release when it starts on or after 14 March 2023, so April 2023 is the first; March 2023, partly after it, is left out of every estimate (it is neither before nor after)."
    >>> release_words("2022-11-30", "ChatGPT's release")["month_rule"]
    "A month counts as after ChatGPT's release when it starts on or after 30 November 2022, so December 2022 is the first; November 2022, with 1 day after it, counts as before."
    """
    from analysis.core import periods

    ts = pd.Timestamp(treatment_date)
    first = periods.first_post_month(treatment_date)
    rule = (f"A month counts as after {label} when it starts on or after {day_text(ts)}, "
            f"so {month_text(first)} is the first")
    part = periods.partial_month(treatment_date)
    if part is not None:
        rule += f"; {month_text(part)}, partly after it, is left out of every estimate (it is neither before nor after)."
    elif ts != ts.to_period("M").to_timestamp():
        n = ts.days_in_month - ts.day + 1
        rule += f"; {month_text(ts)}, with {n} day{'s' if n != 1 else ''} after it, counts as before."
    else:
        rule += "."
    return {"treatment_label": label, "treatment_day": day_text(ts), "first_post_month": month_text(first),
            "month_rule": rule}


def p_floor_sentence(n_units: int, alpha: float = 0.05) -> str:
    """What the number of categories in a comparison does to randomization p-values.

    Examples
    --------
    >>> p_floor_sentence(12)
    'With 12 categories in a comparison the smallest attainable p-value is 0.083, so these p-values can never fall below 0.05, however large the effect.'
    >>> p_floor_sentence(40)
    'With 40 categories in a comparison the smallest attainable p-value is 0.025, below 0.05, so a large enough effect can reach conventional thresholds.'
    """
    p = 1 / n_units
    head = f"With {n_units} categories in a comparison the smallest attainable p-value is {p:.3f}"
    if p > alpha:
        return f"{head}, so these p-values can never fall below {alpha:g}, however large the effect."
    return f"{head}, below {alpha:g}, so a large enough effect can reach conventional thresholds."
