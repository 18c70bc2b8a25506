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
from IPython.display import Markdown
from myst_nb import glue

from analysis import estimation as estimators
from analysis.report import figures
from analysis.report import frames as tables
from analysis.page import setup

ctx = setup(data_dir=data_dir, start=start, end=end, treatment_date=treatment_date,
            value_threshold_usd=value_threshold_usd, focus_categories=focus_categories,
            control_categories=control_categories, seed=seed,
            max_freelancers=max_freelancers, output_dir=output_dir)
glue("data_note", Markdown(ctx.data_note()), display=False)
glue("data_label", tables.data_label(ctx), display=False)
panels = ctx.panels
cm = panels["category_month"]
td = ctx.params["treatment_date"]
focus = tables.present(ctx.focus, ctx.categories)
controls = ctx.controls
glue("focus_list", tables.name_list(focus), display=False)
glue("controls_label", tables.CONTROLS_LABEL, display=False)

# %% [markdown]
# ## Data used
#
# {glue:md}`data_note:myst`
#
# The experience-level mix comes from the `category_level_month` panel (job posts by the level the client asks for: entry, intermediate or expert), rates, hours, earnings and feedback from the `category_month` panel, and the within-freelancer regressions from the `freelancer_month` panel.
# The hourly rate is hourly earnings divided by hours worked on hourly contracts; fixed-price contracts have no hours.
# Feedback is the client's rating of the freelancer on a scale from 1 to 5, where given.
# Before-and-after comparisons use the twelve months either side of the release, so that the season cancels.
#
# ## Experience level

# %% tags=["remove-cell"]
mix = tables.level_mix(panels["category_level_month"], focus, controls, td)
expert = tables.expert_share_change(mix)
top = expert.loc[focus, "change_pp"].idxmax()
glue("expert_top", top, display=False)
glue("expert_top_before", float(expert.loc[top, "before"]), display=False)
glue("expert_top_after", float(expert.loc[top, "after"]), display=False)
glue("expert_top_dir", tables.direction(float(expert.loc[top, "change_pp"])), display=False)
glue("expert_controls_change", abs(float(expert.loc[tables.CONTROLS_LABEL, "change_pp"])), display=False)
glue("expert_controls_dir", tables.direction(float(expert.loc[tables.CONTROLS_LABEL, "change_pp"])), display=False)
glue("n_expert_up", tables.count_where(expert.loc[focus, "change_pp"] > expert.loc[tables.CONTROLS_LABEL, "change_pp"]),
     display=False)
glue("n_focus", len(focus), display=False)

fig = figures.level_mix(mix)
figures.publish(ctx, fig, "fig-productivity-experience-mix", mix,
    caption=("Experience level required by job posts in the twelve months before and after the release, for each "
             "focus category and the control categories pooled."),
    alt=("Horizontal stacked bars, two per category (before and after the release), each split into the "
         "percentage of job posts asking for entry, intermediate and expert level."))

# %% [markdown]
# If generative AI takes over routine tasks, the work left for freelancers should ask for more expertise.
# {numref}`fig-productivity-experience-mix` shows the experience level that clients require.
# The share of posts asking for expert freelancers changed most in {glue:text}`expert_top`, where it {glue:text}`expert_top_dir` from {glue:text}`expert_top_before:.1f`% to {glue:text}`expert_top_after:.1f`%; in the control categories pooled it {glue:text}`expert_controls_dir` by {glue:text}`expert_controls_change:.1f` percentage points.
# The expert share rose by more than in the controls in {glue:text}`n_expert_up:d` of the {glue:text}`n_focus:d` focus categories.

# %% mystnb={"figure": {"caption": "Experience level required by job posts in the twelve months before and after the release, for each focus category and the control categories pooled. Data: {glue:text}`data_label`.", "name": "fig-productivity-experience-mix"}, "image": {"alt": "Horizontal stacked bars, two per category (before and after the release), each split into the percentage of job posts asking for entry, intermediate and expert level."}} tags=["remove-input"]
figures.image(ctx.out, "fig-productivity-experience-mix")

# %% [markdown]
# How to cite this figure: {glue:md}`cite_productivity_experience_mix`

# %% tags=["remove-input"]
tables.display_frame(expert.rename(columns={"before": "Expert share before (%)", "after": "Expert share after (%)",
                                            "change_pp": "Change (pp)"}), "{:.1f}")

