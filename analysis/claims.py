"""The five claims of the study this book re-creates, and a computed check of each.

The Upwork Research Institute study :cite:p:`upwork2024genai` made five claims
about freelance work after ChatGPT's release. :data:`CLAIMS` states each one,
the estimate ids of the results table it rests on and the sign each estimate
must have for the claim to hold. :func:`claim_check` reads a results table
(any run, any extract) and gives a verdict per estimate;
:func:`claim_verdicts` combines them into one verdict per claim.

Roles
-----
The study names three categories. This book calls them *roles*, so that the
check runs on any extract whose categories have other names:

* the **new-AI-work role** (the study's Data Science & Analytics) is the
  *first* focus category (parameter ``focus_categories``);
* the **tiered roles** (the study's Writing and Translation) are the other
  focus categories.

With the default ``focus_categories = ["Data Science & Analytics", "Writing",
"Translation"]`` this reproduces the study's roles; with
``["Machine Learning", "Copywriting"]`` the first plays Data Science &
Analytics and the second the tiered role. With a single focus category
claim 4 has no evidence and is "not tested".

Verdict rule (one estimate)
---------------------------
Each estimate has a claimed direction, ``+1`` (rose) or ``-1`` (fell), and a
95% interval ``[lo, hi]`` (see ``inference`` in the results table):

``supported``
    the interval excludes zero on the claimed side (``lo > 0`` for ``+1``,
    ``hi < 0`` for ``-1``);
``contradicted``
    the interval excludes zero on the opposite side;
``inconclusive``
    otherwise: the interval contains zero, or is missing;
``missing``
    the estimate id is not in the results table.

The rule uses the interval, not the p-value, because with one treated
category the randomization p-value cannot fall below ``1/n`` (0.1 with ten
categories), while the Conley-Taber interval can exclude zero.

Verdict rule (one claim)
------------------------
``supported`` when every estimate is supported; ``contradicted`` when at
least one is contradicted and none supported; ``conflicting evidence`` when
some are supported and some contradicted; ``partly supported`` when some are
supported, none contradicted and the rest inconclusive or missing;
``inconclusive`` when all are inconclusive (or some missing); ``not tested``
when the claim has no estimate at all (every one missing, or no role).
Rows shown beside the evidence (claimed sign ``none``, verdict ``context``;
see claim 3 below) take no part in this rule.

Claim 3: AI-related and other posts
-----------------------------------
"Grew through new AI work" is read on post counts, not on the AI-related
share of posts (a share that starts near zero rises almost by definition).
Claim 3 rests on job posts of the new-AI-work role (``category.<slug>.job_posts``,
the chapters' log DiD, +1) and on its AI-related posts
(``category.<slug>.ai_posts``, +1); the posts that are *not* AI-related
(``category.<slug>.other_posts``) are shown beside them.

*Unit.* The two counts are differences in differences of the category's
monthly count in percent of its own mean monthly job posts before the
release (:func:`analysis.estimation.shares.post_count_did`): the category's
change minus the controls' mean change, each scaled by its own pre-release
posts. They are in **percentage points** of pre-release posts (``unit``
``"pp"``, outcome ``<count>_per_pre_pp``), not percent changes: the log DiD
of job posts cannot be split into parts, and a percent change of AI-related
posts is undefined or huge when they start near zero. In this unit
``ai_posts + other_posts`` is exactly the DiD of all job posts
(``post_count_did(..., "job_posts")``, id ``category.<slug>.job_posts_per_pre``),
so the two say how much of the change in posts was AI-related. The truth of
both is planted in the simulator (``truth.json``).

*Decision: other posts are context, not evidence.* ``other_posts`` gets the
same inference, pre-trend and claim-window treatment as the evidence (it is
a row of :func:`honest_check`), but it does not enter Holm's family of the
claim or the claim's verdict. What the claim implies for it is "did not
rise", and the rule above cannot establish a null (an interval that
contains zero is inconclusive, never support); turning a rise of other posts
into a veto would need a margin the study never stated. The reader sees the
split instead: the summary quotes the AI-related and the other part side by
side, and the claim is "supported" only if job posts and AI-related posts
both rose by the rule. The AI-related share (``category.<slug>.ai_share``,
:func:`ai_share_did`) stays in chapter 3 as description.

Estimates needed beyond the chapters
------------------------------------
One share is estimated here (:func:`expert_share_did`): the expert-level
share of job posts in the focus categories (``productivity.expert_share``),
a DiD in levels on a share in percent (:func:`share_did`). Its
``estimate_pct`` and interval are in **percentage points** (the outcome is
``expert_share_pp``), like the post counts of claim 3, since a percent of a
pre-release share of zero is undefined.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.core.text import slugify
from analysis.estimation.shares import (ai_share_did, default_controls, estimation_kwargs, expert_share_did,
                                        post_count_dids)
from analysis.results import not_estimated_reason
from analysis.results.verdict import verdict  # noqa: F401  (the claim check's rule for one estimate)

VERDICTS = ("supported", "contradicted", "inconclusive", "missing", "context")
#: The claimed sign of an estimate shown beside a claim's evidence (``Evidence.expected == 0``).
CONTEXT = "none"
CLAIM_VERDICTS = ("supported", "partly supported", "conflicting evidence", "contradicted", "inconclusive",
                  "not tested")

#: Columns of :func:`claim_check`.
CHECK_COLUMNS = ["claim", "claim_text", "role", "estimate_id", "expected", "unit", "estimate_pct", "ci_low_pct",
                 "ci_high_pct", "p_value", "inference", "verdict"]


@dataclass(frozen=True)
class Roles:
    """Which focus category plays which role of the study.

    Attributes
    ----------
    new_ai_work : str or None
        The category expected to gain new AI work (the study's Data Science &
        Analytics).
    tiered : tuple of str
        Categories expected to lose low-value and gain high-value work (the
        study's Writing and Translation).
    """

    new_ai_work: str | None
    tiered: tuple[str, ...] = ()

    @property
    def focus(self) -> list[str]:
        """The focus categories, new-AI-work role first."""
        return ([self.new_ai_work] if self.new_ai_work else []) + list(self.tiered)


def roles_from_focus(focus: Sequence[str]) -> Roles:
    """Map a focus list to the study's roles: first = new AI work, rest = tiered.

    Parameters
    ----------
    focus : sequence of str
        Focus categories in order (parameter ``focus_categories``).

    Returns
    -------
    Roles

    Examples
    --------
    >>> roles_from_focus(["Data Science & Analytics", "Writing", "Translation"])
    Roles(new_ai_work='Data Science & Analytics', tiered=('Writing', 'Translation'))
    >>> roles_from_focus([])
    Roles(new_ai_work=None, tiered=())
    """
    focus = [str(f) for f in focus]
    return Roles(focus[0] if focus else None, tuple(focus[1:]))


def _as_roles(roles) -> Roles:
    if isinstance(roles, Roles):
        return roles
    if isinstance(roles, str):
        return roles_from_focus([roles])
    return roles_from_focus(list(roles))


@dataclass(frozen=True)
class Evidence:
    """One estimate a claim rests on.

    Attributes
    ----------
    template : str
        Estimate id; ``{slug}`` is replaced by the slug of each category of
        ``role``.
    expected : int
        Claimed sign: +1 (rose) or -1 (fell); 0 for an estimate shown beside
        the evidence that does not decide the verdict (claimed sign
        :data:`CONTEXT`, verdict ``"context"``).
    role : str
        ``"platform"``, ``"new_ai_work"``, ``"tiered"`` or ``"focus"`` (all
        focus categories pooled; no ``{slug}``).
    what : str
        The quantity, in words.
    unit : str
        ``"%"`` (percent change) or ``"pp"`` (percentage points: shares, and
        post counts per pre-release post).
    """

    template: str
    expected: int
    role: str
    what: str
    unit: str = "%"


@dataclass(frozen=True)
class Claim:
    """One claim of the study.

    Attributes
    ----------
    id : str
        Short stable id (``c1`` ... ``c5``).
    text : str
        The claim as the study states it.
    test : str
        How this book tests it.
    evidence : tuple of Evidence
    """

    id: str
    text: str
    test: str
    evidence: tuple[Evidence, ...]


#: The study's five claims :cite:p:`upwork2024genai`.
CLAIMS: tuple[Claim, ...] = (
    Claim("c1", "Job posts rose in 2023.",
          "Platform job posts after the release against a projection of the pre-release trend and season.",
          (Evidence("platform.job_posts", +1, "platform", "platform job posts vs projection"),)),
    Claim("c2", "Earnings per contract rose.",
          "Platform earnings per contract (nominal USD, as the study reported them) after the release against a "
          "projection of the pre-release trend and season; chapter 2 shows the CPI-deflated estimate "
          "(platform.earnings_per_contract_real) and how much of the change is category mix.",
          (Evidence("platform.earnings_per_contract", +1, "platform", "platform earnings per contract vs projection"),)),
    Claim("c3", "Data Science & Analytics grew through new AI work (the reinstatement effect).",
          "Job posts of the new-AI-work category, and its AI-related job posts, against the control categories "
          "(difference in differences; AI-related posts in percentage points of the category's pre-release "
          "monthly posts, not the AI share, which starts near zero and rises almost by definition). Both must "
          "rise for the claim to be supported. The posts that are not AI-related, in the same unit, are shown "
          "beside them and do not decide the verdict (a rule cannot establish that they did not rise); "
          "AI-related and other posts add up to the change in all posts, so they show how much of the growth "
          "was new AI work (ai_related as defined in data/README.md).",
          (Evidence("category.{slug}.job_posts", +1, "new_ai_work", "job posts"),
           Evidence("category.{slug}.ai_posts", +1, "new_ai_work",
                    "AI-related job posts, per pre-release post", "pp"),
           Evidence("category.{slug}.other_posts", 0, "new_ai_work",
                    "job posts not AI-related, per pre-release post (shown beside)", "pp"))),
    Claim("c4", "Writing & Translation were mixed: high-value contracts gained, low-value contracts lost.",
          "Contracts above and below the value threshold in each tiered category against the same tier of the "
          "control categories, and the triple difference of low against high value.",
          (Evidence("category.{slug}.contracts.high_value", +1, "tiered", "high-value contracts"),
           Evidence("category.{slug}.contracts.low_value", -1, "tiered", "low-value contracts"),
           Evidence("category.{slug}.contracts.tier_gap", -1, "tiered", "low- relative to high-value contracts"))),
    Claim("c5", "Work shifted toward complex, specialised, better-paid tasks.",
          "Hourly rates within freelancers whose main pre-release category is a focus category against "
          "other freelancers (the focus categories pooled; chapter 4 shows the new-AI-work and the tiered "
          "freelancers on their own, descriptive only, since one exposed category gives the wild bootstrap a "
          "single treated cluster), and the "
          "expert-level share of job posts in the focus categories against the controls.",
          (Evidence("productivity.hourly_rate", +1, "focus", "hourly rate within freelancers"),
           Evidence("productivity.expert_share", +1, "focus", "expert-level share of job posts", "pp"))),
)


def claim_by_id(claim_id: str) -> Claim:
    """The claim with id ``claim_id``."""
    for c in CLAIMS:
        if c.id == claim_id:
            return c
    raise KeyError(f"no claim {claim_id!r}; ids: {[c.id for c in CLAIMS]}")


def evidence_rows(roles) -> list[tuple[Claim, Evidence, str, str]]:
    """Every (claim, evidence, role label, estimate id) for the given roles, in claim order."""
    roles = _as_roles(roles)
    out = []
    for claim in CLAIMS:
        tiered = [ev for ev in claim.evidence if ev.role == "tiered"]
        for cat in roles.tiered:  # grouped by category: each category's estimates together
            for ev in tiered:
                out.append((claim, ev, cat, ev.template.format(slug=slugify(cat))))
        for ev in claim.evidence:
            if ev.role == "platform":
                out.append((claim, ev, "platform", ev.template))
            elif ev.role == "focus":
                if roles.focus:
                    out.append((claim, ev, "focus categories", ev.template))
            elif ev.role == "new_ai_work":
                if roles.new_ai_work:
                    out.append((claim, ev, roles.new_ai_work, ev.template.format(slug=slugify(roles.new_ai_work))))
            elif ev.role == "tiered":
                continue  # added above
            else:  # pragma: no cover - guarded by the CLAIMS table
                raise ValueError(f"unknown role {ev.role!r}")
    return out


def required_ids(roles) -> list[str]:
    """Estimate ids the claim check needs for the given roles (no duplicates, in claim order).

    Examples
    --------
    >>> required_ids(["A", "B"])[:3]
    ['platform.job_posts', 'platform.earnings_per_contract', 'category.a.job_posts']
    """
    seen: list[str] = []
    for *_, eid in evidence_rows(roles):
        if eid not in seen:
            seen.append(eid)
    return seen


def own_ids(roles) -> list[str]:
    """Ids that no chapter estimates: the share estimate this module makes (see module docstring).

    The summary page always computes and records these; every other id of
    :func:`required_ids` is made by a chapter (the post counts of claim 3 by
    chapter 3).

    Examples
    --------
    >>> own_ids(["Data Science & Analytics", "Writing"])
    ['productivity.expert_share']
    """
    return [i for i in required_ids(roles) if i.endswith(".expert_share")]


def claim_check(results: pd.DataFrame, roles) -> pd.DataFrame:
    """Check every claim against a results table.

    Parameters
    ----------
    results : DataFrame
        A results table (columns of :data:`analysis.results.RESULT_COLUMNS`;
        at least ``id``, ``estimate_pct``, ``ci_low_pct``, ``ci_high_pct``,
        ``p_value``, ``inference``).
    roles : Roles or sequence of str
        The roles, or the focus list they come from (:func:`roles_from_focus`).

    Returns
    -------
    DataFrame
        One row per (claim, estimate) with :data:`CHECK_COLUMNS`;
        ``expected`` is ``"+"``, ``"-"`` or :data:`CONTEXT` (shown beside:
        verdict ``"context"``); estimates absent from ``results`` have NaN
        numbers and verdict ``"missing"``; ``unit`` is ``"%"`` or ``"pp"``
        (shares and post counts per pre-release post).
    """
    need = {"id", "estimate_pct", "ci_low_pct", "ci_high_pct", "p_value", "inference"}
    missing_cols = need - set(results.columns)
    if missing_cols:
        raise ValueError(f"results table lacks columns {sorted(missing_cols)}")
    by_id = results.drop_duplicates("id", keep="last").set_index("id")
    rows = []
    for claim, ev, role, eid in evidence_rows(roles):
        row = dict(claim=claim.id, claim_text=claim.text, role=role, estimate_id=eid,
                   expected=_sign(ev.expected), unit=ev.unit)
        if eid in by_id.index:
            r = by_id.loc[eid]
            row.update(estimate_pct=float(r["estimate_pct"]), ci_low_pct=float(r["ci_low_pct"]),
                       ci_high_pct=float(r["ci_high_pct"]), p_value=float(r["p_value"]),
                       inference=str(r["inference"]),
                       verdict=verdict(float(r["ci_low_pct"]), float(r["ci_high_pct"]), ev.expected)
                       if ev.expected else "context")
        else:
            row.update(estimate_pct=math.nan, ci_low_pct=math.nan, ci_high_pct=math.nan, p_value=math.nan,
                       inference="", verdict="missing")
        rows.append(row)
    out = pd.DataFrame(rows, columns=CHECK_COLUMNS)
    for c in ("estimate_pct", "ci_low_pct", "ci_high_pct", "p_value"):
        out[c] = out[c].astype("float64")
    return out


def _sign(expected: int) -> str:
    return "+" if expected > 0 else "-" if expected < 0 else CONTEXT


def combine(verdicts: Iterable[str]) -> str:
    """One claim's verdict from its estimates' verdicts (rule in the module docstring).

    Examples
    --------
    >>> combine(["supported", "supported"]), combine(["supported", "inconclusive"])
    ('supported', 'partly supported')
    >>> combine(["supported", "contradicted"]), combine(["contradicted", "inconclusive"])
    ('conflicting evidence', 'contradicted')
    >>> combine(["inconclusive", "missing"]), combine(["missing"]), combine([])
    ('inconclusive', 'not tested', 'not tested')
    >>> combine(["supported", "supported", "context"])
    'supported'
    """
    v = [x for x in verdicts if x != "context"]  # rows shown beside the evidence do not count
    present = [x for x in v if x != "missing"]
    if not present:
        return "not tested"
    n_sup, n_con = present.count("supported"), present.count("contradicted")
    if n_sup == len(v):
        return "supported"
    if n_sup and n_con:
        return "conflicting evidence"
    if n_con:
        return "contradicted"
    if n_sup:
        return "partly supported"
    return "inconclusive"


def claim_verdicts(check: pd.DataFrame) -> pd.DataFrame:
    """One row per claim: id, text, how it is tested, counts and the combined verdict.

    Parameters
    ----------
    check : DataFrame
        Output of :func:`claim_check`.

    Returns
    -------
    DataFrame
        Columns ``claim``, ``claim_text``, ``test``, ``n_estimates``,
        ``n_supported``, ``n_contradicted``, ``n_inconclusive``,
        ``n_missing``, ``verdict``; every claim of :data:`CLAIMS` appears, in
        order (claims without evidence are ``"not tested"``).
    """
    rows = []
    for claim in CLAIMS:
        v = [x for x in check.loc[check["claim"] == claim.id, "verdict"] if x != "context"]
        rows.append(dict(claim=claim.id, claim_text=claim.text, test=claim.test, n_estimates=len(v),
                         n_supported=v.count("supported"), n_contradicted=v.count("contradicted"),
                         n_inconclusive=v.count("inconclusive"), n_missing=v.count("missing"),
                         verdict=combine(v)))
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# Gathering the estimates of a run
# ---------------------------------------------------------------------------


def compute_estimates(panels: dict, roles, ids: Sequence[str], controls: Sequence[str] | None = None,
                      treatment_date: str | None = None, seed: int | None = None, quick: bool = False,
                      max_freelancers: int | None = None) -> list:
    """Compute the given claim estimates with the same calls the chapters make.

    Category ids come from :func:`analysis.estimation.category_effects` (one
    category at a time, against the same ``controls``: identical numbers to
    chapter 3), platform ids from
    :func:`analysis.estimation.platform_counterfactual` (as chapter 2),
    ``productivity.hourly_rate`` from
    :func:`analysis.estimation.within_freelancer` (as chapter 4: exposure
    fixed at each freelancer's main pre-release category, freelancers
    without pre-release contracts left out), the
    AI-related and other post counts of any focus category from
    :func:`analysis.estimation.shares.post_count_dids` (as chapter 3), and the
    shares from :func:`ai_share_did` and :func:`expert_share_did`.

    Parameters
    ----------
    panels : dict
        Panels of :func:`analysis.data.panels.build_panels`.
    roles : Roles or sequence of str
    ids : sequence of str
        Ids to compute (others of :func:`required_ids` are skipped).
    controls : sequence of str, optional
        Control categories (default: every non-focus category).
    treatment_date : str, optional
    seed : int, optional
    quick : bool
        Point estimates only: inference ``"crv1"`` where the estimator takes
        it (the point estimate does not depend on the inference method), to
        check a results table cheaply.
    max_freelancers : int, optional
        Freelancer cap of the within-freelancer regression (the run parameter;
        default :data:`analysis.estimation.MAX_FREELANCERS`).

    Returns
    -------
    list of Estimate
        In the order of ``ids``; ids this module cannot compute are left out.
        An estimate whose design is empty on these data
        (:class:`analysis.estimation.common.NotEstimable`) is its "not
        estimated" row, as the chapter records it.
    """
    from analysis import estimation as est

    roles = _as_roles(roles)
    want = list(dict.fromkeys(ids))
    cm = panels["category_month"]
    focus = roles.focus
    ctrl = default_controls(cm, focus, controls)
    kw = estimation_kwargs(treatment_date, seed)
    inf = {"inference": "crv1"} if quick else {}
    got: dict[str, object] = {}
    for cat in focus:
        slug = slugify(cat)
        cat_ids = [i for i in want if i.startswith(f"category.{slug}.") and not i.endswith(_NOT_CATEGORY_EFFECTS)]
        if cat_ids:
            for e in est.category_effects(panels, [cat], ctrl, **kw, **inf):
                got[e.id] = e
        if any(i in want for i in (f"category.{slug}.ai_posts", f"category.{slug}.other_posts")):
            for e in post_count_dids(cm, cat, ctrl, **kw, **inf):
                got[e.id] = e
    for outcome in ("job_posts", "contracts", "earnings_per_contract"):
        if f"platform.{outcome}" in want:
            got[f"platform.{outcome}"] = est.platform_counterfactual(cm, outcome, **kw)[1]
    if "productivity.hourly_rate" in want and focus:
        from analysis.estimation.common import estimate_or_not

        wkw = {} if max_freelancers is None else {"max_freelancers": max_freelancers}
        got["productivity.hourly_rate"] = estimate_or_not(est.within_freelancer, panels["freelancer_month"],
                                                          "hourly_rate", focus, **kw, **inf, **wkw)
    if roles.new_ai_work and f"category.{slugify(roles.new_ai_work)}.ai_share" in want:
        e = ai_share_did(cm, roles.new_ai_work, ctrl, **kw, **inf)
        got[e.id] = e
    if "productivity.expert_share" in want and focus:
        e = expert_share_did(cm, focus, ctrl, **kw, **inf)
        got[e.id] = e
    return [got[i] for i in want if i in got]


#: Category ids that :func:`analysis.estimation.category_effects` does not make.
_NOT_CATEGORY_EFFECTS = (".ai_share", ".ai_posts", ".other_posts")

#: Largest difference (percentage points) between a stored and a recomputed
#: point estimate for the stored row to count as this run's (the results CSV
#: keeps six decimals).
MATCH_TOL = 1e-4


def gather_estimates(panels: dict, roles, results: pd.DataFrame | None = None,
                     controls: Sequence[str] | None = None, treatment_date: str | None = None,
                     seed: int | None = None, tol: float = MATCH_TOL,
                     ids: Sequence[str] | None = None,
                     max_freelancers: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The estimates the claim check needs: from the run's results table when current, else computed.

    A row of ``results`` is used only when its point estimate equals a fresh
    point estimate on ``panels`` (within ``tol``), or when both are "not
    estimated" for the same reason (:func:`analysis.results.not_estimated`): a table left over from
    another extract or other parameters is thereby never used. Missing or
    stale ids are computed with :func:`compute_estimates` (full inference).
    Since the estimators are deterministic given the seed, either way gives
    the numbers the chapters report.

    Parameters
    ----------
    panels : dict
    roles : Roles or sequence of str
    results : DataFrame, optional
        The run's results table (``analysis.results.read_results``).
    controls, treatment_date, seed, max_freelancers
        As in :func:`compute_estimates`.
    tol : float
        Tolerance of the freshness check (percentage points).
    ids : sequence of str, optional
        Ids wanted (default :func:`required_ids`); ids that
        :func:`compute_estimates` cannot make are left out.

    Returns
    -------
    estimates : DataFrame
        Results-table rows of the ids (those that could be made), in their order.
    provenance : DataFrame
        ``id``, ``source`` (``"results table"`` or ``"computed"``) and
        ``reason`` (``"current"``, ``"not in the results table"`` or
        ``"stale: stored X, recomputed Y"``).
    """
    from analysis.results import results_frame

    roles = _as_roles(roles)
    ids = list(dict.fromkeys(ids)) if ids is not None else required_ids(roles)
    args = dict(controls=controls, treatment_date=treatment_date, seed=seed, max_freelancers=max_freelancers)
    stored = results.drop_duplicates("id", keep="last").set_index("id") if results is not None and len(results) \
        else None
    prov, use, todo = [], [], []
    in_store = [i for i in ids if stored is not None and i in stored.index]
    quick = {e.id: e for e in compute_estimates(panels, roles, in_store, quick=True, **args)} if in_store else {}
    for i in ids:
        if i in quick:
            old, new = float(stored.loc[i, "estimate_pct"]), quick[i].estimate_pct
            why = not_estimated_reason(quick[i])  # not estimated, for the same reason: the same row
            if (math.isfinite(old) and math.isfinite(new) and abs(old - new) <= tol) or \
                    (why is not None and why == not_estimated_reason(stored.loc[i])):
                use.append(i)
                prov.append(dict(id=i, source="results table", reason="current"))
                continue
            reason = f"stale: stored {old:.4f}, recomputed {new:.4f}"
        else:
            reason = "not in the results table"
        todo.append(i)
        prov.append(dict(id=i, source="computed", reason=reason))
    frames = []
    if use:
        frames.append(stored.loc[use].reset_index())
    if todo:
        made = compute_estimates(panels, roles, todo, **args)
        if made:
            frames.append(results_frame(made))
        made_ids = {e.id for e in made}
        prov = [p for p in prov if p["source"] != "computed" or p["id"] in made_ids]
    from analysis.results import RESULT_COLUMNS

    out = pd.concat(frames, ignore_index=True)[RESULT_COLUMNS] if frames else \
        pd.DataFrame(columns=RESULT_COLUMNS)
    order = {i: k for k, i in enumerate(ids)}
    out = out.sort_values("id", key=lambda s: s.map(order), ignore_index=True)
    return out, pd.DataFrame(prov, columns=["id", "source", "reason"])


# ---------------------------------------------------------------------------
# The honest claim check
# ---------------------------------------------------------------------------

#: Family-wise error rate of a claim's estimates, and the level of every interval.
ALPHA = 0.05
#: Percentile at which contract values are capped, and the share of the largest
#: contracts dropped, in the influence check of earnings per contract.
WINSOR_PCT, TOP_SHARE = 99.9, 1e-4

#: Columns the honest check adds to :data:`CHECK_COLUMNS`.
HONEST_COLUMNS = ["book_verdict", "honest_pct", "honest_low_pct", "honest_high_pct", "honest_p", "honest_method",
                  "holm_p", "pretrend_slope_pct", "pretrend_p", "trend_low_pct", "trend_high_pct",
                  "rm_low_pct", "rm_high_pct", "rm_breakdown", "influence", "reason"]


def _level_or_pct(x: float, pct: bool) -> float:
    """A coefficient in the check's unit: percent for log outcomes (``100*(exp(x)-1)``), else as is (pp)."""
    return 100.0 * math.expm1(x) if pct else float(x)


def _one_unit(cm: pd.DataFrame, eid: str, cat: str, ctrl: list[str], focus: list[str], treatment_date: str):
    """(panel, outcome, treated, size, log, pct) of the one-unit version of a category estimate, or None."""
    from analysis.estimation.shares import count_panel, share_panel

    slug = slugify(cat) if cat else ""
    if eid == f"category.{slug}.job_posts":
        return cm, "job_posts", cat, "job_posts", True, True
    if eid == f"category.{slug}.ai_share":
        return share_panel(cm), "ai_share", cat, "job_posts", False, False
    for count in ("ai_posts", "other_posts"):  # percentage points of pre-release posts, as the estimate
        if eid == f"category.{slug}.{count}":
            return count_panel(cm, treatment_date), f"{count}_per_pre", cat, "job_posts", False, False
    if eid == "productivity.expert_share":  # the focus categories pooled into one unit
        f = cm[cm["category"].astype("str").isin(focus)]
        pooled = (f.groupby("month", as_index=False)[["job_posts", "ai_posts", "expert_posts"]].sum()
                  .assign(category="focus categories"))
        both = pd.concat([cm[cm["category"].astype("str").isin(ctrl)], pooled], ignore_index=True)
        return share_panel(both), "expert_share", "focus categories", "job_posts", False, False
    return None


def _tier_unit(ctm: pd.DataFrame, eid: str, cat: str):
    from analysis.estimation import honest as H

    slug = slugify(cat)
    for tier in ("low", "high"):
        if eid == f"category.{slug}.contracts.{tier}_value":
            return ctm[ctm["tier"].astype("str") == tier], "contracts", cat, "contracts", True, True
    if eid == f"category.{slug}.contracts.tier_gap":
        return H.tier_gap_panel(ctm), "gap", cat, "size", False, True
    return None


def honest_check(panels, roles, estimates: pd.DataFrame, controls: Sequence[str] | None = None,
                 treatment_date: str | None = None, seed: int | None = None,
                 contracts: pd.DataFrame | None = None, alpha: float = ALPHA) -> pd.DataFrame:
    """The claim check with verdicts that stay honest outside the world the estimators assume.

    Starts from :func:`claim_check` on the run's ``estimates`` (the book's
    point estimates and intervals: ``book_verdict``) and, per estimate, adds
    the evidence of :mod:`analysis.estimation.honest`. The verdict of an
    estimate is then decided by five tests, all stated before any result is
    seen (the rule the summary page prints):

    1. **An interval valid under realistic noise** (``honest_*``). A
       one-category estimate uses the Ferman-Pinto interval (placebo
       variance modelled as ``A + B/size``: valid when categories differ in
       size); a platform projection the AR(1)-error projection
       (serially correlated shocks); the within-freelancer rate and the
       pooled expert share keep the book's cluster interval (many freelancers,
       or several treated categories).
    2. **Multiplicity** (``holm_p``). A claim resting on ``m`` estimates
       controls the family-wise error at ``alpha`` over them: Holm's step-down
       adjustment of the ``honest_p`` p-values within the claim.
    3. **Pre-trend robustness** (``pretrend_*``, ``trend_*``). For every
       category estimate, the event study against the controls gives the
       linear pre-release trend (slope per month, t test:
       :func:`analysis.estimation.honest.linear_pretrend`) and the
       Rambachan-Roth interval that allows *any* linear differential trend
       (``M = 0``: :func:`analysis.estimation.honest.trend_robust_interval`).
       The estimate's sign counts only if that interval also excludes zero on
       the same side. Where no event study exists (platform projections,
       which extrapolate the trend themselves; the within-freelancer rate),
       this test is not applied and ``reason`` says so. A category estimate
       whose event study cannot be computed (a category with months without
       posts or contracts) is inconclusive: its trend robustness is unknown;
       so is an estimate whose interval of test 1 cannot be computed (the
       chapter's interval is never used in its place).
    4. **Influence** (``influence``; earnings per contract). The estimate is
       recomputed with contract values capped at the ``WINSOR_PCT``
       percentile and without the top ``TOP_SHARE`` of contracts; if either
       version changes the verdict, the estimate is inconclusive.
    5. **Tiers fixed before the outcome** (the value-tier estimates of
       claim 4). Without the posts' ex-ante budget (``budget_usd``) tiers are
       cut on realised earnings (:func:`analysis.data.panels.tier_rule`
       ``"quantile"``), and a rise of every contract's value moves contracts
       from the low tier to the high one: "high-value up, low-value down"
       with no displacement at all (the ``value-shift`` world tiered on its
       earnings). Those estimates are then inconclusive, whatever their
       intervals. The rule is read from ``contracts`` (its ``budget_usd``
       column); without ``contracts`` it is not applied and ``reason`` says
       so.

    An estimate is ``supported`` (``contradicted``) only when its
    Holm-adjusted p-value is at most ``alpha``, its point estimate has the
    claimed (the opposite) sign, the trend-robust interval excludes zero on
    that side, and the influence check does not change it; otherwise
    ``inconclusive``, with the first test that failed in ``reason``.
    An estimate that could not be estimated on these data (its
    ``inference`` is "not estimated: <reason>",
    :func:`analysis.results.not_estimated`) gets no tests: it is
    ``inconclusive`` with "could not be estimated: <reason>" in ``reason``.
    Claims are then combined by :func:`claim_verdicts` as before.

    **Reported beside the rule, not a test of it: relative magnitudes**
    (``rm_low_pct``, ``rm_high_pct``, ``rm_breakdown``). For every category
    estimate with an event study, :func:`analysis.estimation.relmag.rm_summary`
    bins it into half-years and gives the Rambachan-Roth interval under
    :math:`\Delta^{RM}(1)` (after the release the differential trend moves
    between half-years by at most the largest move between pre-release
    half-years) and the breakdown ``Mbar``. It is not a sixth test because
    the false-verdict rates the summary page quotes were measured with the
    five tests above (``benchmarks/worlds.py``, 200 draws a world), and
    because with the bundled panel's two pre-release half-years besides the
    reference one, the largest pre-release move is one noisy difference;
    the reader sees, row by row, which verdicts would survive it
    (:func:`rm_robustness`). Empty when the months do not fill two post and
    one pre half-year besides the reference.

    A row
    shown beside the evidence (claimed sign :data:`CONTEXT`: the other posts
    of claim 3) gets tests 1 and 3 but is outside Holm's family and keeps
    the verdict ``"context"``.

    Parameters
    ----------
    panels : mapping
        The run's panels (``category_month``, ``category_tier_month``).
    roles : Roles or sequence of str
    estimates : DataFrame
        The run's estimates (:func:`gather_estimates`).
    controls : sequence of str, optional
    treatment_date : str, optional
    seed : int, optional
    contracts : DataFrame, optional
        One row per contract (:func:`analysis.data.panels.contract_values`);
        without it the influence test is skipped (``reason`` says so).
    alpha : float

    Returns
    -------
    DataFrame
        :data:`CHECK_COLUMNS` + :data:`HONEST_COLUMNS`, one row per (claim,
        estimate) as :func:`claim_check`. Estimate and interval columns in
        percent, or percentage points for the shares (``unit``).
    """
    from analysis.estimation import honest as H
    from analysis.estimation import relmag as RM
    from analysis.estimation.did import TREATMENT_DATE

    roles = _as_roles(roles)
    td = treatment_date or TREATMENT_DATE
    kw_seed = {} if seed is None else {"seed": seed}
    cm, ctm = panels["category_month"], panels["category_tier_month"]
    focus = roles.focus
    ctrl = default_controls(cm, focus, controls)
    check = claim_check(estimates, roles)
    from analysis.data.panels import tier_rule

    rule = "unknown" if contracts is None else tier_rule(contracts.columns)
    check = check.assign(book_verdict=check["verdict"], _influence_flag=False, _trend_failed=False,
                         _honest_failed=False,
                         _tier_rule=[rule if _is_tier_id(e) else "" for e in check["estimate_id"]])
    for c in HONEST_COLUMNS[1:]:
        check[c] = "" if c in ("honest_method", "influence", "reason") else math.nan
    for i, row in check.iterrows():
        eid, cat = row["estimate_id"], row["role"]
        if row["verdict"] == "missing":
            continue
        honest = dict(honest_pct=row["estimate_pct"], honest_low_pct=row["ci_low_pct"],
                      honest_high_pct=row["ci_high_pct"], honest_p=row["p_value"], honest_method=row["inference"])
        if not_estimated_reason(row) is not None:  # nothing to test: _tests gives its reason
            for k, v in honest.items():
                check.at[i, k] = v
            continue
        unit = None
        try:
            if eid.startswith("platform."):
                outcome = eid.split(".", 1)[1]
                r = H.platform_counterfactual_ar1(cm, outcome, td, **kw_seed)
                honest = dict(honest_pct=r.estimate_pct, honest_low_pct=r.ci_low_pct, honest_high_pct=r.ci_high_pct,
                              honest_p=r.p_value, honest_method=r.inference)
            else:
                unit = _one_unit(cm, eid, cat, ctrl, focus, td) or _tier_unit(ctm, eid, cat)
                if unit is not None and eid != "productivity.expert_share":
                    panel, outcome, treated, size, log, pct = unit
                    r = H.ferman_pinto(panel, outcome, treated, size, ctrl, td, log=log, id=eid)
                    lo, hi = r.details["ci_coef"]
                    honest = dict(honest_pct=_level_or_pct(r.coef, pct), honest_low_pct=_level_or_pct(lo, pct),
                                  honest_high_pct=_level_or_pct(hi, pct), honest_p=r.p_value,
                                  honest_method=r.inference)
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
            honest["honest_method"] = f"{row['inference']} (the check's interval cannot be computed: {exc})"
            check.at[i, "_honest_failed"] = True
        for k, v in honest.items():
            check.at[i, k] = v
        if unit is not None:
            panel, outcome, treated, size, log, pct = unit
            try:
                es = H.event_study_cov(panel, outcome, treated, size, ctrl, td, log=log)
                pt = H.linear_pretrend(es)
                tr = H.trend_robust_interval(es, alpha)
                check.at[i, "pretrend_slope_pct"] = pt["slope_pct"] if pct else pt["slope"]
                check.at[i, "pretrend_p"] = pt["p_value"]
                check.at[i, "trend_low_pct"] = _level_or_pct(tr["lb"], pct)
                check.at[i, "trend_high_pct"] = _level_or_pct(tr["ub"], pct)
            except (ValueError, ArithmeticError, np.linalg.LinAlgError):  # e.g. months without data
                check.at[i, "_trend_failed"] = True
            else:
                try:  # reported beside the rule, not a test of it (see the docstring)
                    rm = RM.rm_summary(es, alpha)
                    check.at[i, "rm_low_pct"] = _level_or_pct(rm["lb"], pct)
                    check.at[i, "rm_high_pct"] = _level_or_pct(rm["ub"], pct)
                    check.at[i, "rm_breakdown"] = rm["breakdown"]
                except (ValueError, ArithmeticError, np.linalg.LinAlgError):  # too few months for the bins
                    pass
        if eid.endswith("earnings_per_contract") and eid.startswith("platform.") and contracts is not None \
                and len(contracts):
            expected = 1 if row["expected"] == "+" else -1

            def est_epc(panel):
                r = H.platform_counterfactual_ar1(panel, "earnings_per_contract", td, **kw_seed)
                return r.estimate_pct, r.ci_low_pct, r.ci_high_pct

            infl = H.influence_check(cm, contracts, est_epc, expected, WINSOR_PCT, TOP_SHARE)
            t = infl["table"]
            check.at[i, "influence"] = "; ".join(f"{v.version}: {v.estimate_pct:+.1f}% ({v.verdict})"
                                                 for v in t.iloc[1:].itertuples())
            check.at[i, "_influence_flag"] = bool(infl["flag"])
    for cid in check["claim"].unique():  # Holm's family: the claim's evidence, not the rows shown beside it
        rows = check.index[(check["claim"] == cid) & ~check["verdict"].isin(["missing", "context"])]
        check.loc[rows, "holm_p"] = H.holm(check.loc[rows, "honest_p"].astype(float).to_numpy())
    decided = [_tests(r, alpha) for r in check.to_dict("records")]
    check["verdict"] = [v for v, _ in decided]
    check["reason"] = [why for _, why in decided]
    out = check[CHECK_COLUMNS + HONEST_COLUMNS].copy()
    for c in ("honest_pct", "honest_low_pct", "honest_high_pct", "honest_p", "holm_p", "pretrend_slope_pct",
              "pretrend_p", "trend_low_pct", "trend_high_pct", "rm_low_pct", "rm_high_pct", "rm_breakdown"):
        out[c] = out[c].astype("float64")
    return out


def _tests(r: dict, alpha: float) -> tuple[str, str]:
    """(verdict, reason) of one row of the honest check."""
    if r["book_verdict"] == "missing":
        return "missing", "not in the results table"
    if r["expected"] == CONTEXT:
        p = r["honest_p"]
        return "context", ("shown beside the evidence, not part of the verdict"
                           + (f" (p = {p:.3f}, not adjusted)" if isinstance(p, float) and math.isfinite(p) else ""))
    reason = not_estimated_reason(r)
    if reason is not None:
        return "inconclusive", f"could not be estimated: {reason}"
    if r.get("_honest_failed") is True:
        return "inconclusive", "the check's interval cannot be computed on this extract"
    expected = 1 if r["expected"] == "+" else -1
    est, p = r["honest_pct"], r["holm_p"]
    if not (isinstance(p, float) and math.isfinite(p)) or not math.isfinite(est) or est == 0:
        return "inconclusive", "no p-value"
    if p > alpha:
        return "inconclusive", (f"not significant after Holm's adjustment (p = {p:.3f})"
                                if r["honest_p"] <= alpha else f"interval contains zero (p = {p:.3f})")
    side = 1 if est > 0 else -1
    word = "supported" if side == expected else "contradicted"
    lo, hi = r["trend_low_pct"], r["trend_high_pct"]
    if r.get("_trend_failed") is True:
        return "inconclusive", "pre-trend robustness cannot be assessed (months without data)"
    if math.isfinite(lo) and math.isfinite(hi):
        if not ((side > 0 and lo > 0) or (side < 0 and hi < 0)):
            return "inconclusive", "sign not robust to a linear pre-release trend"
        trend = "robust to a linear pre-release trend"
    else:
        trend = "pre-trend robustness not assessed"
    if r.get("_influence_flag") is True:
        return "inconclusive", "verdict changes without the largest contracts"
    if r.get("_tier_rule") == "quantile":
        return "inconclusive", (f"tiers cut on realised earnings (no budget_usd): a rise of every contract's value "
                                f"gives the same pattern (Holm p = {p:.3f})")
    if r.get("_tier_rule") == "unknown":
        trend += "; tier rule not checked (no contract values given)"
    return word, f"Holm p = {p:.3f}; {trend}"


def _is_tier_id(eid: str) -> bool:
    """Whether ``eid`` is a value-tier estimate (``category.<slug>.<one of did.TIER_OUTCOMES>``)."""
    from analysis.estimation.did import TIER_OUTCOMES

    return eid.startswith("category.") and eid.endswith(tuple(f".{o}" for o in TIER_OUTCOMES))


def verdict_view(check: pd.DataFrame) -> pd.DataFrame:
    """The honest check with the numbers its verdicts use under the standard column names.

    ``estimate_pct``, ``ci_low_pct`` and ``ci_high_pct`` become the honest
    estimate and interval (``honest_*``), so that the words of
    :mod:`analysis.report.words` quote the interval a verdict rests on.
    Indexed by ``estimate_id`` (first row of an id used by two claims).
    """
    v = check.assign(estimate_pct=check["honest_pct"], ci_low_pct=check["honest_low_pct"],
                     ci_high_pct=check["honest_high_pct"], p_value=check["honest_p"])
    return v


def honest_verdict(r: dict, alpha: float = ALPHA) -> str:
    """Verdict of one row of :func:`honest_check` (rule in its docstring)."""
    return _tests(r, alpha)[0]


def honest_reason(r: dict, alpha: float = ALPHA) -> str:
    """Why one row of :func:`honest_check` has its verdict, in words."""
    return _tests(r, alpha)[1]


# ---------------------------------------------------------------------------
# Words and display
# ---------------------------------------------------------------------------


def write_check(check: pd.DataFrame, path) -> None:
    """Write a claim-check table as CSV (folder created; six-decimal floats, ``\\n`` line ends)."""
    from pathlib import Path

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    check.to_csv(path, index=False, float_format="%.6f", lineterminator="\n")


# ---------------------------------------------------------------------------
# The claim window
# ---------------------------------------------------------------------------


def window_panels(panels, end: str) -> dict:
    """Every panel (or a contract-values frame's rows) up to ``end``: the claim window's data.

    Parameters
    ----------
    panels : Mapping of str to DataFrame
        Panels with a ``month`` column (:func:`analysis.data.panels.build_panels`).
    end : str
        Last day kept (ISO date); every earlier month is kept, so the
        pre-release months are the chapters'.

    Returns
    -------
    dict
        The same keys, each frame restricted to ``month <= end``.
    """
    cut = pd.Timestamp(end)
    return {k: _until(panels[k], cut) for k in panels}


def _until(frame: pd.DataFrame, cut: pd.Timestamp) -> pd.DataFrame:
    return frame[frame["month"] <= cut].reset_index(drop=True)


@dataclass
class WindowedCheck:
    """The claim check on the claim window's post months, and the same check on every post month.

    Attributes
    ----------
    window : str
        The ``claim_window`` parameter.
    first_month, end, all_end : pandas.Timestamp
        First post month, last day of the claim window and of the run.
    estimates : DataFrame
        Results rows the window's check used (ids as the chapters name them).
    records : list of Estimate
        The window's estimates under their own ids (``<id>.<window>``), for the
        results table; empty when the window is every post month.
    check, check_all : DataFrame
        :func:`honest_check` on the window and on every post month, each with
        ``window`` and ``result_id`` (the id in the results table) added.
    """

    window: str
    first_month: pd.Timestamp
    end: pd.Timestamp
    all_end: pd.Timestamp
    estimates: pd.DataFrame
    records: list
    check: pd.DataFrame
    check_all: pd.DataFrame

    @property
    def is_all(self) -> bool:
        """True when the window holds every post month of the run."""
        return self.end >= self.all_end

    @property
    def table(self) -> pd.DataFrame:
        """Both checks in one table (``results/claims.csv``): the window's rows, then every post month's
        (one set only when the window is every post month)."""
        return self.check if self.is_all else pd.concat([self.check, self.check_all], ignore_index=True)


def window_id(estimate_id: str, window: str) -> str:
    """Results-table id of an estimate made on the claim window (``window`` ``"all"``: the id itself).

    >>> window_id("platform.job_posts", "first_year"), window_id("platform.job_posts", "all")
    ('platform.job_posts.first_year', 'platform.job_posts')
    """
    return estimate_id if window == "all" else f"{estimate_id}.{window}"


def windowed_check(panels, roles, estimates: pd.DataFrame, params: dict, contracts: pd.DataFrame | None = None,
                   controls: Sequence[str] | None = None) -> WindowedCheck:
    """The summary's claim check on the ``claim_window`` post months, beside the check on every post month.

    The post months of the window are those of
    :func:`analysis.core.periods.claim_window_end` (default the calendar year
    after the release, as the study measured it); every pre-release month is
    kept. The window's estimates are computed with the chapters' calls
    (:func:`compute_estimates`) on the panels cut at the window's end, and the
    check applies the same rule (:func:`honest_check`) to them; the contract
    values of the influence check are cut the same way.

    Parameters
    ----------
    panels : Mapping
        The run's panels (every post month).
    roles : Roles or sequence of str
    estimates : DataFrame
        The chapters' estimates on every post month (:func:`gather_estimates`).
    params : dict
        Run parameters (``claim_window``, ``treatment_date``, ``end``, ``seed``,
        ``max_freelancers``).
    contracts : DataFrame, optional
        Contract values (:func:`analysis.data.panels.contract_values`).
    controls : sequence of str, optional

    Returns
    -------
    WindowedCheck
    """
    from analysis.core.periods import claim_window_end, first_post_month

    window, td, seed = params["claim_window"], params["treatment_date"], params["seed"]
    end = pd.Timestamp(claim_window_end(td, window, params["end"]))
    all_end = pd.Timestamp(params["end"])
    check_all = honest_check(panels, roles, estimates, controls, td, seed, contracts=contracts)
    if end >= all_end:
        w_est, records, check = estimates, [], check_all.copy()
        window_name = "all"
    else:
        cut = window_panels(panels, str(end.date()))
        made = compute_estimates(cut, roles, list(estimates["id"]), controls, td, seed,
                                 max_freelancers=params.get("max_freelancers"))
        from analysis.results import results_frame

        w_est = results_frame(made)
        span = f"post months {first_post_month(td):%Y-%m} to {end:%Y-%m}"
        records = [dataclasses.replace(e, id=window_id(e.id, window), scope=f"{e.scope}; {span}") for e in made]
        check = honest_check(cut, roles, w_est, controls, td, seed,
                             contracts=None if contracts is None else _until(contracts, end))
        window_name = window
    for frame, name in ((check, window_name), (check_all, "all")):
        frame["window"] = name
        frame["result_id"] = [window_id(i, name) for i in frame["estimate_id"]]
    return WindowedCheck(window=window, first_month=first_post_month(td), end=end, all_end=all_end,
                         estimates=w_est, records=records, check=check, check_all=check_all)


def verdict_counts(verdicts: pd.DataFrame) -> dict[str, int]:
    """Number of claims per combined verdict (every verdict of :data:`CLAIM_VERDICTS` present)."""
    counts = verdicts["verdict"].value_counts()
    return {v: int(counts.get(v, 0)) for v in CLAIM_VERDICTS}


def rm_robustness(check: pd.DataFrame) -> dict[str, int]:
    """How many decided category estimates keep their sign under relative magnitudes.

    Among the rows of :func:`honest_check` whose verdict is ``supported`` or
    ``contradicted`` and that have a relative-magnitude interval
    (``rm_low_pct``, ``rm_high_pct``: ``Mbar`` =
    :data:`analysis.estimation.relmag.RM_MBAR`), ``decided`` counts them and
    ``robust`` those whose interval excludes zero on the estimate's side.

    Examples
    --------
    >>> c = pd.DataFrame({"verdict": ["supported", "supported", "inconclusive"], "honest_pct": [5.0, -3.0, 1.0],
    ...                   "rm_low_pct": [1.0, -9.0, -1.0], "rm_high_pct": [9.0, 2.0, 3.0]})
    >>> rm_robustness(c)
    {'decided': 2, 'robust': 1}
    """
    d = check[check["verdict"].isin(["supported", "contradicted"]) & check["rm_low_pct"].notna()]
    up = d["honest_pct"] > 0
    robust = (up & (d["rm_low_pct"] > 0)) | (~up & (d["rm_high_pct"] < 0))
    return {"decided": int(len(d)), "robust": int(robust.sum())}


__all__ = [
    "ALPHA", "CHECK_COLUMNS", "CLAIMS", "CLAIM_VERDICTS", "CONTEXT", "HONEST_COLUMNS", "VERDICTS", "Claim",
    "Evidence", "Roles", "rm_robustness",
    "ai_share_did", "claim_by_id", "claim_check", "claim_verdicts", "combine", "compute_estimates", "evidence_rows",
    "expert_share_did", "gather_estimates", "honest_check", "honest_reason", "honest_verdict", "own_ids",
    "required_ids", "roles_from_focus", "verdict", "verdict_counts", "verdict_view", "window_id", "window_panels",
    "windowed_check", "WindowedCheck", "write_check",
]

