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
# # Productivity and quality
#
# ## Overview
#
# The study this book re-creates described a shift towards more complex, more specialised and better-paid work after the release of ChatGPT {cite:p}`upwork2024genai`.
# Experiments found that generative AI makes writing and support work faster, and helps the least experienced workers most {cite:p}`noy2023experimental,brynjolfsson2025generative`; platform studies found that demand for exposed freelance work fell, and that the jobs that remained were more complex and paid more {cite:p}`hui2024short,demirci2025who`.
# This chapter looks at what clients asked for and what freelancers were paid: the experience level that job posts require, hourly rates, the size of contracts in hours and in dollars, and client feedback as a measure of quality.
# It ends with regressions within freelancers, which compare the same person before and after the release and so are not driven by a change in who works on the platform.
# The exposed categories are the focus categories of this run, {glue:text}`focus_list`.

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
from analysis import estimation as est
from analysis.page import Page
from analysis.report import figures, frames, tables, words

page = Page(globals())
focus, controls, td = page.focus, page.controls, page.treatment_date
cm = page.panels["category_month"]
page.glue("focus_list", words.name_list(focus))
page.glue("n_focus", len(focus))

# %% [markdown]
# ## Data used
#
# {glue:md}`data_note:myst`
#
# The experience-level mix counts job posts by category, month and the level the client asks for (entry, intermediate or expert); rates, hours, earnings and feedback are monthly totals by category; the within-freelancer regressions use each freelancer's months ({doc}`a1_data` defines all three).
# The hourly rate is hourly earnings divided by hours worked on hourly contracts; fixed-price contracts have no hours.
# Feedback is the client's rating of the freelancer on a scale from 1 to 5, where given.
# Before-and-after comparisons use the twelve months either side of the release, so that the season cancels.
#
# ## Experience level

# %% tags=["remove-cell"]
mix = frames.level_mix(page.panels["category_level_month"], focus, controls, td)
expert = frames.expert_share_change(mix)
top = str(expert.loc[focus, "change_pp"].idxmax())
pooled_pp = float(expert.loc[frames.CONTROLS_LABEL, "change_pp"])
page.glue("expert_top", top)
page.glue("expert_top_before", float(expert.loc[top, "before"]))
page.glue("expert_top_after", float(expert.loc[top, "after"]))
page.glue("expert_top_dir", words.direction(float(expert.loc[top, "change_pp"])))
page.glue("expert_controls_change", abs(pooled_pp))
page.glue("expert_controls_dir", words.direction(pooled_pp))
page.glue("n_expert_up", words.count_where(expert.loc[focus, "change_pp"] > pooled_pp))

# %% [markdown]
# If generative AI takes over routine tasks, the work left for freelancers should ask for more expertise.
# {numref}`fig-productivity-experience-mix` shows the experience level that clients require.
# The share of posts asking for expert freelancers changed most in {glue:text}`expert_top`, where it {glue:text}`expert_top_dir` from {glue:text}`expert_top_before:.1f`% to {glue:text}`expert_top_after:.1f`%; in the control categories pooled it {glue:text}`expert_controls_dir` by {glue:text}`expert_controls_change:.1f` percentage points.
# The expert share rose by more than in the controls in {glue:text}`n_expert_up:d` of the {glue:text}`n_focus:d` focus categories.

# %% mystnb={"figure": {"caption": "Experience level required by job posts in the twelve months before and after the release, for each focus category and the control categories pooled. Data: {glue:text}`data_label`.", "name": "fig-productivity-experience-mix"}, "image": {"alt": "Horizontal stacked bars, two per category (before and after the release), each split into the percentage of job posts asking for entry, intermediate and expert level."}} tags=["remove-input"]
page.figure("fig-productivity-experience-mix", figures.level_mix(mix), mix)

# %% [markdown]
# How to cite this figure: {glue:md}`cite_productivity_experience_mix`

# %% tags=["remove-input"]
tables.display_frame(expert.rename(columns={"before": "Expert share before (%)", "after": "Expert share after (%)",
                                            "change_pp": "Change (pp)"}), "{:.1f}")

# %% [markdown]
# ## Hourly rates

