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
# # Platform-wide trends
#
# ## Overview
#
# The study this book re-creates reported that, in the year after ChatGPT's release on 30 November 2022, both the number of job posts and freelancers' earnings per contract rose on the platform {cite:p}`upwork2024genai`.
# This chapter looks at the whole platform before turning to single categories in {doc}`03_categories`.
# It shows the monthly series of job posts, contracts and earnings per contract, separates their seasonal pattern from their trend, and compares what was observed after the release with a projection of the pre-release trend and season.
# The gap between the two is the platform-wide change that the pre-release path does not explain.
# It is not a causal effect of generative AI on its own: anything else that changed on the platform after {glue:text}`treatment_day` is in it too.
# The category comparisons of the next chapter address that.

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
cpi_file = ""
output_dir = ""

# %% tags=["remove-cell"]
from analysis import estimation as est
from analysis.data.cpi import CPI_LABEL, load_cpi
from analysis.page import Page
from analysis.report import figures, frames, tables, words

page = Page(globals())
cm = page.panels["category_month"]
td = page.treatment_date

# %% [markdown]
# ## Data used
#
# {glue:md}`data_note:myst`
#
# The platform series are sums over all categories of the monthly counts and earnings of each category; earnings per contract is total earnings divided by the number of contracts started in the month.
# A contract is dated by the day it started, a job post by the day it was posted.
#
# ## Job posts, contracts and earnings over time

# %% tags=["remove-cell"]
trends = frames.platform_trends_long(cm)
changes = frames.platform_changes(cm, td)
page.glue("job_posts_change", abs(changes["job_posts"]))
page.glue("job_posts_word", words.direction(changes["job_posts"]))
page.glue("contracts_change", abs(changes["contracts"]))
page.glue("contracts_word", words.direction(changes["contracts"]))
page.glue("earnings_per_contract_change", abs(changes["earnings_per_contract"]))
page.glue("earnings_per_contract_word", words.direction(changes["earnings_per_contract"]))

# %% mystnb={"figure": {"caption": "Platform-wide job posts, contracts and earnings per contract by month, with the 12-month centred average; dashed line: {glue:text}`treatment_label`. Data: {glue:text}`data_label`.", "name": "fig-platform-trends"}, "image": {"alt": "Three stacked line charts sharing a monthly time axis from the start to the end of the extract: job posts, contracts and earnings per contract, each as a thin monthly line with dots and a thick 12-month centred average, and a dashed vertical line at the release."}} tags=["remove-input"]
page.figure("fig-platform-trends", figures.platform_trends(trends, td), trends)

# %% [markdown]
# How to cite this figure: {glue:md}`cite_platform_trends`
#
# {numref}`fig-platform-trends` shows the three series.
# Comparing the twelve months after the release with the same twelve calendar months a year earlier, so that the seasonal pattern cancels, job posts {glue:text}`job_posts_word` by {glue:text}`job_posts_change:.1f`%, contracts {glue:text}`contracts_word` by {glue:text}`contracts_change:.1f`% and earnings per contract {glue:text}`earnings_per_contract_word` by {glue:text}`earnings_per_contract_change:.1f`%.
# These raw comparisons include whatever trend the platform was on before the release; the projection below takes that trend out.
#
# ## Seasonality

# %% tags=["remove-cell"]
season = frames.seasonal_profile(cm)
posts_season = season[season["outcome"] == frames.PLATFORM_OUTCOMES["job_posts"]].set_index("calendar_month")["value"]
page.glue("season_peak_month", frames.MONTH_NAMES[int(posts_season.idxmax()) - 1])
page.glue("season_peak_pct", float(posts_season.max()))
page.glue("season_trough_month", frames.MONTH_NAMES[int(posts_season.idxmin()) - 1])
page.glue("season_trough_pct", abs(float(posts_season.min())))

# %% [markdown]
# Freelance demand is seasonal: clients post more work at the start of the year and less around the end-of-year holidays.
# {numref}`fig-platform-seasonality` shows the classical seasonal factors, the average ratio of each month to its 12-month centred average.
# Job posts are highest in {glue:text}`season_peak_month`, {glue:text}`season_peak_pct:.1f`% above trend, and lowest in {glue:text}`season_trough_month`, {glue:text}`season_trough_pct:.1f`% below it.
# Because the platform's outcomes are seasonal, a comparison of the months just before and just after the release would mistake the season for an effect; both the year-on-year comparison above and the projection below avoid that.

# %% mystnb={"figure": {"caption": "Seasonal pattern of platform-wide job posts and contracts: average deviation from the 12-month centred average by calendar month. Data: {glue:text}`data_label`.", "name": "fig-platform-seasonality"}, "image": {"alt": "Line chart with the twelve calendar months on the horizontal axis and the percent deviation from trend on the vertical axis, one line for job posts and one for contracts."}} tags=["remove-input"]
page.figure("fig-platform-seasonality", figures.seasonal_profile(season), season)

# %% [markdown]
# How to cite this figure: {glue:md}`cite_platform_seasonality`
#
# ## Observed and projected series

