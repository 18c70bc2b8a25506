"""A library of synthetic worlds for checking the book's verdicts.

Each world is a :class:`analysis.data.simulate.World` (or a world plus a
post-processing of its tables) whose truth is known. The worlds are built to
answer one question each: *does the claim check of* :mod:`analysis.claims`
*give a false verdict here?*

==========================  ====================================================
name                        what is planted
==========================  ====================================================
``default``                 the bundled extract's world (effects planted)
``no-effect``               every planted effect zero (``World(effects=False)``)
``ar1-sizes``               no effect; an AR(1) month shock common to all
                            categories (rho 0.6, innovation s.d. 0.025) and
                            category sizes spanning 30x
``pretrend``                no effect; Data Science & Analytics grows 1% a
                            month faster than the rest, before and after the
                            release (a linear differential trend)
``low-tier-pretrend``       no effect; Writing's low-value posts fall 1.4% a
                            month from two years before the release on
``huge-contract``           no effect; one fixed-price contract after the
                            release is worth USD 5.7 million
``spillover``               the controls are treated a little (+5% job posts)
                            and Data Science & Analytics by +20%; Writing and
                            Translation keep their default tier effects
``sparse``                  default effects; four categories (Translation,
                            a focus category, and three controls) have a few
                            job posts a month
``late-effects``            default effects, but their ramp starts in
                            January of the second calendar year after the
                            release (none in the year after it): the claim
                            window's estimates have truth zero
``value-shift``             no displacement: the same posts and contracts as
                            the no-effect world, but in the three focus
                            categories contracts earn 30% more than their
                            budget at full ramp (``value_shift``); tiers cut
                            on realised earnings would show "high up, low
                            down", tiers cut on the budget show nothing
``new-category``            default effects; a thirteenth category, ``AI
                            Services`` (no planted effect), whose job posts
                            start in January 2023: no pre-release data
``mid-month``               default effects planted from April 2023 on, the
                            first whole month after a treatment date of
                            14 March 2023 (GPT-4's release); March 2023 is
                            partly treated
``switchers``               no rate effect (every ``rate`` zero, other default
                            effects kept); after the release freelancers of
                            Admin Support and Customer Service take 30% of
                            the focus categories' contracts at full ramp, at
                            the focus categories' (higher) rates
==========================  ====================================================

Edge worlds
-----------
:data:`EDGE_WORLDS` holds extracts that the book must refuse, before any
chapter runs, with a message naming the parameter (or the data problem);
their truth is that behaviour (``WorldSpec.refused``: exit code, key, words):

==========================  ====================================================
``no-contracts``            Translation, a focus category, has job posts but
                            no contracts (exit 2, ``focus_categories``)
``unreachable-threshold``   the default world run with a value threshold of
                            USD 250,000, which no contract reaches (exit 2,
                            ``value_threshold_usd``)
``one-month-freelancers``   every contract has a freelancer of its own: no
                            within-freelancer comparison exists (exit 1, a
                            data problem)
==========================  ====================================================

The ``spillover`` world is also the "all categories treated a little" case
of issue 12: every control gains 5% and Data Science & Analytics 20%, so the
estimate against the controls recovers the difference (the truth), not the
focus category's own change (:func:`absolute_effects`).

Truth
-----
:func:`truth` gives, for a drawn world, the effects as
:func:`analysis.data.simulate.true_effects` defines them (``truth.json``: zero
where nothing is planted; the nuisance of each world - trends, shocks, the
huge contract - is in the counterfactual too, so it leaves the truth
unchanged), plus the two share estimates of the claim check
(``category.<slug>.ai_share`` and ``productivity.expert_share``, in
percentage points) that ``truth.json`` lacks. Note that the share of
AI-related posts rises in every category after the release
(``CategorySpec.ai_base``), more in some than in others, so
``category.data-science-analytics.ai_share`` is about +2 percentage points
even in the no-effect world. :func:`absolute_effects` gives the effect on
each category against its own counterfactual rather than against the
controls (they differ in the ``spillover`` world only).

Files
-----
:func:`write_world` writes an extract in the data contract
(``job_posts.parquet``, ``contracts.parquet``), ``truth.json`` exactly as
:func:`analysis.data.simulate.write_extract` writes it and ``world.json`` (the
world's name, what it plants, every truth of :func:`truth` and, for
``huge-contract``, which contract was changed).
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from scipy.stats import norm

from analysis.data import simulate as sim
from analysis.core.params import DEFAULT_PARAMS
from analysis.core.text import slugify

__all__ = [
    "WorldSpec", "WORLDS", "HUGE_CONTRACT_USD", "load_world_results", "world_names", "make_world", "draw", "truth",
    "share_truths", "absolute_effects", "huge_contract", "write_world", "scaled_shares", "late_effect_start",
    "run_params", "category_starts", "EDGE_WORLDS", "edge_world_names", "world_spec",
]

#: Size of the single huge contract of the ``huge-contract`` world (USD).
HUGE_CONTRACT_USD = 5_700_000.0
#: Focus categories of every world (the book's default roles).
FOCUS = tuple(DEFAULT_PARAMS["focus_categories"])


@dataclass(frozen=True)
class WorldSpec:
    """One world of the library.

    Attributes
    ----------
    name : str
        Short id (used in file and table names).
    description : str
        What is planted, in words.
    build : callable
        ``build(seed, n_posts) -> World``.
    postprocess : callable or None
        ``postprocess(posts, contracts, world) -> (posts, contracts, info)``
        applied to the drawn tables (pandas, data-contract columns); ``info``
        is a JSON-ready dict describing the change.
    params : dict
        Run-parameter overrides the world is run with (default none).
    refused : dict or None
        For an *edge* world (:data:`EDGE_WORLDS`), its truth is the book's
        behaviour, not an effect: ``python -m analysis run`` on its extract
        must stop at the checks with exit code ``refused["exit"]``, naming
        ``refused["key"]`` (the parameter, or ``"-"`` for a data problem),
        with every one of ``refused["words"]`` in the message, before any
        chapter runs.
    """

    name: str
    description: str
    build: Callable[[int, int], sim.World]
    postprocess: Callable | None = None
    params: dict = dataclasses.field(default_factory=dict)
    refused: dict | None = None


def _replace(categories, **by_name) -> tuple[sim.CategorySpec, ...]:
    """Categories with some fields replaced: ``by_name = {name: {field: value}}``."""
    out = []
    for c in categories:
        out.append(dataclasses.replace(c, **by_name.get(c.name, {})))
    return tuple(out)


def scaled_shares(categories, ratio: float) -> tuple[sim.CategorySpec, ...]:
    """The categories with shares stretched so that the largest is ``ratio`` times the smallest.

    Shares become ``share**k`` (renormalised to the same total), with ``k``
    chosen to give the ratio; the order of sizes is kept.

    Examples
    --------
    >>> cats = scaled_shares(sim.DEFAULT_CATEGORIES, 30.0)
    >>> s = [c.share for c in cats]
    >>> round(max(s) / min(s), 6)
    30.0
    """
    s = np.array([c.share for c in categories], dtype=float)
    k = math.log(ratio) / math.log(s.max() / s.min())
    new = s**k
    new = new / new.sum() * s.sum()
    return tuple(dataclasses.replace(c, share=float(v)) for c, v in zip(categories, new))


def _default(seed: int, n_posts: int) -> sim.World:
    return sim.World(seed=seed, n_posts=n_posts)


def _no_effect(seed: int, n_posts: int) -> sim.World:
    return sim.World(seed=seed, n_posts=n_posts, effects=False)


def _ar1_sizes(seed: int, n_posts: int) -> sim.World:
    return sim.World(seed=seed, n_posts=n_posts, effects=False,
                     categories=scaled_shares(sim.DEFAULT_CATEGORIES, 30.0),
                     platform_shock_sd=0.025, platform_shock_rho=0.6)


def _pretrend(seed: int, n_posts: int) -> sim.World:
    cats = _replace(sim.DEFAULT_CATEGORIES, **{"Data Science & Analytics": {"growth": sim.GROWTH + 0.12}})
    return sim.World(seed=seed, n_posts=n_posts, effects=False, categories=cats)


def _release_minus_two_years() -> str:
    return (pd.Timestamp(sim.RELEASE_DATE) - pd.DateOffset(years=2)).strftime("%Y-%m-%d")


def _low_tier_pretrend(seed: int, n_posts: int) -> sim.World:
    cats = _replace(sim.DEFAULT_CATEGORIES, Writing={"low_trend": math.log(1 - 0.014),
                                                     "low_trend_start": _release_minus_two_years()})
    return sim.World(seed=seed, n_posts=n_posts, effects=False, categories=cats)


def _spillover(seed: int, n_posts: int) -> sim.World:
    change = {c.name: {"post": math.log(1.05)} for c in sim.DEFAULT_CATEGORIES if c.name not in FOCUS}
    change["Data Science & Analytics"] = {"post": math.log(1.20)}
    return sim.World(seed=seed, n_posts=n_posts, categories=_replace(sim.DEFAULT_CATEGORIES, **change),
                     focus=FOCUS)


#: The sparse categories of the ``sparse`` world and their shares.
SPARSE_SHARES = {"Translation": 0.004, "Legal": 0.002, "Customer Service": 0.003,
                 "Engineering & Architecture": 0.004}


def _sparse(seed: int, n_posts: int) -> sim.World:
    return sim.World(seed=seed, n_posts=n_posts,
                     categories=_replace(sim.DEFAULT_CATEGORIES,
                                         **{k: {"share": v} for k, v in SPARSE_SHARES.items()}))


def late_effect_start(release: str = sim.RELEASE_DATE) -> str:
    """First month of the ``late-effects`` world's effects: January of the second calendar year after the release.

    >>> late_effect_start("2022-11-30")
    '2024-01-01'
    """
    return f"{pd.Timestamp(release).year + 2}-01-01"


def _late_effects(seed: int, n_posts: int) -> sim.World:
    return sim.World(seed=seed, n_posts=n_posts, effect_start=late_effect_start())
#: The category of the ``new-category`` world and the first day of its job posts.
NEW_CATEGORY = "AI Services"
NEW_CATEGORY_FROM = "2023-01-01"
#: Treatment date of the ``mid-month`` world (GPT-4's release).
MID_MONTH_DATE = "2023-03-14"


def _new_category(seed: int, n_posts: int) -> sim.World:
    extra = sim.CategorySpec(NEW_CATEGORY, 0.03, 6.4, sim.GROWTH, 0.5, 3.6)
    return sim.World(seed=seed, n_posts=n_posts, categories=sim.DEFAULT_CATEGORIES + (extra,))


def category_starts(world: sim.World) -> dict[str, str]:
    """Categories whose data start after the release in this world's extract: ``{name: first day}``.

    The ``new-category`` world draws :data:`NEW_CATEGORY` in every month and
    its post-processing (:func:`new_category`, applied by :func:`draw` and
    :func:`write_world`) drops the posts before :data:`NEW_CATEGORY_FROM`; no
    other world has that category. The platform truths need it
    (:func:`analysis.data.simulate.platform_truths`): the observed series
    gains the category from that month, the projection never has it.

    >>> category_starts(make_world("new-category", seed=1, n_posts=20_000)), category_starts(make_world("default"))
    ({'AI Services': '2023-01-01'}, {})
    """
    return {NEW_CATEGORY: NEW_CATEGORY_FROM} if NEW_CATEGORY in {c.name for c in world.categories} else {}


def new_category(posts: pd.DataFrame, contracts: pd.DataFrame, world: sim.World
                 ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Drop the job posts of :data:`NEW_CATEGORY` dated before :data:`NEW_CATEGORY_FROM`, with their contracts.

    Returns
    -------
    posts, contracts : DataFrame
    info : dict
        ``category``, ``first_day``, ``posts_dropped``.
    """
    old = (posts["category"] == NEW_CATEGORY) & (pd.to_datetime(posts["posted_on"]) < pd.Timestamp(NEW_CATEGORY_FROM))
    gone = set(posts.loc[old, "job_id"])
    out_p = posts[~old].reset_index(drop=True)
    out_c = contracts[~contracts["job_id"].isin(gone)].reset_index(drop=True)
    return out_p, out_c, dict(category=NEW_CATEGORY, first_day=NEW_CATEGORY_FROM, posts_dropped=int(old.sum()))