# %% tags=["remove-cell"]
per_contract = frames.per_contract_long(cm, focus, controls, window=3)
monthly = frames.per_contract_long(cm, focus, controls)
rate_change = frames.group_changes(monthly, "hourly_rate", td)
pooled_rate = float(rate_change[frames.CONTROLS_LABEL])
page.glue("rate_controls", abs(pooled_rate))
page.glue("rate_controls_dir", words.direction(pooled_rate))
page.glue("n_rate_up", words.count_where(rate_change[focus] > pooled_rate))
rates = frames.measure_long(per_contract, {"hourly_rate": "Hourly rate (USD)"})

# %% [markdown]
# {numref}`fig-productivity-hourly-rates` shows hourly rates, averaged over trailing three-month windows because monthly averages in small categories are noisy.
# Comparing the twelve months after the release with the twelve before, the hourly rate in the control categories pooled {glue:text}`rate_controls_dir` by {glue:text}`rate_controls:.1f`%, and it grew faster than that in {glue:text}`n_rate_up:d` of the {glue:text}`n_focus:d` focus categories.
# Average rates mix two things: what a given freelancer charges, and who is working.
# The within-freelancer estimates at the end of the chapter separate them.

# %% mystnb={"figure": {"caption": "Average hourly rate (hourly earnings over hours, over trailing three-month windows) for each focus category and the control categories pooled; dashed line: {glue:text}`treatment_label`. Data: {glue:text}`data_label`.", "name": "fig-productivity-hourly-rates"}, "image": {"alt": "Line chart of the average hourly rate in US dollars over time, one coloured line per focus category and a grey line for the pooled control categories, with a dashed vertical line at the release."}} tags=["remove-input"]
page.figure("fig-productivity-hourly-rates", figures.hourly_rates(rates, td, highlight=focus), rates)

# %% [markdown]
# How to cite this figure: {glue:md}`cite_productivity_hourly_rates`
#
# ## Contract size

# %% tags=["remove-cell"]
size = frames.measure_long(per_contract, {"hours_per_contract": "Hours per hourly contract",
                                          "earnings_per_contract": "Earnings per contract (USD)"})
epc_change = frames.group_changes(monthly, "earnings_per_contract", td)
page.glue("n_epc_up", words.count_where(epc_change[focus] > epc_change[frames.CONTROLS_LABEL]))

# %% [markdown]
# Larger contracts are one sign of more complex work.
# {numref}`fig-productivity-contract-size` shows two measures of size: hours per hourly contract, and earnings per contract over all contracts.
# Earnings per contract grew faster than in the control categories in {glue:text}`n_epc_up:d` of the {glue:text}`n_focus:d` focus categories over the year after the release; {doc}`03_categories` estimates these changes with inference.
# Both measures are heavy-tailed, so single months move a lot; the regressions below use the logarithm of each freelancer's monthly average.

# %% mystnb={"figure": {"caption": "Hours per hourly contract (top) and earnings per contract (bottom), over trailing three-month windows, for each focus category and the control categories pooled; dashed line: {glue:text}`treatment_label`. Data: {glue:text}`data_label`.", "name": "fig-productivity-contract-size"}, "image": {"alt": "Two stacked line charts over time: hours per hourly contract and earnings per contract in US dollars, each with one coloured line per focus category and a grey line for the pooled control categories."}} tags=["remove-input"]
page.figure("fig-productivity-contract-size",
            figures.hourly_rates(size, td, facet="measure", highlight=focus, ylabel=""), size)

# %% [markdown]
# How to cite this figure: {glue:md}`cite_productivity_contract_size`
#
# ## Feedback

# %% tags=["remove-cell"]
feedback = frames.measure_long(per_contract, {"mean_feedback": "Mean feedback (1-5)"})

# %% [markdown]
# If freelancers used generative AI to deliver faster at the expense of quality, client ratings might fall.
# {numref}`fig-productivity-feedback` shows the mean rating; the within-freelancer estimate below tests for a change.
# Ratings are a coarse measure of quality: they are given for only part of the contracts and cluster near the top of the scale.