# %% tags=["remove-cell"]
posts_series, posts = page.estimate(est.platform_counterfactual, cm, "job_posts")
contracts_series, contracts = page.estimate(est.platform_counterfactual, cm, "contracts")
epc_series, epc = page.estimate(est.platform_counterfactual, cm, "earnings_per_contract")
platform_estimates = [posts, contracts, epc]
gap_words = dict(up="above the projection", down="below the projection", flat="equal to the projection")
page.say("cf_job_posts", posts, **gap_words)
page.say("cf_contracts", contracts, **gap_words)
page.say("cf_earnings_per_contract", epc, **gap_words)
# The gaps are descriptive (not causal effects): their words are "consistent with", not "supports".
page.glue("cf_job_posts_verdict", words.consistency_of(posts, +1))
page.glue("cf_earnings_per_contract_verdict", words.consistency_of(epc, +1))
page.glue("cf_n_fit", posts.details["n_fit"])
page.glue("cf_inference", posts.inference)

cf = frames.counterfactual_long({"job_posts": posts_series, "contracts": contracts_series,
                                 "earnings_per_contract": epc_series})

# %% [markdown]
# To separate a change at the release from the path the platform was already on, each series is projected forward from the pre-release months.
# The projection fits, to the logarithm of the series, a linear trend and one effect per calendar month on the {glue:text}`cf_n_fit:d` pre-release months (the first month of the extract is left out because contracts whose posts predate the extract are missing from it), and extends them over the post-release months.
# The band around the projection comes from simulated forecast paths that draw both the parameters and the monthly noise, so it is a prediction interval for the series, not only for its mean.
# The deterministic trend and month effects are the smallest model that removes the season; a richer time-series model with a stochastic trend or season {cite:p}`harvey1989forecasting` needs many years of pre-release data to be estimated reliably.

# %% mystnb={"figure": {"caption": "Observed platform series and their projection from the pre-release trend and season, with the 95% band of the projection (left) and the gap after the release in percent (right). Data: {glue:text}`data_label`.", "name": "fig-platform-counterfactual"}, "image": {"alt": "Three rows, for job posts, contracts and earnings per contract. Left: the observed monthly series and the projected series with a shaded band. Right: bars of the percentage gap between observed and projected values after the release."}} tags=["remove-input"]
page.figure("fig-platform-counterfactual", figures.counterfactual(cf, td), cf)

# %% [markdown]
# How to cite this figure: {glue:md}`cite_platform_counterfactual`
#
# {numref}`fig-platform-counterfactual` compares the observed and projected series.
# Averaged over the post-release months, job posts were {glue:text}`cf_job_posts`, contracts were {glue:text}`cf_contracts` and earnings per contract were {glue:text}`cf_earnings_per_contract`.
# Read against the claim of the original study, the job-post gap {glue:text}`cf_job_posts_verdict` a rise in job posts, and the gap in earnings per contract {glue:text}`cf_earnings_per_contract_verdict` a rise in earnings per contract.
# Since the projection is not a causal counterfactual, these are statements of consistency, not tests of an effect.
# The table below lists the three estimates with the ids under which they are stored in the results table; intervals and p-values come from the simulated forecast paths ({glue:text}`cf_inference`), and the p-value is twice the share of paths on the other side of zero.

# %% tags=["remove-input"]
tables.display_estimates(platform_estimates)

# %% [markdown]
# ## Real and nominal earnings

# %% tags=["remove-cell"]
cpi = load_cpi(page.params["cpi_file"])
epc_real_series, epc_real = page.estimate(est.real_platform_counterfactual, cm, cpi, index_label="CPI")
page.say("cf_earnings_per_contract_real", epc_real, **gap_words)
page.glue("cf_earnings_per_contract_real_verdict", words.consistency_of(epc_real, +1))
page.glue("cpi_label", CPI_LABEL if not page.params["cpi_file"] else
          "the price index supplied with the run parameter cpi_file")
page.glue("cpi_base", epc_real.details["base_label"])
page.glue("cpi_dec22_pct", float(100 * (load_cpi().loc["2022-12-01"] / load_cpi().loc["2021-12-01"] - 1)))
page.glue("real_vs_nominal", words.direction(epc_real.estimate_pct - epc.estimate_pct, up="larger than",
                                             down="smaller than", flat="the same as"))

# %% [markdown]
# Earnings in the extract are nominal dollars, and consumer prices rose fast in 2021 and 2022: the US CPI-U rose by {glue:text}`cpi_dec22_pct:.1f`% from December 2021 to December 2022 {cite:p}`bls2026cpiu`.
# Deflating each month's earnings by {glue:text}`cpi_label` to dollars of {glue:text}`cpi_base`, and projecting the real series in the same way, real earnings per contract after the release were {glue:text}`cf_earnings_per_contract_real`.
# The real gap is {glue:text}`real_vs_nominal` the nominal one: the projection's log-linear trend absorbs steady inflation, so the two differ by how far inflation after the release departed from its pre-release pace.
# The real gap {glue:text}`cf_earnings_per_contract_real_verdict` a rise in earnings per contract.
# The claim check of the summary uses the nominal estimate, `platform.earnings_per_contract`, as the study reported nominal earnings; the real one is stored beside it as `platform.earnings_per_contract_real`.