# %% [markdown]
# ## Hourly rates

# %% tags=["remove-cell"]
per_contract = tables.per_contract_long(cm, focus, controls, window=3)
rate_change = tables.group_changes(tables.per_contract_long(cm, focus, controls), "hourly_rate", td)
glue("rate_controls", abs(float(rate_change[tables.CONTROLS_LABEL])), display=False)
glue("rate_controls_dir", tables.direction(float(rate_change[tables.CONTROLS_LABEL])), display=False)
glue("n_rate_up", tables.count_where(rate_change[focus] > rate_change[tables.CONTROLS_LABEL]), display=False)

rates = tables.measure_long(per_contract, {"hourly_rate": "Hourly rate (USD)"})
fig = figures.hourly_rates(rates, td, highlight=focus)
figures.publish(ctx, fig, "fig-productivity-hourly-rates", rates,
    caption=("Average hourly rate (hourly earnings over hours, over trailing three-month windows) for each focus "
             "category and the control categories pooled; dashed line: ChatGPT's release."),
    alt=("Line chart of the average hourly rate in US dollars over time, one coloured line per focus category "
         "and a grey line for the pooled control categories, with a dashed vertical line at the release."))

# %% [markdown]
# {numref}`fig-productivity-hourly-rates` shows hourly rates, averaged over trailing three-month windows because monthly averages in small categories are noisy.
# Comparing the twelve months after the release with the twelve before, the hourly rate in the control categories pooled {glue:text}`rate_controls_dir` by {glue:text}`rate_controls:.1f`%, and it grew faster than that in {glue:text}`n_rate_up:d` of the {glue:text}`n_focus:d` focus categories.
# Average rates mix two things: what a given freelancer charges, and who is working.
# The within-freelancer estimates at the end of the chapter separate them.

# %% mystnb={"figure": {"caption": "Average hourly rate (hourly earnings over hours, over trailing three-month windows) for each focus category and the control categories pooled; dashed line: ChatGPT's release. Data: {glue:text}`data_label`.", "name": "fig-productivity-hourly-rates"}, "image": {"alt": "Line chart of the average hourly rate in US dollars over time, one coloured line per focus category and a grey line for the pooled control categories, with a dashed vertical line at the release."}} tags=["remove-input"]
figures.image(ctx.out, "fig-productivity-hourly-rates")

# %% [markdown]
# How to cite this figure: {glue:md}`cite_productivity_hourly_rates`
#
# ## Contract size

# %% tags=["remove-cell"]
size = tables.measure_long(per_contract, {"hours_per_contract": "Hours per hourly contract",
                                          "earnings_per_contract": "Earnings per contract (USD)"})
fig = figures.hourly_rates(size, td, facet="measure", highlight=focus, ylabel="")
figures.publish(ctx, fig, "fig-productivity-contract-size", size,
    caption=("Hours per hourly contract (top) and earnings per contract (bottom), over trailing three-month "
             "windows, for each focus category and the control categories pooled; dashed line: ChatGPT's release."),
    alt=("Two stacked line charts over time: hours per hourly contract and earnings per contract in US dollars, "
         "each with one coloured line per focus category and a grey line for the pooled control categories."))
epc_change = tables.group_changes(tables.per_contract_long(cm, focus, controls), "earnings_per_contract", td)
glue("n_epc_up", tables.count_where(epc_change[focus] > epc_change[tables.CONTROLS_LABEL]), display=False)

# %% [markdown]
# Larger contracts are one sign of more complex work.
# {numref}`fig-productivity-contract-size` shows two measures of size: hours per hourly contract, and earnings per contract over all contracts.
# Earnings per contract grew faster than in the control categories in {glue:text}`n_epc_up:d` of the {glue:text}`n_focus:d` focus categories over the year after the release; {doc}`03_categories` estimates these changes with inference.
# Both measures are heavy-tailed, so single months move a lot; the regressions below use the logarithm of each freelancer's monthly average.

# %% mystnb={"figure": {"caption": "Hours per hourly contract (top) and earnings per contract (bottom), over trailing three-month windows, for each focus category and the control categories pooled; dashed line: ChatGPT's release. Data: {glue:text}`data_label`.", "name": "fig-productivity-contract-size"}, "image": {"alt": "Two stacked line charts over time: hours per hourly contract and earnings per contract in US dollars, each with one coloured line per focus category and a grey line for the pooled control categories."}} tags=["remove-input"]
figures.image(ctx.out, "fig-productivity-contract-size")