# %% mystnb={"figure": {"caption": "Mean client feedback (1 to 5), over trailing three-month windows, for each focus category and the control categories pooled; dashed line: {glue:text}`treatment_label`. Data: {glue:text}`data_label`.", "name": "fig-productivity-feedback"}, "image": {"alt": "Line chart of the mean feedback rating over time, one coloured line per focus category and a grey line for the pooled control categories, with a dashed vertical line at the release."}} tags=["remove-input"]
page.figure("fig-productivity-feedback",
            figures.hourly_rates(feedback, td, highlight=focus, ylabel="mean feedback (1-5)"), feedback)

# %% [markdown]
# How to cite this figure: {glue:md}`cite_productivity_feedback`
#
# ## Within-freelancer estimates

# %% tags=["remove-cell"]
fm, cap = page.panels["freelancer_month"], page.params["max_freelancers"]
wf_rate = page.estimate(est.within_freelancer, fm, "hourly_rate", focus, max_freelancers=cap)
wf_epc = page.estimate(est.within_freelancer, fm, "earnings_per_contract", focus, max_freelancers=cap)
wf_hours = page.estimate(est.within_freelancer, fm, "mean_hours", focus, max_freelancers=cap)
wf_feedback = page.estimate(est.within_freelancer, fm, "mean_feedback", focus, max_freelancers=cap)
within = [wf_rate, wf_epc, wf_hours, wf_feedback]
page.say("wf_hourly_rate", wf_rate, expected=+1)
page.glue("wf_hourly_rate_p", words.p_clause(wf_rate))
page.say("wf_earnings_per_contract", wf_epc, expected=+1)
page.glue("wf_earnings_per_contract_p", words.p_clause(wf_epc))
page.say("wf_mean_hours", wf_hours)
page.say("wf_feedback", wf_feedback, expected=-1, digits=2)
page.glue("wf_feedback_stars", words.stars_clause(wf_feedback))
page.glue("wf_inference", wf_rate.inference)
page.md("wf_sample", words.freelancer_sample_sentence(wf_rate.details["sample"], wf_rate.details["n_freelancers"]))
page.glue("wf_no_exposure", wf_rate.details["n_no_exposure"])

wf_labels = {wf_rate.id: "Hourly rate", wf_epc.id: "Earnings per contract", wf_hours.id: "Hours per hourly contract",
             wf_feedback.id: "Feedback"}
wf_data = frames.forest_frame(within, wf_labels, {}).rename(columns={"category": "measure"}).drop(columns=["outcome"])

# %% [markdown]
# The regressions compare each freelancer's monthly outcomes before and after the release, for freelancers whose main category before the release (the category of most of their contracts before it) is a focus category relative to the other freelancers: the logarithm of the outcome on an indicator for "focus freelancer, after the release", with freelancer and month fixed effects.
# A freelancer keeps that group after the release, also when they then work in another category, so that no one can choose their group in response to the release; what the work they move into pays counts as theirs.
# Freelancers with no contract before the release have no group and are left out ({glue:text}`wf_no_exposure:,d` of them here).
# Because a freelancer's own level is held fixed, a change in the mix of freelancers who stay on the platform does not move these estimates; a freelancer who takes no contract in a month is, however, absent from that month, so entry, exit and idle months are not part of them (the balanced panel below includes idle months).
# Feedback is modelled in stars and reported as a percent of the focus categories' pre-release mean.
# {glue:md}`wf_sample`
# Treatment varies by category, so inference is by the wild cluster bootstrap with the pre-release categories as clusters, which remains reliable with few clusters as long as several of them are treated {cite:p}`cameron2008bootstrap,mackinnon2018wild,roodman2019fast`; in this run: {glue:text}`wf_inference`.

# %% mystnb={"figure": {"caption": "Change after the release for freelancers of the focus categories (by main category before the release) relative to other freelancers, comparing each freelancer with themselves (freelancer and month fixed effects), with 95% wild cluster bootstrap intervals. Data: {glue:text}`data_label`.", "name": "fig-productivity-within-freelancer"}, "image": {"alt": "Forest plot with one row per measure (hourly rate, earnings per contract, hours per hourly contract, feedback), each with a point estimate in percent, a horizontal 95% interval and a vertical line at zero."}} tags=["remove-input"]
page.figure("fig-productivity-within-freelancer", figures.within_freelancer_forest(wf_data, label="measure"), wf_data)