# %% tags=["remove-input"]
tables.display_estimates([epc, epc_real])

# %% [markdown]
# ## Within categories or between them

# %% tags=["remove-cell"]
mix = est.shift_share(cm, td)
page.glue("ss_periods", mix.periods)
page.glue("ss_epc_pre", mix.epc_pre)
page.glue("ss_epc_post", mix.epc_post)
page.glue("ss_total_word", words.direction(mix.total))
page.glue("ss_total_pct", abs(mix.pct("total")))
for part in ("within", "mix", "interaction"):
    page.glue(f"ss_{part}_usd", abs(getattr(mix, part)))
    page.glue(f"ss_{part}_pct", abs(mix.pct(part)))
    page.glue(f"ss_{part}_word", words.direction(getattr(mix, part), up="added", down="took away",
                                                 flat="changed nothing of"))
page.glue("ss_larger", words.direction(abs(mix.within) - abs(mix.mix), up="changes within categories",
                                       down="the shift of contracts between categories",
                                       flat="neither part more than the other"))
top_cat = mix.table.loc[mix.table["total"].abs().idxmax()]
page.glue("ss_top_category", top_cat["category"])
page.glue("ss_top_usd", abs(float(top_cat["total"])))
page.glue("ss_top_word", words.direction(float(top_cat["total"]), up="added", down="took away"))

# %% [markdown]
# Platform earnings per contract is an average over categories weighted by their contracts, so it can rise without any category paying more, if contracts move into better-paid categories.
# A shift-share decomposition separates the two.
# Comparing {glue:text}`ss_periods`, earnings per contract (all earnings over all contracts of each period) {glue:text}`ss_total_word` from USD {glue:text}`ss_epc_pre:,.2f` to USD {glue:text}`ss_epc_post:,.2f`, by {glue:text}`ss_total_pct:.2f`%.
# Holding the category mix at its pre-release shares, changes in pay within categories {glue:text}`ss_within_word` USD {glue:text}`ss_within_usd:,.2f` ({glue:text}`ss_within_pct:.2f`% of the pre-release level); moving contracts between categories at pre-release pay {glue:text}`ss_mix_word` USD {glue:text}`ss_mix_usd:,.2f` ({glue:text}`ss_mix_pct:.2f`%), and the interaction, contracts moving into categories whose pay changed, {glue:text}`ss_interaction_word` USD {glue:text}`ss_interaction_usd:,.2f` ({glue:text}`ss_interaction_pct:.2f`%).
# Most of the change comes from {glue:text}`ss_larger`.
# Of single categories, {glue:text}`ss_top_category` contributed most, counting its within, mix and interaction parts together: it {glue:text}`ss_top_word` USD {glue:text}`ss_top_usd:,.2f` per contract.
# The decomposition is descriptive, like the year-on-year comparison above, and its parts sum exactly to the change; read claims 2 and 5 of the study (earnings per contract rose; work moved to better-paid tasks) against it: a rise that is mostly mix is a change in what is bought, not in what the same work pays.

# %% tags=["remove-input"]
tables.display_frame(mix.parts(), {"USD per contract": "{:,.2f}", "% of pre-release level": "{:.2f}"},
                     index=False)

# %% [markdown]
# ## Summary
#
# - Comparing the year after the release with the year before, job posts {glue:text}`job_posts_word` by {glue:text}`job_posts_change:.1f`% and earnings per contract {glue:text}`earnings_per_contract_word` by {glue:text}`earnings_per_contract_change:.1f`% ({numref}`fig-platform-trends`).
# - Demand is seasonal, with a peak in {glue:text}`season_peak_month` and a low in {glue:text}`season_trough_month` ({numref}`fig-platform-seasonality`), so comparisons are made a year apart or against a seasonal projection.
# - Against a projection of the pre-release trend and season, job posts after the release were {glue:text}`cf_job_posts` and earnings per contract were {glue:text}`cf_earnings_per_contract` ({numref}`fig-platform-counterfactual`; estimates `platform.job_posts` and `platform.earnings_per_contract`).
# - In dollars of {glue:text}`cpi_base`, real earnings per contract were {glue:text}`cf_earnings_per_contract_real` (estimate `platform.earnings_per_contract_real`).
# - From the year before the release to the year after, changes in pay within categories {glue:text}`ss_within_word` USD {glue:text}`ss_within_usd:,.2f` per contract and the shift of contracts between categories {glue:text}`ss_mix_word` USD {glue:text}`ss_mix_usd:,.2f` (shift-share table above).
# - These platform-wide gaps are descriptive: they include every change after {glue:text}`treatment_day`, not only generative AI; the category comparisons in {doc}`03_categories` hold platform-wide changes fixed.
#
# ## References
#
# ```{bibliography}
# :filter: docname in docnames
# ```