# %% [markdown]
# How to cite this figure: {glue:md}`cite_productivity_contract_size`
#
# ## Feedback

# %% tags=["remove-cell"]
feedback = tables.measure_long(per_contract, {"mean_feedback": "Mean feedback (1-5)"})
fig = figures.hourly_rates(feedback, td, highlight=focus, ylabel="mean feedback (1-5)")
figures.publish(ctx, fig, "fig-productivity-feedback", feedback,
    caption=("Mean client feedback (1 to 5), over trailing three-month windows, for each focus category and the "
             "control categories pooled; dashed line: ChatGPT's release."),
    alt=("Line chart of the mean feedback rating over time, one coloured line per focus category and a grey line "
         "for the pooled control categories, with a dashed vertical line at the release."))

# %% [markdown]
# If freelancers used generative AI to deliver faster at the expense of quality, client ratings might fall.
# {numref}`fig-productivity-feedback` shows the mean rating; the within-freelancer estimate below tests for a change.
# Ratings are a coarse measure of quality: they are given for only part of the contracts and cluster near the top of the scale.

# %% mystnb={"figure": {"caption": "Mean client feedback (1 to 5), over trailing three-month windows, for each focus category and the control categories pooled; dashed line: ChatGPT's release. Data: {glue:text}`data_label`.", "name": "fig-productivity-feedback"}, "image": {"alt": "Line chart of the mean feedback rating over time, one coloured line per focus category and a grey line for the pooled control categories, with a dashed vertical line at the release."}} tags=["remove-input"]
figures.image(ctx.out, "fig-productivity-feedback")

# %% [markdown]
# How to cite this figure: {glue:md}`cite_productivity_feedback`
#
# ## Within-freelancer estimates

# %% tags=["remove-cell"]
outcomes = {"hourly_rate": "Hourly rate", "earnings_per_contract": "Earnings per contract",
            "mean_hours": "Hours per hourly contract", "mean_feedback": "Feedback"}
within = [estimators.within_freelancer(panels["freelancer_month"], outcome, focus, treatment_date=td,
                                       seed=ctx.params["seed"], max_freelancers=ctx.params["max_freelancers"])
          for outcome in outcomes]
ctx.record(within)
for est in within:
    key = est.id.split(".")[1]
    glue(f"wf_{key}", abs(est.estimate_pct), display=False)
    glue(f"wf_{key}_dir", tables.direction(est.estimate_pct), display=False)
    glue(f"wf_{key}_lo", est.ci_low_pct, display=False)
    glue(f"wf_{key}_hi", est.ci_high_pct, display=False)
    glue(f"wf_{key}_p", est.p_value, display=False)
    glue(f"wf_{key}_interval", tables.interval_word(est.ci_low_pct, est.ci_high_pct), display=False)
    glue(f"wf_{key}_verdict", tables.verdict(est.estimate_pct, est.ci_low_pct, est.ci_high_pct), display=False)
glue("wf_inference", within[0].inference, display=False)
glue("wf_n_freelancers", within[0].details["n_freelancers"], display=False)
glue("wf_sample", Markdown(tables.freelancer_sample_sentence(within[0].details["sample"],
                                                               within[0].details["n_freelancers"])),
     display=False)
glue("wf_feedback_stars", abs(within[-1].coef), display=False)

wf_data = tables.forest_frame(within, {e.id: outcomes[e.outcome] for e in within}, {})
wf_data = wf_data.rename(columns={"category": "measure"}).drop(columns=["outcome"])
fig = figures.within_freelancer_forest(wf_data, label="measure")
figures.publish(ctx, fig, "fig-productivity-within-freelancer", wf_data,
    caption=("Change after the release for freelancers in the focus categories relative to freelancers in other "
             "categories, comparing each freelancer with themselves (freelancer and month fixed effects), with "
             "95% wild cluster bootstrap intervals."),
    alt=("Forest plot with one row per measure (hourly rate, earnings per contract, hours per hourly contract, "
         "feedback), each with a point estimate in percent, a horizontal 95% interval and a vertical line at zero."))