# %% [markdown]
# How to cite this figure: {glue:md}`cite_productivity_within_freelancer`
#
# {numref}`fig-productivity-within-freelancer` shows the four estimates.
# For the same freelancer, the hourly rate {glue:text}`wf_hourly_rate`{glue:text}`wf_hourly_rate_p` and earnings per contract {glue:text}`wf_earnings_per_contract`{glue:text}`wf_earnings_per_contract_p`.
# Hours per hourly contract {glue:text}`wf_mean_hours`.
# As a percent of its pre-release mean, feedback {glue:text}`wf_feedback`{glue:text}`wf_feedback_stars`; this {glue:text}`wf_feedback_verdict` a fall in quality.
# Within freelancers, the evidence {glue:text}`wf_hourly_rate_verdict` higher hourly rates and {glue:text}`wf_earnings_per_contract_verdict` larger contracts in the exposed categories.

# %% tags=["remove-input"]
tables.display_estimates(within, digits=2)

# %% [markdown]
# ### Each exposed group on its own

# %% tags=["remove-cell"]
from analysis.claims import roles_from_focus

roles = roles_from_focus(focus)
groups = {"new_ai_work": [roles.new_ai_work] if roles.new_ai_work else [], "tiered": list(roles.tiered)}
by_group = {(g, o): page.estimate(est.within_freelancer, fm, o, ex, controls=controls, max_freelancers=cap,
                                  id=f"productivity.{g}.{o}")
            for g, ex in groups.items() if ex for o in ("hourly_rate", "earnings_per_contract")}
page.say_groups("wg", by_group, groups, ("hourly_rate", "earnings_per_contract"))

# %% [markdown]
# The book expects opposite mechanisms in the two exposed groups: new AI work in the new-AI-work category, displacement of low-value work in the tiered categories.
# The same regressions for each group on its own, against the freelancers of the control categories only (the other group's freelancers are left out): for freelancers of the new-AI-work category, the hourly rate {glue:text}`wg_new_ai_work_hourly_rate`{glue:text}`wg_new_ai_work_hourly_rate_p` and earnings per contract {glue:text}`wg_new_ai_work_earnings_per_contract`{glue:text}`wg_new_ai_work_earnings_per_contract_p`; for freelancers of the tiered categories, the hourly rate {glue:text}`wg_tiered_hourly_rate`{glue:text}`wg_tiered_hourly_rate_p` and earnings per contract {glue:text}`wg_tiered_earnings_per_contract`{glue:text}`wg_tiered_earnings_per_contract_p`.
# With a single exposed category, as for the new-AI-work group, the wild cluster bootstrap has one treated cluster and its intervals are unreliable {cite:p}`mackinnon2018wild`; these estimates therefore describe the data, and claim 5 rests on the pooled estimate above.

# %% tags=["remove-input"]
tables.display_estimates(list(by_group.values()), digits=2)

# %% [markdown]
# ## Work volume within freelancers

# %% tags=["remove-cell"]
from analysis.data.panels import build_freelancer_panel

bp, bp_sample = build_freelancer_panel(page.data_dir, td, page.params["start"], page.params["end"], cap, page.seed)
balanced = {(g, o): page.estimate(est.balanced_within_freelancer, bp, o, ex, controls, group=g, sample=bp_sample)
            for g, ex in groups.items() if ex for o in est.BALANCED_OUTCOMES}
first = next(iter(balanced.values()))
page.glue("bp_rows", len(bp))
page.glue("bp_freelancers", int(bp["freelancer_id"].nunique()))
page.glue("bp_zero_share", 100 * float((bp["contracts"] == 0).mean()))
page.glue("bp_no_exposure", first.details["n_no_exposure"])
page.glue("bp_new_ai", roles.new_ai_work or "none")
page.glue("bp_tiered", words.name_list(roles.tiered) if roles.tiered else "none")
page.md("bp_sample", words.freelancer_sample_sentence(bp_sample))
page.say_groups("bp", balanced, groups, est.BALANCED_OUTCOMES)
for g in groups:  # clusters differ by group (the other focus group's freelancers are left out)
    page.glue(f"bp_{g}_inference", balanced[g, "contracts"].inference if (g, "contracts") in balanced else "none")

