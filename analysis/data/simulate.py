"""Synthetic platform extract: a documented, seeded data-generating process.

Real platform microdata is private, so the book runs by default on a synthetic
extract produced here. The extract follows the data contract of
:mod:`analysis.data.contract` exactly, so a user's real extract runs through the
same code. The numbers it produces are **illustrative**: sizes and effects are
round values chosen to resemble the published qualitative findings, not
estimates of any real platform.

Data-generating process
-----------------------
Time is monthly, from ``start`` to ``end``. For category :math:`c` and month
:math:`m` let :math:`r(m)` be the *ramp* of generative AI: 0 before
December 2022, then :math:`(k+1)/12` in the :math:`k`-th month from December
2022 (k = 0, 1, ...), reaching 1 in November 2023 and staying there.

Job posts
    :math:`N_{cm} \\sim \\text{Poisson}(\\lambda_{cm})` with
    :math:`\\log\\lambda_{cm} = \\log(B_c) + g_c t_m + s_{month(m)} +
    \\varepsilon_{cm} + (\\delta^{plat} + \\delta^{post}_c + \\delta^{high}_c) r(m)`,
    where :math:`B_c` is the category's base size (``share`` times the scale),
    :math:`g_c` its yearly growth, :math:`t_m` years since ``start``,
    :math:`s` the seasonal profile (``SEASONALITY``: a January rise and a
    December dip) and :math:`\\varepsilon_{cm} \\sim N(0, 0.03^2)` a
    category-month shock.
Experience level
    Each post asks for ``entry``, ``intermediate`` or ``expert`` with base
    probabilities ``LEVEL_SHARES``; in categories with ``expert_shift`` the
    log-odds of ``expert`` against each other level rise by
    ``expert_shift * r(m)``.
Contract value
    Each post has a latent value :math:`V = \\exp(\\mu_c + a_l +
    \\kappa r(m) + \\sigma Z)`, heavy-tailed (lognormal, ``SIGMA_VALUE``),
    with level offsets ``LEVEL_VALUE_OFFSET`` and the platform-wide value
    effect :math:`\\kappa` (``platform_value``).
Budget
    Each post's budget at posting, ``budget_usd``, is :math:`V` rounded to
    cents: the client states the value of the work before any contract
    exists. No random draw is added for it, so every other column of the
    extract is the same bits as before the budget was written.
Value tiers
    In tiered categories (Writing and Translation by default) posts whose
    value is below ``tier_threshold_usd`` (default 1,000) are kept with
    probability :math:`\\exp((\\delta^{low}_c - \\delta^{high}_c) r(m))`, so
    low-value work falls by :math:`\\delta^{low}_c` and high-value work rises
    by :math:`\\delta^{high}_c` (log points at full ramp).
AI-related posts
    Posts are AI-related with a small base probability that grows after the
    release (``ai_base``). In categories with a positive :math:`\\delta^{post}_c`
    the extra posts are new AI work: a post is AI-related with probability
    :math:`p + (1-p)(1-e^{-\\delta^{post}_c r(m)})`, the *reinstatement
    effect*.
Contracts
    Each post forms one contract with probability ``contract_rate`` (0.4),
    started a geometric number of days (mean 6) after the post; contracts
    starting after ``end`` are not in the extract. Earnings are
    :math:`V e^{\\nu_c r(m)}`: the budget, times a realisation factor that
    is 1 unless the category has a ``value_shift`` :math:`\\nu_c` (contracts
    that come to be worth more than their budget after the release, with
    no change in which work is posted: a world where tiers cut on realised
    earnings show "high up, low down" without any displacement).
    A share ``hourly_share`` of posts are hourly; an hourly contract's rate is
    :math:`\\exp(\\rho_c + u_f + \\delta^{rate}_c r(m) + 0.15 Z)` and its
    hours are earnings divided by rate. Fixed contracts have no hours.
Contract end
    A contract runs :math:`D = \\max(1, \\text{round}(\\exp(\\log 21 +
    0.4 \\log(V / 1000) + 0.6 Z)))` days (``DURATION_*``: about three weeks
    for a USD 1,000 contract, longer for larger ones), so ``ended_on`` is
    ``started_on + D - 1``; it is null when that day is after ``end`` (still
    running when the extract was cut). :math:`Z` comes from a seed stream of
    its own (a child of the month's), so every other column is the same bits
    as before ``ended_on`` was written.
Freelancers
    Each category has a pool of freelancers with persistent skill
    :math:`u_f \\sim N(0, 0.3^2)`, an entry month (uniform from two years
    before ``start`` to ``end``) and a geometric career (mean 18 months).
    A contract goes to a freelancer active in its category that month
    (with ``World.switch_share``, a share of the focus categories' contracts
    after the release goes to freelancers of other categories instead).
Feedback
    :math:`\\text{clip}(4.5 + 0.3 u_f + N(0, 0.4^2), 1, 5)` rounded to one
    decimal, missing for 20% of contracts; generative AI has no effect on it.

The planted effects (``DEFAULT_CATEGORIES`` and ``PLATFORM_EFFECTS``) are
log points at full ramp. :func:`true_effects` turns them into the estimands of
the book's estimators (percent changes averaged over the post period, relative
to the control categories for category ids) and :func:`write_extract` writes
them beside the data as ``truth.json``.

Calibration
-----------
The signs follow the claims of the Upwork Research Institute study
:cite:p:`upwork2024genai` and the platform evidence of :cite:t:`hui2024short` and
:cite:t:`demirci2025who`; sizes are round illustrative values, not estimates.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from scipy.special import ndtr as _normal_cdf  # scipy.stats.norm.cdf, without importing scipy.stats

from ..core.params import RELEASE_DATE
from ..core.periods import post_mask
from ..core.text import slugify

#: Seasonal log-multipliers by calendar month (January rise, December dip).
SEASONALITY = np.array(
    [0.12, 0.04, 0.03, 0.01, 0.0, -0.02, -0.03, -0.01, 0.02, 0.01, -0.03, -0.14]
)
LEVELS = ("entry", "intermediate", "expert")
LEVEL_SHARES = np.array([0.30, 0.50, 0.20])
LEVEL_VALUE_OFFSET = np.array([-0.5, 0.0, 0.6])
SIGMA_VALUE = 1.1
CONTRACT_RATE = 0.4
FEEDBACK_MISSING = 0.2
CAREER_MONTHS = 18.0
#: Contract duration (days): median at a USD 1,000 value, elasticity to value, log-scale s.d.
DURATION_DAYS_AT_1000 = 21.0
DURATION_VALUE_ELASTICITY = 0.4
DURATION_SIGMA = 0.6
DEFAULT_SEED = 20240501
DEFAULT_N_POSTS = 200_000
#: Yearly growth of posts, common to all categories so that the synthetic
#: world satisfies parallel trends (differential trends would bias every
#: difference-in-differences against ``truth.json`` by design).
GROWTH = 0.04
#: Platform-wide effects, log points at full ramp.
PLATFORM_EFFECTS = {"posts": 0.06, "value": 0.08}


@dataclass(frozen=True)
class CategorySpec:
    """Parameters of one work category in the synthetic world.

    Attributes
    ----------
    name : str
        Category name written to the extract.
    share : float
        Share of the platform's job posts in the first month (normalised).
    log_value : float
        Mean log contract value (USD) for intermediate-level posts.
    growth : float
        Yearly growth of posts (log points per year); ``GROWTH`` for all
        default categories.
    hourly_share : float
        Share of posts that are hourly contracts.
    log_rate : float
        Mean log hourly rate (USD per hour).
    ai_base : float
        Share of AI-related posts at full ramp (before any reinstatement).
    post : float
        Category-specific effect on job posts (log points at full ramp).
    low, high : float
        Effects on low- and high-value posts (tiered categories only).
    rate : float
        Effect on hourly rates (log points at full ramp).
    expert_shift : float
        Rise in the log-odds of expert-level posts at full ramp.
    low_trend : float
        A trend that is *not* an effect of generative AI: from
        ``low_trend_start`` on, posts whose value is below the tier threshold
        are kept with probability :math:`\\exp(\\text{low\\_trend} \\cdot k)` in
        the ``k``-th month (log points per month, at most 0; default 0: no
        trend). It is present in the counterfactual too, so it leaves
        ``truth.json`` unchanged and biases the tier estimates by design.
    low_trend_start : str
        First day of that trend (ISO date; empty: the extract's start).
    value_shift : float
        Effect on realised earnings relative to the post's budget (log
        points at full ramp; default 0). It moves ``earnings_usd`` but not
        ``budget_usd`` nor which posts exist, so the tiers (cut on the
        budget) and the contract counts are unaffected.
    """

    name: str
    share: float
    log_value: float
    growth: float = 0.05
    hourly_share: float = 0.5
    log_rate: float = 3.3
    ai_base: float = 0.02
    post: float = 0.0
    low: float = 0.0
    high: float = 0.0
    rate: float = 0.0
    expert_shift: float = 0.0
    low_trend: float = 0.0
    low_trend_start: str = ""
    value_shift: float = 0.0

    @property
    def tiered(self) -> bool:
        return self.low != 0.0 or self.high != 0.0


#: Upwork's twelve top-level work categories with illustrative sizes.
DEFAULT_CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec("Accounting & Consulting", 0.05, 6.2, GROWTH, 0.55, 3.5),
    CategorySpec("Admin Support", 0.10, 5.4, GROWTH, 0.70, 2.6),
    CategorySpec("Customer Service", 0.04, 5.6, GROWTH, 0.75, 2.5),
    CategorySpec("Data Science & Analytics", 0.06, 6.5, GROWTH, 0.55, 3.7,
                 ai_base=0.05, post=0.25, rate=0.08, expert_shift=0.4),
    CategorySpec("Design & Creative", 0.14, 5.8, GROWTH, 0.35, 3.2, ai_base=0.04),
    CategorySpec("Engineering & Architecture", 0.05, 6.6, GROWTH, 0.45, 3.6),
    CategorySpec("IT & Networking", 0.05, 6.3, GROWTH, 0.60, 3.5),
    CategorySpec("Legal", 0.02, 6.4, GROWTH, 0.40, 3.8),
    CategorySpec("Sales & Marketing", 0.11, 5.9, GROWTH, 0.55, 3.1, ai_base=0.03),
    CategorySpec("Translation", 0.04, 6.0, GROWTH, 0.25, 3.0,
                 ai_base=0.03, low=-0.25, high=0.10, rate=0.06, expert_shift=0.3),
    CategorySpec("Web, Mobile & Software Dev", 0.24, 6.8, GROWTH, 0.55, 3.6,
                 ai_base=0.04),
    CategorySpec("Writing", 0.10, 6.2, GROWTH, 0.30, 3.1,
                 ai_base=0.04, low=-0.20, high=0.15, rate=0.08, expert_shift=0.4),
)


def categories_from_names(names: list[str]) -> tuple[CategorySpec, ...]:
    """Build a synthetic world for arbitrary category names.

    The first name plays the role of Data Science & Analytics (new AI work),
    the second and third those of Writing and Translation (tiered effects);
    the rest are untouched controls. Sizes cycle through the defaults.

    Parameters
    ----------
    names : list of str
        At least three distinct category names.

    Returns
    -------
    tuple of CategorySpec
    """
    if len(set(names)) != len(names) or len(names) < 3:
        raise ValueError("need at least three distinct category names")
    by_role = {
        0: DEFAULT_CATEGORIES[3],
        1: DEFAULT_CATEGORIES[11],
        2: DEFAULT_CATEGORIES[9],
    }
    controls = [c for c in DEFAULT_CATEGORIES if not (c.post or c.tiered)]
    specs = []
    for i, name in enumerate(names):
        base = by_role.get(i, controls[(i - 3) % len(controls)])
        specs.append(dataclasses.replace(base, name=name))
    return tuple(specs)


def no_effect(categories: tuple[CategorySpec, ...]) -> tuple[CategorySpec, ...]:
    """Return the same categories with every planted effect set to zero."""
    return tuple(
        dataclasses.replace(c, post=0.0, low=0.0, high=0.0, rate=0.0, expert_shift=0.0, value_shift=0.0)
        for c in categories
    )


@dataclass(frozen=True)
class World:
    """Everything that defines a synthetic extract.

    Attributes
    ----------
    seed : int
        Seed of all random draws.
    n_posts : int
        Expected number of job posts in the first-month run rate times the
        number of months (the scale knob; 10^4 to 5x10^7).
    start, end : str
        First and last day of the extract (ISO dates).
    categories : tuple of CategorySpec
        The categories and their planted effects.
    effects : bool
        False gives the no-effect world (all planted effects zero,
        platform-wide ones included).
    release : str
        Release date of generative AI in this world.
    tier_threshold_usd : float
        Value that separates low- from high-value contracts in the DGP.
    platform : dict
        Platform-wide effects (``PLATFORM_EFFECTS``).
    platform_shock_sd, platform_shock_rho : float
        A month shock common to every category: AR(1) with innovation
        standard deviation ``platform_shock_sd`` and coefficient
        ``platform_shock_rho``, started from its stationary distribution and
        drawn from a seed stream of its own (default 0: none, and no draw).
        It adds to the category-month shocks, so it is absorbed by month
        effects but moves the platform series.
    focus : tuple of str
        Categories ``truth.json`` reports (default empty: those with planted
        effects); needed when control categories carry effects too.
    effect_start : str
        First month (ISO date) of the ramp of generative AI's effects (default
        empty: the first month after the release's month). A later month
        plants effects that begin after the release, so the months between
        the release and it are post months with no effect (the
        ``late-effects`` world of :mod:`analysis.data.worlds`).
    switch_share : float
        Share of each focus category's contracts (at full ramp, so
        ``switch_share * r(m)`` in month ``m``) taken after the release by
        *switchers*: freelancers active that month in a category of
        ``switch_from``, drawn uniformly among them (default 0: no one
        switches, and no draw). A switcher keeps their own skill but works
        at the rate of the category of the work, as everyone does, so their
        rate changes with the move (the ``switchers`` world of
        :mod:`analysis.data.worlds`).
    switch_from : tuple of str
        Categories the switchers come from (default empty: every category
        outside the focus).

    Optional fields left at their defaults are not written to
    ``truth.json`` (:func:`world_to_dict`), so the bundled extract's files
    do not depend on them.
    """

    seed: int = DEFAULT_SEED
    n_posts: int = DEFAULT_N_POSTS
    start: str = "2021-01-01"
    end: str = "2024-06-30"
    categories: tuple[CategorySpec, ...] = DEFAULT_CATEGORIES
    effects: bool = True
    release: str = RELEASE_DATE
    tier_threshold_usd: float = 1000.0
    platform: dict = field(default_factory=lambda: dict(PLATFORM_EFFECTS))
    platform_shock_sd: float = 0.0
    platform_shock_rho: float = 0.0
    focus: tuple[str, ...] = ()
    effect_start: str = ""
    switch_share: float = 0.0
    switch_from: tuple[str, ...] = ()

    def resolved(self) -> "World":
        """The world with effects switched off where ``effects`` is False."""
        if self.effects:
            return self
        return dataclasses.replace(
            self,
            categories=no_effect(self.categories),
            platform={k: 0.0 for k in self.platform},
        )

    def months(self) -> pd.DatetimeIndex:
        return pd.date_range(
            pd.Timestamp(self.start).to_period("M").to_timestamp(),
            pd.Timestamp(self.end).to_period("M").to_timestamp(),
            freq="MS",
        )

    def ramp(self) -> np.ndarray:
        """Ramp :math:`r(m)` of generative AI for each month (0 to 1)."""
        months = self.months()
        first = (pd.Timestamp(self.effect_start).to_period("M") if self.effect_start
                 else pd.Timestamp(self.release).to_period("M") + 1)
        k = np.array([(m.to_period("M") - first).n for m in months])
        return np.clip((k + 1) / 12.0, 0.0, 1.0)


# ---------------------------------------------------------------------------
# Expected values (used for truth.json)
# ---------------------------------------------------------------------------


def _level_probs(spec: CategorySpec, ramp: np.ndarray) -> np.ndarray:
    """Probabilities of entry/intermediate/expert by month, shape (T, 3)."""
    logits = np.log(LEVEL_SHARES)[None, :] + np.outer(ramp, [0.0, 0.0, spec.expert_shift])
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


def _low_trend_keep(world: World, spec: CategorySpec) -> np.ndarray | None:
    """Keep probability of low-value posts by month from ``spec.low_trend`` (None without trend)."""
    if not spec.low_trend:
        return None
    if spec.low_trend > 0:
        raise ValueError("low_trend thins low-value posts: it must be at most 0")
    months = world.months()
    start = pd.Timestamp(spec.low_trend_start or world.start).to_period("M")
    k = np.array([(m.to_period("M") - start).n for m in months], dtype=float)
    return np.exp(spec.low_trend * np.clip(k, 0.0, None))


def _platform_shocks(world: World, n_months: int) -> np.ndarray:
    """AR(1) month shock common to all categories (``platform_shock_sd``), own seed stream."""
    sd, rho = world.platform_shock_sd, world.platform_shock_rho
    if not -1.0 < rho < 1.0:
        raise ValueError("platform_shock_rho must lie strictly between -1 and 1")
    # The child after the pool, shock and month streams of the world's seed.
    seq = np.random.SeedSequence(world.seed, spawn_key=(n_months + 2,))
    e = np.random.default_rng(seq).standard_normal(n_months)
    u = np.empty(n_months)
    u[0] = sd / np.sqrt(1.0 - rho**2) * e[0]
    for t in range(1, n_months):
        u[t] = rho * u[t - 1] + sd * e[t]
    return u


def _all_shocks(world: World, shock_seq: np.random.SeedSequence) -> np.ndarray:
    """Category-month shocks (C, T): iid N(0, 0.03^2), plus the platform shock if any."""
    n_months = len(world.months())
    shocks = np.random.default_rng(shock_seq).normal(0.0, 0.03, size=(len(world.categories), n_months))
    if world.platform_shock_sd:
        shocks = shocks + _platform_shocks(world, n_months)[None, :]
    return shocks


def _expected(world: World, shocks: np.ndarray | None, counterfactual: bool) -> dict:
    """Expected monthly outcomes by category (arrays of shape (C, T))."""
    w = world.resolved()
    ramp = np.zeros(len(w.months())) if counterfactual else w.ramp()
    months = w.months()
    t_years = np.arange(len(months)) / 12.0
    season = SEASONALITY[months.month - 1]
    total_share = sum(c.share for c in w.categories)
    n_months = len(months)
    lnT = np.log(w.tier_threshold_usd)
    out = {k: [] for k in ("posts", "low", "high", "contracts", "earnings", "log_rate")}
    for i, c in enumerate(w.categories):
        trend = _low_trend_keep(w, c)
        base = w.n_posts * c.share / total_share / n_months
        eps = 0.0 if shocks is None else shocks[i]
        tier_mult = c.high if c.tiered else 0.0
        lam = base * np.exp(c.growth * t_years + season + eps
                            + (w.platform["posts"] + c.post + tier_mult) * ramp)
        probs = _level_probs(c, ramp)
        mu = c.log_value + LEVEL_VALUE_OFFSET[None, :] + w.platform["value"] * ramp[:, None]
        s = SIGMA_VALUE
        p_low = _normal_cdf((lnT - mu) / s)
        mean_v = np.exp(mu + s**2 / 2)
        pe_low = mean_v * _normal_cdf((lnT - mu - s**2) / s)
        keep_low = np.exp((c.low - c.high) * ramp)[:, None] if c.tiered else 1.0
        if trend is not None:
            keep_low = keep_low * trend[:, None]
        low = lam * (probs * p_low * keep_low).sum(axis=1)
        high = lam * (probs * (1 - p_low)).sum(axis=1)
        earn = lam * (probs * (pe_low * keep_low + mean_v - pe_low)).sum(axis=1) * np.exp(c.value_shift * ramp)
        out["posts"].append(low + high)
        out["low"].append(CONTRACT_RATE * low)
        out["high"].append(CONTRACT_RATE * high)
        out["contracts"].append(CONTRACT_RATE * (low + high))
        out["earnings"].append(CONTRACT_RATE * earn)
        out["log_rate"].append(c.log_rate + c.rate * ramp)
    return {k: np.array(v) for k, v in out.items()}




def _ai_time(ramp: np.ndarray) -> np.ndarray:
    """How far the drift of AI-related posts (``ai_base``) has gone in each month: 0 before the effects, then
    0.3 plus 0.7 times the ramp."""
    return np.where(ramp > 0, 0.3 + 0.7 * ramp, 0.0)


def _ai_prob(spec: CategorySpec, ai_time, ramp):
    """Probability that a post is AI-related (scalars or arrays of months): the base rate and its drift, and in
    a category with a positive ``post`` effect the new AI work (the module docstring's rule)."""
    p_ai = 0.002 + spec.ai_base * ai_time
    if spec.post > 0:
        p_ai = p_ai + (1 - p_ai) * (1 - np.exp(-spec.post * ramp))
    return p_ai


def _post_count_truth(world: World, act: dict, cf: dict, post: np.ndarray, ci: list[int]) -> dict[str, np.ndarray]:
    """True DiD of AI-related and other posts per pre-release post, percentage points, per category (C,).

    For category :math:`c` the expected count (posts times the probability
    of :func:`_ai_prob`, or one minus it) minus its counterfactual (no
    generative AI, same shocks), averaged over post months, in percent of
    :math:`P_c`, the category's expected mean monthly posts in the pre-release
    months of the estimation sample; less the same averaged over the
    controls. The estimand of
    :func:`analysis.estimation.shares.post_count_did`; the two add up to the
    same DiD of all job posts.
    """
    from ..core.periods import estimation_mask

    ramp = world.ramp()
    zero = np.zeros_like(ramp)
    pre = ~post & estimation_mask(world.months(), world.release)
    base = act["posts"][:, pre].mean(axis=1, keepdims=True)
    p_act = np.array([_ai_prob(c, _ai_time(ramp), ramp) * np.ones_like(ramp) for c in world.categories])
    p_cf = np.array([_ai_prob(c, _ai_time(zero), zero) * np.ones_like(ramp) for c in world.categories])
    out = {}
    for key, share_act, share_cf in (("ai_posts", p_act, p_cf), ("other_posts", 1 - p_act, 1 - p_cf)):
        gap = (100 * (act["posts"] * share_act - cf["posts"] * share_cf) / base)[:, post].mean(axis=1)
        out[key] = gap - gap[ci].mean()
    return out


def true_share_above(world: World, thresholds, focus: list[str] | None = None,
                     controls: list[str] | None = None) -> dict[str, dict[float, float]]:
    """True DiD of the share of contracts whose budget is at or above each threshold.

    For each focus category: the post-period mean of the expected share
    (percent) minus its counterfactual (no generative AI), less the same
    difference averaged over the controls; in percentage points, the
    estimand of :func:`analysis.estimation.distribution.share_above_did` on
    ``budget_usd``. Budgets are the posts' latent values, so the
    ``value_shift`` of a category leaves them (and this truth) unchanged.

    Returns
    -------
    dict
        Category name to ``{threshold: percentage points}``.
    """
    w = world.resolved()
    names = [c.name for c in w.categories]
    planted = [c.name for c in w.categories if c.post or c.tiered or c.rate or c.value_shift]
    focus = list(focus) if focus else (list(w.focus) if w.focus else planted)
    controls = list(controls) if controls else [n for n in names if n not in focus]
    post = post_mask(w.months(), w.release)
    lnT, s = np.log(w.tier_threshold_usd), SIGMA_VALUE

    def shares(counterfactual: bool) -> np.ndarray:  # (C, K, T), percent
        ramp = np.zeros(len(w.months())) if counterfactual else w.ramp()
        out = []
        for c in w.categories:
            probs = _level_probs(c, ramp)
            mu = c.log_value + LEVEL_VALUE_OFFSET[None, :] + w.platform["value"] * ramp[:, None]
            keep_low = np.exp((c.low - c.high) * ramp)[:, None] if c.tiered else np.ones((len(ramp), 1))
            trend = _low_trend_keep(w, c)
            if trend is not None:
                keep_low = keep_low * trend[:, None]
            p_t = _normal_cdf((lnT - mu) / s)
            total = (probs * (p_t * keep_low + 1 - p_t)).sum(axis=1)
            rows = []
            for k in thresholds:
                p_k = _normal_cdf((np.log(float(k)) - mu) / s)
                above = (1 - p_k) if k >= w.tier_threshold_usd else (p_t - p_k) * keep_low + 1 - p_t
                rows.append(100 * (probs * above).sum(axis=1) / total)
            out.append(rows)
        return np.array(out)

    d = (shares(False) - shares(True))[:, :, post].mean(axis=2)
    ctrl = d[[names.index(n) for n in controls]].mean(axis=0)
    return {n: {float(k): float(v) for k, v in zip(thresholds, d[names.index(n)] - ctrl)} for n in focus}


def true_effects(
    world: World,
    focus: list[str] | None = None,
    controls: list[str] | None = None,
    shocks: np.ndarray | None = None,
    category_starts: dict[str, str] | None = None,
) -> dict[str, float]:
    """True effects of the world, as the book's estimators define them.

    Category ids compare the expected log outcome with its counterfactual
    (no generative AI, same shocks), average over post months and subtract
    the same average over the control categories; the result is reported as
    ``100*(exp(x)-1)``; except ``category.<slug>.ai_posts`` and
    ``.other_posts``, which are in percentage points of the category's
    pre-release monthly posts (:func:`_post_count_truth`). Platform ids are
    ``100*(observed/counterfactual-1)`` of the post-period mean of the
    monthly platform series.

    Parameters
    ----------
    world : World
        The synthetic world.
    focus, controls : list of str, optional
        Focus categories (default: ``world.focus``, else those with planted
        effects) and controls (default: all others).
    shocks : ndarray, optional
        The realised category-month shocks (C, T); they cancel in category
        ids and barely matter in platform ids.
    category_starts : dict, optional
        ``{category: first day}`` for categories whose data start after the
        release, although the world draws them throughout (the
        ``new-category`` world of :mod:`analysis.data.worlds` drops their
        earlier posts): see :func:`platform_truths`. Default none, which
        leaves every truth as before.

    Returns
    -------
    dict
        Estimate id to true percent effect (NaN-free).
    """
    w = world.resolved()
    names = [c.name for c in world.categories]
    planted = [c.name for c in world.categories if c.post or c.tiered or c.rate or c.value_shift]
    focus = list(focus) if focus else (list(world.focus) if world.focus else planted)
    controls = list(controls) if controls else [n for n in names if n not in focus]
    act = _expected(w, shocks, counterfactual=False)
    cf = _expected(w, shocks, counterfactual=True)
    post = post_mask(w.months(), w.release)
    ci = [names.index(n) for n in controls]

    def did(key_act, key_cf=None):
        d = np.log(key_act) - np.log(key_cf)
        per_cat = d[:, post].mean(axis=1)
        return per_cat - per_cat[ci].mean()

    truth: dict[str, float] = {}
    epc_a, epc_c = act["earnings"] / act["contracts"], cf["earnings"] / cf["contracts"]
    series = {
        "job_posts": (did(act["posts"], cf["posts"]), None),
        "contracts.low_value": (did(act["low"], cf["low"]), None),
        "contracts.high_value": (did(act["high"], cf["high"]), None),
        "earnings_per_contract": (did(epc_a, epc_c), None),
    }
    counts = _post_count_truth(w, act, cf, post, ci)
    for j, name in enumerate(names):
        if name not in focus:
            continue
        slug = slugify(name)
        for key, (vals, _) in series.items():
            truth[f"category.{slug}.{key}"] = 100 * (np.exp(vals[j]) - 1)
        gap = series["contracts.low_value"][0][j] - series["contracts.high_value"][0][j]
        truth[f"category.{slug}.contracts.tier_gap"] = 100 * (np.exp(gap) - 1)
        for key, vals in counts.items():  # percentage points of pre-release posts, not percent changes
            truth[f"category.{slug}.{key}"] = vals[j]

    truth.update(platform_truths(w, act, cf, category_starts))
    # Within-freelancer hourly rate: freelancers by their main pre-release category, focus vs the
    # rest (freelancer FE). Without switchers every freelancer works in one category, so this is the
    # planted rate effect of the categories; with them, the switchers' move is part of their group's change.
    rate_gap = (act["log_rate"] - cf["log_rate"])[:, post].mean(axis=1)
    fi = [names.index(n) for n in focus]
    truth["productivity.hourly_rate"] = 100 * (np.exp(rate_gap[fi].mean() - rate_gap[ci].mean()
                                                      - _switch_gain(w, act, cf, ci)[post].mean()) - 1)
    truth["productivity.feedback"] = 0.0
    return {k: float(v) for k, v in sorted(truth.items())}


def platform_truths(world: World, act: dict, cf: dict, category_starts: dict[str, str] | None = None
                    ) -> dict[str, float]:
    """True values of the platform ids: what :func:`analysis.estimation.platform_counterfactual` estimates.

    The book compares the observed platform series (the sum over the
    categories present in each month) with a projection of its pre-release
    months. Its estimand is ``100*(mean_post(observed) / mean_post(counterfactual) - 1)``
    (earnings per contract: the ratio of the sums, month by month), where
    the observed series sums the expected outcomes with generative AI and
    the counterfactual those without it.

    A category born after the release (``category_starts``) is in the
    observed series from its first month on, but has no pre-release month,
    so the projection - fitted on the pre-release months - cannot contain
    it: the counterfactual sums the other, pre-existing categories only, and
    the new category's posts and contracts count as part of the change.
    Counting the new category in the counterfactual too (and in the
    observed series before it starts) would ignore both, and gave the
    ``new-category`` world a truth the book never estimates (issue 11).

    Parameters
    ----------
    world : World
        The resolved world (its months and release).
    act, cf : dict
        Expected outcomes (C, T) with and without generative AI (:func:`_expected`).
    category_starts : dict, optional
        ``{category: first day}`` (ISO dates, on or after the first post
        month; a category starting before the release would enter the
        projection's fit, which this does not model).

    Returns
    -------
    dict
        ``platform.job_posts``, ``platform.contracts``,
        ``platform.earnings_per_contract`` (percent).
    """
    months = world.months()
    post = post_mask(months, world.release)
    names = [c.name for c in world.categories]
    present = np.ones((len(names), len(months)))  # category c observed in month t
    old = np.ones(len(names), dtype=bool)  # categories the projection contains
    first_post = months[post][0] if post.any() else None
    for name, day in (category_starts or {}).items():
        start = pd.Timestamp(day).to_period("M").to_timestamp()
        if first_post is None or start < first_post:
            raise ValueError(f"category_starts: {name!r} starts on {day}, before the first post month")
        i = names.index(name)
        present[i] = months >= start
        old[i] = False

    def platform(a, c):
        return 100 * (a[post].mean() / c[post].mean() - 1)

    obs = {k: (act[k] * present).sum(0) for k in ("posts", "contracts", "earnings")}
    proj = {k: cf[k][old].sum(0) for k in ("posts", "contracts", "earnings")}
    return {
        "platform.job_posts": platform(obs["posts"], proj["posts"]),
        "platform.contracts": platform(obs["contracts"], proj["contracts"]),
        "platform.earnings_per_contract": platform(obs["earnings"] / obs["contracts"],
                                                   proj["earnings"] / proj["contracts"]),
    }


def _switch_gain(w: World, act: dict, cf: dict, ci) -> np.ndarray:
    """Change of the control group's mean log hourly rate by month that the
    switchers bring (``World.switch_share``; zeros without switchers).

    In month ``t`` the switchers take ``M_t = s r_t sum_f H_ft`` hourly
    contracts of the focus categories ``f`` (``H``: expected hourly
    contracts), at the rate of the work instead of their home category's
    counterfactual rate. The change is that rate gap times their share of the
    control group's hourly contracts, ``M_t / (sum_c H_ct + M_t)``: a
    contract-weighted approximation of the freelancer-FE regression's
    weights (the regression weighs freelancer x category x month rows).
    Home rates are weighted by the origin pools' sizes (proportional to
    their categories' expected contracts), as switchers are drawn uniformly
    among the active freelancers of the origin categories.
    """
    n_months = act["contracts"].shape[1]
    if not w.switch_share:
        return np.zeros(n_months)
    into, origin = switch_roles(w)
    hourly = np.array([c.hourly_share for c in w.categories])[:, None] * act["contracts"]
    moved = w.switch_share * w.ramp()[None, :] * hourly[into]  # (F, T)
    size = act["contracts"][origin].mean(axis=1)
    home = (cf["log_rate"][origin] * size[:, None]).sum(0) / size.sum()
    gap = (moved * act["log_rate"][into]).sum(0) / np.where(moved.sum(0) > 0, moved.sum(0), 1.0) - home
    m = moved.sum(0)
    return m * gap / (hourly[list(ci)].sum(0) + m)


# ---------------------------------------------------------------------------
# Sampling
# ---------------------------------------------------------------------------


def _freelancer_pools(world: World, rng: np.random.Generator, expected_contracts: np.ndarray):
    """Draw each category's freelancer pool: ids, skill, entry and exit month."""
    n_months = expected_contracts.shape[1]
    lead = 24
    pools = []
    next_id = 0
    for i in range(len(world.categories)):
        target_active = max(expected_contracts[i].mean() / 1.5, 3.0)
        n = int(np.ceil(target_active * (n_months + lead) / CAREER_MONTHS)) + 5
        entry = rng.integers(-lead, n_months, size=n)
        career = rng.geometric(1.0 / CAREER_MONTHS, size=n)
        skill = rng.normal(0.0, 0.3, size=n)
        ids = np.arange(next_id, next_id + n)
        next_id += n
        pools.append((ids, skill, entry, entry + career))
    return pools


def world_focus(world: World) -> list[str]:
    """The focus categories of ``truth.json``: ``world.focus``, else those with planted effects."""
    if world.focus:
        return list(world.focus)
    return [c.name for c in world.categories if c.post or c.tiered or c.rate or c.value_shift]


def switch_roles(world: World) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the categories switchers move into (the focus) and come from (``switch_from``)."""
    names = [c.name for c in world.categories]
    focus = world_focus(world)
    origin = list(world.switch_from) or [n for n in names if n not in focus]
    unknown = sorted(set(origin) - set(names))
    if unknown:
        raise ValueError(f"switch_from names categories that are not in the world: {unknown}")
    return np.array([names.index(n) for n in focus]), np.array([names.index(n) for n in origin])


def _switch(roles, pools, t, ccat, freelancer, skill, share, rng) -> None:
    """Give a ``share`` of the focus categories' contracts of month ``t`` to
    freelancers active in an origin category (in place; ``World.switch_share``)."""
    into, origin = roles
    movers = [(pools[i][0][a], pools[i][1][a]) for i in origin
              for a in [np.flatnonzero((pools[i][2] <= t) & (pools[i][3] > t))]]
    ids = np.concatenate([m[0] for m in movers])
    sk = np.concatenate([m[1] for m in movers])
    sel = np.flatnonzero(np.isin(ccat, into) & (rng.random(len(ccat)) < share))
    if len(ids) and len(sel):
        pick = rng.integers(0, len(ids), size=len(sel))
        freelancer[sel], skill[sel] = ids[pick], sk[pick]


def _id_strings(prefix: str, ints: np.ndarray, width: int) -> pa.Array:
    s = pc.utf8_lpad(pc.cast(pa.array(ints, pa.int64()), pa.string()), width, "0")
    return pc.binary_join_element_wise(pa.scalar(prefix), s, "")


def iter_month_tables(world: World):
    """Yield ``(job_posts, contracts)`` Arrow tables, one pair per month.

    Each month draws from its own child of the world's seed sequence, so the
    output does not depend on chunking and is identical for identical worlds.
    """
    w = world.resolved()
    months = w.months()
    ramp = w.ramp()
    root = np.random.SeedSequence(w.seed)
    pool_seq, shock_seq, *month_seqs = root.spawn(len(months) + 2)
    shocks = _all_shocks(w, shock_seq)
    low_keep = [_low_trend_keep(w, c) for c in w.categories]
    exp_act = _expected(w, shocks, counterfactual=False)
    pools = _freelancer_pools(w, np.random.default_rng(pool_seq), exp_act["contracts"])
    switch = switch_roles(w) if w.switch_share else None
    total_share = sum(c.share for c in w.categories)
    t_years = np.arange(len(months)) / 12.0
    season = SEASONALITY[months.month - 1]
    end = pd.Timestamp(w.end)
    lnT = np.log(w.tier_threshold_usd)
    ai_time = _ai_time(ramp)
    post_counter = 0
    contract_counter = 0
    for t, month in enumerate(months):
        rng = np.random.default_rng(month_seqs[t])
        days_in_month = month.days_in_month
        cols: dict[str, list] = {k: [] for k in ("cat", "level", "value", "hourly", "ai", "day")}
        for i, c in enumerate(w.categories):
            base = w.n_posts * c.share / total_share / len(months)
            r = ramp[t]
            tier_mult = c.high if c.tiered else 0.0
            lam = base * np.exp(c.growth * t_years[t] + season[t] + shocks[i, t]
                                + (w.platform["posts"] + c.post + tier_mult) * r)
            n = rng.poisson(lam)
            probs = _level_probs(c, np.array([r]))[0]
            level = rng.choice(3, size=n, p=probs)
            logv = (c.log_value + LEVEL_VALUE_OFFSET[level] + w.platform["value"] * r
                    + SIGMA_VALUE * rng.standard_normal(n))
            if c.tiered and r > 0:
                keep = (logv >= lnT) | (rng.random(n) < np.exp((c.low - c.high) * r))
                level, logv = level[keep], logv[keep]
                n = len(level)
            if low_keep[i] is not None:
                keep = (logv >= lnT) | (rng.random(n) < low_keep[i][t])
                level, logv = level[keep], logv[keep]
                n = len(level)
            p_ai = _ai_prob(c, ai_time[t], r)
            cols["cat"].append(np.full(n, i, dtype=np.int16))
            cols["level"].append(level.astype(np.int8))
            cols["value"].append(np.exp(logv))
            cols["hourly"].append(rng.random(n) < c.hourly_share)
            cols["ai"].append(rng.random(n) < p_ai)
            cols["day"].append(rng.integers(0, days_in_month, size=n))
        cat = np.concatenate(cols["cat"])
        n_total = len(cat)
        order = rng.permutation(n_total)  # interleave categories within a month
        cat = cat[order]
        level = np.concatenate(cols["level"])[order]
        value = np.concatenate(cols["value"])[order]
        hourly = np.concatenate(cols["hourly"])[order]
        ai = np.concatenate(cols["ai"])[order]
        day = np.concatenate(cols["day"])[order]
        day_sort = np.argsort(day, kind="stable")
        cat, level, value, hourly, ai, day = (a[day_sort] for a in (cat, level, value, hourly, ai, day))
        posted = np.datetime64(month.date(), "D") + day.astype("timedelta64[D]")
        job_ints = np.arange(post_counter, post_counter + n_total)
        post_counter += n_total
        names = pa.array([c.name for c in w.categories])
        posts = pa.table({
            "job_id": _id_strings("J", job_ints, 9),
            "posted_on": pa.array(posted, pa.date32()),
            "category": pc.take(names, pa.array(cat.astype(np.int32))),
            "contract_type": pc.take(pa.array(["fixed", "hourly"]), pa.array(hourly.astype(np.int8))),
            "experience_level": pc.take(pa.array(list(LEVELS)), pa.array(level)),
            "ai_related": pa.array(ai),
            "budget_usd": pa.array(np.round(value, 2), pa.float64()),
        })
        # Contracts.
        has = rng.random(n_total) < CONTRACT_RATE
        idx = np.flatnonzero(has)
        lag = rng.geometric(1 / 6.0, size=len(idx)) - 1
        started = posted[idx] + lag.astype("timedelta64[D]")
        inside = started <= np.datetime64(end.date(), "D")
        idx, started = idx[inside], started[inside]
        m = len(idx)
        ccat = cat[idx]
        freelancer = np.empty(m, dtype=np.int64)
        skill = np.empty(m)
        for i in np.unique(ccat):
            sel = np.flatnonzero(ccat == i)
            ids, sk, entry, exit_ = pools[i]
            active = np.flatnonzero((entry <= t) & (exit_ > t))
            if len(active) == 0:
                active = np.arange(len(ids))
            pick = active[rng.integers(0, len(active), size=len(sel))]
            freelancer[sel] = ids[pick]
            skill[sel] = sk[pick]
        if switch is not None and ramp[t] > 0:
            _switch(switch, pools, t, ccat, freelancer, skill, w.switch_share * ramp[t], rng)
        shift = np.array([c.value_shift for c in w.categories])[ccat] * ramp[t]
        earnings = np.round(value[idx] * np.exp(shift), 2) if shift.any() else np.round(value[idx], 2)
        rate_log = np.array([c.log_rate for c in w.categories])[ccat] + skill \
            + np.array([c.rate for c in w.categories])[ccat] * ramp[t] + 0.15 * rng.standard_normal(m)
        is_hourly = hourly[idx]
        hours = np.where(is_hourly, np.round(earnings / np.exp(rate_log), 2), np.nan)
        fb = np.clip(np.round(4.5 + 0.3 * skill + 0.4 * rng.standard_normal(m), 1), 1.0, 5.0)
        fb[rng.random(m) < FEEDBACK_MISSING] = np.nan
        ended = _ended_on(w, t, started, value[idx], end)
        contracts = pa.table({
            "contract_id": _id_strings("C", np.arange(contract_counter, contract_counter + m), 9),
            "job_id": pc.take(posts["job_id"], pa.array(idx)),
            "freelancer_id": _id_strings("F", freelancer, 7),
            "started_on": pa.array(started, pa.date32()),
            "earnings_usd": pa.array(earnings, pa.float64()),
            "hours": pa.array(hours, pa.float64(), from_pandas=True),
            "feedback": pa.array(fb, pa.float64(), from_pandas=True),
            "ended_on": ended,
        })
        contract_counter += m
        yield posts, contracts


def _ended_on(w: World, t: int, started: np.ndarray, value: np.ndarray, end: pd.Timestamp) -> pa.Array:
    """``ended_on`` of month ``t``'s contracts (module docstring, *Contract end*): from the
    first child of the month's seed sequence, so the month's own draws are unchanged."""
    z = np.random.default_rng(np.random.SeedSequence(w.seed, spawn_key=(t + 2, 0))).standard_normal(len(started))
    days = np.maximum(1, np.round(np.exp(np.log(DURATION_DAYS_AT_1000) + DURATION_VALUE_ELASTICITY
                                         * np.log(value / 1000.0) + DURATION_SIGMA * z))).astype("int64")
    ended = started + (days - 1).astype("timedelta64[D]")
    return pa.array(ended, pa.date32(), mask=ended > np.datetime64(end.date(), "D"))


def realised_shocks(world: World) -> np.ndarray:
    """The category-month shocks drawn for ``world`` (same as in sampling)."""
    w = world.resolved()
    root = np.random.SeedSequence(w.seed)
    _, shock_seq, *_ = root.spawn(len(w.months()) + 2)
    return _all_shocks(w, shock_seq)


def simulate(world: World = World()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw a synthetic extract in memory.

    Parameters
    ----------
    world : World
        The world to draw from (default: the bundled extract's world).

    Returns
    -------
    job_posts, contracts : pandas.DataFrame
        Tables in the data contract's schema.
    """
    parts = list(iter_month_tables(world))
    posts = pa.concat_tables([p for p, _ in parts]).to_pandas()
    contracts = pa.concat_tables([c for _, c in parts]).to_pandas()
    for df, col in ((posts, "posted_on"), (contracts, "started_on")):
        df[col] = pd.to_datetime(df[col])
    return posts, contracts


def write_extract(world: World, out_dir: str | Path, fmt: str = "parquet") -> dict:
    """Write a synthetic extract and its ``truth.json`` to ``out_dir``.

    Month tables are streamed to disk, so memory stays bounded at the
    5x10^7-post scale.

    Parameters
    ----------
    world : World
        The world to draw from.
    out_dir : str or Path
        Destination folder (created if needed).
    fmt : {"parquet", "csv"}
        File format of the two tables.

    Returns
    -------
    dict
        The content of ``truth.json``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    writers: dict[str, object] = {}
    try:
        for posts, contracts in iter_month_tables(world):
            for name, table in (("job_posts", posts), ("contracts", contracts)):
                if name not in writers:
                    path = out / f"{name}.{fmt}"
                    if fmt == "parquet":
                        writers[name] = pq.ParquetWriter(path, table.schema, compression="zstd")
                    elif fmt == "csv":
                        writers[name] = pacsv.CSVWriter(path, table.schema)
                    else:
                        raise ValueError(f"unknown format {fmt!r}: use 'parquet' or 'csv'")
                writers[name].write_table(table)
    finally:
        for wr in writers.values():
            wr.close()
    truth = round_floats({
        "description": "True effects planted in this synthetic extract, in percent, "
                       f"named with the results ids of analysis.estimation; floats to {TRUTH_DIGITS} "
                       "significant digits.",
        "world": world_to_dict(world),
        "effects": true_effects(world, shocks=realised_shocks(world)),
    })
    (out / "truth.json").write_text(json.dumps(truth, indent=2, sort_keys=True) + "\n")
    return truth


#: Significant digits of every float in ``truth.json``: numpy reductions take
#: CPU-specific paths, so the 15th digit differs between machines.
TRUTH_DIGITS = 12


def round_floats(obj, digits: int = TRUTH_DIGITS):
    """``obj`` (nested dicts and lists) with every float rounded to ``digits`` significant digits.

    Examples
    --------
    >>> round_floats({"a": [0.1 + 0.2, 1], "b": 123456.789012345678}, 6)
    {'a': [0.3, 1], 'b': 123457.0}
    """
    if isinstance(obj, float):
        return float(f"{obj:.{digits}g}") if obj == obj and abs(obj) != float("inf") else obj
    if isinstance(obj, dict):
        return {k: round_floats(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [round_floats(v, digits) for v in obj]
    return obj


#: Fields added after the bundled extract was made, with their neutral
#: defaults: written to ``truth.json`` only when set to something else.
_OPTIONAL_WORLD_FIELDS = {"platform_shock_sd": 0.0, "platform_shock_rho": 0.0, "focus": (), "effect_start": "",
                          "switch_share": 0.0, "switch_from": ()}
_OPTIONAL_CATEGORY_FIELDS = {"low_trend": 0.0, "low_trend_start": "", "value_shift": 0.0}


def _without_defaults(d: dict, optional: dict) -> dict:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in d.items()
            if not (k in optional and v == optional[k])}


def world_to_dict(world: World) -> dict:
    """A JSON-ready description of a world (all true parameters; optional
    fields only when they differ from their neutral defaults)."""
    d = _without_defaults(dataclasses.asdict(world), _OPTIONAL_WORLD_FIELDS)
    d["categories"] = [_without_defaults(dataclasses.asdict(c), _OPTIONAL_CATEGORY_FIELDS)
                       for c in world.categories]
    d["seasonality"] = SEASONALITY.tolist()
    d["level_shares"] = dict(zip(LEVELS, LEVEL_SHARES.tolist()))
    d["level_value_offset"] = dict(zip(LEVELS, LEVEL_VALUE_OFFSET.tolist()))
    d["sigma_value"] = SIGMA_VALUE
    d["contract_rate"] = CONTRACT_RATE
    return d
