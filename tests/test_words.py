"""Every direction, verdict and phrase word the book prints, on hand-made cases."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import claims
from analysis.report import words
from analysis.report.escape import Markdown, myst
from analysis.results import Estimate

NAN = float("nan")


def est(x, lo, hi) -> Estimate:
    return Estimate(id="t.x", outcome="x", scope="test", estimate_pct=x, ci_low_pct=lo, ci_high_pct=hi,
                    p_value=0.5, inference="test", n_obs=1)


@pytest.mark.parametrize("x, expected", [(3.2, "rose"), (-0.1, "fell"), (0.0, "did not change"),
                                         (NAN, "could not be estimated"), (None, "could not be estimated")])
def test_direction(x, expected):
    assert words.direction(x) == expected


@pytest.mark.parametrize("x, lo, hi, sign, word, rule", [
    (5, 1, 9, +1, "supports", "supported"),
    (5, -1, 11, +1, "points the same way as, but does not establish,", "inconclusive"),
    (-5, -9, -1, +1, "contradicts", "contradicted"),
    (-5, -9, 1, +1, "does not support", "inconclusive"),
    (-5, -9, -1, -1, "supports", "supported"),
    (5, 1, 9, -1, "contradicts", "contradicted"),
    (0.0, -1, 1, +1, "does not support", "inconclusive"),
    (NAN, NAN, NAN, +1, "does not support", "inconclusive"),
    (5, NAN, NAN, +1, "points the same way as, but does not establish,", "inconclusive"),
])
def test_verdict_word_follows_the_claim_rule(x, lo, hi, sign, word, rule):
    assert words.verdict(x, lo, hi, expected=sign) == word
    assert claims.verdict(lo, hi, sign) == rule
    assert words.verdict_of(est(x, lo, hi), sign) == word


def test_every_verdict_word_is_reachable():
    got = {words.verdict(x, lo, hi, 1) for x, lo, hi in [(5, 1, 9), (5, -1, 9), (-5, -9, -1), (-5, -9, 1)]}
    assert got == set(words.VERDICT_WORDS.values())


@pytest.mark.parametrize("e, kw, text", [
    (est(12.34, 4.1, 20.0), {}, "rose by 12.3% (95% interval 4.1% to 20.0%)"),
    (est(-6.75, -11.0, -2.5), {}, "fell by 6.8% (95% interval -11.0% to -2.5%)"),
    (est(0.0, -1.0, 1.0), {}, "did not change by 0.0% (95% interval -1.0% to 1.0%)"),
    (est(-3.0, -9.0, 2.5), {"up": "above", "down": "below", "by": ""}, "below 3.0% (95% interval -9.0% to 2.5%)"),
    (est(2.0, NAN, NAN), {}, "rose by 2.0% (no interval)"),
    (est(NAN, NAN, NAN), {}, "could not be estimated"),
    (est(1.23456, 0.5, 2.0), {"digits": 2}, "rose by 1.23% (95% interval 0.50% to 2.00%)"),
])
def test_phrase(e, kw, text):
    assert words.phrase(e, **kw) == text


def test_phrase_of_a_results_row():
    row = pd.Series({"estimate_pct": -1.0, "ci_low_pct": -2.0, "ci_high_pct": 0.5})
    assert words.phrase(row) == "fell by 1.0% (95% interval -2.0% to 0.5%)"


def test_interval_and_pretrend_words():
    assert words.interval_word(1, 2) == "excludes" and words.interval_word(-1, 2) == "includes"
    assert words.interval_word(NAN, 2) == "includes"
    assert words.pretrend_word(0.5) == "gives no evidence against" and words.pretrend_word(0.05) == "casts doubt on"
    assert words.pretrend_word(NAN) == "casts doubt on"


def test_name_list():
    assert words.name_list([]) == "none"
    assert words.name_list(["A"]) == "A"
    assert words.name_list(["A", "B"]) == "A and B"
    assert words.name_list(["A", "B", "C"], conj="or") == "A, B or C"


def test_markdown_is_built_only_from_escaped_pieces():
    md = Markdown.build("In **{cat}**, {x}.", cat="<img src=x onerror=alert(1)>{download}`/etc/hostname`$1$",
                        x=Markdown("*trusted*"))
    # Every markup character of the name is backslash-escaped: none is left bare.
    name = md[len("In **"):md.index("**,")]
    assert not re.search(r"(?<!\\)[<>{}`$]", name), name
    assert name.startswith("\\<img") and "\\{download\\}\\`" in name and "\\$1\\$" in name
    assert md.endswith("*trusted*.")
    assert myst("a\nb") == "a b"


def test_tier_sentences_escape_names_and_use_phrase():
    check = pd.DataFrame({"claim": ["c4"] * 3, "role": ["W<i>"] * 3,
                          "estimate_id": [f"category.w.contracts.{k}" for k in ("high_value", "low_value", "tier_gap")],
                          "estimate_pct": [5.0, -10.0, -14.3], "ci_low_pct": [1.0, -15.0, -20.0],
                          "ci_high_pct": [9.0, -5.0, -8.0], "verdict": ["supported"] * 3})
    s = words.tier_sentences(check)
    assert isinstance(s, Markdown)
    assert "W\\<i\\>" in s and "<i>" not in s
    assert "high-value contracts " + myst("rose by 5.0% (95% interval 1.0% to 9.0%; supported)") in s
    assert "low- relative to high-value contracts " + myst("fell by 14.3% (95% interval -20.0% to -8.0%; supported)") in s


def test_descriptive_words_say_consistent_not_supports():
    # Claim 1 rests on a projection (not a causal effect): its words are about consistency.
    assert set(words.CONSISTENCY_WORDS) == set(words.VERDICT_WORDS)
    assert not any("support" in w for w in words.CONSISTENCY_WORDS.values())
    up = {"estimate_pct": 4.0, "ci_low_pct": 1.0, "ci_high_pct": 7.0}
    down = {"estimate_pct": -4.0, "ci_low_pct": -7.0, "ci_high_pct": -1.0}
    wide = {"estimate_pct": 4.0, "ci_low_pct": -1.0, "ci_high_pct": 9.0}
    assert words.consistency_of(up, +1) == "is consistent with"
    assert words.consistency_of(down, +1) == "is not consistent with"
    assert words.consistency_of(wide, +1) == "points toward, but is not clearly consistent with,"
    from analysis.claims import CLAIM_VERDICTS

    assert set(words.DESCRIPTIVE_CLAIM_WORDS) == set(CLAIM_VERDICTS)
    assert words.claim_verdict_word("c1", "supported") == "consistent with the data"
    assert words.claim_verdict_word("c4", "contradicted") == "contradicted"


def test_p_clause_of_an_estimate_and_of_a_not_estimated_one():
    from analysis.results import not_estimated

    e = Estimate(id="productivity.hourly_rate", outcome="hourly_rate", scope="test", estimate_pct=3.1,
                 ci_low_pct=0.2, ci_high_pct=6.0, p_value=0.04127, inference="wild cluster bootstrap", n_obs=90)
    assert words.phrase(e) + words.p_clause(e) == "rose by 3.1% (95% interval 0.2% to 6.0%) (p = 0.041)"
    gone = not_estimated("productivity.hourly_rate", "hourly_rate", "test", "no control freelancers")
    assert words.phrase(gone) + words.p_clause(gone) == "could not be estimated: no control freelancers"
    assert words.p_clause(pd.Series({"p_value": NAN, "inference": "CRV1"})) == ""  # estimated, but no p-value
    assert words.p_clause(0.0004) == " (p < 0.001)" and words.p_clause(0.5, digits=2) == " (p = 0.50)"
    assert words.p_clause(NAN) == "" and words.p_clause(None) == ""


def test_stars_clause_of_an_estimate_and_of_a_not_estimated_one():
    from analysis.results import not_estimated

    e = Estimate(id="productivity.feedback", outcome="mean_feedback", scope="test", estimate_pct=-0.72,
                 ci_low_pct=-1.3, ci_high_pct=-0.1, p_value=0.02, inference="wild cluster bootstrap", n_obs=90,
                 coef=-0.03147)
    assert (words.phrase(e, digits=2) + words.stars_clause(e)
            == "fell by 0.72% (95% interval -1.30% to -0.10%), about 0.031 stars")
    gone = not_estimated("productivity.feedback", "mean_feedback", "test", "no exposed freelancers")
    assert words.phrase(gone) + words.stars_clause(gone) == "could not be estimated: no exposed freelancers"
    assert words.stars_clause({"coef": NAN, "inference": "CRV1"}) == ""
    assert words.stars_clause({"coef": 0.0004, "inference": "CRV1"}) == ", less than 0.001 stars"