# %% [markdown]
# The regressions above use only the months in which a freelancer took a contract.
# To see whether exposed freelancers got less work, this section builds a balanced panel: each freelancer has one row for every month from their first to their last contract, with zero contracts and earnings in the months between without one.
# The panel has {glue:text}`bp_rows:,d` freelancer-months of {glue:text}`bp_freelancers:,d` freelancers, {glue:text}`bp_zero_share:.1f`% of them without a contract.
# {glue:md}`bp_sample`
# A freelancer's exposure is fixed at their main category before the release (the category of most of their pre-release contracts; ties go to the first name in alphabetical byte order), so a freelancer who moves to another category afterwards stays in their pre-release group.
# The {glue:text}`bp_no_exposure:,d` freelancers whose first contract came after the release have no pre-release category and are left out.
# Each exposed group is compared with freelancers of the control categories on their own: the new-AI-work category ({glue:text}`bp_new_ai`), and the tiered categories ({glue:text}`bp_tiered`).
# Contracts and earnings per month are estimated by Poisson pseudo-maximum likelihood with freelancer and month fixed effects, which keeps the zero months and reads the coefficient as a percent change {cite:p}`santos2006log`; the extensive margin, whether the freelancer took any contract in the month, is a linear probability model reported in percentage points.
#
# For freelancers of the new-AI-work category, monthly contracts {glue:text}`bp_new_ai_work_contracts`{glue:text}`bp_new_ai_work_contracts_p`, monthly earnings {glue:text}`bp_new_ai_work_earnings`{glue:text}`bp_new_ai_work_earnings_p`, and the probability of a contract in a month {glue:text}`bp_new_ai_work_any_contract`.
# For freelancers of the tiered categories, monthly contracts {glue:text}`bp_tiered_contracts`{glue:text}`bp_tiered_contracts_p`, monthly earnings {glue:text}`bp_tiered_earnings`{glue:text}`bp_tiered_earnings_p`, and the probability of a contract in a month {glue:text}`bp_tiered_any_contract`.
# Standard errors are clustered by pre-release category, because treatment is assigned by category; in this run: {glue:text}`bp_new_ai_work_inference` for the new-AI-work group and {glue:text}`bp_tiered_inference` for the tiered group.
# With a single exposed category, as for the new-AI-work group, clustered standard errors are too small {cite:p}`mackinnon2018wild`, so these estimates describe the data and are not used as evidence for the claims.
# The span runs from a freelancer's first to last contract, because the extract does not record when freelancers join or leave the platform; months before the first and after the last contract, including those of freelancers who left, are outside the panel.

# %% tags=["remove-input"]
tables.display_estimates(list(balanced.values()), digits=2)

# %% [markdown]
# ## Summary
#
# - The share of job posts asking for expert freelancers {glue:text}`expert_top_dir` most in {glue:text}`expert_top`, from {glue:text}`expert_top_before:.1f`% to {glue:text}`expert_top_after:.1f`% ({numref}`fig-productivity-experience-mix`).
# - Hourly rates and contract sizes are shown in {numref}`fig-productivity-hourly-rates` and {numref}`fig-productivity-contract-size`; feedback in {numref}`fig-productivity-feedback`.
# - For the same freelancer, in the exposed categories relative to the others, the hourly rate {glue:text}`wf_hourly_rate` and earnings per contract {glue:text}`wf_earnings_per_contract`; feedback {glue:text}`wf_feedback`, which {glue:text}`wf_feedback_verdict` a fall in quality ({numref}`fig-productivity-within-freelancer`; estimates `productivity.*`).
# - Each exposed group on its own (descriptive): the hourly rate of the new-AI-work category's freelancers {glue:text}`wg_new_ai_work_hourly_rate`, of the tiered categories' freelancers {glue:text}`wg_tiered_hourly_rate` (estimates `productivity.new_ai_work.*`, `productivity.tiered.*`).
# - In the balanced freelancer panel with idle months, monthly contracts of the new-AI-work category's freelancers {glue:text}`bp_new_ai_work_contracts` and of the tiered categories' freelancers {glue:text}`bp_tiered_contracts` (Poisson PML, exposure by pre-release category; descriptive, see the inference caveat above).
# - The within-freelancer design holds the composition of the workforce fixed; the descriptive series above do not, and mix changes in pay with changes in who works.
#
# ## References
#
# ```{bibliography}
# :filter: docname in docnames
# ```