def _mid_month(seed: int, n_posts: int) -> sim.World:
    return sim.World(seed=seed, n_posts=n_posts, release=MID_MONTH_DATE)


def huge_contract(posts: pd.DataFrame, contracts: pd.DataFrame, world: sim.World,
                  amount: float = HUGE_CONTRACT_USD) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Set one contract's earnings to ``amount``.

    The contract is drawn uniformly (seeded by the world's seed, a stream of
    its own) among the fixed-price contracts started on or after the first
    post month, so that it has no hours to change.

    Parameters
    ----------
    posts, contracts : DataFrame
        Tables in the data contract's columns.
    world : World
    amount : float
        New earnings in USD.

    Returns
    -------
    posts, contracts : DataFrame
        ``contracts`` is a copy with one value changed.
    info : dict
        ``contract_id``, ``category``, ``started_on``, ``old_earnings_usd``,
        ``new_earnings_usd``.
    """
    from analysis.core.periods import post_mask

    kind = contracts["job_id"].map(posts.set_index("job_id")["contract_type"])
    started = pd.to_datetime(contracts["started_on"])
    months = pd.DatetimeIndex(started.dt.to_period("M").dt.to_timestamp())
    eligible = np.flatnonzero((kind == "fixed").to_numpy() & post_mask(months, world.release))
    if not len(eligible):
        raise ValueError("no fixed-price contract after the release to change")
    rng = np.random.default_rng(np.random.SeedSequence([int(world.seed), 0x48554745]))
    i = int(eligible[rng.integers(len(eligible))])
    out = contracts.copy()
    old = float(out["earnings_usd"].iloc[i])
    out.loc[out.index[i], "earnings_usd"] = float(amount)
    cat = posts.set_index("job_id")["category"].get(out["job_id"].iloc[i])
    info = dict(contract_id=str(out["contract_id"].iloc[i]), category=str(cat),
                started_on=str(started.iloc[i].date()), old_earnings_usd=old, new_earnings_usd=float(amount))
    return posts, out, info


#: Effect on realised earnings (log points at full ramp) of the ``value-shift`` world's focus categories.
VALUE_SHIFT = math.log(1.30)


def _value_shift(seed: int, n_posts: int) -> sim.World:
    cats = _replace(sim.no_effect(sim.DEFAULT_CATEGORIES), **{n: {"value_shift": VALUE_SHIFT} for n in FOCUS})
    return sim.World(seed=seed, n_posts=n_posts, categories=cats, platform={k: 0.0 for k in sim.PLATFORM_EFFECTS},
                     focus=FOCUS)


#: Share of the focus categories' contracts (at full ramp) that the ``switchers`` world's switchers take.
SWITCH_SHARE = 0.3
#: Where the ``switchers`` world's switchers come from: the two lowest-paid categories.
SWITCH_FROM = ("Admin Support", "Customer Service")


def _switchers(seed: int, n_posts: int) -> sim.World:
    cats = tuple(dataclasses.replace(c, rate=0.0) for c in sim.DEFAULT_CATEGORIES)
    return sim.World(seed=seed, n_posts=n_posts, categories=cats, focus=FOCUS, switch_share=SWITCH_SHARE,
                     switch_from=SWITCH_FROM)


#: The worlds, by name.
WORLDS: dict[str, WorldSpec] = {w.name: w for w in (
    WorldSpec("default", "the bundled extract's world: effects planted", _default),
    WorldSpec("no-effect", "no planted effect (World(effects=False))", _no_effect),
    WorldSpec("ar1-sizes", "no effect; AR(1) month shock common to all categories (rho 0.6, innovation "
                           "s.d. 0.025); category sizes spanning 30x", _ar1_sizes),
    WorldSpec("pretrend", "no effect; Data Science & Analytics grows 1% a month faster than the other "
                          "categories throughout (linear differential trend)", _pretrend),
    WorldSpec("low-tier-pretrend", "no effect; Writing's low-value posts fall 1.4% a month from two years "
                                   "before the release on", _low_tier_pretrend),
    WorldSpec("huge-contract", "no effect; one fixed-price contract after the release is worth USD 5.7 million",
              _no_effect, huge_contract),
    WorldSpec("spillover", "controls' job posts +5%, Data Science & Analytics +20%, tier effects of Writing "
                           "and Translation as in the default world", _spillover),
    WorldSpec("sparse", "default effects; Translation, Legal, Customer Service and Engineering & Architecture "
                        "have a few job posts a month", _sparse),
    WorldSpec("late-effects", "default effects, starting in January of the second calendar year after the "
                              "release: none in the year after it", _late_effects),
    WorldSpec("value-shift", "no displacement; contracts in the focus categories earn 30% more than their budget "
                             "at full ramp (values shift up, no work moves between tiers)", _value_shift),
    WorldSpec("new-category", f"default effects; a category '{NEW_CATEGORY}' (no planted effect) whose job posts "
                              f"start on {NEW_CATEGORY_FROM}, after the release", _new_category, new_category),
    WorldSpec("mid-month", f"default effects, treatment date {MID_MONTH_DATE} (mid-month): planted from the "
                           "first whole month after it", _mid_month),
    WorldSpec("switchers", "no rate effect; after the release freelancers of Admin Support and Customer Service "
                           "take 30% of the focus categories' contracts at full ramp, at those categories' rates",
              _switchers),
)}


def _no_contracts(posts: pd.DataFrame, contracts: pd.DataFrame, world: sim.World
                  ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Remove every contract of :data:`NO_CONTRACTS_CATEGORY`'s job posts (the posts stay)."""
    of = contracts["job_id"].map(posts.set_index("job_id")["category"]) == NO_CONTRACTS_CATEGORY
    return posts, contracts[~of.to_numpy()].reset_index(drop=True), {
        "category": NO_CONTRACTS_CATEGORY, "contracts_removed": int(of.sum())}