# %% [markdown]
# The regressions compare each freelancer's monthly outcomes before and after the release, for freelancers in the focus categories relative to those in other categories: the logarithm of the outcome on an indicator for "focus category, after the release", with freelancer and month fixed effects.
# Because a freelancer's own level is held fixed, a change in who joins or leaves the platform does not move the estimates.
# Feedback is modelled in stars and reported as a percent of the focus categories' pre-release mean.
# {glue:md}`wf_sample`
# Treatment varies by category, so inference is by the wild cluster bootstrap with categories as clusters, which remains reliable with few clusters as long as several of them are treated {cite:p}`cameron2008bootstrap,mackinnon2018wild,roodman2019fast`; in this run: {glue:text}`wf_inference`.

# %% mystnb={"figure": {"caption": "Change after the release for freelancers in the focus categories relative to freelancers in other categories, comparing each freelancer with themselves (freelancer and month fixed effects), with 95% wild cluster bootstrap intervals. Data: {glue:text}`data_label`.", "name": "fig-productivity-within-freelancer"}, "image": {"alt": "Forest plot with one row per measure (hourly rate, earnings per contract, hours per hourly contract, feedback), each with a point estimate in percent, a horizontal 95% interval and a vertical line at zero."}} tags=["remove-input"]
figures.image(ctx.out, "fig-productivity-within-freelancer")

# %% [markdown]
# How to cite this figure: {glue:md}`cite_productivity_within_freelancer`
#
# {numref}`fig-productivity-within-freelancer` shows the four estimates.
# For the same freelancer, the hourly rate {glue:text}`wf_hourly_rate_dir` by {glue:text}`wf_hourly_rate:.1f`% (95% interval {glue:text}`wf_hourly_rate_lo:.1f`% to {glue:text}`wf_hourly_rate_hi:.1f`%, p = {glue:text}`wf_hourly_rate_p:.3f`) and earnings per contract {glue:text}`wf_earnings_per_contract_dir` by {glue:text}`wf_earnings_per_contract:.1f`% ({glue:text}`wf_earnings_per_contract_lo:.1f`% to {glue:text}`wf_earnings_per_contract_hi:.1f`%, p = {glue:text}`wf_earnings_per_contract_p:.3f`).
# Hours per hourly contract {glue:text}`wf_mean_hours_dir` by {glue:text}`wf_mean_hours:.1f`% ({glue:text}`wf_mean_hours_lo:.1f`% to {glue:text}`wf_mean_hours_hi:.1f`%).
# Feedback {glue:text}`wf_feedback_dir` by {glue:text}`wf_feedback:.2f`% of its pre-release mean, about {glue:text}`wf_feedback_stars:.3f` stars; the interval ({glue:text}`wf_feedback_lo:.2f`% to {glue:text}`wf_feedback_hi:.2f`%) {glue:text}`wf_feedback_interval` zero.
# Within freelancers, the evidence {glue:text}`wf_hourly_rate_verdict` higher hourly rates and {glue:text}`wf_earnings_per_contract_verdict` larger contracts in the exposed categories.

# %% tags=["remove-input"]
tables.display_estimates(within, digits=2)

# %% [markdown]
# ## Summary
#
# - The share of job posts asking for expert freelancers {glue:text}`expert_top_dir` most in {glue:text}`expert_top`, from {glue:text}`expert_top_before:.1f`% to {glue:text}`expert_top_after:.1f`% ({numref}`fig-productivity-experience-mix`).
# - Hourly rates and contract sizes are shown in {numref}`fig-productivity-hourly-rates` and {numref}`fig-productivity-contract-size`; feedback in {numref}`fig-productivity-feedback`.
# - For the same freelancer, the hourly rate {glue:text}`wf_hourly_rate_dir` by {glue:text}`wf_hourly_rate:.1f`% and earnings per contract {glue:text}`wf_earnings_per_contract_dir` by {glue:text}`wf_earnings_per_contract:.1f`% in the exposed categories relative to the others, and the feedback interval {glue:text}`wf_feedback_interval` zero ({numref}`fig-productivity-within-freelancer`; estimates `productivity.*`).
# - The within-freelancer design holds the composition of the workforce fixed; the descriptive series above do not, and mix changes in pay with changes in who works.
#
# ## References
#
# ```{bibliography}
# :filter: docname in docnames
# ```