def _one_month_freelancers(posts: pd.DataFrame, contracts: pd.DataFrame, world: sim.World
                           ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Give every contract a freelancer of its own, so that no freelancer has contracts in two months."""
    out = contracts.copy()
    out["freelancer_id"] = [f"solo{i:08d}" for i in range(len(out))]
    return posts, out, {"freelancers_before": int(contracts["freelancer_id"].nunique()),
                        "freelancers_after": int(len(out))}


#: Focus category without contracts in the ``no-contracts`` edge world.
NO_CONTRACTS_CATEGORY = "Translation"
#: Value threshold of the ``unreachable-threshold`` edge world: above every contract's budget in the
#: default world (the largest, in Data Science & Analytics, are a few tens of thousands of USD).
UNREACHABLE_THRESHOLD_USD = 250_000.0

#: Edge worlds: extracts the book meets in practice that it must refuse with a clear message (issue 12),
#: each with that behaviour as its truth (``WorldSpec.refused``). They are not in :func:`world_names`
#: (the claim check's Monte Carlo has nothing to check on them); :func:`edge_world_names` lists them and
#: :func:`make_world`, :func:`draw` and :func:`write_world` take their names too.
EDGE_WORLDS: dict[str, WorldSpec] = {w.name: w for w in (
    WorldSpec("no-contracts", f"default effects; the focus category {NO_CONTRACTS_CATEGORY} has job posts but "
                              "no contracts", _default, _no_contracts,
              refused={"exit": 2, "key": "focus_categories",
                       "words": [f"'{NO_CONTRACTS_CATEGORY}' has no contracts"]}),
    WorldSpec("unreachable-threshold", f"default world, run with a value threshold of USD "
                                       f"{UNREACHABLE_THRESHOLD_USD:,.0f}, which no contract reaches",
              _default, params={"value_threshold_usd": UNREACHABLE_THRESHOLD_USD},
              refused={"exit": 2, "key": "value_threshold_usd", "words": ["reaches it", "valid: above"]}),
    WorldSpec("one-month-freelancers", "default effects; every contract has a freelancer of its own, so no "
                                       "freelancer has contracts in two months", _default, _one_month_freelancers,
              refused={"exit": 1, "key": "-", "words": ["no freelancer has contracts in two different months"]}),
)}


def world_names() -> list[str]:
    """Names of the worlds of the claim check's Monte Carlo, in library order."""
    return list(WORLDS)


def edge_world_names() -> list[str]:
    """Names of the edge worlds (:data:`EDGE_WORLDS`), which the book must refuse."""
    return list(EDGE_WORLDS)


def world_spec(name: str) -> WorldSpec:
    """The :class:`WorldSpec` of a world of :data:`WORLDS` or :data:`EDGE_WORLDS`."""
    spec = WORLDS.get(name) or EDGE_WORLDS.get(name)
    if spec is None:
        raise KeyError(f"unknown world {name!r}; worlds: {world_names()}; edge worlds: {edge_world_names()}")
    return spec


def make_world(name: str, seed: int = sim.DEFAULT_SEED, n_posts: int = sim.DEFAULT_N_POSTS) -> sim.World:
    """The :class:`~analysis.data.simulate.World` of a named world.

    Examples
    --------
    >>> w = make_world("ar1-sizes", seed=1)
    >>> w.platform_shock_rho, w.effects
    (0.6, False)
    """
    return world_spec(name).build(int(seed), int(n_posts))


# ---------------------------------------------------------------------------
# Truth
# ---------------------------------------------------------------------------


def _ai_share(w: sim.World, spec: sim.CategorySpec, ramp: np.ndarray) -> np.ndarray:
    """Expected AI-related share of posts by month (as drawn in simulate)."""
    ai_time = np.where(ramp > 0, 0.3 + 0.7 * ramp, 0.0)
    p = 0.002 + spec.ai_base * ai_time
    if spec.post > 0:
        p = p + (1 - p) * (1 - np.exp(-spec.post * ramp))
    return p


def _expert_share(w: sim.World, spec: sim.CategorySpec, ramp: np.ndarray) -> np.ndarray:
    """Expected expert-level share of the posts kept after tier thinning, by month."""
    probs = sim._level_probs(spec, ramp)  # (T, 3)
    mu = spec.log_value + sim.LEVEL_VALUE_OFFSET[None, :] + w.platform["value"] * ramp[:, None]
    p_low = norm.cdf((np.log(w.tier_threshold_usd) - mu) / sim.SIGMA_VALUE)
    keep_low = np.exp((spec.low - spec.high) * ramp)[:, None] if spec.tiered else np.ones((len(ramp), 1))
    trend = sim._low_trend_keep(w, spec)
    if trend is not None:
        keep_low = keep_low * trend[:, None]
    kept = probs * (1 - p_low * (1 - keep_low))
    return kept[:, 2] / kept.sum(axis=1)


def share_truths(world: sim.World, focus=FOCUS, controls=None) -> dict[str, float]:
    """True values of the two share estimates of the claim check (percentage points).

    ``category.<slug>.ai_share`` of the first focus category and
    ``productivity.expert_share`` of the focus categories pooled, each against
    the controls, as :func:`analysis.estimation.shares.share_did` estimates them: the
    post-period mean of the share minus its counterfactual (no generative AI),
    averaged over the treated categories, minus the same for the controls.

    Parameters
    ----------
    world : World
    focus : sequence of str
        Focus categories (first: the new-AI-work role).
    controls : sequence of str, optional
        Default: every other category.

    Returns
    -------
    dict
    """
    w = world.resolved()
    names = [c.name for c in w.categories]
    focus = list(focus)
    controls = list(controls) if controls else [n for n in names if n not in focus]
    post = sim.post_mask(w.months(), w.release)
    ramp = w.ramp()
    zero = np.zeros_like(ramp)

    def gap(fn, name):
        c = w.categories[names.index(name)]
        return float((fn(w, c, ramp) - fn(w, c, zero))[post].mean())

    ctrl_ai = np.mean([gap(_ai_share, n) for n in controls])
    ctrl_ex = np.mean([gap(_expert_share, n) for n in controls])
    return {
        f"category.{slugify(focus[0])}.ai_share": float(100 * (gap(_ai_share, focus[0]) - ctrl_ai)),
        "productivity.expert_share": float(100 * (np.mean([gap(_expert_share, n) for n in focus]) - ctrl_ex)),
    }


def absolute_effects(world: sim.World, shocks: np.ndarray | None = None) -> dict[str, float]:
    """Each category's effect against its own counterfactual, not against controls (percent).

    ``category.<slug>.<job_posts|contracts.low_value|contracts.high_value>``
    for every category: ``100*(exp(mean_post(log actual - log counterfactual)) - 1)``.
    Equal to :func:`analysis.data.simulate.true_effects` plus the controls' own
    change, so the two differ where controls are affected (``spillover``).
    """
    w = world.resolved()
    act = sim._expected(w, shocks, counterfactual=False)
    cf = sim._expected(w, shocks, counterfactual=True)
    post = sim.post_mask(w.months(), w.release)
    out = {}
    for key, name in (("posts", "job_posts"), ("low", "contracts.low_value"), ("high", "contracts.high_value")):
        d = (np.log(act[key]) - np.log(cf[key]))[:, post].mean(axis=1)
        for c, v in zip(w.categories, d):
            out[f"category.{slugify(c.name)}.{name}"] = float(100 * np.expm1(v))
    return out


def truth(world: sim.World, focus=FOCUS, end: str | None = None, controls=None) -> dict[str, float]:
    """Every true value the Monte Carlo compares with: ``truth.json``'s effects plus :func:`share_truths`.

    Parameters
    ----------
    world : World
    focus : sequence of str
    end : str, optional
        Last day of the post months the truth averages over (ISO date; the
        claim window's end, :func:`analysis.core.periods.claim_window_end`).
        Default: the world's end (every post month, ``truth.json``). The
        world's months, ramp and realised shocks are those of the full world,
        cut at ``end``: a truth on a window is the same expected outcomes
        averaged over fewer post months.
    controls : sequence of str, optional
        Control categories (default every category not in ``focus``); the
        Monte Carlo passes the book's controls, which leave out categories
        without pre-release data (:func:`analysis.estimation.did.run_categories`).

    The platform ids count a category born after the release
    (:func:`category_starts`: the ``new-category`` world) in the observed
    series from its first month and never in the projection, as the book's
    estimate does (:func:`analysis.data.simulate.platform_truths`); in every
    other world they are :func:`analysis.data.simulate.true_effects`' as before.

    Examples
    --------
    >>> w = make_world("late-effects", seed=1, n_posts=20_000)
    >>> t23 = truth(w, end="2023-12-31")
    >>> t23["category.data-science-analytics.job_posts"], t23["platform.job_posts"]
    (0.0, 0.0)
    >>> truth(w)["category.data-science-analytics.job_posts"] > 1  # every post month: 2024 has effects
    True
    """
    shocks = sim.realised_shocks(world)
    if end is not None and pd.Timestamp(end) < pd.Timestamp(world.end):
        n_months = len(world.months())
        world = dataclasses.replace(world, end=str(pd.Timestamp(end).date()))
        shocks = shocks[:, :len(world.months())] if shocks.shape[-1] == n_months else shocks
    controls = list(controls) if controls else None
    out = dict(sim.true_effects(world, focus=list(focus) if not world.focus else None, controls=controls,
                                shocks=shocks, category_starts=category_starts(world)))
    out.update(share_truths(world, focus, controls))
    return dict(sorted(out.items()))


def run_params(world: sim.World, **overrides) -> dict:
    """The run parameters the book would be run with on a world's extract.

    The defaults (:data:`analysis.core.params.DEFAULT_PARAMS`) with the
    world's release as ``treatment_date`` (the ``mid-month`` world:
    14 March 2023; the partly treated month rule of
    :mod:`analysis.core.periods` then follows from the date, as in a run),
    checked by :func:`analysis.core.params.check_schema` like a run's.

    Examples
    --------
    >>> run_params(make_world("mid-month", seed=1))["treatment_date"]
    '2023-03-14'
    """
    from analysis.core.params import check_schema

    full, problems = check_schema({**DEFAULT_PARAMS, "treatment_date": world.release, **overrides})
    if problems:
        raise ValueError(f"world {world!r:.60} gives invalid parameters: {problems}")
    return full


# ---------------------------------------------------------------------------
# Drawing and writing
# ---------------------------------------------------------------------------


def draw(name: str, seed: int, n_posts: int = sim.DEFAULT_N_POSTS):
    """Draw one extract of a named world in memory.

    Returns
    -------
    posts, contracts : DataFrame
        Data-contract tables (post-processed where the world says so).
    world : World
    info : dict
        What the post-processing changed (empty if none).
    """
    spec = world_spec(name)
    world = make_world(name, seed, n_posts)
    posts, contracts = sim.simulate(world)
    info: dict = {}
    if spec.postprocess is not None:
        posts, contracts, info = spec.postprocess(posts, contracts, world)
    return posts, contracts, world, info


def write_world(name: str, out_dir: str | Path, seed: int = sim.DEFAULT_SEED,
                n_posts: int = sim.DEFAULT_N_POSTS) -> dict:
    """Write a named world's extract, ``truth.json`` and ``world.json`` to ``out_dir``.

    ``truth.json`` is what :func:`analysis.data.simulate.write_extract`
    writes for the world, except that in a world with a category born after
    the release (:func:`category_starts`) its platform ids are those of
    :func:`analysis.data.simulate.platform_truths` for the extract as
    post-processed (the book's estimand); ``world.json`` has ``name``, ``description``,
    ``truth`` (:func:`truth`), ``absolute_effects`` and ``postprocess`` (what
    was changed, if anything).

    Returns
    -------
    dict
        The content of ``world.json``.
    """
    out = Path(out_dir)
    spec = world_spec(name)
    world = make_world(name, seed, n_posts)
    written = sim.write_extract(world, out)
    if category_starts(world):  # the extract's data start later than the world's draws: its platform truth too
        effects = sim.true_effects(world, shocks=sim.realised_shocks(world), category_starts=category_starts(world))
        written["effects"] = sim.round_floats(effects)
        (out / "truth.json").write_text(json.dumps(written, indent=2, sort_keys=True) + "\n")
    info: dict = {}
    if spec.postprocess is not None:
        posts = pq.read_table(out / "job_posts.parquet")
        table = pq.read_table(out / "contracts.parquet")
        p_df, c_df = posts.to_pandas(), table.to_pandas()
        p_new, c_new, info = spec.postprocess(p_df, c_df, world)
        others = [k for k in c_df.columns if k != "earnings_usd"]
        if (len(p_new) != len(p_df) or len(c_new) != len(c_df)
                or not c_new[others].equals(c_df[others])):  # rows dropped or ids changed: write both anew
            pq.write_table(pa.Table.from_pandas(p_new, schema=posts.schema, preserve_index=False),
                           out / "job_posts.parquet", compression="zstd")
            pq.write_table(pa.Table.from_pandas(c_new, schema=table.schema, preserve_index=False),
                           out / "contracts.parquet", compression="zstd")
            c_new = None
    if spec.postprocess is not None and c_new is not None:
        col = table.schema.get_field_index("earnings_usd")
        table = table.set_column(col, table.schema.field(col),
                                 pa.array(c_new["earnings_usd"].to_numpy(), pa.float64()))
        pq.write_table(table, out / "contracts.parquet", compression="zstd")
    meta = {"name": name, "description": spec.description, "seed": int(seed), "n_posts": int(n_posts),
            "truth": truth(world), "absolute_effects": absolute_effects(world, sim.realised_shocks(world)),
            "postprocess": info, "params": spec.params, "refused": spec.refused}
    (out / "world.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return meta


def load_world_results(name: str, folder=None) -> pd.DataFrame:
    """A committed table of the claim check's Monte Carlo (``benchmarks/worlds.py``).

    Parameters
    ----------
    name : {"claims", "estimates", "influence", "timing"}
        Which table: ``worlds_<name>.csv``.
    folder : path, optional
        Default :data:`analysis.core.paths.WORLDS_RESULTS_DIR`.

    Raises
    ------
    FileNotFoundError
        Naming the file and the command that writes it.
    """
    from pathlib import Path

    from analysis.core.paths import WORLDS_RESULTS_DIR

    f = Path(folder or WORLDS_RESULTS_DIR) / f"worlds_{name}.csv"
    if not f.is_file():
        raise FileNotFoundError(f"{f} is missing: run `python benchmarks/worlds.py --draws 200` to write it")
    return pd.read_csv(f)
